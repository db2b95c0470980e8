//! The Slack adapter end to end against a fake Slack, in HTTP mode and in Socket Mode: the real
//! app on a test database, the real routes, the real client, the fake on loopback.

mod calendar_flows;
mod checkins;
pub mod fake;
mod fake_socket;
mod files;
mod flows;
mod forgetting;
mod leaving;
mod listener;
mod manifest;
mod outbound;
mod posts;
mod security;
mod surveys;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use tandem::adapters::slack::{ACK_BUDGET, Slack, SlackSettings, verify, webhooks};
use tandem::app::{App, Settings};
use tandem::chat::Chats;
use tandem::clock::ManualClock;
use tandem::domain::{Identity, Platform};
use tower::ServiceExt;

use crate::support::{TestDb, test_now};
use fake::{APP_TOKEN, BOT_TOKEN, FakeSlack};
use fake_socket::FakeSocket;

pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

pub fn settings(fake: &FakeSlack, socket: bool, budget: Duration) -> SlackSettings {
    SlackSettings {
        bot_token: SecretString::from(BOT_TOKEN),
        app_token: socket.then(|| SecretString::from(APP_TOKEN)),
        signing_secret: (!socket).then(|| SecretString::from(SECRET)),
        api_url: fake.api_url(),
        ack_budget: budget,
        verify_posts: false,
        call_timeout: tandem::adapters::CALL_TIMEOUT,
    }
}

pub struct SlackTest {
    pub fake: FakeSlack,
    pub socket: Option<FakeSocket>,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub router: Router,
    pub slack: Slack,
    _listener: Option<tokio::task::JoinHandle<()>>,
    _db: TestDb,
    next: std::sync::atomic::AtomicU64,
}

impl Drop for SlackTest {
    fn drop(&mut self) {
        if let Some(task) = &self._listener {
            task.abort();
        }
    }
}

impl SlackTest {
    pub async fn http(db: TestDb) -> SlackTest {
        Self::build(db, false, ACK_BUDGET).await
    }

    pub async fn socket_mode(db: TestDb) -> SlackTest {
        Self::build(db, true, ACK_BUDGET).await
    }

    pub async fn build(db: TestDb, socket: bool, budget: Duration) -> SlackTest {
        let fake = FakeSlack::start().await;
        let fake_socket = match socket {
            true => Some(FakeSocket::start(&fake).await),
            false => None,
        };
        let slack = Slack::connect(settings(&fake, socket, budget))
            .await
            .expect("connect");
        let clock = Arc::new(ManualClock::new(test_now()));
        let app = App::new(
            db.store.clone(),
            clock.clone(),
            Chats::new().with(Arc::new(slack.chat())),
            Settings::default(),
        );
        app.bootstrap_coordinators(&[Identity::new(Platform::Slack, "UCOORD")])
            .await
            .expect("bootstrap");
        let router = webhooks::routes(slack.webhooks(app.clone()));
        let listener = slack
            .start_socket_mode(app.clone())
            .await
            .expect("socket mode");
        if let Some(s) = &fake_socket {
            s.wait_for_connections(1).await;
        }
        SlackTest {
            fake,
            socket: fake_socket,
            app,
            clock,
            router,
            slack,
            _listener: listener,
            _db: db,
            next: Default::default(),
        }
    }

