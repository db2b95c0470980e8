//! The `surveys`, `survey_responses` and `survey_answers` tables. No rules here: who may answer,
//! and what the respondent key is, is decided by the app. Response ids are random and every read
//! is ordered by them, so nothing here hands rows back in the order people answered.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::domain::{Role, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub id: String,
    pub template: String,
    pub template_toml: String,
    pub intake_id: String,
    pub anonymous: bool,
    /// The key of an anonymous survey's answer tokens (hex); empty once the survey closes.
    pub secret: String,
    pub open: bool,
    pub closes_at: Option<Timestamp>,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// One stored response: the respondent key, role and answers (question → answer).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub id: String,
    pub respondent: String,
    pub role: Role,
    pub answers: BTreeMap<String, String>,
}

const COLUMNS: &str = "id, template, template_toml, intake_id, privacy, secret, status, closes_at, opened_at, closed_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Survey> {
    let privacy: String = row.try_get("privacy")?;
    let status: String = row.try_get("status")?;
    Ok(Survey {
        id: row.try_get("id")?,
        template: row.try_get("template")?,
        template_toml: row.try_get("template_toml")?,
        intake_id: row.try_get("intake_id")?,
        anonymous: privacy == "anonymous",
        secret: row.try_get("secret")?,
        open: status == "open",
        closes_at: row.try_get::<Option<i64>, _>("closes_at")?.map(Timestamp),
        opened_at: Timestamp(row.try_get("opened_at")?),
        closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(Timestamp),
    })
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(db: E, s: &Survey) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO surveys (id, template, template_toml, intake_id, privacy, secret, status, closes_at, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)",
    )
    .bind(&s.id)
    .bind(&s.template)
    .bind(&s.template_toml)
    .bind(&s.intake_id)
    .bind(if s.anonymous { "anonymous" } else { "named" })
    .bind(&s.secret)
    .bind(s.closes_at.map(|t| t.0))
    .bind(s.opened_at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Survey>> {
    let sql = format!("SELECT {COLUMNS} FROM surveys WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

/// Every survey, oldest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Survey>> {
    let sql = format!("SELECT {COLUMNS} FROM surveys ORDER BY opened_at, id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Closes the survey and erases its key; false when it was closed already.
pub async fn close<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    now: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE surveys SET status = 'closed', secret = '', closed_at = $1 WHERE id = $2 AND status = 'open'",
    )
    .bind(now.0)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The respondent's response id, made if new: random, so ids say nothing of when or in what
/// order people answered.
pub async fn response_id<'c, E: Executor<'c, Database = Any>>(
    db: E,
    survey_id: &str,
    respondent: &str,
    role: Role,
) -> sqlx::Result<String> {
    let row = sqlx::query(
        "INSERT INTO survey_responses (id, survey_id, respondent, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (survey_id, respondent) DO UPDATE SET role = survey_responses.role
         RETURNING id",
    )
    .bind(crate::domain::random_id())
    .bind(survey_id)
    .bind(respondent)
    .bind(role.as_str())
    .fetch_one(db)
    .await?;
    row.try_get(0)
}

/// Sets (or changes) one answer of a response.
pub async fn set_answer<'c, E: Executor<'c, Database = Any>>(
    db: E,
    response_id: &str,
    question: &str,
    answer: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO survey_answers (response_id, question, answer) VALUES ($1, $2, $3)
         ON CONFLICT (response_id, question) DO UPDATE SET answer = excluded.answer",
    )
    .bind(response_id)
    .bind(question)
    .bind(answer)
    .execute(db)
    .await?;
    Ok(())
}

/// Every response of a survey with its answers, in a stable order (by response id).
pub async fn responses<'c, E: Executor<'c, Database = Any>>(
    db: E,
    survey_id: &str,
) -> sqlx::Result<Vec<StoredResponse>> {
    let rows = sqlx::query(
        "SELECT r.id, r.respondent, r.role, a.question, a.answer
         FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id
         WHERE r.survey_id = $1 ORDER BY r.id, a.question",
    )
    .bind(survey_id)
    .fetch_all(db)
    .await?;
    let mut out: Vec<StoredResponse> = Vec::new();
    for row in rows {
        let id: String = row.try_get(0)?;
        if out.last().is_none_or(|r| r.id != id) {
            let role: String = row.try_get(2)?;
            out.push(StoredResponse {
                id: id.clone(),
                respondent: row.try_get(1)?,
                role: Role::parse(&role).unwrap_or(Role::Mentee),
                answers: BTreeMap::new(),
            });
        }
        let question: Option<String> = row.try_get(3)?;
        let answer: Option<String> = row.try_get(4)?;
        if let (Some(q), Some(a), Some(last)) = (question, answer, out.last_mut()) {
            last.answers.insert(q, a);
        }
    }
    Ok(out)
}

/// Rewrites a survey's responses and answers for good: each answer token becomes the response's
/// own (random) id, and every row is deleted and written again in id order, in the caller's
/// transaction. Afterwards no token can be recomputed from a person, and where a backend keeps
/// rows in the order they were written (PostgreSQL's heap, its `xmin`), that order is the ids'.
pub async fn forget_respondents(
    conn: &mut sqlx::AnyConnection,
    survey_id: &str,
) -> sqlx::Result<()> {
    let responses = responses(&mut *conn, survey_id).await?;
    delete_answers(&mut *conn, survey_id).await?;
    for response in &responses {
        sqlx::query(
            "INSERT INTO survey_responses (id, survey_id, respondent, role) VALUES ($1, $2, $1, $3)",
        )
        .bind(&response.id)
        .bind(survey_id)
        .bind(response.role.as_str())
        .execute(&mut *conn)
        .await?;
    }
    for response in &responses {
        for (question, answer) in &response.answers {
            set_answer(&mut *conn, &response.id, question, answer).await?;
        }
    }
    Ok(())
}

/// Everyone enrolled in an intake, with their role: a survey's possible audience.
pub async fn enrolled<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
) -> sqlx::Result<Vec<(String, Role)>> {
    let rows = sqlx::query(
        "SELECT participant_id, role FROM enrolments WHERE intake_id = $1 ORDER BY enrolled_at, participant_id",
    )
    .bind(intake_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get(1)?;
            Ok((row.try_get(0)?, Role::parse(&role).unwrap_or(Role::Mentee)))
        })
        .collect()
}

/// The figures kept for a survey whose answers are gone (JSON), if any.
pub async fn figures<'c, E: Executor<'c, Database = Any>>(
    db: E,
    survey_id: &str,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT figures FROM surveys WHERE id = $1")
        .bind(survey_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.flatten())
}

pub async fn set_figures<'c, E: Executor<'c, Database = Any>>(
    db: E,
    survey_id: &str,
    figures: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE surveys SET figures = $2 WHERE id = $1")
        .bind(survey_id)
        .bind(figures)
        .execute(db)
        .await?;
    Ok(())
}

/// How many answers a survey holds.
pub async fn answer_count<'c, E: Executor<'c, Database = Any>>(
    db: E,
    survey_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
         WHERE r.survey_id = $1",
    )
    .bind(survey_id)
    .fetch_one(db)
    .await?
    .try_get(0)
}

/// Deletes a survey's responses and answers (its figures stay, if kept).
pub async fn delete_answers(conn: &mut sqlx::AnyConnection, survey_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM survey_answers WHERE response_id IN
         (SELECT id FROM survey_responses WHERE survey_id = $1)",
    )
    .bind(survey_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM survey_responses WHERE survey_id = $1")
        .bind(survey_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
