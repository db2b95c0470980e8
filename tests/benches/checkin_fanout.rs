//! Benchmark: one check-in fanned out to 10,000 pairs through the Chat port into an in-process
//! sink, on SQLite and (when `TANDEM_BENCH_POSTGRES_URL` is set) on PostgreSQL, with 4 workers.
//! Reports deliveries per second and peak memory. Run: `cargo bench --bench checkin_fanout`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use tandem::app::{App, Settings};
use tandem::chat::{
    ChannelRef, Chat, ChatError, Chats, Form, Message, MessageRef, ReplyTarget, Space, SpaceRequest,
};
use tandem::clock::ManualClock;
use tandem::domain::schedule::ScheduleKind;
use tandem::domain::{
    Identity, Intake, IntakeStatus, Pair, Participant, Platform, Timestamp, new_id,
};
use tandem::store::{self, Store};

const PAIRS: usize = 10_000;
const WORKERS: usize = 4;

/// Accepts every message at once: the platform is not what is measured here.
#[derive(Default)]
struct Sink {
    posted: AtomicUsize,
}

#[async_trait]
impl Chat for Sink {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    async fn ensure_private_space(&self, r: &SpaceRequest) -> Result<Space, ChatError> {
        Ok(Space::named_only(ChannelRef::new(
            Platform::Console,
            r.pair_id.clone(),
        )))
    }
    async fn remove_from_space(&self, _: &ChannelRef, _: &Identity) -> Result<bool, ChatError> {
        Ok(false)
    }
    async fn post(&self, channel: &ChannelRef, _: &Message) -> Result<MessageRef, ChatError> {
        let n = self.posted.fetch_add(1, Ordering::Relaxed);
        Ok(MessageRef {
            channel: channel.clone(),
            id: n.to_string(),
        })
    }
    async fn update(&self, _: &MessageRef, _: &Message) -> Result<(), ChatError> {
        Ok(())
    }
    async fn dm(&self, user: &Identity, _: &Message) -> Result<MessageRef, ChatError> {
        Ok(MessageRef {
            channel: ChannelRef::new(Platform::Console, user.user_id.clone()),
            id: "dm".into(),
        })
    }
    async fn reply_private(&self, _: &ReplyTarget, _: &Message) -> Result<(), ChatError> {
        Ok(())
    }
    async fn send_files(
        &self,
        _: &ReplyTarget,
        _: &Message,
        _: &[tandem::chat::Attachment],
    ) -> Result<(), ChatError> {
        Ok(())
    }
    async fn start_thread(
        &self,
        under: &MessageRef,
        _: &str,
        _: &Message,
    ) -> Result<MessageRef, ChatError> {
        Ok(under.clone())
    }
    async fn open_form(&self, _: &ReplyTarget, _: &Form) -> Result<(), ChatError> {
        Ok(())
    }
}

fn person(i: usize, now: Timestamp) -> Participant {
    Participant::new(
        Platform::Console,
        &format!("p{i}"),
        &format!("Person {i}"),
        now,
    )
}

/// An intake of PAIRS pairs, each with its space, and a check-in schedule.
async fn program(store: &Store, now: Timestamp) -> anyhow::Result<()> {
    let intake = Intake {
        id: new_id(),
        name: "Benchmark".into(),
        zone: chrono_tz::Australia::Sydney,
        starts_on: None,
        ends_on: None,
        status: IntakeStatus::Active,
        announcement_channel: None,
        created_at: now,
    };
    let mut tx = store.begin().await?;
    store::intakes::insert(&mut *tx, &intake).await?;
    for i in 0..PAIRS {
        let (mentor, mentee) = (person(2 * i, now), person(2 * i + 1, now));
        store::participants::insert(&mut *tx, &mentor).await?;
        store::participants::insert(&mut *tx, &mentee).await?;
        let pair = Pair {
            id: new_id(),
            intake_id: intake.id.clone(),
            mentor_id: mentor.id,
            mentee_id: mentee.id,
            platform: Platform::Console,
            space_id: Some(format!("space-{i}")),
            created_at: now,
            ended_at: None,
        };
        store::pairs::insert(&mut *tx, &pair).await?;
    }
    let schedule = store::schedules::Schedule {
        id: new_id(),
        kind: ScheduleKind::Checkin,
        target: intake.id.clone(),
        cron: "0 10 1-7 * MON".into(),
        zone: intake.zone,
        on: true,
        cursor_at: now,
        created_at: now,
    };
    store::schedules::set(&mut *tx, &schedule).await?;
    tx.commit().await?;
    Ok(())
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let store = Store::open(url).await?;
    let start = Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap());
    program(&store, start).await?;
    let clock = Arc::new(ManualClock::new(start));
    let sink = Arc::new(Sink::default());
    let app = App::new(
        store.clone(),
        clock.clone(),
        Chats::new().with(sink.clone()),
        Settings::default(),
    );
    // The first Monday of December, 10:00 in Sydney.
    clock.set(Timestamp::from_utc(
        Utc.with_ymd_and_hms(2026, 12, 6, 23, 0, 0).unwrap(),
    ));
    let began = Instant::now();
    let report = app.run_due_with(WORKERS).await?;
    let took = began.elapsed();
    assert_eq!(report.sent, PAIRS);
    assert_eq!(sink.posted.load(Ordering::Relaxed), PAIRS);
    println!(
        "{label}: {PAIRS} check-ins in {:.2} s = {:.0} deliveries/s with {WORKERS} workers; peak RSS {:.0} MB",
        took.as_secs_f64(),
        PAIRS as f64 / took.as_secs_f64(),
        peak_rss_mb()
    );
    store.close().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    run(
        "SQLite",
        &format!("sqlite://{}/bench.db", dir.path().display()),
    )
    .await?;
    if let Ok(base) = std::env::var("TANDEM_BENCH_POSTGRES_URL") {
        let admin = Store::connect(&base).await?;
        let schema = format!("bench_{}", new_id());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(admin.pool())
            .await?;
        let separator = if base.contains('?') { '&' } else { '?' };
        run(
            "PostgreSQL",
            &format!("{base}{separator}options[search_path]={schema}"),
        )
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(admin.pool())
            .await?;
    } else {
        println!("PostgreSQL: skipped (set TANDEM_BENCH_POSTGRES_URL=postgres://… to include it)");
    }
    Ok(())
}
