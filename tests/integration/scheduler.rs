//! The scheduler and the monthly check-in, with the injected clock, on both backends.

use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use tandem::app::scheduler::LEASE;
use tandem::app::{App, Outcome, Settings};
use tandem::chat::{Chat, ChatError, Chats};
use tandem::commands::Root;
use tandem::domain::Timestamp;
use tandem::store;

use crate::on_both_backends;
use crate::support::{FlakyChat, TestApp, TestDb, utc};

on_both_backends!(
    schedules_are_set_shown_and_switched_off,
    each_pair_gets_one_prompt_on_time,
    paused_and_ended_pairs_get_nothing,
    transient_failures_wait_and_permanent_ones_are_reported,
    downtime_sends_late_within_grace_and_records_older_as_missed,
    a_skipped_local_time_still_gets_its_check_in,
    answers_by_button_and_by_keyboard,
    quiet_pairs_come_first_in_status,
    status_names_features_switched_off,
    racing_workers_never_send_twice,
    a_second_instance_finishes_what_a_stopped_one_started,
    a_restarted_instance_takes_its_own_deliveries_back_at_once,
    crashes_do_not_use_up_a_deliverys_retries,
    deliveries_tried_before_go_before_fresh_ones,
    a_slow_batch_does_not_hold_up_a_resend,
    each_workers_post_under_way_counts_as_tried,
    a_slow_batch_keeps_its_leases,
    a_button_answers_its_own_prompts_month_only,
);

/// A check-in button answers the month of the prompt it is on, stored with the prompt's delivery;
/// a value naming another month (forged, or from another pair) changes nothing.
async fn a_button_answers_its_own_prompts_month_only(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    t.app.run_due().await.unwrap();
    let prompt = |i: usize| {
        t.console
            .history(&format!("#mentoring-m{i}-e{i}"))
            .last()
            .unwrap()
            .1
            .clone()
    };
    let met = prompt(0).buttons[0].clone();
    let pair = met.value.split(':').next().unwrap().to_string();
    let answer_for = |month: &'static str| {
        let pair = pair.clone();
        let db = t.db.store.pool().clone();
        async move { store::checkins::find(&db, &pair, month).await.unwrap() }
    };
    // A value that names a month (or another pair's prompt) instead of this pair's prompt.
    let other = prompt(1).buttons[0]
        .value
        .split(':')
        .nth(1)
        .unwrap()
        .to_string();
    for value in [
        format!("{pair}:2026-11"),
        format!("{pair}:2026-10"),
        format!("{pair}:{other}"),
        format!("{pair}:"),
    ] {
        let mut forged = met.clone();
        forged.value = value.clone();
        let reply = t.press("e0", &forged).await;
        assert_ne!(reply.outcome, Outcome::Done, "{value}");
    }
    assert!(
        answer_for("2026-11").await.is_none(),
        "no month from a forged value"
    );
    assert!(answer_for("2026-10").await.is_none());
    assert!(answer_for("2026-12").await.is_none());
    // The genuine button still answers its prompt's month, even pressed after the month ends.
    t.clock.set(utc(2027, 1, 1, 1, 0));
    let reply = t.press("e0", &met).await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
    assert!(reply.message.plain_text().contains("December 2026"));
    assert!(answer_for("2026-12").await.is_some());
    assert!(answer_for("2027-01").await.is_none());
}

const DAY: Duration = Duration::from_secs(86_400);

/// An intake in Sydney with `pairs` pairs (`m0`→`e0`, …) on the test's console.
pub async fn program(t: &TestApp, pairs: usize) {
    t.coordinator("intake create Y1 tz:Australia/Sydney").await;
    for i in 0..pairs {
        let reply = t.mentoring("gina", &format!("pair @m{i} @e{i}")).await;
        assert_eq!(
            reply.outcome,
            Outcome::Done,
            "{}",
            reply.message.plain_text()
        );
    }
}

/// Prompts that landed in a pair's channel (the welcome is not one).
/// Check-in prompts posted in pair `i`'s channel, open or closed by a newer one.
pub fn prompts(t: &TestApp, i: usize) -> usize {
    t.console
        .history(&format!("#mentoring-m{i}-e{i}"))
        .iter()
        .filter(|(_, m)| {
            let text = m.plain_text();
            text.contains(" check-in") && (!m.buttons.is_empty() || text.contains("(closed)"))
        })
        .count()
}

