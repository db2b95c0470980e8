//! Several occurrences of one series due at once, on both backends: only the newest goes, the
//! rest are recorded as missed, a newer prompt supersedes a pending one, two instances send one
//! prompt between them, and nothing comes before an intake's `starts:`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use sqlx::Row;
use tandem::app::Outcome;
use tandem::chat::ChatError;
use tandem::commands::Root;

use crate::on_both_backends;
use crate::scheduler::{instance, open_prompts, program, prompts};
use crate::support::{FlakyChat, TestApp, TestDb, utc};

on_both_backends!(
    a_schedule_finer_than_the_pass_sends_one_prompt_a_pass,
    after_downtime_only_the_latest_occurrence_goes,
    two_instances_send_one_prompt_between_them,
    a_newer_prompt_supersedes_a_pending_one,
    no_check_in_before_the_program_starts,
);

async fn a_schedule_finer_than_the_pass_sends_one_prompt_a_pass(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    let said = t.coordinator("checkins */5 * * * * *").await;
    assert!(said.contains("now follow"), "{said}");
    for pass in 1..=3 {
        // The scheduler's pass is 10 s: two occurrences fall due in each.
        t.clock.advance(Duration::from_secs(10));
        let report = t.app.run_due().await.unwrap();
        assert_eq!(
            (report.sent, report.missed),
            (2, 1),
            "pass {pass}: {report:?}"
        );
        assert_eq!([prompts(&t, 0), prompts(&t, 1)], [pass, pass]);
        // Each new prompt closes the one before it: one prompt of the schedule stays open.
        assert_eq!(
            [open_prompts(&t, 0), open_prompts(&t, 1)],
            [1, 1],
            "pass {pass}"
        );
    }
    let said = t.coordinator("status").await;
    assert!(said.contains("3 scheduled check-ins were missed"), "{said}");
    // An answered prompt is left as it is, showing its answer; an unanswered one is closed.
    let (number, _) = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .cloned()
        .unwrap();
    t.type_as("m0", Root::Checkin, "met").await;
    t.clock.advance(Duration::from_secs(10));
    t.app.run_due().await.unwrap();
    let history = t.console.history("#mentoring-m0-e0");
    let answered = &history.iter().find(|(n, _)| *n == number).unwrap().1;
    let text = answered.plain_text();
    assert!(text.contains("Answered by"), "{text}");
    assert_eq!([open_prompts(&t, 0), open_prompts(&t, 1)], [2, 1]);
    let closed = &history[history.len() - 3].1;
    assert!(
        closed.plain_text().contains("(closed)"),
        "{}",
        closed.plain_text()
    );
}

async fn after_downtime_only_the_latest_occurrence_goes(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 1).await;
    t.coordinator("checkins 0 10 * * *").await;
    // Down from before 10:00 on 29 Nov (Sydney) until after 10:00 on 1 Dec: three occurrences,
    // all inside the 72-hour grace period.
    t.clock.set(utc(2026, 11, 30, 23, 30));
    let report = t.app.run_due().await.unwrap();
    assert_eq!(
        (report.sent, report.missed, report.jobs),
        (1, 2, 3),
        "{report:?}"
    );
    assert_eq!(prompts(&t, 0), 1);
    let prompt = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .1
        .clone();
    assert!(
        prompt.plain_text().contains("December 2026 check-in"),
        "the newest one: {}",
        prompt.plain_text()
    );
    assert_eq!(t.app.run_due().await.unwrap(), Default::default());
}

async fn two_instances_send_one_prompt_between_them(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 5).await;
    t.coordinator("checkins */5 * * * * *").await;
    let (a, b) = (FlakyChat::new(), FlakyChat::new());
    let (one, two) = (instance(&t, a.clone()), instance(&t, b.clone()));
    for pass in 1..=2 {
        t.clock.advance(Duration::from_secs(10));
        let (ra, rb) = tokio::join!(one.run_due_with(2), two.run_due_with(2));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.sent + rb.sent, 5, "pass {pass}: {ra:?} {rb:?}");
        assert_eq!(ra.missed + rb.missed, 1, "pass {pass}: {ra:?} {rb:?}");
        let posted = a.posted.load(Ordering::SeqCst) + b.posted.load(Ordering::SeqCst);
        assert_eq!(posted, 5 * pass, "one prompt per pair and pass");
    }
}

async fn a_newer_prompt_supersedes_a_pending_one(db: TestDb) {
    let chat = FlakyChat::new();
    let t = TestApp::with_chat(db, Some(chat.clone())).await;
    program(&t, 2).await;
    let welcomes = chat.posted.load(Ordering::SeqCst);
    // December's prompt to the first pair meets an outage that asks us to wait 40 days.
    chat.fail_next(ChatError::transient(
        "rate limited",
        Some(Duration::from_secs(40 * 86_400)),
    ));
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.retried), (1, 1), "{report:?}");
    // January's occurrence supersedes it: the pair gets January's prompt only, and December's
    // never follows, even once its wait is over.
    t.clock.set(utc(2027, 1, 3, 23, 0));
    assert_eq!(t.app.run_due().await.unwrap().sent, 2);
    t.clock.set(utc(2027, 1, 20, 0, 0));
    assert_eq!(t.app.run_due().await.unwrap(), Default::default());
    assert_eq!(chat.posted.load(Ordering::SeqCst), welcomes + 3);
    let row = sqlx::query(
        "SELECT d.status, d.last_error FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.due_at = $1",
    )
    .bind(utc(2026, 12, 6, 23, 0).0)
    .fetch_all(t.db.store.pool())
    .await
    .unwrap();
    let states: Vec<(String, Option<String>)> = row.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert!(
        states.contains(&(
            "skipped".to_string(),
            Some("superseded by a newer one".to_string())
        )),
        "{states:?}"
    );
}

async fn no_check_in_before_the_program_starts(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Australia/Sydney starts:2027-02-01")
        .await;
    assert_eq!(
        t.mentoring("gina", "pair @m0 @e0").await.outcome,
        Outcome::Done
    );
    let said = t.coordinator("schedules").await;
    assert!(said.contains("next Mon 1 Feb 2027, 10:00 AEDT"), "{said}");
    // The first Mondays of December and January pass with nothing sent and nothing missed.
    for at in [utc(2026, 12, 6, 23, 0), utc(2027, 1, 3, 23, 0)] {
        t.clock.set(at);
        assert_eq!(t.app.run_due().await.unwrap(), Default::default());
    }
    assert_eq!(prompts(&t, 0), 0);
    // Monday 1 February 2027, 10:00 in Sydney: the first day, the first prompt.
    t.clock.set(utc(2027, 1, 31, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.missed), (1, 0), "{report:?}");
    let said = t.coordinator("checkins 0 9 * * MON").await;
    assert!(said.contains("Mon 8 Feb 2027, 09:00 AEDT"), "{said}");
}