    fn next_id(&self) -> u64 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// A request signed now (by the app's clock), as Slack signs it.
    pub async fn signed(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> (StatusCode, Value) {
        let ts = self.clock_seconds().to_string();
        let signature = verify::sign(&SecretString::from(SECRET), &ts, body.as_bytes());
        self.send(path, content_type, body, &ts, &signature).await
    }

    pub fn clock_seconds(&self) -> i64 {
        self.app.now().unix_seconds()
    }

    pub async fn send(
        &self,
        path: &str,
        content_type: &str,
        body: String,
        ts: &str,
        signature: &str,
    ) -> (StatusCode, Value) {
        let request = Request::post(path)
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", signature)
            .body(Body::from(body))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// `/mentoring TEXT` (already escaped as Slack escapes it) by `user`; the acknowledgement's
    /// body in HTTP mode, its payload in Socket Mode.
    pub async fn mentoring(&self, user: &str, text: &str) -> Value {
        self.slash("/mentoring", user, "CGENERAL", text).await
    }

    /// Any slash command, typed by `user` in `channel`.
    pub async fn slash(&self, command: &str, user: &str, channel: &str, text: &str) -> Value {
        let fields = self.slash_fields(command, user, channel, text);
        match &self.socket {
            None => {
                let body = serde_urlencoded::to_string(fields.as_object().unwrap()).unwrap();
                self.signed("/slack/commands", "application/x-www-form-urlencoded", body)
                    .await
                    .1
            }
            Some(socket) => socket
                .envelope(&format!("env{}", self.next_id()), "slash_commands", fields)
                .await["payload"]
                .clone(),
        }
    }

    /// The fields of a slash command as Slack posts them, each with its own trigger.
    pub fn slash_fields(&self, command: &str, user: &str, channel: &str, text: &str) -> Value {
        let n = self.next_id();
        json!({
            "token": "legacy", "team_id": "T0FAKE", "team_domain": "fake", "channel_id": channel,
            "channel_name": "somewhere", "user_id": user, "user_name": user.to_lowercase(),
            "command": command, "text": text, "api_app_id": "A0FAKE",
            "response_url": self.fake.response_url(&format!("cmd{n}")),
            "trigger_id": format!("{n}.1.trigger"),
        })
    }

    /// Presses a button on a message Tandem sent to `user`; replies go to response `reply_to`.
    pub async fn click(&self, user: &str, action: &str, value: &str, reply_to: &str) {
        self.click_on(user, action, value, reply_to, None).await;
    }

    /// A click on a message in a channel (`Some((channel, ts))`), or on an ephemeral one.
    pub async fn click_on(
        &self,
        user: &str,
        action: &str,
        value: &str,
        reply_to: &str,
        on: Option<(&str, &str)>,
    ) {
        let n = self.next_id();
        let (channel, ts) = on.unwrap_or(("CGENERAL", "1700000000.000001"));
        let payload = json!({
            "type": "block_actions", "team": { "id": "T0FAKE", "domain": "fake" },
            "user": { "id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": "T0FAKE" },
            "api_app_id": "A0FAKE", "token": "legacy", "trigger_id": format!("{n}.2.trigger"),
            "container": { "type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": on.is_none() },
            "channel": { "id": channel, "name": "somewhere" },
            "response_url": self.fake.response_url(reply_to),
            "actions": [{ "type": "button", "action_id": action, "block_id": "b1", "value": value,
                "text": { "type": "plain_text", "text": "Button" }, "action_ts": "1700000001.000001" }],
        });
        self.interaction(payload).await;
    }

    /// Any interaction payload (a click, a submitted modal): the acknowledgement's body in HTTP
    /// mode, its payload in Socket Mode.
    pub async fn interaction(&self, payload: Value) -> Value {
        match &self.socket {
            None => {
                let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
                let (status, ack) = self
                    .signed(
                        "/slack/interactions",
                        "application/x-www-form-urlencoded",
                        body,
                    )
                    .await;
                assert_eq!(status, StatusCode::OK);
                ack
            }
            Some(socket) => {
                let id = format!("env{}", self.next_id());
                socket.envelope(&id, "interactive", payload).await["payload"].clone()
            }
        }
    }
}

/// The text of a reply as Slack would show it (its fallback text).
pub fn text_of(reply: &Value) -> String {
    reply["text"].as_str().unwrap_or_default().to_string()
}

/// A parameter that may arrive as JSON or as a JSON string inside a form.
pub fn json_param(call: &fake::Call, name: &str) -> Value {
    match &call.params[name] {
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

/// `(action_id, value)` of every button in a message's blocks.
pub fn buttons(blocks: &Value) -> Vec<(String, String)> {
    blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["action_id"].as_str().unwrap_or_default().to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The first intake's first pair, as stored.
pub async fn first_pair(t: &SlackTest) -> tandem::domain::Pair {
    let db = t.app.store.pool();
    let intake = tandem::store::intakes::list(db).await.unwrap().remove(0);
    tandem::store::pairs::list_for_intake(db, &intake.id, false)
        .await
        .unwrap()
        .remove(0)
}
