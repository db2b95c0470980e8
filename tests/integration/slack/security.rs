//! HTTP mode at the edge: bad signatures, stale timestamps and replays are refused and change
//! nothing; the Events API's URL check is answered and a retried event is processed once; slow
//! work is acknowledged at once and answered through `response_url`.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use tandem::adapters::slack::verify;
use tandem::app::{Caller, Input, Invocation, Outcome};
use tandem::commands::Root;
use tandem::domain::{Identity, Platform};
use tandem::store;

use super::fake::eventually;
use super::{SECRET, SlackTest, text_of};
use crate::on_both_backends;
use crate::support::TestDb;

on_both_backends!(
    forged_stale_and_replayed_requests_change_nothing,
    events_are_processed_once,
    slow_work_is_answered_later,
    socket_mode_redeliveries_are_handled_once,
);

const FORM: &str = "application/x-www-form-urlencoded";

fn intake_body(name: &str) -> String {
    serde_urlencoded::to_string([
        ("command", "/mentoring"),
        ("text", &format!("intake create {name}")),
        ("user_id", "UCOORD"),
        ("user_name", "gina"),
        ("channel_id", "CGENERAL"),
    ])
    .unwrap()
}

async fn intakes(t: &SlackTest) -> usize {
    store::intakes::list(t.app.store.pool())
        .await
        .unwrap()
        .len()
}

async fn forged_stale_and_replayed_requests_change_nothing(db: TestDb) {
    let t = SlackTest::http(db).await;
    let secret = secrecy::SecretString::from(SECRET);
    let body = intake_body("Alpha");
    let now = t.clock_seconds().to_string();

    let forged = verify::sign(
        &secrecy::SecretString::from("not the secret"),
        &now,
        body.as_bytes(),
    );
    let (status, _) = t
        .send("/slack/commands", FORM, body.clone(), &now, &forged)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let old = (t.clock_seconds() - 6 * 60).to_string();
    let stale = verify::sign(&secret, &old, body.as_bytes());
    let (status, _) = t
        .send("/slack/commands", FORM, body.clone(), &old, &stale)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a signature older than five minutes"
    );

    let tampered = verify::sign(&secret, &now, body.as_bytes());
    let (status, _) = t
        .send(
            "/slack/commands",
            FORM,
            intake_body("Beta"),
            &now,
            &tampered,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a body that is not the one signed"
    );
    assert_eq!(intakes(&t).await, 0);

    let good = verify::sign(&secret, &now, body.as_bytes());
    let (status, reply) = t
        .send("/slack/commands", FORM, body.clone(), &now, &good)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&reply).contains("Alpha"), "{reply}");
    t.clock.advance(Duration::from_secs(60));
    let (status, reply) = t
        .send("/slack/commands", FORM, body.clone(), &now, &good)
        .await;
    assert_eq!(status, StatusCode::OK, "a replay is answered");
    assert!(reply.is_null(), "but not processed: {reply}");
    assert_eq!(intakes(&t).await, 1);
    t.fake.assert_clean();
}

async fn events_are_processed_once(db: TestDb) {
    let t = SlackTest::http(db).await;
    let check = json!({ "type": "url_verification", "token": "legacy", "challenge": "c-123" });
    let (status, reply) = t
        .signed("/slack/events", "application/json", check.to_string())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["challenge"], "c-123");

    let event = |attempt: u64| {
        json!({ "type": "event_callback", "team_id": "T0FAKE", "api_app_id": "A0FAKE",
            "event_id": "Ev01", "event_time": 1700000000 + attempt, "token": "legacy",
            "event": { "type": "app_mention", "user": "UOTHER", "text": "<@UTANDEM> hi",
                "ts": "1700000000.000100", "channel": "CGENERAL", "event_ts": "1700000000.000100" } })
        .to_string()
    };
    for attempt in 0..2 {
        // A retry is a new delivery: new timestamp, new signature, same event_id.
        t.clock.advance(Duration::from_secs(1));
        let (status, _) = t
            .signed("/slack/events", "application/json", event(attempt))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let posts = t.fake.calls("chat.postMessage");
    assert_eq!(posts.len(), 1, "processed once");
    assert!(
        posts[0].params["text"]
            .as_str()
            .unwrap()
            .contains("/mentoring help")
    );
    t.fake.assert_clean();
}

async fn slow_work_is_answered_later(db: TestDb) {
    let t = SlackTest::build(db, false, Duration::ZERO).await;
    let made = t
        .app
        .handle(Invocation {
            caller: Caller::person(Identity::new(Platform::Slack, "UCOORD"), "gina"),
            channel: None,
            input: Input::Text {
                root: Root::Mentoring,
                text: "intake create Gamma".into(),
            },
        })
        .await;
    assert_eq!(made.outcome, Outcome::Done);
    // Making the pair's channel waits on Slack until the test lets it answer.
    t.fake.hold("conversations.create");
    let reply = t
        .mentoring("UCOORD", "pair <@UMENTOR|mia> <@UMENTEE|ned>")
        .await;
    assert!(text_of(&reply).contains("Working on it"), "{reply}");
    assert!(
        t.fake.responses("cmd1").is_empty(),
        "nothing before Slack answers"
    );
    t.fake.release("conversations.create");
    eventually("the late answer", || !t.fake.responses("cmd1").is_empty()).await;
    let late = &t.fake.responses("cmd1")[0];
    assert!(text_of(late).contains("Gamma"), "{late}");
    assert_ne!(late["replace_original"], true);
}

/// Slack redelivers a Socket Mode envelope whose acknowledgement it did not get, under a new
/// envelope id: the command (known by its trigger id) is carried out once.
async fn socket_mode_redeliveries_are_handled_once(db: TestDb) {
    let t = SlackTest::socket_mode(db).await;
    let socket = t.socket.as_ref().unwrap();
    let command = json!({
        "token": "legacy", "team_id": "T0FAKE", "team_domain": "fake", "channel_id": "CGENERAL",
        "channel_name": "general", "user_id": "UCOORD", "user_name": "gina",
        "command": "/mentoring", "text": "intake create Delta", "api_app_id": "A0FAKE",
        "response_url": t.fake.response_url("delta"), "trigger_id": "777.1.trigger",
    });
    let first = socket
        .envelope("env-a", "slash_commands", command.clone())
        .await;
    assert!(text_of(&first["payload"]).contains("Delta"), "{first}");
    let again = socket.envelope("env-b", "slash_commands", command).await;
    assert!(
        again.get("payload").is_none(),
        "acknowledged, nothing more: {again}"
    );
    assert_eq!(intakes(&t).await, 1);
}
