//! Benchmark (not a test): fan out 5,000 messages through the Discord outbound layer to the fake
//! Discord enforcing 50 requests/s globally, while HTTP interactions keep arriving; reports the
//! achieved rate, global 429s, interaction acknowledgement p50/p99 and resident memory. Only
//! 127.0.0.1 is contacted; every loop is bounded. `DISCORD_FANOUT_MESSAGES` overrides the count.

// The integration tests' fake Discord, shared as files (a bench is its own crate).
#[allow(dead_code)]
#[path = "../integration/discord/fake.rs"]
mod fake;
#[allow(dead_code)]
#[path = "../integration/discord/objects.rs"]
mod objects;
#[allow(dead_code)]
#[path = "../integration/discord/payloads.rs"]
mod payloads;
#[allow(dead_code)]
#[path = "../integration/referee.rs"]
mod referee;
#[allow(dead_code)]
#[path = "../integration/discord/spec.rs"]
mod spec;
#[allow(dead_code)]
#[path = "../integration/specs.rs"]
mod specs;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use fake::{COORDINATOR_ROLE, FakeDiscord, GUILD, TOKEN};
use payloads::{GINA, mentoring};
use tandem::adapters::discord::interactions::Interactions;
use tandem::adapters::discord::{Discord, DiscordSettings, endpoint};
use tandem::app::{App, Settings};
use tandem::chat::{ChannelRef, Chat, Chats, Message};
use tandem::clock::SystemClock;
use tandem::domain::Platform;
use tandem::store::Store;

/// Messages in flight at once: plenty to keep the pacer busy.
const IN_FLIGHT: usize = 64;
/// Interactions sent during the fan-out, one every 100 ms.
const ACKS: usize = 100;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // The fake gets its own runtime thread, so the bot's load doesn't delay Discord's side.
    let fake_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = fake_runtime.block_on(FakeDiscord::start());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(fan_out(fake));
}

async fn fan_out(fake: FakeDiscord) {
    let messages: usize = std::env::var("DISCORD_FANOUT_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let key = SigningKey::from_bytes(&[42; 32]);
    let settings = DiscordSettings {
        token: TOKEN.to_string().into(),
        guild_id: GUILD,
        public_key: Some(hex(key.verifying_key().as_bytes())),
        application_id: None,
        gateway: false,
        coordinator_role: Some(COORDINATOR_ROLE),
        api_url: Some(fake.base.clone()),
        threads_after: 450,
        members_intent: false,
        call_timeout: tandem::adapters::CALL_TIMEOUT,
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .unwrap();
    let discord = Discord::connect(settings.clone()).await.unwrap();
    let app = App::new(
        store,
        Arc::new(SystemClock),
        Chats::new().with(Arc::new(discord.clone())),
        Settings::default(),
    );
    let interactions = Interactions::new(discord.clone(), app.clone());
    let router = endpoint::routes(interactions, settings.public_key.as_deref().unwrap()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/discord/interactions",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(1100)).await; // start-up calls leave the global window
    fake.lock().global_limit = Some(50);
    let idle_rss = rss_kib();

    let acks = tokio::spawn(async move {
        let http = reqwest::Client::new();
        let mut times = Vec::with_capacity(ACKS);
        for _ in 0..ACKS {
            let body = mentoring(&GINA, &["help"], vec![], &[]).to_string();
            let ts = chrono::Utc::now().timestamp().to_string();
            let signature = hex(&key.sign(format!("{ts}{body}").as_bytes()).to_bytes());
            let started = Instant::now();
            let response = http
                .post(&url)
                .header("content-type", "application/json")
                .header("x-signature-ed25519", signature)
                .header("x-signature-timestamp", ts)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap();
            times.push(started.elapsed());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        times
    });

    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut sends = Vec::with_capacity(messages);
    for i in 0..messages {
        let permit = gate.clone().acquire_owned().await.unwrap();
        let discord = discord.clone();
        sends.push(tokio::spawn(async move {
            let channel = ChannelRef::new(Platform::Discord, (1_000_000 + i % 500).to_string());
            let sent = discord
                .post(&channel, &Message::new().line("Check-in time!"))
                .await;
            drop(permit);
            sent.is_ok()
        }));
    }
    let mut delivered = 0;
    for send in sends {
        delivered += send.await.unwrap() as usize;
    }
    let elapsed = started.elapsed();
    let peak_rss = rss_kib();
    let mut times = acks.await.unwrap();
    times.sort();
    let rate = delivered as f64 / elapsed.as_secs_f64();
    let global_429s = fake.lock().global_429s;
    println!(
        "discord_fanout: {delivered}/{messages} messages in {:.1} s",
        elapsed.as_secs_f64()
    );
    println!(
        "  achieved rate: {rate:.1} requests/s ({:.0}% of the 50/s global limit)",
        rate / 50.0 * 100.0
    );
    println!("  global 429s: {global_429s}");
    println!(
        "  interaction ack under load ({} HTTP interactions): p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "  RSS: idle {} MiB, during fan-out {} MiB",
        idle_rss / 1024,
        peak_rss / 1024
    );
    assert_eq!(delivered, messages, "every message delivered");
}
