//! The message model as Slack sees it: mrkdwn text with every typed word escaped, `<!date^…>`
//! times, Block Kit sections, fields and buttons, and forms as modals. Pure functions, no I/O.

use slack_morphism::prelude::*;

use crate::chat::message::{Segment, format_local};
use crate::chat::{Button, ButtonStyle, Form, Message, Text};
use crate::domain::Platform;
use crate::messages;

/// Slack's limits: 3000 characters per section text, 10 fields per section, 25 buttons per block.
const SECTION_TEXT_MAX: usize = 3000;
const FIELDS_PER_SECTION: usize = 10;
const BUTTONS_PER_BLOCK: usize = 25;

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
    out.join("\n")
}

/// Lines into sections (split at Slack's length limit), fields into field sections, buttons
/// into actions blocks.
pub fn blocks(message: &Message) -> Vec<SlackBlock> {
    let mut out = Vec::new();
    let mut section = String::new();
    for line in message.lines.iter().map(mrkdwn) {
        if !section.is_empty() && section.len() + 1 + line.len() > SECTION_TEXT_MAX {
            out.push(
                SlackSectionBlock::new()
                    .with_text(md(std::mem::take(&mut section)))
                    .into(),
            );
        }
        if !section.is_empty() {
            section.push('\n');
        }
        section.push_str(&line);
    }
    if !section.is_empty() {
        out.push(SlackSectionBlock::new().with_text(md(section)).into());
    }
    for chunk in message.fields.chunks(FIELDS_PER_SECTION) {
        let fields = chunk
            .iter()
            .map(|(label, value)| md(format!("*{}*\n{}", escape(label), mrkdwn(value))))
            .collect();
        out.push(SlackSectionBlock::new().with_fields(fields).into());
    }
    for chunk in message.buttons.chunks(BUTTONS_PER_BLOCK) {
        let elements = chunk.iter().map(button).collect();
        out.push(SlackActionsBlock::new(elements).into());
    }
    out
}

fn button(b: &Button) -> SlackActionBlockElement {
    let element = SlackBlockButtonElement::new(b.label.clone().into())
        .with_action_id(b.action.clone().into())
        .with_value(b.value.clone());
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

/// A form as a modal: one input block per field, keyed by the field's id; `callback_id` carries
/// the form's id so the answers come back under it.
pub fn modal(form: &Form) -> SlackView {
    let inputs = form.fields.iter().map(|field| {
        let options: Vec<_> = field
            .choices
            .iter()
            .map(|c| SlackBlockChoiceItem::new(SlackBlockPlainTextOnly::from(c.clone()), c.clone()))
            .collect();
        let element = match (options.is_empty(), field.multiple) {
            (true, _) => SlackInputBlockElement::PlainTextInput(
                SlackBlockPlainTextInputElement::new().with_action_id("value".into()),
            ),
            (false, false) => SlackInputBlockElement::StaticSelect(
                SlackBlockStaticSelectElement::new()
                    .with_action_id("value".into())
                    .with_options(options),
            ),
            (false, true) => SlackInputBlockElement::MultiStaticSelect(
                SlackBlockMultiStaticSelectElement::new()
                    .with_action_id("value".into())
                    .with_options(options),
            ),
        };
        SlackInputBlock::new(field.label.clone().into(), element)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Identity, Timestamp};

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
    fn inbound_text_is_unescaped_once() {
        assert_eq!(
            unescape("pair &lt;@U1&gt; &amp;amp; <@U2|bo>"),
            "pair <@U1> &amp; <@U2|bo>"
        );
    }
}
