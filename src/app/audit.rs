//! The audit log: each sensitive act (a survey exported, its results opened, a coordinator added
//! or removed, a person forgotten) is recorded with who did it and when, in the act's own
//! transaction where it has one, and before anything is shown, so an act that cannot be recorded
//! does not happen. `/mentoring audit` shows the newest entries to coordinators.

use sqlx::{Any, Executor};

use super::{App, AppResult, Caller, Reply};
use crate::messages;
use crate::store;
use crate::store::audit::{AuditAction, AuditEntry};

/// Entries `/mentoring audit` shows, newest first.
const SHOWN: i64 = 50;

/// The actor recorded for the operator at the terminal.
pub const OPERATOR: &str = "operator";

impl App {
    /// Records `action` by `caller` about `subject` (a survey id or a participant id).
    pub(crate) async fn audit<'c, E: Executor<'c, Database = Any>>(
        &self,
        db: E,
        caller: &Caller,
        action: AuditAction,
        subject: &str,
        detail: Option<&str>,
    ) -> AppResult<()> {
        let entry = AuditEntry {
            at: self.now(),
            actor: self.actor(caller).await?,
            action,
            subject: subject.to_string(),
            detail: detail.map(str::to_string),
        };
        store::audit::record(db, &entry).await?;
        Ok(())
    }

    /// Who the caller is in the log: their participant id (so a forgotten person's entries name
    /// no one), or the operator.
    async fn actor(&self, caller: &Caller) -> AppResult<String> {
        if caller.operator {
            return Ok(OPERATOR.to_string());
        }
        Ok(match self.participant(&caller.identity).await? {
            Some(person) => person.id,
            None => format!(
                "{}:{}",
                caller.identity.platform.as_str(),
                caller.identity.user_id
            ),
        })
    }

    pub(crate) async fn command_audit(&self) -> AppResult<Reply> {
        let db = self.store.pool();
        let entries = store::audit::newest(db, SHOWN).await?;
        let ids: Vec<String> = entries
            .iter()
            .flat_map(|e| [e.actor.clone(), e.subject.clone()])
            .collect();
        let people = store::participants::find_many(db, &ids).await?;
        let name = |id: &str| {
            people
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.display_name.clone())
        };
        let lines: Vec<messages::AuditLine> = entries
            .iter()
            .map(|e| messages::AuditLine {
                at: e.at,
                actor: name(&e.actor).unwrap_or_else(|| e.actor.clone()),
                action: e.action,
                subject: name(&e.subject).unwrap_or_else(|| e.subject.clone()),
                detail: e.detail.clone(),
            })
            .collect();
        Ok(Reply::private(messages::audit_log(&lines)))
    }
}
