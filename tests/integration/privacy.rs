//! A person's own data on both backends: `/mentoring mydata` shows it and attaches all of it;
//! `/mentoring forget` asks for a confirmation, and the press erases what says who they were
//! while the program's history stays.

use sqlx::Row;
use tandem::app::{Outcome, Reply};
use tandem::chat::Message;
use tandem::commands::Root;

use crate::on_both_backends;
use crate::support::{TestApp, TestDb};

on_both_backends!(
    mydata_shows_and_attaches_what_is_stored,
    forgetting_asks_first_then_erases_only_who_they_were,
);

/// Aroha (mentor) and Ben in Y1; Aroha lives in Wellington and answered a check-in with a note.
async fn program(t: &TestApp) {
    t.coordinator("intake create Y1 tz:Pacific/Auckland").await;
    t.coordinator("pair @aroha @ben").await;
    let said = t.mentoring("aroha", "profile city:Wellington").await;
    assert_eq!(said.outcome, Outcome::Done);
    let said = t
        .type_as("aroha", Root::Checkin, "met note:\"Coffee at the library\"")
        .await;
    assert_eq!(said.outcome, Outcome::Done, "{}", said.message.plain_text());
}

async fn press(t: &TestApp, who: &str, on: &Message) -> Reply {
    t.press(who, on.buttons.first().expect("a button")).await
}

async fn mydata_shows_and_attaches_what_is_stored(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t).await;
    let reply = t.mentoring("aroha", "mydata").await;
    assert_eq!(reply.outcome, Outcome::Done);
    let said = reply.message.plain_text();
    for expected in [
        "Wellington",
        "Intake Y1, as mentor",
        "1 with a note",
        "aroha",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    assert!(
        !said.contains("Coffee"),
        "notes are in the file, not the message"
    );
    let file = &reply.attachments[0];
    assert_eq!(file.name, "tandem-my-data.json");
    let data: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
    assert_eq!(data["participant"]["city"], "Wellington");
    assert_eq!(data["held"]["checkins"][0]["note"], "Coffee at the library");
    assert_eq!(data["held"]["pairs"][0]["mentee"], "ben");
    // Someone not in the program has nothing stored.
    let stranger = t.mentoring("zed", "mydata").await;
    assert_eq!(stranger.outcome, Outcome::Refused);
}

async fn forgetting_asks_first_then_erases_only_who_they_were(db: TestDb) {
    let t = TestApp::new(db).await;
    program(&t).await;
    let pool = t.db.store.pool();

    // Only oneself, or a coordinator.
    let refused = t.mentoring("ben", "forget @aroha").await;
    assert_eq!(refused.outcome, Outcome::Refused);
    assert!(refused.message.plain_text().contains("coordinators"));

    let asked = t.mentoring("aroha", "forget @aroha").await;
    assert_eq!(asked.outcome, Outcome::Done);
    assert!(asked.message.plain_text().contains("can't be undone"));
    let kept: Option<String> =
        sqlx::query("SELECT console_name FROM participants WHERE display_name = 'aroha'")
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
    assert_eq!(
        kept.as_deref(),
        Some("aroha"),
        "nothing erased before the press"
    );
    assert_eq!(
        press(&t, "ben", &asked.message).await.outcome,
        Outcome::Refused
    );

    let done = press(&t, "aroha", &asked.message).await;
    assert_eq!(done.outcome, Outcome::Done, "{}", done.message.plain_text());
    assert!(done.replaces.is_some(), "the confirmation is replaced");
    let row = sqlx::query(
        "SELECT display_name, console_name, city, email FROM participants
         WHERE id = (SELECT mentor_id FROM pairs)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (name, console, city): (String, Option<String>, Option<String>) =
        (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (name.as_str(), console, city),
        ("Former participant", None, None)
    );
    let note: Option<String> = sqlx::query("SELECT note FROM checkins")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(note, None, "their words are gone");
    let answers: i64 = sqlx::query("SELECT COUNT(*) FROM checkins")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(answers, 1, "the answer itself stays, unattributed");
    let ended: Option<i64> = sqlx::query("SELECT ended_at FROM pairs")
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
    assert!(ended.is_some(), "the pair ended");
    // Ben is free to be paired again; pressing twice changes nothing.
    let again = t.coordinator("pair @carla @ben").await;
    assert!(again.contains("Paired"), "{again}");
    let twice = press(&t, "gina", &asked.message).await;
    assert!(
        twice
            .message
            .plain_text()
            .contains("already been forgotten")
    );

    // A coordinator may forget anyone, but the program is never left without a coordinator.
    let theirs = t.mentoring("gina", "forget @ben").await;
    assert_eq!(theirs.outcome, Outcome::Done);
    assert!(theirs.message.plain_text().contains("ben's data"));
    let last = t.mentoring("gina", "forget @gina").await;
    let refused = press(&t, "gina", &last.message).await;
    assert_eq!(refused.outcome, Outcome::Refused);
    assert!(refused.message.plain_text().contains("last coordinator"));
}
