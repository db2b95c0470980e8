//! Words that travel with files: the caption of a chart or export sent to one person, and the
//! note when a file could not be sent.

use crate::chat::{Attachment, Message, Text};

/// The caption of files only the person who asked receives.
pub fn files_caption(files: &[Attachment]) -> Message {
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    Message::new().line(
        Text::new()
            .plain("For you only: ")
            .user(names.join(", "))
            .plain("."),
    )
}

/// The files could not be attached; the answer above them still stands.
pub fn files_not_sent() -> Message {
    Message::new().line("I couldn't send you the file just now. Ask again in a minute.")
}
