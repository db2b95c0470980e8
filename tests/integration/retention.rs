//! Retention on both backends, with the injected clock: once an intake ended longer ago than
//! `TANDEM_RETENTION_MONTHS`, the scheduler deletes its check-in notes (help notes too) and its
//! closed surveys' answers, and the survey's results still show from the figures kept;
//! `apply_retention(true)` (what `tandem admin retention --dry-run` runs) only counts.

use std::time::Duration;

use sqlx::Row;
use tandem::app::Outcome;
use tandem::commands::Root;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb, utc};
use crate::surveys::{answer, open};

on_both_backends!(old_notes_and_answers_go_and_the_figures_stay);

async fn count(t: &TestApp, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(t.app.store.pool())
        .await
        .unwrap()
        .get(0)
}

const NOTES: &str = "SELECT COUNT(*) FROM checkins WHERE note IS NOT NULL";
const ANSWERS: &str = "SELECT COUNT(*) FROM survey_answers";

/// Y1 ends on 30 June 2027 (London): three pairs, two notes, a closed survey three answered.
async fn program(t: &TestApp) -> String {
    t.coordinator("intake create Y1 tz:Europe/London ends:2027-06-30")
        .await;
    for i in 0..3 {
        let paired = t.coordinator(&format!("pair @m{i} @e{i}")).await;
        assert!(paired.contains("Paired"), "{paired}");
    }
    for (who, text) in [
        ("m0", "met note:\"Coffee at the library\""),
        ("e1", "help note:\"We cannot find a time\""),
    ] {
        let said = t.type_as(who, Root::Checkin, text).await;
        assert_eq!(said.outcome, Outcome::Done, "{}", said.message.plain_text());
    }
    let survey = open(t, "survey open end-of-program intake:Y1").await;
    for who in ["m0", "m1", "e0"] {
        answer(t, who, "recommend-mentors yes").await;
        answer(t, who, "workbook 4").await;
    }
    t.coordinator(&format!("survey close {survey}")).await;
    survey
}

async fn old_notes_and_answers_go_and_the_figures_stay(db: TestDb) {
    let t = TestApp::new(db).await;
    let survey = program(&t).await;
    let results = t.coordinator(&format!("survey results {survey}")).await;
    assert!(results.contains("3 of 6"), "{results}");
    assert_eq!((count(&t, NOTES).await, count(&t, ANSWERS).await), (2, 6));

    // The last day ends at midnight London time (BST): 30 June 2027, 23:00 UTC. Two years on,
    // less a minute, everything stays.
    t.clock.set(utc(2029, 6, 30, 22, 59));
    t.app.run_due().await.unwrap();
    assert_eq!((count(&t, NOTES).await, count(&t, ANSWERS).await), (2, 6));

    t.clock.advance(Duration::from_secs(120));
    let dry = t.app.apply_retention(true).await.unwrap();
    assert_eq!(dry.months, 24);
    assert_eq!(dry.intakes.len(), 1, "{dry:?}");
    assert_eq!(
        (
            dry.intakes[0].notes,
            dry.intakes[0].surveys,
            dry.intakes[0].answers
        ),
        (2, 1, 6)
    );
    assert_eq!(
        (count(&t, NOTES).await, count(&t, ANSWERS).await),
        (2, 6),
        "a dry run deletes nothing"
    );

    t.app.run_due().await.unwrap();
    assert_eq!((count(&t, NOTES).await, count(&t, ANSWERS).await), (0, 0));
    assert_eq!(count(&t, "SELECT COUNT(*) FROM survey_responses").await, 0);
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM checkins").await,
        2,
        "the answers themselves stay"
    );
    let kept = t.coordinator(&format!("survey results {survey}")).await;
    assert_eq!(kept, results, "the same results, from the figures kept");
    // Idempotent: nothing more to do.
    assert!(
        t.app
            .apply_retention(false)
            .await
            .unwrap()
            .intakes
            .is_empty()
    );
    assert_eq!(
        t.coordinator(&format!("survey results {survey}")).await,
        results
    );
}

/// `tandem admin retention [--dry-run]` runs it at once; anything else after it is refused.
#[test]
fn the_operator_runs_retention_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/tandem.db", dir.path().display());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["admin", "--database", &database])
            .args(args)
            .env("TANDEM_RETENTION_MONTHS", "6")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, said) = run(&["retention", "--dry-run"]);
    assert!(ok, "{said}");
    assert!(
        said.contains("Nothing is older than the retention period (6 months)"),
        "{said}"
    );
    let (ok, said) = run(&["retention", "--now"]);
    assert!(!ok);
    assert!(said.contains("tandem admin retention --dry-run"), "{said}");
}
