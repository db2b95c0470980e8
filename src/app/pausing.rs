//! A participant pauses and resumes their own prompts and reminders.

use chrono::NaiveDate;

use super::{App, AppResult, Caller, Reply, UserError};
use crate::domain::Participant;
use crate::messages;
use crate::store;

/// The stable id of the "Resume now" button.
pub const RESUME_ACTION: &str = "pause.resume";

impl App {
    pub(super) async fn caller_participant(&self, caller: &Caller) -> AppResult<Participant> {
        self.participant(&caller.identity)
            .await?
            .ok_or_else(|| UserError::NotAParticipant.into())
    }

    pub(crate) async fn command_pause(
        &self,
        caller: &Caller,
        until: Option<NaiveDate>,
    ) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        let today = self.now().date_in(person.zone.unwrap_or(chrono_tz::UTC));
        if let Some(last_day) = until.filter(|d| *d < today) {
            return Err(UserError::PauseEndsInPast(last_day).into());
        }
        store::participants::set_pause(self.store.pool(), &person.id, Some(self.now()), until)
            .await?;
        Ok(Reply::private(messages::paused(&person, until)))
    }

    pub(crate) async fn command_resume(&self, caller: &Caller) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        if !person.is_paused_at(self.now()) {
            return Err(UserError::NotPaused.into());
        }
        store::participants::set_pause(self.store.pool(), &person.id, None, None).await?;
        Ok(Reply::private(messages::resumed()))
    }

    /// "Resume now" under a pause notice: only the person who paused may press it.
    pub(crate) async fn press_resume(&self, caller: &Caller, value: &str) -> AppResult<Reply> {
        let person = self.caller_participant(caller).await?;
        if person.id != value {
            return Err(UserError::NotYours.into());
        }
        let mut reply = self.command_resume(caller).await?;
        reply.replaces = Some(messages::resumed());
        Ok(reply)
    }
}