/// Prompts in pair `i`'s channel that can still be answered with a button.
pub fn open_prompts(t: &TestApp, i: usize) -> usize {
    t.console
        .history(&format!("#mentoring-m{i}-e{i}"))
        .iter()
        .filter(|(_, m)| !m.buttons.is_empty())
        .count()
}

async fn schedules_are_set_shown_and_switched_off(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Australia/Sydney").await;
    let said = t.coordinator("schedules").await;
    assert!(said.contains("checkin for *Y1*: `0 10 1-7 * MON` in Australia/Sydney, next Mon 7 Dec 2026, 10:00 AEDT"), "{said}");
    // Crontab numbers: 1 is Monday, 0 and 7 are Sunday. No quotes needed.
    let said = t.coordinator("checkins 0 9 * * 1 intake:Y1").await;
    assert!(
        said.contains("now follow `0 9 * * 1` in Australia/Sydney"),
        "{said}"
    );
    assert!(said.contains("Mon 30 Nov 2026, 09:00 AEDT\n• Mon 7 Dec 2026, 09:00 AEDT\n• Mon 14 Dec 2026, 09:00 AEDT"), "{said}");
    let said = t.coordinator("checkins 0 18 * * 7 tz:Asia/Hong_Kong").await;
    assert!(said.contains("Sun 29 Nov 2026, 18:00 HKT"), "{said}");
    let bad = t.mentoring("gina", "checkins 0 25 * * *").await;
    assert_eq!(bad.outcome, Outcome::Refused);
    assert!(
        bad.message
            .plain_text()
            .contains("isn't a schedule I can use"),
        "{}",
        bad.message.plain_text()
    );
    assert!(
        t.coordinator("schedules")
            .await
            .contains("`0 18 * * 7` in Asia/Hong_Kong"),
        "a refused change keeps the old"
    );
    assert!(t.coordinator("checkins off").await.contains("are off"));
    assert!(t.coordinator("schedules").await.contains(", off"));
}

async fn each_pair_gets_one_prompt_on_time(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 3).await;
    // First Monday of December, 10:00 in Sydney, is 6 Dec 23:00 UTC.
    t.clock.set(utc(2026, 12, 6, 22, 59));
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.jobs, report.sent), (1, 3));
    t.clock.advance(Duration::from_secs(3600));
    assert_eq!(
        t.app.run_due().await.unwrap(),
        Default::default(),
        "nothing twice"
    );
    for i in 0..3 {
        assert_eq!(prompts(&t, i), 1);
    }
    let prompt = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .1
        .clone();
    assert!(
        prompt
            .plain_text()
            .starts_with("*December 2026 check-in*: hi @m0 and @e0!"),
        "{}",
        prompt.plain_text()
    );
    let labels: Vec<_> = prompt.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["We met", "Not yet", "We'd like help"]);
    let row = sqlx::query(
        "SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND message_id IS NOT NULL",
    )
    .fetch_one(t.db.store.pool())
    .await
    .unwrap();
    assert_eq!(
        row.get::<i64, _>(0),
        3,
        "the platform's message ids are recorded"
    );
}

async fn paused_and_ended_pairs_get_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 4).await;
    t.mentoring("m0", "pause").await;
    t.mentoring("e0", "pause").await; // pair 0: both paused
    t.mentoring("m1", "pause").await; // pair 1: one paused, still prompted
    t.coordinator("unpair @m2").await; // pair 2: ended
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.skipped), (2, 1));
    assert_eq!(
        [
            prompts(&t, 0),
            prompts(&t, 1),
            prompts(&t, 2),
            prompts(&t, 3)
        ],
        [0, 1, 0, 1]
    );
}

async fn transient_failures_wait_and_permanent_ones_are_reported(db: TestDb) {
    let chat = FlakyChat::new();
    let t = TestApp::with_chat(db, Some(chat.clone())).await;
    program(&t, 2).await;
    chat.fail_next(ChatError::transient(
        "rate limited",
        Some(Duration::from_secs(120)),
    ));
    chat.fail_next(ChatError::permanent("is_archived"));
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (0, 1, 1));
    // Our own backoff is 30 s, but the platform asked for 120 s.
    t.clock.advance(Duration::from_secs(60));
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    t.clock.advance(Duration::from_secs(61));
    assert_eq!(t.app.run_due().await.unwrap().sent, 1);
    t.clock.advance(DAY);
    assert_eq!(
        t.app.run_due().await.unwrap(),
        Default::default(),
        "a permanent failure is not retried"
    );
    let said = t.coordinator("status").await;
    assert!(
        said.contains("Prompts that could not be delivered:"),
        "{said}"
    );
    assert!(said.contains(" & e"), "{said}");
    assert!(
        said.contains(" (Mon 7 Dec 2026, 10:00 AEDT): platform refused: is_archived"),
        "{said}"
    );
}

