//! The message model as Discord JSON: an embed for the words, buttons as components with stable
//! custom ids (forms: see `form.rs`), times as `<t:UNIX:F>`. Every message carries `allowed_mentions`
//! with `parse: []`, so only the people a message deliberately mentions are pinged: never
//! `@everyone`, a role, or anyone named in text a person typed.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use serde_json::{Value, json};

use crate::chat::message::Segment;
use crate::chat::{Button, ButtonStyle, Message, Text};
use crate::domain::Platform;

/// Tandem's embed colour.
const COLOUR: u32 = 0x2F9E8F;
/// Discord's limits: description, field value, field name, fields, custom id.
const DESCRIPTION_MAX: usize = 4096;
const FIELD_VALUE_MAX: usize = 1024;
const FIELD_NAME_MAX: usize = 256;
const FIELDS_MAX: usize = 25;
pub const CUSTOM_ID_MAX: usize = 100;
/// A modal holds at most five text inputs.
pub const MODAL_FIELDS_MAX: usize = 5;

/// The body of a new message, an edit or an interaction reply (`flags` added by the caller).
pub fn message_body(message: &Message) -> Value {
    let mut mentioned = Vec::new();
    let mut description: Vec<String> = message
        .lines
        .iter()
        .map(|l| text(l, &mut mentioned))
        .collect();
    // A value too long for a field (a long note) goes below the words instead, whole.
    let mut fields: Vec<(String, String)> = Vec::new();
    for (label, value) in &message.fields {
        let value = or_dash(text(value, &mut mentioned));
        if value.chars().count() > FIELD_VALUE_MAX {
            description.push(format!("**{}**\n{value}", escape(label)));
        } else if fields.len() < FIELDS_MAX {
            fields.push((cut(&escape(label), FIELD_NAME_MAX), value));
        }
    }
    let description = fit_embed(&description.join("\n"), &mut fields);
    let fields: Vec<Value> = fields
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value, "inline": false }))
        .collect();
    let mut embed = json!({ "color": COLOUR, "fields": fields });
    if !description.is_empty() {
        json::set(&mut embed, "description", json!(description));
    }
    mentioned.dedup();
    mentioned.truncate(MENTIONS_MAX);
    // Mentions inside an embed never notify, so the deliberate ones also go in the content.
    let content: Vec<String> = mentioned.iter().map(|id| format!("<@{id}>")).collect();
    json!({
        "content": content.join(" "),
        "embeds": [embed],
        "components": components(&message.buttons),
        "allowed_mentions": { "parse": [], "users": mentioned },
    })
}

/// Buttons in rows of five (Discord's maximum), five rows at most.
fn components(buttons: &[Button]) -> Vec<Value> {
    buttons
        .chunks(5)
        .take(5)
        .map(|row| {
            let row: Vec<Value> = row
                .iter()
                .map(|b| {
                    json!({
                        "type": 2,
                        "style": match b.style {
                            ButtonStyle::Primary => 1,
                            ButtonStyle::Default => 2,
                            ButtonStyle::Danger => 4,
                        },
                        "label": cut(&b.label, 80),
                        "custom_id": custom_id(&b.action, &b.value),
                    })
                })
                .collect();
            json!({ "type": 1, "components": row })
        })
        .collect()
}

/// `action|value`, at most 100 characters; both parts come back untrusted.
pub fn custom_id(action: &str, value: &str) -> String {
    cut(&format!("{action}|{value}"), CUSTOM_ID_MAX)
}

pub fn parse_custom_id(id: &str) -> (String, String) {
    match id.split_once('|') {
        Some((action, value)) => (action.to_string(), value.to_string()),
        None => (id.to_string(), String::new()),
    }
}

/// One run of text: our words with `*bold*` made Discord's `**bold**`, user text escaped, times
/// for each reader's zone, deliberate mentions collected for `allowed_mentions`.
fn text(t: &Text, mentioned: &mut Vec<String>) -> String {
    t.0.iter()
        .map(|segment| match segment {
            Segment::Plain(words) => bold(words),
            Segment::UserText(words) => escape(words),
            Segment::Time { at, .. } => format!("<t:{}:F>", at.unix_seconds()),
            Segment::Mention(who)
                if who.platform == Platform::Discord && is_snowflake(&who.user_id) =>
            {
                mentioned.push(who.user_id.clone());
                format!("<@{}>", who.user_id)
            }
            Segment::Mention(who) => escape(&format!("@{}", who.user_id)),
            Segment::Channel(id) if is_snowflake(id) => format!("<#{id}>"),
            Segment::Channel(id) => escape(&format!("#{id}")),
        })
        .collect()
}

