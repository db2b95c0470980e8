//! Pair spaces: each active pair gets one private channel on its platform, made through the Chat
//! port, recorded on the pair, and welcomed. Pairs left without one (a platform error, a crash)
//! are picked up again by [`App::open_missing_spaces`], so the work is resumable.

use anyhow::{Context, anyhow};

use super::App;
use crate::chat::{ChannelRef, ChatError, Member, SpaceRequest};
use crate::domain::{Identity, Intake, Pair, Participant, Platform};
use crate::messages;
use crate::store;

/// A coordinator as seen from one platform: the account, the name, and whether they are listed
/// as a coordinator (`false`: only seen holding Discord's coordinator role).
pub(crate) struct CoordinatorOn {
    pub identity: Identity,
    pub name: String,
    pub listed: bool,
}

impl App {
    /// Makes (or finds again) the pair's private space and welcomes the pair the first time.
    pub async fn open_space(&self, pair: &Pair) -> anyhow::Result<ChannelRef> {
        if let Some(id) = &pair.space_id {
            return Ok(ChannelRef::new(pair.platform, id.clone()));
        }
        let db = self.store.pool();
        let intake = store::intakes::find(db, &pair.intake_id)
            .await?
            .context("the pair's intake is gone")?;
        let mentor = self.member(pair, &pair.mentor_id).await?;
        let mentee = self.member(pair, &pair.mentee_id).await?;
        let coordinators = self.space_coordinators(pair.platform).await?;
        let request = SpaceRequest {
            pair_id: pair.id.clone(),
            intake_name: intake.name.clone(),
            mentor: mentor.clone(),
            mentee: mentee.clone(),
            coordinators: coordinators.iter().map(|(i, _)| i.clone()).collect(),
        };
        let chat = self.chats.on(pair.platform)?;
        let made = chat.ensure_private_space(&request).await?;
        let space = made.channel;
        store::pairs::set_space(db, &pair.id, &space.id).await?;
        // The space is recorded before the welcome: a crash in between costs a welcome, never a
        // second channel.
        let readers = messages::Readers {
            names: coordinators.into_iter().map(|(_, name)| name).collect(),
            role: chat.coordinator_role().filter(|_| made.role_reads),
        };
        let mut welcome = messages::welcome(&intake, &mentor, &mentee, &readers);
        let resources = store::resources::list(db).await?;
        if !resources.is_empty() {
            welcome = welcome.line(messages::welcome_resources(&resources));
        }
        if let Err(err) = chat.post(&space, &welcome).await {
            tracing::warn!(error = %err, pair = %pair.id, "could not post the welcome");
        }
        Ok(space)
    }

    /// The coordinators a space on `platform` is opened to by name, with their names: the
    /// program's coordinators with an account there and, on Discord, the role holders seen.
    pub(crate) async fn space_coordinators(
        &self,
        platform: Platform,
    ) -> anyhow::Result<Vec<(Identity, String)>> {
        Ok(self
            .coordinators_on(platform)
            .await?
            .into_iter()
            .map(|c| (c.identity, c.name))
            .collect())
    }

    /// The coordinators with an account on `platform` (on Discord also those seen holding the
    /// coordinator role), by name, read in one query.
    pub(crate) async fn coordinators_on(
        &self,
        platform: Platform,
    ) -> anyhow::Result<Vec<CoordinatorOn>> {
        let with_role = platform == Platform::Discord;
        let mut people = self
            .store
            .quickly(|db| Box::pin(store::participants::coordinators(db, with_role)))
            .await?;
        people.sort_by(|(a, _), (b, _)| (&a.display_name, &a.id).cmp(&(&b.display_name, &b.id)));
        Ok(people
            .into_iter()
            .filter_map(|(p, listed)| {
                p.identity_on(platform).map(|identity| CoordinatorOn {
                    identity,
                    name: p.display_name,
                    listed,
                })
            })
            .collect())
    }

    async fn member(&self, pair: &Pair, participant_id: &str) -> anyhow::Result<Member> {
        let person = store::participants::find(self.store.pool(), participant_id)
            .await?
            .context("a pair member is gone")?;
        let identity = person
            .identity_on(pair.platform)
            .ok_or_else(|| anyhow!("{} has no account on {}", person.id, pair.platform.as_str()))?;
        Ok(Member {
            identity,
            display_name: person.display_name,
        })
    }

    /// Opens the spaces still missing; returns how many were made. Permanent failures are logged
    /// and left for a coordinator; transient ones are tried again on the next sweep.
    pub async fn open_missing_spaces(&self) -> anyhow::Result<usize> {
        let mut made = 0;
        let pairs = store::pairs::without_space(self.store.pool()).await?;
        // A pair on a platform this instance is not connected to waits for one that is.
        for pair in pairs
            .into_iter()
            .filter(|p| self.chats.on(p.platform).is_ok())
        {
            match self.open_space(&pair).await {
                Ok(_) => made += 1,
                Err(err) => {
                    tracing::warn!(error = %err, pair = %pair.id, "pair space still missing")
                }
            }
        }
        Ok(made)
    }

    /// Takes people out of a pair's space on its platform; returns how many were in it and left.
    /// A platform failure is logged and costs only that removal.
    pub(crate) async fn remove_from_space(&self, pair: &Pair, people: &[&Participant]) -> usize {
        let (Some(space), Ok(chat)) = (&pair.space_id, self.chats.on(pair.platform)) else {
            return 0;
        };
        let space = ChannelRef::new(pair.platform, space.clone());
        let mut left = 0;
        for identity in people.iter().filter_map(|p| p.identity_on(pair.platform)) {
            match chat.remove_from_space(&space, &identity).await {
                Ok(true) => left += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(error = %err, pair = %pair.id, "could not take someone out of a pair space")
                }
            }
        }
        left
    }

    /// Takes someone who no longer coordinates out of the pair spaces on the platforms `on`
    /// picks (never their own pair's); returns how many they left.
    pub(crate) async fn leave_coordinated_spaces(
        &self,
        person: &Participant,
        on: impl Fn(Platform) -> bool,
    ) -> anyhow::Result<usize> {
        let mut left = 0;
        for pair in store::pairs::with_space(self.store.pool(), None).await? {
            let own = pair.mentor_id == person.id || pair.mentee_id == person.id;
            if own || !on(pair.platform) {
                continue;
            }
            left += self.remove_from_space(&pair, &[person]).await;
        }
        Ok(left)
    }

    /// Tells a pair in its space that it has ended; a failure only costs the notice.
    pub(crate) async fn say_goodbye(&self, pair: &Pair, intake: &Intake) {
        let Some(space) = &pair.space_id else { return };
        let sent = match self.chats.on(pair.platform) {
            Ok(chat) => {
                chat.post(
                    &ChannelRef::new(pair.platform, space.clone()),
                    &messages::pair_ended(intake),
                )
                .await
            }
            Err(err) => Err(err),
        };
        if let Err(err) = sent {
            tracing::warn!(error = %err, pair = %pair.id, "could not post the goodbye");
        }
    }
}

impl From<ChatError> for super::AppError {
    fn from(err: ChatError) -> Self {
        super::AppError::Internal(err.into())
    }
}
