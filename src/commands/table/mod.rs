//! The table itself: every command, declared once, in one file per area; `table()` lists them
//! in the order help and the docs show them.

use super::args::Args;
use super::{Access, ArgKind, ArgSpec, Command, CommandSpec, Place, Root};
use crate::domain::checkin::Answer;

const fn positional(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        place: Place::Positional,
        required: true,
        placeholder,
        help,
        picker: None,
    }
}

const fn keyed(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        place: Place::Keyed,
        required: false,
        placeholder,
        help,
        picker: None,
    }
}

const INTAKE: ArgSpec = keyed(
    "intake",
    ArgKind::Text,
    "NAME",
    "The intake; the newest active one when left out.",
)
.picker("Which intake.");

/// An optional positional argument (`[anonymous]`, `[csv|json]`).
const fn optional(
    name: &'static str,
    kind: ArgKind,
    placeholder: &'static str,
    help: &'static str,
) -> ArgSpec {
    ArgSpec {
        required: false,
        ..positional(name, kind, placeholder, help)
    }
}

const SURVEY_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The survey's id (its first characters will do).",
)
.picker("The survey's id.");

const INTAKE_OR_ALL: ArgSpec = keyed(
    "intake",
    ArgKind::Text,
    "NAME|all",
    "The intake it is for, or all; the newest active one when left out.",
)
.picker("Which intake, or all.");

const AT: ArgSpec = ArgSpec {
    name: "at",
    kind: ArgKind::LocalTime,
    place: Place::Keyed,
    required: true,
    placeholder: "\"YYYY-MM-DD HH:MM\"",
    help: "When it starts, in the zone given by tz: (else the intake's).",
    picker: Some("Start: YYYY-MM-DD HH:MM."),
};

const WEBINAR_TZ: ArgSpec = keyed(
    "tz",
    ArgKind::Zone,
    "ZONE",
    "The zone of at:, e.g. Australia/Sydney; the intake's when left out.",
)
.picker("Time zone; else the intake's.");

const WEBINAR_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The webinar's number, as `webinar list` shows it.",
)
.picker("The webinar's number.");

const MEETUP_ID: ArgSpec = positional(
    "id",
    ArgKind::Text,
    "ID",
    "The meetup's number, as `meetup list` shows it.",
)
.picker("The meetup's number.");

mod calendar;
mod participants;
mod program;
mod surveys;

/// Every command, in the order help and the docs list them.
pub fn table() -> impl Iterator<Item = &'static CommandSpec> {
    [
        program::SPECS,
        calendar::SPECS,
        participants::SPECS,
        surveys::SPECS,
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_command_is_declared_once() {
        let mut seen = HashSet::new();
        for spec in table() {
            assert!(
                seen.insert((spec.root, spec.words)),
                "{} declared twice",
                spec.usage()
            );
        }
    }

    /// A picker text is there to save room on Discord: never empty, never as long as what it
    /// stands for.
    fn shorter(picker: Option<&str>, long: &str, what: &str) {
        if let Some(picker) = picker {
            assert!(
                !picker.is_empty() && picker.chars().count() < long.chars().count(),
                "{what}: picker {picker:?}"
            );
        }
    }

    #[test]
    fn arguments_fit_discord() {
        // Discord: at most 2 words (group + subcommand), lowercase option names, required first,
        // descriptions of 1-100 characters.
        for spec in table() {
            assert!(spec.words.len() <= 2, "{}", spec.usage());
            let mut optional_seen = false;
            let mut names = HashSet::new();
            for arg in spec.args {
                assert!(
                    names.insert(arg.name),
                    "{}: {} twice",
                    spec.usage(),
                    arg.name
                );
                assert!(
                    arg.name.chars().all(|c| c.is_ascii_lowercase()),
                    "{}",
                    arg.name
                );
                assert!(
                    !(arg.required && optional_seen),
                    "{}: required after optional",
                    spec.usage()
                );
                optional_seen |= !arg.required;
                assert!(
                    (1..=100).contains(&arg.help.len()),
                    "{}: {}",
                    spec.usage(),
                    arg.name
                );
                shorter(
                    arg.picker,
                    arg.help,
                    &format!("{} {}", spec.usage(), arg.name),
                );
            }
            assert!((1..=100).contains(&spec.summary.len()), "{}", spec.usage());
            shorter(spec.picker, spec.summary, &spec.usage());
        }
    }
}
