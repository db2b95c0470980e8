//! Pair spaces on Discord (ARCHITECTURE decision 6): a text channel under a "Mentoring pairs"
//! category that only the pair, the coordinator role and the bot can see; a new category every
//! 50 channels; private threads once the server nears its 500-channel limit. The channel topic
//! carries the pair id, so asking again finds the space instead of making a second one. Someone
//! leaving a space loses what they were given: their overwrite, or their place in the thread.

use reqwest::Method;
use serde_json::{Value, json};
use serenity::model::channel::{ChannelType, GuildChannel};

use super::outbound::{Call, Rest, RestError};
use crate::chat::SpaceRequest;
use crate::domain::Platform;
use crate::messages::discord as words;

/// Discord permission bits.
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const MANAGE_ROLES: u64 = 1 << 28;
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
/// What a pair member and the coordinator role may do in a pair channel.
pub const MEMBER_ALLOW: u64 = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY;
/// What the bot needs in a pair channel to post its embeds.
const BOT_ALLOW: u64 = MEMBER_ALLOW | EMBED_LINKS;
/// Discord's channels per category.
const CATEGORY_LIMIT: usize = 50;
/// Private threads stay a week before they auto-archive (the longest Discord offers).
const THREAD_ARCHIVE_MINUTES: u64 = 10_080;

#[derive(Debug, Clone)]
pub struct SpaceSettings {
    pub guild_id: u64,
    pub bot_id: u64,
    pub coordinator_role: Option<u64>,
    /// Channel count from which spaces become private threads.
    pub threads_after: usize,
}

/// A pair's space as found or made: a channel, or a private thread.
pub struct Made {
    pub id: String,
    pub thread: bool,
}

/// Finds the pair's space or makes it.
pub async fn ensure(
    rest: &Rest,
    s: &SpaceSettings,
    request: &SpaceRequest,
) -> Result<Made, RestError> {
    let channels: Vec<GuildChannel> = rest
        .call(Call::get(format!("/guilds/{}/channels", s.guild_id)))
        .await?;
    let topic = words::space_topic(&request.pair_id);
    if let Some(found) = channels
        .iter()
        .find(|c| c.topic.as_deref() == Some(topic.as_str()))
    {
        return Ok(Made {
            id: found.id.to_string(),
            thread: false,
        });
    }
    let thread = |id| Made { id, thread: true };
    if let Some(found) = find_thread(rest, s, &request.pair_id).await? {
        return Ok(thread(found));
    }
    if channels.len() >= s.threads_after {
        return make_thread(rest, s, &channels, request).await.map(thread);
    }
    let category = category_with_room(rest, s, &channels).await?;
    let mut overwrites = base_overwrites(s);
    for member in [&request.mentor, &request.mentee] {
        overwrites.push(overwrite(&member.identity.user_id, 1, MEMBER_ALLOW, 0));
    }
    // Coordinators by name too, so one without the role (or with no role configured) reads it.
    for user in coordinators(request) {
        overwrites.push(overwrite(user, 1, MEMBER_ALLOW, 0));
    }
    let body = json!({
        "name": channel_name(request),
        "type": 0,
        "parent_id": category,
        "topic": topic,
        "permission_overwrites": overwrites,
    });
    let made: GuildChannel = rest
        .call(Call::send(
            Method::POST,
            format!("/guilds/{}/channels", s.guild_id),
            &body,
        ))
        .await?;
    tracing::info!(pair = %request.pair_id, channel = %made.id, "made a pair channel");
    Ok(Made {
        id: made.id.to_string(),
        thread: false,
    })
}

/// The coordinators' Discord ids, without the pair's own members.
fn coordinators(request: &SpaceRequest) -> impl Iterator<Item = &str> {
    let pair = [
        request.mentor.identity.user_id.as_str(),
        request.mentee.identity.user_id.as_str(),
    ];
    let mut seen = Vec::new();
    request
        .coordinators
        .iter()
        .filter(|c| c.platform == Platform::Discord)
        .map(|c| c.user_id.as_str())
        .filter(move |u| {
            !pair.contains(u) && !seen.contains(u) && {
                seen.push(*u);
                true
            }
        })
}

/// @everyone can't see; the bot and the coordinator role can.
fn base_overwrites(s: &SpaceSettings) -> Vec<Value> {
    let mut overwrites = vec![
        overwrite(&s.guild_id.to_string(), 0, 0, VIEW_CHANNEL),
        overwrite(&s.bot_id.to_string(), 1, BOT_ALLOW, 0),
    ];
    if let Some(role) = s.coordinator_role {
        overwrites.push(overwrite(&role.to_string(), 0, MEMBER_ALLOW, 0));
    }
    overwrites
}

/// `kind` 0 is a role (the guild id is @everyone's role), 1 a member.
fn overwrite(id: &str, kind: u8, allow: u64, deny: u64) -> Value {
    json!({ "id": id, "type": kind, "allow": allow, "deny": deny })
}

/// The first "Mentoring pairs" category with room, or a new one.
async fn category_with_room(
    rest: &Rest,
    s: &SpaceSettings,
    channels: &[GuildChannel],
) -> Result<String, RestError> {
    let mut categories: Vec<&GuildChannel> = channels
        .iter()
        .filter(|c| {
            c.kind == ChannelType::Category && c.name.starts_with(&words::pairs_category(1))
        })
        .collect();
    categories.sort_by_key(|c| (c.position, c.id));
    let children = |id| channels.iter().filter(|c| c.parent_id == Some(id)).count();
    if let Some(category) = categories.iter().find(|c| children(c.id) < CATEGORY_LIMIT) {
        return Ok(category.id.to_string());
    }
    let body = json!({
        "name": words::pairs_category(categories.len() + 1),
        "type": 4,
        "permission_overwrites": base_overwrites(s),
    });
    let made: GuildChannel = rest
        .call(Call::send(
            Method::POST,
            format!("/guilds/{}/channels", s.guild_id),
            &body,
        ))
        .await?;
    Ok(made.id.to_string())
}

