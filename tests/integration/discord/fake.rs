//! A fake Discord REST API under /api/v10 on 127.0.0.1: records every call, checks the bot token,
//! checks each call against Discord's published OpenAPI spec (the route exists, its query
//! parameters and body fit; see [`spec`]) and `allowed_mentions` on every message, answers with
//! Discord's shapes (its own answers checked against the spec too) and `X-RateLimit-*` headers,
//! enforces the global 50 requests/s, refuses commands over Discord's 4000 characters, and injects
//! 429s and errors on demand. It is strict: a problem fails the test when the fake is dropped
//! unless the test allowed it by name ([`FakeDiscord::allow`]). Messages with files come as multipart form data, as Discord takes
//! them: `payload_json` plus `files[n]`, at most 10 files and 10 MiB, each listed in the
//! payload's `attachments` by its index.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{objects, spec};
use crate::referee::Referee;

pub const TOKEN: &str = "fake-bot-token";
pub const GUILD: u64 = 900_000_000_000_000_001;
pub const APP: u64 = 900_000_000_000_000_002;
pub const BOT: u64 = 900_000_000_000_000_003;
pub const BOT_ROLE: u64 = 900_000_000_000_000_004;
pub const COORDINATOR_ROLE: u64 = 900_000_000_000_000_005;

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// The `files[n]` parts of a multipart request.
    pub files: Vec<FilePart>,
    pub at: Instant,
    /// A follow-up refused because the interaction's first answer had not arrived yet.
    pub too_early: bool,
}

/// One uploaded file, as the fake received it.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Discord's cap on files per message, and on their size without server boosts.
const MAX_FILES: usize = 10;
const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// A fault served once to the next call whose path contains `path`.
#[derive(Debug, Clone)]
pub enum Fault {
    RouteLimited(f64),
    GlobalLimited(f64),
    Status(u16),
    /// The request is carried out, but its answer is lost: a proxy's 502 after the fact.
    LostAnswer(u16),
}

#[derive(Default)]
pub struct World {
    pub calls: Vec<Call>,
    pub problems: Vec<String>,
    pub channels: Vec<Value>,
    pub messages: HashMap<String, Value>,
    pub commands: Vec<Value>,
    pub nonces: HashMap<String, Value>,
    pub threads: Vec<Value>,
    /// Members whose roles a test changed, by user id; the others hold what `payloads` gives them.
    pub member_roles: HashMap<String, Vec<String>>,
    /// Who has been added to each thread, by thread id.
    pub thread_members: HashMap<String, Vec<String>>,
    /// Interaction tokens whose first answer Discord has (callback, or HTTP response read).
    pub answered: std::collections::HashSet<String>,
    faults: Vec<(String, Fault)>,
    next_id: u64,
    /// Requests in the last second, for the global limit.
    window: VecDeque<Instant>,
    pub global_limit: Option<usize>,
    pub global_429s: usize,
    pub bot_permissions: u64,
    pub bot_in_guild: bool,
    pub gateway_url: String,
}

impl World {
    fn id(&mut self) -> String {
        self.next_id += 1;
        (800_000_000_000_000_000 + self.next_id).to_string()
    }

