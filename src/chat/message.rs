//! The platform-neutral message model (ARCHITECTURE decision 2). Handlers build these; adapters
//! render them as Block Kit, Discord embeds and components, or terminal text. Text a person typed
//! is kept apart from our own words so every adapter escapes it and nothing relayed can ping anyone.

use chrono_tz::Tz;

use crate::domain::{Identity, Timestamp};

/// One piece of a line of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Our own words; may use `*bold*` and `_italic_`, which every platform renders.
    Plain(String),
    /// Words somebody typed (a name, an intake name, a note): always escaped, never a mention.
    UserText(String),
    /// An instant, shown in each reader's own zone; `zone` is for readers whose zone we don't know.
    Time { at: Timestamp, zone: Tz },
    /// A deliberate mention of a person.
    Mention(Identity),
    /// A channel on the reader's platform, by id.
    Channel(String),
}

/// A run of segments: a line, a field value, a title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text(pub Vec<Segment>);

impl Text {
    pub fn new() -> Self {
        Text::default()
    }

    pub fn plain(mut self, words: impl Into<String>) -> Self {
        self.0.push(Segment::Plain(words.into()));
        self
    }

    pub fn user(mut self, typed: impl Into<String>) -> Self {
        self.0.push(Segment::UserText(typed.into()));
        self
    }

    pub fn time(mut self, at: Timestamp, zone: Tz) -> Self {
        self.0.push(Segment::Time { at, zone });
        self
    }

    pub fn mention(mut self, who: Identity) -> Self {
        self.0.push(Segment::Mention(who));
        self
    }

    pub fn channel(mut self, id: impl Into<String>) -> Self {
        self.0.push(Segment::Channel(id.into()));
        self
    }

