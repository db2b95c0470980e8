//! The `intakes` table.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::time::{parse_date, parse_zone};
use crate::domain::{Intake, IntakeStatus, Timestamp};

const COLUMNS: &str =
    "id, name, zone, starts_on, ends_on, status, announcement_channel, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Intake> {
    let zone: String = row.try_get("zone")?;
    let status: String = row.try_get("status")?;
    Ok(Intake {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        zone: parse_zone(&zone).unwrap_or(chrono_tz::UTC),
        starts_on: date_column(row, "starts_on")?,
        ends_on: date_column(row, "ends_on")?,
        status: IntakeStatus::parse(&status).unwrap_or(IntakeStatus::Closed),
        announcement_channel: row.try_get("announcement_channel")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

pub(crate) fn date_column(row: &AnyRow, name: &str) -> sqlx::Result<Option<NaiveDate>> {
    let text: Option<String> = row.try_get(name)?;
    Ok(text.as_deref().and_then(parse_date))
}

pub(crate) fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The key that makes intake names unique regardless of letter case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake: &Intake,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO intakes (id, name, name_key, zone, starts_on, ends_on, status, announcement_channel, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&intake.id)
    .bind(&intake.name)
    .bind(name_key(&intake.name))
    .bind(intake.zone.name())
    .bind(date_text(intake.starts_on))
    .bind(date_text(intake.ends_on))
    .bind(intake.status.as_str())
    .bind(&intake.announcement_channel)
    .bind(intake.created_at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find_by_name<'c, E: Executor<'c, Database = Any>>(
    db: E,
    name: &str,
) -> sqlx::Result<Option<Intake>> {
    let sql = format!("SELECT {COLUMNS} FROM intakes WHERE name_key = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(name_key(name))
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Intake>> {
    let sql = format!("SELECT {COLUMNS} FROM intakes WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Every intake, newest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Intake>> {
    let sql = format!("SELECT {COLUMNS} FROM intakes ORDER BY created_at DESC, id DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The intakes a webinar, meetup or announcement is for: its own, or (`None`, "all") every
/// intake active at `at`.
pub async fn targeted(
    conn: &mut sqlx::AnyConnection,
    intake_id: Option<&str>,
    at: Timestamp,
) -> sqlx::Result<Vec<Intake>> {
    Ok(match intake_id {
        Some(id) => find(&mut *conn, id).await?.into_iter().collect(),
        None => list(&mut *conn)
            .await?
            .into_iter()
            .filter(|i| i.is_active_at(at))
            .collect(),
    })
}

pub async fn set_status<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    status: IntakeStatus,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE intakes SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_announcement_channel<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    channel: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE intakes SET announcement_channel = $1 WHERE id = $2")
        .bind(channel)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The last thing that happened in an intake (a pair ended, a check-in answered, a survey
/// closed), or its creation: when a closed intake without an end date ended.
pub async fn last_activity<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<Timestamp> {
    let row = sqlx::query(
        "SELECT MAX(t) FROM (
             SELECT created_at AS t FROM intakes WHERE id = $1
             UNION ALL SELECT ended_at FROM pairs WHERE intake_id = $1
             UNION ALL SELECT c.answered_at FROM checkins c JOIN pairs p ON p.id = c.pair_id
                 WHERE p.intake_id = $1
             UNION ALL SELECT closed_at FROM surveys WHERE intake_id = $1
         ) activity",
    )
    .bind(intake_id)
    .fetch_one(db)
    .await?;
    Ok(Timestamp(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0)))
}