async fn downtime_sends_late_within_grace_and_records_older_as_missed(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    // Down over the December check-in, back two days later: sent once, late.
    t.clock.set(utc(2026, 12, 8, 23, 0));
    assert_eq!(t.app.run_due().await.unwrap().sent, 2);
    // Down over January's (Mon 4 Jan, 10:00 AEDT) for five days: recorded as missed.
    t.clock.set(utc(2027, 1, 8, 23, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.missed, report.sent), (1, 0));
    assert_eq!(prompts(&t, 0), 1);
    let said = t.coordinator("status").await;
    assert!(said.contains("1 scheduled check-in was missed"), "{said}");
}

async fn a_skipped_local_time_still_gets_its_check_in(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 1).await;
    // 02:30 on Sunday 3 October 2027 does not exist in Sydney (02:00 → 03:00).
    let said = t.coordinator("checkins 30 2 1-7 10 SUN").await;
    assert!(said.contains("Sun 3 Oct 2027, 03:00 AEDT"), "{said}");
    t.clock.set(utc(2027, 10, 2, 12, 0));
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    t.clock.set(utc(2027, 10, 2, 16, 0)); // 03:00 AEDT
    let report = t.app.run_due().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    // 02:30 on Sunday 2 April 2028 happens twice in Sydney: one prompt.
    t.coordinator("checkins 30 2 1-7 4 SUN").await;
    t.clock.set(utc(2028, 4, 1, 15, 0));
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    t.clock.set(utc(2028, 4, 1, 15, 45)); // the first 02:30 (AEDT)
    assert_eq!(t.app.run_due().await.unwrap().sent, 1);
    t.clock.set(utc(2028, 4, 1, 17, 0)); // past the second 02:30 (AEST)
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    assert_eq!(prompts(&t, 0), 2);
}

async fn answers_by_button_and_by_keyboard(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    t.coordinator("coordinator add @mere").await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    t.app.run_due().await.unwrap();
    let (number, prompt) = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .clone();
    let met = prompt.buttons[0].clone();
    let stranger = t.press("e1", &met).await;
    assert!(
        stranger
            .message
            .plain_text()
            .starts_with("That button belongs to someone else")
    );
    let reply = t.press("e0", &met).await;
    assert_eq!(reply.outcome, Outcome::Done);
    assert!(
        reply
            .message
            .plain_text()
            .starts_with("Thanks! Recorded that you met in December 2026")
    );
    let updated = reply.replaces.expect("the prompt is updated").plain_text();
    assert!(updated.contains("Answered by e0: *We met*"), "{updated}");
    let row = store::checkins::find(
        t.db.store.pool(),
        prompt.buttons[0].value.split(':').next().unwrap(),
        "2026-12",
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(row.answer, tandem::domain::checkin::Answer::Met);
    // From the keyboard, with a note: the posted prompt is updated and coordinators alerted.
    let typed = t
        .type_as(
            "m1",
            Root::Checkin,
            "help note:\"<!channel> we can't find a time\"",
        )
        .await;
    assert_eq!(
        typed.outcome,
        Outcome::Done,
        "{}",
        typed.message.plain_text()
    );
    let report = t.app.run_due().await.unwrap();
    assert_eq!(report.sent, 2, "one alert per coordinator");
    let alert = t
        .console
        .take_landed()
        .into_iter()
        .rfind(|l| l.place == "DM to mere")
        .unwrap();
    assert!(
        alert
            .message
            .plain_text()
            .contains("m1 & e1 in *Y1* answered the December 2026 check-in")
    );
    assert!(
        alert
            .message
            .plain_text()
            .contains("Their note: <!channel> we can't find a time")
    );
    let last = t
        .console
        .history("#mentoring-m1-e1")
        .last()
        .unwrap()
        .1
        .plain_text();
    assert!(last.contains("Answered by m1: *We'd like help*"), "{last}");
    // Asking again the same month alerts nobody twice.
    t.type_as("m1", Root::Checkin, "help").await;
    assert_eq!(t.app.run_due().await.unwrap().sent, 0);
    assert_eq!(
        t.type_as("stranger", Root::Checkin, "met").await.outcome,
        Outcome::Refused
    );
    assert_eq!(
        t.type_as("m1", Root::Checkin, "maybe").await.outcome,
        Outcome::Refused
    );
    let _ = number;
}

async fn quiet_pairs_come_first_in_status(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    for month in [(2026, 12, 6), (2027, 1, 3), (2027, 1, 31)] {
        t.clock.set(utc(month.0, month.1, month.2, 23, 30));
        t.app.run_due().await.unwrap();
        t.type_as("m1", Root::Checkin, "met").await;
    }
    let said = t.coordinator("status").await;
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[1], "1 pair has been quiet for two months or more:",
        "{said}"
    );
    assert!(
        lines[2].starts_with("• m0 & e0: no answer yet (quiet 3 months)"),
        "{said}"
    );
    assert!(
        lines[3].starts_with("• m1 & e1: We met in February 2027"),
        "{said}"
    );
}

