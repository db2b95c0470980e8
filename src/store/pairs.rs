//! The `pairs` table. Ending a pair stamps `ended_at`; rows are never deleted, so history stays.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::{Pair, Platform, Timestamp};

const COLUMNS: &str =
    "id, intake_id, mentor_id, mentee_id, platform, space_id, created_at, ended_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Pair> {
    let platform: String = row.try_get("platform")?;
    let ended_at: Option<i64> = row.try_get("ended_at")?;
    Ok(Pair {
        id: row.try_get("id")?,
        intake_id: row.try_get("intake_id")?,
        mentor_id: row.try_get("mentor_id")?,
        mentee_id: row.try_get("mentee_id")?,
        platform: Platform::parse(&platform).unwrap_or(Platform::Console),
        space_id: row.try_get("space_id")?,
        created_at: Timestamp(row.try_get("created_at")?),
        ended_at: ended_at.map(Timestamp),
    })
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(db: E, pair: &Pair) -> sqlx::Result<()> {
    let sql = format!("INSERT INTO pairs ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&pair.id)
        .bind(&pair.intake_id)
        .bind(&pair.mentor_id)
        .bind(&pair.mentee_id)
        .bind(pair.platform.as_str())
        .bind(&pair.space_id)
        .bind(pair.created_at.0)
        .bind(pair.ended_at.map(|t| t.0))
        .execute(db)
        .await?;
    Ok(())
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Pair>> {
    let sql = format!("SELECT {COLUMNS} FROM pairs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Pairs by id, in no particular order.
pub async fn find_many<'c, E: Executor<'c, Database = Any>>(
    db: E,
    ids: &[String],
) -> sqlx::Result<Vec<Pair>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE id IN ({})",
        super::placeholders(1, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// The active pair `participant_id` belongs to in an intake, in either role.
pub async fn active_for<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    participant_id: &str,
) -> sqlx::Result<Option<Pair>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE intake_id = $1 AND ended_at IS NULL
         AND (mentor_id = $2 OR mentee_id = $2)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(intake_id)
        .bind(participant_id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// Pairs of an intake in the order they were made; ended ones only when asked.
pub async fn list_for_intake<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    include_ended: bool,
) -> sqlx::Result<Vec<Pair>> {
    let filter = if include_ended {
        ""
    } else {
        "AND ended_at IS NULL"
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE intake_id = $1 {filter} ORDER BY created_at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(intake_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Pairs of `participant_id`, ended or not, that have a space on a platform.
pub async fn with_space_of<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<Vec<Pair>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE space_id IS NOT NULL
         AND (mentor_id = $1 OR mentee_id = $1) ORDER BY created_at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(participant_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Active pairs that still have no private space (made again after a platform error or a crash).
pub async fn without_space<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Pair>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE ended_at IS NULL AND space_id IS NULL ORDER BY created_at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every pair that has a private space (active or ended), oldest first; only `participant_id`'s
/// when given.
pub async fn with_space<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: Option<&str>,
) -> sqlx::Result<Vec<Pair>> {
    let whose = match participant_id {
        Some(_) => "AND (mentor_id = $1 OR mentee_id = $1)",
        None => "",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM pairs WHERE space_id IS NOT NULL {whose} ORDER BY created_at, id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = participant_id {
        query = query.bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

pub async fn set_space<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_id: &str,
    space_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE pairs SET space_id = $1 WHERE id = $2")
        .bind(space_id)
        .bind(pair_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends an active pair; false when it had already ended.
pub async fn end<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_id: &str,
    at: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE pairs SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
        .bind(at.0)
        .bind(pair_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
