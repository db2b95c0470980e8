//! The program's calendar with the injected clock, on both backends: webinar reminders at every
//! offset, the live post, moves, cancels, downtime across a reminder, recordings and bad input.

use tandem::app::Outcome;
use tandem::store;

use crate::on_both_backends;
use crate::support::{FlakyChat, TestApp, TestDb, utc};

on_both_backends!(
    reminders_go_out_at_every_offset_then_live,
    an_announcement_channel_gets_one_post,
    moving_withdraws_old_reminders_and_tells_the_reminded,
    cancelling_withdraws_everything_and_tells_the_reminded,
    downtime_across_the_start_sends_nothing_late,
    after_downtime_only_the_nearest_reminder_goes,
    recordings_are_shared_and_listed,
    bad_input_changes_nothing,
    calendar_files_parse_back,
    a_series_makes_monthly_sessions_across_dst,
    the_live_post_opens_a_chat_thread_in_the_channel_only,
    a_thread_that_fails_leaves_the_live_post_sent_once,
    calendars_need_the_readers_own_key,
    unpairing_and_forgetting_revoke_the_key,
);

/// `who`'s own calendar key, from the feed link `/webinars` gives them.
async fn key_of(t: &TestApp, who: &str) -> String {
    let said = t
        .type_as(who, tandem::commands::Root::Webinars, "")
        .await
        .message
        .plain_text();
    let at = said.find("/calendar/all.ics?key=").expect(&said);
    said[at + "/calendar/all.ics?key=".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// A Sydney intake with one pair, and a webinar on Wed 9 Dec 2026 at 19:00 Sydney (08:00 UTC).
async fn program_with_webinar(t: &TestApp, channel: bool) {
    let channel = if channel {
        " channel:#announcements"
    } else {
        ""
    };
    t.coordinator(&format!("intake create Y1 tz:Australia/Sydney{channel}"))
        .await;
    let reply = t.mentoring("gina", "pair @m0 @e0").await;
    assert_eq!(reply.outcome, Outcome::Done);
    let said = t
        .coordinator(
            "webinar add \"Finding your voice\" at:\"2026-12-09 19:00\" url:https://meet.example.org/voice speakers:\"Dr Ana Ruiz\"",
        )
        .await;
    assert!(said.contains("Added webinar 1"), "{said}");
    assert!(said.contains("Wed 9 Dec 2026, 19:00 AEDT"), "{said}");
    assert!(said.contains("3 before it"), "{said}");
}

/// What reached `who` by DM, as plain text.
fn dms(t: &TestApp, who: &str) -> Vec<String> {
    t.console
        .history(&format!("DM to {who}"))
        .iter()
        .map(|(_, m)| m.plain_text())
        .collect()
}

async fn reminders_go_out_at_every_offset_then_live(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    // A week before (2 Dec 08:00 UTC), a day before, an hour before; never a minute early.
    for (at, ahead, count) in [
        (utc(2026, 12, 2, 8, 0), "in 7 days", 1),
        (utc(2026, 12, 8, 8, 0), "in 1 day", 2),
        (utc(2026, 12, 9, 7, 0), "in 1 hour", 3),
    ] {
        t.clock.set(tandem::domain::Timestamp(at.0 - 60_000));
        t.app.run_due().await.unwrap();
        assert_eq!(dms(&t, "m0").len(), count - 1, "early at {ahead}");
        t.clock.set(at);
        t.app.run_due().await.unwrap();
        let got = dms(&t, "m0");
        assert_eq!(got.len(), count, "{got:?}");
        let last = got.last().unwrap();
        assert!(last.contains(&format!("Webinar {ahead}")), "{last}");
        assert!(last.contains("Wed 9 Dec 2026, 19:00 AEDT"), "{last}");
        assert!(
            last.contains("Join: https://meet.example.org/voice"),
            "{last}"
        );
        assert!(
            last.contains("Add to calendar: http://127.0.0.1:8080/calendar/webinars/1.ics"),
            "{last}"
        );
        assert_eq!(dms(&t, "e0").len(), count);
    }
    t.clock.set(utc(2026, 12, 9, 8, 0));
    t.app.run_due().await.unwrap();
    let live = dms(&t, "m0").pop().unwrap();
    assert!(
        live.starts_with("*Live now*: *Finding your voice* with Dr Ana Ruiz"),
        "{live}"
    );
    t.clock.set(utc(2026, 12, 10, 8, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 4, "nothing twice");
}

async fn an_announcement_channel_gets_one_post(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, true).await;
    t.clock.set(utc(2026, 12, 2, 8, 0));
    t.app.run_due().await.unwrap();
    let posts = t.console.history("#announcements");
    assert_eq!(posts.len(), 1);
    assert!(posts[0].1.plain_text().contains("Webinar in 7 days"));
    assert!(dms(&t, "m0").is_empty(), "the channel reaches them");
    // Someone who prefers DMs gets their own copy as well.
    let said = t
        .type_as("e0", tandem::commands::Root::Mentoring, "announcements dm")
        .await;
    assert!(said.message.plain_text().contains("by direct message"));
    t.clock.set(utc(2026, 12, 8, 8, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(t.console.history("#announcements").len(), 2);
    assert_eq!(dms(&t, "e0").len(), 1);
    assert!(dms(&t, "m0").is_empty());
}

async fn moving_withdraws_old_reminders_and_tells_the_reminded(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    t.clock.set(utc(2026, 12, 2, 8, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 1);
    // A week later: Wed 16 Dec, 19:00 Sydney.
    let said = t
        .coordinator("webinar move 1 at:\"2026-12-16 19:00\"")
        .await;
    assert!(
        said.contains("Moved webinar 1 to Wed 16 Dec 2026, 19:00 AEDT"),
        "{said}"
    );
    assert!(said.contains("2 already reminded will be told"), "{said}");
    t.app.run_due().await.unwrap();
    let notice = dms(&t, "m0").pop().unwrap();
    assert!(
        notice.contains("*New time*") && notice.contains("Wed 16 Dec 2026, 19:00 AEDT"),
        "{notice}"
    );
    // The old day-before and hour-before never come; the new ones do.
    t.clock.set(utc(2026, 12, 9, 9, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 3, "{:?}", dms(&t, "m0"));
    assert!(dms(&t, "m0")[2].contains("Webinar in 7 days"));
    for at in [
        utc(2026, 12, 15, 8, 0),
        utc(2026, 12, 16, 7, 0),
        utc(2026, 12, 16, 8, 0),
    ] {
        t.clock.set(at);
        t.app.run_due().await.unwrap();
    }
    let got = dms(&t, "m0");
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(got[3].contains("in 1 day") && got[4].contains("in 1 hour"));
    assert!(got[5].contains("Live now"));
}

async fn cancelling_withdraws_everything_and_tells_the_reminded(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    for at in [utc(2026, 12, 2, 8, 0), utc(2026, 12, 8, 8, 0)] {
        t.clock.set(at);
        t.app.run_due().await.unwrap();
    }
    assert_eq!(dms(&t, "m0").len(), 2);
    let said = t.coordinator("webinar cancel 1").await;
    assert!(said.contains("Cancelled webinar 1"), "{said}");
    t.clock.set(utc(2026, 12, 10, 0, 0));
    t.app.run_due().await.unwrap();
    let got = dms(&t, "m0");
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[2].contains("*Cancelled*"), "{}", got[2]);
    let again = t
        .mentoring("gina", "webinar move 1 at:\"2026-12-20 19:00\"")
        .await;
    assert_eq!(again.outcome, Outcome::Refused);
    assert!(t.coordinator("webinar list").await.contains("(cancelled)"));
}

async fn downtime_across_the_start_sends_nothing_late(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    t.clock.set(utc(2026, 12, 2, 8, 0));
    t.app.run_due().await.unwrap();
    // Down from before the day-before reminder until an hour after the start.
    t.clock.set(utc(2026, 12, 9, 9, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 1, "{:?}", dms(&t, "m0"));
    // The day-before and hour-before reminders are recorded as missed, never sent; the live
    // post is too late to say "live" and is skipped.
    assert_eq!(report.missed, 2, "{report:?}");
    assert!(report.skipped >= 1, "{report:?}");
    let skipped = store::deliveries::count_by_status(t.db.store.pool(), "skipped")
        .await
        .unwrap();
    assert!(skipped >= 1, "{skipped}");
}

async fn after_downtime_only_the_nearest_reminder_goes(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    // Down over the week-before reminder (2 Dec) until after the day-before one (8 Dec, 08:00
    // UTC): one reminder each, the nearest (and December's check-in to the pair).
    t.clock.set(utc(2026, 12, 8, 9, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!((report.sent, report.missed), (3, 1), "{report:?}");
    let got = dms(&t, "m0");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("in 1 day"), "{}", got[0]);
    t.clock.set(utc(2026, 12, 9, 7, 0));
    assert_eq!(
        t.app.run_due().await.unwrap().sent,
        2,
        "the hour-before one"
    );
}

async fn recordings_are_shared_and_listed(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    let said = t
        .type_as("m0", tandem::commands::Root::Mentoring, "webinars")
        .await;
    let said = said.message.plain_text();
    assert!(
        said.contains("*Upcoming webinars*") && said.contains("Finding your voice"),
        "{said}"
    );
    t.clock.set(utc(2026, 12, 10, 0, 0));
    t.app.run_due().await.unwrap();
    let before = dms(&t, "e0").len();
    let said = t
        .coordinator("webinar recording 1 https://video.example.org/voice")
        .await;
    assert!(said.contains("Saved the recording of webinar 1"), "{said}");
    t.app.run_due().await.unwrap();
    let got = dms(&t, "e0");
    assert_eq!(got.len(), before + 1);
    assert!(
        got[before].contains("Recording: https://video.example.org/voice"),
        "{}",
        got[before]
    );
    let said = t
        .type_as("e0", tandem::commands::Root::Mentoring, "webinars")
        .await;
    let said = said.message.plain_text();
    assert!(said.contains("No webinars are planned yet."), "{said}");
    assert!(
        said.contains("*Finding your voice* with Dr Ana Ruiz: https://video.example.org/voice"),
        "{said}"
    );
    // January's check-in (first Monday, 10:00 Sydney) suggests it.
    t.clock.set(utc(2027, 1, 3, 23, 0));
    t.app.run_due().await.unwrap();
    let prompt = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .1
        .plain_text();
    assert!(prompt.contains("January 2027 check-in"), "{prompt}");
    assert!(
        prompt.contains(
            "The recording is a good conversation starter: https://video.example.org/voice"
        ),
        "{prompt}"
    );
}

async fn bad_input_changes_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Australia/Sydney").await;
    for (typed, expect) in [
        ("webinar add Past at:\"2026-11-01 19:00\"", "already passed"),
        (
            "webinar add Zone at:\"2026-12-09 19:00\" tz:Mars/Olympus",
            "isn't a time zone",
        ),
        (
            "webinar add Link at:\"2026-12-09 19:00\" url:meet.example.org",
            "isn't a web link",
        ),
        ("webinar add When at:\"9 Dec 7pm\"", "isn't a date and time"),
        (
            "webinar add Gap at:\"2027-10-03 02:30\"",
            "the clocks skip it",
        ),
        (
            "webinar add Who at:\"2026-12-09 19:00\" intake:Nope",
            "no intake called",
        ),
        ("webinar cancel 7", "no webinar number"),
        (
            "webinar move x at:\"2026-12-09 19:00\"",
            "no webinar number",
        ),
        (
            "webinar recording 7 https://video.example.org",
            "no webinar number",
        ),
    ] {
        let reply = t.mentoring("gina", typed).await;
        let said = reply.message.plain_text();
        assert_eq!(reply.outcome, Outcome::Refused, "{typed}: {said}");
        assert!(said.contains(expect), "{typed}: {said}");
    }
    let member = t
        .mentoring("someone", "webinar add X at:\"2026-12-09 19:00\"")
        .await;
    assert_eq!(member.outcome, Outcome::Refused);
    assert!(
        store::webinars::list(t.db.store.pool())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        t.coordinator("webinar list")
            .await
            .contains("no webinars yet")
    );
}

async fn calendar_files_parse_back(db: TestDb) {
    use icalendar::{Calendar, Component, EventStatus};
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    t.coordinator("webinar add \"Second talk\" at:\"2027-01-13 19:00\" intake:all")
        .await;
    t.coordinator("webinar cancel 2").await;
    let key = key_of(&t, "m0").await;
    let (status, body) = t.get(&format!("/calendar/webinars/1.ics?key={key}")).await;
    assert_eq!(status, 200, "{body}");
    let calendar: Calendar = body.parse().unwrap();
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(event.get_summary(), Some("Finding your voice"));
    assert_eq!(event.property_value("DTSTART"), Some("20261209T080000Z"));
    assert_eq!(event.property_value("DTEND"), Some("20261209T090000Z"));
    assert_eq!(event.get_url(), Some("https://meet.example.org/voice"));
    assert!(event.get_description().unwrap().contains("Dr Ana Ruiz"));
    // The intake's feed has both, the cancelled one marked so subscribers drop it.
    let (status, body) = t.get(&format!("/calendar/Y1.ics?key={key}")).await;
    assert_eq!(status, 200);
    let feed: Calendar = body.parse().unwrap();
    let statuses: Vec<_> = feed.events().map(|e| e.get_status()).collect();
    assert_eq!(
        statuses,
        [Some(EventStatus::Confirmed), Some(EventStatus::Cancelled)]
    );
    // `tandem calendar export` writes the same feed.
    assert_eq!(t.app.program_ics(Some("Y1")).await.unwrap().unwrap(), body);
    assert_eq!(
        t.get(&format!("/calendar/webinars/9.ics?key={key}"))
            .await
            .0,
        404
    );
    assert_eq!(t.get(&format!("/calendar/Nope.ics?key={key}")).await.0, 404);
    assert_eq!(t.get(&format!("/calendar/all.ics?key={key}")).await.0, 200);
}

/// Join links often hold passcodes: no calendar answers without its reader's key, and a key
/// reaches only what its holder is invited to.
async fn calendars_need_the_readers_own_key(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    t.coordinator("intake create Y2 tz:UTC").await;
    t.coordinator("webinar add \"Y2 only\" at:\"2027-01-13 19:00\" intake:Y2 url:https://meet.example.org/y2?pwd=SECRET")
        .await;
    for path in [
        "/calendar/all.ics",
        "/calendar/all.ics?key=",
        "/calendar/all.ics?key=guess",
        "/calendar/Y1.ics",
        "/calendar/webinars/1.ics",
        "/calendar/webinars/1.ics?key=guess",
    ] {
        let (status, body) = t.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("meet.example.org"), "{path}: {body}");
    }
    // The reminder a person gets by DM carries their own link, which works.
    t.clock.set(utc(2026, 12, 2, 8, 0));
    t.app.run_due().await.unwrap();
    let reminder = dms(&t, "m0").pop().unwrap();
    let key = key_of(&t, "m0").await;
    let link = format!("http://127.0.0.1:8080/calendar/webinars/1.ics?key={key}");
    assert!(
        reminder.contains(&format!("Add to calendar: {link}")),
        "{reminder}"
    );
    assert_eq!(t.get(&link["http://127.0.0.1:8080".len()..]).await.0, 200);
    assert_ne!(key, key_of(&t, "e0").await, "a key per person");
    // m0 (in Y1) sees Y1's sessions, never Y2's passcode.
    let (status, all) = t.get(&format!("/calendar/all.ics?key={key}")).await;
    assert_eq!(status, 200);
    assert!(
        all.contains("Finding your voice") && !all.contains("SECRET"),
        "{all}"
    );
    assert_eq!(t.get(&format!("/calendar/Y2.ics?key={key}")).await.0, 404);
    assert_eq!(
        t.get(&format!("/calendar/webinars/2.ics?key={key}"))
            .await
            .0,
        404
    );
    // A coordinator's key reaches every session.
    let boss = key_of(&t, "gina").await;
    let (status, all) = t.get(&format!("/calendar/all.ics?key={boss}")).await;
    assert_eq!(status, 200);
    assert!(all.contains("SECRET"), "{all}");
}

async fn unpairing_and_forgetting_revoke_the_key(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, false).await;
    let (mentor, mentee) = (key_of(&t, "m0").await, key_of(&t, "e0").await);
    let feed = |key: &str| format!("/calendar/all.ics?key={key}");
    assert_eq!(t.get(&feed(&mentor)).await.0, 200);
    let said = t.coordinator("unpair @m0 intake:Y1").await;
    assert!(said.contains("Ended the pair"), "{said}");
    assert_eq!(
        t.get(&feed(&mentor)).await.0,
        404,
        "unpaired: the old key is revoked"
    );
    assert_eq!(t.get(&feed(&mentee)).await.0, 404, "both members");
    let renewed = key_of(&t, "m0").await;
    assert_ne!(renewed, mentor, "a new link means a new key");
    assert_eq!(t.get(&feed(&renewed)).await.0, 200);
    // Forgotten: the key goes with the rest of them.
    let asked = t.mentoring("m0", "forget @m0").await;
    let confirm = asked
        .message
        .buttons
        .first()
        .expect("a confirm button")
        .clone();
    t.press("m0", &confirm).await;
    assert_eq!(t.get(&feed(&renewed)).await.0, 404, "forgotten");
}

async fn a_series_makes_monthly_sessions_across_dst(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Australia/Sydney ends:2027-06-30")
        .await;
    let said = t
        .coordinator("webinar series \"Career conversations\" cron:\"0 19 1-7 * WED\"")
        .await;
    // December to June: 7 first Wednesdays, before the intake ends.
    assert!(
        said.contains("Added 7 sessions of *Career conversations*, numbers 1 to 7"),
        "{said}"
    );
    assert!(
        said.contains("from Wed 2 Dec 2026, 19:00 AEDT to Wed 2 Jun 2027, 19:00 AEST"),
        "{said}"
    );
    let said = t
        .coordinator("webinar topic 2 \"Negotiating pay\" speakers:\"Mei Chen\"")
        .await;
    assert!(
        said.contains("*Career conversations: Negotiating pay* with Mei Chen"),
        "{said}"
    );
    let again = t
        .coordinator("webinar topic 2 \"Asking for feedback\"")
        .await;
    assert!(
        again.contains("*Career conversations: Asking for feedback* with Mei Chen"),
        "{again}"
    );
    let bad = t
        .mentoring("gina", "webinar series X cron:\"0 25 * * *\"")
        .await;
    assert_eq!(bad.outcome, Outcome::Refused);
}

async fn the_live_post_opens_a_chat_thread_in_the_channel_only(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_webinar(&t, true).await;
    // e0 prefers DMs: the live post reaches them alone, with no thread to point to.
    t.type_as("e0", tandem::commands::Root::Mentoring, "announcements dm")
        .await;
    t.clock.set(utc(2026, 12, 9, 8, 0));
    t.app.run_due().await.unwrap();
    let posts = t.console.history("#announcements");
    assert_eq!(posts.len(), 1);
    let live = posts[0].1.plain_text();
    assert!(
        live.contains("live chat thread under this message"),
        "{live}"
    );
    let place = tandem::adapters::console::thread_place("announcements", &posts[0].0.to_string());
    let thread = t.console.history(&place);
    assert_eq!(thread.len(), 1, "one thread, under the live post");
    let opening = thread[0].1.plain_text();
    assert!(
        opening.starts_with("Live chat for *Finding your voice* with Dr Ana Ruiz"),
        "{opening}"
    );
    let dm = dms(&t, "e0");
    assert_eq!(dm.len(), 1);
    assert!(
        dm[0].contains("Live now") && !dm[0].contains("thread"),
        "{}",
        dm[0]
    );
    assert!(dm[0].contains("Join from the link below"), "{}", dm[0]);
    t.app.run_due().await.unwrap();
    assert_eq!(t.console.history(&place).len(), 1, "nothing twice");
}

async fn a_thread_that_fails_leaves_the_live_post_sent_once(db: TestDb) {
    let chat = FlakyChat::new();
    let t = TestApp::with_chat(db, Some(chat.clone())).await;
    program_with_webinar(&t, true).await;
    chat.threads_down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    t.clock.set(utc(2026, 12, 9, 8, 0));
    let report = t.app.run_due().await.unwrap();
    assert_eq!(
        (report.retried, report.failed),
        (0, 0),
        "the post counts as sent"
    );
    // The platform comes back: the post is not repeated to get its thread.
    chat.threads_down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    for minutes in [1, 10, 60] {
        t.clock.set(tandem::domain::Timestamp(
            utc(2026, 12, 9, 8, 0).0 + minutes * 60_000,
        ));
        t.app.run_due().await.unwrap();
    }
    let posts = chat.console.history("#announcements");
    assert_eq!(posts.len(), 1, "posted once");
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id \
         WHERE j.kind = 'webinar_live' AND d.status = 'sent'",
    )
    .fetch_one(t.app.store.pool())
    .await
    .unwrap();
    assert_eq!(live, 1, "recorded as sent");
}
