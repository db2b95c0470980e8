//! The `resources` table: the program's shared links, in the order they were added.

use sqlx::{Any, Executor, Row};

use crate::domain::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub created_at: Timestamp,
}

/// Adds a resource, or replaces the link and description of the one with that name.
pub async fn upsert<'c, E: Executor<'c, Database = Any>>(db: E, r: &Resource) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO resources (id, name, name_key, url, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name_key) DO UPDATE SET name = $2, url = $4, description = $5",
    )
    .bind(&r.id)
    .bind(&r.name)
    .bind(r.name.trim().to_lowercase())
    .bind(&r.url)
    .bind(&r.description)
    .bind(r.created_at.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes the resource with that name; true when there was one.
pub async fn remove<'c, E: Executor<'c, Database = Any>>(db: E, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM resources WHERE name_key = $1")
        .bind(name.trim().to_lowercase())
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list<'c, E: Executor<'c, Database = Any>>(db: E) -> sqlx::Result<Vec<Resource>> {
    let rows = sqlx::query(
        "SELECT id, name, url, description, created_at FROM resources ORDER BY created_at, name_key",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Resource {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                url: r.try_get(2)?,
                description: r.try_get(3)?,
                created_at: Timestamp(r.try_get(4)?),
            })
        })
        .collect()
}
