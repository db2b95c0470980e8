//! The `audit_log` table: who did which sensitive act, about what, when. Append-only here; no
//! answer or note ever goes in.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::{Timestamp, new_id};

/// The acts that are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SurveyExport,
    SurveyResults,
    CoordinatorAdd,
    CoordinatorRemove,
    Forget,
}

const ACTIONS: [AuditAction; 5] = [
    AuditAction::SurveyExport,
    AuditAction::SurveyResults,
    AuditAction::CoordinatorAdd,
    AuditAction::CoordinatorRemove,
    AuditAction::Forget,
];

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SurveyExport => "survey_export",
            AuditAction::SurveyResults => "survey_results",
            AuditAction::CoordinatorAdd => "coordinator_add",
            AuditAction::CoordinatorRemove => "coordinator_remove",
            AuditAction::Forget => "forget",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ACTIONS.into_iter().find(|a| a.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: Timestamp,
    /// A participant id, or `operator`.
    pub actor: String,
    pub action: AuditAction,
    /// A survey id or a participant id.
    pub subject: String,
    pub detail: Option<String>,
}

pub async fn record<'c, E: Executor<'c, Database = Any>>(
    db: E,
    entry: &AuditEntry,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(entry.at.0)
    .bind(&entry.actor)
    .bind(entry.action.as_str())
    .bind(&entry.subject)
    .bind(&entry.detail)
    .execute(db)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> sqlx::Result<AuditEntry> {
    let action: String = row.try_get("action")?;
    Ok(AuditEntry {
        at: Timestamp(row.try_get("at")?),
        actor: row.try_get("actor")?,
        action: AuditAction::parse(&action)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown audit action {action}").into()))?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
    })
}

/// The newest `limit` entries, newest first.
pub async fn newest<'c, E: Executor<'c, Database = Any>>(
    db: E,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query(
        "SELECT at, actor, action, subject, detail FROM audit_log ORDER BY at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?
    .iter()
    .map(from_row)
    .collect()
}
