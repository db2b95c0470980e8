//! Valid sample invocations of every command in the table, with each value as a platform
//! delivers it, and the test that runs every command's build on them as typed on Slack and in
//! the terminal (the Discord adapter's tests run the same samples through its typed options).
//! A build that reads an argument its command does not declare fails here. Test-only.

use super::args::Misread;
use super::parse::{bind_noting_misreads, text_args};
use super::{ArgKind, ArgSpec, CommandSpec, Place, table};
use crate::domain::Platform;

/// One invocation: each argument given, in the table's order, with its value as typed.
pub type Case = Vec<(&'static ArgSpec, String)>;

/// Every value worth trying for `arg` on `platform`, the ordinary one first: each word of a
/// choice, a cron and `off`. A person on Discord is a USER option's id.
pub fn values(arg: &ArgSpec, platform: Platform) -> Vec<String> {
    let one = |v: &str| vec![v.to_string()];
    match (arg.kind, platform) {
        // Two words, so the typed form needs its quotes.
        (ArgKind::Text, _) => one("Sample text"),
        (ArgKind::Words, _) => one("a few sample words"),
        (ArgKind::User, Platform::Slack) => one("<@U012AB3CD>"),
        (ArgKind::User, Platform::Discord) => one("100000000000000002"),
        (ArgKind::User, Platform::Console) => one("@aroha"),
        (ArgKind::Date, _) => one("2027-02-01"),
        (ArgKind::Zone, _) => one("Australia/Sydney"),
        (ArgKind::Channel, Platform::Slack) => one("<#C0123ABCD|general>"),
        (ArgKind::Channel, Platform::Discord) => one("<#700000000000000001>"),
        (ArgKind::Channel, Platform::Console) => one("#general"),
        (ArgKind::Cron, _) => vec!["0 10 1-7 * MON".into(), "off".into()],
        (ArgKind::Choice(words), _) => words.iter().map(|w| w.to_string()).collect(),
        (ArgKind::LocalTime, _) => one("2027-03-04 18:30"),
        (ArgKind::Link, _) => one("https://example.org/join"),
    }
}

/// Representative invocations of `spec` on `platform`: every argument given, only the required
/// ones, and every further value of each argument that has several.
pub fn cases(spec: &'static CommandSpec, platform: Platform) -> Vec<Case> {
    let first = |arg: &'static ArgSpec| (arg, values(arg, platform).swap_remove(0));
    let full: Case = spec.args.iter().map(first).collect();
    let required: Case = spec.args.iter().filter(|a| a.required).map(first).collect();
    let mut cases = vec![full.clone(), required];
    for (at, arg) in spec.args.iter().enumerate() {
        for value in values(arg, platform).into_iter().skip(1) {
            let mut case = full.clone();
            case[at].1 = value;
            cases.push(case);
        }
    }
    cases
}

/// `case` as typed after `/ROOT`: the command's words, the positional values in order, then the
/// options as `key:value`, quoted where a value has spaces (but for a positional cron or free
/// words, which take the words up to the options).
pub fn typed(spec: &CommandSpec, case: &Case) -> String {
    let mut parts: Vec<String> = spec.words.iter().map(|w| w.to_string()).collect();
    for place in [Place::Positional, Place::Keyed] {
        for (arg, value) in case.iter().filter(|(a, _)| a.place == place) {
            let greedy =
                place == Place::Positional && matches!(arg.kind, ArgKind::Cron | ArgKind::Words);
            let shown = match value.contains(' ') && !greedy {
                true => format!("\"{value}\""),
                false => value.clone(),
            };
            parts.push(match place {
                Place::Positional => shown,
                Place::Keyed => format!("{}:{shown}", arg.name),
            });
        }
    }
    parts.join(" ")
}

/// What a build misread, or why the sample did not get as far as the build.
pub fn misreads_of_text(
    spec: &'static CommandSpec,
    platform: Platform,
    text: &str,
) -> Result<Vec<Misread>, String> {
    let (found, raw) = text_args(spec.root, platform, text).map_err(|e| format!("{e:?}"))?;
    if found != spec {
        return Err(format!("names another command: {}", found.usage()));
    }
    let (_, misreads) = bind_noting_misreads(spec, platform, raw).map_err(|e| format!("{e:?}"))?;
    Ok(misreads)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::args::{Args, Reader};
    use crate::commands::{Access, Command, Root};

    #[test]
    fn every_build_reads_exactly_what_its_command_declares_on_slack_and_the_terminal() {
        let mut problems = Vec::new();
        let mut runs = 0;
        for platform in [Platform::Slack, Platform::Console] {
            for spec in table() {
                for case in cases(spec, platform) {
                    let text = typed(spec, &case);
                    runs += 1;
                    match misreads_of_text(spec, platform, &text) {
                        Ok(misreads) if misreads.is_empty() => {}
                        Ok(misreads) => problems.push(format!(
                            "{platform:?} `/{} {text}`: {misreads:?}",
                            spec.root.name()
                        )),
                        Err(why) => problems.push(format!(
                            "{platform:?} `/{} {text}` is not a valid sample: {why}",
                            spec.root.name()
                        )),
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(runs > 2 * table().count(), "every command, more than once");
    }

    /// `intake close` with another build.
    const fn close_intake(build: fn(&mut Args) -> Command) -> CommandSpec {
        CommandSpec {
            root: Root::Mentoring,
            words: &["intake", "close"],
            args: &[ArgSpec {
                name: "name",
                kind: ArgKind::Text,
                place: Place::Positional,
                required: true,
                placeholder: "NAME",
                help: "The intake to close.",
                picker: None,
            }],
            access: Access::Coordinator,
            summary: "Close an intake.",
            picker: None,
            build,
        }
    }

    static MISSPELT: CommandSpec = close_intake(|a| Command::IntakeClose {
        name: a.text("nmae"),
    });

    static MISREAD_KIND: CommandSpec = close_intake(|a| Command::Pause {
        until: a.date("name"),
    });

    #[test]
    fn a_misspelt_or_misread_argument_is_noted() {
        let case = cases(&MISSPELT, Platform::Console).swap_remove(0);
        let text = typed(&MISSPELT, &case);
        let (found, raw) = text_args(Root::Mentoring, Platform::Console, &text).unwrap();
        assert_eq!(found.words, MISSPELT.words);
        let (parsed, misreads) = bind_noting_misreads(&MISSPELT, Platform::Console, raw.clone())
            .expect("the arguments themselves are fine");
        // What it always did: an empty name, now with the reason beside it.
        assert_eq!(
            parsed.command,
            Command::IntakeClose {
                name: String::new()
            }
        );
        assert_eq!(
            misreads,
            vec![
                Misread::Undeclared {
                    name: "nmae".into()
                },
                Misread::Unread { name: "name" },
            ]
        );
        let (_, misreads) = bind_noting_misreads(&MISREAD_KIND, Platform::Console, raw).unwrap();
        assert_eq!(
            misreads,
            vec![Misread::WrongReader {
                name: "name",
                kind: ArgKind::Text,
                reader: Reader::Date,
            }]
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "nmae")]
    fn a_debug_build_stops_at_a_misread() {
        let raw = crate::commands::RawArgs(vec![(
            "name".into(),
            crate::commands::RawValue::Text("2027 February".into()),
        )]);
        let _ = crate::commands::bind(&MISSPELT, Platform::Console, raw);
    }
}
