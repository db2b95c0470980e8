//! Application commands built from the one command table (ARCHITECTURE decision 1): two words are
//! a subcommand group and subcommand, one word a subcommand, no words options on the root itself.
//! Descriptions are the table's `picker` texts where it has them (its `summary` and `help` where
//! not), so that each command fits Discord's 4000 characters. Registered in the guild only when
//! what Discord has differs, so a restart costs one GET.

use serde_json::{Value, json};

use super::outbound::{Call, Rest, RestError};
use crate::commands::{Access, ArgKind, CommandSpec, Root, table};
use crate::messages::discord as words;

/// The subcommand that stands for a root's bare form when the root also has subcommands.
pub const BARE_SUBCOMMAND: &str = "open";

/// The subcommand that stands for a one-word command whose word is also a group.
pub const GROUP_SELF_SUBCOMMAND: &str = "add";

/// Option types (Discord's numbering).
pub(super) const SUB_COMMAND: u64 = 1;
pub(super) const SUB_COMMAND_GROUP: u64 = 2;
const STRING: u64 = 3;
const USER: u64 = 6;
pub(super) const CHAT_INPUT: u64 = 1;
/// Who sees a coordinator-only command in the picker: Manage Server. The app checks again.
pub const COORDINATOR_PERMISSIONS: &str = "32";

/// The commands as Discord should have them, one per root that has any.
pub fn desired() -> Vec<Value> {
    Root::ALL
        .into_iter()
        .filter_map(|root| {
            let specs: Vec<&CommandSpec> = table().filter(|s| s.root == root).collect();
            (!specs.is_empty()).then(|| root_command(root, &specs))
        })
        .collect()
}

fn root_command(root: Root, specs: &[&CommandSpec]) -> Value {
    let mut command = json!({
        "name": root.name(),
        "type": CHAT_INPUT,
        "description": words::root_description(root),
        "contexts": [0],
    });
    // Discord sets permissions per top-level command only: a root gets them when every command
    // under it is for coordinators.
    if specs.iter().all(|s| s.access == Access::Coordinator) {
        command["default_member_permissions"] = json!(COORDINATOR_PERMISSIONS);
    }
    let options: Vec<Value> = if let [spec] = specs
        && spec.words.is_empty()
    {
        arguments(spec)
    } else {
        let mut options: Vec<Value> = Vec::new();
        for spec in specs {
            match spec.words {
                // Discord cannot run a command that has subcommands on its own, so the bare
                // form (`/survey`) becomes a subcommand of its own (`/survey open`).
                [] => options.push(subcommand(BARE_SUBCOMMAND, spec)),
                [word] => options.push(subcommand(word, spec)),
                [group, word] => {
                    let existing = options
                        .iter_mut()
                        .find(|o| o["name"] == *group && o["type"] == SUB_COMMAND_GROUP);
                    match existing {
                        Some(g) => g["options"]
                            .as_array_mut()
                            .expect("group options")
                            .push(subcommand(word, spec)),
                        None => options.push(json!({
                            "type": SUB_COMMAND_GROUP,
                            "name": group,
                            "description": "",
                            "options": [subcommand(word, spec)],
                        })),
                    }
                }
                _ => {}
            }
        }
        // A word that is both a command and a group (`meetup TITLE`, `meetup list`) cannot be both
        // on Discord: the command becomes the group's `add` subcommand.
        let groups: Vec<String> = options
            .iter()
            .filter(|o| o["type"] == SUB_COMMAND_GROUP)
            .filter_map(|o| o["name"].as_str().map(String::from))
            .collect();
        let (clashing, mut options): (Vec<Value>, Vec<Value>) =
            options.into_iter().partition(|o| {
                o["type"] == SUB_COMMAND && groups.iter().any(|g| o["name"] == g.as_str())
            });
        for mut command in clashing {
            let group = command["name"].clone();
            command["name"] = json!(GROUP_SELF_SUBCOMMAND);
            if let Some(g) = options
                .iter_mut()
                .find(|o| o["type"] == SUB_COMMAND_GROUP && o["name"] == group)
            {
                g["options"]
                    .as_array_mut()
                    .expect("group options")
                    .insert(0, command);
            }
        }
        for option in options
            .iter_mut()
            .filter(|o| o["type"] == SUB_COMMAND_GROUP)
        {
            let group = option["name"].as_str().unwrap_or_default();
            option["description"] = json!(words::group_description(group));
        }
        options
    };
    command["options"] = json!(options);
    command
}

fn subcommand(word: &str, spec: &CommandSpec) -> Value {
    json!({
        "type": SUB_COMMAND,
        "name": word,
        "description": spec.picker.unwrap_or(spec.summary),
        "options": arguments(spec),
    })
}