    /// A guild channel or thread by id.
    fn channel_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.channels
            .iter_mut()
            .chain(self.threads.iter_mut())
            .find(|c| c["id"] == id)
    }
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub base: String,
    pub world: Arc<Mutex<World>>,
    /// Held by the test's handles only (the server holds `world`): the last one dropped judges.
    referee: Arc<Referee>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        spec::load();
        let world = Arc::new(Mutex::new(World {
            bot_permissions: (1 << 4) | (1 << 28) | (1 << 10) | (1 << 11),
            bot_in_guild: true,
            ..World::default()
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // Bodies past axum's 2 MB default reach the routes, which answer as Discord does.
        let app = Router::new()
            .fallback(serve)
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20))
            .with_state(world.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let seen = world.clone();
        let referee = Referee::new("Discord", move || seen.lock().unwrap().problems.clone());
        FakeDiscord {
            base,
            world,
            referee: Arc::new(referee),
        }
    }

    /// Problems containing `what` do not fail this test (see [`Referee::allow`]).
    pub fn allow(&self, what: &str) {
        self.referee.allow(what);
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap()
    }

    pub fn inject(&self, path: &str, fault: Fault) {
        self.lock().faults.push((path.to_string(), fault));
    }

    /// Every call, except follow-ups refused for coming before the first answer (the adapter
    /// tries those again; [`FakeDiscord::too_early`] counts them).
    pub fn calls(&self) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| !c.too_early)
            .cloned()
            .collect()
    }

    pub fn too_early(&self) -> usize {
        self.lock().calls.iter().filter(|c| c.too_early).count()
    }

    pub fn calls_to(&self, method: &str, path_contains: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && c.path.contains(path_contains))
            .collect()
    }

    /// Waits (bounded) until a call matching arrives: the bot's deferred work is asynchronous.
    pub async fn wait_for(&self, method: &str, path_contains: &str, count: usize) -> Vec<Call> {
        for _ in 0..500 {
            let found = self.calls_to(method, path_contains);
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "no {method} {path_contains} after 5 s; calls: {:#?}",
            self.calls()
                .iter()
                .map(|c| format!("{} {}", c.method, c.path))
                .collect::<Vec<_>>()
        );
    }

    /// Every call so far fit the spec and no message could ping anyone unmeant (the same check
    /// runs when the fake is dropped).
    pub fn assert_clean(&self) {
        self.referee.assert_clean();
    }

    /// A message as it stands now (after any edits), by id.
    pub fn message(&self, id: &str) -> Option<Value> {
        self.lock().messages.get(id).cloned()
    }

    pub fn pair_channels(&self) -> Vec<Value> {
        self.lock()
            .channels
            .iter()
            .filter(|c| c["type"] == 0 && c["topic"].as_str().is_some_and(|t| t.contains("Pair ")))
            .cloned()
            .collect()
    }
}

fn rate_headers(bucket: &str, remaining: u64) -> [(String, String); 5] {
    [
        ("x-ratelimit-limit".into(), "5".into()),
        ("x-ratelimit-remaining".into(), remaining.to_string()),
        ("x-ratelimit-reset".into(), "1800000000.000".into()),
        ("x-ratelimit-reset-after".into(), "0.050".into()),
        ("x-ratelimit-bucket".into(), format!("bucket-{bucket}")),
    ]
}

