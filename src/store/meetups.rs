//! The `meetups` and `meetup_rsvps` tables: in-person meetups by city, and who is coming.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;
use crate::domain::time::parse_zone;

#[derive(Debug, Clone, PartialEq)]
pub struct Meetup {
    pub id: String,
    pub number: i64,
    pub intake_id: Option<String>,
    pub title: String,
    pub city: String,
    pub venue: String,
    pub starts_at: Timestamp,
    pub zone: chrono_tz::Tz,
    pub cancelled: bool,
    pub created_at: Timestamp,
}

/// RSVP counts: going, maybe, can't go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub going: i64,
    pub maybe: i64,
    pub cant: i64,
}

const COLUMNS: &str =
    "id, number, intake_id, title, city, venue, starts_at, zone, status, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Meetup> {
    let zone: String = row.try_get("zone")?;
    let status: String = row.try_get("status")?;
    Ok(Meetup {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        intake_id: row.try_get("intake_id")?,
        title: row.try_get("title")?,
        city: row.try_get("city")?,
        venue: row.try_get("venue")?,
        starts_at: Timestamp(row.try_get("starts_at")?),
        zone: parse_zone(&zone).unwrap_or(chrono_tz::UTC),
        cancelled: status == "cancelled",
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// Stores a new meetup under the next free number, and returns that number.
pub async fn insert<'c, E: Executor<'c, Database = Any>>(db: E, m: &Meetup) -> sqlx::Result<i64> {
    let row = sqlx::query(
        "INSERT INTO meetups (id, number, intake_id, title, city, venue, starts_at, zone, created_at)
         SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM meetups
         RETURNING number",
    )
    .bind(&m.id)
    .bind(&m.intake_id)
    .bind(&m.title)
    .bind(&m.city)
    .bind(&m.venue)
    .bind(m.starts_at.0)
    .bind(m.zone.name())
    .bind(m.created_at.0)
    .fetch_one(db)
    .await?;
    row.try_get(0)
}

async fn find_where<'c, E, T>(db: E, condition: &str, value: T) -> sqlx::Result<Option<Meetup>>
where
    E: Executor<'c, Database = Any>,
    T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send + 'c,
{
    let sql = format!("SELECT {COLUMNS} FROM meetups WHERE {condition}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Meetup>> {
    find_where(db, "id = $1", id.to_string()).await
}

pub async fn find_by_number<'c, E: Executor<'c, Database = Any>>(
    db: E,
    number: i64,
) -> sqlx::Result<Option<Meetup>> {
    find_where(db, "number = $1", number).await
}

/// Meetups still ahead in a city or region (ignoring case), not cancelled.
pub async fn upcoming_in<'c, E: Executor<'c, Database = Any>>(
    db: E,
    city: &str,
    now: Timestamp,
) -> sqlx::Result<Vec<Meetup>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM meetups WHERE LOWER(city) = LOWER($1) AND status <> 'cancelled'
         AND starts_at > $2 ORDER BY starts_at, number"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(city.trim())
        .bind(now.0)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Meetup>> {
    let sql = format!("SELECT {COLUMNS} FROM meetups ORDER BY starts_at, number");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Records or changes one person's answer.
pub async fn rsvp<'c, E: Executor<'c, Database = Any>>(
    db: E,
    meetup_id: &str,
    participant_id: &str,
    answer: &str,
    at: Timestamp,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO meetup_rsvps (meetup_id, participant_id, answer, answered_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (meetup_id, participant_id) DO UPDATE SET answer = $3, answered_at = $4",
    )
    .bind(meetup_id)
    .bind(participant_id)
    .bind(answer)
    .bind(at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn counts<'c, E: Executor<'c, Database = Any>>(
    db: E,
    meetup_id: &str,
) -> sqlx::Result<Counts> {
    let rows = sqlx::query(
        "SELECT answer, COUNT(*) FROM meetup_rsvps WHERE meetup_id = $1 GROUP BY answer",
    )
    .bind(meetup_id)
    .fetch_all(db)
    .await?;
    let mut counts = Counts::default();
    for row in rows {
        let answer: String = row.try_get(0)?;
        let n: i64 = row.try_get(1)?;
        match answer.as_str() {
            "going" => counts.going = n,
            "maybe" => counts.maybe = n,
            _ => counts.cant = n,
        }
    }
    Ok(counts)
}

/// The people who said they are going.
pub async fn going<'c, E: Executor<'c, Database = Any>>(
    db: E,
    meetup_id: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT participant_id FROM meetup_rsvps WHERE meetup_id = $1 AND answer = 'going'
         ORDER BY participant_id",
    )
    .bind(meetup_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Participants of an intake whose city or region matches, ignoring case.
pub async fn locals<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    city: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT p.id FROM enrolments e JOIN participants p ON p.id = e.participant_id
         WHERE e.intake_id = $1 AND LOWER(p.city) = LOWER($2) ORDER BY p.id",
    )
    .bind(intake_id)
    .bind(city.trim())
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Everyone who was sent an invitation, to tell of a change.
pub async fn invited<'c, E: Executor<'c, Database = Any>>(
    db: E,
    meetup_id: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.recipient FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'meetup_invite' AND j.target = $1 AND d.status = 'sent'
         ORDER BY d.recipient",
    )
    .bind(meetup_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Whether `participant` was sent the meetup's invitation: only they may answer it.
pub async fn was_invited<'c, E: Executor<'c, Database = Any>>(
    db: E,
    meetup_id: &str,
    participant: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'meetup_invite' AND j.target = $1 AND d.status = 'sent'
           AND d.recipient = 'person:' || $2",
    )
    .bind(meetup_id)
    .bind(participant)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}
