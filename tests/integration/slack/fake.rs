//! A fake Slack Web API on loopback: records every call, checks the bearer token and each call
//! against Slack's published spec (the method exists, its parameters are declared, required ones
//! are there, typed ones parse; its own answers fit the spec's response schemas), answers with
//! the real response shapes, and can inject 429s and `ok: false` errors. It is strict: a
//! problem fails the test when the fake is dropped, unless the test allowed it by name
//! ([`FakeSlack::allow`]). Response URLs and Socket Mode live here too.
//!
//! File uploads follow Slack's current flow, which the 2021 spec predates (it still has the
//! retired `files.upload`); specs/slack/methods_after_2021.json describes those methods from
//! Slack's method pages: `files.getUploadURLExternal` (filename, length) → `{upload_url,
//! file_id}`; the bytes POSTed to `upload_url` (no token; answered `200 OK - LENGTH` as text);
//! then `files.completeUploadExternal` (files `[{id, title}]`, channel_id, initial_comment)
//! shares them, answering `file_not_found` for an id never uploaded and `channel_not_found` for
//! an unknown channel.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde_json::{Value, json};

use crate::referee::Referee;
use crate::specs::{self, SLACK_METHODS_AFTER_2021, SLACK_WEB_API};

pub const BOT_TOKEN: &str = "xoxb-fake-bot";
pub const APP_TOKEN: &str = "xapp-fake-app";
pub const BOT_USER: &str = "UTANDEM";
pub const BOT_ID: &str = "B0000FAKE";
pub const ALL_SCOPES: &str = "app_mentions:read,chat:write,commands,files:write,groups:read,groups:write,im:write,users:read,users:read.email";

/// One Web API call as the fake saw it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    pub at: Instant,
}