fn answer(status: StatusCode, bucket: &str, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    for (k, v) in rate_headers(bucket, 4) {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    response
}

fn too_many(global: bool, retry_after: f64) -> Response {
    let body = json!({ "message": "You are being rate limited.", "retry_after": retry_after,
        "global": global, "code": 0 });
    let mut response = answer(StatusCode::TOO_MANY_REQUESTS, "limited", body);
    let h = response.headers_mut();
    h.insert(
        "retry-after",
        format!("{}", retry_after.ceil() as u64).parse().unwrap(),
    );
    h.insert(
        "x-ratelimit-scope",
        if global { "global" } else { "user" }.parse().unwrap(),
    );
    if global {
        h.insert("x-ratelimit-global", "true".parse().unwrap());
    } else {
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
    }
    response
}

fn error(status: u16, code: u64, message: &str) -> Response {
    answer(
        StatusCode::from_u16(status).unwrap(),
        "error",
        json!({ "message": message, "code": code }),
    )
}

async fn serve(
    State(world): State<Arc<Mutex<World>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(path) = uri.path().strip_prefix("/api/v10").map(str::to_string) else {
        let problem = format!("unexpected call: {method} {uri} is not under /api/v10");
        world.lock().unwrap().problems.push(problem);
        return error(404, 0, "404: Not Found");
    };
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let parsed = if let Some(boundary) = content_type.strip_prefix("multipart/form-data; boundary=")
    {
        multipart(&body, boundary.trim_matches('"'))
    } else if body.is_empty() {
        Some((Value::Null, vec![]))
    } else {
        serde_json::from_slice(&body).ok().map(|v| (v, vec![]))
    };
    let Some((body, files)) = parsed else {
        let problem =
            format!("{method} {path}: the body is neither JSON nor Discord's multipart form");
        world.lock().unwrap().problems.push(problem);
        return error(400, 50109, "The request body contains invalid JSON.");
    };
    let operation = spec::operation(method.as_str(), &path);
    let problems = match &operation {
        None => vec![format!(
            "unexpected call: {method} {path} is no route of Discord's OpenAPI spec"
        )],
        Some(op) => spec::check_query(op, uri.query())
            .into_iter()
            .chain(spec::check_body(op, &body))
            .map(|p| format!("{method} {path} ({}): {p}", op.name()))
            .collect(),
    };
    let oversized = embeds_over_limit(&body).or_else(|| embeds_over_limit(&body["data"]));
    let response = {
        let mut w = world.lock().unwrap();
        w.problems.extend(problems);
        match oversized {
            Some(total) => {
                w.problems.push(format!(
                    "{method} {path}: embeds of {total} characters, over Discord's 6000"
                ));
                error(400, 50035, "Invalid Form Body")
            }
            None => respond(&mut w, &method, &path, &headers, body, files),
        }
    };
    match operation {
        Some(op) => checked_answer(&world, &op, &method, &path, response).await,
        None => response,
    }
}

/// The characters of a message's embeds when over Discord's 6000 for all of them together (its
/// documentation's embed limits; the OpenAPI spec holds only each field's own maximum).
fn embeds_over_limit(message: &Value) -> Option<usize> {
    let length = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let total: usize = message["embeds"]
        .as_array()?
        .iter()
        .map(|e| {
            length(&e["title"])
                + length(&e["description"])
                + length(&e["footer"]["text"])
                + length(&e["author"]["name"])
                + e["fields"].as_array().map_or(0, |fields| {
                    fields
                        .iter()
                        .map(|f| length(&f["name"]) + length(&f["value"]))
                        .sum()
                })
        })
        .sum();
    (total > 6000).then_some(total)
}

/// Discord's most characters in one application command: the names, descriptions, choice names
/// and values (localizations included) of the command and everything under it (its documentation's
/// Application Commands page; the OpenAPI spec does not state it).
const MAX_COMMAND_CHARACTERS: usize = 4000;

fn command_characters(node: &Value) -> usize {
    let text = |v: &Value| match v {
        Value::String(s) => s.chars().count(),
        Value::Number(n) => n.to_string().len(),
        _ => 0,
    };
    let localized = |v: &Value| v.as_object().map_or(0, |m| m.values().map(text).sum());
    let named = |v: &Value| {
        text(&v["name"])
            + localized(&v["name_localizations"])
            + text(&v["description"])
            + localized(&v["description_localizations"])
    };
    let choices: usize = node["choices"].as_array().map_or(0, |choices| {
        choices.iter().map(|c| named(c) + text(&c["value"])).sum()
    });
    let options: usize = node["options"]
        .as_array()
        .map_or(0, |options| options.iter().map(command_characters).sum());
    named(node) + choices + options
}

/// Discord's answer to a bulk overwrite in which a command is over its 4000 characters: the
/// whole request is refused, each such command named by its index, and nothing is stored.
fn commands_too_large(w: &mut World, commands: &[Value]) -> Option<Response> {
    let mut errors = serde_json::Map::new();
    for (index, command) in commands.iter().enumerate() {
        let characters = command_characters(command);
        if characters > MAX_COMMAND_CHARACTERS {
            w.problems.push(format!(
                "PUT commands: /{} of {characters} characters, over Discord's \
                 {MAX_COMMAND_CHARACTERS}",
                command["name"].as_str().unwrap_or_default()
            ));
            errors.insert(
                index.to_string(),
                json!({ "_errors": [{ "code": "APPLICATION_COMMAND_TOO_LARGE",
                    "message": format!("Command exceeds maximum size ({MAX_COMMAND_CHARACTERS})") }] }),
            );
        }
    }
    (!errors.is_empty()).then(|| {
        answer(
            StatusCode::BAD_REQUEST,
            "error",
            json!({ "message": "Invalid Form Body", "code": 50035, "errors": errors }),
        )
    })
}

/// The fake's answer, after checking it against the response schema the spec gives for its
/// status: a fake that answers what Discord never would teaches the bot the wrong thing.
async fn checked_answer(
    world: &Mutex<World>,
    op: &spec::Operation,
    method: &Method,
    path: &str,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let value = match bytes.is_empty() {
        true => Value::Null,
        false => serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into())),
    };
    let problems = spec::check_response(op, parts.status.as_u16(), &value);
    if !problems.is_empty() {
        let mut w = world.lock().unwrap();
        for p in problems {
            w.problems.push(format!(
                "the fake's own answer to {method} {path} ({}): {p}",
                op.name()
            ));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Records the call, then answers it as Discord would: authorization, the global limit,
/// injected faults, then the route.
fn respond(
    w: &mut World,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: Value,
    files: Vec<FilePart>,
) -> Response {
    let now = Instant::now();
    w.calls.push(Call {
        method: method.to_string(),
        path: path.to_string(),
        body: body.clone(),
        files: files.clone(),
        at: now,
        too_early: false,
    });
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bot {TOKEN}")) {
        return error(401, 0, "401: Unauthorized");
    }
    if let Some(limit) = w.global_limit {
        while w
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            w.window.pop_front();
        }
        if !path.starts_with("/interactions/") {
            if w.window.len() >= limit {
                w.global_429s += 1;
                return too_many(true, 0.1);
            }
            w.window.push_back(now);
        }
    }
    if let Some(i) = w.faults.iter().position(|(p, _)| path.contains(p.as_str())) {
        let (_, fault) = w.faults.remove(i);
        return match fault {
            Fault::RouteLimited(after) => too_many(false, after),
            Fault::GlobalLimited(after) => too_many(true, after),
            Fault::Status(s) => error(s, 0, "injected"),
            Fault::LostAnswer(s) => {
                let _carried_out = serve_route(w, method, path, body, &files);
                error(s, 0, "injected after the fact")
            }
        };
    }
    serve_route(w, method, path, body, &files)
}

