//! `tandem doctor`: checks a deployment the way `tandem run` would start it and says what to fix,
//! one line per check. Nothing is changed, on the platforms or in the database (beyond SQLite
//! creating an empty file where none was).

use std::io::Write;

use crate::adapters::discord::{DiscordSettings, checkup as discord_checkup};
use crate::adapters::slack::{SlackSettings, checkup as slack_checkup};
use crate::config::RunConfig;
use crate::store::{Store, redact};

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok(String),
    /// Cannot be checked from here; said, but not a failure.
    Note(String),
    Fix(String),
}

/// Runs every check, writes one line each to `out`; true when nothing needs fixing.
pub async fn doctor(config: &RunConfig, out: &mut impl Write) -> anyhow::Result<bool> {
    let mut all_ok = true;
    let mut say = |area: &str, verdict: Verdict| -> std::io::Result<()> {
        let (mark, words) = match verdict {
            Verdict::Ok(w) => ("ok  ", w),
            Verdict::Note(w) => ("note", w),
            Verdict::Fix(w) => {
                all_ok = false;
                ("FIX ", w)
            }
        };
        writeln!(out, "{mark} {area}: {words}")
    };
    let store = database(config, &mut say).await?;
    let slack = match SlackSettings::from_args(&config.slack) {
        Ok(settings) => settings,
        Err(err) => {
            say("slack", Verdict::Fix(err.to_string()))?;
            None
        }
    };
    let discord = match DiscordSettings::from_args(&config.discord) {
        Ok(settings) => settings,
        Err(err) => {
            say("discord", Verdict::Fix(err.to_string()))?;
            None
        }
    };
    if let Some(slack) = &slack {
        let mode = match &slack.app_token {
            Some(_) => "Socket Mode (SLACK_APP_TOKEN)",
            None => "HTTP mode, requests verified with SLACK_SIGNING_SECRET",
        };
        match slack_checkup::token(slack).await {
            Ok(bot) => say(
                "slack",
                Verdict::Ok(format!("token works (bot {bot}), {mode}")),
            )?,
            Err(fix) => say("slack", Verdict::Fix(fix))?,
        }
    }
    if let Some(discord) = &discord {
        match discord_checkup::token_and_server(discord).await {
            Ok(bot) => say(
                "discord",
                Verdict::Ok(format!(
                    "token works (bot {bot}), in server {} with the permissions pair spaces need",
                    discord.guild_id
                )),
            )?,
            Err(fix) => say("discord", Verdict::Fix(fix))?,
        }
        let verdict = match (discord.gateway, &discord.public_key) {
            (true, _) => Verdict::Ok("commands arrive over the gateway".into()),
            (false, Some(_)) => {
                Verdict::Ok("HTTP interactions verified with DISCORD_PUBLIC_KEY".into())
            }
            (false, None) => Verdict::Fix(
                "DISCORD_GATEWAY is off and DISCORD_PUBLIC_KEY unset: no command can reach \
                 Tandem; set one of them"
                    .into(),
            ),
        };
        say("discord", verdict)?;
    }
    if slack.is_none() && discord.is_none() {
        say(
            "platforms",
            Verdict::Fix(
                "neither SLACK_BOT_TOKEN nor DISCORD_BOT_TOKEN is set: nothing can be delivered"
                    .into(),
            ),
        )?;
    } else {
        say("public url", public_url(config))?;
    }
    if let Some(store) = &store {
        announcement_channels(store, slack.as_ref(), discord.as_ref(), &mut say).await?;
        store.close().await;
    }
    Ok(all_ok)
}

async fn database(
    config: &RunConfig,
    say: &mut impl FnMut(&str, Verdict) -> std::io::Result<()>,
) -> anyhow::Result<Option<Store>> {
    let url = &config.database.database_url;
    let store = match Store::connect(url).await {
        Ok(store) => store,
        Err(err) => {
            say(
                "database",
                Verdict::Fix(format!("{err:#} (TANDEM_DATABASE_URL)")),
            )?;
            return Ok(None);
        }
    };
    let pending = store.pending_migrations().await?;
    let verdict = if pending.is_empty() {
        Verdict::Ok(format!("{} opens and is migrated", redact(url)))
    } else {
        Verdict::Fix(format!(
            "{} opens but {} migration(s) are not applied: run `tandem migrate` (or start \
             `tandem run`, which applies them)",
            redact(url),
            pending.len()
        ))
    };
    say("database", verdict)?;
    Ok(Some(store))
}

/// Calendar links in reminders, and the platforms' requests in HTTP modes, go to
/// `TANDEM_PUBLIC_URL`: unset, they point at `TANDEM_LISTEN`, and a loopback address reaches no one.
fn public_url(config: &RunConfig) -> Verdict {
    let Some(url) = &config.program.public_url else {
        return Verdict::Fix(format!(
            "TANDEM_PUBLIC_URL is unset, so calendar links point at http://{}: set it to the \
             address people and the platforms reach Tandem at",
            config.listen
        ));
    };
    let loopback = url::Url::parse(url).ok().is_some_and(|u| match u.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    });
    if loopback {
        Verdict::Fix(format!(
            "TANDEM_PUBLIC_URL={url} is a loopback address: nobody else reaches it; set the public \
             address"
        ))
    } else {
        Verdict::Ok(format!("links point at {url}"))
    }
}

/// Each intake's announcement channel exists and the bot is in it. Slack channel ids start with
/// a letter, Discord's are numbers.
async fn announcement_channels(
    store: &Store,
    slack: Option<&SlackSettings>,
    discord: Option<&DiscordSettings>,
    say: &mut impl FnMut(&str, Verdict) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let intakes = crate::store::intakes::list(store.pool())
        .await
        .unwrap_or_default();
    for intake in intakes {
        let Some(channel) = intake.announcement_channel else {
            continue;
        };
        let area = format!("announcements of {}", intake.name);
        let on_discord = channel.chars().all(|c| c.is_ascii_digit());
        let verdict = match (on_discord, slack, discord) {
            (true, _, Some(discord)) => {
                match discord_checkup::sees_channel(discord, &channel).await {
                    Ok(()) => Verdict::Ok(format!("the bot sees channel {channel}")),
                    Err(fix) => Verdict::Fix(format!("channel {channel}: {fix}")),
                }
            }
            (false, Some(slack), _) => {
                match slack_checkup::in_channel(&slack.api_url, &slack.bot_token, &channel).await {
                    Ok(Some(true)) => Verdict::Ok(format!("the bot is in channel {channel}")),
                    Ok(Some(false)) => Verdict::Fix(format!(
                        "the bot is not in channel {channel}: type `/invite @Tandem` there"
                    )),
                    Ok(None) => Verdict::Note(format!(
                        "channel {channel} is public and Slack says who is in it only with \
                         channels:read, which Tandem does not ask for: make sure the bot is in it \
                         (`/invite @Tandem`)"
                    )),
                    Err(fix) => Verdict::Fix(format!("channel {channel}: {fix}")),
                }
            }
            _ => Verdict::Fix(format!(
                "channel {channel} is on a platform that is not configured"
            )),
        };
        say(&area, verdict)?;
    }
    Ok(())
}