/// A fault to answer the next call of a method with.
#[derive(Debug, Clone)]
pub enum Fault {
    RateLimited {
        retry_after_secs: u64,
    },
    Error(&'static str),
    /// The call is carried out, then its answer is lost: an HTTP 502 from a proxy on the way.
    AnswerLost,
}

#[derive(Debug, Clone)]
struct Channel {
    id: String,
    name: String,
    purpose: String,
    members: Vec<String>,
    /// A channel that existed before Tandem (an announcement channel): public, and the bot is
    /// in it only once invited.
    public: bool,
    bot_in: bool,
}

/// A message as it stands in a channel; `thread_ts` set for a reply in a thread.
#[derive(Debug, Clone)]
pub struct Post {
    pub channel: String,
    pub ts: String,
    pub thread_ts: Option<String>,
    pub text: String,
    /// The message metadata it was posted with (`event_type`, `event_payload`).
    pub metadata: Option<Value>,
}

/// A file from `files.getUploadURLExternal`; `bytes` once uploaded, `shared_in` once completed.
#[derive(Debug, Clone)]
pub struct File {
    pub id: String,
    pub filename: String,
    pub length: usize,
    pub bytes: Option<Vec<u8>>,
    pub content_type: Option<String>,
    pub shared_in: Option<String>,
    pub title: Option<String>,
    pub initial_comment: Option<String>,
}

#[derive(Default)]
pub struct World {
    pub calls: Vec<Call>,
    pub posts: Vec<Post>,
    pub files: Vec<File>,
    /// DM channels opened with `conversations.open`, by user.
    pub dms: BTreeMap<String, String>,
    base: String,
    pub responses: Vec<(String, Value)>,
    pub violations: Vec<String>,
    faults: HashMap<String, VecDeque<Fault>>,
    channels: Vec<Channel>,
    next_id: u64,
    pub scopes: String,
    pub socket_url: Option<String>,
}

/// Methods whose answers wait until the test releases them: slow Slack, without a clock.
type Gates = Arc<Mutex<HashMap<String, Arc<tokio::sync::Semaphore>>>>;

#[derive(Clone)]
pub struct FakeSlack {
    pub world: Arc<Mutex<World>>,
    pub base: String,
    gates: Gates,
    /// Held by the test's handles only (the server holds [`Server`]): the last one dropped judges.
    referee: Arc<Referee>,
}

/// What the fake's routes share.
#[derive(Clone)]
struct Server {
    world: Arc<Mutex<World>>,
    gates: Gates,
}

/// Where Slack describes `method`: its operation in the 2021 spec, or in the supplement of newer
/// methods; the document's name is kept for compiling its schemas.
fn operation(method: &str) -> Option<(&'static str, &'static str, &'static Value)> {
    [SLACK_WEB_API, SLACK_METHODS_AFTER_2021]
        .into_iter()
        .find_map(|name| {
            let doc = specs::document(name, "the fake Slack");
            let (verb, op) = doc["paths"]
                .get(format!("/{method}"))?
                .as_object()?
                .iter()
                .next()?;
            Some((name, verb.as_str(), op))
        })
}

/// Whether a parameter's value fits the type the spec gives it. Form bodies carry every value
/// as text; JSON bodies carry them typed, and Slack takes structured arguments (`blocks`,
/// `view`, `files`) either as JSON text or as JSON.
fn fits(kind: &str, value: &Value) -> bool {
    match (kind, value) {
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("integer", Value::String(s)) => s.parse::<i64>().is_ok(),
        ("number", Value::Number(_)) => true,
        ("number", Value::String(s)) => s.parse::<f64>().is_ok(),
        ("boolean", Value::Bool(_)) => true,
        ("boolean", Value::String(s)) => matches!(s.as_str(), "true" | "false" | "1" | "0"),
        ("array", Value::Array(_)) => true,
        ("array", Value::String(s)) => serde_json::from_str::<Value>(s).is_ok_and(|v| v.is_array()),
        ("string", Value::String(_) | Value::Array(_) | Value::Object(_)) => true,
        ("string", Value::Number(_) | Value::Bool(_)) => true,
        _ => false,
    }
}

/// Everything about a call that Slack's spec says is wrong: an unknown method, undeclared or
/// missing parameters, values of the wrong type.
fn check_against_spec(method: &str, params: &Value) -> Vec<String> {
    let Some((_, _, op)) = operation(method) else {
        return vec![format!(
            "unexpected call: {method} is in neither Slack's Web API spec nor specs/slack/{}",
            "methods_after_2021.json"
        )];
    };
    let added = &specs::document(SLACK_METHODS_AFTER_2021, "the fake Slack")["x-parameters-after-2021"]
        [method];
    let declared: Vec<(&str, &str, bool)> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(added.as_array().into_iter().flatten())
        .map(|p| {
            (
                p["name"].as_str().unwrap_or(""),
                p["type"].as_str().unwrap_or("string"),
                p["required"] == true,
            )
        })
        .collect();
    let mut problems = vec![];
    for (key, value) in params.as_object().into_iter().flatten() {
        match declared.iter().find(|(name, _, _)| name == key) {
            None => problems.push(format!("{method}: parameter `{key}` is not in the spec")),
            Some((_, kind, _)) if !fits(kind, value) => problems.push(format!(
                "{method}: parameter `{key}` should be {kind}, not {value}"
            )),
            Some(_) => {}
        }
    }
    for (name, _, required) in &declared {
        if *required && *name != "token" && params.get(*name).is_none() {
            problems.push(format!("{method}: required parameter `{name}` is missing"));
        }
    }
    problems
}

/// Problems with the fake's own answer to `method`: a success outside the spec's success schema,
/// or an error code the method's documentation does not list.
fn check_answer(method: &str, body: &Value) -> Vec<String> {
    let Some((document, verb, op)) = operation(method) else {
        return vec![];
    };
    let outcome = if body["ok"] == true { "200" } else { "default" };
    let every_method = &specs::document(SLACK_METHODS_AFTER_2021, "the fake Slack")["x-errors-of-every-method"]
        ["enum"];
    let error = &body["error"];
    // `unknown_method` is the fake's answer to a method it does not serve, noted already.
    if outcome == "default"
        && (error == "unknown_method" || every_method.as_array().is_some_and(|e| e.contains(error)))
    {
        return vec![];
    }
    if op["responses"][outcome]["schema"].is_null() {
        return vec![];
    }
    let (body, mut problems) = newer_message_fields(body);
    if method == "conversations.history" && body["messages"] == json!([]) {
        // The 2021 schema asks for at least one message; an empty conversation answers none.
        return problems;
    }
    let validator = specs::validator(
        document,
        jsonschema::Draft::Draft4,
        &[
            "paths",
            &format!("/{method}"),
            verb,
            "responses",
            outcome,
            "schema",
        ],
    );
    problems.extend(
        specs::problems(&validator, &body)
            .into_iter()
            .map(|p| format!("the fake's own answer to {method}: {p}")),
    );
    problems
}

/// `body` with the message fields Slack added after 2021 (in `messages[]` or `message`) set
/// aside, and what is wrong with them by the supplement's schemas.
fn newer_message_fields(body: &Value) -> (Value, Vec<String>) {
    let fields =
        &specs::document(SLACK_METHODS_AFTER_2021, "the fake Slack")["x-message-fields-after-2021"];
    let mut problems = vec![];
    let mut set_aside = |message: &mut Value| {
        let Some(message) = message.as_object_mut() else {
            return;
        };
        for name in fields.as_object().into_iter().flatten().map(|(k, _)| k) {
            let Some(value) = message.remove(name).filter(|_| name != "description") else {
                continue;
            };
            let validator = specs::validator(
                SLACK_METHODS_AFTER_2021,
                jsonschema::Draft::Draft4,
                &["x-message-fields-after-2021", name],
            );
            problems.extend(
                specs::problems(&validator, &value)
                    .into_iter()
                    .map(|p| format!("a message's {name}: {p}")),
            );
        }
    };
    let mut body = body.clone();
    if let Some(messages) = body.get_mut("messages").and_then(Value::as_array_mut) {
        messages.iter_mut().for_each(&mut set_aside);
    }
    if let Some(message) = body.get_mut("message") {
        set_aside(message);
    }
    (body, problems)
}

fn user_profile(id: &str) -> Option<Value> {
    let (name, zone) = match id {
        "UCOORD" => ("Gina", "Pacific/Auckland"),
        "UMENTOR" => ("Mia", "Asia/Hong_Kong"),
        "UMENTEE" => ("Ned", "Europe/London"),
        "UOTHER" => ("Olly", "America/New_York"),
        "UHANA" => ("Hana", "Asia/Tokyo"),
        _ => return None,
    };
    Some(json!({
        "id": id, "team_id": "T0FAKE", "name": name.to_lowercase(), "deleted": false,
        "real_name": format!("{name} Example"), "tz": zone, "tz_label": zone, "tz_offset": 0,
        "is_bot": false, "is_admin": false, "is_owner": false, "updated": 1700000000,
        "profile": { "display_name": name, "real_name": format!("{name} Example"),
            "email": format!("{}@example.org", name.to_lowercase()) }
    }))
}

fn channel_json(c: &Channel) -> Value {
    json!({
        "id": c.id, "name": c.name, "name_normalized": c.name, "is_channel": false,
        "is_group": true, "is_im": false, "is_mpim": false, "is_private": true,
        "created": 1700000000, "creator": BOT_USER, "is_archived": false, "is_general": false,
        "unlinked": 0, "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
        "pending_shared": [], "is_pending_ext_shared": false, "is_member": true,
        "topic": { "value": "", "creator": "", "last_set": 0 },
        "purpose": { "value": c.purpose, "creator": BOT_USER, "last_set": 1700000000 },
        "previous_names": [], "num_members": c.members.len() + 1
    })
}

/// Query string, form body or JSON body, as one JSON object of parameters.
fn parameters(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Value {
    let mut out = serde_json::Map::new();
    let mut add_form = |text: &[u8]| {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(text).unwrap_or_default();
        for (k, v) in pairs {
            out.insert(k, Value::String(v));
        }
    };
    if let Some(q) = query {
        add_form(q.as_bytes());
    }
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        if let Ok(Value::Object(map)) = serde_json::from_slice(body) {
            out.extend(map);
        }
    } else if !body.is_empty() {
        add_form(body);
    }
    Value::Object(out)
}

fn ok(mut body: Value) -> Response {
    body["ok"] = Value::Bool(true);
    axum::Json(body).into_response()
}

fn err(code: &str) -> Response {
    axum::Json(json!({ "ok": false, "error": code })).into_response()
}

/// What Slack refuses in a message (its Block Kit reference and chat.postMessage's page): more
/// than 50 blocks, a section's text over 3000 characters or a field over 2000 (`invalid_blocks`),
/// text over 40,000 (`msg_too_long`).
fn over_block_kit_limits(p: &Value) -> Option<(&'static str, String)> {
    let length = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    if length(&p["text"]) > 40_000 {
        return Some(("msg_too_long", format!("text of {}", length(&p["text"]))));
    }
    let blocks = match &p["blocks"] {
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let blocks = blocks.as_array().cloned().unwrap_or_default();
    if blocks.len() > 50 {
        return Some(("invalid_blocks", format!("{} blocks", blocks.len())));
    }
    for block in &blocks {
        if length(&block["text"]["text"]) > 3000 {
            let n = length(&block["text"]["text"]);
            return Some(("invalid_blocks", format!("a section of {n} characters")));
        }
        for field in block["fields"].as_array().into_iter().flatten() {
            if length(&field["text"]) > 2000 {
                let n = length(&field["text"]);
                return Some(("invalid_blocks", format!("a field of {n} characters")));
            }
        }
    }
    None
}

/// `users` as Slack takes it (comma-separated) or as a JSON array.
fn list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => vec![],
    }
}

