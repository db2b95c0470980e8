//! Words only Discord shows: command descriptions for the slash-command picker, the names and
//! topics of pair spaces, and the notes its interaction flow needs.

use crate::chat::{Message, Text};
use crate::commands::Root;

/// A role as Discord shows it in a message (it pings no one: Tandem allows no mentions of roles).
pub fn role_mention(role: u64) -> String {
    format!("<@&{role}>")
}

/// The description under a top-level slash command (1–100 characters).
pub fn root_description(root: Root) -> &'static str {
    match root {
        Root::Mentoring => "The mentoring program.",
        Root::Checkin => "Answer this month's check-in for your pair.",
        Root::Survey => "Answer a survey from your coordinators.",
        Root::Webinars => "Upcoming webinars in your time, and recordings of past ones.",
        Root::Resources => "The program's resources: workbook, guidelines, templates and more.",
    }
}

/// The description of a subcommand group such as `intake`. Discord's picker lists each
/// subcommand with its own description, so the group's stays short.
pub fn group_description(group: &str) -> String {
    let mut letters = group.chars();
    let first = letters.next().map(|c| c.to_uppercase().to_string());
    format!(
        "{}{} commands.",
        first.unwrap_or_default(),
        letters.as_str()
    )
}

/// One step of a form in its ephemeral message: where the person is, each question with their
/// answer so far, and what to do. `questions` are (number in the form, question, answer so far).
pub fn form_step(
    title: &str,
    step: usize,
    steps: usize,
    questions: &[(usize, &str, Option<String>)],
    typed: bool,
) -> Message {
    let mut message = Message::new().line(format!("*{title}*: step {step} of {steps}"));
    for (number, question, answer) in questions {
        let line = Text::new().plain(format!("*{number}.* {question}\n"));
        message = message.line(match answer {
            Some(answer) => line.plain("Your answer: ").user(answer.clone()),
            None => line.plain("_Not answered yet._"),
        });
    }
    message.line(if typed {
        "Press *Write answers* to type yours. You can change them until the survey closes."
    } else {
        "Pick your answers below: each is saved as soon as you pick it, and you can change it until the survey closes."
    })
}

/// The buttons under a form's step.
pub fn form_back() -> &'static str {
    "Back"
}

pub fn form_next() -> &'static str {
    "Next"
}

pub fn form_write() -> &'static str {
    "Write answers"
}

pub fn form_done() -> &'static str {
    "Done"
}

/// The box for typed answers could not open within Discord's 3 seconds.
pub fn form_too_slow() -> Message {
    Message::new().line(
        "That took longer than Discord waits to open the box. Please press *Write answers* again.",
    )
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
