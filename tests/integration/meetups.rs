//! Meetups with the injected clock, on both backends: invitations to locals, RSVP changes,
//! counts, the day-before reminder to those going, moves and cancels; announcements; program resources.

use tandem::app::{Caller, Input, Invocation, Outcome};
use tandem::chat::Message;
use tandem::domain::{Identity, Platform};

use crate::on_both_backends;
use crate::support::{TestApp, TestDb, utc};

on_both_backends!(
    locals_rsvp_and_those_going_are_reminded,
    a_profile_sets_city_and_zone_and_late_locals_are_invited_once,
    moving_and_cancelling_tell_the_invited,
    announcements_now_later_and_by_role,
    resources_are_listed_welcomed_and_suggested_in_turn,
    only_the_invited_can_answer_a_meetup,
);

/// A button forwarded (or forged) to someone the invitation never went to records nothing.
async fn only_the_invited_can_answer_a_meetup(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_meetup(&t).await;
    let invite = dms(&t, "m0").pop().unwrap();
    let going = invite.buttons.iter().find(|b| b.label == "Going").unwrap();
    let reply = t.press("m1", going).await;
    assert_ne!(reply.outcome, Outcome::Done);
    let said = reply.message.plain_text();
    assert!(
        said.contains("Only the people invited to meetup 1") && said.contains("profile city:"),
        "{said}"
    );
    assert_ne!(t.press("newcomer", going).await.outcome, Outcome::Done);
    let list = t.coordinator("meetup list").await;
    assert!(list.contains("0 going, 0 maybe, 0 can't go"), "{list}");
    press(&t, "m0", &invite, "Going").await;
    let list = t.coordinator("meetup list").await;
    assert!(list.contains("1 going"), "{list}");
}

/// Two pairs: m0, e0 in Sydney, m1, e1 in Melbourne; a meetup in Sydney on Sun 17 Jan 2027.
async fn program_with_meetup(t: &TestApp) {
    t.coordinator("intake create Y1 tz:Australia/Sydney").await;
    t.coordinator("pair @m0 @e0").await;
    t.coordinator("pair @m1 @e1").await;
    // People set their own city; a coordinator can set anyone's.
    for (who, city) in [("m0", "Sydney"), ("e0", "sydney"), ("m1", "Melbourne")] {
        let reply = t.mentoring(who, &format!("profile city:{city}")).await;
        assert_eq!(
            reply.outcome,
            Outcome::Done,
            "{}",
            reply.message.plain_text()
        );
    }
    let said = t.coordinator("profile user:@e1 city:Melbourne").await;
    assert!(
        said.contains("e1's profile") && said.contains("Melbourne"),
        "{said}"
    );
    let said = t
        .coordinator("meetup \"International Mentoring Day\" city:Sydney at:\"2027-01-17 17:30\" venue:\"State Library, Galleries Lounge\"")
        .await;
    assert!(said.contains("Added meetup 1"), "{said}");
    assert!(said.contains("Sun 17 Jan 2027, 17:30 AEDT"), "{said}");
    t.app.run_due().await.unwrap();
}

fn dms(t: &TestApp, who: &str) -> Vec<Message> {
    t.console
        .history(&format!("DM to {who}"))
        .into_iter()
        .map(|(_, m)| m)
        .collect()
}

async fn press(t: &TestApp, who: &str, invite: &Message, label: &str) -> String {
    let button = invite.buttons.iter().find(|b| b.label == label).unwrap();
    let reply = t.press(who, button).await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
    reply.message.plain_text()
}

async fn locals_rsvp_and_those_going_are_reminded(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_meetup(&t).await;
    let invite = dms(&t, "m0").pop().expect("m0 is in Sydney");
    assert!(
        invite.plain_text().contains("You're invited"),
        "{}",
        invite.plain_text()
    );
    assert_eq!(dms(&t, "e0").len(), 1, "city matches ignore case");
    assert!(
        dms(&t, "m1").is_empty() && dms(&t, "e1").is_empty(),
        "Melbourne is not invited"
    );
    assert!(
        press(&t, "m0", &invite, "Maybe")
            .await
            .starts_with("You might come")
    );
    assert!(
        press(&t, "m0", &invite, "Going")
            .await
            .starts_with("You're going")
    );
    press(&t, "e0", &invite, "Can't go").await;
    let list = t.coordinator("meetup list").await;
    assert!(
        list.contains("1 going, 0 maybe, 1 can't go"),
        "one answer per person: {list}"
    );
    // The day before, 17:30 Sydney on the 16th is 06:30 UTC; only those going hear.
    t.clock.set(utc(2027, 1, 16, 6, 29));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 1);
    t.clock.set(utc(2027, 1, 16, 6, 30));
    t.app.run_due().await.unwrap();
    let reminder = dms(&t, "m0").pop().unwrap().plain_text();
    assert!(reminder.starts_with("*Tomorrow*"), "{reminder}");
    assert_eq!(dms(&t, "e0").len(), 1, "can't go: no reminder");
}