    pub fn append(mut self, other: Text) -> Self {
        self.0.extend(other.0);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Text {
    fn from(words: &str) -> Self {
        Text::new().plain(words)
    }
}

impl From<String> for Text {
    fn from(words: String) -> Self {
        Text::new().plain(words)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonStyle {
    #[default]
    Default,
    Primary,
    Danger,
}

/// A button; `action` is a stable id (`pause.resume`) and `value` what it acts on. Both come back
/// untrusted and are re-checked against the person who clicked.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub label: String,
    pub action: String,
    pub value: String,
    pub style: ButtonStyle,
}

impl Button {
    pub fn new(
        label: impl Into<String>,
        action: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Button {
            label: label.into(),
            action: action.into(),
            value: value.into(),
            style: ButtonStyle::Default,
        }
    }

    pub fn styled(mut self, style: ButtonStyle) -> Self {
        self.style = style;
        self
    }
}

/// A message: lines of text, optional labelled fields, optional buttons.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub lines: Vec<Text>,
    pub fields: Vec<(String, Text)>,
    pub buttons: Vec<Button>,
}

impl Message {
    pub fn new() -> Self {
        Message::default()
    }

    pub fn line(mut self, text: impl Into<Text>) -> Self {
        self.lines.push(text.into());
        self
    }

    pub fn field(mut self, label: impl Into<String>, value: impl Into<Text>) -> Self {
        self.fields.push((label.into(), value.into()));
        self
    }

    pub fn button(mut self, button: Button) -> Self {
        self.buttons.push(button);
        self
    }

    /// Everything as plain words (user text unescaped, times in their fallback zone): for logs,
    /// tests and the terminal.
    pub fn plain_text(&self) -> String {
        let mut out: Vec<String> = self.lines.iter().map(Text::plain_text).collect();
        out.extend(
            self.fields
                .iter()
                .map(|(label, value)| format!("{label}: {}", value.plain_text())),
        );
        out.join("\n")
    }
}

impl Text {
    pub fn plain_text(&self) -> String {
        self.0
            .iter()
            .map(|segment| match segment {
                Segment::Plain(words) | Segment::UserText(words) => words.clone(),
                Segment::Time { at, zone } => format_local(*at, *zone),
                Segment::Mention(who) => format!("@{}", who.user_id),
                Segment::Channel(id) => format!("#{id}"),
            })
            .collect()
    }
}

/// An instant written out in one zone, e.g. `Mon 7 Dec 2026, 10:00 AEDT`.
pub fn format_local(at: Timestamp, zone: Tz) -> String {
    at.to_utc()
        .with_timezone(&zone)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// A form: several questions answered in one go (Slack modal, Discord modal steps, terminal prompts).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// Stable id the answers come back under (`survey:ID`), re-checked on return.
    pub id: String,
    pub title: String,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub id: String,
    pub label: String,
    pub required: bool,
    /// Empty for free text; otherwise the allowed answers.
    pub choices: Vec<FormChoice>,
    pub multiple: bool,
    /// The person's answers so far, so a form opened again shows them: choice values, or the
    /// text typed.
    pub current: Vec<String>,
    /// The longest free-text answer that is kept.
    pub max_chars: Option<usize>,
}

/// One allowed answer: the words shown, and the short value it comes back as (short enough for
/// every platform's limit on option values; re-checked by the app).
#[derive(Debug, Clone, PartialEq)]
pub struct FormChoice {
    pub value: String,
    pub label: String,
}

impl FormField {
    /// The choices already picked, in the form's order.
    pub fn picked(&self) -> impl Iterator<Item = &FormChoice> {
        self.choices
            .iter()
            .filter(|c| self.current.contains(&c.value))
    }
}

/// A file that goes with a reply (a survey's chart or export): written to a file in the console,
/// sent privately to the person who asked on Slack and Discord (`Chat::send_files`).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Messages at and past every size a platform allows, for the renderers' limit tests: very long
/// lines (with and without spaces, full of characters that escaping lengthens), many lines,
/// fields and buttons, long labels, and many mentions.
#[cfg(test)]
pub fn oversized_messages(platform: crate::domain::Platform) -> Vec<(&'static str, Message)> {
    use crate::domain::Identity;
    let typed = "a <b> & c *d* _e_ ".repeat(600);
    let unbroken = "x<&".repeat(2500);
    let mention = |i: usize| {
        let id = match platform {
            crate::domain::Platform::Slack => format!("U{i:08}"),
            _ => format!("{}", 100_000_000_000_000_000u64 + i as u64),
        };
        Identity::new(platform, id)
    };
    let at = crate::domain::Timestamp(1_800_000_000_000);
    let long_line = Text::new()
        .plain("A help note: ")
        .user(typed.clone())
        .mention(mention(1))
        .time(at, chrono_tz::UTC)
        .user(typed.clone());
    let button = |i: usize| Button::new("L".repeat(100), format!("act{i}"), format!("v{i}"));
    let mut many_lines = Message::new();
    for i in 0..400 {
        many_lines = many_lines.line(
            Text::new()
                .plain(format!("line {i} "))
                .user("y".repeat(150)),
        );
    }
    let mut many_fields = Message::new().line("Fields:");
    for i in 0..60 {
        many_fields = many_fields.field("F".repeat(300), Text::new().user(format!("{i} {typed}")));
    }
    let mut many_buttons = Message::new().line("Buttons:");
    for i in 0..60 {
        many_buttons = many_buttons.button(button(i));
    }
    let mut many_mentions = Text::new().plain("Hi ");
    for i in 0..150 {
        many_mentions = many_mentions.mention(mention(i)).plain(" ");
    }
    let mut everything = many_lines.clone().line(long_line.clone());
    for (label, value) in &many_fields.fields {
        everything = everything.field(label.clone(), value.clone());
    }
    for b in &many_buttons.buttons {
        everything = everything.button(b.clone());
    }
    vec![
        ("a long line", Message::new().line(long_line)),
        (
            "a line with no spaces",
            Message::new().line(Text::new().user(unbroken)),
        ),
        ("many lines", many_lines),
        ("many long fields", many_fields),
        ("many buttons", many_buttons),
        ("many mentions", Message::new().line(many_mentions)),
        ("everything at once", everything),
    ]
}
