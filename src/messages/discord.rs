//! Words only Discord shows: command descriptions for the slash-command picker, the names and
//! topics of pair spaces, and the notes its interaction flow needs.

use crate::chat::Message;
use crate::commands::Root;

/// The description under a top-level slash command (1–100 characters).
pub fn root_description(root: Root) -> &'static str {
    match root {
        Root::Mentoring => "Run the mentoring program: intakes, pairs, pauses and more.",
        Root::Checkin => "Answer this month's check-in for your pair.",
        Root::Survey => "Answer a survey from your coordinators.",
        Root::Webinars => "Upcoming webinars in your time, and recordings of past ones.",
        Root::Resources => "The program's resources: workbook, guidelines, templates and more.",
    }
}

/// The description of a subcommand group such as `intake` (1–100 characters).
pub fn group_description(group: &str, subcommands: &[&str]) -> String {
    let mut out = format!("{group} commands: {}.", subcommands.join(", "));
    out.truncate(100);
    out
}

/// The category pair channels go in; later ones are numbered.
pub fn pairs_category(number: usize) -> String {
    match number {
        0 | 1 => "Mentoring pairs".to_string(),
        n => format!("Mentoring pairs {n}"),
    }
}

/// The channel whose private threads hold pair spaces once the server is nearly full.
pub const PAIRS_THREAD_CHANNEL: &str = "mentoring-pairs";

/// A pair channel's topic. It carries the pair id, so the space is found again after a crash.
pub fn space_topic(pair_id: &str) -> String {
    format!("Private mentoring space, kept by Tandem. Pair {pair_id}.")
}

/// Answer to an interaction another instance already handled.
pub fn already_handled() -> Message {
    Message::new().line("That was already handled.")
}
