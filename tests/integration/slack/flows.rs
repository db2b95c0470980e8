//! The same walk through a program in HTTP mode and in Socket Mode: user text that cannot ping,
//! coordinators only, one private channel per pair, a button click that updates its message,
//! and (Socket Mode) reconnection after disconnect frames and dropped sockets.

use serde_json::Value;
use tandem::chat::{Chat, Member, SpaceRequest};
use tandem::domain::{Identity, Platform};
use tandem::store;

use super::fake::eventually;
use super::{SlackTest, text_of};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(walk_over_http, walk_over_socket_mode);

async fn walk_over_http(db: TestDb) {
    walk(&SlackTest::http(db).await).await;
}

async fn walk_over_socket_mode(db: TestDb) {
    let t = SlackTest::socket_mode(db).await;
    walk(&t).await;
    reconnects(&t).await;
}

const PAIR: &str = "pair <@UMENTOR|mia.w> <@UMENTEE|ned>";

async fn walk(t: &SlackTest) {
    // Slack sends what was typed escaped; it comes back escaped, never as a ping.
    let typed = r#"intake create "&lt;!channel&gt; &amp; &lt;@U999&gt;" tz:Asia/Hong_Kong"#;
    let reply = t.mentoring("UCOORD", typed).await;
    assert_eq!(reply["response_type"], "ephemeral");
    let text = text_of(&reply);
    assert!(
        text.contains("&lt;!channel&gt; &amp; &lt;@U999&gt;"),
        "{text}"
    );
    let everything = reply.to_string();
    for ping in ["<!channel>", "<@U999>", "<!here>"] {
        assert!(!everything.contains(ping), "{ping} in {everything}");
    }

    let refused = t.mentoring("UOTHER", PAIR).await;
    assert!(text_of(&refused).contains("coordinator"), "{refused}");
    assert!(t.fake.calls("conversations.create").is_empty());

    t.mentoring("UCOORD", PAIR).await;
    let creates = t.fake.calls("conversations.create");
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].params["is_private"], true);
    assert_eq!(
        creates[0].params["name"], "mentoring-mia-ned",
        "names come from users.info"
    );
    let channels = t.fake.channels();
    assert_eq!(
        channels["mentoring-mia-ned"],
        ["UMENTOR", "UMENTEE", "UCOORD"]
    );
    let welcome = t.fake.calls("chat.postMessage");
    assert_eq!(welcome.len(), 1);
    let welcome_text = welcome[0].params["text"].as_str().unwrap();
    assert!(welcome_text.contains("<@UMENTOR>") && welcome_text.contains("<@UMENTEE>"));
    assert!(welcome_text.contains("&lt;!channel&gt;"), "{welcome_text}");
    assert!(
        welcome_text.contains(
            "Who can read this space: the two of you and the program's coordinators Gina."
        ),
        "the welcome names who reads the channel: {welcome_text}"
    );

    // Again: refused by the app, and the adapter itself never makes a second channel.
    t.mentoring("UCOORD", PAIR).await;
    assert_eq!(t.fake.calls("conversations.create").len(), 1);
    let again = t
        .slack
        .chat()
        .ensure_private_space(&space_request(t).await)
        .await
        .unwrap();
    assert_eq!(t.fake.channels().len(), 1);
    assert_eq!(
        again.channel.id,
        welcome[0].params["channel"].as_str().unwrap()
    );

    press_resume(t).await;
    t.fake.assert_clean();
}

/// The pair's request as the app would make it again.
async fn space_request(t: &SlackTest) -> SpaceRequest {
    let db = t.app.store.pool();
    let intake = store::intakes::list(db).await.unwrap().remove(0);
    let pair = store::pairs::list_for_intake(db, &intake.id, false)
        .await
        .unwrap()
        .remove(0);
    let member = |id: &str, name: &str| Member {
        identity: Identity::new(Platform::Slack, id),
        display_name: name.into(),
    };
    SpaceRequest {
        pair_id: pair.id,
        intake_name: intake.name,
        mentor: member("UMENTOR", "Mia"),
        mentee: member("UMENTEE", "Ned"),
        coordinators: vec![],
    }
}

fn first_button(reply: &Value) -> Value {
    let blocks = reply["blocks"].as_array().expect("blocks");
    let actions = blocks
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("an actions block");
    actions["elements"][0].clone()
}

/// "Resume now" under `/mentoring pause`: the click replaces the message; someone else's click
/// is refused privately. (Check-in buttons: see `checkins.rs`.)
async fn press_resume(t: &SlackTest) {
    let paused = t.mentoring("UMENTEE", "pause").await;
    let button = first_button(&paused);
    assert_eq!(button["action_id"], "pause.resume");
    let value = button["value"].as_str().unwrap().to_string();

    t.click("UMENTOR", "pause.resume", &value, "not-yours")
        .await;
    eventually("the refusal", || !t.fake.responses("not-yours").is_empty()).await;
    let refusal = &t.fake.responses("not-yours")[0];
    assert_ne!(refusal["replace_original"], true, "{refusal}");

    t.click("UMENTEE", "pause.resume", &value, "resume").await;
    eventually("the update", || !t.fake.responses("resume").is_empty()).await;
    let updates = t.fake.responses("resume");
    assert_eq!(
        updates.len(),
        1,
        "one update, no duplicate message: {updates:?}"
    );
    assert_eq!(updates[0]["replace_original"], true);
    assert!(
        text_of(&updates[0]).contains("Welcome back"),
        "{}",
        updates[0]
    );
}

async fn reconnects(t: &SlackTest) {
    let socket = t.socket.as_ref().unwrap();
    socket.disconnect("refresh_requested");
    socket.wait_for_connections(2).await;
    let reply = t.mentoring("UCOORD", "intake list").await;
    assert!(text_of(&reply).contains("Hong_Kong"), "{reply}");
    socket.drop_socket();
    socket.wait_for_connections(3).await;
    let reply = t.mentoring("UCOORD", "pairs").await;
    assert!(text_of(&reply).contains("Mia"), "{reply}");
    assert_eq!(t.fake.calls("apps.connections.open").len(), 3);
}
