//! The platforms' published specifications, vendored in `specs/` (see specs/README.md): found
//! inside the repository, parsed once per test process, and compiled into JSON Schema validators
//! (the `jsonschema` crate, not a subset of our own) that the fakes check requests and their own
//! answers against. A spec that cannot be read stops the fake with one message naming the file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::Value;

/// Discord HTTP API v10, OpenAPI 3.1 (JSON Schema 2020-12 inside).
pub const DISCORD_OPENAPI: &str = "discord/openapi.json";
/// Slack Web API, Swagger 2.0 (JSON Schema draft 4 inside), as published in 2021.
pub const SLACK_WEB_API: &str = "slack/web_api_openapi_v2.json";
/// The Web API methods Tandem calls that the 2021 spec predates, in the same format.
pub const SLACK_METHODS_AFTER_2021: &str = "slack/methods_after_2021.json";
/// Slack's JSON Schema for app manifests, version 1 (what "Create an app from a manifest" checks).
pub const SLACK_MANIFEST_SCHEMA: &str = "slack/manifest-schema/manifest.schema.1.0.0.json";
/// Version 2 of the same schema, whose limits on slash commands are checked as well.
pub const SLACK_MANIFEST_SCHEMA_2: &str = "slack/manifest-schema/manifest.schema.2.0.0.json";

/// Where a vendored file lives in this checkout.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name)
}

/// A vendored document, parsed once. `user` names who needs it (e.g. "the fake Discord"), for
/// the one clear panic when the file is missing or damaged.
pub fn document(name: &'static str, user: &str) -> &'static Value {
    static DOCUMENTS: OnceLock<Mutex<HashMap<&'static str, &'static Value>>> = OnceLock::new();
    let mut documents = DOCUMENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(document) = documents.get(name) {
        return document;
    }
    let file = path(name);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{user} cannot start: it checks requests against {}, which cannot be read ({e}). \
             The platform specs are vendored in the repository's specs/ folder (see \
             specs/README.md); restore them with `git checkout -- specs`.",
            file.display()
        )
    });
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{user} cannot start: {} is not valid JSON ({e}); restore it with `git checkout -- specs`.",
            file.display()
        )
    });
    let leaked: &'static Value = Box::leak(Box::new(parsed));
    documents.insert(name, leaked);
    leaked
}

/// The path `segments` into a document as a URI fragment: `~` and `/` escaped as JSON pointers
/// want, and the characters a URI does not allow percent-encoded (`{id}` path templates).
fn fragment(segments: &[&str]) -> String {
    let mut out = String::from("#");
    for segment in segments {
        out.push('/');
        for c in segment.replace('~', "~0").replace('/', "~1").chars() {
            match c {
                '{' => out.push_str("%7B"),
                '}' => out.push_str("%7D"),
                ' ' => out.push_str("%20"),
                '%' => out.push_str("%25"),
                _ => out.push(c),
            }
        }
    }
    out
}

/// Compiled validators, by document and pointer: each is built once per process.
type Compiled = Mutex<HashMap<(&'static str, Vec<String>), Arc<Validator>>>;

/// A validator for the schema at `segments` (the path to it, unescaped) inside a document, with
/// every `$ref` in it resolved against the whole document.
pub fn validator(document_name: &'static str, draft: Draft, segments: &[&str]) -> Arc<Validator> {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    let key = (
        document_name,
        segments.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    let compiled = COMPILED.get_or_init(Default::default);
    if let Some(found) = compiled.lock().unwrap().get(&key) {
        return found.clone();
    }
    // The whole document is the root resource, so `#/components/…` and `#/definitions/…`
    // resolve; a `$ref` at the top points at the schema wanted. Unknown top-level members
    // (`paths`, `info`, …) are not keywords and are ignored.
    let mut root = document(document_name, "a spec check").clone();
    root["$ref"] = Value::String(fragment(segments));
    let built = jsonschema::options()
        .with_draft(draft)
        .build(&root)
        .unwrap_or_else(|e| panic!("{document_name} {segments:?} does not compile: {e}"));
    let built = Arc::new(built);
    compiled.lock().unwrap().insert(key, built.clone());
    built
}

/// Everything wrong with `value` under `validator`, one line each, with where in the value.
pub fn problems(validator: &Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("at {at}: {e}")
        })
        .collect()
}

#[test]
fn fragments_escape_what_a_pointer_and_a_uri_need() {
    assert_eq!(
        fragment(&["paths", "/channels/{channel_id}", "post"]),
        "#/paths/~1channels~1%7Bchannel_id%7D/post"
    );
    assert_eq!(fragment(&["a~b", "c d"]), "#/a~0b/c%20d");
}

#[test]
fn a_missing_spec_stops_its_user_with_one_message_naming_the_file() {
    let panic =
        std::panic::catch_unwind(|| document("discord/no-such-spec.json", "the fake Discord"))
            .expect_err("a missing file cannot be read");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.starts_with("the fake Discord cannot start")
            && message.contains("specs/discord/no-such-spec.json")
            && message.contains("git checkout -- specs"),
        "{message}"
    );
}