/// A second app on the same database: another `tandem run` process.
pub fn instance(t: &TestApp, chat: Arc<dyn Chat>) -> App {
    App::new(
        t.db.store.clone(),
        t.clock.clone(),
        Chats::new().with(chat),
        Settings::default(),
    )
}

async fn racing_workers_never_send_twice(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 30).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let (a, b) = (FlakyChat::new(), FlakyChat::new());
    let (one, two) = (instance(&t, a.clone()), instance(&t, b.clone()));
    let (ra, rb) = tokio::join!(one.run_due_with(3), two.run_due_with(3));
    let sent = ra.unwrap().sent + rb.unwrap().sent;
    assert_eq!(sent, 30);
    let posted = a.posted.load(std::sync::atomic::Ordering::SeqCst)
        + b.posted.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(posted, 30, "every pair once, across both instances");
}

async fn a_second_instance_finishes_what_a_stopped_one_started(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 12).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let stopping = FlakyChat::new();
    stop_after_five(instance(&t, stopping.clone()), &stopping).await;
    let second_chat = FlakyChat::new();
    let second = instance(&t, second_chat.clone());
    assert_eq!(
        second.run_due().await.unwrap().sent,
        0,
        "leases are respected while they last"
    );
    t.clock
        .set(Timestamp(t.clock_now().0 + LEASE.as_millis() as i64));
    assert_eq!(
        second.run_due().await.unwrap().sent,
        7,
        "the rest, once the leases run out"
    );
    assert_eq!(second.run_due().await.unwrap(), Default::default());
    let total = stopping.posted.load(std::sync::atomic::Ordering::SeqCst)
        + second_chat.posted.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(total, 12, "nothing lost, nothing repeated");
}

/// An instance with a stable identity (`TANDEM_INSTANCE_ID`) that stops mid-batch and starts
/// again sends what it was sending at once, not after its leases run out (so a Discord resend
/// keeps inside the nonce window); another instance's leases are left alone.
async fn a_restarted_instance_takes_its_own_deliveries_back_at_once(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 12).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let stopping = FlakyChat::new();
    stop_after_five(named_instance(&t, stopping.clone(), "host-a"), &stopping).await;
    // Another instance starting takes nothing of host-a's.
    let other_chat = FlakyChat::new();
    let other = named_instance(&t, other_chat.clone(), "host-b");
    assert_eq!(other.take_back_own_deliveries().await.unwrap(), 0);
    assert_eq!(
        other.run_due().await.unwrap().sent,
        0,
        "host-a's leases hold"
    );
    // host-a comes back under its own name: the seven it had not finished go now.
    let again_chat = FlakyChat::new();
    let again = named_instance(&t, again_chat.clone(), "host-a");
    assert_eq!(again.take_back_own_deliveries().await.unwrap(), 7);
    assert_eq!(
        again.run_due().await.unwrap().sent,
        7,
        "at once, no lease to wait out"
    );
    assert_eq!(other.run_due().await.unwrap(), Default::default());
    let total = stopping.posted.load(std::sync::atomic::Ordering::SeqCst)
        + again_chat.posted.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(total, 12, "nothing lost, nothing repeated");
}

