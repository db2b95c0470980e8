//! The chaos run (docs/reliability.md, "Exactly once under chaos"): not a test, a program. It
//! seeds a database with pairs on Slack and on Discord, each with one check-in due now, starts
//! real `tandem run` processes against fake Slack and Discord APIs that fail on purpose (10% 5xx,
//! half of them after carrying the post out; 5% 429 with Retry-After; 1% timeouts and 1% dropped
//! connections, half of each after carrying the post out), `kill -9`s them at random points and
//! starts them again under the same name, waits until every delivery is settled, and counts the
//! posts each pair got: delivered (one), duplicated (more) and lost (none).
//!
//! Modes: SQLite with one instance, then PostgreSQL with two and with three instances (when
//! `TANDEM_BENCH_POSTGRES_URL` is set); in each, Slack with `TANDEM_SLACK_VERIFY_POSTS=on` (with
//! Discord beside it) and again with it off. Only 127.0.0.1 is contacted.
//!
//! Run: `cargo bench --bench chaos`. Settings (environment): `CHAOS_PAIRS` (2000 per platform),
//! `CHAOS_KILLS` (20 per mode), `CHAOS_MODES` (`sqlite,pg2,pg3`), `CHAOS_VERIFY` (`on,off`),
//! `CHAOS_SEED`, `CHAOS_TIMEOUT_SECS` (the children's `TANDEM_PLATFORM_TIMEOUT_SECS`, 2),
//! `CHAOS_MODE_LIMIT_SECS` (how long a mode may take to settle, 1200), `CHAOS_LOG` (the children's
//! `RUST_LOG`, `warn`), `CHAOS_KEEP_LOGS` (keep the databases and the children's logs).

#[allow(dead_code)]
#[path = "../integration/discord/objects.rs"]
mod objects;

/// The ids the Discord objects are built with (as in the integration tests' fake).
mod fake {
    pub const GUILD: u64 = 900_000_000_000_000_001;
    pub const APP: u64 = 900_000_000_000_000_002;
    pub const BOT: u64 = 900_000_000_000_000_003;
}

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tandem::adapters::slack::manifest::{BOT_SCOPES, VERIFY_SCOPES};
use tandem::domain::{Intake, IntakeStatus, Pair, Participant, Platform, Timestamp, new_id};
use tandem::store::jobs::{Job, JobKind, JobStatus};
use tandem::store::{self, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const SLACK_TOKEN: &str = "xoxb-chaos";
const DISCORD_TOKEN: &str = "chaos-discord-token";
/// How long the fake Discord remembers a nonce: "a few minutes" in Discord's words.
const NONCE_WINDOW: Duration = Duration::from_secs(180);
/// Slack channel ids of the pairs: `C` and a number; Discord's are snowflakes from here.
const DISCORD_CHANNEL_BASE: u64 = 1_200_000_000_000_000_000;

// ---------------------------------------------------------------------------------------------
// Randomness: a small seeded generator, so a run can be repeated with CHAOS_SEED.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

// ---------------------------------------------------------------------------------------------
// Faults.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fault {
    ServerError,
    RateLimited,
    Timeout,
    Dropped,
}

/// What happens to one request: carried out or not, and how it is answered.
#[derive(Debug, Clone, Copy)]
enum Fate {
    Fine,
    /// Fails before anything is done.
    Before(Fault),
    /// Carried out, then the answer is lost.
    After(Fault),
}

struct Faults {
    rng: Mutex<Rng>,
    /// How long a "timeout" holds its answer: past the client's timeout.
    hold: Duration,
}

