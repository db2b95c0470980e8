//! Anonymous surveys once closed, read as someone holding the database would: the key is random
//! and erased by the scheduler at the closing time, reminders keep no per-person outcome, and no
//! table holds anything that joins a person to an answer.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::Row;
use tandem::chat::ChatError;
use tandem::domain::Timestamp;
use tandem::store::{self, Backend, Store};

use crate::on_both_backends;
use crate::support::{FlakyChat, TestApp, TestDb, utc};
use crate::surveys::{answer, intake, open};

on_both_backends!(
    the_key_is_random_and_erased_by_the_scheduler_at_the_closing_time,
    a_coordinator_closing_early_erases_the_key_at_once,
    a_reminder_keeps_no_outcome_per_person,
    a_closed_anonymous_survey_leaves_nothing_that_links_an_answer_to_a_person,
);

async fn survey_row(store: &Store, id: &str) -> (String, String) {
    let row = sqlx::query("SELECT status, secret FROM surveys WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

async fn job_status(store: &Store, key: &str) -> Option<(String, i64)> {
    sqlx::query("SELECT status, due_at FROM jobs WHERE key = $1")
        .bind(key)
        .fetch_optional(store.pool())
        .await
        .unwrap()
        .map(|row| (row.get(0), row.get(1)))
}

async fn the_key_is_random_and_erased_by_the_scheduler_at_the_closing_time(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 1).await;
    let id = open(&t, "survey open mid-program closes:2026-12-01 anonymous").await;
    let (status, key) = survey_row(&t.app.store, &id).await;
    assert_eq!(status, "open");
    // 32 bytes from the CSPRNG, not a UUID made a moment after the survey's own id.
    assert_eq!(key.len(), 64, "{key}");
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    answer(&t, "m0", "going 4").await;
    t.clock.advance(Duration::from_secs(60));
    let other = open(&t, "survey open end-of-program anonymous").await;
    assert_ne!(survey_row(&t.app.store, &other).await.1, key);

    // Nobody touches the survey: the clock passes the end of 1 December in London and the
    // scheduler runs.
    t.clock.set(utc(2026, 12, 1, 23, 59));
    t.app.run_due().await.unwrap();
    assert_eq!(survey_row(&t.app.store, &id).await.0, "open");
    t.clock.set(utc(2026, 12, 2, 0, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(
        survey_row(&t.app.store, &id).await,
        ("closed".to_string(), String::new()),
        "closed and its key erased by the scheduler alone"
    );
    let (status, due) = job_status(&t.app.store, &format!("survey_close:{id}"))
        .await
        .expect("a survey_close job");
    assert_eq!(status, "fanned");
    assert_eq!(Timestamp(due), utc(2026, 12, 2, 0, 0));
    // The survey without a closing day stays open, key and all.
    assert_eq!(survey_row(&t.app.store, &other).await.0, "open");
}

async fn a_coordinator_closing_early_erases_the_key_at_once(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "", 1).await;
    let id = open(&t, "survey open mid-program closes:2026-12-20 anonymous").await;
    answer(&t, "m0", "going 4").await;
    let said = t.coordinator(&format!("survey close {}", &id[..8])).await;
    assert!(said.contains("is closed"), "{said}");
    assert_eq!(
        survey_row(&t.app.store, &id).await,
        ("closed".to_string(), String::new())
    );
    // The closing job is brought forward and runs on the scheduler's next pass.
    let key = format!("survey_close:{id}");
    assert_eq!(
        job_status(&t.app.store, &key).await,
        Some(("pending".to_string(), t.app.now().0))
    );
    t.app.run_due().await.unwrap();
    assert_eq!(job_status(&t.app.store, &key).await.unwrap().0, "fanned");
}

async fn a_reminder_keeps_no_outcome_per_person(db: TestDb) {
    let chat = FlakyChat::new();
    let t = TestApp::with_chat(db, Some(chat.clone())).await;
    intake(&t, "Y1", "", 2).await;
    let id = open(&t, "survey open mid-program anonymous").await;
    t.app.run_due().await.unwrap();
    answer(&t, "m0", "going 3").await;
    t.coordinator(&format!("survey remind {id}")).await;
    // The first reminder DM meets a platform hiccup and waits for its retry.
    chat.fail_next_dm(ChatError::transient("HTTP 503", None));
    t.app.run_due().await.unwrap();
    let dms = |who: &str| chat.console.history(&format!("DM to {who}")).len();
    let waiting: Vec<&str> = ["m1", "e0", "e1"]
        .into_iter()
        .filter(|who| dms(who) == 1)
        .collect();
    assert_eq!(waiting.len(), 1, "one reminder waits for its retry");
    // Meanwhile that person answers, so the retry is skipped.
    answer(&t, waiting[0], "going 5").await;
    t.clock.advance(Duration::from_secs(120));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(waiting[0]), 1, "no reminder after answering");
    let left: i64 = sqlx::query(
        "SELECT COUNT(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id WHERE j.kind = 'survey_reminder'",
    )
    .fetch_one(t.app.store.pool())
    .await
    .unwrap()
    .get(0);
    assert_eq!(left, 0, "sent or skipped, no reminder row is kept");
    let said: i64 =
        sqlx::query("SELECT COUNT(*) FROM deliveries WHERE last_error LIKE '%answered%'")
            .fetch_one(t.app.store.pool())
            .await
            .unwrap()
            .get(0);
    assert_eq!(said, 0);
}

/// One stored table, as read through the database's own catalogue.
struct Table {
    name: String,
    columns: Vec<String>,
    /// How the rows were ordered: by rowid, by ctid, or by primary key (SQLite `WITHOUT ROWID`).
    order: &'static str,
    rows: Vec<Vec<Option<String>>>,
}

/// Every table of the database, from `sqlite_master` or `information_schema` (so a table added
/// later is read too), every column as text, in physical order.
async fn every_table(store: &Store) -> Vec<Table> {
    let db = store.pool();
    let names: Vec<(String, String)> = match store.backend() {
        Backend::Sqlite => sqlx::query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        ),
        Backend::Postgres => sqlx::query(
            "SELECT table_name::text, '' FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        ),
    }
    .fetch_all(db)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let mut tables = Vec::new();
    for (name, sql) in names {
        let columns: Vec<String> = match store.backend() {
            Backend::Sqlite => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{name}') ORDER BY cid"
            ))),
            Backend::Postgres => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = '{name}' ORDER BY ordinal_position"
            ))),
        }
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
        let as_text = |c: &String| match store.backend() {
            Backend::Sqlite => format!(
                "CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END"
            ),
            Backend::Postgres => format!("CAST(\"{c}\" AS TEXT)"),
        };
        let select: Vec<String> = columns.iter().map(as_text).collect();
        let order = match store.backend() {
            Backend::Sqlite if sql.to_uppercase().contains("WITHOUT ROWID") => "primary key",
            Backend::Sqlite => "rowid",
            Backend::Postgres => "ctid",
        };
        let order_by = if order == "primary key" {
            String::new()
        } else {
            format!(" ORDER BY {order}")
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM \"{name}\"{order_by}",
            select.join(", ")
        )))
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| (0..columns.len()).map(|i| r.get(i)).collect())
        .collect();
        tables.push(Table {
            name,
            columns,
            order,
            rows,
        });
    }
    tables
}

