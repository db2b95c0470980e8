//! The `announcements` table: coordinators' announcements, sent now or at a set time.

use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub id: String,
    pub intake_id: Option<String>,
    pub body: String,
    /// everyone, mentors or mentees
    pub audience: String,
    pub due_at: Timestamp,
    pub created_at: Timestamp,
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    db: E,
    a: &Announcement,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO announcements (id, intake_id, body, audience, due_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&a.id)
    .bind(&a.intake_id)
    .bind(&a.body)
    .bind(&a.audience)
    .bind(a.due_at.0)
    .bind(a.created_at.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Announcement>> {
    let row = sqlx::query(
        "SELECT id, intake_id, body, audience, due_at, created_at FROM announcements WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(Announcement {
            id: r.try_get(0)?,
            intake_id: r.try_get(1)?,
            body: r.try_get(2)?,
            audience: r.try_get(3)?,
            due_at: Timestamp(r.try_get(4)?),
            created_at: Timestamp(r.try_get(5)?),
        })
    })
    .transpose()
}

/// An intake's participants in one role (`mentor`, `mentee`), or all when `role` is `None`, with
/// whether each asked for DMs only.
pub async fn members<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    role: Option<&str>,
) -> sqlx::Result<Vec<(String, bool)>> {
    // PostgreSQL cannot type a NULL parameter compared with IS NULL, so the filter is optional SQL.
    let filter = if role.is_some() {
        "AND e.role = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT p.id, p.announcements FROM enrolments e JOIN participants p ON p.id = e.participant_id
         WHERE e.intake_id = $1 {filter} ORDER BY p.id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(intake_id);
    if let Some(role) = role {
        query = query.bind(role);
    }
    let rows = query.fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            let pref: String = r.try_get(1)?;
            Ok((r.try_get(0)?, pref == "dm"))
        })
        .collect()
}

/// `dm`: always by DM; otherwise the intake's channel when it has one.
pub async fn set_preference<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
    dm: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE participants SET announcements = $1 WHERE id = $2")
        .bind(if dm { "dm" } else { "auto" })
        .bind(participant_id)
        .execute(db)
        .await?;
    Ok(())
}
