//! Terminal rendering of the message model: times in the reader's own zone, buttons numbered so
//! `press 12.1` can click them.

use chrono_tz::Tz;

use crate::chat::message::{Segment, format_local};
use crate::chat::{Message, Text};

use super::safe::terminal_safe;

fn text(t: &Text, reader_zone: Option<Tz>) -> String {
    let line: String =
        t.0.iter()
            .map(|segment| match segment {
                Segment::Plain(words) | Segment::UserText(words) => words.clone(),
                Segment::Time { at, zone } => format_local(*at, reader_zone.unwrap_or(*zone)),
                Segment::Mention(who) => format!("@{}", who.user_id),
                Segment::Channel(id) => format!("#{id}"),
            })
            .collect();
    strip_emphasis(&line)
}

/// Drops the `*bold*` markers a terminal can't show, leaving lone stars (`0 10 * * MON`) alone.
fn strip_emphasis(words: &str) -> String {
    let chars: Vec<char> = words.chars().collect();
    let edge = |c: Option<&char>| c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation());
    chars
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            if **c != '*' {
                return true;
            }
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            let opens = edge(before) && !edge(after);
            let closes = !edge(before) && edge(after);
            !(opens || closes)
        })
        .map(|(_, c)| *c)
        .collect()
}

/// The message as indented lines; `number` labels its buttons. Safe to print: names, notes and
/// answers come from participants ([`terminal_safe`]).
pub fn render(message: &Message, number: u64, reader_zone: Option<Tz>) -> String {
    terminal_safe(&render_lines(message, number, reader_zone))
}

fn render_lines(message: &Message, number: u64, reader_zone: Option<Tz>) -> String {
    let mut lines: Vec<String> = message
        .lines
        .iter()
        .map(|l| format!("  {}", text(l, reader_zone)))
        .collect();
    for (label, value) in &message.fields {
        lines.push(format!("    {label}: {}", text(value, reader_zone)));
    }
    if !message.buttons.is_empty() {
        let buttons: Vec<String> = message
            .buttons
            .iter()
            .enumerate()
            .map(|(i, b)| format!("[{number}.{} {}]", i + 1, b.label))
            .collect();
        lines.push(format!("  {}   (press {number}.N)", buttons.join(" ")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{render, strip_emphasis};
    use crate::chat::{Message, Text};

    #[test]
    fn participant_text_cannot_drive_the_terminal() {
        let note = "met\u{1b}]0;owned\u{7} \u{1b}[2Jat last\r";
        let message = Message::new().line(Text::new().plain("Note: ").user(note));
        assert_eq!(render(&message, 1, None), "  Note: met at last");
    }

    #[test]
    fn bold_markers_go_and_cron_stars_stay() {
        assert_eq!(
            strip_emphasis("in *2027 February*: active"),
            "in 2027 February: active"
        );
        assert_eq!(strip_emphasis("`0 10 * * MON`"), "`0 10 * * MON`");
        assert_eq!(strip_emphasis("*Tandem* runs"), "Tandem runs");
    }
}