fn is_snowflake(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.chars().all(|c| c.is_ascii_digit())
}

/// `*` as emphasis becomes `**`; stars in code spans and lone ones (`* * MON`) stay.
fn bold(words: &str) -> String {
    let chars: Vec<char> = words.chars().collect();
    let mut out = String::with_capacity(words.len() + 8);
    let mut in_code = false;
    for (i, c) in chars.iter().enumerate() {
        if *c == '`' {
            in_code = !in_code;
        }
        let space = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_whitespace())
        };
        if *c == '*' && !in_code && !(space(i.checked_sub(1)) && space(Some(i + 1))) {
            out.push_str("**");
        } else {
            out.push(*c);
        }
    }
    out
}

/// Text a person typed, shown literally: markdown escaped, `<` escaped so `<@id>` and `<@&role>`
/// stay words, and `@` followed by a zero-width space so `@everyone` is never a mention.
pub fn escape(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len() + 8);
    for c in typed.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '#' | '[' | ']' | '(' | ')' | '-' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            _ => out.push(c),
        }
    }
    out
}

fn or_dash(value: String) -> String {
    if value.trim().is_empty() {
        "-".into()
    } else {
        value
    }
}

/// At most `max` characters, with an ellipsis when cut; never inside a `<…>` token (a mention, a
/// time) nor after half an escape.
pub(super) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut head: Vec<char> = text.chars().take(max.max(1) - 1).collect();
    let open = head.iter().rposition(|c| *c == '<');
    let close = head.iter().rposition(|c| *c == '>');
    if let Some(open) = open.filter(|o| close.is_none_or(|c| c < *o)) {
        let escaped = open > 0 && head.get(open - 1) == Some(&'\\');
        if !escaped {
            head.truncate(open);
        }
    }
    let backslashes = head.iter().rev().take_while(|c| **c == '\\').count();
    if backslashes % 2 == 1 {
        head.pop();
    }
    let mut out: String = head.into_iter().collect();
    out.push('…');
    out
}

/// Discord's cap on the characters of a message's embeds, all fields included.
pub const EMBED_TOTAL_MAX: usize = 6000;
/// Content holds the mentions; each `<@id> ` is at most 23 characters of its 2000.
pub const CONTENT_MAX: usize = 2000;
const MENTIONS_MAX: usize = 80;