async fn moving_and_cancelling_tell_the_invited(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_meetup(&t).await;
    let invite = dms(&t, "m0").pop().unwrap();
    press(&t, "m0", &invite, "Going").await;
    let said = t.coordinator("meetup move 1 at:\"2027-01-24 17:30\"").await;
    assert!(
        said.contains("Moved meetup 1 to Sun 24 Jan 2027, 17:30 AEDT; 2 invited will be told"),
        "{said}"
    );
    t.app.run_due().await.unwrap();
    assert!(
        dms(&t, "e0")
            .pop()
            .unwrap()
            .plain_text()
            .contains("*New time*")
    );
    // The old day-before passes quietly; the new one comes.
    t.clock.set(utc(2027, 1, 16, 7, 0));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), 2);
    t.clock.set(utc(2027, 1, 23, 6, 30));
    t.app.run_due().await.unwrap();
    assert!(
        dms(&t, "m0")
            .pop()
            .unwrap()
            .plain_text()
            .starts_with("*Tomorrow*")
    );
    let said = t.coordinator("meetup cancel 1").await;
    assert!(said.contains("Cancelled meetup 1"), "{said}");
    t.app.run_due().await.unwrap();
    assert!(
        dms(&t, "m0")
            .pop()
            .unwrap()
            .plain_text()
            .contains("*Cancelled*")
    );
    let late = t
        .app
        .handle(Invocation {
            caller: Caller::person(Identity::new(Platform::Console, "e0"), "e0"),
            channel: None,
            input: Input::Action {
                action: invite.buttons[0].action.clone(),
                value: invite.buttons[0].value.clone(),
                message: None,
            },
        })
        .await;
    assert_eq!(late.outcome, Outcome::Refused);
    assert_eq!(
        t.mentoring("gina", "meetup cancel 9").await.outcome,
        Outcome::Refused
    );
    assert!(t.coordinator("meetup list").await.contains("(cancelled)"));
}

async fn announcements_now_later_and_by_role(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_meetup(&t).await;
    let before = dms(&t, "m0").len();
    let said = t
        .coordinator("announce \"Welcome to the program @everyone!\"")
        .await;
    assert!(
        said.contains("Announcement to everyone of Y1. It goes out now."),
        "{said}"
    );
    t.app.run_due().await.unwrap();
    for who in ["m0", "e0", "m1", "e1"] {
        let last = dms(&t, who).pop().unwrap();
        assert_eq!(
            last.plain_text(),
            "*Announcement*: Welcome to the program @everyone!"
        );
        assert!(matches!(
            last.lines[0].0[1],
            tandem::chat::message::Segment::UserText(_)
        ));
    }
    let said = t
        .coordinator("announce \"Mentor briefing tonight\" to:mentors at:\"2026-12-01 18:00\"")
        .await;
    assert!(
        said.contains("It goes out Tue 1 Dec 2026, 18:00 AEDT"),
        "{said}"
    );
    t.clock.set(utc(2026, 12, 1, 6, 59));
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m0").len(), before + 1);
    t.clock.set(utc(2026, 12, 1, 7, 0));
    t.app.run_due().await.unwrap();
    assert!(
        dms(&t, "m1")
            .pop()
            .unwrap()
            .plain_text()
            .contains("Mentor briefing")
    );
    assert!(
        !dms(&t, "e1")
            .pop()
            .unwrap()
            .plain_text()
            .contains("Mentor briefing")
    );
    // With an announcement channel, one post reaches everyone.
    t.coordinator("intake channel #news").await;
    t.coordinator("announce Hello").await;
    t.app.run_due().await.unwrap();
    assert_eq!(t.console.history("#news").len(), 1);
    for bad in [
        "announce X at:\"2026-01-01 10:00\"",
        "announce X to:parents",
        "announce X intake:Nope",
    ] {
        assert_eq!(
            t.mentoring("gina", bad).await.outcome,
            Outcome::Refused,
            "{bad}"
        );
    }
}

