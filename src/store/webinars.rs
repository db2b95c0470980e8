//! The `webinars` table: sessions of the monthly webinar series, numbered for typing.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;
use crate::domain::time::parse_zone;

/// One webinar session, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Webinar {
    pub id: String,
    /// The short number people type; given by [`insert`].
    pub number: i64,
    pub intake_id: Option<String>,
    pub title: String,
    pub speakers: Option<String>,
    pub starts_at: Timestamp,
    pub zone: chrono_tz::Tz,
    pub join_url: Option<String>,
    pub cancelled: bool,
    pub recording_url: Option<String>,
    /// The series' title, for a session of a monthly series.
    pub series: Option<String>,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, number, intake_id, title, speakers, starts_at, zone, join_url, status, \
                       recording_url, series, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Webinar> {
    let zone: String = row.try_get("zone")?;
    let status: String = row.try_get("status")?;
    let number: Option<i64> = row.try_get("number")?;
    Ok(Webinar {
        id: row.try_get("id")?,
        number: number.unwrap_or(0),
        intake_id: row.try_get("intake_id")?,
        title: row.try_get("title")?,
        speakers: row.try_get("speakers")?,
        starts_at: Timestamp(row.try_get("starts_at")?),
        zone: parse_zone(&zone).unwrap_or(chrono_tz::UTC),
        join_url: row.try_get("join_url")?,
        cancelled: status == "cancelled",
        recording_url: row.try_get("recording_url")?,
        series: row.try_get("series")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// Stores a new session under the next free number, and returns that number.
pub async fn insert<'c, E: Executor<'c, Database = Any>>(db: E, w: &Webinar) -> sqlx::Result<i64> {
    let row = sqlx::query(
        "INSERT INTO webinars (id, number, intake_id, title, speakers, starts_at, zone, join_url,
                               series, created_at)
         SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM webinars
         RETURNING number",
    )
    .bind(&w.id)
    .bind(&w.intake_id)
    .bind(&w.title)
    .bind(&w.speakers)
    .bind(w.starts_at.0)
    .bind(w.zone.name())
    .bind(&w.join_url)
    .bind(&w.series)
    .bind(w.created_at.0)
    .fetch_one(db)
    .await?;
    row.try_get(0)
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Webinar>> {
    let sql = format!("SELECT {COLUMNS} FROM webinars WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn find_by_number<'c, E: Executor<'c, Database = Any>>(
    db: E,
    number: i64,
) -> sqlx::Result<Option<Webinar>> {
    let sql = format!("SELECT {COLUMNS} FROM webinars WHERE number = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Every session, soonest first, cancelled ones included.
pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Webinar>> {
    let sql = format!("SELECT {COLUMNS} FROM webinars ORDER BY starts_at, number");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// A session of a series gets its own title (the series' plus the topic) and speakers.
pub async fn set_topic<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    title: &str,
    speakers: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE webinars SET title = $1, speakers = COALESCE($2, speakers) WHERE id = $3")
        .bind(title)
        .bind(speakers)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_recording<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    url: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE webinars SET recording_url = $1 WHERE id = $2")
        .bind(url)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The next session starting at or after `now`, for the intake or for everyone.
pub async fn next_for<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: Option<&str>,
    now: Timestamp,
) -> sqlx::Result<Option<Webinar>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webinars WHERE starts_at >= $1 AND status = 'scheduled'
         AND (intake_id IS NULL OR intake_id = $2) ORDER BY starts_at, id LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.0)
        .bind(intake_id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// The latest session with a recording that started in `[since, until)`, for the intake or for
/// everyone: what a check-in suggests watching.
pub async fn recorded_between<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: Option<&str>,
    since: Timestamp,
    until: Timestamp,
) -> sqlx::Result<Option<Webinar>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webinars WHERE starts_at >= $1 AND starts_at < $2
         AND recording_url IS NOT NULL AND status = 'scheduled'
         AND (intake_id IS NULL OR intake_id = $3) ORDER BY starts_at DESC, id LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(since.0)
        .bind(until.0)
        .bind(intake_id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Who hears about announcements for an intake: each enrolled participant and whether they
/// asked for DMs only.
pub async fn audience<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<Vec<(String, bool)>> {
    let rows = sqlx::query(
        "SELECT p.id, p.announcements FROM enrolments e JOIN participants p ON p.id = e.participant_id
         WHERE e.intake_id = $1 ORDER BY p.id",
    )
    .bind(intake_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let pref: String = r.try_get(1)?;
            Ok((r.try_get(0)?, pref == "dm"))
        })
        .collect()
}

/// People who were already sent something about a session (a reminder), to tell of a change.
pub async fn reminded<'c, E: Executor<'c, Database = Any>>(
    db: E,
    webinar_id: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.recipient FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'webinar_reminder' AND j.target LIKE $1 AND d.status = 'sent'
         ORDER BY d.recipient",
    )
    .bind(format!("{webinar_id}@%"))
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}