async fn web_api(
    State(server): State<Server>,
    Path(method): Path<String>,
    http_method: axum::http::Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = parameters(query.as_deref(), &headers, &body);
    let gate = server.gates.lock().unwrap().get(&method).cloned();
    if let Some(gate) = gate {
        let _open = gate.acquire().await;
    }
    let response = {
        let mut w = server.world.lock().unwrap();
        w.calls.push(Call {
            method: method.clone(),
            params: params.clone(),
            at: Instant::now(),
        });
        let mut problems = check_against_spec(&method, &params);
        if method == "apps.connections.open" && http_method != axum::http::Method::POST {
            // Its page: "insecure_request: The method was not called via a POST request."
            problems.push(format!("{method}: called with {http_method}, not POST"));
        }
        w.violations.extend(problems);
        respond(&mut w, &method, &headers, &params)
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let problems = check_answer(&method, &answer);
    server.world.lock().unwrap().violations.extend(problems);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Authorization, injected faults, then the method itself.
fn respond(w: &mut World, method: &str, headers: &HeaderMap, params: &Value) -> Response {
    let wanted = if method == "apps.connections.open" {
        APP_TOKEN
    } else {
        BOT_TOKEN
    };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {wanted}")) {
        return err("invalid_auth");
    }
    if let Some(fault) = w.faults.get_mut(method).and_then(|q| q.pop_front()) {
        return match fault {
            Fault::RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                [
                    ("retry-after", retry_after_secs.to_string()),
                    ("content-type", "application/json".into()),
                ],
                json!({ "ok": false, "error": "ratelimited" }).to_string(),
            )
                .into_response(),
            Fault::Error(code) => err(code),
            Fault::AnswerLost => {
                let _ = answer(w, method, params);
                (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response()
            }
        };
    }
    answer(w, method, params)
}

fn answer(w: &mut World, method: &str, p: &Value) -> Response {
    w.next_id += 1;
    let n = w.next_id;
    let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
    match method {
        "auth.test" => {
            let mut response = ok(
                json!({ "url": "https://fake.slack.com/", "team": "Fake Team",
                "user": "tandem", "team_id": "T0FAKE", "user_id": BOT_USER, "bot_id": BOT_ID }),
            );
            let scopes = w.scopes.parse().unwrap();
            response.headers_mut().insert("x-oauth-scopes", scopes);
            response
        }
        "apps.connections.open" => match &w.socket_url {
            Some(url) => ok(json!({ "url": url })),
            None => err("not_allowed_token_type"),
        },
        "conversations.create" => {
            let name = s("name");
            if w.channels.iter().any(|c| c.name == name) {
                return err("name_taken");
            }
            let channel = Channel {
                id: format!("C{n:08}"),
                name,
                purpose: String::new(),
                members: vec![],
                public: false,
                bot_in: true,
            };
            let body = json!({ "channel": channel_json(&channel) });
            w.channels.push(channel);
            ok(body)
        }
        "conversations.setPurpose" => {
            let Some(c) = w.channels.iter_mut().find(|c| c.id == s("channel")) else {
                return err("channel_not_found");
            };
            c.purpose = s("purpose");
            ok(json!({ "channel": channel_json(c) }))
        }
        "conversations.rename" => {
            let name = s("name");
            if w.channels
                .iter()
                .any(|c| c.name == name && c.id != s("channel"))
            {
                return err("name_taken");
            }
            let Some(c) = w.channels.iter_mut().find(|c| c.id == s("channel")) else {
                return err("channel_not_found");
            };
            c.name = name;
            ok(json!({ "channel": channel_json(c) }))
        }
        "conversations.invite" => {
            let users = list(&p["users"]);
            if users.iter().any(|u| user_profile(u).is_none()) {
                return err("user_not_found");
            }
            let Some(c) = w.channels.iter_mut().find(|c| c.id == s("channel")) else {
                return err("channel_not_found");
            };
            if users.iter().all(|u| c.members.contains(u)) {
                return err("already_in_channel");
            }
            for u in users {
                if !c.members.contains(&u) {
                    c.members.push(u);
                }
            }
            ok(json!({ "channel": channel_json(c) }))
        }
        // Its page: `cant_kick_self` for the app itself, `not_in_channel` for someone not in it,
        // `user_not_found` for an unknown id, `channel_not_found` for an unknown channel.
        "conversations.kick" => {
            let user = s("user");
            if user == BOT_USER {
                return err("cant_kick_self");
            }
            if user_profile(&user).is_none() {
                return err("user_not_found");
            }
            let Some(c) = w.channels.iter_mut().find(|c| c.id == s("channel")) else {
                return err("channel_not_found");
            };
            let Some(at) = c.members.iter().position(|m| *m == user) else {
                return err("not_in_channel");
            };
            c.members.remove(at);
            ok(json!({}))
        }
        "conversations.list" => {
            let channels: Vec<Value> = w.channels.iter().map(channel_json).collect();
            ok(json!({ "channels": channels, "response_metadata": { "next_cursor": "" } }))
        }
        "users.info" => match user_profile(&s("user")) {
            Some(user) => ok(json!({ "user": user })),
            None => err("user_not_found"),
        },
        "chat.postMessage" | "chat.update" => {
            if let Some((code, why)) = over_block_kit_limits(p) {
                w.violations.push(format!("{method}: {why}"));
                return err(code);
            }
            let mut channel = s("channel");
            if channel.starts_with('C') && !w.channels.iter().any(|c| c.id == channel) {
                return err("channel_not_found");
            }
            if channel.starts_with('U') {
                // Posting to a user id lands in the app's DM with them, as Slack answers it.
                if user_profile(&channel).is_none() {
                    return err("channel_not_found");
                }
                channel = dm_of(&channel);
            }
            let thread_ts = p["thread_ts"].as_str().map(str::to_string);
            if let Some(parent) = &thread_ts {
                // A reply must name a message in that channel (not a reply: its parent).
                let known = w.posts.iter().any(|post| {
                    post.channel == channel && post.ts == *parent && post.thread_ts.is_none()
                });
                if !known {
                    // Slack documents no error for this; Tandem must never ask for it.
                    w.violations.push(format!(
                        "{method}: thread_ts {parent} is no top-level message of {channel}"
                    ));
                    return err("cannot_reply_to_message");
                }
            }
            if method == "chat.update" {
                let ts = s("ts");
                let Some(post) = w
                    .posts
                    .iter_mut()
                    .find(|post| post.channel == channel && post.ts == ts)
                else {
                    return err("message_not_found");
                };
                post.text = s("text");
                // As Slack's page shows it: the new text, and the message without its blocks.
                return ok(json!({ "channel": channel, "ts": ts, "text": p["text"],
                    "message": { "text": p["text"], "user": BOT_USER, "bot_id": BOT_ID } }));
            }
            let ts = format!("1700000000.{n:06}");
            let metadata = match &p["metadata"] {
                Value::String(text) => serde_json::from_str(text).ok(),
                Value::Null => None,
                other => Some(other.clone()),
            };
            w.posts.push(Post {
                channel: channel.clone(),
                ts: ts.clone(),
                thread_ts,
                text: s("text"),
                metadata,
            });
            let blocks = match &p["blocks"] {
                Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
                other => other.clone(),
            };
            let mut message = json!({ "type": "message", "ts": ts, "text": p["text"],
                "user": BOT_USER, "bot_id": BOT_ID });
            if !blocks.is_null() {
                message["blocks"] = blocks;
            }
            ok(json!({ "channel": channel, "ts": ts, "message": message }))
        }
        "chat.postEphemeral" => ok(json!({ "message_ts": format!("1700000000.{n:06}") })),
        "conversations.info" => {
            let Some(c) = w.channels.iter().find(|c| c.id == s("channel")) else {
                return err("channel_not_found");
            };
            // Its page: channels:read for a public channel, groups:read for a private one; a
            // private channel the bot is not in is not found at all.
            let needs = if c.public {
                "channels:read"
            } else {
                "groups:read"
            };
            if !w.scopes.split(',').any(|g| g == needs) {
                return err("missing_scope");
            }
            if !c.public && !c.bot_in {
                return err("channel_not_found");
            }
            let mut channel = channel_json(c);
            channel["is_member"] = json!(c.bot_in);
            channel["is_private"] = json!(!c.public);
            channel["is_channel"] = json!(c.public);
            channel["is_group"] = json!(!c.public);
            ok(json!({ "channel": channel }))
        }
        "conversations.history" => {
            let channel = s("channel");
            let known =
                w.channels.iter().any(|c| c.id == channel) || w.dms.values().any(|d| *d == channel);
            if !known {
                return err("channel_not_found");
            }
            // Its page: channels:history, groups:history, im:history or mpim:history, by the
            // kind of conversation; a DM needs im:history.
            let needs: &[&str] = if channel.starts_with('D') {
                &["im:history"]
            } else {
                &["channels:history", "groups:history"]
            };
            if !w.scopes.split(',').any(|g| needs.contains(&g)) {
                return err("missing_scope");
            }
            let with_metadata = matches!(&p["include_all_metadata"], Value::Bool(true))
                || p["include_all_metadata"]
                    .as_str()
                    .is_some_and(|v| v == "true" || v == "1");
            let limit = p["limit"]
                .as_u64()
                .or_else(|| p["limit"].as_str().and_then(|l| l.parse().ok()))
                .unwrap_or(100) as usize;
            // Newest first, replies in threads left out, as Slack answers.
            let messages: Vec<Value> = w
                .posts
                .iter()
                .rev()
                .filter(|post| post.channel == channel && post.thread_ts.is_none())
                .take(limit)
                .map(|post| {
                    let mut m = json!({ "type": "message", "ts": post.ts, "text": post.text,
                        "user": BOT_USER, "bot_id": BOT_ID });
                    if let (true, Some(meta)) = (with_metadata, &post.metadata) {
                        m["metadata"] = meta.clone();
                    }
                    m
                })
                .collect();
            let has_more = w.posts.iter().filter(|p| p.channel == channel).count() > limit;
            ok(
                json!({ "messages": messages, "has_more": has_more, "pin_count": 0,
                "channel_actions_ts": null, "channel_actions_count": 0 }),
            )
        }
        "conversations.open" => {
            let users = list(&p["users"]);
            let [user] = users.as_slice() else {
                return err(if users.is_empty() {
                    "users_list_not_supplied"
                } else {
                    "not_enough_users"
                });
            };
            if user_profile(user).is_none() {
                return err("user_not_found");
            }
            let already = w.dms.contains_key(user);
            let id = dm_of(user);
            w.dms.insert(user.clone(), id.clone());
            ok(json!({ "channel": { "id": id }, "already_open": already, "no_op": already }))
        }
        "files.getUploadURLExternal" => {
            let length = p["length"].as_str().and_then(|l| l.parse::<usize>().ok());
            let (filename, Some(length)) = (s("filename"), length) else {
                return err("invalid_arguments");
            };
            if filename.is_empty() || length == 0 {
                return err("invalid_arguments");
            }
            let id = format!("F{n:09}");
            w.files.push(File {
                id: id.clone(),
                filename,
                length,
                bytes: None,
                content_type: None,
                shared_in: None,
                title: None,
                initial_comment: None,
            });
            let upload_url = format!("{}/upload/v1/{id}", w.base);
            ok(json!({ "upload_url": upload_url, "file_id": id }))
        }
        "files.completeUploadExternal" => {
            let mut listed = p["files"].clone();
            if let Value::String(text) = &listed {
                listed = serde_json::from_str(text).unwrap_or(Value::Null);
            }
            let Some(listed) = listed.as_array().filter(|l| !l.is_empty()).cloned() else {
                return err("invalid_arguments");
            };
            let channel = s("channel_id");
            let known_channel = channel.is_empty()
                || w.dms.values().any(|d| *d == channel)
                || w.channels.iter().any(|c| c.id == channel);
            if !known_channel {
                return err("channel_not_found");
            }
            let uploaded = |id: &str, w: &World| {
                w.files
                    .iter()
                    .any(|f| f.id == id && f.bytes.is_some() && f.shared_in.is_none())
            };
            if listed
                .iter()
                .any(|f| !uploaded(f["id"].as_str().unwrap_or_default(), w))
            {
                return err("file_not_found");
            }
            let comment = p["initial_comment"].as_str().map(str::to_string);
            let mut shared = vec![];
            for entry in listed {
                let file = w.files.iter_mut().find(|f| f.id == entry["id"]).unwrap();
                file.shared_in = Some(channel.clone());
                file.title = entry["title"].as_str().map(str::to_string);
                file.initial_comment = comment.clone();
                shared.push(json!({ "id": file.id, "name": file.filename,
                    "title": file.title.clone().unwrap_or_else(|| file.filename.clone()) }));
            }
            ok(json!({ "files": shared }))
        }
        "views.open" => {
            let mut view = p["view"].clone();
            if let Value::String(text) = &view {
                view = serde_json::from_str(text).unwrap_or(Value::Null);
            }
            view["id"] = json!(format!("V{n:06}"));
            view["team_id"] = json!("T0FAKE");
            view["state"] = json!({ "values": {} });
            view["hash"] = json!("h1");
            ok(json!({ "view": view }))
        }
        _ => {
            w.violations
                .push(format!("unexpected call: the fake does not serve {method}"));
            err("unknown_method")
        }
    }
}

/// The app's DM channel with a member (`D` and at least eight characters, as Slack's ids):
/// `UCOORD` → `D000COORD`. Posting to a member id lands there.
pub fn dm_of(user: &str) -> String {
    format!("D{:0>8}", &user[1..])
}

/// The upload URL of `files.getUploadURLExternal`: raw bytes (or a multipart form, which Tandem
/// doesn't send), no token, answered as Slack does with `OK - LENGTH` as plain text.
async fn upload(
    State(fake): State<Server>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut w = fake.world.lock().unwrap();
    if headers.contains_key("authorization") {
        w.violations
            .push("the upload URL was sent a token it does not need".into());
    }
    let Some(file) = w.files.iter_mut().find(|f| f.id == id) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    if body.len() != file.length {
        return (StatusCode::BAD_REQUEST, "length mismatch").into_response();
    }
    file.bytes = Some(body.to_vec());
    file.content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        StatusCode::OK,
        [("content-type", "text/plain; charset=utf-8")],
        format!("OK - {}", body.len()),
    )
        .into_response()
}

