//! What `tandem doctor` asks Slack: the token and its scopes (the start-up check), and whether
//! the bot is in a channel. Each answer is a sentence for the operator.

use std::sync::Arc;

use secrecy::SecretString;
use slack_morphism::prelude::*;

use super::outbound::{self, Outbound};
use super::{SlackSettings, startup};

/// The token check: the bot's user id, or what to fix. `Ok` also says when verified posts were
/// asked for but the token lacks the scopes they need.
pub async fn token(settings: &SlackSettings) -> Result<String, String> {
    match startup::check_bot_token(
        &settings.api_url,
        &settings.bot_token,
        settings.verify_posts,
    )
    .await
    {
        Ok((_, verified)) if settings.verify_posts && !verified => Err(format!(
            "TANDEM_SLACK_VERIFY_POSTS is on but the token lacks {}: add them under \"OAuth & \
             Permissions\" and reinstall the app; until then posts are not verified",
            super::manifest::VERIFY_SCOPES.join(", ")
        )),
        Ok((bot, _)) => Ok(bot),
        Err(err) => Err(err.to_string()),
    }
}

/// Whether the bot is a member of `channel`: `Ok(None)` when Slack will not say (a public
/// channel needs `channels:read`, which Tandem does not ask for).
pub async fn in_channel(
    api_url: &str,
    token: &SecretString,
    channel: &str,
) -> Result<Option<bool>, String> {
    let client = outbound::client(api_url).map_err(|e| e.to_string())?;
    let out = Outbound::new(Arc::new(client), token);
    let req = SlackApiConversationsInfoRequest::new(channel.into());
    let (o, req) = (&out, &req);
    match o
        .call("conversations.info", None, || async move {
            o.session().conversations_info(req).await
        })
        .await
    {
        Ok(info) => Ok(Some(info.channel.flags.is_member.unwrap_or(false))),
        Err(err) if outbound::code(&err) == Some("missing_scope") => Ok(None),
        Err(err) if outbound::code(&err) == Some("channel_not_found") => {
            Err("no such channel, or the bot cannot see it".into())
        }
        Err(err) => Err(err.to_string()),
    }
}