/// What Discord does with a request that got past authorization, limits and faults.
fn serve_route(
    w: &mut World,
    method: &Method,
    path: &str,
    body: Value,
    files: &[FilePart],
) -> Response {
    check_mentions(w, method, path, &body);
    if let Some(refused) = check_files(&body, files) {
        return refused;
    }
    let mut response_body = body;
    if !files.is_empty() {
        response_body["attachments"] = json!(
            files
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let url = format!("https://cdn.discordapp.com/attachments/0/{i}/{}", f.filename);
                    json!({ "id": (700_000_000_000_000_000u64 + i as u64).to_string(),
                        "filename": f.filename, "size": f.bytes.len(), "content_type": f.content_type,
                        "url": url, "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net") })
                })
                .collect::<Vec<_>>()
        );
    }
    route(w, method, path, response_body)
}

/// `payload_json` and the `files[n]` parts of a multipart body; `None` if it does not parse.
fn multipart(body: &[u8], boundary: &str) -> Option<(Value, Vec<FilePart>)> {
    let delimiter = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = vec![];
    for chunk in split(body, delimiter.as_bytes()).into_iter().skip(1) {
        if chunk.starts_with(b"--") {
            break;
        }
        let chunk = chunk.strip_prefix(b"\r\n")?;
        let at = find(chunk, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&chunk[..at]).ok()?;
        let content = chunk[at + 4..].strip_suffix(b"\r\n")?;
        let attribute = |name: &str| {
            let key = format!("{name}=\"");
            let start = head.find(&key)? + key.len();
            Some(head[start..].split('"').next()?.to_string())
        };
        let field = attribute("name")?;
        if field == "payload_json" {
            payload = serde_json::from_slice(content).ok()?;
        } else {
            let content_type = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Content-Type: ")
                        .or(l.strip_prefix("content-type: "))
                })
                .unwrap_or("application/octet-stream")
                .to_string();
            files.push(FilePart {
                field,
                filename: attribute("filename")?,
                content_type,
                bytes: content.to_vec(),
            });
        }
    }
    Some((payload, files))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut rest: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = vec![];
    while let Some(at) = find(rest, delimiter) {
        out.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    out.push(rest);
    out
}