/// Near the channel limit: a private thread in the pairs channel, with the pair (and the
/// coordinators Tandem knows on Discord) added to it.
async fn make_thread(
    rest: &Rest,
    s: &SpaceSettings,
    channels: &[GuildChannel],
    request: &SpaceRequest,
) -> Result<String, RestError> {
    let parent = match channels
        .iter()
        .find(|c| c.kind == ChannelType::Text && c.name == words::PAIRS_THREAD_CHANNEL)
    {
        Some(c) => c.id.to_string(),
        None => {
            // Everyone may look in (a private thread needs its parent visible) but not talk.
            let mut overwrites = vec![
                overwrite(&s.guild_id.to_string(), 0, 0, SEND_MESSAGES),
                overwrite(
                    &s.bot_id.to_string(),
                    1,
                    BOT_ALLOW | CREATE_PRIVATE_THREADS | SEND_MESSAGES_IN_THREADS,
                    0,
                ),
            ];
            if let Some(role) = s.coordinator_role {
                overwrites.push(overwrite(&role.to_string(), 0, MEMBER_ALLOW, 0));
            }
            let body = json!({ "name": words::PAIRS_THREAD_CHANNEL, "type": 0, "permission_overwrites": overwrites });
            let made: GuildChannel = rest
                .call(Call::send(
                    Method::POST,
                    format!("/guilds/{}/channels", s.guild_id),
                    &body,
                ))
                .await?;
            made.id.to_string()
        }
    };
    let body = json!({
        "name": thread_name(request),
        "type": 12,
        "invitable": false,
        "auto_archive_duration": THREAD_ARCHIVE_MINUTES,
    });
    let thread: GuildChannel = rest
        .call(Call::send(
            Method::POST,
            format!("/channels/{parent}/threads"),
            &body,
        ))
        .await?;
    let mut people: Vec<&str> = vec![
        &request.mentor.identity.user_id,
        &request.mentee.identity.user_id,
    ];
    people.extend(coordinators(request));
    for user in people {
        let _: Value = rest
            .call(Call::empty(
                Method::PUT,
                format!("/channels/{}/thread-members/{user}", thread.id),
            ))
            .await?;
    }
    tracing::info!(pair = %request.pair_id, thread = %thread.id, "made a pair thread");
    Ok(thread.id.to_string())
}

/// Takes someone out of a pair space the way Tandem let them in: their own permission overwrite
/// on a channel, or their membership of a private thread. `false` when they had neither, or the
/// space is gone.
pub async fn remove(rest: &Rest, space: &str, user: &str) -> Result<bool, RestError> {
    let gone = |e: &RestError| e.status() == Some(404);
    let channel: Value = match rest.call(Call::get(format!("/channels/{space}"))).await {
        Ok(channel) => channel,
        Err(e) if gone(&e) => return Ok(false),
        Err(e) => return Err(e),
    };
    let path = if matches!(channel["type"].as_u64(), Some(11 | 12)) {
        let member = rest
            .call::<Value>(Call::get(format!(
                "/channels/{space}/thread-members/{user}"
            )))
            .await;
        match member {
            Ok(_) => format!("/channels/{space}/thread-members/{user}"),
            Err(e) if gone(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
    } else {
        let overwrites = channel["permission_overwrites"].as_array();
        let has_own = overwrites
            .into_iter()
            .flatten()
            .any(|o| o["id"].as_str() == Some(user) && o["type"].as_u64() == Some(1));
        if !has_own {
            return Ok(false);
        }
        format!("/channels/{space}/permissions/{user}")
    };
    match rest.call::<Value>(Call::empty(Method::DELETE, path)).await {
        Ok(_) => Ok(true),
        Err(e) if gone(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn find_thread(
    rest: &Rest,
    s: &SpaceSettings,
    pair_id: &str,
) -> Result<Option<String>, RestError> {
    let active: Value = rest
        .call(Call::get(format!("/guilds/{}/threads/active", s.guild_id)))
        .await?;
    let suffix = thread_suffix(pair_id);
    Ok(active["threads"].as_array().and_then(|threads| {
        threads
            .iter()
            .find(|t| t["name"].as_str().is_some_and(|n| n.ends_with(&suffix)))
            .and_then(|t| t["id"].as_str().map(str::to_string))
    }))
}

/// `mentoring-aroha-ben`: lowercase letters, digits and dashes, as Discord shows text channels.
pub(super) fn channel_name(request: &SpaceRequest) -> String {
    let slug = |name: &str| -> String {
        let s: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        s.split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let mut name = format!(
        "mentoring-{}-{}",
        slug(&request.mentor.display_name),
        slug(&request.mentee.display_name)
    );
    name = name.chars().take(90).collect();
    name.trim_end_matches('-').to_string()
}

fn thread_suffix(pair_id: &str) -> String {
    format!(
        "-{}",
        pair_id
            .chars()
            .rev()
            .take(8)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
    )
}

/// Threads have no topic, so the name ends with part of the pair id to find it again.
pub(super) fn thread_name(request: &SpaceRequest) -> String {
    format!(
        "{}{}",
        channel_name(request),
        thread_suffix(&request.pair_id)
    )
}