/// Found by the chaos run (docs/reliability.md): a delivery sent back after a lost answer, or
/// taken back after a crash, waited behind every fresh delivery due before it (the claim went by
/// `not_before`), and on Discord it was posted again minutes later, past the nonce window. Those
/// tried before now go first.
async fn deliveries_tried_before_go_before_fresh_ones(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 60).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let crashing = FlakyChat::new();
    // The first post's answer is lost (it may have been made); five more go; the seventh is
    // under way when the instance dies, with 43 more of its batch of 50 leased.
    crashing.fail_next(ChatError::transient("HTTP 502", None));
    let app = named_instance(&t, crashing.clone(), "host-a");
    stop_after(app, &crashing, 5).await;
    let before = crashing.attempted.lock().unwrap().clone();
    assert_eq!(before.len(), 7);
    t.clock.advance(Duration::from_secs(30));
    let chat = FlakyChat::new();
    let app = named_instance(&t, chat.clone(), "host-a");
    assert_eq!(app.take_back_own_deliveries().await.unwrap(), 44);
    // Of the 44 taken back only the one under way was tried: the other 43 do not pass for tried
    // before (after many crashes they would crowd out the ones that may have been posted).
    assert_eq!(
        pending_tried_before(&t).await,
        2,
        "the one whose answer was lost and the one under way"
    );
    assert_eq!(app.run_due().await.unwrap().sent, 55);
    let after = chat.attempted.lock().unwrap().clone();
    let mut first_two = after[..2].to_vec();
    first_two.sort();
    let mut maybe_posted = vec![before[0].clone(), before[6].clone()];
    maybe_posted.sort();
    assert_eq!(
        first_two, maybe_posted,
        "the two that may have been posted go first, not after 50 fresh ones"
    );
}

/// Found by the chaos run (docs/reliability.md): a delivery whose answer was lost came back
/// after its back-off but waited until the rest of a batch slowed by the platform had gone, and on
/// Discord it was posted again 210 s after the first time, past the nonce window. A batch now
/// gives back what it has not tried after its turn (20 s), and the next claim takes it first.
async fn a_slow_batch_does_not_hold_up_a_resend(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 30).await;
    let start = utc(2026, 12, 6, 23, 0);
    t.clock.set(start);
    let chat = FlakyChat::new();
    // Each post takes 5 s; the first one's answer is lost (it may have been made).
    *chat.slow_posts.lock().unwrap() = Some((t.clock.clone(), Duration::from_secs(5)));
    chat.fail_next(ChatError::transient("HTTP 502", None));
    let app = instance(&t, chat.clone());
    let report = app.run_due().await.unwrap();
    assert_eq!(
        (report.sent, report.retried),
        (30, 1),
        "all sent in one pass"
    );
    let attempted = chat.attempted.lock().unwrap().clone();
    let first = attempted[0].clone();
    let again = attempted[1..].iter().position(|c| *c == first);
    // Without giving back it would come after all 29 others (145 s); with it, at the first turn
    // after its 30 s back-off.
    assert!(
        again.is_some_and(|i| i < 12),
        "sent again soon after its back-off, not behind the whole batch: {again:?} of {}",
        attempted.len()
    );
    assert!(t.clock_now().0 - start.0 < 30 * 6 * 1000);
}

/// Found by the chaos run: the workers of one instance start together, and their claims ended
/// their leases at the same millisecond, so a restart took two batches for one and kept only one
/// of the posts under way as tried; the other was then sent without Slack's lookup, twice.
async fn each_workers_post_under_way_counts_as_tried(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 120).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let chat = FlakyChat::new();
    *chat.hang_after.lock().unwrap() = Some(0);
    let app = named_instance(&t, chat.clone(), "host-a");
    let running = {
        let app = app.clone();
        tokio::spawn(async move { app.run_due_with(2).await })
    };
    while chat.attempted.lock().unwrap().len() < 2 {
        tokio::task::yield_now().await;
    }
    running.abort();
    let _ = running.await;
    let again = named_instance(&t, FlakyChat::new(), "host-a");
    assert_eq!(again.take_back_own_deliveries().await.unwrap(), 100);
    assert_eq!(
        pending_tried_before(&t).await,
        2,
        "both posts under way, one per worker"
    );
}