impl Faults {
    /// 10% 5xx (half after the post), 5% 429, 1% timeouts and 1% dropped connections (half of
    /// each after the post).
    fn roll(&self) -> Fate {
        let r = self.rng.lock().unwrap().below(1000);
        match r {
            0..50 => Fate::Before(Fault::ServerError),
            50..100 => Fate::After(Fault::ServerError),
            100..150 => Fate::Before(Fault::RateLimited),
            150..155 => Fate::Before(Fault::Timeout),
            155..160 => Fate::After(Fault::Timeout),
            160..165 => Fate::Before(Fault::Dropped),
            165..170 => Fate::After(Fault::Dropped),
            _ => Fate::Fine,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server: enough for hyper and reqwest clients, and able to hang or to close
// a connection without answering, which a framework would not do.

struct Request {
    method: String,
    path: String,
    query: Option<String>,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

enum Reply {
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// No answer until the client has given up, then the connection closes.
    Hang(Duration),
    /// The connection closes without an answer.
    Drop,
}

fn json_reply(status: u16, body: &Value) -> Reply {
    Reply::Answer {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

type Handler = Arc<dyn Fn(Request) -> Reply + Send + Sync>;

async fn serve(listener: TcpListener, handler: Handler) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let handler = handler.clone();
        tokio::spawn(async move {
            let _ = connection(stream, handler).await;
        });
    }
}

async fn connection(stream: TcpStream, handler: Handler) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = HashMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await? == 0 {
                return Ok(());
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target, None),
        };
        let reply = handler(Request {
            method,
            path,
            query,
            headers,
            body,
        });
        match reply {
            Reply::Answer {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} Chaos\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                write.write_all(head.as_bytes()).await?;
                write.write_all(&body).await?;
                write.flush().await?;
            }
            Reply::Hang(how_long) => {
                tokio::time::sleep(how_long).await;
                return Ok(());
            }
            Reply::Drop => return Ok(()),
        }
    }
}

/// The answer a fault gives; `answer` is what success would have said.
fn faulty(fault: Fault, faults: &Faults, platform: Platform) -> Reply {
    match (fault, platform) {
        (Fault::ServerError, _) => Reply::Answer {
            status: 502,
            headers: vec![("content-type", "text/html".into())],
            body: b"<html>502 Bad Gateway</html>".to_vec(),
        },
        (Fault::RateLimited, Platform::Discord) => Reply::Answer {
            status: 429,
            headers: vec![
                ("content-type", "application/json".into()),
                ("retry-after", "1".into()),
                ("x-ratelimit-scope", "user".into()),
            ],
            body: json!({ "message": "You are being rate limited.", "retry_after": 1.0, "global": false })
                .to_string()
                .into_bytes(),
        },
        (Fault::RateLimited, _) => Reply::Answer {
            status: 429,
            headers: vec![
                ("content-type", "application/json".into()),
                ("retry-after", "1".into()),
            ],
            body: json!({ "ok": false, "error": "ratelimited" })
                .to_string()
                .into_bytes(),
        },
        (Fault::Timeout, _) => Reply::Hang(faults.hold),
        (Fault::Dropped, _) => Reply::Drop,
    }
}

// ---------------------------------------------------------------------------------------------
// The fake Slack: auth.test, chat.postMessage with metadata, conversations.history.

struct SlackPost {
    ts: String,
    metadata: Value,
    text: Value,
}

#[derive(Default)]
struct SlackWorld {
    posts: HashMap<String, Vec<SlackPost>>,
    /// Every request, numbered, so a resend can be told from a verified one.
    seq: u64,
    /// Key → the number of the last chat.postMessage request carrying it.
    last_post_request: HashMap<String, u64>,
    /// Channel → the number of the last conversations.history answered there.
    last_lookup: HashMap<String, u64>,
    /// Posts requested again with a key already sent once, with no answered lookup since.
    unverified_resends: usize,
    lookups: usize,
    faults: HashMap<Fault, usize>,
    unexpected: Vec<String>,
    next_ts: u64,
}

fn slack_parameters(request: &Request) -> Value {
    let mut out = serde_json::Map::new();
    let mut add_form = |text: &[u8]| {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(text).unwrap_or_default();
        for (k, v) in pairs {
            out.insert(k, Value::String(v));
        }
    };
    if let Some(q) = &request.query {
        add_form(q.as_bytes());
    }
    let is_json = request
        .headers
        .get("content-type")
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        if let Ok(Value::Object(map)) = serde_json::from_slice(&request.body) {
            out.extend(map);
        }
    } else if !request.body.is_empty() {
        add_form(&request.body);
    }
    Value::Object(out)
}

fn slack_ok(mut body: Value) -> Reply {
    body["ok"] = Value::Bool(true);
    json_reply(200, &body)
}

