//! The message model as Slack sees it: mrkdwn text with every typed word escaped, `<!date^…>`
//! times, Block Kit sections, fields and buttons, and forms as modals. Pure functions, no I/O.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use slack_morphism::prelude::*;

use crate::chat::message::{Segment, format_local};
use crate::chat::{Button, ButtonStyle, Form, FormChoice, FormField, Message, Text};
use crate::domain::Platform;
use crate::messages;

/// Slack's limits (Block Kit reference, chat.postMessage): blocks per message, characters per
/// section text and per field, fields per section, elements per actions block, a button's text
/// and value, and the message's own text. Measured after escaping, in characters.
pub const BLOCKS_MAX: usize = 50;
pub const SECTION_TEXT_MAX: usize = 3000;
pub const FIELD_TEXT_MAX: usize = 2000;
pub const FIELDS_PER_SECTION: usize = 10;
pub const BUTTONS_PER_BLOCK: usize = 25;
pub const BUTTON_TEXT_MAX: usize = 75;
pub const BUTTON_VALUE_MAX: usize = 2000;
pub const TEXT_MAX: usize = 40_000;

/// Slack's three control characters, escaped: nothing typed can become `<!channel>` or `<@U…>`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The reverse, for text Slack sends us (slash-command text arrives escaped).
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn is_slack_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// One run of segments as mrkdwn.
pub fn mrkdwn(text: &Text) -> String {
    text.0
        .iter()
        .map(|segment| match segment {
            Segment::Plain(words) | Segment::UserText(words) => escape(words),
            Segment::Time { at, zone } => format!(
                "<!date^{}^{{date_short_pretty}} {{time}}|{}>",
                at.unix_seconds(),
                escape(&format_local(*at, *zone))
            ),
            Segment::Mention(who)
                if who.platform == Platform::Slack && is_slack_id(&who.user_id) =>
            {
                format!("<@{}>", who.user_id)
            }
            Segment::Mention(who) => escape(&format!("@{}", who.user_id)),
            Segment::Channel(id) if is_slack_id(id) => format!("<#{id}>"),
            Segment::Channel(name) => escape(&format!("#{name}")),
        })
        .collect()
}

fn md(text: String) -> SlackBlockText {
    SlackBlockText::MarkDown(SlackBlockMarkDownText::new(text))
}

/// The notification and fallback text: every line, then every field.
pub fn fallback(message: &Message) -> String {
    let mut out: Vec<String> = message.lines.iter().map(mrkdwn).collect();
    out.extend(
        message
            .fields
            .iter()
            .map(|(label, value)| format!("{}: {}", escape(label), mrkdwn(value))),
    );
    cut_mrkdwn(&out.join("\n"), TEXT_MAX)
}

/// Lines into sections (a line too long for one is split over several), fields into field
/// sections, buttons into actions blocks; within Slack's limits, and when a message has more
/// than Slack's 50 blocks, the words are shortened with a note saying so and the buttons kept.
pub fn blocks(message: &Message) -> Vec<SlackBlock> {
    let mut words: Vec<SlackBlock> = Vec::new();
    let mut section = String::new();
    // A value too long for a field (a long note) goes below the words instead, whole.
    let (fields, long): (Vec<_>, Vec<_>) = message
        .fields
        .iter()
        .map(|(label, value)| (escape(label), mrkdwn(value)))
        .partition(|(label, value)| chars(label) + chars(value) + 3 <= FIELD_TEXT_MAX);
    let lines = message.lines.iter().map(mrkdwn);
    let long = long
        .into_iter()
        .map(|(label, value)| format!("*{label}*\n{value}"));
    for line in lines.chain(long) {
        for piece in pieces(&line, SECTION_TEXT_MAX) {
            if !section.is_empty() && chars(&section) + 1 + chars(&piece) > SECTION_TEXT_MAX {
                words.push(section_of(std::mem::take(&mut section)));
            }
            if !section.is_empty() {
                section.push('\n');
            }
            section.push_str(&piece);
        }
    }
    if !section.is_empty() {
        words.push(section_of(section));
    }
    for chunk in fields.chunks(FIELDS_PER_SECTION) {
        let fields = chunk
            .iter()
            .map(|(label, value)| md(format!("*{label}*\n{value}")))
            .collect();
        words.push(SlackSectionBlock::new().with_fields(fields).into());
    }
    let actions: Vec<SlackBlock> = message
        .buttons
        .chunks(BUTTONS_PER_BLOCK)
        .map(|chunk| SlackActionsBlock::new(chunk.iter().map(button).collect()).into())
        .take(BLOCKS_MAX / 2)
        .collect();
    let room = BLOCKS_MAX - actions.len();
    if words.len() > room {
        words.truncate(room - 1);
        words.push(section_of(messages::shortened().to_string()));
    }
    words.extend(actions);
    words
}

