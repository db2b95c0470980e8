//! A person's own data. `/mentoring mydata` shows what Tandem stores about the caller, with all of
//! it attached as a JSON file; `/mentoring forget @USER` erases a person (oneself, or anyone for a
//! coordinator) once a button confirms it, since it cannot be undone.

use serde_json::json;

use super::delivery::Sent;
use super::people::Named;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::chat::{Attachment, ChannelRef, MessageRef, SpaceNames};
use crate::commands::Mention;
use crate::domain::{Pair, Participant, Platform, new_id};
use crate::messages;
use crate::store;
use crate::store::audit::AuditAction;
use crate::store::jobs::{Job, JobKind, JobStatus};

/// The confirmation button; its value is the participant id, re-checked on the press.
pub const FORGET_ACTION: &str = "forget.confirm";

impl App {
    pub(crate) async fn command_mydata(&self, caller: &Caller) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        let mut conn = self.store.pool().acquire().await?;
        let held = store::privacy::held(&mut conn, &person.id).await?;
        drop(conn);
        let file = json!({
            "participant": {
                "name": person.display_name,
                "slack_user_id": person.slack_user_id,
                "discord_user_id": person.discord_user_id,
                "console_name": person.console_name,
                "email": person.email,
                "time_zone": person.zone.map(|z| z.name().to_string()),
                "city": person.city,
                "paused_since": person.paused_since.map(|t| t.0),
                "paused_until": person.paused_until.map(|d| d.to_string()),
                "registered_at": person.created_at.0,
            },
            "held": held,
        });
        let mut reply = Reply::private(messages::my_data(&person, &held));
        reply.attachments.push(Attachment {
            name: "tandem-my-data.json".into(),
            media_type: "application/json",
            bytes: serde_json::to_vec_pretty(&file).map_err(anyhow::Error::from)?,
        });
        Ok(reply)
    }

    pub(crate) async fn command_forget(&self, caller: &Caller, user: Mention) -> AppResult<Reply> {
        let person = match self.resolve(caller, &user).await? {
            Named::Known(p) => p,
            Named::New(p) => return Err(UserError::UnknownPerson(p.display_name).into()),
        };
        let own = self.may_forget(caller, &person).await?;
        Ok(Reply::private(messages::forget_confirm(
            &person,
            own,
            FORGET_ACTION,
        )))
    }

    /// The confirmation: erases the person in one transaction.
    pub(crate) async fn press_forget(&self, caller: &Caller, value: &str) -> AppResult<Reply> {
        let db = self.store.pool();
        let person = store::participants::find(db, value)
            .await?
            .ok_or(UserError::UnknownAction)?;
        if forgotten(&person) {
            let mut reply = Reply::private(messages::already_forgotten());
            reply.replaces = Some(reply.message.clone());
            return Ok(reply);
        }
        let own = self.may_forget(caller, &person).await?;
        let mut tx = self.store.begin().await?;
        let coordinators = store::coordinators::list(&mut *tx).await?;
        if coordinators == [person.id.clone()] {
            return Err(UserError::LastCoordinator.into());
        }
        // Recorded before the caller's own accounts may go with the erasure.
        self.audit(&mut *tx, caller, AuditAction::Forget, &person.id, None)
            .await?;
        // Read before the erasure takes their accounts: the spaces to take them out of.
        let spaces = store::pairs::with_space(&mut *tx, Some(&person.id)).await?;
        let now = self.now();
        store::privacy::erase(&mut tx, &person.id, now).await?;
        // Their name also shows on the platforms, in each pair space's name and purpose: a job
        // renames those, trying again while a platform is down.
        let rename = Job {
            id: new_id(),
            key: format!("space_rename:{}", person.id),
            kind: JobKind::SpaceRename,
            target: person.id.clone(),
            schedule_id: None,
            due_at: now,
            created_at: now,
        };
        store::jobs::insert_if_new(&mut *tx, &rename, JobStatus::Pending).await?;
        tx.commit().await?;
        tracing::info!(participant = %person.id, "a person's data was erased");
        self.leave_spaces_when_forgotten(&person, &spaces).await?;
        let mut reply = Reply::private(messages::forgotten(&person.display_name, own));
        reply.replaces = Some(reply.message.clone());
        Ok(reply)
    }

    /// Renames a pair's space to the names its members go by now (a forgotten one's is neutral).
    pub(crate) async fn rename_space(&self, pair_id: &str) -> anyhow::Result<Sent> {
        let db = self.store.pool();
        let Some(pair) = store::pairs::find(db, pair_id).await? else {
            return Ok(Sent::Skipped("the pair is gone"));
        };
        let Some(space_id) = pair.space_id.clone() else {
            return Ok(Sent::Skipped("the pair has no space"));
        };
        let name = async |id: &str| -> anyhow::Result<String> {
            Ok(store::participants::find(db, id)
                .await?
                .map(|p| p.display_name)
                .unwrap_or_else(|| store::privacy::FORGOTTEN_NAME.to_string()))
        };
        let names = SpaceNames {
            pair_id: pair.id.clone(),
            intake_name: store::intakes::find(db, &pair.intake_id)
                .await?
                .map(|i| i.name)
                .unwrap_or_default(),
            mentor: name(&pair.mentor_id).await?,
            mentee: name(&pair.mentee_id).await?,
        };
        let space = ChannelRef::new(pair.platform, space_id);
        self.chats
            .on(pair.platform)?
            .rename_space(&space, &names)
            .await?;
        Ok(Sent::Posted(MessageRef {
            channel: space,
            id: String::new(),
        }))
    }

    /// The forgotten person leaves every pair space they had or were added to as a coordinator;
    /// in a pair the forget ended, their partner leaves too, as after an unpair.
    async fn leave_spaces_when_forgotten(
        &self,
        person: &Participant,
        spaces: &[Pair],
    ) -> AppResult<()> {
        for pair in spaces {
            let mut leaving = vec![person.clone()];
            if pair.ended_at.is_none() {
                let partner = if pair.mentor_id == person.id {
                    &pair.mentee_id
                } else {
                    &pair.mentor_id
                };
                leaving.extend(store::participants::find(self.store.pool(), partner).await?);
            }
            let leaving: Vec<&Participant> = leaving.iter().collect();
            self.remove_from_space(pair, &leaving).await;
        }
        // A forgotten coordinator coordinates no more: out of the spaces they were added to.
        self.leave_coordinated_spaces(person, |_| true).await?;
        Ok(())
    }

    /// Oneself, or anyone for a coordinator; whether it is oneself.
    async fn may_forget(&self, caller: &Caller, person: &Participant) -> AppResult<bool> {
        let own = self
            .participant(&caller.identity)
            .await?
            .is_some_and(|me| me.id == person.id);
        if !own && !self.is_coordinator(caller).await? {
            return Err(UserError::ForgetOthers.into());
        }
        Ok(own)
    }
}

/// An erased person keeps no account on any platform.
fn forgotten(person: &Participant) -> bool {
    Platform::ALL
        .into_iter()
        .all(|p| person.identity_on(p).is_none())
}
