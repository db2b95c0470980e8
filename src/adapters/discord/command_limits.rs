//! Discord's documented limits on application commands (the "Application Commands" page),
//! checked against what [`super::commands::desired`] registers, and the room each command has
//! left, which docs/architecture.md states. The vendored OpenAPI description, which the fake
//! Discord holds every registration to, has the lengths and counts but not the name pattern,
//! lowercase names, the 4000 characters of a command or the 100 commands; all are checked here,
//! so a command that would not fit fails a test before Discord refuses the registration.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::commands::{CHAT_INPUT, SUB_COMMAND, SUB_COMMAND_GROUP, desired};

/// Subcommands and groups of a command or group, or options of a command or subcommand.
const MAX_OPTIONS: usize = 25;
const MAX_CHOICES: usize = 25;
const MAX_DESCRIPTION: usize = 100;
/// A choice's name, and a string choice's value.
const MAX_CHOICE_TEXT: usize = 100;
/// Names, descriptions, choice names and values of a command and everything under it.
const MAX_COMMAND_CHARACTERS: usize = 4000;
/// Chat-input (slash) commands in one scope, global or a guild.
const MAX_CHAT_INPUT_COMMANDS: usize = 100;

/// Discord's pattern for the names of chat-input commands and their options (with the unicode
/// flag); where a letter has a lowercase form, only that form is allowed.
static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$").unwrap());

/// What a limit check found, and how full each command is.
#[derive(Default)]
struct Report {
    problems: Vec<String>,
    characters: usize,
    /// The fullest group: its name and subcommands.
    fullest_group: Option<(String, usize)>,
    /// The most options of one subcommand (or of a command without subcommands).
    most_options: usize,
}

fn chars(value: &Value) -> usize {
    value.as_str().map_or(0, |s| s.chars().count())
}

