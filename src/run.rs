//! `tandem run`: open the database, start the HTTP routes and the background work, and keep going
//! until asked to stop.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::net::TcpListener;

use crate::adapters::discord::{self, Discord, DiscordSettings};
use crate::adapters::http;
use crate::adapters::slack::{Slack, SlackSettings};
use crate::app::App;
use crate::app::supervision::PASS_EVERY;
use crate::chat::Chats;
use crate::clock::SystemClock;
use crate::config::RunConfig;
use crate::store::{Store, redact};

/// How often pairs still missing a private space are tried again, and the Discord
/// coordinator-role holders Tandem recorded are checked for the role.
const SPACE_SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);
/// How long inbound request keys are remembered: far longer than Slack's 5-minute signature
/// window and its event retries.
const INBOUND_MEMORY: Duration = Duration::from_secs(24 * 3600);
/// How long the stop waits for database connections still in use.
const STORE_CLOSE_GRACE: Duration = Duration::from_secs(5);
/// Workers sending deliveries at once; the platforms' pacing, not this, sets the rate.
const WORKERS: usize = 4;

pub async fn run(config: RunConfig) -> anyhow::Result<()> {
    for warning in config.api_base_warnings()? {
        tracing::warn!("{warning}");
    }
    let store = Store::open(&config.database.database_url).await?;
    tracing::info!(database = %redact(&config.database.database_url), backend = ?store.backend(), "database ready");
    let metrics = PrometheusBuilder::new()
        .install_recorder()
        .context("could not start the metrics recorder")?;
    let discord = match DiscordSettings::from_args(&config.discord)? {
        Some(mut settings) => {
            settings.call_timeout = config.platform_timeout();
            Some(Discord::connect(settings).await?)
        }
        None => None,
    };
    let slack = match SlackSettings::from_args(&config.slack)? {
        Some(mut settings) => {
            settings.call_timeout = config.platform_timeout();
            Some(Slack::connect(settings).await?)
        }
        None => None,
    };
    let mut chats = Chats::new();
    if let Some(slack) = &slack {
        chats = chats.with(Arc::new(slack.chat()));
    }
    if let Some(d) = &discord {
        chats = chats.with(Arc::new(d.clone()));
    }
    let mut settings = config.program.settings(Some(config.listen));
    settings.worker = config.instance();
    if slack.as_ref().is_some_and(Slack::verify_posts_switched_off) {
        let scopes = crate::adapters::slack::manifest::VERIFY_SCOPES.join(", ");
        settings
            .switched_off
            .push(crate::messages::slack_posts_unverified(&scopes));
    }
    let app = App::new(store, Arc::new(SystemClock), chats, settings);
    app.bootstrap_coordinators(&config.coordinators.0).await?;
    let taken = app
        .take_back_own_deliveries()
        .await
        .context("could not take back this instance's deliveries")?;
    tracing::info!(instance = %app.settings.worker, taken, "instance ready; deliveries it was sending when it stopped go again now");
    if app.chats.is_empty() {
        tracing::warn!(
            "neither Slack nor Discord is configured (SLACK_BOT_TOKEN, DISCORD_BOT_TOKEN): \
             serving the HTTP routes, but nothing can be delivered"
        );
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {} (TANDEM_LISTEN)", config.listen))?;
    tracing::info!(listen = %config.listen, "serving /healthz and /metrics");
    let socket_mode = match &slack {
        Some(slack) => slack.start_socket_mode(app.clone()).await?,
        None => None,
    };
    let webhooks = slack.as_ref().and_then(|s| s.webhooks(app.clone()));
    let mut router = http::with_slack(http::router(app.clone(), metrics), webhooks);
    if let Some(d) = &discord
        && let Some(routes) = discord::serve(d, &app).await?
    {
        router = router.merge(routes);
    }
    let sweeper = tokio::spawn(sweep_spaces(app.clone()));
    let scheduler = tokio::spawn(run_scheduler(app.clone()));
    http::serve::serve(
        listener,
        router,
        config.listener_limits(),
        shutdown_signal(),
    )
    .await;
    sweeper.abort();
    scheduler.abort();
    if let Some(socket_mode) = socket_mode {
        socket_mode.abort();
    }
    // Work still holding a database connection (a late answer to a command) must not hold up
    // the stop either.
    if tokio::time::timeout(STORE_CLOSE_GRACE, app.store.close())
        .await
        .is_err()
    {
        tracing::warn!("stopped without waiting for database connections still in use");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn sweep_spaces(app: App) {
    let mut every = tokio::time::interval(SPACE_SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if app.chats.is_empty() {
            continue;
        }
        if let Err(err) = app.open_missing_spaces().await {
            tracing::warn!(error = ?err, "could not open missing pair spaces");
        }
        // Without the Server Members intent no member update says a role was taken away.
        if let Err(err) = app.sweep_role_holders().await {
            tracing::warn!(error = ?err, "could not check the coordinator-role holders");
        }
    }
}

/// The scheduler loop. Each pass runs supervised (`App::scheduler_pass`): a panic or an error is
/// logged and the loop goes on; `/healthz` answers 503 once passes stop completing.
async fn run_scheduler(app: App) {
    app.scheduler_pulse.started(app.now());
    let mut every = tokio::time::interval(PASS_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let day_ago = crate::domain::Timestamp(app.now().0 - INBOUND_MEMORY.as_millis() as i64);
        if let Err(err) = crate::store::inbound::prune(app.store.pool(), day_ago).await {
            tracing::warn!(error = %err, "could not prune the inbound deduplication table");
        }
        app.scheduler_pass(WORKERS).await;
    }
}

/// Ctrl-C or SIGTERM (what a service manager sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("stopping");
}
