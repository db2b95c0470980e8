//! The `jobs` table: one row per thing to send at one instant, unique by key.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A month's check-in prompt to every pair of an intake (target: intake id).
    Checkin,
    /// A pair asked for help: tell the coordinators (target: "PAIR_ID|MONTH").
    HelpAlert,
    /// A survey opened: invite its audience by DM (target: survey id).
    SurveyInvitation,
    /// A survey's one reminder, to those who have not answered (target: survey id).
    SurveyReminder,
    /// A survey's closing time: close it and erase its key (target: survey id). No recipients.
    SurveyClose,
    /// A reminder before a webinar (target: "WEBINAR_ID@STARTS_MILLIS", so a move makes new ones).
    WebinarReminder,
    /// The "live now" post at a webinar's start (target as for reminders).
    WebinarLive,
    /// A webinar's recording is out (target: webinar id).
    WebinarRecording,
    /// A webinar moved or was cancelled: tell those already reminded (target: webinar id).
    WebinarChanged,
    /// A meetup's invitation with RSVP buttons, to the participants in its city (target: id).
    MeetupInvite,
    /// The day before a meetup, to those going (target: "MEETUP_ID@STARTS_MILLIS").
    MeetupReminder,
    /// A meetup moved or was cancelled: tell those invited (target: meetup id).
    MeetupChanged,
    /// A coordinator's announcement (target: announcement id).
    Announcement,
}

const KINDS: [JobKind; 13] = [
    JobKind::SurveyInvitation,
    JobKind::SurveyReminder,
    JobKind::SurveyClose,
    JobKind::Announcement,
    JobKind::MeetupInvite,
    JobKind::MeetupReminder,
    JobKind::MeetupChanged,
    JobKind::Checkin,
    JobKind::HelpAlert,
    JobKind::WebinarReminder,
    JobKind::WebinarLive,
    JobKind::WebinarRecording,
    JobKind::WebinarChanged,
];

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Checkin => "checkin",
            JobKind::HelpAlert => "help_alert",
            JobKind::SurveyInvitation => "survey_invitation",
            JobKind::SurveyReminder => "survey_reminder",
            JobKind::SurveyClose => "survey_close",
            JobKind::WebinarReminder => "webinar_reminder",
            JobKind::WebinarLive => "webinar_live",
            JobKind::WebinarRecording => "webinar_recording",
            JobKind::WebinarChanged => "webinar_changed",
            JobKind::MeetupInvite => "meetup_invite",
            JobKind::MeetupReminder => "meetup_reminder",
            JobKind::MeetupChanged => "meetup_changed",
            JobKind::Announcement => "announcement",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        KINDS.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Pending,
    Fanned,
    Missed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Fanned => "fanned",
            JobStatus::Missed => "missed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub key: String,
    pub kind: JobKind,
    pub target: String,
    pub schedule_id: Option<String>,
    pub due_at: Timestamp,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, key, kind, target, schedule_id, due_at, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Job> {
    let kind: String = row.try_get("kind")?;
    Ok(Job {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        kind: JobKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown job kind {kind}").into()))?,
        target: row.try_get("target")?,
        schedule_id: row.try_get("schedule_id")?,
        due_at: Timestamp(row.try_get("due_at")?),
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// Stores the job unless one with its key exists; true when this call made it.
pub async fn insert_if_new<'c, E: Executor<'c, Database = Any>>(
    db: E,
    job: &Job,
    status: JobStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (id, key, kind, target, schedule_id, due_at, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING",
    )
    .bind(&job.id)
    .bind(&job.key)
    .bind(job.kind.as_str())
    .bind(&job.target)
    .bind(&job.schedule_id)
    .bind(job.due_at.0)
    .bind(status.as_str())
    .bind(job.created_at.0)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Jobs due by `now` whose recipients are not listed yet.
pub async fn pending<'c, E: Executor<'c, Database = Any>>(
    db: E,
    now: Timestamp,
) -> sqlx::Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.0)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

async fn find_where<'c, E: Executor<'c, Database = Any>>(
    db: E,
    column: &str,
    value: &str,
) -> sqlx::Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE {column} = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(db)
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Job>> {
    find_where(db, "id", id).await
}

pub async fn find_by_key<'c, E: Executor<'c, Database = Any>>(
    db: E,
    key: &str,
) -> sqlx::Result<Option<Job>> {
    find_where(db, "key", key).await
}

pub async fn set_status<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    status: JobStatus,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE jobs SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Makes a pending job due at `due_at` (a survey closed early); false when no pending job has
/// the key.
pub async fn bring_forward<'c, E: Executor<'c, Database = Any>>(
    db: E,
    key: &str,
    due_at: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE jobs SET due_at = $1 WHERE key = $2 AND status = 'pending'")
        .bind(due_at.0)
        .bind(key)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many of a target's jobs were recorded as missed (too late after downtime).
pub async fn missed_count<'c, E: Executor<'c, Database = Any>>(
    db: E,
    kind: JobKind,
    target: &str,
) -> sqlx::Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND target = $2 AND status = 'missed'",
    )
    .bind(kind.as_str())
    .bind(target)
    .fetch_one(db)
    .await?;
    row.try_get(0)
}

/// Withdraws what has not gone out yet for targets starting with `prefix` (a moved or cancelled
/// webinar): pending jobs are marked withdrawn and their unsent deliveries skipped.
pub async fn withdraw(conn: &mut sqlx::AnyConnection, prefix: &str) -> sqlx::Result<u64> {
    let pattern = format!("{prefix}%");
    let deliveries = sqlx::query(
        "UPDATE deliveries SET status = 'skipped', last_error = 'withdrawn', lease_owner = NULL
         WHERE status = 'pending' AND job_id IN (SELECT id FROM jobs WHERE target LIKE $1)",
    )
    .bind(&pattern)
    .execute(&mut *conn)
    .await?;
    let jobs = sqlx::query(
        "UPDATE jobs SET status = 'withdrawn' WHERE status = 'pending' AND target LIKE $1",
    )
    .bind(&pattern)
    .execute(&mut *conn)
    .await?;
    Ok(deliveries.rows_affected() + jobs.rows_affected())
}
