//! The `schedules` table: one cron schedule per kind and target.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;
use crate::domain::schedule::ScheduleKind;
use crate::domain::time::parse_zone;

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub id: String,
    pub kind: ScheduleKind,
    pub target: String,
    pub cron: String,
    pub zone: chrono_tz::Tz,
    pub on: bool,
    /// Occurrences up to here have become jobs.
    pub cursor_at: Timestamp,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, kind, target, cron, zone, status, cursor_at, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Schedule> {
    let kind: String = row.try_get("kind")?;
    let zone: String = row.try_get("zone")?;
    let status: String = row.try_get("status")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        kind: ScheduleKind::parse(&kind).unwrap_or(ScheduleKind::Checkin),
        target: row.try_get("target")?,
        cron: row.try_get("cron")?,
        zone: parse_zone(&zone).unwrap_or(chrono_tz::UTC),
        on: status == "on",
        cursor_at: Timestamp(row.try_get("cursor_at")?),
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// Sets the schedule of a kind for a target, switching it on. Occurrences before `now` are never
/// sent for a schedule that was just set: its cursor starts at `now`.
pub async fn set<'c, E: Executor<'c, Database = Any>>(db: E, s: &Schedule) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO schedules (id, kind, target, cron, zone, status, cursor_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'on', $6, $7)
         ON CONFLICT (kind, target) DO UPDATE
         SET cron = excluded.cron, zone = excluded.zone, status = 'on', cursor_at = excluded.cursor_at",
    )
    .bind(&s.id)
    .bind(s.kind.as_str())
    .bind(&s.target)
    .bind(&s.cron)
    .bind(s.zone.name())
    .bind(s.cursor_at.0)
    .bind(s.created_at.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Switches a schedule off; false when there was none switched on.
pub async fn switch_off<'c, E: Executor<'c, Database = Any>>(
    db: E,
    kind: ScheduleKind,
    target: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE schedules SET status = 'off' WHERE kind = $1 AND target = $2 AND status = 'on'",
    )
    .bind(kind.as_str())
    .bind(target)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    kind: ScheduleKind,
    target: &str,
) -> sqlx::Result<Option<Schedule>> {
    let sql = format!("SELECT {COLUMNS} FROM schedules WHERE kind = $1 AND target = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(kind.as_str())
        .bind(target)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Every schedule, in the order they were made.
pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Schedule>> {
    let sql = format!("SELECT {COLUMNS} FROM schedules ORDER BY created_at, id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Moves the cursor forward, only from where this caller found it; false when another instance
/// moved it first. Run in the transaction that writes the occurrences' jobs, so only the
/// instance that moves the cursor decides which of them is sent.
pub async fn advance<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    from: Timestamp,
    to: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE schedules SET cursor_at = $1 WHERE id = $2 AND cursor_at = $3")
        .bind(to.0)
        .bind(id)
        .bind(from.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
