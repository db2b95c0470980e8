//! The Slack adapter: a real Slack app over Socket Mode or HTTP, on slack-morphism. It verifies,
//! decodes and acknowledges what Slack sends, renders the message model as Block Kit, and
//! implements the Chat port; every rule about the program stays in the app.

mod chat;
pub mod checkup;
pub mod decode;
pub mod inbound;
pub mod manifest;
mod outbound;
mod rename;
pub mod render;
mod socket_mode;
mod spaces;
mod startup;
pub mod verify;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

pub use chat::SlackChat;
pub use inbound::{ACK_BUDGET, Inbound};
pub use spaces::channel_name;
pub use webhooks::Webhooks;

use crate::app::App;
use crate::config::SlackArgs;
use outbound::Outbound;
use socket_mode::SocketMode;

/// Slack's signing secrets are 32 characters; anything this short is a typo or a placeholder,
/// and a short secret would make forged requests guessable.
const MIN_SIGNING_SECRET: usize = 16;

/// Slack's settings once checked: a bot token, and Socket Mode or a signing secret.
#[derive(Clone)]
pub struct SlackSettings {
    pub bot_token: SecretString,
    pub app_token: Option<SecretString>,
    pub signing_secret: Option<SecretString>,
    pub api_url: String,
    /// How long a request may work before it is acknowledged without its answer.
    pub ack_budget: Duration,
    /// Look a post whose answer was lost up in the channel before sending it again
    /// (`TANDEM_SLACK_VERIFY_POSTS`); switched off at start when the token lacks the scopes.
    pub verify_posts: bool,
    /// How long one Web API call may take (`TANDEM_PLATFORM_TIMEOUT_SECS`).
    pub call_timeout: Duration,
}

impl SlackSettings {
    /// `None` when Slack is off (no `SLACK_BOT_TOKEN`).
    pub fn from_args(args: &SlackArgs) -> anyhow::Result<Option<SlackSettings>> {
        let Some(bot_token) = args.bot_token.clone() else {
            return Ok(None);
        };
        if args.app_token.is_none() && args.signing_secret.is_none() {
            anyhow::bail!(
                "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor \
                 SLACK_SIGNING_SECRET (HTTP mode) is: set one of them"
            );
        }
        if let Some(secret) = &args.signing_secret
            && secret.expose_secret().chars().count() < MIN_SIGNING_SECRET
        {
            anyhow::bail!(
                "SLACK_SIGNING_SECRET is too short to be Slack's signing secret (at least \
                 {MIN_SIGNING_SECRET} characters): copy it again from Basic Information → App \
                 Credentials → Signing Secret"
            );
        }
        Ok(Some(SlackSettings {
            bot_token,
            app_token: args.app_token.clone(),
            signing_secret: args.signing_secret.clone(),
            api_url: args.slack_api_url.clone(),
            ack_budget: ACK_BUDGET,
            verify_posts: args.slack_verify_posts,
            call_timeout: crate::adapters::CALL_TIMEOUT,
        }))
    }
}

/// A connected Slack workspace: the Chat port, and what serves its inbound side.
#[derive(Clone)]
pub struct Slack {
    settings: SlackSettings,
    client: Arc<outbound::Client>,
    chat: SlackChat,
    /// The bot's own user id, from auth.test.
    pub bot_user_id: String,
}

impl Slack {
    /// Builds the client and checks the token and its scopes: a wrong token or a missing scope
    /// stops start-up with a message that says which.
    pub async fn connect(settings: SlackSettings) -> anyhow::Result<Slack> {
        let client = Arc::new(
            outbound::client(&settings.api_url).context("could not set up the Slack client")?,
        );
        let (bot_user_id, verify_posts) = startup::check_bot_token(
            &settings.api_url,
            &settings.bot_token,
            settings.verify_posts,
        )
        .await?;
        let chat = SlackChat::new(
            Outbound::new(client.clone(), &settings.bot_token).with_timeout(settings.call_timeout),
            verify_posts,
        );
        Ok(Slack {
            settings,
            client,
            chat,
            bot_user_id,
        })
    }

    pub fn chat(&self) -> SlackChat {
        self.chat.clone()
    }

    /// Whether verified posts were asked for (`TANDEM_SLACK_VERIFY_POSTS=on`) but switched off
    /// because the token lacks the scopes they need.
    pub fn verify_posts_switched_off(&self) -> bool {
        self.settings.verify_posts && !self.chat.verifies_posts()
    }

    pub fn inbound(&self, app: App) -> Inbound {
        Inbound::new(app, self.chat.clone(), self.settings.ack_budget)
    }

    /// The HTTP routes' state, when a signing secret is set.
    pub fn webhooks(&self, app: App) -> Option<Webhooks> {
        let secret = self.settings.signing_secret.clone()?;
        Some(Webhooks {
            inbound: self.inbound(app),
            secret,
        })
    }

    /// Starts Socket Mode when `SLACK_APP_TOKEN` is set. The first connection is opened here, so
    /// a wrong app token stops start-up instead of retrying forever.
    pub async fn start_socket_mode(
        &self,
        app: App,
    ) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
        let Some(app_token) = &self.settings.app_token else {
            return Ok(None);
        };
        let socket = SocketMode::new(self.client.clone(), app_token);
        let first = socket.open().await.map_err(|err| {
            anyhow::anyhow!(
                "SLACK_APP_TOKEN was refused ({err}): use the app-level token (xapp-…) with the \
                 connections:write scope, and turn Socket Mode on for the app"
            )
        })?;
        let inbound = self.inbound(app);
        Ok(Some(tokio::spawn(socket.run(inbound, Some(first)))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(secret: &str) -> SlackArgs {
        SlackArgs {
            bot_token: Some(SecretString::from("xoxb-1")),
            app_token: None,
            signing_secret: Some(SecretString::from(secret)),
            slack_api_url: "https://slack.com/api".into(),
            slack_verify_posts: false,
        }
    }

    #[test]
    fn a_short_signing_secret_is_refused_at_start() {
        let err = SlackSettings::from_args(&args("s3cret")).err().unwrap();
        assert!(
            err.to_string()
                .contains("SLACK_SIGNING_SECRET is too short"),
            "{err}"
        );
        assert!(!err.to_string().contains("s3cret"), "{err}");
        let secret = "8f742231b10e8888abcd99yyyzzz85a5";
        assert!(SlackSettings::from_args(&args(secret)).unwrap().is_some());
    }
}
