//! A person's own data. `/mentoring mydata` shows what Tandem stores about the caller, with all of
//! it attached as a JSON file; `/mentoring forget @USER` erases a person (oneself, or anyone for a
//! coordinator) once a button confirms it, since it cannot be undone.

use serde_json::json;

use super::people::Named;
use super::{App, AppResult, Caller, Reply, UserError};
use crate::chat::Attachment;
use crate::commands::Mention;
use crate::domain::{Participant, Platform};
use crate::messages;
use crate::store;

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
        store::privacy::erase(&mut tx, &person.id, self.now()).await?;
        tx.commit().await?;
        tracing::info!(participant = %person.id, "a person's data was erased");
        let mut reply = Reply::private(messages::forgotten(&person.display_name, own));
        reply.replaces = Some(reply.message.clone());
        Ok(reply)
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
