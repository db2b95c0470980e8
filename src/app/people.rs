//! Naming people: turning a mention into a participant (registering newcomers where that is
//! allowed), and the coordinator list.

use super::{App, AppResult, Caller, Reply, UserError};
use crate::commands::Mention;
use crate::domain::{Identity, Participant, Platform};
use crate::messages;
use crate::store;
use crate::store::audit::AuditAction;

/// A person named in a command: already known, or new and to be registered with the change.
#[derive(Debug, Clone)]
pub(crate) enum Named {
    Known(Participant),
    New(Participant),
}

impl Named {
    pub fn person(&self) -> &Participant {
        match self {
            Named::Known(p) | Named::New(p) => p,
        }
    }

    /// Registers a newcomer inside the caller's transaction.
    pub async fn register(&self, tx: &mut sqlx::AnyConnection) -> AppResult<()> {
        if let Named::New(p) = self {
            store::participants::insert(&mut *tx, p).await?;
        }
        Ok(())
    }
}

impl App {
    /// Finds the person a mention names. A platform mention of someone new registers them; a bare
    /// `@name` registers a newcomer only in the terminal chat, where names are the accounts.
    pub(crate) async fn resolve(&self, caller: &Caller, mention: &Mention) -> AppResult<Named> {
        let db = self.store.pool();
        match mention {
            Mention::Id {
                platform,
                id,
                label,
            } => {
                let identity = crate::domain::Identity::new(*platform, id.clone());
                if let Some(p) = store::participants::find_by_identity(db, &identity).await? {
                    return Ok(Named::Known(p));
                }
                let name = label
                    .clone()
                    .filter(|l| !l.trim().is_empty())
                    .unwrap_or_else(|| id.clone());
                let mut newcomer = self.newcomer(*platform, id, &name);
                self.fill_profile(&mut newcomer, &identity).await;
                Ok(Named::New(newcomer))
            }
            Mention::Name(name) => {
                // A terminal name and display names on every platform: the same word may name
                // people on two platforms, and then guessing would act on the wrong one.
                let identity = crate::domain::Identity::new(Platform::Console, name.clone());
                let mut matches: Vec<Participant> =
                    store::participants::find_by_identity(db, &identity)
                        .await?
                        .into_iter()
                        .collect();
                for p in store::participants::find_by_display_name(db, name).await? {
                    if !matches.iter().any(|m| m.id == p.id) {
                        matches.push(p);
                    }
                }
                match matches.len() {
                    1 => Ok(Named::Known(matches.remove(0))),
                    0 if caller.identity.platform == Platform::Console && !caller.operator => {
                        Ok(Named::New(self.newcomer(Platform::Console, name, name)))
                    }
                    0 => Err(UserError::UnknownPerson(name.clone()).into()),
                    _ => Err(UserError::AmbiguousName {
                        name: name.clone(),
                        people: matches
                            .iter()
                            .map(|p| (p.display_name.clone(), accounts(p)))
                            .collect(),
                    }
                    .into()),
                }
            }
        }
    }

    /// Takes a newcomer's name, zone and email from their platform, where it knows them. A
    /// platform that can't answer leaves the mention's label in place.
    async fn fill_profile(&self, newcomer: &mut Participant, identity: &crate::domain::Identity) {
        let Ok(chat) = self.chats.on(identity.platform) else {
            return;
        };
        match chat.profile(identity).await {
            Ok(Some(profile)) => {
                if !profile.display_name.trim().is_empty() {
                    newcomer.display_name = profile.display_name;
                }
                newcomer.zone = profile.zone;
                newcomer.email = profile.email;
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, user = %identity, "could not read a profile"),
        }
    }

    fn newcomer(&self, platform: Platform, id: &str, display_name: &str) -> Participant {
        Participant::new(platform, id, display_name, self.now())
    }

    pub(crate) async fn command_coordinator_add(
        &self,
        caller: &Caller,
        user: Mention,
    ) -> AppResult<Reply> {
        let named = self.resolve(caller, &user).await?;
        let mut tx = self.store.begin().await?;
        named.register(&mut tx).await?;
        let added = store::coordinators::add(&mut *tx, &named.person().id, self.now()).await?;
        if !added {
            return Err(UserError::AlreadyCoordinator(named.person().display_name.clone()).into());
        }
        let action = AuditAction::CoordinatorAdd;
        self.audit(&mut *tx, caller, action, &named.person().id, None)
            .await?;
        tx.commit().await?;
        Ok(Reply::private(messages::coordinator_added(named.person())))
    }

