//! A person's own data: everything stored about them, read for `/mentoring mydata`, and erased
//! for `/mentoring forget`. Erasure keeps the program's history (pairs, check-in answers,
//! anonymous figures) but nothing that says who they were.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Executor};

use crate::domain::Timestamp;

/// What `mydata` shows beyond the participant row itself.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Held {
    pub enrolments: Vec<Enrolment>,
    pub pairs: Vec<PairHeld>,
    pub checkins: Vec<CheckinHeld>,
    pub rsvps: Vec<RsvpHeld>,
    /// Answers to named (not anonymous) surveys; anonymous answers cannot be linked to anyone.
    pub survey_answers: Vec<SurveyAnswerHeld>,
    pub coordinator: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Enrolment {
    pub intake: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PairHeld {
    pub intake: String,
    pub mentor: String,
    pub mentee: String,
    pub since: i64,
    pub ended: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CheckinHeld {
    pub month: String,
    pub answer: String,
    pub note: Option<String>,
    pub answered_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RsvpHeld {
    pub meetup: String,
    pub answer: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SurveyAnswerHeld {
    pub template: String,
    pub question: String,
    pub answer: String,
}

pub async fn held(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Held> {
    Ok(Held {
        enrolments: rows(
            conn,
            id,
            "SELECT i.name AS intake, e.role AS role FROM enrolments e
             JOIN intakes i ON i.id = e.intake_id WHERE e.participant_id = $1 ORDER BY i.created_at",
        )
        .await?,
        pairs: rows(
            conn,
            id,
            "SELECT i.name AS intake, m.display_name AS mentor, e.display_name AS mentee,
                    p.created_at AS since, p.ended_at AS ended
             FROM pairs p JOIN intakes i ON i.id = p.intake_id
             JOIN participants m ON m.id = p.mentor_id JOIN participants e ON e.id = p.mentee_id
             WHERE p.mentor_id = $1 OR p.mentee_id = $1 ORDER BY p.created_at",
        )
        .await?,
        checkins: rows(
            conn,
            id,
            "SELECT month, answer, note, answered_at FROM checkins WHERE answered_by = $1
             ORDER BY answered_at",
        )
        .await?,
        rsvps: rows(
            conn,
            id,
            "SELECT m.title AS meetup, r.answer AS answer FROM meetup_rsvps r
             JOIN meetups m ON m.id = r.meetup_id WHERE r.participant_id = $1 ORDER BY m.starts_at",
        )
        .await?,
        survey_answers: rows(
            conn,
            id,
            "SELECT s.template AS template, a.question AS question, a.answer AS answer
             FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
             JOIN survey_answers a ON a.response_id = r.id
             WHERE r.respondent = $1 ORDER BY s.opened_at, a.question",
        )
        .await?,
        coordinator: super::coordinators::contains(&mut *conn, id).await?,
    })
}

/// The rows `sql` finds for one person (`$1`), each read by its column names.
async fn rows<T>(conn: &mut AnyConnection, id: &str, sql: &'static str) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as::<_, T>(sql)
        .bind(id)
        .fetch_all(&mut *conn)
        .await
}

/// The name an erased person goes by in the history that stays.
pub const FORGOTTEN_NAME: &str = "Former participant";

/// Erases a person inside the caller's transaction: their active pairs end, their notes, RSVPs,
/// named survey answers, coordinator roles, enrolments and pending messages go, the DM channels
/// of what was sent to them are cleared, and their row keeps only an id, so nothing links the
/// history that stays to them.
pub async fn erase(conn: &mut AnyConnection, id: &str, now: Timestamp) -> sqlx::Result<()> {
    let statements: [(&str, bool); 12] = [
        (
            "UPDATE enrolments SET pair_id = NULL WHERE pair_id IN
             (SELECT id FROM pairs WHERE ended_at IS NULL AND (mentor_id = $1 OR mentee_id = $1))",
            false,
        ),
        (
            "UPDATE pairs SET ended_at = $2 WHERE ended_at IS NULL AND (mentor_id = $1 OR mentee_id = $1)",
            true,
        ),
        (
            "UPDATE checkins SET note = NULL WHERE answered_by = $1",
            false,
        ),
        ("DELETE FROM meetup_rsvps WHERE participant_id = $1", false),
        ("DELETE FROM calendar_keys WHERE holder = $1", false),
        (
            "DELETE FROM survey_answers WHERE response_id IN
             (SELECT id FROM survey_responses WHERE respondent = $1)",
            false,
        ),
        ("DELETE FROM survey_responses WHERE respondent = $1", false),
        ("DELETE FROM coordinators WHERE participant_id = $1", false),
        (
            "DELETE FROM role_coordinators WHERE participant_id = $1",
            false,
        ),
        (
            "UPDATE deliveries SET status = 'skipped', last_error = 'forgotten', lease_owner = NULL
             WHERE status = 'pending' AND (recipient = $1 OR recipient = 'person:' || $1)",
            false,
        ),
        // A DM channel id is the platform's handle on the person.
        (
            "UPDATE deliveries SET channel_id = NULL, message_id = NULL
             WHERE recipient = $1 OR recipient = 'person:' || $1",
            false,
        ),
        // Not enrolled any more: no later survey, announcement or invitation counts them.
        ("DELETE FROM enrolments WHERE participant_id = $1", false),
    ];
    for (sql, with_now) in statements {
        let mut query = sqlx::query(sql).bind(id);
        if with_now {
            query = query.bind(now.0);
        }
        conn.execute(query).await?;
    }
    sqlx::query(
        "UPDATE participants SET display_name = $2, slack_user_id = NULL, discord_user_id = NULL,
         console_name = NULL, email = NULL, zone = NULL, city = NULL, paused_since = NULL,
         paused_until = NULL, announcements = 'auto' WHERE id = $1",
    )
    .bind(id)
    .bind(FORGOTTEN_NAME)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
