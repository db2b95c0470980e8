//! The `deliveries` table: one row per recipient of a job, claimed by workers with a lease.
//! Claiming is the one statement that differs by backend: PostgreSQL skips rows another
//! instance has locked; SQLite has a single writer, so one UPDATE is already exclusive.

use sqlx::any::AnyRow;
use std::collections::HashMap;

use sqlx::{Any, AnyConnection, Executor, Row};

use super::Backend;
use crate::domain::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub job_id: String,
    pub recipient: String,
    /// Claims so far, this one included (a claim cut short by a crash counts too).
    pub attempts: i64,
    /// Attempts that failed with an error worth retrying: what retries and back-off go by.
    pub failures: i64,
}

fn from_row(row: &AnyRow) -> sqlx::Result<Delivery> {
    Ok(Delivery {
        id: row.try_get("id")?,
        job_id: row.try_get("job_id")?,
        recipient: row.try_get("recipient")?,
        attempts: row.try_get("attempts")?,
        failures: row.try_get("failures")?,
    })
}

/// Adds many recipients to a job in few statements (a fan-out to thousands of pairs), skipping
/// any already there.
pub async fn insert_many(
    conn: &mut sqlx::AnyConnection,
    job_id: &str,
    recipients: &[String],
    not_before: Timestamp,
) -> sqlx::Result<()> {
    // Four values a row; PostgreSQL takes at most 65,535 parameters a statement.
    for chunk in recipients.chunks(500) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, $1, ${}, $2, $2)", 3 + 2 * i, 4 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO deliveries (id, job_id, recipient, not_before, created_at) VALUES {}
             ON CONFLICT (job_id, recipient) DO NOTHING",
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(job_id)
            .bind(not_before.0);
        for recipient in chunk {
            query = query.bind(crate::domain::new_id()).bind(recipient);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds one recipient to a job; false when they were already on it.
pub async fn insert_one(
    conn: &mut sqlx::AnyConnection,
    job_id: &str,
    recipient: &str,
    not_before: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO deliveries (id, job_id, recipient, not_before, created_at)
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (job_id, recipient) DO NOTHING",
    )
    .bind(crate::domain::new_id())
    .bind(job_id)
    .bind(recipient)
    .bind(not_before.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// What a newer job of a series replaces: its older jobs' deliveries to the same recipients that
/// are still waiting (not sent, not being sent under a live lease) are skipped, so a pair never
/// holds two pending prompts of one schedule, nor a session's reminder two pending reminders.
pub async fn supersede(
    conn: &mut sqlx::AnyConnection,
    newer: &crate::store::jobs::Job,
    now: Timestamp,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE deliveries SET status = 'skipped', last_error = 'superseded by a newer one',
                lease_owner = NULL, lease_until = NULL
         WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= $1)
           AND job_id IN (SELECT id FROM jobs WHERE kind = $2 AND target = $3 AND due_at < $4)
           AND recipient IN (SELECT recipient FROM deliveries WHERE job_id = $5)",
    )
    .bind(now.0)
    .bind(newer.kind.as_str())
    .bind(&newer.target)
    .bind(newer.due_at.0)
    .bind(&newer.id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Takes up to `limit` due deliveries for `owner` until `lease_until`, those tried before first.
/// A delivery whose lease has run out (its worker died) can be taken again.
pub async fn claim<'c, E: Executor<'c, Database = Any>>(
    db: E,
    backend: Backend,
    owner: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> sqlx::Result<Vec<Delivery>> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE deliveries SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM deliveries
                      WHERE status = 'pending' AND not_before <= $3 AND (lease_until IS NULL OR lease_until <= $3)
                      ORDER BY CASE WHEN attempts > 0 THEN 0 ELSE 1 END, not_before, id
                      LIMIT $4 {lock})
         RETURNING id, job_id, recipient, attempts, failures"
    );
    let mut claimed = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(lease_until.0)
        .bind(now.0)
        .bind(limit)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect::<sqlx::Result<Vec<_>>>()?;
    // RETURNING keeps no order. Those claimed before go first: an earlier attempt may have
    // posted (a lost answer, a crash), and Discord only recognises a repeat by its nonce for a few
    // minutes, so a resend must not wait behind a backlog of fresh ones. Then the order fanned
    // out (ids are time-ordered).
    claimed.sort_by(|a, b| (a.attempts == 1, &a.id).cmp(&(b.attempts == 1, &b.id)));
    Ok(claimed)
}

