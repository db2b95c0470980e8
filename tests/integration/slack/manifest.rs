//! `tandem slack manifest` checked against Slack's own manifest schema (vendored in
//! specs/slack/manifest-schema), in both variants, and against what the bot does: exactly the
//! scopes the start-up check demands, every root command, the right request URLs.

use std::sync::OnceLock;

use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{Map, Value};
use tandem::adapters::slack::manifest;
use tandem::commands::Root;

use crate::specs;

/// Slack's manifest schema, compiled once. It spells one pattern `regex` (on
/// `background_color`), which JSON Schema does not know; it is checked here as Slack checks it.
fn schema() -> &'static Validator {
    static SCHEMA: OnceLock<Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = specs::document(specs::SLACK_MANIFEST_SCHEMA, "the manifest check");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .with_keyword("regex", regex_keyword)
            .build(schema)
            .expect("Slack's manifest schema compiles")
    })
}

struct SlackRegex(regex::Regex);

impl<'i> Keyword<'i> for SlackRegex {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match self.is_valid(instance) {
            true => Ok(()),
            false => Err(ValidationError::custom(format!(
                "{instance} does not match {}",
                self.0
            ))),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance.as_str().is_none_or(|s| self.0.is_match(s))
    }
}

fn regex_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: jsonschema::paths::Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let pattern = value.as_str().unwrap_or_default();
    let regex = regex::Regex::new(pattern)
        .map_err(|e| ValidationError::custom(format!("bad regex {pattern}: {e}")))?;
    Ok(Box::new(SlackRegex(regex)))
}

/// The YAML `tandem slack manifest` prints, read back as Slack reads it.
fn parsed(base_url: Option<&str>) -> Value {
    let yaml = manifest::manifest(base_url).expect("a manifest");
    serde_saphyr::from_str(&yaml)
        .unwrap_or_else(|e| panic!("the manifest is not YAML: {e}\n{yaml}"))
}

fn assert_slack_accepts(manifest: &Value) {
    let problems = specs::problems(schema(), manifest);
    assert!(
        problems.is_empty(),
        "Slack's manifest schema refuses the manifest:\n{}\n{manifest:#}",
        problems.join("\n")
    );
}

#[test]
fn slack_accepts_the_socket_mode_manifest() {
    let m = parsed(None);
    assert_slack_accepts(&m);
    assert_eq!(m["settings"]["socket_mode_enabled"], true);
    assert_eq!(m["settings"]["interactivity"]["is_enabled"], true);
    let text = m.to_string();
    assert!(
        !text.contains("url"),
        "no request URL in Socket Mode: {m:#}"
    );
}