    pub(crate) async fn command_coordinator_remove(
        &self,
        caller: &Caller,
        user: Mention,
    ) -> AppResult<Reply> {
        let person = match self.resolve(caller, &user).await? {
            Named::Known(p) => p,
            Named::New(p) => return Err(UserError::NotACoordinator(p.display_name).into()),
        };
        let mut tx = self.store.begin().await?;
        let everyone = store::coordinators::list(&mut *tx).await?;
        if !everyone.contains(&person.id) {
            return Err(UserError::NotACoordinator(person.display_name).into());
        }
        if everyone.len() == 1 {
            return Err(UserError::LastCoordinator.into());
        }
        store::coordinators::remove(&mut *tx, &person.id).await?;
        let action = AuditAction::CoordinatorRemove;
        self.audit(&mut *tx, caller, action, &person.id, None)
            .await?;
        tx.commit().await?;
        // A Discord role holder still coordinates there, so keeps the spaces the role gave.
        let by_role = store::coordinators::holds_role(self.store.pool(), &person.id).await?;
        let left = self
            .leave_coordinated_spaces(&person, |p| !(by_role && p == Platform::Discord))
            .await?;
        Ok(Reply::private(messages::coordinator_removed(&person, left)))
    }

    /// Keeps `role_coordinators` in step with what the platform vouches for: a role holder is
    /// noted (registered first if new), someone seen without the role is dropped. Only a change
    /// costs a write.
    pub(crate) async fn note_platform_role(&self, caller: &Caller) -> AppResult<()> {
        if caller.operator || caller.identity.platform != Platform::Discord {
            return Ok(());
        }
        let db = self.store.pool();
        let known = self.participant(&caller.identity).await?;
        let noted = match &known {
            Some(p) => store::coordinators::holds_role(db, &p.id).await?,
            None => false,
        };
        match (caller.platform_coordinator, noted, &known) {
            (true, true, _) | (false, false, _) => return Ok(()),
            (false, true, Some(p)) => {
                self.coordinator_role_lost(p).await?;
                return Ok(());
            }
            _ => {}
        }
        let mention = Mention::Id {
            platform: caller.identity.platform,
            id: caller.identity.user_id.clone(),
            label: Some(caller.display_name.clone()),
        };
        let named = self.resolve(caller, &mention).await?;
        let mut tx = self.store.begin().await?;
        named.register(&mut tx).await?;
        store::coordinators::note_role(&mut *tx, &named.person().id, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Someone seen with Discord's coordinator role holds it no more: no help alerts by the role,
    /// and out of the Discord pair spaces they were added to, unless the `coordinators` table
    /// still names them. Returns how many spaces they left.
    pub async fn coordinator_role_lost(&self, person: &Participant) -> anyhow::Result<usize> {
        store::coordinators::forget_role(&mut *self.store.writer().await?, &person.id).await?;
        if store::coordinators::contains(self.store.pool(), &person.id).await? {
            return Ok(0);
        }
        let left = self
            .leave_coordinated_spaces(person, |p| p == Platform::Discord)
            .await?;
        tracing::info!(participant = %person.id, spaces = left, "the coordinator role was lost");
        Ok(left)
    }

    /// A platform says `identity` no longer holds its coordinator role (Discord's member update):
    /// acted on only for someone recorded with it.
    pub async fn coordinator_role_lost_by(&self, identity: &Identity) -> anyhow::Result<usize> {
        let db = self.store.pool();
        match store::participants::find_by_identity(db, identity).await? {
            Some(p) if store::coordinators::holds_role(db, &p.id).await? => {
                self.coordinator_role_lost(&p).await
            }
            _ => Ok(0),
        }
    }

    /// Asks the platform about each recorded role holder (Discord: their membership of the
    /// server), for servers where member updates do not reach Tandem; returns how many lost it.
    pub async fn sweep_role_holders(&self) -> anyhow::Result<usize> {
        let Ok(chat) = self.chats.on(Platform::Discord) else {
            return Ok(0);
        };
        let db = self.store.pool();
        let holders = store::coordinators::role_holders(db).await?;
        let mut lost = 0;
        for person in store::participants::find_many(db, &holders).await? {
            let Some(identity) = person.identity_on(Platform::Discord) else {
                continue;
            };
            match chat.holds_coordinator_role(&identity).await {
                Ok(Some(false)) => {
                    self.coordinator_role_lost(&person).await?;
                    lost += 1;
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, user = %identity, "could not check a coordinator's role")
                }
            }
        }
        Ok(lost)
    }

    /// Makes sure the operator's bootstrap coordinators (`TANDEM_COORDINATORS`) exist.
    pub async fn bootstrap_coordinators(
        &self,
        identities: &[crate::domain::Identity],
    ) -> anyhow::Result<()> {
        for identity in identities {
            let mention = Mention::Id {
                platform: identity.platform,
                id: identity.user_id.clone(),
                label: None,
            };
            let operator = Caller {
                operator: true,
                ..Caller::person(identity.clone(), "operator")
            };
            let named = self
                .resolve(&operator, &mention)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut tx = self.store.begin().await?;
            named
                .register(&mut tx)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store::coordinators::add(&mut *tx, &named.person().id, self.now()).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

/// A person's accounts as they can be typed (`@slack:U012AB`), to tell namesakes apart.
fn accounts(p: &Participant) -> Vec<String> {
    Platform::ALL
        .into_iter()
        .filter_map(|platform| p.identity_on(platform))
        .map(|identity| format!("@{identity}"))
        .collect()
}
