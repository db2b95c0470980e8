//! The Chat port: what the app asks of a platform (make a pair's private space, post, update, DM,
//! reply privately, send files privately, open a thread under a post, open a form). Each adapter implements it; the app never sees a platform type.

pub mod message;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::domain::{Identity, Platform};
pub use message::{Attachment, Button, ButtonStyle, Form, FormChoice, FormField, Message, Text};

/// A channel, DM or thread on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelRef {
    pub platform: Platform,
    pub id: String,
}

impl ChannelRef {
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        ChannelRef {
            platform,
            id: id.into(),
        }
    }
}

/// A message Tandem posted, so it can be updated later (a check-in that shows who answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRef {
    pub channel: ChannelRef,
    pub id: String,
}

/// Everything an adapter needs to make (or find again) a pair's private space.
#[derive(Debug, Clone)]
pub struct SpaceRequest {
    pub pair_id: String,
    pub intake_name: String,
    pub mentor: Member,
    pub mentee: Member,
    /// Coordinators added to the space by name (on Discord also the coordinator-role holders
    /// Tandem has seen, since a role does not open a private thread).
    pub coordinators: Vec<Identity>,
}

/// The names a pair's space shows, for renaming it when a member's name is erased.
#[derive(Debug, Clone)]
pub struct SpaceNames {
    pub pair_id: String,
    pub intake_name: String,
    pub mentor: String,
    pub mentee: String,
}

/// A pair's private space as the platform made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    pub channel: ChannelRef,
    /// Whether everyone holding the platform's coordinator role reads it too (a Discord channel
    /// with the role configured), besides the people added to it by name.
    pub role_reads: bool,
}

impl Space {
    /// A space only the people added to it read.
    pub fn named_only(channel: ChannelRef) -> Self {
        Space {
            channel,
            role_reads: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    pub identity: Identity,
    pub display_name: String,
}

/// Where a private answer to one person's command or click goes. `token` is the platform's own
/// handle for a late reply (Slack `response_url`, Discord interaction token) and `trigger` the one
/// for opening a form (Slack `trigger_id`); both are opaque to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTarget {
    pub user: Identity,
    pub channel: Option<ChannelRef>,
    pub token: Option<String>,
    pub trigger: Option<String>,
}

/// What a platform knows about a person, used when someone new is registered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub display_name: String,
    /// Slack knows each user's IANA zone; Discord does not.
    pub zone: Option<chrono_tz::Tz>,
    pub email: Option<String>,
}

/// Why a platform call failed, sorted the way the scheduler needs it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ChatError {
    /// Worth trying again: rate limited, a 5xx, a timeout. `retry_after` is the platform's own delay.
    #[error("temporary platform error: {reason}")]
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will fail the same way again: channel archived, user gone, bot removed, missing permission.
    #[error("platform refused: {reason}")]
    Permanent { reason: String },
}

impl ChatError {
    pub fn permanent(reason: impl Into<String>) -> Self {
        ChatError::Permanent {
            reason: reason.into(),
        }
    }

    pub fn transient(reason: impl Into<String>, retry_after: Option<Duration>) -> Self {
        ChatError::Transient {
            reason: reason.into(),
            retry_after,
        }
    }

    pub fn is_permanent(&self) -> bool {
        matches!(self, ChatError::Permanent { .. })
    }
}

#[async_trait]
pub trait Chat: Send + Sync {
    fn platform(&self) -> Platform;

    /// Makes the pair's private space, or finds the one made before: never a second one.
    async fn ensure_private_space(&self, request: &SpaceRequest) -> Result<Space, ChatError>;

    /// Takes a person out of a pair's space (Slack: `conversations.kick`; Discord: their own
    /// permission on the channel, or their place in the thread). `false` when they were not in it.
    async fn remove_from_space(
        &self,
        space: &ChannelRef,
        user: &Identity,
    ) -> Result<bool, ChatError>;

    /// Whether `user` holds the platform's coordinator role now; `None` where the platform has
    /// no such role.
    async fn holds_coordinator_role(&self, _user: &Identity) -> Result<Option<bool>, ChatError> {
        Ok(None)
    }

    /// The platform's coordinator role as it is written in a message (Discord's `<@&ID>`), where
    /// one is configured.
    fn coordinator_role(&self) -> Option<String> {
        None
    }

