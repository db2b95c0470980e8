//! Socket Mode: `apps.connections.open` hands out a websocket URL; envelopes arrive on it and
//! each is acknowledged (with the reply when it is ready in time) within three seconds. The loop
//! reconnects on `disconnect` frames and dropped sockets, backing off while Slack is unreachable.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use slack_morphism::prelude::*;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;

use super::decode::{self, Request};
use super::inbound::{Ack, Inbound};
use super::outbound::{Client, sort};
use crate::chat::ChatError;
use crate::domain::Platform;
use crate::store;

/// First wait after a failed connection; doubled up to [`LONGEST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const LONGEST_BACKOFF: Duration = Duration::from_secs(30);

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// Slack sent a `disconnect` frame (refresh, warning): connect again at once.
    Asked,
    /// The socket closed or failed.
    Dropped,
}

/// The app-level token and client that open connections.
#[derive(Clone)]
pub struct SocketMode {
    client: Arc<Client>,
    token: Arc<SlackApiToken>,
}

impl SocketMode {
    pub fn new(client: Arc<Client>, app_token: &SecretString) -> Self {
        let value = SlackApiTokenValue::new(app_token.expose_secret().to_string());
        SocketMode {
            client,
            token: Arc::new(SlackApiToken::new(value)),
        }
    }

    /// A fresh websocket URL (`wss://`, or `ws://` from a local fake).
    pub async fn open(&self) -> Result<String, ChatError> {
        let session = self.client.open_session(&self.token);
        session
            .apps_connections_open(&SlackApiAppsConnectionOpenRequest::new())
            .await
            .map(|opened| opened.url.0.to_string())
            .map_err(|err| sort("apps.connections.open", err))
    }

    /// Runs until the task is aborted; `first` is a URL already opened at start-up.
    pub async fn run(self, inbound: Inbound, mut first: Option<String>) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let url = match first.take() {
                Some(url) => Ok(url),
                None => self.open().await,
            };
            let ended = match url {
                Ok(url) => match tokio_tungstenite::connect_async(url.as_str()).await {
                    Ok((socket, _)) => {
                        backoff = FIRST_BACKOFF;
                        session(socket, &inbound).await
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "could not connect to Slack Socket Mode");
                        Ended::Dropped
                    }
                },
                Err(err) => {
                    tracing::warn!(error = %err, "could not open a Socket Mode connection");
                    Ended::Dropped
                }
            };
            metrics::counter!("tandem_slack_reconnects_total").increment(1);
            if ended == Ended::Dropped {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(LONGEST_BACKOFF);
            }
        }
    }
}

/// Reads frames until Slack asks us to go or the socket drops. Envelopes are handled in their
/// own tasks; their acknowledgements come back through a channel to the one writer.
async fn session<S>(socket: tokio_tungstenite::WebSocketStream<S>, inbound: &Inbound) -> Ended
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = socket.split();
    let (acks, mut pending) = mpsc::channel::<String>(64);
    loop {
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Frame::Text(text))) => {
                    let Ok(envelope) = serde_json::from_str::<Value>(text.as_str()) else {
                        continue;
                    };
                    match json::at(&envelope, "/type").as_str() {
                        Some("hello") => tracing::info!("connected to Slack over Socket Mode"),
                        Some("disconnect") => {
                            tracing::info!(reason = %json::at(&envelope, "/reason"), "Slack asked to reconnect");
                            return Ended::Asked;
                        }
                        _ => {
                            tokio::spawn(handle(inbound.clone(), envelope, acks.clone()));
                        }
                    }
                }
                Some(Ok(Frame::Ping(data))) => {
                    if sink.send(Frame::Pong(data)).await.is_err() {
                        return Ended::Dropped;
                    }
                }
                Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => return Ended::Dropped,
                Some(Ok(_)) => {}
            },
            Some(ack) = pending.recv() => {
                if sink.send(Frame::Text(ack.into())).await.is_err() {
                    return Ended::Dropped;
                }
            }
        }
    }
}

/// One envelope: decode, hand to the shared inbound handling, acknowledge with its answer.
async fn handle(inbound: Inbound, envelope: Value, acks: mpsc::Sender<String>) {
    let Some(id) = json::at(&envelope, "/envelope_id")
        .as_str()
        .map(str::to_string)
    else {
        return;
    };
    let payload = json::at(&envelope, "/payload").clone();
    if redelivered(&inbound, json::at(&envelope, "/type").as_str(), &payload).await {
        tracing::debug!(envelope = %id, "a redelivered command or click, skipped");
        let _ = acks.send(json!({ "envelope_id": id }).to_string()).await;
        return;
    }
    let kind = json::at(&envelope, "/type").as_str();
    let answer = match decode::socket_payload(kind, payload) {
        Some(Request::Command(command)) => inbound.command(command).await,
        Some(Request::Interaction(payload)) => inbound.interaction(payload).await,
        Some(Request::Event(payload)) => inbound.event(payload).await,
        None => {
            tracing::debug!(kind = ?kind, "ignored or undecodable Socket Mode envelope");
            Ack::Empty
        }
    };
    let frame = match answer {
        Ack::Empty => json!({ "envelope_id": id }),
        Ack::Json(payload) => json!({ "envelope_id": id, "payload": payload }),
    };
    // A closed channel means the socket went away; Slack redelivers what was not acknowledged.
    let _ = acks.send(frame.to_string()).await;
}

/// Whether a command or click was handled before: Slack redelivers an envelope whose
/// acknowledgement it did not get (a dropped socket), and each person's action has its own
/// `trigger_id`, so the second copy is recognised across instances. Events have their own
/// `event_id` check.
async fn redelivered(inbound: &Inbound, kind: Option<&str>, payload: &Value) -> bool {
    if !matches!(kind, Some("slash_commands" | "interactive")) {
        return false;
    }
    let Some(trigger) = json::at(payload, "/trigger_id").as_str() else {
        return false;
    };
    let app = inbound.app();
    let key = format!("trigger:{trigger}");
    match store::inbound::first_time(app.store.pool(), Platform::Slack, &key, app.now()).await {
        Ok(first) => !first,
        Err(err) => {
            // Better a rare double than a dropped command: go on.
            tracing::warn!(error = %err, "could not record a Slack trigger id");
            false
        }
    }
}
