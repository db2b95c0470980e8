//! The `participants` and `enrolments` tables: people, their accounts and their role per intake.

use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use super::intakes::{date_column, date_text};
use crate::domain::time::parse_zone;
use crate::domain::{Identity, Participant, Platform, Role, Timestamp};

const COLUMNS: &str = "id, display_name, slack_user_id, discord_user_id, console_name, email, zone, \
                       city, paused_since, paused_until, created_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Participant> {
    let zone: Option<String> = row.try_get("zone")?;
    let paused_since: Option<i64> = row.try_get("paused_since")?;
    Ok(Participant {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        slack_user_id: row.try_get("slack_user_id")?,
        discord_user_id: row.try_get("discord_user_id")?,
        console_name: row.try_get("console_name")?,
        email: row.try_get("email")?,
        zone: zone.as_deref().and_then(parse_zone),
        city: row.try_get("city")?,
        paused_since: paused_since.map(Timestamp),
        paused_until: date_column(row, "paused_until")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// The column that holds a person's account on `platform`.
fn identity_column(platform: Platform) -> &'static str {
    match platform {
        Platform::Slack => "slack_user_id",
        Platform::Discord => "discord_user_id",
        Platform::Console => "console_name",
    }
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    db: E,
    p: &Participant,
) -> sqlx::Result<()> {
    let sql = format!(
        "INSERT INTO participants ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&p.id)
        .bind(&p.display_name)
        .bind(&p.slack_user_id)
        .bind(&p.discord_user_id)
        .bind(&p.console_name)
        .bind(&p.email)
        .bind(p.zone.map(|z| z.name()))
        .bind(&p.city)
        .bind(p.paused_since.map(|t| t.0))
        .bind(date_text(p.paused_until))
        .bind(p.created_at.0)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<Participant>> {
    let sql = format!("SELECT {COLUMNS} FROM participants WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn find_by_identity<'c, E: Executor<'c, Database = Any>>(
    db: E,
    identity: &Identity,
) -> sqlx::Result<Option<Participant>> {
    let column = identity_column(identity.platform);
    let sql = format!("SELECT {COLUMNS} FROM participants WHERE {column} = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&identity.user_id)
        .fetch_optional(db)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// People whose display name is `name`, ignoring case (the terminal's way of naming someone).
pub async fn find_by_display_name<'c, E: Executor<'c, Database = Any>>(
    db: E,
    name: &str,
) -> sqlx::Result<Vec<Participant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM participants WHERE lower(display_name) = lower($1) ORDER BY id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn find_many<'c, E: Executor<'c, Database = Any>>(
    db: E,
    ids: &[String],
) -> sqlx::Result<Vec<Participant>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM participants WHERE id IN ({})",
        super::placeholders(1, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// The coordinators, each with whether they are listed in `coordinators` (`false`: only seen
/// holding the platform's coordinator role, included when `with_role_holders`), in one query:
/// `/mentoring help` reads it on every call.
pub async fn coordinators<'c, E: Executor<'c, Database = Any>>(
    db: E,
    with_role_holders: bool,
) -> sqlx::Result<Vec<(Participant, bool)>> {
    let role_holders = if with_role_holders {
        " OR id IN (SELECT participant_id FROM role_coordinators)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS},
                CAST(CASE WHEN id IN (SELECT participant_id FROM coordinators) THEN 1 ELSE 0 END AS BIGINT) AS listed
         FROM participants WHERE id IN (SELECT participant_id FROM coordinators){role_holders}"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?
        .iter()
        .map(|row| Ok((from_row(row)?, row.try_get::<i64, _>("listed")? == 1)))
        .collect()
}

pub async fn set_pause<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    since: Option<Timestamp>,
    until: Option<NaiveDate>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE participants SET paused_since = $1, paused_until = $2 WHERE id = $3")
        .bind(since.map(|t| t.0))
        .bind(date_text(until))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A person's city (meetup invitations go by it) and zone; `None` clears.
pub async fn set_place<'c, E: Executor<'c, Database = Any>>(
    db: E,
    id: &str,
    city: Option<&str>,
    zone: Option<Tz>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE participants SET city = $1, zone = $2 WHERE id = $3")
        .bind(city)
        .bind(zone.map(|z| z.name()))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records the person's role in an intake, or changes it when they are not in an active pair there.
/// Returns false when they are in an active pair in that intake already.
pub async fn enrol<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    participant_id: &str,
    role: Role,
    pair_id: &str,
    now: Timestamp,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO enrolments (intake_id, participant_id, role, pair_id, enrolled_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (intake_id, participant_id)
         DO UPDATE SET role = excluded.role, pair_id = excluded.pair_id
         WHERE enrolments.pair_id IS NULL",
    )
    .bind(intake_id)
    .bind(participant_id)
    .bind(role.as_str())
    .bind(pair_id)
    .bind(now.0)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Releases the person from their active pair in an intake (their role there stays in history).
pub async fn release<'c, E: Executor<'c, Database = Any>>(
    db: E,
    intake_id: &str,
    pair_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE enrolments SET pair_id = NULL WHERE intake_id = $1 AND pair_id = $2")
        .bind(intake_id)
        .bind(pair_id)
        .execute(db)
        .await?;
    Ok(())
}

/// One line of a person's history: their role in an intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    pub intake_name: String,
    pub role: Role,
    pub enrolled_at: Timestamp,
}

/// A person's roles across intakes, oldest first: a mentee of one intake may mentor in a later one.
pub async fn history<'c, E: Executor<'c, Database = Any>>(
    db: E,
    participant_id: &str,
) -> sqlx::Result<Vec<Enrolment>> {
    let rows = sqlx::query(
        "SELECT i.name, e.role, e.enrolled_at FROM enrolments e JOIN intakes i ON i.id = e.intake_id
         WHERE e.participant_id = $1 ORDER BY e.enrolled_at, i.name",
    )
    .bind(participant_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get(1)?;
            Ok(Enrolment {
                intake_name: row.try_get(0)?,
                role: Role::parse(&role).unwrap_or(Role::Mentee),
                enrolled_at: Timestamp(row.try_get(2)?),
            })
        })
        .collect()
}