/// The read scopes post verification needs are asked for only when it is on.
#[test]
fn the_history_scopes_come_only_with_verified_posts() {
    let yaml = manifest::manifest_with(Some("https://tandem.example.org"), true).unwrap();
    let verified: Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_slack_accepts(&verified);
    let scopes = |m: &Value| -> Vec<String> {
        m["oauth_config"]["scopes"]["bot"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let history = ["channels:history", "groups:history", "im:history"];
    for scope in history {
        assert!(scopes(&verified).iter().any(|s| s == scope), "{scope}");
        assert!(!scopes(&parsed(None)).iter().any(|s| s == scope), "{scope}");
    }
}

#[test]
fn slack_accepts_the_http_manifest() {
    let m = parsed(Some("https://tandem.example.org/"));
    assert_slack_accepts(&m);
    assert_eq!(m["settings"]["socket_mode_enabled"], false);
    let settings = &m["settings"];
    assert_eq!(
        settings["interactivity"]["request_url"],
        "https://tandem.example.org/slack/interactions"
    );
    assert_eq!(
        settings["event_subscriptions"]["request_url"],
        "https://tandem.example.org/slack/events"
    );
    for command in m["features"]["slash_commands"].as_array().unwrap() {
        assert_eq!(command["url"], "https://tandem.example.org/slack/commands");
    }
}

/// The schema is not a formality: what it refuses, Slack refuses.
#[test]
fn the_schema_check_refuses_what_slack_refuses() {
    let mut m = parsed(None);
    m["features"]["slash_commands"][0]["usage_hint"] = Value::String(String::new());
    assert!(
        !specs::problems(schema(), &m).is_empty(),
        "an empty usage hint"
    );
    let mut m = parsed(None);
    m["display_information"]["background_color"] = Value::String("navy".into());
    assert!(
        !specs::problems(schema(), &m).is_empty(),
        "a colour by name"
    );
    let mut m = parsed(None);
    m["settings"]["interactivity"]["request_url"] = Value::String("tandem.example.org".into());
    assert!(
        !specs::problems(schema(), &m).is_empty(),
        "a URL without scheme"
    );
    // Slash commands: a name of 32 characters with its slash, descriptions of 1-2000 and
    // usage hints of 1-1000 characters, 50 commands.
    let refused = |change: &dyn Fn(&mut Value), what: &str| {
        let mut m = parsed(None);
        change(&mut m["features"]["slash_commands"]);
        assert!(!specs::problems(schema(), &m).is_empty(), "{what}");
        let problems = specs::problems(
            &slash_commands(specs::SLACK_MANIFEST_SCHEMA_2),
            &m["features"]["slash_commands"],
        );
        assert!(!problems.is_empty(), "{what}, by version 2");
    };
    refused(
        &|c| c[0]["command"] = format!("/{}", "m".repeat(32)).into(),
        "a 33-character command",
    );
    refused(
        &|c| c[0]["command"] = "mentoring".into(),
        "a command without its slash",
    );
    refused(&|c| c[0]["description"] = "".into(), "no description");
    refused(
        &|c| c[0]["description"] = "d".repeat(2001).into(),
        "a 2001-character description",
    );
    refused(
        &|c| c[0]["usage_hint"] = "h".repeat(1001).into(),
        "a 1001-character usage hint",
    );
    refused(
        &|c| {
            let commands = c.as_array_mut().unwrap();
            let first = commands[0].clone();
            while commands.len() <= 50 {
                let mut extra = first.clone();
                extra["command"] = format!("/tandem{}", commands.len()).into();
                commands.push(extra);
            }
        },
        "51 commands",
    );
}

/// The slash commands' part of a version of Slack's manifest schema.
fn slash_commands(version: &'static str) -> std::sync::Arc<Validator> {
    specs::validator(
        version,
        jsonschema::Draft::Draft7,
        &["definitions", "app-manifests.v1.features.slash_commands"],
    )
}

/// Version 1 checks the whole manifest above; the slash commands fit version 2's limits too, and
/// docs/architecture.md says how many of the commands a manifest may hold Tandem uses.
#[test]
fn the_slash_commands_fit_both_schema_versions_and_their_room_is_stated() {
    for base_url in [None, Some("https://tandem.example.org")] {
        let m = parsed(base_url);
        let commands = &m["features"]["slash_commands"];
        let problems = specs::problems(&slash_commands(specs::SLACK_MANIFEST_SCHEMA_2), commands);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let used = Root::ALL.len();
    for version in [specs::SLACK_MANIFEST_SCHEMA, specs::SLACK_MANIFEST_SCHEMA_2] {
        let schema = specs::document(version, "the manifest check");
        let most = &schema["definitions"]["app-manifests.v1.features.slash_commands"]["maxItems"];
        assert_eq!(most, 50, "{version}");
    }
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/architecture.md"))
            .unwrap_or_default();
    // Wherever the page's lines break.
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let room = format!("{used} of the 50 slash commands");
    assert!(
        page.contains(&room),
        "docs/architecture.md should say {room}"
    );
}

#[test]
fn the_manifest_lists_exactly_what_the_bot_uses() {
    let m = parsed(None);
    let scopes: Vec<&str> = m["oauth_config"]["scopes"]["bot"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(scopes, manifest::BOT_SCOPES, "the scopes start-up demands");
    assert_eq!(
        m["settings"]["event_subscriptions"]["bot_events"],
        serde_json::json!(manifest::BOT_EVENTS)
    );
    let commands: Vec<&str> = m["features"]["slash_commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    let roots: Vec<String> = Root::ALL.iter().map(|r| format!("/{}", r.name())).collect();
    assert_eq!(commands, roots);
    let checkin = &m["features"]["slash_commands"][1];
    assert_eq!(checkin["usage_hint"], "met | not-yet | help [note:TEXT]");
    // Help alerts are DMs posted to a member id: the Messages tab must be on. Files are shared
    // into a DM's channel id, which only conversations.open (im:write) gives; nothing reads DMs.
    assert_eq!(m["features"]["app_home"]["messages_tab_enabled"], true);
    for unused in ["im:read", "im:history", "files:read", "channels:history"] {
        assert!(
            !scopes.contains(&unused),
            "no scope the bot does not use: {unused}"
        );
    }
}

#[test]
fn a_base_url_without_a_scheme_is_refused_with_what_to_type() {
    let error = manifest::manifest(Some("tandem.example.org"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("--url https://"), "{error}");
}
