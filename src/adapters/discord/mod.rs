//! Discord: the Chat port over Discord's REST API, and the inbound side (gateway or HTTP
//! interactions) turning interactions into invocations of the app. Verifies, decodes,
//! acknowledges and renders; holds no business rules (those stay in `app`).

pub mod checkup;
#[cfg(test)]
mod command_limits;
pub mod commands;
pub mod endpoint;
pub mod form;
pub mod gateway;
pub mod interactions;
pub mod invite;
pub mod outbound;
pub mod rename;
pub mod render;
pub mod spaces;
mod startup;
pub mod verify;

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};
use serenity::model::channel::{Message as DiscordMessage, PrivateChannel};
use serenity::model::guild::Member as GuildMember;
use sha2::{Digest, Sha256};

use crate::chat::{
    Attachment, ChannelRef, Chat, ChatError, Form, Message, MessageRef, Profile, ReplyTarget,
    Space, SpaceNames, SpaceRequest,
};
use crate::config::DiscordArgs;
use crate::domain::{Identity, Platform, new_id};
use outbound::{Call, Rest, RestError};
use spaces::SpaceSettings;

/// Discord's flag for a message only its recipient sees.
pub const EPHEMERAL: u64 = 64;
/// Discord's limit on a thread's name.
const THREAD_NAME_MAX: usize = 100;
/// A live chat's thread goes quiet after a day without messages.
const THREAD_ARCHIVE_MINUTES: u64 = 1440;
/// Discord's answer when a message already has its thread (a retried call).
const THREAD_ALREADY_CREATED: u64 = 160004;

/// What `tandem run` was told about Discord.
#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub token: SecretString,
    pub guild_id: u64,
    pub public_key: Option<String>,
    pub application_id: Option<u64>,
    pub gateway: bool,
    pub coordinator_role: Option<u64>,
    pub api_url: Option<String>,
    pub threads_after: usize,
    /// Whether the gateway asks for member updates (the Server Members intent).
    pub members_intent: bool,
    /// How long one REST call may take (`TANDEM_PLATFORM_TIMEOUT_SECS`).
    pub call_timeout: std::time::Duration,
}

impl DiscordSettings {
    /// `None` when Discord is off (no token); an error when the token comes without a server.
    pub fn from_args(args: &DiscordArgs) -> anyhow::Result<Option<DiscordSettings>> {
        let Some(token) = args.discord_bot_token.clone() else {
            return Ok(None);
        };
        let guild_id = args.discord_guild_id.ok_or_else(|| {
            anyhow::anyhow!("DISCORD_GUILD_ID is required with DISCORD_BOT_TOKEN: the server id (right-click it, Copy Server ID)")
        })?;
        Ok(Some(DiscordSettings {
            token,
            guild_id,
            public_key: args
                .discord_public_key
                .clone()
                .filter(|k| !k.trim().is_empty()),
            application_id: args.discord_application_id,
            gateway: args.discord_gateway,
            coordinator_role: args.discord_coordinator_role_id,
            api_url: args
                .discord_api_url
                .clone()
                .filter(|u| !u.trim().is_empty()),
            threads_after: args.discord_threads_after,
            members_intent: args.discord_members_intent,
            call_timeout: crate::adapters::CALL_TIMEOUT,
        }))
    }
}

struct Inner {
    rest: Rest,
    settings: DiscordSettings,
    application_id: u64,
    spaces: SpaceSettings,
    /// One space made at a time in this process, so two pairings never race for a category.
    space_lock: tokio::sync::Mutex<()>,
}

/// The Discord adapter. Cheap to clone.
#[derive(Clone)]
pub struct Discord {
    inner: Arc<Inner>,
}