fn section_of(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(md(text)).into()
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` (mrkdwn) in pieces of at most `max` characters, split at a line break or a space where
/// one is near, and never inside a `<…>` token (a mention, a link, a date) or an `&…;` escape.
pub fn pieces(text: &str, max: usize) -> Vec<String> {
    let mut rest: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    while rest.len() > max {
        let mut at = max;
        if let Some(space) = rest
            .get(max / 2..max)
            .and_then(|w| w.iter().rposition(|c| *c == '\n' || *c == ' '))
        {
            at = max / 2 + space + 1;
        }
        let head = rest.get(..at).unwrap_or_default();
        let open = head.iter().rposition(|c| *c == '<');
        let close = head.iter().rposition(|c| *c == '>');
        if let Some(open) = open.filter(|o| close.is_none_or(|c| c < *o) && *o > 0) {
            at = open;
        }
        let head = rest.get(..at).unwrap_or_default();
        let amp = head.iter().rposition(|c| *c == '&');
        let semi = head.iter().rposition(|c| *c == ';');
        if let Some(amp) = amp.filter(|a| semi.is_none_or(|s| s < *a) && at - a <= 6 && *a > 0) {
            at = amp;
        }
        out.push(rest.drain(..at).collect());
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest.into_iter().collect());
    }
    out
}

/// At most `max` characters of mrkdwn, cut at a safe place with an ellipsis when too long.
pub fn cut_mrkdwn(text: &str, max: usize) -> String {
    if chars(text) <= max {
        return text.to_string();
    }
    let mut head = pieces(text, max - 1).into_iter().next().unwrap_or_default();
    head.push('…');
    head
}

fn button(b: &Button) -> SlackActionBlockElement {
    let element = SlackBlockButtonElement::new(cut(&b.label, BUTTON_TEXT_MAX).into())
        .with_action_id(b.action.clone().into())
        .with_value(cut(&b.value, BUTTON_VALUE_MAX));
    let element = match b.style {
        ButtonStyle::Default => element,
        ButtonStyle::Primary => element.with_style(SlackBlockButtonStyle::Primary),
        ButtonStyle::Danger => element.with_style(SlackBlockButtonStyle::Danger),
    };
    SlackActionBlockElement::Button(element)
}

/// Message content for chat.postMessage, chat.update and response_url.
pub fn content(message: &Message) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(fallback(message))
        .with_blocks(blocks(message))
}

/// Modal titles are at most 24 characters.
fn title(text: &str) -> String {
    text.chars().take(24).collect()
}

/// Slack's limits in a modal: labels, option text, radio buttons and checkboxes per group.
const LABEL_MAX: usize = 2000;
const OPTION_TEXT_MAX: usize = 75;
const BUTTONS_IN_GROUP_MAX: usize = 10;
/// Options in a menu, and input blocks in a modal.
const OPTIONS_MAX: usize = 100;
const MODAL_BLOCKS_MAX: usize = 100;

/// At most `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// One field's input element, showing the person's current answer: radio buttons or checkboxes
/// for up to ten choices, menus for more, a text box for free text. Every element's action id
/// is `value` and its block id the field's id, which is how [`form_answers`] reads them back.
fn form_input(field: &FormField) -> SlackInputBlockElement {
    let item = |c: &FormChoice| {
        SlackBlockChoiceItem::new(
            SlackBlockPlainText::from(cut(&c.label, OPTION_TEXT_MAX)),
            c.value.clone(),
        )
    };
    let plain = |c: &FormChoice| {
        let i = item(c);
        SlackBlockChoiceItem::new(SlackBlockPlainTextOnly::from(i.text), i.value)
    };
    let boxes = field.choices.len() <= BUTTONS_IN_GROUP_MAX;
    let first = field.picked().next();
    let picked = || -> Option<Vec<FormChoice>> {
        let all: Vec<FormChoice> = field.picked().cloned().collect();
        (!all.is_empty()).then_some(all)
    };
    let action: SlackActionId = FORM_ACTION.into();
    match (field.choices.is_empty(), field.multiple, boxes) {
        (true, _, _) => SlackBlockPlainTextInputElement::new()
            .with_action_id(action)
            .with_multiline(true)
            .opt_initial_value(field.current.first().cloned())
            .opt_max_length(field.max_chars.map(|m| m as u64))
            .into(),
        (false, false, true) => SlackBlockRadioButtonsElement::new(
            field.choices.iter().map(|c| item(c).into_text()).collect(),
        )
        .with_action_id(action)
        .opt_initial_option(first.map(|c| item(c).into_text()))
        .into(),
        (false, false, false) => SlackBlockStaticSelectElement::new()
            .with_action_id(action)
            .with_options(field.choices.iter().take(OPTIONS_MAX).map(plain).collect())
            .opt_initial_option(first.map(plain))
            .into(),
        (false, true, true) => SlackBlockCheckboxesElement::new(
            field.choices.iter().map(|c| item(c).into_text()).collect(),
        )
        .with_action_id(action)
        .opt_initial_options(picked().map(|p| p.iter().map(|c| item(c).into_text()).collect()))
        .into(),
        (false, true, false) => SlackBlockMultiStaticSelectElement::new()
            .with_action_id(action)
            .with_options(field.choices.iter().take(OPTIONS_MAX).map(plain).collect())
            .opt_initial_options(picked().map(|p| p.iter().map(plain).collect()))
            .into(),
    }
}

/// The action id of every input in a form's modal.
const FORM_ACTION: &str = "value";

trait IntoText {
    fn into_text(self) -> SlackBlockChoiceItem<SlackBlockText>;
}

impl IntoText for SlackBlockChoiceItem<SlackBlockPlainText> {
    fn into_text(self) -> SlackBlockChoiceItem<SlackBlockText> {
        SlackBlockChoiceItem::new(self.text.into(), self.value)
    }
}

/// A form as a modal: one input block per field, keyed by the field's id; `callback_id` carries
/// the form's id so the answers come back under it.
pub fn modal(form: &Form) -> SlackView {
    let inputs = form.fields.iter().take(MODAL_BLOCKS_MAX).map(|field| {
        SlackInputBlock::new(cut(&field.label, LABEL_MAX).into(), form_input(field))
            .with_block_id(field.id.clone().into())
            .with_optional(!field.required)
            .into()
    });
    SlackView::Modal(
        SlackModalView::new(title(&form.title).into(), inputs.collect())
            .with_callback_id(form.id.clone().into())
            .with_submit(messages::slack::form_submit().into())
            .with_close(messages::slack::form_close().into()),
    )
}

/// What a submitted modal holds, per block: typed text, one picked option's value, or several.
pub fn form_answers(view: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    let Some(blocks) = json::at(view, "/state/values").as_object() else {
        return Vec::new();
    };
    blocks
        .iter()
        .map(|(block, actions)| {
            let input = json::at(actions, &format!("/{FORM_ACTION}"));
            let values = if let Some(text) = json::at(input, "/value").as_str() {
                vec![text.to_string()]
            } else if let Some(one) = json::at(input, "/selected_option/value").as_str() {
                vec![one.to_string()]
            } else {
                json::at(input, "/selected_options")
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| json::at(o, "/value").as_str().map(str::to_string))
                    .collect()
            };
            (block.clone(), values)
        })
        .collect()
}

