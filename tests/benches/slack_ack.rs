//! `cargo bench --bench slack_ack`: signed slash commands against `/slack/commands` on loopback
//! at rising rates, then closed-loop at saturation. Prints p50/p99 acknowledgement latency and
//! throughput, and the process's idle RSS. Bounded (about 20 s) and only ever talks to 127.0.0.1.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::SecretString;
use tandem::adapters::slack::{ACK_BUDGET, Slack, SlackSettings, verify, webhooks};
use tandem::app::{App, Settings};
use tandem::chat::Chats;
use tandem::clock::SystemClock;
use tandem::store::Store;

const SECRET: &str = "bench-signing-secret";
const RATES: &[u64] = &[50, 200, 500, 1000];
const STEP: Duration = Duration::from_secs(3);
const SATURATION_WORKERS: usize = 32;

/// Just enough Slack for start-up: auth.test with every scope.
async fn fake_slack() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let scopes = tandem::adapters::slack::manifest::BOT_SCOPES.join(",");
    let router = Router::new().route(
        "/api/auth.test",
        post(move || {
            let scopes = scopes.clone();
            async move {
                (
                    [("x-oauth-scopes", scopes), ("content-type", "application/json".into())],
                    r#"{"ok":true,"url":"https://b/","team":"B","user":"t","team_id":"T1","user_id":"U0"}"#,
                )
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Target {
    url: String,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    secret: SecretString,
}

impl Target {
    /// One signed `/mentoring help`; unique per `n` so it is never taken for a replay.
    async fn send(&self, n: u64) -> Duration {
        let body = format!(
            "command=%2Fmentoring&text=help&user_id=U{n}&user_name=bench&channel_id=C1&trigger_id={n}.1"
        );
        let ts = chrono::Utc::now().timestamp().to_string();
        let signature = verify::sign(&self.secret, &ts, body.as_bytes());
        let request = hyper::Request::post(&self.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", signature)
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let started = Instant::now();
        let response = self.client.request(request).await.expect("request");
        assert!(response.status().is_success(), "{}", response.status());
        response.into_body().collect().await.unwrap();
        started.elapsed()
    }
}

fn report(label: &str, mut latencies: Vec<Duration>, elapsed: Duration) {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{label:>14}: {:>6} requests, {:>7.0} req/s, p50 {:>7.2} ms, p99 {:>7.2} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .unwrap();
    let api_url = fake_slack().await;
    let settings = SlackSettings {
        bot_token: SecretString::from("xoxb-bench"),
        app_token: None,
        signing_secret: Some(SecretString::from(SECRET)),
        api_url,
        ack_budget: ACK_BUDGET,
        verify_posts: false,
        call_timeout: tandem::adapters::CALL_TIMEOUT,
    };
    let slack = Slack::connect(settings).await.unwrap();
    let chats = Chats::new().with(Arc::new(slack.chat()));
    let app = App::new(store, Arc::new(SystemClock), chats, Settings::default());
    let router = webhooks::routes(slack.webhooks(app));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slack/commands", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!(
        "idle RSS (server and client in one process): {} KiB",
        rss_kib()
    );

    let target = Arc::new(Target {
        url,
        client: Client::builder(TokioExecutor::new()).build_http(),
        secret: SecretString::from(SECRET),
    });
    let mut n = 0;
    for &rate in RATES {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let started = Instant::now();
        let mut running = Vec::new();
        while started.elapsed() < STEP {
            tick.tick().await;
            n += 1;
            let target = target.clone();
            running.push(tokio::spawn(async move { target.send(n).await }));
        }
        let mut latencies = Vec::new();
        for task in running {
            latencies.push(task.await.unwrap());
        }
        report(&format!("{rate} req/s"), latencies, started.elapsed());
    }
    let started = Instant::now();
    let workers: Vec<_> = (0..SATURATION_WORKERS)
        .map(|w| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut out = Vec::new();
                let mut i = 0;
                while started.elapsed() < STEP {
                    i += 1;
                    out.push(target.send(10_000_000 * (w as u64 + 1) + i).await);
                }
                out
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    report("saturation", latencies, started.elapsed());
    println!("RSS after load: {} KiB", rss_kib());
}
