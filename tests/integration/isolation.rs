//! One bad job never stops the others, on both backends: a stored survey template that no longer
//! reads, a webinar that is gone, a job of a kind this version does not know and a send that
//! panics are each recorded and shown; the scheduler loop survives panics and errors, and
//! `/healthz` says when no pass has completed for three intervals.

use std::sync::atomic::Ordering;
use std::time::Duration;

use sqlx::Row;
use tandem::app::Outcome;
use tandem::app::scheduler::RunReport;
use tandem::clock::Clock;

use crate::on_both_backends;
use crate::scheduler::program;
use crate::support::{FlakyChat, TestApp, TestDb, utc};

on_both_backends!(
    one_broken_job_never_blocks_the_others,
    a_panicking_send_fails_alone,
    the_scheduler_loop_survives_panics_and_errors,
    healthz_says_when_the_scheduler_stalls,
);

async fn job_status(t: &TestApp, kind: &str) -> Vec<(String, Option<String>)> {
    sqlx::query("SELECT status, last_error FROM jobs WHERE kind = $1 ORDER BY due_at")
        .bind(kind)
        .fetch_all(t.db.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

async fn one_broken_job_never_blocks_the_others(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    // A survey whose stored template no longer reads (a later version changed the format), a
    // webinar deleted behind Tandem's back, and a job a newer version wrote: all due before the
    // check-in.
    let opened = t.mentoring("gina", "survey open mid-program").await;
    assert_eq!(opened.outcome, Outcome::Done);
    let db = t.db.store.pool();
    sqlx::query("UPDATE surveys SET template_toml = 'questions = 3'")
        .execute(db)
        .await
        .unwrap();
    t.coordinator("webinar add Gone at:\"2026-12-10 19:00\"")
        .await;
    sqlx::query("DELETE FROM webinars")
        .execute(db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO jobs (id, key, kind, target, due_at, status, created_at)
         VALUES ('future', 'future', 'from_a_newer_version', 'x', $1, 'pending', $1)",
    )
    .bind(t.clock.now().0)
    .execute(db)
    .await
    .unwrap();

    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!(report.sent, 2, "every pair's check-in: {report:?}");
    assert!(report.failed_jobs >= 2, "{report:?}");
    let survey = job_status(&t, "survey_invitation").await;
    assert_eq!(survey.len(), 1);
    assert_eq!(survey[0].0, "failed");
    let reason = survey[0].1.clone().unwrap();
    assert!(
        reason.starts_with("the stored survey template `mid-program` no longer reads"),
        "{reason}"
    );
    let webinar = job_status(&t, "webinar_reminder").await;
    assert!(
        webinar
            .iter()
            .any(|(s, e)| s == "failed" && e.as_deref() == Some("its webinar no longer exists")),
        "{webinar:?}"
    );
    assert_eq!(
        job_status(&t, "from_a_newer_version").await[0].0,
        "pending",
        "left for a version that knows it"
    );
    let said = t.coordinator("status").await;
    assert!(
        said.contains("Scheduled work that failed for good:"),
        "{said}"
    );
    assert!(
        said.contains("• survey invitation due Sat 28 Nov 2026, 20:00 AEDT: the stored survey template `mid-program` no longer reads"),
        "{said}"
    );
    assert!(said.contains(": its webinar no longer exists"), "{said}");
    // Nothing is tried again, and the next check-in goes out as usual.
    t.clock.set(utc(2027, 1, 3, 23, 0));
    assert_eq!(t.app.run_due().await.unwrap().sent, 2);
    assert_eq!(job_status(&t, "survey_invitation").await, survey);
}

async fn a_panicking_send_fails_alone(db: TestDb) {
    let chat = FlakyChat::new();
    let t = TestApp::with_chat(db, Some(chat.clone())).await;
    program(&t, 3).await;
    let welcomes = chat.posted.load(Ordering::SeqCst);
    chat.panic_next.store(true, Ordering::SeqCst);
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.failed), (2, 1), "{report:?}");
    assert_eq!(chat.posted.load(Ordering::SeqCst), welcomes + 2);
    let said = t.coordinator("status").await;
    assert!(
        said.contains("platform refused: internal error (panic: a bug while posting)"),
        "{said}"
    );
}

async fn panicking_pass() -> anyhow::Result<RunReport> {
    panic!("a bug in a pass")
}

async fn the_scheduler_loop_survives_panics_and_errors(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 1).await;
    let pulse = t.app.scheduler_pulse.clone();
    assert_eq!(t.app.supervise(panicking_pass()).await, None);
    assert_eq!(
        t.app
            .supervise(async { Err(anyhow::anyhow!("the database went away")) })
            .await,
        None
    );
    assert_eq!(pulse.last_completed(), None, "neither pass completed");
    // The loop goes on: the next pass does December's check-in and is recorded.
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.scheduler_pass(2).await.expect("the pass completes");
    assert_eq!(report.sent, 1);
    assert_eq!(pulse.last_completed(), Some(t.clock.now()));
}

async fn healthz_says_when_the_scheduler_stalls(db: TestDb) {
    let t = TestApp::new(db).await;
    assert_eq!(t.get("/healthz").await, (200, "ok\n".to_string()));
    t.app.scheduler_pulse.started(t.clock.now());
    t.clock.advance(Duration::from_secs(30));
    assert_eq!(
        t.get("/healthz").await.0,
        200,
        "three intervals is the limit"
    );
    t.clock.advance(Duration::from_secs(1));
    let (status, body) = t.get("/healthz").await;
    assert_eq!(status, 503);
    assert_eq!(
        body,
        "scheduler stalled: no pass completed since start 31 s ago\n"
    );
    assert!(t.app.scheduler_pass(1).await.is_some());
    assert_eq!(t.get("/healthz").await.0, 200);
    t.clock.advance(Duration::from_secs(45));
    assert_eq!(
        t.get("/healthz").await,
        (
            503,
            "scheduler stalled: no pass completed for 45 s\n".to_string()
        )
    );
}