fn options(node: &Value) -> &[Value] {
    node["options"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn is_nested(option: &Value) -> bool {
    option["type"] == SUB_COMMAND || option["type"] == SUB_COMMAND_GROUP
}

impl Report {
    fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            self.problems.push(problem());
        }
    }

    /// Name and description of a command or option, counted into the command's characters.
    fn named(&mut self, path: &str, node: &Value) {
        let name = node["name"].as_str().unwrap_or_default();
        self.check(NAME.is_match(name), || {
            format!("{path}: name {name:?} does not match Discord's pattern")
        });
        self.check(name == name.to_lowercase(), || {
            format!("{path}: name {name:?} is not lowercase")
        });
        let description = chars(&node["description"]);
        self.check((1..=MAX_DESCRIPTION).contains(&description), || {
            format!("{path}: description of {description} characters")
        });
        self.characters += chars(&node["name"]) + description;
    }

    /// Every limit but the characters of the whole, which [`Report::characters`] adds up.
    fn command(&mut self, command: &Value) {
        let path = format!("/{}", command["name"].as_str().unwrap_or_default());
        self.named(&path, command);
        self.options(&path, command, None);
    }

    /// The options under a command (`kind` None), group or subcommand: nested ones only where
    /// Discord allows them, and never mixed with arguments.
    fn options(&mut self, path: &str, node: &Value, kind: Option<u64>) {
        let options = options(node);
        let nested = options.iter().filter(|o| is_nested(o)).count();
        self.check(options.len() <= MAX_OPTIONS, || {
            format!("{path}: {} options", options.len())
        });
        self.check(nested == 0 || nested == options.len(), || {
            format!("{path}: subcommands mixed with arguments")
        });
        let group = kind == Some(SUB_COMMAND_GROUP);
        let allowed = match kind {
            None => true,
            Some(SUB_COMMAND_GROUP) => options.iter().all(|o| o["type"] == SUB_COMMAND),
            Some(_) => nested == 0,
        };
        self.check(allowed, || {
            format!("{path}: nested deeper than Discord allows")
        });
        if group
            && self
                .fullest_group
                .as_ref()
                .is_none_or(|(_, n)| *n < options.len())
        {
            let name = node["name"].as_str().unwrap_or_default().to_string();
            self.fullest_group = Some((name, options.len()));
        }
        if nested == 0 {
            self.most_options = self.most_options.max(options.len());
        }
        for option in options {
            let path = format!("{path} {}", option["name"].as_str().unwrap_or_default());
            self.named(&path, option);
            self.choices(&path, option);
            self.options(&path, option, option["type"].as_u64());
        }
    }

    fn choices(&mut self, path: &str, option: &Value) {
        let choices = option["choices"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        self.check(choices.len() <= MAX_CHOICES, || {
            format!("{path}: {} choices", choices.len())
        });
        for choice in choices {
            let (name, value) = (chars(&choice["name"]), chars(&choice["value"]));
            self.check((1..=MAX_CHOICE_TEXT).contains(&name), || {
                format!("{path}: a choice name of {name} characters")
            });
            self.check(value <= MAX_CHOICE_TEXT, || {
                format!("{path}: a choice value of {value} characters")
            });
            self.characters += name + value;
        }
    }

    /// This command's line of the table in docs/architecture.md.
    fn row(&self, command: &Value) -> String {
        let top = options(command);
        let subcommands = match top.iter().any(is_nested) {
            true => format!("{} of {MAX_OPTIONS}", top.len()),
            false => "none".to_string(),
        };
        let group = match &self.fullest_group {
            Some((name, n)) => format!("`{name}`, {n} of {MAX_OPTIONS}"),
            None => "none".to_string(),
        };
        format!(
            "| `/{}` | {subcommands} | {group} | {} of {MAX_OPTIONS} | {} of {MAX_COMMAND_CHARACTERS} |",
            command["name"].as_str().unwrap_or_default(),
            self.most_options,
            self.characters,
        )
    }
}

/// What is wrong with the size of the command `name` of `characters`, if anything.
fn size_problem(name: &str, characters: usize) -> Option<String> {
    (characters > MAX_COMMAND_CHARACTERS).then(|| {
        format!(
            "/{name}: {characters} characters, over Discord's {MAX_COMMAND_CHARACTERS}: give the \
             longest descriptions a shorter `picker` text in the command table"
        )
    })
}

#[test]
fn every_registered_command_fits_discords_limits() {
    let commands = desired();
    let mut problems = Vec::new();
    for command in &commands {
        let mut report = Report::default();
        report.command(command);
        problems.extend(report.problems);
        let name = command["name"].as_str().unwrap_or_default();
        problems.extend(size_problem(name, report.characters));
    }
    let chat_input = commands.iter().filter(|c| c["type"] == CHAT_INPUT).count();
    assert_eq!(
        chat_input,
        commands.len(),
        "every command is a slash command"
    );
    assert!(
        chat_input <= MAX_CHAT_INPUT_COMMANDS,
        "{chat_input} commands"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every description under `node`, and its own, at Discord's longest.
fn lengthen(node: &mut Value) {
    node["description"] = "d".repeat(MAX_DESCRIPTION).into();
    for option in node["options"].as_array_mut().into_iter().flatten() {
        lengthen(option);
    }
}

/// The check is not a formality: what Discord refuses, it refuses, for the reason it gives.
#[test]
fn the_limits_check_refuses_what_discord_refuses() {
    let mentoring = desired().swap_remove(0);
    let report = |change: &dyn Fn(&mut Value)| {
        let mut command = mentoring.clone();
        change(&mut command);
        let mut report = Report::default();
        report.command(&command);
        report
    };
    let problems = |change: &dyn Fn(&mut Value)| report(change).problems.join("\n");
    let refused = |change: &dyn Fn(&mut Value), reason: &str| {
        let problems = problems(change);
        assert!(problems.contains(reason), "{reason}: {problems:?}");
    };
    assert_eq!(problems(&|_| {}), "", "as registered");
    refused(&|c| c["name"] = "Mentoring".into(), "not lowercase");
    refused(&|c| c["name"] = "mentoring program".into(), "pattern");
    refused(&|c| c["name"] = "m".repeat(33).into(), "pattern");
    refused(&|c| c["description"] = "".into(), "description of 0");
    refused(
        &|c| c["description"] = "d".repeat(101).into(),
        "description of 101",
    );
    refused(
        &|c| {
            let options = c["options"].as_array_mut().unwrap();
            let mut extra = options
                .iter()
                .find(|o| o["name"] == "pair")
                .unwrap()
                .clone();
            while options.len() <= MAX_OPTIONS {
                extra["name"] = format!("pair{}", options.len()).into();
                options.push(extra.clone());
            }
        },
        "/mentoring: 26 options",
    );
    // Every name, description, choice name and value counts, each description once.
    let counted = report(&|_| {}).characters;
    let longest = report(&lengthen);
    assert!(longest.problems.is_empty(), "{:?}", longest.problems);
    let descriptions = |c: &Value| -> usize {
        fn sum(node: &Value) -> usize {
            chars(&node["description"]) + options(node).iter().map(sum).sum::<usize>()
        }
        sum(c)
    };
    let mut lengthened = mentoring.clone();
    lengthen(&mut lengthened);
    assert_eq!(
        longest.characters - counted,
        descriptions(&lengthened) - descriptions(&mentoring)
    );
    assert!(size_problem("survey", MAX_COMMAND_CHARACTERS).is_none());
    assert!(size_problem("survey", MAX_COMMAND_CHARACTERS + 1).is_some());
}

/// docs/architecture.md says how much room each command has left; it must say what the code
/// registers.
#[test]
fn the_architecture_page_states_the_room_left() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/architecture.md");
    let page = std::fs::read_to_string(path).unwrap_or_default();
    // Wherever the page's lines break.
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let commands = desired();
    let rows: Vec<String> = commands
        .iter()
        .map(|command| {
            let mut report = Report::default();
            report.command(command);
            report.row(command)
        })
        .collect();
    let table = rows.join("\n");
    assert!(
        page.contains(&table.split_whitespace().collect::<Vec<_>>().join(" ")),
        "docs/architecture.md's table of room for commands should read:\n{table}"
    );
    let count = format!(
        "{} of Discord's {MAX_CHAT_INPUT_COMMANDS} slash commands",
        commands.len()
    );
    assert!(
        page.contains(&count),
        "docs/architecture.md should say {count}"
    );
}
