//! Interaction payloads in Discord's own shapes, as the gateway and the HTTP endpoint deliver
//! them.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use super::fake::{APP, COORDINATOR_ROLE, GUILD};

/// A channel the commands are typed in.
pub const CHANNEL: &str = "700000000000000001";

static NEXT: AtomicU64 = AtomicU64::new(1);

fn next_id() -> String {
    (600_000_000_000_000_000 + NEXT.fetch_add(1, Ordering::SeqCst)).to_string()
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: &'static str,
    pub name: &'static str,
    pub coordinator: bool,
}

pub const GINA: Person = Person {
    id: "100000000000000001",
    name: "Gina",
    coordinator: true,
};
pub const AROHA: Person = Person {
    id: "100000000000000002",
    name: "Aroha",
    coordinator: false,
};
pub const BEN: Person = Person {
    id: "100000000000000003",
    name: "Ben",
    coordinator: false,
};
pub const CY: Person = Person {
    id: "100000000000000004",
    name: "Cy",
    coordinator: false,
};

/// The server's members, by id.
pub fn name_of(id: &str) -> Option<&'static str> {
    [GINA, AROHA, BEN, CY]
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.name)
}

/// The roles a server member starts with: the coordinator role for coordinators.
pub fn roles_of(id: &str) -> Vec<String> {
    [GINA, AROHA, BEN, CY]
        .into_iter()
        .filter(|p| p.id == id && p.coordinator)
        .map(|_| COORDINATOR_ROLE.to_string())
        .collect()
}

pub fn user(p: &Person) -> Value {
    json!({ "id": p.id, "username": p.name.to_lowercase(), "global_name": p.name, "discriminator": "0", "avatar": null })
}

fn member(p: &Person) -> Value {
    // As the interaction says: a test may pass someone whose role was taken away.
    let roles: Vec<String> = if p.coordinator {
        vec![COORDINATOR_ROLE.to_string()]
    } else {
        vec![]
    };
    json!({
        "user": user(p), "nick": null, "roles": roles, "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": false, "mute": false, "flags": 0, "pending": false, "permissions": "2248473465835073",
    })
}

fn envelope(kind: u8, who: &Person, data: Value) -> Value {
    json!({
        "id": next_id(), "application_id": APP.to_string(), "type": kind, "data": data,
        "guild_id": GUILD.to_string(), "channel_id": CHANNEL, "member": member(who),
        "token": format!("token-{}", next_id()), "version": 1, "locale": "en-GB", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": { "0": GUILD.to_string() }, "context": 0,
        "attachment_size_limit": 10_485_760, "app_permissions": "2248473465835073",
    })
}

pub fn text(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

pub fn person(name: &str, p: &Person) -> Value {
    json!({ "name": name, "type": 6, "value": p.id })
}

/// `/ROOT words… options…`, with USER options resolved as Discord does.
pub fn command(
    who: &Person,
    root: &str,
    words: &[&str],
    options: Vec<Value>,
    people: &[&Person],
) -> Value {
    let mut options = Value::Array(options);
    for (i, word) in words.iter().enumerate().rev() {
        let kind = if i + 1 == words.len() { 1 } else { 2 };
        options = json!([{ "name": word, "type": kind, "options": options }]);
    }
    let users: serde_json::Map<String, Value> =
        people.iter().map(|p| (p.id.to_string(), user(p))).collect();
    envelope(
        2,
        who,
        json!({
            "id": "500000000000000001", "name": root, "type": 1, "options": options,
            "resolved": { "users": users }, "guild_id": GUILD.to_string(),
        }),
    )
}

pub fn mentoring(who: &Person, words: &[&str], options: Vec<Value>, people: &[&Person]) -> Value {
    command(who, "mentoring", words, options, people)
}

/// A button click on a message the bot posted.
pub fn click(who: &Person, custom_id: &str, message_id: &str) -> Value {
    let mut i = envelope(
        3,
        who,
        json!({ "custom_id": custom_id, "component_type": 2 }),
    );
    i["message"] = json!({
        "id": message_id, "channel_id": CHANNEL, "type": 0, "content": "",
        "author": { "id": super::fake::BOT.to_string(), "username": "Tandem", "discriminator": "0", "bot": true, "avatar": null },
        "timestamp": "2026-11-28T09:00:00+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "components": [], "pinned": false, "flags": 64,
    });
    i
}

pub fn ping() -> Value {
    json!({ "id": next_id(), "application_id": APP.to_string(), "type": 1, "token": "ping-token", "version": 1 })
}

/// The custom ids of the buttons in an interaction answer or message body.
pub fn custom_ids(data: &Value) -> Vec<String> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(String::from))
        .collect()
}

/// Everything a person reads in a message body: content and embed text.
pub fn words(data: &Value) -> String {
    let mut out = data["content"].as_str().unwrap_or_default().to_string();
    for embed in data["embeds"].as_array().into_iter().flatten() {
        out.push('\n');
        out.push_str(embed["description"].as_str().unwrap_or_default());
        for f in embed["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "\n{}: {}",
                f["name"].as_str().unwrap_or(""),
                f["value"].as_str().unwrap_or("")
            ));
        }
    }
    out
}
