//! What webinars and meetups store alike: a start in a zone, and a cancelled status. One place
//! for both tables, so a move or a cancel means the same for each.

use chrono_tz::Tz;
use sqlx::{Any, Executor};

use crate::domain::Timestamp;

/// A dated event people are invited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    Webinar,
    Meetup,
}

impl Occasion {
    fn table(self) -> &'static str {
        match self {
            Occasion::Webinar => "webinars",
            Occasion::Meetup => "meetups",
        }
    }
}

pub async fn set_start<'c, E: Executor<'c, Database = Any>>(
    db: E,
    occasion: Occasion,
    id: &str,
    starts_at: Timestamp,
    zone: Tz,
) -> sqlx::Result<()> {
    let sql = format!(
        "UPDATE {} SET starts_at = $1, zone = $2 WHERE id = $3",
        occasion.table()
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(starts_at.0)
        .bind(zone.name())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn cancel<'c, E: Executor<'c, Database = Any>>(
    db: E,
    occasion: Occasion,
    id: &str,
) -> sqlx::Result<()> {
    let sql = format!(
        "UPDATE {} SET status = 'cancelled' WHERE id = $1",
        occasion.table()
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
