//! The `calendar_keys` table: each person's secret for calendar feeds and "Add to calendar" links
//! (`?key=`). No rules here: who may see what is `app::calendar_access`.

use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;

/// The holder of the operator's key (`tandem admin`), who is no participant.
pub const OPERATOR: &str = "operator";

/// The holder's key, made with `fresh` when they have none yet.
pub async fn key_for<'c, E>(
    db: E,
    holder: &str,
    fresh: &str,
    now: Timestamp,
) -> sqlx::Result<String>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query(
        "INSERT INTO calendar_keys (holder, key, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (holder) DO UPDATE SET holder = excluded.holder
         RETURNING key",
    )
    .bind(holder)
    .bind(fresh)
    .bind(now.0)
    .fetch_one(db)
    .await?;
    row.try_get(0)
}

/// Who holds `key`, if anyone.
pub async fn holder_of<'c, E: Executor<'c, Database = Any>>(
    db: E,
    key: &str,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT holder FROM calendar_keys WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Revokes the holders' keys: links made with them stop working.
pub async fn revoke<'c, E: Executor<'c, Database = Any>>(
    db: E,
    holders: &[&str],
) -> sqlx::Result<()> {
    if holders.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM calendar_keys WHERE holder IN ({})",
        super::placeholders(1, holders.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for holder in holders {
        query = query.bind(*holder);
    }
    query.execute(db).await?;
    Ok(())
}

/// Whether `participant` coordinates (by the list or by a platform role).
pub async fn coordinates<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM coordinators WHERE participant_id = $1)
              + (SELECT COUNT(*) FROM role_coordinators WHERE participant_id = $1)",
    )
    .bind(participant)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// The intakes `participant` is enrolled in.
pub async fn intakes_of<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT intake_id FROM enrolments WHERE participant_id = $1")
        .bind(participant)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect()
}

/// Everyone a calendar link reached before keys existed: people DMed a webinar reminder, and the
/// participants of intakes whose announcement channel got one.
pub async fn linked_before<'c, E: Executor<'c, Database = Any>>(
    db: E,
) -> sqlx::Result<Vec<String>> {
    sqlx::query(
        "SELECT DISTINCT substr(d.recipient, 8) FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.kind = 'webinar_reminder' AND d.status = 'sent' AND d.recipient LIKE 'person:%'
         UNION
         SELECT DISTINCT e.participant_id FROM enrolments e
         WHERE e.intake_id IN (
             SELECT substr(d.recipient, 8) FROM deliveries d JOIN jobs j ON j.id = d.job_id
             WHERE j.kind = 'webinar_reminder' AND d.status = 'sent' AND d.recipient LIKE 'intake:%'
         )",
    )
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect()
}
