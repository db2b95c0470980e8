//! The `inbound_seen` table: deduplicates platform deliveries (Slack retries and replays, Discord
//! interaction ids) across every instance sharing the database.

use sqlx::{Any, Executor};

use crate::domain::{Platform, Timestamp};

/// Records `key` as handled; true the first time, false for a repeat.
pub async fn first_time<'c, E: Executor<'c, Database = Any>>(
    db: E,
    platform: Platform,
    key: &str,
    now: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO inbound_seen (platform, key, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (platform, key) DO NOTHING",
    )
    .bind(platform.as_str())
    .bind(key)
    .bind(now.0)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets keys seen before `before`; returns how many.
pub async fn prune<'c, E: Executor<'c, Database = Any>>(
    db: E,
    before: Timestamp,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM inbound_seen WHERE seen_at < $1")
        .bind(before.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