/// Gives back `owner`'s leases on those of `ids` it claimed but did not try (a batch that ran out
/// of its turn), undoing the claim's count so they do not pass for tried before. Returns how many.
pub async fn give_back<'c, E: Executor<'c, Database = Any>>(
    db: E,
    ids: &[&str],
    owner: &str,
) -> sqlx::Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "UPDATE deliveries SET lease_until = NULL, attempts = attempts - 1
         WHERE lease_owner = $1 AND status = 'pending' AND lease_until IS NOT NULL AND id IN ({})",
        super::placeholders(2, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.execute(db).await?.rows_affected())
}

/// Ends `owner`'s own leases on deliveries still pending: called as an instance starts, before it
/// sends anything, so what it was sending when it stopped goes again at once (inside Discord's
/// nonce window) rather than after the lease runs out. Returns how many.
pub async fn take_back(conn: &mut AnyConnection, owner: &str) -> sqlx::Result<u64> {
    // Of each batch (one claim: one `lease_until`), only the first delivery not settled, in the
    // order the batch sends, may have been under way; the rest were never tried, and their
    // claim is undone so they do not pass for tried before and crowd out the one that was.
    let mut tx = sqlx::Connection::begin(conn).await?;
    let rows = sqlx::query(
        "SELECT id, attempts, lease_until FROM deliveries
         WHERE status = 'pending' AND lease_owner = $1 AND lease_until IS NOT NULL",
    )
    .bind(owner)
    .fetch_all(&mut *tx)
    .await?;
    let mut batches: HashMap<i64, Vec<(bool, String)>> = HashMap::new();
    for row in &rows {
        let attempts: i64 = row.try_get("attempts")?;
        batches
            .entry(row.try_get("lease_until")?)
            .or_default()
            .push((attempts == 1, row.try_get("id")?));
    }
    let mut untried = Vec::new();
    for mut batch in batches.into_values() {
        batch.sort();
        untried.extend(batch.into_iter().skip(1).map(|(_, id)| id));
    }
    for ids in untried.chunks(500) {
        let sql = format!(
            "UPDATE deliveries SET attempts = attempts - 1 WHERE id IN ({})",
            super::placeholders(1, ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id);
        }
        query.execute(&mut *tx).await?;
    }
    let done = sqlx::query(
        "UPDATE deliveries SET lease_until = NULL
         WHERE status = 'pending' AND lease_owner = $1 AND lease_until IS NOT NULL",
    )
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// How a claimed delivery ended; only its lease holder may record it.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled<'a> {
    Sent {
        channel_id: &'a str,
        message_id: &'a str,
        at: Timestamp,
    },
    Retry {
        not_before: Timestamp,
        error: &'a str,
    },
    Failed {
        error: &'a str,
    },
    Skipped {
        reason: &'a str,
    },
    /// Done, and no trace kept of how (a survey reminder): the row is deleted.
    Forgotten,
}

/// Records the outcome; false when the lease was lost to another worker meanwhile.
pub async fn settle<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    owner: &str,
    outcome: Settled<'_>,
) -> sqlx::Result<bool> {
    let failed = i64::from(matches!(outcome, Settled::Retry { .. }));
    let (status, not_before, error, channel, message, sent_at) = match outcome {
        Settled::Sent {
            channel_id,
            message_id,
            at,
        } => (
            "sent",
            None,
            None,
            Some(channel_id),
            Some(message_id),
            Some(at.0),
        ),
        Settled::Retry { not_before, error } => {
            ("pending", Some(not_before.0), Some(error), None, None, None)
        }
        Settled::Failed { error } => ("failed", None, Some(error), None, None, None),
        Settled::Skipped { reason } => ("skipped", None, Some(reason), None, None, None),
        Settled::Forgotten => {
            let done = sqlx::query("DELETE FROM deliveries WHERE id = $1 AND lease_owner = $2")
                .bind(id)
                .bind(owner)
                .execute(db)
                .await?;
            return Ok(done.rows_affected() == 1);
        }
    };
    let done = sqlx::query(
        "UPDATE deliveries SET status = $1, not_before = COALESCE($2, not_before), last_error = $3,
                channel_id = $4, message_id = $5, sent_at = $6, lease_owner = NULL, lease_until = NULL,
                failures = failures + $9
         WHERE id = $7 AND lease_owner = $8",
    )
    .bind(status)
    .bind(not_before)
    .bind(error)
    .bind(channel)
    .bind(message)
    .bind(sent_at)
    .bind(id)
    .bind(owner)
    .bind(failed)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A delivery that went wrong for good, for coordinators.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub recipient: String,
    pub due_at: Timestamp,
    pub error: String,
}

