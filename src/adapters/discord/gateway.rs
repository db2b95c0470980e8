//! The gateway connection (serenity), with no intents unless `DISCORD_MEMBERS_INTENT` asks for
//! Server Members: interactions arrive on every gateway connection regardless of intents. Each
//! INTERACTION_CREATE goes through the same interaction code as HTTP, answered by a callback over
//! our outbound layer; a GUILD_MEMBER_UPDATE without the coordinator role tells the app the role
//! was lost.
//! On PostgreSQL at most one instance holds the gateway (an advisory lock).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::Value;
use serenity::all::{
    Context, EventHandler, GatewayIntents, GuildMemberUpdateEvent, Interaction, Member, Ready,
    ResumedEvent,
};
use serenity::gateway::ShardManager;
use serenity::http::HttpBuilder;
use serenity::model::id::ApplicationId;

use super::interactions::Interactions;
use super::outbound::Call;
use crate::domain::{Identity, Platform};
use crate::store::{Backend, Store};

/// The advisory-lock key of the Discord gateway: "tandem-gw" in ASCII.
const GATEWAY_LOCK: i64 = 0x74616e64656d6777;
/// How often an instance without the gateway checks whether it may take it.
const LOCK_RETRY_EVERY: Duration = Duration::from_secs(30);

struct Handler {
    interactions: Arc<Interactions>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(bot = %ready.user.name, "Discord gateway ready");
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        tracing::info!("Discord gateway resumed");
    }

    async fn guild_member_update(
        &self,
        _ctx: Context,
        _old: Option<Member>,
        _new: Option<Member>,
        event: GuildMemberUpdateEvent,
    ) {
        let discord = &self.interactions.discord;
        let Some(role) = discord.settings().coordinator_role else {
            return;
        };
        if event.guild_id.get() != discord.settings().guild_id
            || event.roles.iter().any(|r| r.get() == role)
        {
            return;
        }
        let who = Identity::new(Platform::Discord, event.user.id.to_string());
        if let Err(err) = self.interactions.app.coordinator_role_lost_by(&who).await {
            tracing::warn!(error = ?err, "could not act on a lost coordinator role");
        }
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let (id, token) = match &interaction {
            Interaction::Command(c) => (c.id.to_string(), c.token.clone()),
            Interaction::Component(c) => (c.id.to_string(), c.token.clone()),
            Interaction::Modal(m) => (m.id.to_string(), m.token.clone()),
            _ => return,
        };
        let ack = self.interactions.respond(interaction).await;
        if ack.duplicate {
            return;
        }
        let path = format!("/interactions/{id}/{token}/callback");
        let rest = self.interactions.discord.rest();
        match rest
            .call::<Value>(Call::send(Method::POST, path, &ack.body))
            .await
        {
            Ok(_) => ack.sent(),
            Err(err) => tracing::warn!(error = %err, "could not answer a Discord interaction"),
        }
    }
}

/// A running gateway connection.
pub struct Gateway {
    shards: Arc<ShardManager>,
    task: tokio::task::JoinHandle<()>,
}

impl Gateway {
    pub async fn stop(self) {
        self.shards.shutdown_all().await;
    }
}

/// A gateway dropped without `stop` (its holder's task was cancelled) still closes its
/// connection: serenity's shards run on tasks of their own that would otherwise outlive it.
impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
        let shards = self.shards.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { shards.shutdown_all().await });
        }
    }
}

/// Connects to the gateway. With DISCORD_API_URL set, serenity's own calls (the gateway address)
/// go there too, with its ratelimiter off as the proxy setting requires.
pub async fn start(interactions: Arc<Interactions>) -> anyhow::Result<Gateway> {
    let discord = &interactions.discord;
    let settings = discord.settings();
    let mut http = HttpBuilder::new(settings.token.expose_secret())
        .application_id(ApplicationId::new(discord.application_id()));
    if let Some(base) = &settings.api_url {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let intents = if settings.members_intent {
        GatewayIntents::GUILD_MEMBERS
    } else {
        GatewayIntents::empty()
    };
    let mut client = serenity::all::ClientBuilder::new_with_http(http.build(), intents)
        .event_handler(Handler {
            interactions: interactions.clone(),
        })
        .await
        .map_err(|e| anyhow::anyhow!("could not set up the Discord gateway: {e}"))?;
    let shards = client.shard_manager.clone();
    let task = tokio::spawn(async move {
        if let Err(err) = client.start().await {
            tracing::error!(error = %err, "the Discord gateway stopped");
        }
    });
    Ok(Gateway { shards, task })
}

/// Holds the gateway for as long as the process runs: at once on SQLite (one instance by
/// design), on PostgreSQL only while this instance holds the advisory lock.
pub async fn hold(store: Store, interactions: Arc<Interactions>) -> anyhow::Result<()> {
    hold_checking_every(store, interactions, LOCK_RETRY_EVERY).await
}

/// [`hold`], checking for the lock every `period` (tests take turns faster). A database error
/// costs one check, never the loop: a standby that cannot reach the database keeps trying, and
/// a holder whose lock connection is lost stops its gateway (the lock went with the connection,
/// so another instance may take over) and waits its turn again.
pub async fn hold_checking_every(
    store: Store,
    interactions: Arc<Interactions>,
    period: Duration,
) -> anyhow::Result<()> {
    if store.backend() == Backend::Sqlite {
        let _gateway = start(interactions).await?;
        return std::future::pending().await;
    }
    let mut every = tokio::time::interval(period);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let mut lock = match take_lock(&store).await {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::info!("another instance holds the Discord gateway; waiting");
                continue;
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not check the Discord gateway lock; trying again");
                continue;
            }
        };
        tracing::info!("this instance holds the Discord gateway");
        let gateway = match start(interactions.clone()).await {
            Ok(gateway) => gateway,
            Err(err) => {
                // Dropping the lock's connection lets another instance try.
                tracing::warn!(error = %err, "could not start the Discord gateway; trying again");
                continue;
            }
        };
        loop {
            every.tick().await;
            if gateway.task.is_finished() {
                tracing::warn!("the Discord gateway stopped; starting it again");
                break;
            }
            if let Err(err) = sqlx::query("SELECT 1").execute(&mut lock).await {
                tracing::warn!(error = %err, "lost the connection holding the Discord gateway lock; stopping the gateway");
                break;
            }
        }
        gateway.stop().await;
    }
}

/// The gateway lock's own connection when this instance got the lock: the lock lives exactly as
/// long as that connection.
async fn take_lock(store: &Store) -> anyhow::Result<Option<sqlx::AnyConnection>> {
    let mut conn = store.pool().acquire().await?.detach();
    let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(GATEWAY_LOCK)
        .fetch_one(&mut conn)
        .await?;
    Ok(held.then_some(conn))
}