/// Each argument as an option: people are USER options; a fixed set of words is a STRING with
/// `choices`, so Discord offers exactly those; everything else (dates, zones, channels, cron) is a
/// STRING that Tandem validates itself, as on every platform.
fn arguments(spec: &CommandSpec) -> Vec<Value> {
    spec.args
        .iter()
        .map(|arg| {
            let kind = match arg.kind {
                ArgKind::User => USER,
                ArgKind::Text
                | ArgKind::Words
                | ArgKind::LocalTime
                | ArgKind::Link
                | ArgKind::Date
                | ArgKind::Zone
                | ArgKind::Channel
                | ArgKind::Cron
                | ArgKind::Choice(_) => STRING,
            };
            let mut option = json!({
                "type": kind,
                "name": arg.name,
                "description": arg.picker.unwrap_or(arg.help),
                "required": arg.required,
            });
            if let ArgKind::Choice(words) = arg.kind {
                option["choices"] = Value::Array(
                    words
                        .iter()
                        .map(|w| json!({ "name": w, "value": w }))
                        .collect(),
                );
            }
            option
        })
        .collect()
}

/// Only what we set, in a fixed form, so Discord's extra fields (ids, versions, defaults it fills
/// in) don't count as a change.
pub fn normalize(command: &Value) -> Value {
    let options: Vec<Value> = command["options"]
        .as_array()
        .map(|o| o.iter().map(normalize_option).collect())
        .unwrap_or_default();
    json!({
        "name": command["name"],
        "type": command["type"].as_u64().unwrap_or(CHAT_INPUT),
        "description": command["description"],
        "default_member_permissions": command["default_member_permissions"],
        "options": options,
    })
}

fn normalize_option(option: &Value) -> Value {
    let options: Vec<Value> = option["options"]
        .as_array()
        .map(|o| o.iter().map(normalize_option).collect())
        .unwrap_or_default();
    // Discord answers with extra keys on each choice (`name_localizations`): only ours count.
    let choices: Vec<Value> = option["choices"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| json!({ "name": c["name"], "value": c["value"] }))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "type": option["type"],
        "name": option["name"],
        "description": option["description"],
        "required": option["required"].as_bool().unwrap_or(false),
        "choices": choices,
        "options": options,
    })
}