    async fn post(&self, channel: &ChannelRef, message: &Message) -> Result<MessageRef, ChatError>;

    async fn update(&self, at: &MessageRef, message: &Message) -> Result<(), ChatError>;

    async fn dm(&self, user: &Identity, message: &Message) -> Result<MessageRef, ChatError>;

    /// A reply only `target.user` sees (ephemeral), sent after the first acknowledgement.
    async fn reply_private(&self, target: &ReplyTarget, message: &Message)
    -> Result<(), ChatError>;

    /// Files only `target.user` gets (a survey's chart or export: confidential), with `caption`
    /// as the message they come in; sent after the first acknowledgement.
    async fn send_files(
        &self,
        target: &ReplyTarget,
        caption: &Message,
        files: &[Attachment],
    ) -> Result<(), ChatError>;

    /// Opens a thread under a message Tandem posted in a channel, with `first` as its first
    /// message; `name` titles it where the platform shows thread names (Discord). Returns the
    /// first message in the thread.
    async fn start_thread(
        &self,
        under: &MessageRef,
        name: &str,
        first: &Message,
    ) -> Result<MessageRef, ChatError>;

    async fn open_form(&self, target: &ReplyTarget, form: &Form) -> Result<(), ChatError>;

    /// The person's name (and zone, where the platform knows it); `None` when it can't say.
    async fn profile(&self, _user: &Identity) -> Result<Option<Profile>, ChatError> {
        Ok(None)
    }

    /// Gives the pair's space (made by [`Chat::ensure_private_space`]) a name, and a topic or
    /// purpose, showing `names`: what a forgotten member's name is replaced with. A platform
    /// whose spaces show no names has nothing to do.
    async fn rename_space(
        &self,
        _space: &ChannelRef,
        _names: &SpaceNames,
    ) -> Result<(), ChatError> {
        Ok(())
    }
}

tokio::task_local! {
    /// The scheduled delivery being sent, if any: its key is the same on every attempt at it.
    static DELIVERY: Sending;
}

#[derive(Clone)]
struct Sending {
    key: String,
    attempt: u32,
}

/// Runs `send` as attempt `attempt` (1 for the first) at sending delivery `key`. A platform that
/// can recognise a repeated message derives its mark from the key (Discord's nonce, Slack's
/// message metadata), so a retry after a send whose answer was lost does not post a second copy.
pub async fn sending_delivery<F: std::future::Future>(
    key: String,
    attempt: u32,
    send: F,
) -> F::Output {
    DELIVERY.scope(Sending { key, attempt }, send).await
}

/// The key of the delivery being sent, when the current task is sending one.
pub fn delivery_key() -> Option<String> {
    DELIVERY.try_with(|s| s.key.clone()).ok()
}

/// Which attempt at its delivery the current task is making: above 1, an earlier attempt may
/// have posted without Tandem hearing of it (a timeout, a crash).
pub fn delivery_attempt() -> Option<u32> {
    DELIVERY.try_with(|s| s.attempt).ok()
}

/// How long work for a platform this instance is not connected to waits before another try.
pub const NOT_CONNECTED_RETRY: Duration = Duration::from_secs(10 * 60);

/// The adapters that are switched on, by platform: everything addressed to a person goes out on
/// their own platform.
#[derive(Clone, Default)]
pub struct Chats {
    by_platform: BTreeMap<Platform, Arc<dyn Chat>>,
}

impl Chats {
    pub fn new() -> Self {
        Chats::default()
    }

    pub fn with(mut self, chat: Arc<dyn Chat>) -> Self {
        self.by_platform.insert(chat.platform(), chat);
        self
    }

    /// The adapter for `platform`. Not being connected is temporary from the work's point of
    /// view: another instance (or this one, after a restart with the token) can do it, so the
    /// scheduler leaves it for later instead of failing it for good.
    pub fn on(&self, platform: Platform) -> Result<&Arc<dyn Chat>, ChatError> {
        self.by_platform.get(&platform).ok_or_else(|| {
            ChatError::transient(
                format!("{} is not connected", platform.as_str()),
                Some(NOT_CONNECTED_RETRY),
            )
        })
    }

    pub fn is_empty(&self) -> bool {
        self.by_platform.is_empty()
    }

    pub fn platforms(&self) -> impl Iterator<Item = Platform> + '_ {
        self.by_platform.keys().copied()
    }
}
