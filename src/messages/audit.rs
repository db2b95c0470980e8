//! `/mentoring audit`: the newest entries of the audit log, one a line.

use crate::chat::{Message, Text};
use crate::domain::Timestamp;
use crate::store::audit::AuditAction;

/// One entry as shown: names where the ids are people, else the ids.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub at: Timestamp,
    pub actor: String,
    pub action: AuditAction,
    pub subject: String,
    pub detail: Option<String>,
}

pub fn audit_log(lines: &[AuditLine]) -> Message {
    if lines.is_empty() {
        return Message::new().line("The audit log is empty: no exports, results opened, coordinator changes or forgotten people yet.");
    }
    let mut message = Message::new().line("*Audit log*, newest first (times in UTC):");
    for line in lines {
        let short = |id: &str| id.chars().take(8).collect::<String>();
        let (act, subject) = match line.action {
            AuditAction::SurveyExport => (
                format!(
                    " exported survey `{}` as {}",
                    short(&line.subject),
                    line.detail.as_deref().unwrap_or("csv")
                ),
                None,
            ),
            AuditAction::SurveyResults => (
                format!(" opened the results of survey `{}`", short(&line.subject)),
                None,
            ),
            AuditAction::CoordinatorAdd => (" made ".to_string(), Some(" a coordinator")),
            AuditAction::CoordinatorRemove => (" removed ".to_string(), Some(" as a coordinator")),
            AuditAction::Forget => (" had Tandem forget ".to_string(), Some("")),
        };
        let mut text = Text::new()
            .plain(format!("• {} ", line.at.to_utc().format("%Y-%m-%d %H:%M")))
            .user(line.actor.clone())
            .plain(act);
        if let Some(after) = subject {
            text = text.user(line.subject.clone()).plain(after);
        }
        message = message.line(text);
    }
    message
}
