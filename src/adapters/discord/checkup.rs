//! What `tandem doctor` asks Discord: the token, the server and the bot's permissions (the
//! start-up check), and whether the bot can see a channel. Each answer is a sentence for the
//! operator.

use serde_json::Value;

use super::outbound::{Call, Rest};
use super::{DiscordSettings, startup};

/// The start-up check: the bot's id, or what to fix.
pub async fn token_and_server(settings: &DiscordSettings) -> Result<u64, String> {
    let rest = Rest::new(settings.api_url.as_deref(), settings.token.clone())
        .map_err(|e| e.to_string())?;
    startup::check(&rest, settings)
        .await
        .map(|checked| checked.bot_id)
        .map_err(|e| e.to_string())
}

/// Whether the bot can see channel `id`, or what to fix.
pub async fn sees_channel(settings: &DiscordSettings, id: &str) -> Result<(), String> {
    let rest = Rest::new(settings.api_url.as_deref(), settings.token.clone())
        .map_err(|e| e.to_string())?;
    match rest
        .call::<Value>(Call::get(format!("/channels/{id}")))
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if matches!(err.status(), Some(403 | 404)) => Err(
            "no such channel, or the bot cannot see it: give its role View Channel and Send \
             Messages there"
                .into(),
        ),
        Err(err) => Err(err.to_string()),
    }
}
