//! The `coordinators` table: the people who run the program.

use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;

pub async fn add<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
    at: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO coordinators (participant_id, added_at) VALUES ($1, $2)
         ON CONFLICT (participant_id) DO NOTHING",
    )
    .bind(participant_id)
    .bind(at.0)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM coordinators WHERE participant_id = $1")
        .bind(participant_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn contains<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) FROM coordinators WHERE participant_id = $1")
        .bind(participant_id)
        .fetch_one(db)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Ids of every coordinator, oldest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<String>> {
    let rows =
        sqlx::query("SELECT participant_id FROM coordinators ORDER BY added_at, participant_id")
            .fetch_all(db)
            .await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}

/// Records that someone holds the platform's coordinator role, as seen now.
pub async fn note_role<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
    at: Timestamp,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO role_coordinators (participant_id, seen_at) VALUES ($1, $2)
         ON CONFLICT (participant_id) DO UPDATE SET seen_at = $2",
    )
    .bind(participant_id)
    .bind(at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn holds_role<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) FROM role_coordinators WHERE participant_id = $1")
        .bind(participant_id)
        .fetch_one(db)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

pub async fn forget_role<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM role_coordinators WHERE participant_id = $1")
        .bind(participant_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ids of the coordinator-role holders seen, in the order they were first noted.
pub async fn role_holders<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT participant_id FROM role_coordinators ORDER BY seen_at, participant_id",
    )
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}

/// Everyone who hears when a pair asks for help: the coordinators and the role holders seen,
/// each once.
pub async fn alerted<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT participant_id FROM coordinators UNION SELECT participant_id FROM role_coordinators
         ORDER BY participant_id",
    )
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}
