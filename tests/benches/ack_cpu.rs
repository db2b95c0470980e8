//! `cargo bench --bench ack_cpu`: how much server CPU one acknowledged Slack slash command costs.
//! Starts the real `tandem run` (the binary cargo just built) in Slack HTTP mode on an empty
//! SQLite database, with a fake Slack Web API that answers `auth.test`, then sends signed
//! `POST /slack/commands` requests with `/mentoring help` (each unique, so none is taken for a
//! replay) at fixed rates and reads the child's CPU time (user + system, from
//! `/proc/{pid}/stat` of the child) before and after each step. The idle CPU of the same
//! length (the scheduler's passes) is measured first and subtracted. Only 127.0.0.1 is
//! contacted; about half a minute.
//!
//! Settings (environment): `ACK_CPU_RATES` (requests per second, `200,500`), `ACK_CPU_SECS`
//! (seconds per rate, 10), `ACK_CPU_LOG` (the child's `RUST_LOG`; unset, its default). To measure
//! another server the same way (a minimal @slack/bolt app, docs/performance.md), give its URL
//! and process id in `ACK_CPU_URL` and `ACK_CPU_PID`.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use secrecy::SecretString;
use tandem::adapters::slack::verify;

const SECRET: &str = "bench-signing-secret";

/// Just enough Slack for start-up: auth.test with every scope; anything else is an empty success.
async fn fake_slack() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let scopes = tandem::adapters::slack::manifest::BOT_SCOPES.join(",");
    let router = Router::new()
        .route(
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
        )
        .fallback(|| async { ([("content-type", "application/json")], r#"{"ok":true}"#) });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

/// User + system CPU of a process so far, all its threads (living and exited) included.
fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the child runs");
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second = clock_ticks_per_second();
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

fn clock_ticks_per_second() -> u64 {
    let out = Command::new("getconf").arg("CLK_TCK").output();
    out.ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_tandem(db: &std::path::Path, slack_api: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .arg("run")
        .env_clear()
        .env("TANDEM_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("TANDEM_LISTEN", format!("127.0.0.1:{port}"))
        .env("SLACK_BOT_TOKEN", "xoxb-bench")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_API_URL", slack_api)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Ok(log) = std::env::var("ACK_CPU_LOG") {
        command.env("RUST_LOG", log);
    }
    let child = command.spawn().expect("tandem starts");
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let started = Instant::now();
    loop {
        let up = client
            .get(format!("{}/healthz", server.url).parse().unwrap())
            .await
            .is_ok_and(|r| r.status().is_success());
        if up {
            return server;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "tandem run did not answer /healthz within a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Target {
    url: String,
    client: Client<HttpConnector, Full<Bytes>>,
    secret: SecretString,
}

impl Target {
    /// One signed `/mentoring help`; unique per `n` so it is never taken for a replay.
    async fn send(&self, n: u64) {
        let body = format!(
            "token=x&team_id=T1&team_domain=bench&channel_id=C1&channel_name=general&user_id=U{n}&user_name=bench&command=%2Fmentoring&text=help&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx&trigger_id={n}.1.abc"
        );
        let ts = chrono::Utc::now().timestamp().to_string();
        let signature = verify::sign(&self.secret, &ts, body.as_bytes());
        let request = hyper::Request::post(&self.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", signature)
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let response = self.client.request(request).await.expect("request");
        assert!(response.status().is_success(), "{}", response.status());
        response.into_body().collect().await.unwrap();
    }

    /// `rate` requests a second for `length`; how many were sent.
    async fn load(self: &Arc<Self>, rate: u64, length: Duration, first: u64) -> u64 {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let started = Instant::now();
        let mut running = Vec::new();
        let mut n = first;
        while started.elapsed() < length {
            tick.tick().await;
            n += 1;
            let me = self.clone();
            running.push(tokio::spawn(async move { me.send(n).await }));
        }
        for task in running {
            task.await.unwrap();
        }
        n - first
    }
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let rates: Vec<u64> = std::env::var("ACK_CPU_RATES")
        .unwrap_or_else(|_| "200,500".into())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let length = Duration::from_secs(setting("ACK_CPU_SECS", 10));
    let dir = tempfile::tempdir().unwrap();
    // Another server to compare with (a minimal @slack/bolt app, say): its URL and process id.
    let other = std::env::var("ACK_CPU_URL")
        .ok()
        .zip(std::env::var("ACK_CPU_PID").ok());
    let mut server = None;
    let (url, pid) = match other {
        Some((url, pid)) => (url, pid.parse().expect("ACK_CPU_PID is a process id")),
        None => {
            let slack_api = fake_slack().await;
            let started = start_tandem(&dir.path().join("bench.db"), &slack_api).await;
            let found = (
                format!("{}/slack/commands", started.url),
                started.child.id(),
            );
            server = Some(started);
            found
        }
    };
    let target = Arc::new(Target {
        url,
        client: Client::builder(TokioExecutor::new()).build_http(),
        secret: SecretString::from(SECRET),
    });
    // Warm up: connections, statement caches, the allocator.
    let mut n = target.load(200, Duration::from_secs(2), 0).await;

    let before = cpu_of(pid);
    tokio::time::sleep(length).await;
    let idle = cpu_of(pid) - before;
    println!(
        "tandem run, idle for {} s: {:.1} ms of CPU",
        length.as_secs(),
        idle.as_secs_f64() * 1000.0
    );
    for rate in rates {
        let before = cpu_of(pid);
        let started = Instant::now();
        let sent = target.load(rate, length, n).await;
        let took = started.elapsed();
        n += sent;
        let busy = cpu_of(pid) - before;
        let idle_share = idle.as_secs_f64() * took.as_secs_f64() / length.as_secs_f64();
        let per_request = (busy.as_secs_f64() - idle_share).max(0.0) / sent as f64;
        println!(
            "{rate:>5} req/s: {sent} requests in {:.1} s, {:.0} ms of CPU, {:.0} µs per request \
             ({:.0} µs before the idle share is taken off)",
            took.as_secs_f64(),
            busy.as_secs_f64() * 1000.0,
            per_request * 1e6,
            busy.as_secs_f64() / sent as f64 * 1e6,
        );
    }
    drop(server);
}
