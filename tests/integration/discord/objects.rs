//! Discord's objects as its API returns them: every field the published spec requires of a
//! response, with the values a small real server would have. The fake answers with these, and
//! checks each answer against the spec, so the bot is never tested against a Discord that
//! leaves out what the real one sends.

use serde_json::{Value, json};

use super::fake::{APP, BOT, GUILD};

/// When everything in the fake happened (Discord's ISO 8601 with offset).
pub const WHEN: &str = "2026-11-28T09:00:00.000000+00:00";

/// A user (`UserResponse`).
pub fn user(id: &str, name: &str, bot: bool) -> Value {
    let mut user = json!({
        "id": id, "username": name.to_lowercase(), "global_name": name, "discriminator": "0",
        "avatar": null, "public_flags": 0, "flags": 0, "primary_guild": null,
    });
    if bot {
        user["bot"] = json!(true);
        user["global_name"] = Value::Null;
    }
    user
}

/// The bot's own account (`UserPIIResponse`, what `GET /users/@me` answers).
pub fn bot_account() -> Value {
    let mut me = user(&BOT.to_string(), "Tandem", true);
    me["mfa_enabled"] = json!(false);
    me["locale"] = json!("en-US");
    me["verified"] = json!(true);
    me.as_object_mut().unwrap().remove("primary_guild");
    me
}

/// The application (`PrivateApplicationResponse`).
pub fn application() -> Value {
    json!({
        "id": APP.to_string(), "name": "Tandem", "icon": null, "description": "",
        "type": null, "verify_key": "0".repeat(64), "flags": 0, "flags_new": "0",
        "redirect_uris": [], "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": user("100000000000000999", "Owner", false),
        "approximate_guild_count": 1, "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0, "explicit_content_filter": 0,
        "team": null, "eligible_oauth2_scopes": [], "bot_public": false,
        "bot_require_code_grant": false,
    })
}

/// A role (`GuildRoleResponse`); `permissions` is a bit set.
pub fn role(id: &str, name: &str, permissions: u64, position: u64) -> Value {
    json!({
        "id": id, "name": name, "permissions": permissions.to_string(), "position": position,
        "color": 0, "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false, "managed": false, "mentionable": false, "icon": null,
        "unicode_emoji": null, "flags": 0,
    })
}

/// The server (`GuildWithCountsResponse`) with its roles.
pub fn guild(roles: Vec<Value>) -> Value {
    json!({
        "id": GUILD.to_string(), "name": "Mentors", "icon": null, "description": null,
        "home_header": null, "splash": null, "discovery_splash": null, "features": [],
        "banner": null, "owner_id": "100000000000000999", "application_id": null,
        "region": "deprecated", "afk_channel_id": null, "afk_timeout": 300,
        "system_channel_id": null, "system_channel_flags": 0, "widget_enabled": false,
        "widget_channel_id": null, "verification_level": 1, "roles": roles,
        "default_message_notifications": 1, "mfa_level": 0, "explicit_content_filter": 0,
        "max_presences": null, "max_members": 500000, "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25, "vanity_url_code": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US",
        "rules_channel_id": null, "safety_alerts_channel_id": null,
        "public_updates_channel_id": null, "premium_progress_bar_enabled": false,
        "nsfw": false, "nsfw_level": 0, "emojis": [], "stickers": [], "incidents_data": null,
    })
}

/// A member of the server (`GuildMemberResponse`).
pub fn member(id: &str, name: &str, roles: Vec<String>, bot: bool) -> Value {
    json!({
        "user": user(id, name, bot), "nick": null, "avatar": null, "banner": null,
        "roles": roles, "joined_at": WHEN, "premium_since": null, "deaf": false, "mute": false,
        "flags": 0, "pending": false, "communication_disabled_until": null,
    })
}

/// A channel of the server as created (`GuildChannelResponse`), from the creating request.
pub fn guild_channel(id: &str, position: usize, request: &Value) -> Value {
    // Requests may send bit sets as numbers; Discord answers with strings.
    let overwrites: Vec<Value> = request["permission_overwrites"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut o| {
            for k in ["allow", "deny"] {
                o[k] = json!(
                    o[k].as_u64()
                        .map(|n| n.to_string())
                        .or_else(|| o[k].as_str().map(String::from))
                        .unwrap_or_else(|| "0".into())
                );
            }
            o["id"] = json!(
                o["id"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| { o["id"].as_u64().unwrap_or_default().to_string() })
            );
            o
        })
        .collect();
    let kind = request["type"].as_u64().unwrap_or(0);
    let mut channel = json!({
        "id": id, "type": kind, "guild_id": GUILD.to_string(), "name": request["name"],
        "position": position, "flags": 0, "permission_overwrites": overwrites, "nsfw": false,
        "parent_id": request["parent_id"],
    });
    if kind == 0 {
        channel["topic"] = request["topic"].clone();
        channel["last_message_id"] = Value::Null;
        channel["rate_limit_per_user"] = json!(0);
    }
    channel
}

