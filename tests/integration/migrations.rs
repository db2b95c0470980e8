//! Migrations are protected (STYLE 10): applied ones are never edited, every one applies to a
//! database that already holds data, and a NOT NULL column added later needs a DEFAULT.

use std::fmt::Write as _;

use tandem::store::{Backend, MIGRATOR, Store};

use crate::on_both_backends;
use crate::support::TestDb;

/// version and SHA-384 of every migration that has shipped; append, never change.
const SHIPPED: &str = include_str!("shipped_migrations.txt");

fn checksums() -> String {
    let mut out = String::new();
    for m in MIGRATOR.iter() {
        let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "{} {hex}", m.version);
    }
    out
}

#[test]
fn shipped_migrations_are_never_edited() {
    let now = checksums();
    for line in SHIPPED.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            now.lines().any(|l| l == line),
            "migration {line} has been edited or removed; add a new migration instead"
        );
    }
    if std::env::var_os("TANDEM_UPDATE_DOCS").is_some() {
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/integration/shipped_migrations.txt"
            ),
            &now,
        )
        .unwrap();
    }
    assert_eq!(
        SHIPPED.lines().count(),
        now.lines().count(),
        "a new migration: run `TANDEM_UPDATE_DOCS=1 cargo test` to record it"
    );
}

#[test]
fn not_null_columns_added_later_have_a_default() {
    for m in MIGRATOR.iter() {
        let sql = m.sql.as_str().to_uppercase();
        for statement in sql
            .split(';')
            .filter(|s| s.contains("ALTER TABLE") && s.contains("ADD COLUMN"))
        {
            assert!(
                !statement.contains("NOT NULL") || statement.contains("DEFAULT"),
                "migration {}: a NOT NULL column needs a DEFAULT for the rows already there: {statement}",
                m.version
            );
        }
    }
}

on_both_backends!(every_migration_applies_to_a_database_with_data);

/// Applies the first migration, fills its tables, then applies the rest (and then all again,
/// which must change nothing).
async fn every_migration_applies_to_a_database_with_data(db: TestDb) {
    let seeded = seeded_after_first(&db).await;
    MIGRATOR
        .run(seeded.pool())
        .await
        .expect("later migrations apply over existing rows");
    MIGRATOR
        .run(seeded.pool())
        .await
        .expect("applying twice changes nothing");
    let row = sqlx::query("SELECT COUNT(*) FROM pairs")
        .fetch_one(seeded.pool())
        .await
        .unwrap();
    assert_eq!(sqlx::Row::get::<i64, _>(&row, 0), 1);
}

/// A database of the same backend as `like` where only migration 1 ran, holding one of everything.
async fn seeded_after_first(like: &TestDb) -> Store {
    let url = match like.store.backend() {
        Backend::Sqlite => format!("{}-seeded", like.url.split('?').next().unwrap()),
        Backend::Postgres => {
            let schema = format!("s_{}", tandem::domain::new_id());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(like.store.pool())
                .await
                .unwrap();
            let base = like
                .url
                .split("options[search_path]=")
                .next()
                .unwrap()
                .to_string();
            format!("{base}options[search_path]={schema}")
        }
    };
    let store = Store::connect(&url).await.unwrap();
    let first = MIGRATOR
        .iter()
        .next()
        .expect("at least one migration")
        .version;
    MIGRATOR.run_to(first, store.pool()).await.unwrap();
    for statement in [
        "INSERT INTO intakes (id, name, name_key, zone, starts_on, ends_on, status, announcement_channel, created_at)
         VALUES ('i1', '2027 February', '2027 february', 'Australia/Sydney', '2027-02-01', '2027-12-10', 'active', NULL, 1)",
        "INSERT INTO participants (id, display_name, slack_user_id, created_at) VALUES ('a', 'Ana', 'UA', 1)",
        "INSERT INTO participants (id, display_name, discord_user_id, created_at) VALUES ('b', 'Bo', '42', 1)",
        "INSERT INTO pairs (id, intake_id, mentor_id, mentee_id, platform, created_at) VALUES ('p', 'i1', 'a', 'b', 'slack', 1)",
        "INSERT INTO enrolments (intake_id, participant_id, role, pair_id, enrolled_at) VALUES ('i1', 'a', 'mentor', 'p', 1)",
        "INSERT INTO coordinators (participant_id, added_at) VALUES ('a', 1)",
        "INSERT INTO webinars (id, title, starts_at, zone, created_at) VALUES ('w', 'Networking', 2, 'UTC', 1)",
    ] {
        sqlx::query(statement).execute(store.pool()).await.unwrap();
    }
    store
}
