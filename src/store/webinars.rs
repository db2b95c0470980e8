//! The `webinars` table: sessions of the monthly webinar series.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;
use crate::domain::time::parse_zone;

/// One webinar session, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Webinar {
    pub id: String,
    pub intake_id: Option<String>,
    pub title: String,
    pub speakers: Option<String>,
    pub starts_at: Timestamp,
    pub zone: chrono_tz::Tz,
    pub join_url: Option<String>,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, intake_id, title, speakers, starts_at, zone, join_url, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Webinar> {
    let zone: String = row.try_get("zone")?;
    Ok(Webinar {
        id: row.try_get("id")?,
        intake_id: row.try_get("intake_id")?,
        title: row.try_get("title")?,
        speakers: row.try_get("speakers")?,
        starts_at: Timestamp(row.try_get("starts_at")?),
        zone: parse_zone(&zone).unwrap_or(chrono_tz::UTC),
        join_url: row.try_get("join_url")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(db: E, w: &Webinar) -> sqlx::Result<()> {
    let sql = format!("INSERT INTO webinars ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&w.id)
        .bind(&w.intake_id)
        .bind(&w.title)
        .bind(&w.speakers)
        .bind(w.starts_at.0)
        .bind(w.zone.name())
        .bind(&w.join_url)
        .bind(w.created_at.0)
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
        "SELECT {COLUMNS} FROM webinars WHERE starts_at >= $1 AND (intake_id IS NULL OR intake_id = $2)
         ORDER BY starts_at, id LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.0)
        .bind(intake_id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}