/// Failed deliveries of a kind of job for one target (an intake's check-ins), newest first.
pub async fn failures<'c, E: Executor<'c, Database = Any>>(
    db: E,
    job_kind: &str,
    target: &str,
) -> sqlx::Result<Vec<Failure>> {
    let rows = sqlx::query(
        "SELECT d.recipient, j.due_at, d.last_error FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = $1 AND j.target = $2 AND d.status = 'failed' ORDER BY j.due_at DESC, d.recipient",
    )
    .bind(job_kind)
    .bind(target)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let error: Option<String> = row.try_get(2)?;
            Ok(Failure {
                recipient: row.try_get(0)?,
                due_at: Timestamp(row.try_get(1)?),
                error: error.unwrap_or_default(),
            })
        })
        .collect()
}

/// Counts by status, for tests, the benchmark and `/metrics`.
pub async fn count_by_status<'c, E: Executor<'c, Database = Any>>(
    db: E,
    status: &str,
) -> sqlx::Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM deliveries WHERE status = $1")
        .bind(status)
        .fetch_one(db)
        .await?;
    row.try_get(0)
}

/// One check-in prompt sent to a pair: its delivery, when its job was due, the month it asks
/// about when stored, and where it was posted.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub delivery_id: String,
    pub due_at: Timestamp,
    pub month: Option<String>,
    pub channel_id: String,
    pub message_id: String,
}

const PROMPT_COLUMNS: &str = "d.id, j.due_at, d.month, d.channel_id, d.message_id";

fn prompt_from_row(row: &AnyRow) -> sqlx::Result<Prompt> {
    let channel: Option<String> = row.try_get(3)?;
    let message: Option<String> = row.try_get(4)?;
    Ok(Prompt {
        delivery_id: row.try_get(0)?,
        due_at: Timestamp(row.try_get(1)?),
        month: row.try_get(2)?,
        channel_id: channel.unwrap_or_default(),
        message_id: message.unwrap_or_default(),
    })
}

/// Every check-in prompt sent to a pair, newest first.
pub async fn prompts_for<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_id: &str,
) -> sqlx::Result<Vec<Prompt>> {
    let sql = format!(
        "SELECT {PROMPT_COLUMNS} FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'checkin' AND d.recipient = $1 AND d.status = 'sent'
         ORDER BY j.due_at DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pair_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(prompt_from_row)
        .collect()
}

/// The check-in prompt `delivery_id` sent to `pair_id`, if it is one.
pub async fn prompt<'c, E: Executor<'c, Database = Any>>(
    db: E,
    pair_id: &str,
    delivery_id: &str,
) -> sqlx::Result<Option<Prompt>> {
    let sql = format!(
        "SELECT {PROMPT_COLUMNS} FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'checkin' AND d.recipient = $1 AND d.id = $2 AND d.status = 'sent'"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pair_id)
        .bind(delivery_id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(prompt_from_row)
        .transpose()
}

/// Stores the month a check-in job's prompts ask about, as they are fanned out.
pub async fn set_month<'c, E: Executor<'c, Database = Any>>(
    db: E,
    job_id: &str,
    month: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE deliveries SET month = $1 WHERE job_id = $2")
        .bind(month)
        .bind(job_id)
        .execute(db)
        .await?;
    Ok(())
}
