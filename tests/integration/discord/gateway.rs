//! A fake Discord gateway on 127.0.0.1: HELLO, IDENTIFY → READY (with the application id),
//! heartbeats acknowledged, RESUME → RESUMED after a dropped connection, and INTERACTION_CREATE
//! dispatched on demand.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::fake::{APP, BOT};

#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub identifies: usize,
    pub resumes: usize,
    pub heartbeats: usize,
    pub intents: Option<u64>,
    /// Websocket sessions open right now.
    pub open: usize,
}

/// Counts a session as open until it ends, however it ends.
struct OpenSession(Arc<Mutex<Seen>>);

impl OpenSession {
    fn new(seen: &Arc<Mutex<Seen>>) -> OpenSession {
        seen.lock().unwrap().open += 1;
        OpenSession(seen.clone())
    }
}

impl Drop for OpenSession {
    fn drop(&mut self) {
        if let Ok(mut seen) = self.0.lock() {
            seen.open -= 1;
        }
    }
}

#[derive(Clone)]
pub struct FakeGateway {
    pub url: String,
    pub seen: Arc<Mutex<Seen>>,
    /// Events to dispatch: their name (`t`) and data (`d`).
    dispatch: broadcast::Sender<(String, Value)>,
    drop_now: broadcast::Sender<()>,
    ready: Arc<tokio::sync::Notify>,
}

impl FakeGateway {
    pub async fn start() -> FakeGateway {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let (dispatch, _) = broadcast::channel(64);
        let (drop_now, _) = broadcast::channel(4);
        let gateway = FakeGateway {
            url,
            seen: Arc::default(),
            dispatch,
            drop_now,
            ready: Arc::new(tokio::sync::Notify::new()),
        };
        let g = gateway.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let g = g.clone();
                tokio::spawn(async move { g.session(stream).await });
            }
        });
        gateway
    }

    /// Waits until a session is identified or resumed and can take dispatches.
    pub async fn ready(&self) {
        tokio::time::timeout(std::time::Duration::from_secs(20), self.ready.notified())
            .await
            .expect("the bot never identified on the fake gateway");
    }

    pub fn interaction(&self, interaction: Value) {
        self.event("INTERACTION_CREATE", interaction);
    }

    /// Dispatches any event, as `{ "op": 0, "t": name, "d": data }`.
    pub fn event(&self, name: &str, data: Value) {
        self.dispatch
            .send((name.to_string(), data))
            .expect("a gateway session is listening");
    }

    /// Closes the live connection as a network drop would.
    pub fn drop_connection(&self) {
        let _ = self.drop_now.send(());
    }

    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        let _open = OpenSession::new(&self.seen);
        let (mut tx, mut rx) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Value>();
        let mut dispatch = self.dispatch.subscribe();
        let mut drop_now = self.drop_now.subscribe();
        let _ = out.send(json!({ "op": 10, "d": { "heartbeat_interval": 1000 } }));
        let mut seq = 0u64;
        let mut live = false;
        loop {
            tokio::select! {
                Some(frame) = out_rx.recv() => {
                    if tx.send(Message::Text(frame.to_string().into())).await.is_err() { return; }
                }
                Ok((name, data)) = dispatch.recv(), if live => {
                    seq += 1;
                    let _ = out.send(json!({ "op": 0, "t": name, "s": seq, "d": data }));
                }
                Ok(()) = drop_now.recv() => {
                    // 4000 "unknown error": Discord's resumable close.
                    let frame = CloseFrame { code: CloseCode::Library(4000), reason: "fake drop".into() };
                    let _ = tx.send(Message::Close(Some(frame))).await;
                    return;
                }
                incoming = rx.next() => {
                    let Some(Ok(Message::Text(text))) = incoming else { return };
                    let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                    match frame["op"].as_u64() {
                        Some(1) => {
                            self.seen.lock().unwrap().heartbeats += 1;
                            let _ = out.send(json!({ "op": 11 }));
                        }
                        Some(2) => {
                            {
                                let mut seen = self.seen.lock().unwrap();
                                seen.identifies += 1;
                                seen.intents = frame["d"]["intents"].as_u64();
                            }
                            seq += 1;
                            let _ = out.send(json!({ "op": 0, "t": "READY", "s": seq, "d": {
                                "v": 10,
                                "user": { "id": BOT.to_string(), "username": "Tandem", "discriminator": "0", "bot": true, "avatar": null },
                                "guilds": [], "session_id": "fake-session", "resume_gateway_url": self.url,
                                "shard": [0, 1], "application": { "id": APP.to_string(), "flags": 0 },
                            }}));
                            live = true;
                            self.ready.notify_one();
                        }
                        Some(6) => {
                            self.seen.lock().unwrap().resumes += 1;
                            seq = frame["d"]["seq"].as_u64().unwrap_or(seq) + 1;
                            let _ = out.send(json!({ "op": 0, "t": "RESUMED", "s": seq, "d": {} }));
                            live = true;
                            self.ready.notify_one();
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
