//! The `checkins` table: each pair's answer to each month's check-in.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;
use crate::domain::checkin::Answer;

#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    pub pair_id: String,
    pub month: String,
    pub answer: Answer,
    pub note: Option<String>,
    pub answered_by: String,
    pub answered_at: Timestamp,
}

const COLUMNS: &str = "pair_id, month, answer, note, answered_by, answered_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Checkin> {
    let answer: String = row.try_get("answer")?;
    Ok(Checkin {
        pair_id: row.try_get("pair_id")?,
        month: row.try_get("month")?,
        answer: Answer::parse(&answer)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown answer {answer}").into()))?,
        note: row.try_get("note")?,
        answered_by: row.try_get("answered_by")?,
        answered_at: Timestamp(row.try_get("answered_at")?),
    })
}

/// Records (or changes) the pair's answer for the month.
pub async fn answer<'c, E: Executor<'c, Database = Any>>(db: E, c: &Checkin) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO checkins (pair_id, month, answer, note, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (pair_id, month) DO UPDATE SET answer = excluded.answer, note = excluded.note,
                                                     answered_by = excluded.answered_by, answered_at = excluded.answered_at",
    )
    .bind(&c.pair_id)
    .bind(&c.month)
    .bind(c.answer.as_str())
    .bind(&c.note)
    .bind(&c.answered_by)
    .bind(c.answered_at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_id: &str,
    month: &str,
) -> sqlx::Result<Option<Checkin>> {
    let sql = format!("SELECT {COLUMNS} FROM checkins WHERE pair_id = $1 AND month = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pair_id)
        .bind(month)
        .fetch_optional(db)
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

/// Every check-in of an intake's pairs, oldest month first.
pub async fn for_intake<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<Vec<Checkin>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM checkins WHERE pair_id IN (SELECT id FROM pairs WHERE intake_id = $1)
         ORDER BY month, pair_id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(intake_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The check-ins of some pairs for one month.
pub async fn for_pairs<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_ids: &[String],
    month: &str,
) -> sqlx::Result<Vec<Checkin>> {
    if pair_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM checkins WHERE month = $1 AND pair_id IN ({})",
        super::placeholders(2, pair_ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(month);
    for id in pair_ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// How many check-in notes (help notes among them) an intake's pairs wrote.
pub async fn notes_in_intake<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) FROM checkins WHERE note IS NOT NULL
         AND pair_id IN (SELECT id FROM pairs WHERE intake_id = $1)",
    )
    .bind(intake_id)
    .fetch_one(db)
    .await?
    .try_get(0)
}

/// Deletes the notes of an intake's check-ins; the answers stay for the figures.
pub async fn clear_notes_in_intake<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE checkins SET note = NULL WHERE note IS NOT NULL
         AND pair_id IN (SELECT id FROM pairs WHERE intake_id = $1)",
    )
    .bind(intake_id)
    .execute(db)
    .await?
    .rows_affected())
}