/// A modal's last view after a submission: the reply's words and a Close button.
pub fn outcome_view(title_text: &str, message: &Message) -> SlackView {
    SlackView::Modal(
        SlackModalView::new(title(title_text).into(), blocks(message))
            .with_close(messages::slack::form_done().into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Identity, Timestamp};

    fn length(v: &serde_json::Value) -> usize {
        v.as_str().map(|s| s.chars().count()).unwrap_or(0)
    }

    /// Every limit Slack holds a message to, as the JSON it is sent as; a section never splits
    /// a `<…>` token.
    fn limits_broken(content: &serde_json::Value) -> Vec<String> {
        let mut broken = vec![];
        let mut check = |ok: bool, what: String| {
            if !ok {
                broken.push(what);
            }
        };
        check(length(&content["text"]) <= TEXT_MAX, "text".into());
        let blocks = content["blocks"].as_array().cloned().unwrap_or_default();
        check(
            blocks.len() <= BLOCKS_MAX,
            format!("{} blocks", blocks.len()),
        );
        for block in &blocks {
            let text = &block["text"]["text"];
            check(
                length(text) <= SECTION_TEXT_MAX,
                format!("section of {}", length(text)),
            );
            let words = text.as_str().unwrap_or_default();
            check(
                words.matches('<').count() == words.matches('>').count(),
                format!(
                    "a token split in {}",
                    words.chars().take(60).collect::<String>()
                ),
            );
            let fields = block["fields"].as_array().cloned().unwrap_or_default();
            check(
                fields.len() <= FIELDS_PER_SECTION,
                "fields per section".into(),
            );
            for field in &fields {
                check(
                    length(&field["text"]) <= FIELD_TEXT_MAX,
                    "field text".into(),
                );
            }
            let elements = block["elements"].as_array().cloned().unwrap_or_default();
            check(
                elements.len() <= BUTTONS_PER_BLOCK,
                "buttons per block".into(),
            );
            for button in &elements {
                check(
                    length(&button["text"]["text"]) <= BUTTON_TEXT_MAX,
                    "button text".into(),
                );
                check(
                    length(&button["value"]) <= BUTTON_VALUE_MAX,
                    "button value".into(),
                );
            }
        }
        broken
    }

    #[test]
    fn every_message_fits_slacks_limits_and_keeps_its_meaning() {
        for (what, message) in crate::chat::message::oversized_messages(Platform::Slack) {
            let content = serde_json::to_value(content(&message)).unwrap();
            let broken = limits_broken(&content);
            assert!(broken.is_empty(), "{what}: {broken:?}");
            let blocks = content["blocks"].as_array().unwrap();
            let first = message.lines.first().map(mrkdwn).unwrap_or_default();
            let shown = blocks[0]["text"]["text"].as_str().unwrap_or_default();
            let start: String = first.chars().take(40).collect();
            assert!(shown.starts_with(&start), "{what}: {shown:.80}");
            // Buttons survive shortening: they are how people answer.
            let buttons: usize = blocks
                .iter()
                .map(|b| b["elements"].as_array().map_or(0, Vec::len))
                .sum();
            assert_eq!(buttons, message.buttons.len(), "{what}");
            let all = content.to_string();
            if blocks.len() == BLOCKS_MAX {
                assert!(all.contains("shortened"), "{what}: says it was shortened");
            }
        }
    }

    #[test]
    fn pieces_split_at_spaces_and_never_inside_a_token() {
        let text = format!("{} <@U123> {}", "a".repeat(20), "b".repeat(20));
        let parts = pieces(&text, 24);
        assert_eq!(parts.concat(), text, "nothing lost");
        assert!(parts.iter().all(|p| p.chars().count() <= 24), "{parts:?}");
        assert!(
            parts
                .iter()
                .all(|p| p.matches('<').count() == p.matches('>').count()),
            "{parts:?}"
        );
        let escaped = format!("{}&amp;{}", "c".repeat(8), "d".repeat(8));
        let parts = pieces(&escaped, 10);
        let whole = |p: &String| p.matches('&').count() == p.matches("&amp;").count();
        assert!(parts.iter().all(whole), "an escape split: {parts:?}");
        assert_eq!(parts.concat(), escaped);
    }

    #[test]
    fn typed_text_cannot_ping() {
        let text = Text::new()
            .plain("Intake ")
            .user("<!channel> & <@U999> <!here>")
            .plain(" by ")
            .mention(Identity::new(Platform::Slack, "U123"));
        assert_eq!(
            mrkdwn(&text),
            "Intake &lt;!channel&gt; &amp; &lt;@U999&gt; &lt;!here&gt; by <@U123>"
        );
    }

    #[test]
    fn times_and_channels_use_slack_syntax() {
        let at = Timestamp(1_796_000_000_000);
        let text = Text::new()
            .time(at, chrono_tz::UTC)
            .plain(" in ")
            .channel("C0123");
        let out = mrkdwn(&text);
        assert!(
            out.starts_with("<!date^1796000000^{date_short_pretty} {time}|"),
            "{out}"
        );
        assert!(out.ends_with(" in <#C0123>"), "{out}");
        assert_eq!(mrkdwn(&Text::new().channel("general")), "#general");
    }

    #[test]
    fn buttons_keep_their_stable_ids() {
        let message = Message::new()
            .line("Paused.")
            .field("Until", Text::new().plain("2027-01-01"))
            .button(Button::new("Resume now", "pause.resume", "p1").styled(ButtonStyle::Primary));
        let json = serde_json::to_value(blocks(&message)).unwrap();
        assert_eq!(json[0]["type"], "section");
        assert_eq!(json[1]["fields"][0]["text"], "*Until*\n2027-01-01");
        let button = &json[2]["elements"][0];
        assert_eq!(button["action_id"], "pause.resume");
        assert_eq!(button["value"], "p1");
        assert_eq!(button["style"], "primary");
    }

    #[test]
    fn long_choice_lists_become_menus_and_answers_come_back_by_block() {
        let choices = |n: usize| -> Vec<FormChoice> {
            (1..=n)
                .map(|i| FormChoice {
                    value: i.to_string(),
                    label: format!("{i} {}", "x".repeat(100)),
                })
                .collect()
        };
        let field = |id: &str, multiple: bool| FormField {
            id: id.into(),
            label: "Which?".into(),
            required: false,
            choices: choices(12),
            multiple,
            current: vec!["2".into(), "11".into()],
            max_chars: None,
        };
        let form = Form {
            id: "survey:s1".into(),
            title: "A title longer than twenty-four".into(),
            fields: vec![field("one", false), field("many", true)],
        };
        let view = serde_json::to_value(modal(&form)).unwrap();
        assert_eq!(view["title"]["text"], "A title longer than twen");
        let one = &view["blocks"][0]["element"];
        assert_eq!(one["type"], "static_select");
        assert_eq!(one["initial_option"]["value"], "2");
        assert_eq!(
            one["options"][0]["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            75
        );
        let many = &view["blocks"][1]["element"];
        assert_eq!(many["type"], "multi_static_select");
        assert_eq!(many["initial_options"][1]["value"], "11");

        let submitted = serde_json::json!({ "state": { "values": {
            "one": { "value": { "type": "static_select", "selected_option": { "value": "3" } } },
            "many": { "value": { "type": "multi_static_select",
                "selected_options": [{ "value": "1" }, { "value": "12" }] } },
            "note": { "value": { "type": "plain_text_input", "value": "hi" } },
            "skipped": { "value": { "type": "static_select", "selected_option": null } },
        } } });
        let mut answers = form_answers(&submitted);
        answers.sort();
        assert_eq!(
            answers,
            vec![
                ("many".to_string(), vec!["1".to_string(), "12".to_string()]),
                ("note".to_string(), vec!["hi".to_string()]),
                ("one".to_string(), vec!["3".to_string()]),
                ("skipped".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn inbound_text_is_unescaped_once() {
        assert_eq!(
            unescape("pair &lt;@U1&gt; &amp;amp; <@U2|bo>"),
            "pair <@U1> &amp; <@U2|bo>"
        );
    }
}