/// Fits a description and fields into [`EMBED_TOTAL_MAX`]: the description gives way first, down
/// to half of it, then the fields share what is left, names and values alike.
fn fit_embed(description: &str, fields: &mut [(String, String)]) -> String {
    let count = |s: &str| s.chars().count();
    let fields_total: usize = fields.iter().map(|(n, v)| count(n) + count(v)).sum();
    let room = EMBED_TOTAL_MAX
        .saturating_sub(fields_total)
        .clamp(EMBED_TOTAL_MAX / 2, DESCRIPTION_MAX);
    let description = if count(description) > room {
        format!(
            "{}\n{}",
            cut(description, room - 60),
            crate::messages::shortened()
        )
    } else {
        description.to_string()
    };
    let left = EMBED_TOTAL_MAX - count(&description);
    if fields_total > left && !fields.is_empty() {
        let each = left / fields.len();
        for (name, value) in fields.iter_mut() {
            *name = cut(name, (each / 4).clamp(1, FIELD_NAME_MAX));
            *value = cut(
                value,
                each.saturating_sub(count(name)).clamp(1, FIELD_VALUE_MAX),
            );
        }
    }
    description
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Identity, Timestamp};

    fn length(v: &Value) -> usize {
        v.as_str().map(|s| s.chars().count()).unwrap_or(0)
    }

    /// Every limit Discord holds a message body to (content, embeds, components, mentions).
    fn limits_broken(body: &Value) -> Vec<String> {
        let mut broken = vec![];
        let mut check = |ok: bool, what: String| {
            if !ok {
                broken.push(what);
            }
        };
        check(length(&body["content"]) <= CONTENT_MAX, "content".into());
        let users = body["allowed_mentions"]["users"]
            .as_array()
            .map_or(0, Vec::len);
        check(users <= 100, format!("{users} allowed mentions"));
        let mut total = 0;
        for embed in body["embeds"].as_array().into_iter().flatten() {
            check(
                length(&embed["description"]) <= DESCRIPTION_MAX,
                "description".into(),
            );
            total += length(&embed["description"]);
            let fields = embed["fields"].as_array().cloned().unwrap_or_default();
            check(fields.len() <= FIELDS_MAX, "fields".into());
            for field in &fields {
                check(
                    length(&field["name"]) <= FIELD_NAME_MAX,
                    "field name".into(),
                );
                check(
                    length(&field["value"]) <= FIELD_VALUE_MAX,
                    "field value".into(),
                );
                total += length(&field["name"]) + length(&field["value"]);
            }
        }
        check(
            total <= EMBED_TOTAL_MAX,
            format!("embeds of {total} characters"),
        );
        let rows = body["components"].as_array().cloned().unwrap_or_default();
        check(rows.len() <= 5, "rows".into());
        for row in &rows {
            let buttons = row["components"].as_array().cloned().unwrap_or_default();
            check(buttons.len() <= 5, "buttons in a row".into());
            for b in &buttons {
                check(length(&b["label"]) <= 80, "label".into());
                check(length(&b["custom_id"]) <= CUSTOM_ID_MAX, "custom id".into());
            }
        }
        broken
    }

    #[test]
    fn every_message_fits_discords_limits_and_keeps_its_meaning() {
        for (what, message) in crate::chat::message::oversized_messages(Platform::Discord) {
            let body = message_body(&message);
            let broken = limits_broken(&body);
            assert!(broken.is_empty(), "{what}: {broken:?}");
            let description = body["embeds"][0]["description"]
                .as_str()
                .unwrap_or_default();
            let mut ignored = vec![];
            let first = message
                .lines
                .first()
                .map(|l| text(l, &mut ignored))
                .unwrap_or_default();
            let start: String = first.chars().take(40).collect();
            assert!(description.starts_with(&start), "{what}: {description:.80}");
            let all_words: usize = message
                .lines
                .iter()
                .map(|l| text(l, &mut ignored).chars().count())
                .sum();
            if all_words > DESCRIPTION_MAX {
                assert!(
                    description.contains("shortened"),
                    "{what}: says it was shortened"
                );
            }
            // No token is cut in half: every `<` that opens a mention or a time is closed.
            let unescaped = description.replace("\\<", "").replace("\\>", "");
            assert_eq!(
                unescaped.matches('<').count(),
                unescaped.matches('>').count(),
                "{what}"
            );
        }
    }

    #[test]
    fn user_text_never_pings_and_mentions_are_deliberate() {
        let message = Message::new().line(
            Text::new()
                .plain("Welcome, ")
                .mention(Identity::new(Platform::Discord, "111"))
                .plain(" from *")
                .user("@everyone <@222> <@&333> **x**")
                .plain("*"),
        );
        let body = message_body(&message);
        assert_eq!(
            body["allowed_mentions"],
            json!({"parse": [], "users": ["111"]})
        );
        assert_eq!(body["content"], "<@111>");
        let description = body["embeds"][0]["description"].as_str().unwrap();
        assert_eq!(
            description,
            "Welcome, <@111> from **@\u{200B}everyone \\<@\u{200B}222\\> \\<@\u{200B}&333\\> \\*\\*x\\*\\***"
        );
    }

    #[test]
    fn times_buttons_and_custom_ids() {
        let at = Timestamp(1_800_000_000_000);
        let message = Message::new()
            .line(
                Text::new()
                    .plain("At ")
                    .time(at, chrono_tz::UTC)
                    .plain(": `0 10 * * MON`"),
            )
            .button(Button::new("Resume now", "pause.resume", "p1").styled(ButtonStyle::Primary));
        let body = message_body(&message);
        assert_eq!(
            body["embeds"][0]["description"],
            "At <t:1800000000:F>: `0 10 * * MON`"
        );
        assert_eq!(
            body["components"][0]["components"][0]["custom_id"],
            "pause.resume|p1"
        );
        assert_eq!(
            parse_custom_id("pause.resume|p1"),
            ("pause.resume".into(), "p1".into())
        );
        assert_eq!(
            custom_id("a", &"x".repeat(200)).chars().count(),
            CUSTOM_ID_MAX
        );
    }
}
