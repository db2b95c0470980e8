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
    /// Once, when calendar links began to need a key: each person a keyless link reached gets
    /// their own by DM (target: "all"; made by a migration).
    CalendarLinks,
    /// A person was forgotten: each pair space showing their name is renamed (target: their
    /// participant id; recipients: those pairs).
    SpaceRename,
}

/// Every kind, for parsing and for `/metrics`'s zeroed series.
pub const KINDS: [JobKind; 15] = [
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
    JobKind::CalendarLinks,
    JobKind::SpaceRename,
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
            JobKind::CalendarLinks => "calendar_links",
            JobKind::SpaceRename => "space_rename",
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
    /// Too late to send (downtime past the grace period, a started session), or a newer one of
    /// its series was due at the same time.
    Missed,
    /// It can never be carried out; `last_error` says why.
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Fanned => "fanned",
            JobStatus::Missed => "missed",
            JobStatus::Failed => "failed",
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

/// A pending job row this version cannot read (a kind it does not know: a newer version's).
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub id: String,
    pub reason: String,
}

/// Jobs due by `now` whose recipients are not listed yet, oldest first. A row that does not read
/// is returned apart, so it holds up nothing else.
pub async fn pending<'c, E: Executor<'c, Database = Any>>(
    db: E,
    now: Timestamp,
) -> sqlx::Result<(Vec<Job>, Vec<Unreadable>)> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.0)
        .fetch_all(db)
        .await?;
    let (mut jobs, mut unreadable) = (Vec::new(), Vec::new());
    for row in &rows {
        match from_row(row) {
            Ok(job) => jobs.push(job),
            Err(err) => unreadable.push(Unreadable {
                id: row.try_get("id")?,
                reason: err.to_string(),
            }),
        }
    }
    Ok((jobs, unreadable))
}

/// Whether a newer job of the same series (kind and target) is due by `now` and still to be
/// sent or sending: then `job` has been superseded.
pub async fn superseded<'c, E: Executor<'c, Database = Any>>(
    db: E,
    job: &Job,
    now: Timestamp,
) -> sqlx::Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND target = $2 AND due_at > $3 AND due_at <= $4
         AND status IN ('pending', 'fanned')",
    )
    .bind(job.kind.as_str())
    .bind(&job.target)
    .bind(job.due_at.0)
    .bind(now.0)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Marks a job that can never be carried out as failed, with the reason.
pub async fn fail<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE jobs SET status = 'failed', last_error = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A job that failed for good, for coordinators.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedJob {
    pub kind: String,
    pub due_at: Timestamp,
    pub reason: String,
}

/// The newest failed jobs that concern an intake: its check-ins, and everything not tied to
/// one intake's check-ins (webinars, meetups, surveys, announcements).
pub async fn failed_for<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<FailedJob>> {
    let rows = sqlx::query(
        "SELECT kind, due_at, last_error FROM jobs
         WHERE status = 'failed' AND (kind <> 'checkin' OR target = $1)
         ORDER BY due_at DESC, id LIMIT $2",
    )
    .bind(intake_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let reason: Option<String> = row.try_get(2)?;
            Ok(FailedJob {
                kind: row.try_get(0)?,
                due_at: Timestamp(row.try_get(1)?),
                reason: reason.unwrap_or_default(),
            })
        })
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

/// Moves a job from one status to another; false when it was no longer in `from` (another
/// instance got there first).
pub async fn set_status_from<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    from: JobStatus,
    to: JobStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE jobs SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many of a target's jobs were recorded as missed (too late after downtime, or a newer one
/// was due with them).
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
