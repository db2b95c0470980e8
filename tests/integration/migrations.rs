//! Migrations are protected (STYLE 10): applied ones are never edited, every one applies to a
//! database that already holds data, and a NOT NULL column added later needs a DEFAULT.

use std::fmt::Write as _;

use sqlx::Row;
use tandem::store::{Backend, Store, all_migrations, migrator};

use crate::on_both_backends;
use crate::support::TestDb;

/// version and SHA-384 of every migration that has shipped; append, never change.
const SHIPPED: &str = include_str!("shipped_migrations.txt");

fn checksums() -> String {
    let mut out = String::new();
    for m in all_migrations() {
        let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "{} {hex}", m.version);
    }
    out
}

/// A database that applied the newest shipped migration would apply an older-numbered new one out
/// of order (two branches merged, say): new migrations take versions after every shipped one.
#[test]
fn a_new_migration_comes_after_every_shipped_one() {
    let version = |line: &str| line.split(' ').next()?.parse::<i64>().ok();
    let newest_shipped = SHIPPED.lines().filter_map(version).max().unwrap_or(0);
    for m in all_migrations() {
        let shipped = SHIPPED.lines().any(|l| version(l) == Some(m.version));
        assert!(
            shipped || m.version > newest_shipped,
            "migration {} ({}) is numbered before the newest shipped one ({newest_shipped}): \
             rename it with a later timestamp",
            m.version,
            m.description
        );
    }
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
    for m in all_migrations() {
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
    let all = migrator(seeded.backend());
    all.run(seeded.pool())
        .await
        .expect("later migrations apply over existing rows");
    all.run(seeded.pool())
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
    let store = migrated_to(like, 0).await;
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

/// A database of the same backend as `like` with the migrations up to the `index`th applied.
async fn migrated_to(like: &TestDb, index: usize) -> Store {
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
    let all = migrator(store.backend());
    let version = all.iter().nth(index).expect("so many migrations").version;
    all.run_to(version, store.pool()).await.unwrap();
    store
}

on_both_backends!(the_survey_migration_brings_old_answers_up_to_the_guarantees);

/// The survey tables as issue 7 left them: time-ordered response ids, tokens made with guessable
/// keys in closed surveys, reminders that remember who had answered; then the migrations that
/// follow.
async fn the_survey_migration_brings_old_answers_up_to_the_guarantees(db: TestDb) {
    let before = migrator(db.store.backend())
        .iter()
        .position(|m| m.version == 20261201000000)
        .expect("the survey migration");
    let store = migrated_to(&db, before - 1).await;
    let v7 = |n: u32| format!("019ad000000070008000{n:012}");
    let mut seed = vec![
        "INSERT INTO intakes (id, name, name_key, zone, starts_on, ends_on, status, created_at)
         VALUES ('i1', 'Y1', 'y1', 'UTC', '2026-01-01', '2027-12-10', 'active', 1)"
            .to_string(),
        "INSERT INTO surveys (id, template, template_toml, intake_id, privacy, secret, status, closes_at, opened_at, closed_at)
         VALUES ('closed', 't', '', 'i1', 'anonymous', '', 'closed', NULL, 1, 5)"
            .to_string(),
        "INSERT INTO surveys (id, template, template_toml, intake_id, privacy, secret, status, closes_at, opened_at)
         VALUES ('open', 't', '', 'i1', 'anonymous', 'old-key', 'open', 777, 2)"
            .to_string(),
        "INSERT INTO surveys (id, template, template_toml, intake_id, privacy, status, opened_at)
         VALUES ('named', 't', '', 'i1', 'named', 'open', 3)"
            .to_string(),
        "INSERT INTO jobs (id, key, kind, target, due_at, status, created_at)
         VALUES ('jr', 'survey_reminder:open', 'survey_reminder', 'open', 4, 'fanned', 4)"
            .to_string(),
        "INSERT INTO jobs (id, key, kind, target, due_at, status, created_at)
         VALUES ('ji', 'survey_invitation:open', 'survey_invitation', 'open', 2, 'fanned', 2)"
            .to_string(),
        "INSERT INTO deliveries (id, job_id, recipient, status, not_before, created_at)
         VALUES ('d1', 'jr', 'a', 'sent', 4, 4), ('d2', 'jr', 'b', 'skipped', 4, 4),
                ('d3', 'ji', 'a', 'sent', 2, 2)"
            .to_string(),
    ];
    for (n, (survey, respondent)) in [
        ("closed", "token-a"),
        ("closed", "token-b"),
        ("closed", "token-c"),
        ("open", "token-d"),
        ("named", "a"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = v7(n as u32);
        seed.push(format!(
            "INSERT INTO survey_responses (id, survey_id, respondent, role) VALUES ('{id}', '{survey}', '{respondent}', 'mentee')"
        ));
        seed.push(format!(
            "INSERT INTO survey_answers (response_id, question, answer) VALUES ('{id}', 'q', 'answer {n}')"
        ));
    }
    for statement in &seed {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
            .execute(store.pool())
            .await
            .unwrap();
    }
    migrator(store.backend()).run(store.pool()).await.unwrap();
    let db = store.pool();

    let rows: Vec<(String, String, String, String)> = sqlx::query(
        "SELECT r.id, r.survey_id, r.respondent, a.answer
         FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id ORDER BY a.answer",
    )
    .fetch_all(db)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect();
    assert_eq!(rows.len(), 5, "every answer kept, with its response");
    for (n, (id, survey, respondent, answer)) in rows.iter().enumerate() {
        assert_eq!(answer, &format!("answer {n}"));
        assert_ne!(id, &v7(n as u32), "a new id");
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        match survey.as_str() {
            // Closed and anonymous: the token (made with a guessable key) is gone.
            "closed" => assert_eq!(respondent, id),
            // Still open: the token keeps recognising its person until the survey closes.
            "open" => assert_eq!(respondent, "token-d"),
            _ => assert_eq!(respondent, "a"),
        }
    }
    let jobs: Vec<(String, i64, String)> =
        sqlx::query("SELECT key, due_at, status FROM jobs WHERE kind = 'survey_close'")
            .fetch_all(db)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
    assert_eq!(
        jobs,
        vec![("survey_close:open".to_string(), 777, "pending".to_string())]
    );
    let kept: Vec<String> = sqlx::query("SELECT id FROM deliveries ORDER BY id")
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        kept,
        vec!["d3"],
        "the reminder's outcomes are gone, the invitation kept"
    );
    match store.backend() {
        Backend::Sqlite => {
            for table in ["survey_responses", "survey_answers"] {
                let sql: String =
                    sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
                        .bind(table)
                        .fetch_one(db)
                        .await
                        .unwrap()
                        .get(0);
                assert!(sql.contains("WITHOUT ROWID"), "{sql}");
            }
        }
        Backend::Postgres => {
            let in_place: Vec<String> =
                sqlx::query("SELECT id FROM survey_responses ORDER BY ctid")
                    .fetch_all(db)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
            let mut by_id = in_place.clone();
            by_id.sort();
            assert_eq!(
                in_place, by_id,
                "rows written in the order of their new ids"
            );
        }
    }
    // The foreign key still holds after the rebuild.
    let orphan = sqlx::query(
        "INSERT INTO survey_answers (response_id, question, answer) VALUES ('nobody', 'q', 'x')",
    )
    .execute(db)
    .await;
    assert!(orphan.is_err(), "an answer needs its response");
}

on_both_backends!(people_sent_keyless_calendar_links_get_their_own_once);

/// Links sent before calendar keys stop working: the migration leaves one job that DMs each
/// person a keyless link reached (by DM, or through their intake's channel) their own, once.
async fn people_sent_keyless_calendar_links_get_their_own_once(db: TestDb) {
    let before = migrator(db.store.backend())
        .iter()
        .position(|m| m.version == 20261213000000)
        .expect("the calendar keys migration");
    let store = migrated_to(&db, before - 1).await;
    for statement in [
        "INSERT INTO intakes (id, name, name_key, zone, starts_on, ends_on, status, announcement_channel, created_at)
         VALUES ('i1', 'Y1', 'y1', 'UTC', '2026-01-01', '2027-12-10', 'active', 'announcements', 1)",
        "INSERT INTO participants (id, display_name, console_name, created_at) VALUES ('a', 'Ana', 'ana', 1)",
        "INSERT INTO participants (id, display_name, console_name, created_at) VALUES ('c', 'Cy', 'cy', 1)",
        "INSERT INTO participants (id, display_name, console_name, created_at) VALUES ('z', 'Zed', 'zed', 1)",
        "INSERT INTO enrolments (intake_id, participant_id, role, enrolled_at) VALUES ('i1', 'c', 'mentee', 1)",
        "INSERT INTO webinars (id, title, starts_at, zone, created_at) VALUES ('w', 'Networking', 9, 'UTC', 1)",
        "INSERT INTO jobs (id, key, kind, target, due_at, status, created_at)
         VALUES ('j', 'webinar:w:reminder:1d@9', 'webinar_reminder', 'w@9', 5, 'fanned', 1)",
        "INSERT INTO deliveries (id, job_id, recipient, status, not_before, sent_at, created_at)
         VALUES ('d1', 'j', 'person:a', 'sent', 5, 5, 5), ('d2', 'j', 'intake:i1', 'sent', 5, 5, 5),
                ('d3', 'j', 'person:z', 'skipped', 5, NULL, 5)",
    ] {
        sqlx::query(statement).execute(store.pool()).await.unwrap();
    }
    migrator(store.backend()).run(store.pool()).await.unwrap();
    let url = db.url.clone();
    let t = crate::support::TestApp::new(TestDb::from_store(store, url)).await;
    let dms = |who: &str| t.console.history(&format!("DM to {who}"));
    for _ in 0..2 {
        t.app.run_due().await.unwrap();
        for who in ["ana", "cy"] {
            let got = dms(who);
            assert_eq!(got.len(), 1, "{who}: once");
            let text = got[0].1.plain_text();
            assert!(text.contains("/calendar/all.ics?key="), "{text}");
        }
        assert!(dms("zed").is_empty(), "never sent a link");
    }
    // A fresh database has no one to tell, and no such job.
    let jobs = sqlx::query("SELECT COUNT(*) FROM jobs WHERE kind = 'calendar_links'")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(jobs.get::<i64, _>(0), 0);
}