/// Found by the chaos run (docs/reliability.md): each claim counted as an attempt, so deliveries an
/// instance had taken when it was killed, restart after restart, reached the 8-attempt limit
/// without ever failing, and the next transient error failed them for good (lost), after a
/// back-off of an hour. Only failures count: claims cut short by crashes are not held against a
/// delivery.
async fn crashes_do_not_use_up_a_deliverys_retries(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 2).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    for _ in 0..8 {
        let crashing = FlakyChat::new();
        let app = named_instance(&t, crashing.clone(), "host-a");
        app.take_back_own_deliveries().await.unwrap();
        stop_after(app, &crashing, 0).await;
    }
    let chat = FlakyChat::new();
    chat.fail_next(ChatError::transient("internal_error", None));
    let app = named_instance(&t, chat.clone(), "host-a");
    assert_eq!(app.take_back_own_deliveries().await.unwrap(), 2);
    let report = app.run_due().await.unwrap();
    assert_eq!(
        (report.sent, report.retried, report.failed),
        (1, 1, 0),
        "its first failure is retried"
    );
    t.clock.advance(Duration::from_secs(30));
    assert_eq!(
        app.run_due().await.unwrap().sent,
        1,
        "after the first back-off (30 s), not the eighth"
    );
}

/// Runs a pass of `first` (posting through `chat`) and stops it between two deliveries, as a
/// crash would: five sent and recorded, the sixth under way, the rest leased.
async fn stop_after_five(first: App, chat: &FlakyChat) {
    stop_after(first, chat, 5).await;
}

/// Runs a pass of `first` and stops it after `sent` posts, the next one under way.
async fn stop_after(first: App, chat: &FlakyChat, sent: usize) {
    *chat.hang_after.lock().unwrap() = Some(sent);
    let running = tokio::spawn(async move { first.run_due().await });
    while !chat.hanging.load(std::sync::atomic::Ordering::SeqCst) {
        tokio::task::yield_now().await;
    }
    running.abort();
    let _ = running.await;
}

fn named_instance(t: &TestApp, chat: Arc<dyn Chat>, name: &str) -> App {
    let settings = Settings {
        worker: name.to_string(),
        ..Settings::default()
    };
    App::new(
        t.db.store.clone(),
        t.clock.clone(),
        Chats::new().with(chat),
        settings,
    )
}

/// A platform that keeps one instance waiting two minutes a post: its sending outlasts the first
/// lease (each batch gives back what it has not tried after its turn and claims again), and a
/// second instance running its scheduler during every post must not take over what the first is
/// about to send.
async fn a_slow_batch_keeps_its_leases(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t, 12).await;
    t.clock.set(utc(2026, 12, 6, 23, 0));
    let slow = FlakyChat::new();
    *slow.slow_posts.lock().unwrap() = Some((t.clock.clone(), Duration::from_secs(120)));
    let rival_chat = FlakyChat::new();
    let (one, rival) = (instance(&t, slow.clone()), instance(&t, rival_chat.clone()));
    *slow.meanwhile.lock().unwrap() = Some(rival);
    let first = one.run_due().await;
    assert_eq!(
        first.unwrap().sent,
        12,
        "the slow instance sends its whole batch"
    );
    assert!(
        t.clock_now().0 - utc(2026, 12, 6, 23, 0).0 > 2 * LEASE.as_millis() as i64,
        "the batch outlasted its first lease"
    );
    assert_eq!(
        rival_chat.posted.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing taken over"
    );
    assert_eq!(slow.posted.load(std::sync::atomic::Ordering::SeqCst), 12);
}

/// Pending deliveries that count as tried before (claimed at least once and not given back).
async fn pending_tried_before(t: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND attempts > 0")
        .fetch_one(t.db.store.pool())
        .await
        .unwrap()
        .get(0)
}

impl TestApp {
    fn clock_now(&self) -> Timestamp {
        use tandem::clock::Clock;
        self.clock.now()
    }
}

/// A feature switched off at start for lack of a scope is named in `/mentoring status`.
async fn status_names_features_switched_off(db: TestDb) {
    let mut t = TestApp::new(db).await;
    program(&t, 1).await;
    let said = t.coordinator("status").await;
    assert!(!said.contains("Switched off"), "{said}");
    t.app.settings.switched_off = vec![tandem::messages::slack_posts_unverified(
        "channels:history, groups:history, im:history",
    )];
    let said = t.coordinator("status").await;
    assert!(
        said.contains("Switched off for lack of a permission: Slack posts are not verified"),
        "{said}"
    );
}