impl Discord {
    /// Connects over REST and checks the token, the server and the bot's permissions; any of them
    /// wrong stops start-up with a message that says which.
    pub async fn connect(settings: DiscordSettings) -> anyhow::Result<Discord> {
        let rest = Rest::new(settings.api_url.as_deref(), settings.token.clone())?
            .with_timeout(settings.call_timeout)?;
        let checked = startup::check(&rest, &settings).await?;
        let spaces = SpaceSettings {
            guild_id: settings.guild_id,
            bot_id: checked.bot_id,
            coordinator_role: settings.coordinator_role,
            threads_after: settings.threads_after,
        };
        Ok(Discord {
            inner: Arc::new(Inner {
                rest,
                application_id: checked.application_id,
                settings,
                spaces,
                space_lock: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn rest(&self) -> &Rest {
        &self.inner.rest
    }

    pub fn settings(&self) -> &DiscordSettings {
        &self.inner.settings
    }

    pub fn application_id(&self) -> u64 {
        self.inner.application_id
    }

    /// Registers the command table in the server when Discord's copy differs; true when it wrote.
    pub async fn register_commands(&self) -> anyhow::Result<bool> {
        commands::sync(
            self.rest(),
            self.application_id(),
            self.inner.settings.guild_id,
        )
        .await
        .map_err(|e| anyhow::anyhow!("could not register the Discord commands: {e}"))
    }

    async fn send(&self, channel_id: &str, message: &Message) -> Result<MessageRef, ChatError> {
        self.send_with(channel_id, render::message_body(message), &[])
            .await
    }

    /// Posts `body` (and any files) in a channel.
    async fn send_with(
        &self,
        channel_id: &str,
        mut body: Value,
        files: &[Attachment],
    ) -> Result<MessageRef, ChatError> {
        // The same nonce on every retry: Discord returns the first message instead of a second.
        body["nonce"] = json!(nonce(channel_id, &body));
        body["enforce_nonce"] = json!(true);
        let sent: DiscordMessage = self
            .rest()
            .call(
                Call::send(
                    Method::POST,
                    format!("/channels/{channel_id}/messages"),
                    &body,
                )
                .with_files(files)
                .repeatable(),
            )
            .await
            .map_err(RestError::into_chat)?;
        Ok(MessageRef {
            channel: ChannelRef::new(Platform::Discord, channel_id),
            id: sent.id.to_string(),
        })
    }

    /// The interaction webhook: follow-ups and edits of the first answer.
    pub(crate) fn webhook_path(&self, token: &str) -> String {
        format!("/webhooks/{}/{token}", self.application_id())
    }

    /// The bot's DM channel with a person.
    async fn dm_channel(&self, user: &Identity) -> Result<String, ChatError> {
        let body = json!({ "recipient_id": user.user_id });
        let channel: PrivateChannel = self
            .rest()
            .call(Call::send(Method::POST, "/users/@me/channels", &body).repeatable())
            .await
            .map_err(RestError::into_chat)?;
        Ok(channel.id.to_string())
    }

    /// An ephemeral follow-up to an interaction, with files when there are any. Discord takes
    /// follow-ups only once the first answer is in (see `interactions::Ack::sent`).
    pub(crate) async fn follow_up_privately(
        &self,
        token: &str,
        message: &Message,
        files: &[Attachment],
    ) -> Result<(), ChatError> {
        let mut body = with_attachments(render::message_body(message), files);
        body["flags"] = json!(EPHEMERAL);
        let _: Value = self
            .rest()
            .call(Call::send(Method::POST, self.webhook_path(token), &body).with_files(files))
            .await
            .map_err(RestError::into_chat)?;
        Ok(())
    }
}

/// Names each file in the message's `attachments`, by its `files[n]` index.
fn with_attachments(mut body: Value, files: &[Attachment]) -> Value {
    if !files.is_empty() {
        let listed: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(i, f)| json!({ "id": i.to_string(), "filename": f.name }))
            .collect();
        body["attachments"] = json!(listed);
    }
    body
}

/// A thread name Discord accepts: 1 to 100 characters.
fn thread_name(name: &str) -> String {
    let name: String = name.trim().chars().take(THREAD_NAME_MAX).collect();
    if name.is_empty() { "Chat".into() } else { name }
}

/// A message nonce (at most 25 characters). For a scheduled delivery it is the same on every
/// attempt at that message, so a retry after a send whose answer was lost returns the message
/// already posted (within Discord's nonce window) instead of a second one; otherwise unique.
fn nonce(channel_id: &str, body: &Value) -> String {
    match crate::chat::delivery_key() {
        Some(key) => {
            let digest = Sha256::new()
                .chain_update(key.as_bytes())
                .chain_update([0])
                .chain_update(channel_id.as_bytes())
                .chain_update([0])
                .chain_update(body.to_string().as_bytes())
                .finalize();
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()[..NONCE_MAX]
                .to_string()
        }
        None => {
            let id = new_id();
            id[id.len() - NONCE_MAX..].to_string()
        }
    }
}

/// Discord's longest nonce.
const NONCE_MAX: usize = 25;

#[async_trait]
impl Chat for Discord {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    async fn ensure_private_space(&self, request: &SpaceRequest) -> Result<Space, ChatError> {
        let _one_at_a_time = self.inner.space_lock.lock().await;
        let made = spaces::ensure(self.rest(), &self.inner.spaces, request)
            .await
            .map_err(RestError::into_chat)?;
        Ok(Space {
            channel: ChannelRef::new(Platform::Discord, made.id),
            // A private thread is read only by those added to it, whatever their roles.
            role_reads: !made.thread && self.inner.spaces.coordinator_role.is_some(),
        })
    }

    async fn remove_from_space(
        &self,
        space: &ChannelRef,
        user: &Identity,
    ) -> Result<bool, ChatError> {
        spaces::remove(self.rest(), &space.id, &user.user_id)
            .await
            .map_err(RestError::into_chat)
    }

    /// `GET /guilds/{g}/members/{u}`: someone who left the server holds no role there.
    async fn holds_coordinator_role(&self, user: &Identity) -> Result<Option<bool>, ChatError> {
        let Some(role) = self.inner.spaces.coordinator_role else {
            return Ok(Some(false));
        };
        let path = format!(
            "/guilds/{}/members/{}",
            self.inner.spaces.guild_id, user.user_id
        );
        match self.rest().call::<Value>(Call::get(path)).await {
            Ok(member) => Ok(Some(
                member["roles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r.as_str() == Some(role.to_string().as_str())),
            )),
            Err(e) if e.status() == Some(404) => Ok(Some(false)),
            Err(e) => Err(e.into_chat()),
        }
    }

    fn coordinator_role(&self) -> Option<String> {
        self.inner
            .spaces
            .coordinator_role
            .map(crate::messages::discord::role_mention)
    }

    async fn rename_space(&self, space: &ChannelRef, names: &SpaceNames) -> Result<(), ChatError> {
        rename::rename(self.rest(), &space.id, names)
            .await
            .map_err(RestError::into_chat)
    }

    async fn post(&self, channel: &ChannelRef, message: &Message) -> Result<MessageRef, ChatError> {
        self.send(&channel.id, message).await
    }

    async fn update(&self, at: &MessageRef, message: &Message) -> Result<(), ChatError> {
        let body = render::message_body(message);
        let path = format!("/channels/{}/messages/{}", at.channel.id, at.id);
        let _: Value = self
            .rest()
            .call(Call::send(Method::PATCH, path, &body).repeatable())
            .await
            .map_err(RestError::into_chat)?;
        Ok(())
    }

    async fn dm(&self, user: &Identity, message: &Message) -> Result<MessageRef, ChatError> {
        let channel = self.dm_channel(user).await?;
        self.send(&channel, message).await
    }

    async fn reply_private(
        &self,
        target: &ReplyTarget,
        message: &Message,
    ) -> Result<(), ChatError> {
        self.send_files(target, message, &[]).await
    }

    /// An ephemeral follow-up on the interaction; without one (no token), a DM.
    async fn send_files(
        &self,
        target: &ReplyTarget,
        caption: &Message,
        files: &[Attachment],
    ) -> Result<(), ChatError> {
        if let Some(token) = &target.token {
            return self.follow_up_privately(token, caption, files).await;
        }
        let channel = self.dm_channel(&target.user).await?;
        let body = with_attachments(render::message_body(caption), files);
        self.send_with(&channel, body, files).await.map(|_| ())
    }

    /// A thread started from the post (it takes the post's id), then the first message in it.
    async fn start_thread(
        &self,
        under: &MessageRef,
        name: &str,
        first: &Message,
    ) -> Result<MessageRef, ChatError> {
        let body = json!({
            "name": thread_name(name),
            "auto_archive_duration": THREAD_ARCHIVE_MINUTES,
        });
        let path = format!(
            "/channels/{}/messages/{}/threads",
            under.channel.id, under.id
        );
        // Repeatable: a second try finds the thread made by the first (code 160004).
        let made = self
            .rest()
            .call::<Value>(Call::send(Method::POST, path, &body).repeatable())
            .await;
        let thread = match made {
            Ok(thread) => thread["id"].as_str().unwrap_or(&under.id).to_string(),
            Err(RestError::Refused {
                code: Some(THREAD_ALREADY_CREATED),
                ..
            }) => under.id.clone(),
            Err(err) => return Err(err.into_chat()),
        };
        self.send(&thread, first).await
    }

    async fn open_form(&self, _target: &ReplyTarget, _form: &Form) -> Result<(), ChatError> {
        // A modal can only be the first answer to an interaction (see interactions.rs).
        Err(ChatError::permanent(
            "Discord opens forms only as the answer to a command or click",
        ))
    }

    async fn profile(&self, user: &Identity) -> Result<Option<Profile>, ChatError> {
        let path = format!(
            "/guilds/{}/members/{}",
            self.inner.settings.guild_id, user.user_id
        );
        match self.rest().call::<GuildMember>(Call::get(path)).await {
            Ok(member) => Ok(Some(Profile {
                display_name: display_name(&member),
                zone: None,
                email: None,
            })),
            Err(RestError::Refused { status: 404, .. }) => Ok(None),
            Err(err) => Err(err.into_chat()),
        }
    }
}

/// What Discord shows for a member: their server nickname, else their display name, else the
/// username.
pub fn display_name(member: &GuildMember) -> String {
    member
        .nick
        .clone()
        .or_else(|| member.user.global_name.clone())
        .unwrap_or_else(|| member.user.name.clone())
}

/// Wires Discord into `tandem run`: registers the commands, starts the gateway unless it is off,
/// and returns the HTTP interactions route when DISCORD_PUBLIC_KEY is set.
pub async fn serve(
    discord: &Discord,
    app: &crate::app::App,
) -> anyhow::Result<Option<axum::Router>> {
    discord.register_commands().await?;
    let interactions = interactions::Interactions::new(discord.clone(), app.clone());
    let routes = match &discord.settings().public_key {
        Some(key) => Some(endpoint::routes(interactions.clone(), key)?),
        None => None,
    };
    if discord.settings().gateway {
        let store = app.store.clone();
        tokio::spawn(async move {
            if let Err(err) = gateway::hold(store, interactions).await {
                tracing::error!(error = %err, "the Discord gateway could not start");
            }
        });
    } else if routes.is_none() {
        tracing::warn!(
            "DISCORD_GATEWAY is off and DISCORD_PUBLIC_KEY unset: Discord commands will not reach Tandem"
        );
    }
    Ok(routes)
}