fn slack_handler(world: Arc<Mutex<SlackWorld>>, faults: Arc<Faults>) -> Handler {
    Arc::new(move |request: Request| {
        let method = request
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let p = slack_parameters(&request);
        let mut w = world.lock().unwrap();
        w.seq += 1;
        let seq = w.seq;
        if request.headers.get("authorization").map(String::as_str)
            != Some(&format!("Bearer {SLACK_TOKEN}"))
        {
            return json_reply(200, &json!({ "ok": false, "error": "invalid_auth" }));
        }
        match method.as_str() {
            "auth.test" => {
                let scopes: Vec<&str> = BOT_SCOPES.iter().chain(VERIFY_SCOPES).copied().collect();
                let body = json!({ "ok": true, "url": "https://chaos.slack.com/", "team": "Chaos",
                    "user": "tandem", "team_id": "T0CHAOS", "user_id": "UTANDEM", "bot_id": "B0CHAOS" });
                Reply::Answer {
                    status: 200,
                    headers: vec![
                        ("content-type", "application/json".into()),
                        ("x-oauth-scopes", scopes.join(",")),
                    ],
                    body: body.to_string().into_bytes(),
                }
            }
            "chat.postMessage" => {
                let channel = p["channel"].as_str().unwrap_or_default().to_string();
                let metadata = match &p["metadata"] {
                    Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
                    other => other.clone(),
                };
                let key = metadata["event_payload"]["key"]
                    .as_str()
                    .map(str::to_string);
                if let Some(key) = &key {
                    if let Some(before) = w.last_post_request.get(key).copied() {
                        let looked = w.last_lookup.get(&channel).copied().unwrap_or(0);
                        if looked < before {
                            w.unverified_resends += 1;
                        }
                    }
                    w.last_post_request.insert(key.clone(), seq);
                }
                let fate = faults.roll();
                if let Fate::Before(fault) = fate {
                    *w.faults.entry(fault).or_default() += 1;
                    return faulty(fault, &faults, Platform::Slack);
                }
                w.next_ts += 1;
                let ts = format!("1700000000.{:06}", w.next_ts);
                w.posts.entry(channel.clone()).or_default().push(SlackPost {
                    ts: ts.clone(),
                    metadata,
                    text: p["text"].clone(),
                });
                if let Fate::After(fault) = fate {
                    *w.faults.entry(fault).or_default() += 1;
                    return faulty(fault, &faults, Platform::Slack);
                }
                let message = json!({ "type": "message", "ts": ts, "text": p["text"],
                    "user": "UTANDEM", "bot_id": "B0CHAOS" });
                slack_ok(json!({ "channel": channel, "ts": ts, "message": message }))
            }
            "conversations.history" => {
                let channel = p["channel"].as_str().unwrap_or_default().to_string();
                let fate = faults.roll();
                if let Fate::Before(fault) | Fate::After(fault) = fate {
                    *w.faults.entry(fault).or_default() += 1;
                    return faulty(fault, &faults, Platform::Slack);
                }
                w.lookups += 1;
                w.last_lookup.insert(channel.clone(), seq);
                // Form values arrive as text, JSON ones as themselves.
                let text = |name: &str| match &p[name] {
                    Value::String(v) => v.clone(),
                    other => other.to_string(),
                };
                let with_metadata = matches!(text("include_all_metadata").as_str(), "true" | "1");
                let limit: usize = text("limit").parse().unwrap_or(100);
                let messages: Vec<Value> = w
                    .posts
                    .get(&channel)
                    .map(|posts| {
                        posts
                            .iter()
                            .rev()
                            .take(limit)
                            .map(|post| {
                                let mut m = json!({ "type": "message", "ts": post.ts,
                                    "text": post.text, "user": "UTANDEM", "bot_id": "B0CHAOS" });
                                if with_metadata && !post.metadata.is_null() {
                                    m["metadata"] = post.metadata.clone();
                                }
                                m
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                slack_ok(
                    json!({ "messages": messages, "has_more": false, "pin_count": 0,
                    "channel_actions_ts": null, "channel_actions_count": 0 }),
                )
            }
            other => {
                w.unexpected.push(other.to_string());
                json_reply(200, &json!({ "ok": false, "error": "unknown_method" }))
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The fake Discord: the start-up reads, the command table, and messages with nonces.

struct DiscordPost {
    nonce: Option<String>,
    at: Instant,
    message: Value,
}

#[derive(Default)]
struct DiscordWorld {
    posts: HashMap<String, Vec<DiscordPost>>,
    commands: Vec<Value>,
    next_id: u64,
    /// Repeats answered with the message a nonce already made.
    nonce_hits: usize,
    faults: HashMap<Fault, usize>,
    unexpected: Vec<String>,
}

fn discord_handler(world: Arc<Mutex<DiscordWorld>>, faults: Arc<Faults>) -> Handler {
    Arc::new(move |request: Request| {
        let mut w = world.lock().unwrap();
        if request.headers.get("authorization").map(String::as_str)
            != Some(&format!("Bot {DISCORD_TOKEN}"))
        {
            return json_reply(401, &json!({ "message": "401: Unauthorized", "code": 0 }));
        }
        let path = request
            .path
            .strip_prefix("/api/v10")
            .unwrap_or(&request.path)
            .to_string();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let (guild, app, bot) = (
            fake::GUILD.to_string(),
            fake::APP.to_string(),
            fake::BOT.to_string(),
        );
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["users", "@me"]) => json_reply(200, &objects::bot_account()),
            ("GET", ["guilds", g]) if *g == guild => {
                // @everyone (the server's id) may administer: the permission check passes.
                json_reply(
                    200,
                    &objects::guild(vec![objects::role(&guild, "@everyone", 8, 0)]),
                )
            }
            ("GET", ["guilds", g, "members", m]) if *g == guild && *m == bot => {
                json_reply(200, &objects::member(&bot, "Tandem", vec![], true))
            }
            ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app && *g == guild => {
                json_reply(200, &Value::Array(w.commands.clone()))
            }
            ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app && *g == guild => {
                let made: Vec<Value> = body
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        objects::command(&(800_000_000_000_000_000u64 + i as u64).to_string(), c)
                    })
                    .collect();
                w.commands = made.clone();
                json_reply(200, &Value::Array(made))
            }
            ("POST", ["channels", channel, "messages"]) => {
                let channel = channel.to_string();
                let fate = faults.roll();
                if let Fate::Before(fault) = fate {
                    *w.faults.entry(fault).or_default() += 1;
                    return faulty(fault, &faults, Platform::Discord);
                }
                let nonce = body["nonce"].as_str().map(str::to_string);
                let enforce = body["enforce_nonce"] == json!(true);
                let earlier = w.posts.get(&channel).and_then(|posts| {
                    posts
                        .iter()
                        .find(|p| {
                            enforce
                                && nonce.is_some()
                                && p.nonce == nonce
                                && p.at.elapsed() < NONCE_WINDOW
                        })
                        .map(|p| p.message.clone())
                });
                let message = match earlier {
                    Some(message) => {
                        w.nonce_hits += 1;
                        message
                    }
                    None => {
                        w.next_id += 1;
                        let id = (1_300_000_000_000_000_000u64 + w.next_id).to_string();
                        let message = objects::message(&id, &channel, &body, json!([]));
                        w.posts
                            .entry(channel.clone())
                            .or_default()
                            .push(DiscordPost {
                                nonce,
                                at: Instant::now(),
                                message: message.clone(),
                            });
                        message
                    }
                };
                if let Fate::After(fault) = fate {
                    *w.faults.entry(fault).or_default() += 1;
                    return faulty(fault, &faults, Platform::Discord);
                }
                json_reply(200, &message)
            }
            (method, _) => {
                w.unexpected.push(format!("{method} {path}"));
                json_reply(404, &json!({ "message": "404: Not Found", "code": 0 }))
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The run.

struct Settings {
    pairs: usize,
    kills: usize,
    modes: Vec<String>,
    verify: Vec<bool>,
    seed: u64,
    timeout_secs: u64,
    limit: Duration,
    postgres: Option<String>,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Settings {
    fn from_env() -> Settings {
        let list = |name: &str, default: &str| -> Vec<String> {
            std::env::var(name)
                .unwrap_or_else(|_| default.to_string())
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let seed = env_or(
            "CHAOS_SEED",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1),
        );
        Settings {
            pairs: env_or("CHAOS_PAIRS", 2000),
            kills: env_or("CHAOS_KILLS", 20),
            modes: list("CHAOS_MODES", "sqlite,pg2,pg3"),
            verify: list("CHAOS_VERIFY", "on,off")
                .iter()
                .map(|v| v == "on")
                .collect(),
            seed: seed.max(1),
            timeout_secs: env_or("CHAOS_TIMEOUT_SECS", 2),
            limit: Duration::from_secs(env_or("CHAOS_MODE_LIMIT_SECS", 1200)),
            postgres: std::env::var("TANDEM_BENCH_POSTGRES_URL").ok(),
        }
    }
}

/// One mode's figures for one platform.
struct Figures {
    platform: &'static str,
    mode: String,
    delivered: usize,
    duplicated: usize,
    extra_posts: usize,
    lost: usize,
    window: Option<usize>,
    named: Vec<String>,
    took: Duration,
    kills: usize,
    faults: usize,
}

fn person(i: usize, platform: Platform, now: Timestamp) -> Participant {
    let account = match platform {
        Platform::Discord => (1_100_000_000_000_000_000u64 + i as u64).to_string(),
        _ => format!("U{i:08}"),
    };
    Participant::new(platform, &account, &format!("Person {i}"), now)
}

fn slack_channel(i: usize) -> String {
    format!("C{i:08}")
}

fn discord_channel(i: usize) -> String {
    (DISCORD_CHANNEL_BASE + i as u64).to_string()
}

/// Pairs on each platform, each with its channel already made, and one check-in due now for
/// every pair. Returns pair id → (platform, channel).
async fn seed(
    url: &str,
    pairs: usize,
    platforms: &[Platform],
) -> anyhow::Result<HashMap<String, (Platform, String)>> {
    let store = Store::open(url).await?;
    let now = Timestamp::from_utc(chrono::Utc::now());
    let intake = Intake {
        id: new_id(),
        name: "Chaos".into(),
        zone: chrono_tz::UTC,
        starts_on: None,
        ends_on: None,
        status: IntakeStatus::Active,
        announcement_channel: None,
        created_at: now,
    };
    let mut spaces = HashMap::new();
    let mut tx = store.begin().await?;
    store::intakes::insert(&mut *tx, &intake).await?;
    for platform in platforms {
        for i in 0..pairs {
            let (mentor, mentee) = (
                person(2 * i, *platform, now),
                person(2 * i + 1, *platform, now),
            );
            store::participants::insert(&mut *tx, &mentor).await?;
            store::participants::insert(&mut *tx, &mentee).await?;
            let channel = match platform {
                Platform::Slack => slack_channel(i),
                _ => discord_channel(i),
            };
            let pair = Pair {
                id: new_id(),
                intake_id: intake.id.clone(),
                mentor_id: mentor.id,
                mentee_id: mentee.id,
                platform: *platform,
                space_id: Some(channel.clone()),
                created_at: now,
                ended_at: None,
            };
            store::pairs::insert(&mut *tx, &pair).await?;
            spaces.insert(pair.id.clone(), (*platform, channel));
        }
    }
    let job = Job {
        id: new_id(),
        key: format!("chaos@{}", now.0),
        kind: JobKind::Checkin,
        target: intake.id.clone(),
        schedule_id: None,
        due_at: now,
        created_at: now,
    };
    store::jobs::insert_if_new(&mut *tx, &job, JobStatus::Fanned).await?;
    let recipients: Vec<String> = spaces.keys().cloned().collect();
    store::deliveries::insert_many(&mut tx, &job.id, &recipients, now).await?;
    tx.commit().await?;
    store.close().await;
    Ok(spaces)
}

struct Instance {
    name: String,
    child: Child,
}

struct Children {
    db_url: String,
    slack_url: String,
    discord_url: Option<String>,
    verify: bool,
    timeout_secs: u64,
    log: std::path::PathBuf,
}

impl Children {
    fn start(&self, name: &str) -> anyhow::Result<Instance> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
        command
            .arg("run")
            .env_clear()
            .env(
                "RUST_LOG",
                std::env::var("CHAOS_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("TANDEM_DATABASE_URL", &self.db_url)
            .env("TANDEM_LISTEN", "127.0.0.1:0")
            .env("TANDEM_INSTANCE_ID", name)
            .env(
                "TANDEM_PLATFORM_TIMEOUT_SECS",
                self.timeout_secs.to_string(),
            )
            .env("SLACK_BOT_TOKEN", SLACK_TOKEN)
            .env("SLACK_SIGNING_SECRET", "chaos-signing-secret")
            .env("SLACK_API_URL", &self.slack_url)
            .env(
                "TANDEM_SLACK_VERIFY_POSTS",
                if self.verify { "on" } else { "off" },
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(discord) = &self.discord_url {
            command
                .env("DISCORD_BOT_TOKEN", DISCORD_TOKEN)
                .env("DISCORD_GUILD_ID", fake::GUILD.to_string())
                .env("DISCORD_APPLICATION_ID", fake::APP.to_string())
                .env("DISCORD_GATEWAY", "off")
                .env("DISCORD_API_URL", discord);
        }
        Ok(Instance {
            name: name.to_string(),
            child: command.spawn()?,
        })
    }
}

async fn pending(store: &Store) -> anyhow::Result<i64> {
    Ok(store::deliveries::count_by_status(store.pool(), "pending").await?)
}

/// Retries wait 30 s, 60 s, 2 min… by Tandem's back-off: the run brings them forward, as if the
/// clock jumped, so a mode takes minutes rather than an hour. Leased rows are left alone.
async fn bring_retries_forward(store: &Store) -> anyhow::Result<()> {
    let now = Timestamp::from_utc(chrono::Utc::now());
    sqlx::query(
        "UPDATE deliveries SET not_before = $1
         WHERE status = 'pending' AND not_before > $1 AND lease_until IS NULL",
    )
    .bind(now.0)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// One delivery's record, for naming a loss or a duplicate.
async fn describe(store: &Store, pair_id: &str) -> String {
    let row = sqlx::query(
        "SELECT status, attempts, last_error, message_id FROM deliveries WHERE recipient = $1",
    )
    .bind(pair_id)
    .fetch_optional(store.pool())
    .await;
    match row {
        Ok(Some(row)) => {
            use sqlx::Row;
            let status: String = row.try_get(0).unwrap_or_default();
            let attempts: i64 = row.try_get(1).unwrap_or_default();
            let error: Option<String> = row.try_get(2).unwrap_or_default();
            let message: Option<String> = row.try_get(3).unwrap_or_default();
            format!(
                "delivery {status} after {attempts} attempt(s), message {}, last error {}",
                message.unwrap_or_else(|| "-".into()),
                error.unwrap_or_else(|| "-".into())
            )
        }
        Ok(None) => "no delivery row".into(),
        Err(err) => format!("could not read the delivery: {err}"),
    }
}

/// A fresh database for one mode: a SQLite file, or a PostgreSQL schema.
async fn fresh_database(
    settings: &Settings,
    dir: &std::path::Path,
    mode: &str,
    tag: &str,
) -> anyhow::Result<Option<String>> {
    if mode == "sqlite" {
        return Ok(Some(format!("sqlite://{}/chaos-{tag}.db", dir.display())));
    }
    let Some(base) = &settings.postgres else {
        return Ok(None);
    };
    let admin = Store::connect(base).await?;
    let schema = format!("chaos_{}", new_id().to_lowercase().replace('-', "_"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(admin.pool())
        .await?;
    admin.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(Some(format!(
        "{base}{separator}options[search_path]={schema}"
    )))
}

async fn run_mode(
    settings: &Settings,
    rng: &mut Rng,
    dir: &std::path::Path,
    mode: &str,
    verify: bool,
    with_discord: bool,
) -> anyhow::Result<Vec<Figures>> {
    let instances = match mode {
        "pg2" => 2,
        "pg3" => 3,
        _ => 1,
    };
    let label = format!(
        "{mode} ({instances} instance{}), Slack verify {}",
        if instances > 1 { "s" } else { "" },
        if verify { "on" } else { "off" }
    );
    let tag = format!("{mode}-{}", if verify { "on" } else { "off" });
    let Some(db_url) = fresh_database(settings, dir, mode, &tag).await? else {
        println!("{label}: skipped (set TANDEM_BENCH_POSTGRES_URL=postgres://… to include it)");
        return Ok(Vec::new());
    };
    let faults = Arc::new(Faults {
        rng: Mutex::new(Rng(rng.next() | 1)),
        hold: Duration::from_secs(settings.timeout_secs + 1),
    });
    let slack_world = Arc::new(Mutex::new(SlackWorld::default()));
    let discord_world = Arc::new(Mutex::new(DiscordWorld::default()));
    let slack_listener = TcpListener::bind("127.0.0.1:0").await?;
    let slack_url = format!("http://{}/api", slack_listener.local_addr()?);
    tokio::spawn(serve(
        slack_listener,
        slack_handler(slack_world.clone(), faults.clone()),
    ));
    let discord_listener = TcpListener::bind("127.0.0.1:0").await?;
    let discord_url = format!("http://{}", discord_listener.local_addr()?);
    tokio::spawn(serve(
        discord_listener,
        discord_handler(discord_world.clone(), faults.clone()),
    ));
    let platforms: Vec<Platform> = if with_discord {
        vec![Platform::Slack, Platform::Discord]
    } else {
        vec![Platform::Slack]
    };
    let spaces = seed(&db_url, settings.pairs, &platforms).await?;
    let store = Store::connect(&db_url).await?;
    let log = dir.join(format!("chaos-{tag}.log"));
    let children = Children {
        db_url: db_url.clone(),
        slack_url,
        discord_url: with_discord.then_some(discord_url),
        verify,
        timeout_secs: settings.timeout_secs,
        log: log.clone(),
    };
    let started = Instant::now();
    let mut running: Vec<Instance> = (0..instances)
        .map(|k| children.start(&format!("chaos-{k}")))
        .collect::<anyhow::Result<_>>()?;
    let mut kills = 0;
    let mut next_kill = Instant::now() + Duration::from_millis(300 + rng.below(2500));
    let mut last_forward = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if kills < settings.kills && Instant::now() >= next_kill {
            let k = rng.below(running.len() as u64) as usize;
            let name = running[k].name.clone();
            running[k].child.kill()?; // SIGKILL
            running[k].child.wait()?;
            running[k] = children.start(&name)?;
            kills += 1;
            next_kill = Instant::now() + Duration::from_millis(300 + rng.below(2500));
            continue;
        }
        // A child that stopped by itself (a start-up error) is started again, and said.
        for instance in running.iter_mut() {
            if let Some(status) = instance.child.try_wait()? {
                eprintln!(
                    "{label}: {} exited by itself ({status}); see {}",
                    instance.name,
                    log.display()
                );
                *instance = children.start(&instance.name.clone())?;
            }
        }
        if last_forward.elapsed() > Duration::from_secs(2) {
            let _ = bring_retries_forward(&store).await;
            last_forward = Instant::now();
        }
        if kills >= settings.kills && pending(&store).await.unwrap_or(1) == 0 {
            break;
        }
        if started.elapsed() > settings.limit {
            eprintln!(
                "{label}: not settled after {:?}; counting as it stands",
                settings.limit
            );
            break;
        }
    }
    let took = started.elapsed();
    for instance in running.iter_mut() {
        let _ = instance.child.kill();
        let _ = instance.child.wait();
    }

    let mut figures = Vec::new();
    for platform in &platforms {
        let mut f = Figures {
            platform: if *platform == Platform::Slack {
                "Slack"
            } else {
                "Discord"
            },
            mode: if *platform == Platform::Slack {
                label.clone()
            } else {
                label.split(", Slack").next().unwrap_or(&label).to_string()
            },
            delivered: 0,
            duplicated: 0,
            extra_posts: 0,
            lost: 0,
            window: None,
            named: Vec::new(),
            took,
            kills,
            faults: 0,
        };
        // For a Discord duplicate: how far apart its posts were, and whether their nonces match.
        let mut spread: HashMap<String, String> = HashMap::new();
        let counts: HashMap<String, usize> = if *platform == Platform::Slack {
            let w = slack_world.lock().unwrap();
            f.window = (!verify).then_some(w.unverified_resends);
            f.faults = w.faults.values().sum();
            if !w.unexpected.is_empty() {
                eprintln!("Slack: unexpected calls {:?}", w.unexpected);
            }
            w.posts.iter().map(|(c, p)| (c.clone(), p.len())).collect()
        } else {
            let w = discord_world.lock().unwrap();
            f.faults = w.faults.values().sum();
            if !w.unexpected.is_empty() {
                eprintln!("Discord: unexpected calls {:?}", w.unexpected);
            }
            for (channel, posts) in w.posts.iter().filter(|(_, p)| p.len() > 1) {
                let (first, last) = (&posts[0], &posts[posts.len() - 1]);
                spread.insert(
                    channel.clone(),
                    format!(
                        " [posts {:.0} s apart, same nonce: {}]",
                        (last.at - first.at).as_secs_f64(),
                        if posts.iter().all(|p| p.nonce == first.nonce) {
                            "yes"
                        } else {
                            "no"
                        }
                    ),
                );
            }
            w.posts.iter().map(|(c, p)| (c.clone(), p.len())).collect()
        };
        let mut ours: Vec<(&String, &String)> = spaces
            .iter()
            .filter(|(_, (p, _))| p == platform)
            .map(|(pair, (_, channel))| (pair, channel))
            .collect();
        ours.sort_by_key(|(_, channel)| (*channel).clone());
        for (pair, channel) in ours {
            match counts.get(channel).copied().unwrap_or(0) {
                0 => {
                    f.lost += 1;
                    f.named.push(format!(
                        "lost: pair {pair} (channel {channel}): {}",
                        describe(&store, pair).await
                    ));
                }
                1 => f.delivered += 1,
                n => {
                    f.duplicated += 1;
                    f.extra_posts += n - 1;
                    f.named.push(format!(
                        "duplicated: pair {pair} (channel {channel}) got {n} posts: {}{}",
                        describe(&store, pair).await,
                        spread.get(channel).map_or("", String::as_str)
                    ));
                }
            }
        }
        figures.push(f);
    }
    store.close().await;
    if let (Some(base), Some((_, schema))) =
        (&settings.postgres, db_url.split_once("search_path]="))
    {
        let admin = Store::connect(base).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(admin.pool())
            .await?;
        admin.close().await;
    }
    Ok(figures)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env();
    let mut rng = Rng(settings.seed);
    let dir = tempfile::Builder::new().prefix("tandem-chaos-").tempdir()?;
    println!(
        "chaos: {} pairs per platform, {} kills per mode, client timeout {} s, seed {}, logs in {}",
        settings.pairs,
        settings.kills,
        settings.timeout_secs,
        settings.seed,
        dir.path().display()
    );
    let mut all = Vec::new();
    for mode in &settings.modes {
        for (i, verify) in settings.verify.iter().enumerate() {
            // Discord does not depend on the Slack setting: it runs beside the first one.
            let figures = run_mode(&settings, &mut rng, dir.path(), mode, *verify, i == 0).await?;
            for f in &figures {
                print_row(f);
            }
            all.extend(figures);
        }
    }
    println!();
    println!(
        "| platform | mode | delivered | duplicated | lost | counted window | kills | faults injected | took |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for f in &all {
        println!(
            "| {} | {} | {} | {}{} | {} | {} | {} | {} | {:.0} s |",
            f.platform,
            f.mode,
            f.delivered,
            f.duplicated,
            if f.extra_posts > f.duplicated {
                format!(" ({} extra posts)", f.extra_posts)
            } else {
                String::new()
            },
            f.lost,
            f.window.map_or("-".into(), |w| w.to_string()),
            f.kills,
            f.faults,
            f.took.as_secs_f64()
        );
    }
    let named: Vec<&String> = all.iter().flat_map(|f| f.named.iter()).collect();
    if !named.is_empty() {
        println!();
        for line in named {
            println!("{line}");
        }
    }
    if std::env::var_os("CHAOS_KEEP_LOGS").is_some() {
        let kept = dir.keep();
        println!("logs kept in {}", kept.display());
    }
    Ok(())
}

fn print_row(f: &Figures) {
    println!(
        "{:8} {}: delivered {}, duplicated {}, lost {}{} ({} kills, {} faults, {:.0} s)",
        f.platform,
        f.mode,
        f.delivered,
        f.duplicated,
        f.lost,
        f.window
            .map_or(String::new(), |w| format!(", counted window {w}")),
        f.kills,
        f.faults,
        f.took.as_secs_f64()
    );
}
