//! The fake's Socket Mode side: a websocket server whose URL `apps.connections.open` hands out.
//! It says hello on every connection, pushes envelopes and disconnect frames, can drop the
//! socket, and records every acknowledgement.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;

use super::fake::{FakeSlack, eventually};

/// What the test tells the live connection to do.
enum Push {
    Frame(String),
    Drop,
}

#[derive(Default)]
struct Sockets {
    connections: usize,
    current: Option<mpsc::UnboundedSender<Push>>,
    acks: Vec<Value>,
}

#[derive(Clone)]
pub struct FakeSocket {
    state: Arc<Mutex<Sockets>>,
}

impl FakeSocket {
    /// Starts the websocket server and registers its URL with the fake Web API.
    pub async fn start(fake: &FakeSlack) -> FakeSocket {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/link", listener.local_addr().unwrap());
        fake.world.lock().unwrap().socket_url = Some(url);
        let socket = FakeSocket {
            state: Arc::default(),
        };
        let state = socket.state.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                    continue;
                };
                let (tx, rx) = mpsc::unbounded_channel();
                {
                    let mut s = state.lock().unwrap();
                    s.connections += 1;
                    s.current = Some(tx);
                }
                tokio::spawn(serve(ws, rx, state.clone()));
            }
        });
        socket
    }

    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    pub async fn wait_for_connections(&self, n: usize) {
        eventually(&format!("{n} Socket Mode connections"), || {
            self.connections() >= n
        })
        .await;
    }

    fn push(&self, push: Push) {
        let s = self.state.lock().unwrap();
        s.current
            .as_ref()
            .expect("a live connection")
            .send(push)
            .ok();
    }

    /// Sends an envelope and waits for its acknowledgement.
    pub async fn envelope(&self, id: &str, kind: &str, payload: Value) -> Value {
        let frame = json!({ "envelope_id": id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0 });
        self.push(Push::Frame(frame.to_string()));
        let mut found = None;
        eventually(&format!("the ack of {id}"), || {
            let s = self.state.lock().unwrap();
            found = s.acks.iter().find(|a| a["envelope_id"] == id).cloned();
            found.is_some()
        })
        .await;
        found.unwrap()
    }

    pub fn disconnect(&self, reason: &str) {
        let frame =
            json!({ "type": "disconnect", "reason": reason, "debug_info": { "host": "fake" } });
        self.push(Push::Frame(frame.to_string()));
    }

    pub fn drop_socket(&self) {
        self.push(Push::Drop);
    }
}

async fn serve<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
    mut rx: mpsc::UnboundedReceiver<Push>,
    state: Arc<Mutex<Sockets>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    let hello = json!({ "type": "hello", "num_connections": 1,
        "connection_info": { "app_id": "A0FAKE" }, "debug_info": { "host": "fake" } });
    if sink
        .send(Frame::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            push = rx.recv() => match push {
                Some(Push::Frame(text)) => {
                    if sink.send(Frame::Text(text.into())).await.is_err() { return; }
                }
                Some(Push::Drop) | None => return,
            },
            frame = stream.next() => match frame {
                Some(Ok(Frame::Text(text))) => {
                    if let Ok(ack) = serde_json::from_str::<Value>(text.as_str()) {
                        state.lock().unwrap().acks.push(ack);
                    }
                }
                Some(Ok(_)) => {}
                _ => return,
            },
        }
    }
}