async fn resources_are_listed_welcomed_and_suggested_in_turn(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Australia/Sydney").await;
    let said = t
        .coordinator(
            "resource add \"Planning workbook\" https://example.org/workbook \"Plan your year\"",
        )
        .await;
    assert!(said.contains("Saved the resource"), "{said}");
    t.clock.advance(std::time::Duration::from_secs(60));
    t.coordinator("resource add Guidelines https://example.org/guidelines")
        .await;
    let listed = t
        .type_as("m0", tandem::commands::Root::Mentoring, "resources")
        .await;
    let listed = listed.message.plain_text();
    assert!(
        listed.contains("• *Planning workbook*: https://example.org/workbook (Plan your year)"),
        "{listed}"
    );
    assert!(
        listed.contains("• *Guidelines*: https://example.org/guidelines"),
        "{listed}"
    );
    t.coordinator("pair @m0 @e0").await;
    let welcome = t.console.history("#mentoring-m0-e0")[0].1.plain_text();
    assert!(
        welcome.contains("Program resources to get you started: Planning workbook, Guidelines"),
        "{welcome}"
    );
    // December's check-in suggests one, January's the next.
    t.clock.set(utc(2026, 12, 6, 23, 0));
    t.app.run_due().await.unwrap();
    let december = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .1
        .plain_text();
    assert!(
        december.contains("This month's resource: *Planning workbook*"),
        "{december}"
    );
    t.clock.set(utc(2027, 1, 3, 23, 0));
    t.app.run_due().await.unwrap();
    let january = t
        .console
        .history("#mentoring-m0-e0")
        .last()
        .unwrap()
        .1
        .plain_text();
    assert!(
        january.contains("This month's resource: *Guidelines*"),
        "{january}"
    );
    assert!(
        t.coordinator("resource remove guidelines")
            .await
            .contains("Removed")
    );
    for bad in ["resource remove Nope", "resource add X notalink"] {
        assert_eq!(
            t.mentoring("gina", bad).await.outcome,
            Outcome::Refused,
            "{bad}"
        );
    }
    assert_eq!(
        t.mentoring("m0", "resource add X https://x.org")
            .await
            .outcome,
        Outcome::Refused
    );
}

async fn a_profile_sets_city_and_zone_and_late_locals_are_invited_once(db: TestDb) {
    let t = TestApp::new(db).await;
    program_with_meetup(&t).await;
    t.coordinator("pair @m2 @e2").await;
    let shown = t.mentoring("m2", "profile").await.message.plain_text();
    assert!(shown.contains("City: not set"), "{shown}");

    // Bad input changes nothing.
    let long = "x".repeat(81);
    let reply = t.mentoring("m2", &format!("profile city:{long}")).await;
    assert_eq!(reply.outcome, Outcome::Refused);
    let reply = t.mentoring("m2", "profile tz:Mars/Olympus").await;
    assert_eq!(reply.outcome, Outcome::Refused);
    let reply = t.mentoring("m2", "profile user:@m0 city:Perth").await;
    assert_eq!(
        reply.outcome,
        Outcome::Refused,
        "only coordinators set someone else's"
    );
    assert!(
        t.mentoring("m0", "profile")
            .await
            .message
            .plain_text()
            .contains("Sydney")
    );

    // Setting the city after the announcement still brings the invitation, once.
    let said = t
        .mentoring("m2", "profile city:SYDNEY tz:Pacific/Auckland")
        .await
        .message
        .plain_text();
    assert!(said.contains("now invited to an upcoming meetup"), "{said}");
    assert!(said.contains("Pacific/Auckland"), "{said}");
    t.app.run_due().await.unwrap();
    let invite = dms(&t, "m2").pop().expect("a late local is invited");
    assert!(
        invite.plain_text().contains("You're invited"),
        "{}",
        invite.plain_text()
    );
    let again = t
        .mentoring("m2", "profile city:Sydney")
        .await
        .message
        .plain_text();
    assert!(!again.contains("invited"), "{again}");
    t.app.run_due().await.unwrap();
    assert_eq!(dms(&t, "m2").len(), 1, "never invited twice");
    press(&t, "m2", &invite, "Going").await;
    assert!(t.coordinator("meetup list").await.contains("1 going"));

    // Those already invited get nothing more; clearing the city is allowed.
    assert_eq!(dms(&t, "m0").len(), 1);
    let cleared = t
        .mentoring("m2", "profile city:none")
        .await
        .message
        .plain_text();
    assert!(cleared.contains("City: not set"), "{cleared}");
    // A meetup announced where nobody lives says so.
    let said = t
        .coordinator("meetup Picnic city:Perth at:\"2027-01-17 12:00\" venue:\"Kings Park\"")
        .await;
    assert!(said.contains("Nobody has set"), "{said}");
}
