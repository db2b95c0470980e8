//! Start-up checks: the token works, the bot is in the server, and it holds the permissions pair
//! spaces need. Each failure stops `tandem run` with a sentence for the operator that says which
//! one and how to fix it.

use anyhow::bail;
use serde_json::Value;
use serenity::model::guild::Member;
use serenity::model::user::User;

use super::DiscordSettings;
use super::outbound::{Call, Rest, RestError};
use super::spaces::{ADMINISTRATOR, MANAGE_CHANNELS, MANAGE_ROLES};

pub struct Checked {
    pub bot_id: u64,
    pub application_id: u64,
}

pub async fn check(rest: &Rest, settings: &DiscordSettings) -> anyhow::Result<Checked> {
    let me: User = match rest.call(Call::get("/users/@me")).await {
        Ok(me) => me,
        Err(RestError::Refused { status: 401, .. }) => bail!(
            "Discord refused DISCORD_BOT_TOKEN (401 Unauthorized): copy the token again from the \
             Developer Portal, Bot page, Reset Token"
        ),
        Err(err) => bail!("could not reach Discord to check DISCORD_BOT_TOKEN: {err}"),
    };
    let application_id = match settings.application_id {
        Some(id) => id,
        None => {
            let app: Value = rest
                .call(Call::get("/oauth2/applications/@me"))
                .await
                .map_err(|e| anyhow::anyhow!("could not read the application id from Discord (set DISCORD_APPLICATION_ID): {e}"))?;
            app["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "Discord did not say the application id: set DISCORD_APPLICATION_ID"
                    )
                })?
        }
    };
    let guild = settings.guild_id;
    let not_in = |err: RestError| match err.status() {
        Some(403 | 404) => anyhow::anyhow!(
            "the bot is not in the server DISCORD_GUILD_ID={guild}: invite it with the URL from \
             `tandem discord invite-url`, or check the server id"
        ),
        _ => anyhow::anyhow!("could not read the server DISCORD_GUILD_ID={guild}: {err}"),
    };
    let server: Value = rest
        .call(Call::get(format!("/guilds/{guild}")))
        .await
        .map_err(not_in)?;
    let member: Member = rest
        .call(Call::get(format!("/guilds/{guild}/members/{}", me.id)))
        .await
        .map_err(not_in)?;
    let permissions = member_permissions(&server, guild, &member);
    let missing: Vec<&str> = [
        (MANAGE_CHANNELS, "Manage Channels"),
        (MANAGE_ROLES, "Manage Roles"),
    ]
    .into_iter()
    .filter(|(bit, _)| permissions & ADMINISTRATOR == 0 && permissions & bit == 0)
    .map(|(_, name)| name)
    .collect();
    if !missing.is_empty() {
        bail!(
            "the bot lacks {} in the server {guild}: give its role these permissions (Server \
             Settings, Roles) or invite it again with `tandem discord invite-url`",
            missing.join(" and ")
        );
    }
    tracing::info!(bot = %me.id, application = application_id, guild, "Discord ready");
    Ok(Checked {
        bot_id: me.id.get(),
        application_id,
    })
}

/// The server-wide permissions of a member: @everyone's (the role whose id is the server's) and
/// those of each of their roles.
fn member_permissions(server: &Value, guild: u64, member: &Member) -> u64 {
    let roles = server["roles"].as_array().cloned().unwrap_or_default();
    let mine: Vec<String> = member
        .roles
        .iter()
        .map(|r| r.to_string())
        .chain([guild.to_string()])
        .collect();
    roles
        .iter()
        .filter(|r| {
            r["id"]
                .as_str()
                .is_some_and(|id| mine.iter().any(|m| m == id))
        })
        .filter_map(|r| {
            r["permissions"]
                .as_str()
                .and_then(|p| p.parse::<u64>().ok())
        })
        .fold(0, |all, p| all | p)
}