/// Registers the table in the guild if Discord's copy differs; true when it wrote.
pub async fn sync(rest: &Rest, application_id: u64, guild_id: u64) -> Result<bool, RestError> {
    let path = format!("/applications/{application_id}/guilds/{guild_id}/commands");
    let existing: Vec<Value> = rest.call(Call::get(&path)).await?;
    let desired = desired();
    let mut have: Vec<Value> = existing.iter().map(normalize).collect();
    let mut want: Vec<Value> = desired.iter().map(normalize).collect();
    let by_name = |v: &Value| v["name"].as_str().unwrap_or_default().to_string();
    have.sort_by_key(by_name);
    want.sort_by_key(by_name);
    if have == want {
        tracing::info!(commands = want.len(), "Discord commands are up to date");
        return Ok(false);
    }
    let body = Value::Array(desired);
    let _: Value = rest
        .call(Call::send(reqwest::Method::PUT, &path, &body).repeatable())
        .await?;
    tracing::info!(commands = want.len(), "registered the Discord commands");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::discord::interactions::command_args;
    use crate::commands::parse::bind_noting_misreads;
    use crate::commands::samples;
    use crate::domain::Platform;
    use serenity::model::application::CommandData;

    #[test]
    fn a_word_that_is_also_a_group_becomes_its_add_subcommand() {
        let commands = desired();
        let mentoring = commands.iter().find(|c| c["name"] == "mentoring").unwrap();
        let meetup: Vec<&Value> = mentoring["options"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["name"] == "meetup")
            .collect();
        assert_eq!(meetup.len(), 1, "one option named meetup");
        assert_eq!(meetup[0]["type"], SUB_COMMAND_GROUP);
        let names: Vec<&str> = meetup[0]["options"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["name"].as_str())
            .collect();
        assert_eq!(names[0], GROUP_SELF_SUBCOMMAND);
        assert!(names.contains(&"list"));
        // Bare `/survey` and `/webinars`: a subcommand `open`, and a command with no options.
        let survey = commands.iter().find(|c| c["name"] == "survey").unwrap();
        assert!(
            survey["options"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["name"] == BARE_SUBCOMMAND)
        );
        assert!(commands.iter().any(|c| c["name"] == "webinars"));
    }

    #[test]
    fn the_table_becomes_groups_and_subcommands() {
        let commands = desired();
        let mentoring = &commands[0];
        assert_eq!(mentoring["name"], "mentoring");
        let options = mentoring["options"].as_array().unwrap();
        let intake = options.iter().find(|o| o["name"] == "intake").unwrap();
        assert_eq!(intake["type"], SUB_COMMAND_GROUP);
        assert!(
            intake["options"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["name"] == "create")
        );
        let pair = options.iter().find(|o| o["name"] == "pair").unwrap();
        assert_eq!(pair["type"], SUB_COMMAND);
        let args: Vec<(&str, u64)> = pair["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["name"].as_str().unwrap(), o["type"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            args,
            vec![("mentor", USER), ("mentee", USER), ("intake", STRING)]
        );
        assert_eq!(normalize(mentoring), normalize(&normalize(mentoring)));
        for option in options {
            let d = option["description"].as_str().unwrap();
            assert!((1..=100).contains(&d.len()), "{d}");
        }
    }

    #[test]
    fn choices_and_cron_become_strings() {
        let commands = desired();
        let checkin = commands.iter().find(|c| c["name"] == "checkin").unwrap();
        let answer = &checkin["options"][0];
        assert_eq!(answer["name"], "answer");
        assert_eq!(answer["type"], STRING);
        assert_eq!(answer["required"], true);
        assert_eq!(
            answer["choices"],
            json!([
                { "name": "met", "value": "met" },
                { "name": "not-yet", "value": "not-yet" },
                { "name": "help", "value": "help" },
            ])
        );
        let note = &checkin["options"][1];
        assert_eq!(
            (&note["name"], &note["type"]),
            (&json!("note"), &json!(STRING))
        );
        assert_eq!(note["required"], false);
        assert!(note.get("choices").is_none());
        let mentoring = &commands[0];
        let checkins = mentoring["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "checkins")
            .unwrap();
        let args: Vec<(&str, u64, bool)> = checkins["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["name"].as_str().unwrap(),
                    o["type"].as_u64().unwrap(),
                    o["required"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            args,
            vec![
                ("cron", STRING, true),
                ("intake", STRING, false),
                ("tz", STRING, false)
            ]
        );
        // A change of choices is a change worth registering; Discord's extra keys are not.
        let mut changed = checkin.clone();
        changed["options"][0]["choices"][2]["value"] = json!("sos");
        assert_ne!(normalize(checkin), normalize(&changed));
        let mut echoed = checkin.clone();
        echoed["options"][0]["choices"][0]["name_localizations"] = Value::Null;
        assert_eq!(normalize(checkin), normalize(&echoed));
    }

    /// Each leaf of what Discord is given (a subcommand, or a root without any) with the words
    /// that lead to it.
    fn leaves<'a>(words: Vec<String>, node: &'a Value, out: &mut Vec<(Vec<String>, &'a Value)>) {
        let options = node["options"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let nested: Vec<&Value> = options
            .iter()
            .filter(|o| o["type"] == SUB_COMMAND || o["type"] == SUB_COMMAND_GROUP)
            .collect();
        if nested.is_empty() {
            out.push((words, node));
            return;
        }
        for option in nested {
            let mut path = words.clone();
            path.push(option["name"].as_str().unwrap().to_string());
            leaves(path, option, out);
        }
    }

    /// An interaction's `data` for the leaf at `words` under `root`, with `values` as its options.
    fn interaction_data(root: &str, words: &[String], values: Vec<Value>) -> CommandData {
        let mut options = values;
        for (depth, word) in words.iter().enumerate().rev() {
            let kind = match depth + 1 < words.len() {
                true => SUB_COMMAND_GROUP,
                false => SUB_COMMAND,
            };
            options = vec![json!({ "type": kind, "name": word, "options": options })];
        }
        let data = json!({ "id": "1", "name": root, "type": CHAT_INPUT, "options": options });
        serde_json::from_value(data).expect("an interaction Discord could send")
    }

    /// Every registered subcommand, invoked with the sample values Discord would send for its
    /// options, builds without reading an argument its command does not declare; together they
    /// reach every command in the table.
    #[test]
    fn every_registered_subcommand_builds_from_exactly_its_options() {
        let mut reached = Vec::new();
        let mut problems = Vec::new();
        for command in desired() {
            let root = command["name"].as_str().unwrap();
            let mut found = Vec::new();
            leaves(Vec::new(), &command, &mut found);
            for (words, leaf) in found {
                let (spec, _) = command_args(&interaction_data(root, &words, vec![]))
                    .unwrap_or_else(|e| panic!("/{root} {words:?}: {e:?}"));
                reached.push(spec);
                for case in samples::cases(spec, Platform::Discord) {
                    let values: Vec<Value> = case
                        .iter()
                        .map(|(arg, value)| {
                            let option = leaf["options"]
                                .as_array()
                                .and_then(|o| o.iter().find(|o| o["name"] == arg.name))
                                .unwrap_or_else(|| panic!("/{root} {words:?} has no {}", arg.name));
                            json!({ "type": option["type"], "name": arg.name, "value": value })
                        })
                        .collect();
                    let data = interaction_data(root, &words, values);
                    let outcome = command_args(&data).and_then(|(found, raw)| {
                        assert_eq!(found, spec, "/{root} {words:?}");
                        bind_noting_misreads(spec, Platform::Discord, raw)
                    });
                    match outcome {
                        Ok((_, misreads)) if misreads.is_empty() => {}
                        other => {
                            let given: Vec<String> = case
                                .iter()
                                .map(|(a, v)| format!("{}={v}", a.name))
                                .collect();
                            problems.push(format!("/{root} {words:?} {given:?}: {other:?}"))
                        }
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        for spec in table() {
            assert!(
                reached.contains(&spec),
                "{} is not registered",
                spec.usage()
            );
        }
    }
}