/// A person who answered, as the test knows them.
struct Respondent {
    name: String,
    participant_id: String,
    /// Their free-text answer, which no one else gave.
    note: String,
    answered_at: Timestamp,
}

/// A 32-character hex id whose UUID version is 7 and whose time lies in `window`.
fn time_ordered(cell: &str, window: &std::ops::Range<i64>) -> bool {
    cell.len() == 32
        && cell.chars().all(|c| c.is_ascii_hexdigit())
        && cell.as_bytes()[12] == b'7'
        && i64::from_str_radix(&cell[..12], 16).is_ok_and(|ms| window.contains(&ms))
}

/// Someone holding the database after an anonymous survey closed reads every table, in the order
/// the database keeps it, and finds nothing that joins a person to an answer. Checked, for every
/// column of every table in the catalogue (the test prints them):
/// - the survey's key (captured while it was open) appears in no column;
/// - no column holds any person's answer token (HMAC of their participant id under that key);
/// - no row that holds a response id or a respondent's unique free-text answer also holds a
///   participant id, a platform user id (here the console name) or a display name;
/// - in those rows no number is a time finer than a day, and no id is a time-ordered UUIDv7;
/// - no column anywhere holds an instant within a minute of when someone answered;
/// - rows holding responses come in the order of their random ids, whatever the order of
///   answering (rowid / `WITHOUT ROWID` key on SQLite, ctid on PostgreSQL);
/// - on SQLite, the database file and its write-ahead log hold neither the key nor a token.
async fn a_closed_anonymous_survey_leaves_nothing_that_links_an_answer_to_a_person(db: TestDb) {
    let t = TestApp::new(db).await;
    intake(&t, "Y1", "pv", 3).await;
    let id = open(&t, "survey open end-of-program closes:2026-12-20 anonymous").await;
    t.app.run_due().await.unwrap();
    let key = survey_row(&t.app.store, &id).await.1;
    let order = ["pve1", "pvm0", "pve2", "pvm2", "pve0", "pvm1"];
    let mut people = Vec::new();
    for (i, name) in order.iter().enumerate() {
        let at = utc(2026, 12, 2 + i as u32, 13, 17 + i as u32);
        t.clock.set(Timestamp(at.0 + 23_456));
        let note = format!("note-{}", &tandem::domain::random_id()[..12]);
        answer(
            &t,
            name,
            &format!("recommend-mentors {}", ["yes", "no"][i % 2]),
        )
        .await;
        answer(&t, name, &format!("workbook {}", 1 + i % 5)).await;
        answer(&t, name, &format!("change {note}")).await;
        let participant_id: String =
            sqlx::query("SELECT id FROM participants WHERE console_name = $1")
                .bind(name)
                .fetch_one(t.app.store.pool())
                .await
                .unwrap()
                .get(0);
        people.push(Respondent {
            name: name.to_string(),
            participant_id,
            note,
            answered_at: t.app.now(),
        });
        if i == 2 {
            t.clock.advance(Duration::from_secs(3 * 3600));
            t.coordinator(&format!("survey remind {id}")).await;
            t.app.run_due().await.unwrap();
        }
    }
    // A changed answer, then the closing time passes and the scheduler closes the survey.
    t.clock.set(utc(2026, 12, 15, 8, 0));
    answer(&t, "pvm0", "workbook 5").await;
    t.clock.set(utc(2026, 12, 21, 1, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(survey_row(&t.app.store, &id).await.0, "closed");

    let token = |pid: &str| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(pid.as_bytes());
        tandem::domain::hex(&mac.finalize().into_bytes())
    };
    let tokens: BTreeSet<String> = people.iter().map(|p| token(&p.participant_id)).collect();
    let response_ids: BTreeSet<String> = store::surveys::responses(t.app.store.pool(), &id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(response_ids.len(), people.len());
    let person_values: Vec<&str> = people
        .iter()
        .flat_map(|p| [p.participant_id.as_str(), p.name.as_str()])
        .collect();
    let window = test_window();
    let tables = every_table(&t.app.store).await;
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    for needed in [
        "participants",
        "surveys",
        "survey_responses",
        "survey_answers",
        "deliveries",
    ] {
        assert!(
            names.contains(needed),
            "the catalogue lists {needed}: {names:?}"
        );
    }
    for table in &tables {
        println!(
            "checked {} ({} rows, by {}): {}",
            table.name,
            table.rows.len(),
            table.order,
            table.columns.join(", ")
        );
        let mut response_order = Vec::new();
        for row in &table.rows {
            let cells: Vec<&str> = row.iter().flatten().map(String::as_str).collect();
            let at = |what: &str| format!("{} row {cells:?}: {what}", table.name);
            for cell in &cells {
                assert!(!cell.contains(&key), "{}", at("holds the survey's key"));
                assert!(!tokens.contains(*cell), "{}", at("holds an answer token"));
                for p in &people {
                    let near = |n: i64| (n - p.answered_at.0).abs() < 60_000;
                    assert!(
                        !cell.parse::<i64>().is_ok_and(near),
                        "{}",
                        at("holds the instant someone answered")
                    );
                }
            }
            let response = cells.iter().find(|c| response_ids.contains(**c));
            let answers = response.is_some()
                || cells
                    .iter()
                    .any(|c| people.iter().any(|p| c.contains(&p.note)));
            if !answers {
                continue;
            }
            response_order.extend(response.map(|r| r.to_string()));
            for cell in &cells {
                for value in &person_values {
                    assert!(
                        !cell.contains(value),
                        "{}",
                        at("joins an answer to a person")
                    );
                }
                assert!(
                    !time_ordered(cell, &window),
                    "{}",
                    at("has a time-ordered id")
                );
                let finer_than_a_day = |n: i64| window.contains(&n) && n % 86_400_000 != 0;
                assert!(
                    !cell.parse::<i64>().is_ok_and(finer_than_a_day),
                    "{}",
                    at("holds a time finer than a day")
                );
            }
        }
        let mut sorted = response_order.clone();
        sorted.sort();
        assert_eq!(
            response_order, sorted,
            "{}: rows holding answers come in the order of their random ids",
            table.name
        );
    }
    if t.app.store.backend() == Backend::Sqlite {
        file_holds_no_key(&t.db.url, &key, &tokens);
    }
}

/// From a month before the tests' "now" to a year after, in milliseconds.
fn test_window() -> std::ops::Range<i64> {
    let now = crate::support::test_now().0;
    (now - 31 * 86_400_000)..(now + 366 * 86_400_000)
}

/// The SQLite file and its write-ahead log, byte by byte.
fn file_holds_no_key(url: &str, key: &str, tokens: &BTreeSet<String>) {
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap();
    let mut seen = BTreeMap::new();
    for file in [path.to_string(), format!("{path}-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        seen.insert(file.clone(), bytes.len());
        assert!(!has(key), "{file} still holds the survey's key");
        for token in tokens {
            assert!(!has(token), "{file} still holds an answer token");
        }
    }
    println!("read byte by byte: {seen:?}");
}

#[test]
fn a_uuid_v7_of_the_tests_time_is_recognised() {
    let id = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        (crate::support::test_now().0 / 1000) as u64,
        0,
    ))
    .simple()
    .to_string();
    assert!(time_ordered(&id, &test_window()));
    assert!(!time_ordered(&tandem::domain::random_id(), &test_window()));
}
