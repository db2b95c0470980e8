//! The program's rules end to end through the app, on both backends: intakes, pairing,
//! authorization, coordinators, pauses, and pair spaces that survive platform errors.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use sqlx::Row;
use tandem::app::{Caller, Input, Invocation, Outcome};
use tandem::commands::{Access, Root, table};
use tandem::domain::{Identity, Platform, Role};
use tandem::store;

use crate::on_both_backends;
use crate::support::{FlakyChat, TestApp, TestDb};

on_both_backends!(
    intakes_are_created_listed_and_defaulted,
    bad_intakes_change_nothing,
    pairing_registers_newcomers_and_opens_one_space,
    a_person_is_in_one_active_pair_per_intake,
    refused_pairings_write_nothing,
    unpairing_keeps_history_and_frees_both,
    a_mentee_can_mentor_in_a_later_intake,
    pairs_live_on_one_platform,
    coordinator_commands_are_refused_to_everyone_else,
    coordinators_are_added_and_removed,
    participants_pause_and_resume,
    spaces_missed_during_an_outage_are_made_later,
    racing_pairings_cannot_double_book,
    help_lists_what_the_caller_may_run,
    a_name_on_two_platforms_is_refused_with_both_accounts,
);

/// A bare `@name` that names people on two platforms (a terminal name and someone's display name
/// on Slack, or two display names) acts on neither: the reply shows both accounts to pick from.
async fn a_name_on_two_platforms_is_refused_with_both_accounts(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:UTC").await;
    assert!(t.coordinator("pair @aroha @ben").await.contains("Paired"));
    sqlx::query(
        "INSERT INTO participants (id, display_name, slack_user_id, created_at)
         VALUES ('namesake', 'Aroha', 'U0AROHA', 0)",
    )
    .execute(t.db.store.pool())
    .await
    .unwrap();
    let reply = t.mentoring("gina", "profile user:@aroha city:Sydney").await;
    assert_eq!(reply.outcome, Outcome::Refused);
    let said = reply.message.plain_text();
    assert!(
        said.contains("More than one person is called @aroha"),
        "{said}"
    );
    assert!(
        said.contains("`@console:aroha`") && said.contains("`@slack:U0AROHA`"),
        "{said}"
    );
    let cities: i64 = sqlx::query("SELECT COUNT(*) FROM participants WHERE city IS NOT NULL")
        .fetch_one(t.db.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(cities, 0, "nobody was changed");
    // Named by an account shown, it goes through.
    let said = t
        .coordinator("profile user:@slack:U0AROHA city:Sydney")
        .await;
    assert!(said.contains("Sydney"), "{said}");
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(app.db.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn intakes_are_created_listed_and_defaulted(db: TestDb) {
    let t = TestApp::new(db).await;
    let said = t
        .coordinator(r#"intake create "2026 February" tz:Pacific/Auckland"#)
        .await;
    assert!(
        said.contains("Created the intake *2026 February*"),
        "{said}"
    );
    let said = t.coordinator(r#"intake create "2027 February" tz:Australia/Sydney starts:2027-02-01 ends:2027-12-10"#).await;
    assert!(
        said.contains("Time zone: Australia/Sydney") && said.contains("2027-02-01 to 2027-12-10"),
        "{said}"
    );
    // The newest active intake is the default.
    let said = t.coordinator("pair @ana @bo").await;
    assert!(said.contains("in *2027 February*"), "{said}");
    t.coordinator("intake close \"2027 February\"").await;
    let said = t.coordinator("pair @cy @di").await;
    assert!(
        said.contains("in *2026 February*"),
        "closed intakes are skipped: {said}"
    );
    let said = t.coordinator("intake list").await;
    assert!(said.contains("*2027 February*: closed, 1 pair,"), "{said}");
    assert!(
        said.contains("*2026 February*: active, 1 pair, Pacific/Auckland"),
        "{said}"
    );
    let said = t
        .coordinator("intake channel #announcements intake:\"2026 February\"")
        .await;
    assert!(said.contains("will go to #announcements"), "{said}");
    let intake = store::intakes::find_by_name(t.db.store.pool(), "2026 february")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        intake.announcement_channel.as_deref(),
        Some("announcements")
    );
}

async fn bad_intakes_change_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Alpha").await;
    for bad in [
        "intake create alpha",
        "intake create Beta tz:Sydney",
        "intake create Beta starts:2027-03-01 ends:2027-02-01",
        "intake create Beta ends:2020-01-01",
        "intake create Beta starts:2027-02-30",
        "intake create Beta extra",
        "pairs intake:Gamma",
    ] {
        let reply = t.mentoring("gina", bad).await;
        assert_eq!(
            reply.outcome,
            Outcome::Refused,
            "{bad}: {}",
            reply.message.plain_text()
        );
    }
    assert_eq!(count(&t, "intakes").await, 1);
}

async fn pairing_registers_newcomers_and_opens_one_space(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create \"2027 February\" tz:Asia/Hong_Kong")
        .await;
    let reply = t.mentoring("gina", "pair @aroha @ben").await;
    assert_eq!(reply.outcome, Outcome::Done);
    assert!(
        reply
            .message
            .plain_text()
            .contains("Their private channel: #mentoring-aroha-ben")
    );
    let channels = t.console.channels();
    assert_eq!(channels.len(), 1);
    assert_eq!(
        channels[0].1,
        vec!["aroha", "ben", "gina"],
        "both members and the coordinator"
    );
    let welcome = t.console.history("#mentoring-aroha-ben");
    assert_eq!(welcome.len(), 1);
    assert!(
        welcome[0]
            .1
            .plain_text()
            .starts_with("Welcome, @aroha and @ben!")
    );
    assert!(
        welcome[0].1.plain_text().contains(
            "Who can read this space: the two of you and the program's coordinators gina."
        ),
        "{}",
        welcome[0].1.plain_text()
    );
    let aroha = t
        .app
        .participant(&Identity::new(Platform::Console, "aroha"))
        .await
        .unwrap()
        .unwrap();
    let history = store::participants::history(t.db.store.pool(), &aroha.id)
        .await
        .unwrap();
    assert_eq!(history[0].role, Role::Mentor);
    // Asking again never makes a second space.
    assert_eq!(t.app.open_missing_spaces().await.unwrap(), 0);
    assert_eq!(t.console.channels().len(), 1);
}

async fn a_person_is_in_one_active_pair_per_intake(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    t.coordinator("pair @aroha @ben").await;
    for (text, who) in [
        ("pair @aroha @cy", "aroha"),
        ("pair @cy @ben", "ben"),
        ("pair @ben @cy", "ben"),
    ] {
        let reply = t.mentoring("gina", text).await;
        assert_eq!(reply.outcome, Outcome::Refused);
        let said = reply.message.plain_text();
        assert!(
            said.starts_with(&format!("{who} is already in an active pair in Y1")),
            "{said}"
        );
    }
    assert_eq!(count(&t, "pairs").await, 1);
    let reply = t.mentoring("gina", "pair @aroha @aroha").await;
    assert!(
        reply
            .message
            .plain_text()
            .starts_with("Someone can't be their own mentor")
    );
}

async fn refused_pairings_write_nothing(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    t.coordinator("pair @aroha @ben").await;
    let people = count(&t, "participants").await;
    // A newcomer with someone already paired: refused, and the newcomer is not registered either.
    let reply = t.mentoring("gina", "pair @newbie @ben").await;
    assert_eq!(reply.outcome, Outcome::Refused);
    assert_eq!(count(&t, "participants").await, people);
    assert_eq!(count(&t, "enrolments").await, 2);
    assert_eq!(t.console.channels().len(), 1);
}

async fn unpairing_keeps_history_and_frees_both(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    t.coordinator("pair @aroha @ben").await;
    let said = t.coordinator("unpair @ben").await;
    assert!(
        said.starts_with("Ended the pair of aroha and ben in *Y1*"),
        "{said}"
    );
    let goodbye = t.console.history("#mentoring-aroha-ben");
    assert!(
        goodbye
            .last()
            .unwrap()
            .1
            .plain_text()
            .contains("ended this pairing")
    );
    let said = t.coordinator("unpair @ben").await;
    assert!(
        said.starts_with("ben isn't in an active pair in Y1"),
        "{said}"
    );
    assert!(t.coordinator("pairs").await.contains("has no active pairs"));
    // Both are free again, even in swapped roles.
    let reply = t.mentoring("gina", "pair @ben @aroha").await;
    assert_eq!(
        reply.outcome,
        Outcome::Done,
        "{}",
        reply.message.plain_text()
    );
    let pairs = store::pairs::list_for_intake(t.db.store.pool(), &t.app_intake("Y1").await, true)
        .await
        .unwrap();
    assert_eq!(pairs.len(), 2);
    assert!(pairs[0].ended_at.is_some() && pairs[1].ended_at.is_none());
}

async fn a_mentee_can_mentor_in_a_later_intake(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    t.coordinator("pair @aroha @ben").await;
    t.clock.advance(std::time::Duration::from_secs(3600));
    t.coordinator("intake create Y2").await;
    let reply = t.mentoring("gina", "pair @ben @cy intake:Y2").await;
    assert_eq!(reply.outcome, Outcome::Done);
    let ben = t
        .app
        .participant(&Identity::new(Platform::Console, "ben"))
        .await
        .unwrap()
        .unwrap();
    let history = store::participants::history(t.db.store.pool(), &ben.id)
        .await
        .unwrap();
    let roles: Vec<_> = history
        .iter()
        .map(|e| (e.intake_name.as_str(), e.role))
        .collect();
    assert_eq!(roles, vec![("Y1", Role::Mentee), ("Y2", Role::Mentor)]);
    let said = t.coordinator("pairs intake:Y1").await;
    assert!(said.contains("aroha → ben (active, console"), "{said}");
}

async fn pairs_live_on_one_platform(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    let reply = t.mentoring("gina", "pair @slack:U1 @discord:42").await;
    assert_eq!(reply.outcome, Outcome::Refused);
    assert!(
        reply
            .message
            .plain_text()
            .contains("aren't on the same platform")
    );
    assert_eq!(count(&t, "participants").await, 1, "only the coordinator");
    // Slack people pair on Slack; no Slack adapter here, so the space waits for one.
    let reply = t.mentoring("gina", "pair @slack:U1 @slack:U2").await;
    assert_eq!(reply.outcome, Outcome::Done);
    assert!(
        reply
            .message
            .plain_text()
            .contains("couldn't be made yet (temporary platform error: slack is not connected)")
    );
    let pair = store::pairs::without_space(t.db.store.pool())
        .await
        .unwrap();
    assert_eq!(pair[0].platform, Platform::Slack);
}

/// A working example of every coordinator command, so a new one must be added here.
const COORDINATOR_EXAMPLES: &[&str] = &[
    "intake create Y9",
    "intake list",
    "intake channel #general",
    "intake close Y1",
    "pair @x @y",
    "unpair @aroha",
    "pairs",
    "coordinator add @ben",
    "coordinator remove @gina",
    "checkins 0 9 * * 1",
    "schedules",
    "status",
    "survey open end-of-program",
    "survey close abcd1234",
    "survey remind abcd1234",
    "survey results",
    "survey export abcd1234",
    "webinar add Talk at:\"2027-01-20 19:00\"",
    "webinar series Talks cron:\"0 19 1-7 * WED\"",
    "webinar topic 1 \"Pay\"",
    "webinar list",
    "meetup Meet city:Sydney at:\"2027-01-17 17:30\" venue:Library",
    "meetup list",
    "announce Hello",
    "resource add Workbook https://example.org/w",
    "resource remove Workbook",
    "meetup cancel 1",
    "meetup move 1 at:\"2027-01-18 17:30\"",
    "webinar cancel 1",
    "webinar move 1 at:\"2027-01-21 19:00\"",
    "webinar recording 1 https://example.org/r",
    "audit",
];

async fn coordinator_commands_are_refused_to_everyone_else(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1").await;
    t.coordinator("pair @aroha @ben").await;
    let coordinator_specs = table().filter(|s| s.access == Access::Coordinator).count();
    assert_eq!(
        COORDINATOR_EXAMPLES.len(),
        coordinator_specs,
        "an example per coordinator command"
    );
    let before = [
        count(&t, "intakes").await,
        count(&t, "pairs").await,
        count(&t, "coordinators").await,
    ];
    for text in COORDINATOR_EXAMPLES {
        for who in ["aroha", "stranger"] {
            let reply = t.mentoring(who, text).await;
            assert_eq!(reply.outcome, Outcome::Refused, "{who}: {text}");
            assert!(
                reply
                    .message
                    .plain_text()
                    .starts_with("Only program coordinators can do that")
            );
        }
    }
    let after = [
        count(&t, "intakes").await,
        count(&t, "pairs").await,
        count(&t, "coordinators").await,
    ];
    assert_eq!(before, after);
    // A platform that vouches for a coordinator (Discord's role) is trusted.
    let caller = Caller {
        platform_coordinator: true,
        ..Caller::person(Identity::new(Platform::Console, "mod"), "mod")
    };
    let reply = t
        .app
        .handle(Invocation {
            caller,
            channel: None,
            input: Input::Text {
                root: Root::Mentoring,
                text: "intake list".into(),
            },
        })
        .await;
    assert_eq!(reply.outcome, Outcome::Done);
}

async fn coordinators_are_added_and_removed(db: TestDb) {
    let t = TestApp::new(db).await;
    assert!(
        t.coordinator("coordinator remove @gina")
            .await
            .starts_with("That's the last coordinator")
    );
    assert!(
        t.coordinator("coordinator add @mere")
            .await
            .starts_with("mere is now a program coordinator")
    );
    assert!(
        t.coordinator("coordinator add @mere")
            .await
            .starts_with("mere is already a coordinator")
    );
    assert_eq!(
        t.mentoring("mere", "intake create Y1").await.outcome,
        Outcome::Done
    );
    assert!(
        t.coordinator("coordinator remove @mere")
            .await
            .starts_with("mere is no longer a coordinator")
    );
    assert_eq!(
        t.mentoring("mere", "intake list").await.outcome,
        Outcome::Refused
    );
    assert!(
        t.coordinator("coordinator remove @mere")
            .await
            .starts_with("mere isn't a coordinator")
    );
}

async fn participants_pause_and_resume(db: TestDb) {
    let t = TestApp::new(db).await;
    t.coordinator("intake create Y1 tz:Pacific/Auckland").await;
    t.coordinator("pair @aroha @ben").await;
    assert_eq!(
        t.mentoring("stranger", "pause").await.outcome,
        Outcome::Refused
    );
    let said = t
        .mentoring("aroha", "pause until:2026-11-01")
        .await
        .message
        .plain_text();
    assert!(said.starts_with("2026-11-01 has already passed"), "{said}");
    let reply = t.mentoring("aroha", "pause until:2026-12-31").await;
    assert_eq!(reply.outcome, Outcome::Done);
    assert!(
        t.coordinator("pairs").await.contains("aroha → ben (active"),
        "one paused member: still active"
    );
    t.mentoring("ben", "pause").await;
    assert!(
        t.coordinator("pairs").await.contains("aroha → ben (paused"),
        "both paused: the pair is paused"
    );
    // The button resumes, but only for the person who paused.
    let button = reply.message.buttons[0].clone();
    let stolen = t.press("ben", &button).await;
    assert!(
        stolen
            .message
            .plain_text()
            .starts_with("That button belongs to someone else")
    );
    let pressed = t.press("aroha", &button).await;
    assert_eq!(pressed.outcome, Outcome::Done);
    assert!(
        pressed.replaces.is_some(),
        "the notice with the button is replaced"
    );
    assert!(
        t.mentoring("aroha", "resume")
            .await
            .message
            .plain_text()
            .starts_with("You're not paused")
    );
    // A pause with an end date ends by itself after its last day (in the person's zone).
    t.mentoring("aroha", "pause until:2026-12-01").await;
    t.clock.advance(std::time::Duration::from_secs(5 * 86_400));
    assert!(t.coordinator("pairs").await.contains("aroha → ben (active"));
}

async fn spaces_missed_during_an_outage_are_made_later(db: TestDb) {
    let outage = FlakyChat::new();
    outage.spaces_down.store(true, Ordering::SeqCst);
    let console = outage.console.clone();
    let t = TestApp::with_chat(db, Some(outage.clone())).await;
    t.coordinator("intake create Y1").await;
    let said = t.coordinator("pair @aroha @ben").await;
    assert!(
        said.contains("couldn't be made yet (temporary platform error: HTTP 503)"),
        "{said}"
    );
    assert_eq!(count(&t, "pairs").await, 1, "the pair is saved");
    assert_eq!(t.app.open_missing_spaces().await.unwrap(), 0, "still down");
    outage.spaces_down.store(false, Ordering::SeqCst);
    assert_eq!(t.app.open_missing_spaces().await.unwrap(), 1);
    assert_eq!(t.app.open_missing_spaces().await.unwrap(), 0);
    assert_eq!(console.channels().len(), 1);
    assert_eq!(
        console.history("#mentoring-aroha-ben").len(),
        1,
        "one welcome"
    );
}

async fn racing_pairings_cannot_double_book(db: TestDb) {
    let t = Arc::new(TestApp::new(db).await);
    t.coordinator("intake create Y1").await;
    // Register everyone first, so the race is only about pairing.
    for name in ["m0", "m1", "m2", "m3", "m4", "m5", "star"] {
        t.coordinator(&format!("coordinator add @{name}")).await;
    }
    let mut racers = Vec::new();
    for i in 0..6 {
        let t = t.clone();
        racers.push(tokio::spawn(async move {
            t.mentoring("gina", &format!("pair @m{i} @star"))
                .await
                .outcome
        }));
    }
    let mut done = 0;
    for racer in racers {
        if racer.await.unwrap() == Outcome::Done {
            done += 1;
        }
    }
    assert_eq!(done, 1, "exactly one pairing wins");
    assert_eq!(count(&t, "pairs").await, 1);
    let row = sqlx::query("SELECT COUNT(*) FROM enrolments WHERE pair_id IS NOT NULL")
        .fetch_one(t.db.store.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<i64, _>(0), 2);
}

async fn help_lists_what_the_caller_may_run(db: TestDb) {
    let t = TestApp::new(db).await;
    let for_coordinator = t.coordinator("help").await;
    assert!(for_coordinator.contains("/mentoring pair @MENTOR @MENTEE [intake:NAME]"));
    let for_participant = t.mentoring("aroha", "help").await.message.plain_text();
    assert!(for_participant.contains("/mentoring pause [until:YYYY-MM-DD]"));
    assert!(
        !for_participant.contains("/mentoring pair "),
        "{for_participant}"
    );
    assert!(for_participant.contains("Coordinators have more commands"));
    assert!(
        for_participant.contains(
            "A pair's private space is read by the pair and the program's coordinators gina."
        ),
        "{for_participant}"
    );
}

impl TestApp {
    async fn app_intake(&self, name: &str) -> String {
        store::intakes::find_by_name(self.db.store.pool(), name)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}