async fn response_url(State(fake): State<Server>, Path(id): Path<String>, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    fake.world.lock().unwrap().responses.push((id, body));
    ok(json!({}))
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        // Read the specs now: a fake that cannot check calls says so before the test starts.
        for document in [SLACK_WEB_API, SLACK_METHODS_AFTER_2021] {
            specs::document(document, "the fake Slack");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = Server {
            world: Arc::new(Mutex::new(World {
                scopes: ALL_SCOPES.into(),
                base: base.clone(),
                ..World::default()
            })),
            gates: Default::default(),
        };
        let router = Router::new()
            .route("/api/{method}", any(web_api))
            .route("/response/{id}", post(response_url))
            .route("/upload/v1/{id}", post(upload))
            .with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let seen = server.world.clone();
        let referee = Referee::new("Slack", move || seen.lock().unwrap().violations.clone());
        FakeSlack {
            world: server.world,
            base,
            gates: server.gates,
            referee: Arc::new(referee),
        }
    }

    /// Problems containing `what` do not fail this test (see [`Referee::allow`]).
    pub fn allow(&self, what: &str) {
        self.referee.allow(what);
    }

    /// Holds every answer to `method` until [`FakeSlack::release`].
    pub fn hold(&self, method: &str) {
        self.gates
            .lock()
            .unwrap()
            .insert(method.into(), Arc::new(tokio::sync::Semaphore::new(0)));
    }

    pub fn release(&self, method: &str) {
        if let Some(gate) = self.gates.lock().unwrap().remove(method) {
            gate.close();
        }
    }

    pub fn api_url(&self) -> String {
        format!("{}/api", self.base)
    }

    pub fn response_url(&self, id: &str) -> String {
        format!("{}/response/{id}", self.base)
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        let w = self.world.lock().unwrap();
        w.calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    pub fn inject(&self, method: &str, fault: Fault) {
        let mut w = self.world.lock().unwrap();
        w.faults
            .entry(method.to_string())
            .or_default()
            .push_back(fault);
    }

    pub fn responses(&self, id: &str) -> Vec<Value> {
        let w = self.world.lock().unwrap();
        w.responses
            .iter()
            .filter(|(i, _)| i == id)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// A public channel that exists before Tandem starts (an intake's announcement channel).
    pub fn add_channel(&self, id: &str, name: &str) {
        self.world.lock().unwrap().channels.push(Channel {
            id: id.into(),
            name: name.into(),
            purpose: String::new(),
            members: vec![],
            public: true,
            bot_in: true,
        });
    }

    /// A private channel the bot was never invited to.
    pub fn add_private_channel_without_the_bot(&self, id: &str, name: &str) {
        self.world.lock().unwrap().channels.push(Channel {
            id: id.into(),
            name: name.into(),
            purpose: String::new(),
            members: vec![],
            public: false,
            bot_in: false,
        });
    }

    /// Messages in a channel, oldest first.
    pub fn posts(&self, channel: &str) -> Vec<Post> {
        let w = self.world.lock().unwrap();
        w.posts
            .iter()
            .filter(|p| p.channel == channel)
            .cloned()
            .collect()
    }

    /// Files shared by `files.completeUploadExternal`.
    pub fn shared_files(&self) -> Vec<File> {
        let w = self.world.lock().unwrap();
        w.files
            .iter()
            .filter(|f| f.shared_in.is_some())
            .cloned()
            .collect()
    }

    /// Channel name → its members.
    pub fn channels(&self) -> BTreeMap<String, Vec<String>> {
        let w = self.world.lock().unwrap();
        w.channels
            .iter()
            .map(|c| (c.name.clone(), c.members.clone()))
            .collect()
    }

    /// Every call so far matched the spec and hit a known method (the same check runs when the
    /// fake is dropped).
    pub fn assert_clean(&self) {
        self.referee.assert_clean();
    }
}

/// Polls `check` until it holds: for work that lands after an acknowledgement.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    // Generous: it returns as soon as the check holds; only a loaded machine gets near it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
