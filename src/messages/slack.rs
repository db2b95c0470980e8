//! Words only Slack users see: modal buttons, the "working on it" acknowledgement, a pair
//! channel's purpose line and the answer to an @mention.

use crate::chat::{Message, Text};

pub fn form_submit() -> &'static str {
    "Send"
}

pub fn form_close() -> &'static str {
    "Cancel"
}

/// The button on the modal's last view, once the answers are saved (or refused).
pub fn form_done() -> &'static str {
    "Close"
}

/// The immediate answer when a command takes longer than Slack waits; the result follows.
pub fn working_on_it() -> Message {
    Message::new().line("Working on it… I'll post the result here in a moment.")
}

/// A pair channel's purpose. It ends with a marker Tandem uses to find the channel again, so
/// asking twice for a pair's space never makes a second channel.
pub fn space_purpose(mentor: &str, mentee: &str, intake: &str, marker: &str) -> String {
    format!("Private mentoring space for {mentor} and {mentee} ({intake}). {marker}")
}

/// Someone @mentioned the bot in a channel.
pub fn mention_hint() -> Message {
    Message::new().line(
        Text::new()
            .plain("Hi! I run the mentoring program. ")
            .append(super::help_hint()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_words() {
        insta::assert_snapshot!(working_on_it().plain_text(), @"Working on it… I'll post the result here in a moment.");
        insta::assert_snapshot!(mention_hint().plain_text(), @"Hi! I run the mentoring program. Type `/mentoring help` to see every command you can use.");
        insta::assert_snapshot!(space_purpose("Aroha", "Ben", "2027 February", "[tandem:p1]"), @"Private mentoring space for Aroha and Ben (2027 February). [tandem:p1]");
    }
}