/// Discord's answers to files it won't take: too many, too big, or not named in `attachments`.
fn check_files(body: &Value, files: &[FilePart]) -> Option<Response> {
    let invalid = |field: &str, code: &str, message: &str| {
        answer(
            StatusCode::BAD_REQUEST,
            "error",
            json!({ "message": "Invalid Form Body", "code": 50035,
                "errors": { field: { "_errors": [{ "code": code, "message": message }] } } }),
        )
    };
    if files.len() > MAX_FILES {
        return Some(invalid(
            "files",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.",
        ));
    }
    if files.iter().map(|f| f.bytes.len()).sum::<usize>() > MAX_UPLOAD {
        return Some(error(413, 40005, "Request entity too large"));
    }
    let listed = body["attachments"].as_array().cloned().unwrap_or_default();
    for (i, file) in files.iter().enumerate() {
        let named = listed
            .iter()
            .any(|a| a["id"] == i.to_string().as_str() && a["filename"] == file.filename.as_str());
        if file.field != format!("files[{i}]") || !named {
            return Some(invalid(
                "attachments",
                "ATTACHMENT_NOT_FOUND",
                "Each file must be listed in attachments by its index.",
            ));
        }
    }
    None
}

/// Every message-bearing body says `parse: []` and names only the users its content mentions.
fn check_mentions(w: &mut World, method: &Method, path: &str, body: &Value) {
    let message = if path.contains("/callback") {
        if !matches!(body["type"].as_u64(), Some(4 | 7)) {
            return;
        }
        &body["data"]
    } else if (path.contains("/messages") && !path.ends_with("/threads"))
        || (path.starts_with("/webhooks/") && method == Method::POST)
    {
        body
    } else {
        return;
    };
    let allowed = &message["allowed_mentions"];
    if allowed["parse"] != json!([]) {
        w.problems.push(format!(
            "{method} {path}: allowed_mentions.parse is not []: {allowed}"
        ));
    }
    let users: Vec<String> = allowed["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(String::from))
        .collect();
    let content = message["content"].as_str().unwrap_or_default();
    for user in &users {
        if !content.contains(&format!("<@{user}>")) {
            w.problems.push(format!(
                "{method} {path}: allowed user {user} not deliberately mentioned"
            ));
        }
    }
}

/// The attachments of a message with files, as `serve_route` stored them (with sizes); none
/// otherwise.
fn uploaded(body: &Value) -> Value {
    body.get("attachments")
        .filter(|a| a[0]["size"].is_u64())
        .cloned()
        .unwrap_or(json!([]))
}

fn route(w: &mut World, method: &Method, path: &str, body: Value) -> Response {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ok = |v: Value| answer(StatusCode::OK, parts.first().copied().unwrap_or(""), v);
    let guild = GUILD.to_string();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["users", "@me"]) => ok(objects::bot_account()),
        ("GET", ["oauth2", "applications", "@me"]) => ok(objects::application()),
        ("GET", ["gateway"]) | ("GET", ["gateway", "bot"]) => ok(
            json!({ "url": w.gateway_url, "shards": 1, "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } }),
        ),
        ("GET", ["guilds", g]) if *g == guild && w.bot_in_guild => ok(objects::guild(vec![
            objects::role(&guild, "@everyone", 0, 0),
            objects::role(&BOT_ROLE.to_string(), "Tandem", w.bot_permissions, 1),
        ])),
        ("GET", ["guilds", _]) => error(404, 10004, "Unknown Guild"),
        ("GET", ["guilds", _, "members", id]) if *id == BOT.to_string() => ok(objects::member(
            id,
            "Tandem",
            vec![BOT_ROLE.to_string()],
            true,
        )),
        ("GET", ["guilds", _, "members", id]) => match super::payloads::name_of(id) {
            Some(name) => {
                let roles = w.member_roles.get(*id).cloned();
                let roles = roles.unwrap_or_else(|| super::payloads::roles_of(id));
                ok(objects::member(id, name, roles, false))
            }
            None => error(404, 10007, "Unknown Member"),
        },
        ("GET", ["guilds", _, "channels"]) => ok(Value::Array(w.channels.clone())),
        ("GET", ["guilds", _, "threads", "active"]) => {
            ok(json!({ "threads": w.threads.clone(), "members": [], "has_more": false }))
        }
        ("POST", ["guilds", _, "channels"]) => {
            let id = w.id();
            let channel = objects::guild_channel(&id, w.channels.len(), &body);
            w.channels.push(channel.clone());
            answer(StatusCode::CREATED, "channels", channel)
        }
        ("POST", ["channels", parent, "threads"]) => {
            let id = w.id();
            let private = body["type"].as_u64().unwrap_or(12) == 12;
            let thread = objects::thread(
                &id,
                parent,
                &body["name"],
                private,
                &body["auto_archive_duration"],
            );
            w.threads.push(thread.clone());
            answer(StatusCode::CREATED, "threads", thread)
        }
        ("GET", ["channels", id]) => match w.channel_mut(id) {
            Some(channel) => ok(channel.clone()),
            None => error(404, 10003, "Unknown Channel"),
        },
        ("PATCH", ["channels", id]) => {
            // Threads take a name but have no topic.
            let thread = w.threads.iter().any(|t| t["id"] == *id);
            if thread && body.get("topic").is_some() {
                return error(400, 50035, "Invalid Form Body");
            }
            let Some(channel) = w.channel_mut(id) else {
                return error(404, 10003, "Unknown Channel");
            };
            for field in ["name", "topic"] {
                if let Some(value) = body.get(field) {
                    channel[field] = value.clone();
                }
            }
            ok(channel.clone())
        }
        ("PUT", ["channels", thread, "thread-members", user]) => {
            let members = w.thread_members.entry(thread.to_string()).or_default();
            if !members.iter().any(|m| m == user) {
                members.push(user.to_string());
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", ["channels", thread, "thread-members", user]) => {
            let member = w
                .thread_members
                .get(*thread)
                .is_some_and(|m| m.iter().any(|m| m == user));
            if member {
                ok(
                    json!({ "id": thread, "user_id": user, "join_timestamp": objects::WHEN, "flags": 0 }),
                )
            } else {
                error(404, 10007, "Unknown Member")
            }
        }
        ("DELETE", ["channels", thread, "thread-members", user]) => {
            if let Some(members) = w.thread_members.get_mut(*thread) {
                members.retain(|m| m != user);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("DELETE", ["channels", id, "permissions", overwrite]) => {
            let Some(channel) = w.channels.iter_mut().find(|c| c["id"] == *id) else {
                return error(404, 10003, "Unknown Channel");
            };
            let Some(list) = channel["permission_overwrites"].as_array_mut() else {
                return error(404, 10009, "Unknown Overwrite");
            };
            let before = list.len();
            list.retain(|o| o["id"] != *overwrite);
            if list.len() == before {
                return error(404, 10009, "Unknown Overwrite");
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", ["channels", channel, "messages", id, "threads"]) => {
            if !w
                .messages
                .get(*id)
                .is_some_and(|m| m["channel_id"] == *channel)
            {
                return error(404, 10008, "Unknown Message");
            }
            if w.threads.iter().any(|t| t["id"] == *id) {
                return error(
                    400,
                    160004,
                    "A thread has already been created for this message",
                );
            }
            // A thread started from a message takes the message's id.
            let thread = objects::thread(
                id,
                channel,
                &body["name"],
                false,
                &body["auto_archive_duration"],
            );
            w.threads.push(thread.clone());
            answer(StatusCode::CREATED, "threads", thread)
        }
        ("POST", ["channels", channel, "messages"]) => {
            let nonce_key = format!("{channel}:{}", body["nonce"]);
            if body["enforce_nonce"] == true
                && let Some(existing) = w.nonces.get(&nonce_key)
            {
                return ok(existing.clone());
            }
            let id = w.id();
            let m = objects::message(&id, channel, &body, uploaded(&body));
            // Kept as a client would show it; edits replace what they send.
            w.messages.insert(id.clone(), m.clone());
            w.nonces.insert(nonce_key, m.clone());
            ok(m)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            let Some(kept) = w
                .messages
                .get_mut(*id)
                .filter(|m| m["channel_id"] == *channel)
            else {
                w.problems
                    .push(format!("edit of a message that is not there: {path}"));
                return error(404, 10008, "Unknown Message");
            };
            let edited = objects::message(id, channel, &body, json!([]));
            for key in ["content", "embeds", "components"] {
                if body.get(key).is_some() {
                    kept[key] = edited[key].clone();
                }
            }
            kept["edited_timestamp"] = json!(objects::WHEN);
            // Discord answers an edit with the whole message as it now stands.
            ok(kept.clone())
        }
        ("POST", ["users", "@me", "channels"]) => {
            let id = w.id();
            let recipient = body["recipient_id"].as_str().unwrap_or_default();
            let name = super::payloads::name_of(recipient).unwrap_or("someone");
            ok(objects::dm_channel(&id, recipient, name))
        }
        ("GET", ["applications", _, "guilds", _, "commands"]) => {
            ok(Value::Array(w.commands.clone()))
        }
        ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let requested = body.as_array().cloned().unwrap_or_default();
            if let Some(refusal) = commands_too_large(w, &requested) {
                return refusal;
            }
            let stored: Vec<Value> = requested
                .iter()
                .map(|c| {
                    let id = w.id();
                    objects::command(&id, c)
                })
                .collect();
            w.commands = stored.clone();
            ok(Value::Array(stored))
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            w.answered.insert(token.to_string());
            StatusCode::NO_CONTENT.into_response()
        }
        // Follow-ups before the interaction's first answer reached Discord are refused.
        ("PATCH" | "POST", ["webhooks", _, token, ..]) if !w.answered.contains(*token) => {
            if let Some(call) = w.calls.last_mut() {
                call.too_early = true;
            }
            error(404, 10015, "Unknown Webhook")
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => {
            let id = w.id();
            ok(objects::message(
                &id,
                super::payloads::CHANNEL,
                &body,
                uploaded(&body),
            ))
        }
        ("POST", ["webhooks", _, _]) => {
            let id = w.id();
            ok(objects::message(
                &id,
                super::payloads::CHANNEL,
                &body,
                uploaded(&body),
            ))
        }
        _ => {
            w.problems.push(format!(
                "unexpected call: the fake does not serve {method} {path}"
            ));
            error(404, 0, "404: Not Found")
        }
    }
}