/// A thread (`ThreadResponse`); `private` for a private thread, else public.
pub fn thread(id: &str, parent: &str, name: &Value, private: bool, archive_after: &Value) -> Value {
    let minutes = archive_after.as_u64().unwrap_or(10080);
    json!({
        "id": id, "type": if private { 12 } else { 11 }, "guild_id": GUILD.to_string(),
        "name": name, "parent_id": parent, "flags": 0, "owner_id": BOT.to_string(),
        "message_count": 0, "member_count": 1, "total_message_sent": 0,
        "rate_limit_per_user": 0, "last_message_id": null,
        "thread_metadata": { "archived": false, "auto_archive_duration": minutes,
            "archive_timestamp": WHEN, "locked": false, "create_timestamp": WHEN },
    })
}

/// A DM channel with one person (`PrivateChannelResponse`).
pub fn dm_channel(id: &str, recipient: &str, name: &str) -> Value {
    json!({ "id": id, "type": 1, "flags": 0, "last_message_id": null,
        "recipients": [user(recipient, name, false)] })
}

/// Components as Discord answers them: each with a numeric `id`, numbered in order through
/// nested components when the request gave none, and the fields a response always carries.
pub fn components(request: &Value) -> Value {
    let mut next = 0;
    let mut out = request.as_array().cloned().unwrap_or_default();
    for row in &mut out {
        number(row, &mut next);
    }
    Value::Array(out)
}

fn number(component: &mut Value, next: &mut u64) {
    *next += 1;
    if component.get("id").is_none_or(Value::is_null) {
        component["id"] = json!(*next);
    }
    match component["type"].as_u64() {
        // Select menus answer with their bounds even when the request left the defaults.
        Some(3 | 5 | 6 | 7 | 8) => {
            for (key, default) in [("min_values", 1), ("max_values", 1)] {
                if component.get(key).is_none() {
                    component[key] = json!(default);
                }
            }
        }
        // Text inputs answer with their label and bounds, null when unset.
        Some(4) => {
            for key in ["label", "min_length", "max_length"] {
                if component.get(key).is_none() {
                    component[key] = Value::Null;
                }
            }
        }
        _ => {}
    }
    if let Some(children) = component["components"].as_array_mut() {
        for child in children {
            number(child, next);
        }
    }
}

/// Embeds as Discord answers them: every embed a bot sends is of type `rich`.
fn embeds(request: &Value) -> Value {
    let mut out = request.as_array().cloned().unwrap_or_default();
    for embed in &mut out {
        embed["type"] = json!("rich");
    }
    Value::Array(out)
}

/// A message the bot sent (`MessageResponse`), from the request that made it; `attachments` are
/// the files as stored.
pub fn message(id: &str, channel: &str, request: &Value, attachments: Value) -> Value {
    let mut message = json!({
        "id": id, "channel_id": channel, "type": 0,
        "content": request["content"].as_str().unwrap_or(""),
        "author": user(&BOT.to_string(), "Tandem", true),
        "timestamp": WHEN, "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": attachments, "embeds": embeds(&request["embeds"]),
        "components": components(&request["components"]), "pinned": false,
        "flags": request["flags"].as_u64().unwrap_or(0),
    });
    if let Some(nonce) = request.get("nonce").filter(|n| !n.is_null()) {
        message["nonce"] = nonce.clone();
    }
    message
}

/// A registered command (`ApplicationCommandResponse`), from the registering request.
pub fn command(id: &str, request: &Value) -> Value {
    let mut command = request.clone();
    command["id"] = json!(id);
    command["application_id"] = json!(APP.to_string());
    command["guild_id"] = json!(GUILD.to_string());
    command["version"] = json!(id);
    command["type"] = request.get("type").cloned().unwrap_or(json!(1));
    command["default_member_permissions"] = request
        .get("default_member_permissions")
        .cloned()
        .unwrap_or(Value::Null);
    command
}
