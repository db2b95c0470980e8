//! Every Discord REST call goes through here (ARCHITECTURE decision 5): one pacer for the global
//! limit, per-route buckets read from `X-RateLimit-*`, 429 `retry_after` honoured (route and
//! global), 5xx retried only where a repeat is harmless, and a cap on failed requests far below
//! Discord's temporary ban. Nothing here knows what a call is for.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use crate::adapters::json;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hashlink::LruCache;
use reqwest::header::{AUTHORIZATION, HeaderMap, USER_AGENT};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

/// Discord's documented REST base.
pub const DISCORD_BASE: &str = "https://discord.com";
/// Discord allows 50 requests a second per bot; we aim a little under it so jitter never tips a
/// window over.
const GLOBAL_PER_SECOND: f64 = 50.0 * 0.96;
/// Discord bans for 10,000 failed (401/403/429) requests in 10 minutes; we stop at a tenth.
const INVALID_BUDGET: usize = 1_000;
const INVALID_WINDOW: Duration = Duration::from_secs(600);
/// The longest 429 wait we sit through inside a call; longer ones go back to the caller.
const LONGEST_WAIT: Duration = Duration::from_secs(30);
const ATTEMPTS: usize = 4;
/// Discord's JSON error code for a webhook (or interaction token) it does not know.
const UNKNOWN_WEBHOOK: u64 = 10015;
/// Routes and buckets remembered at most: each interaction's webhook token and each channel
/// makes a new one, so the least recently used are forgotten (at worst, one extra 429).
const BUCKETS_KEPT: usize = 4096;

/// Why a call failed. `status` and `code` are Discord's; the token is never in here.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum RestError {
    #[error("Discord answered {status} (code {code:?}): {message}")]
    Refused {
        status: u16,
        code: Option<u64>,
        message: String,
    },
    #[error("Discord is rate limiting us for {0:?}")]
    RateLimited(Duration),
    #[error("Discord could not be reached: {0}")]
    Unreachable(String),
    #[error("too many failed Discord requests lately; holding back to avoid a ban")]
    HoldingBack,
}

impl RestError {
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Chat port's view: worth retrying later, or not.
    pub fn into_chat(self) -> crate::chat::ChatError {
        use crate::chat::ChatError;
        match &self {
            RestError::Refused { status, .. } if *status >= 500 => {
                ChatError::transient(self.to_string(), None)
            }
            RestError::Refused { .. } => ChatError::permanent(self.to_string()),
            RestError::RateLimited(wait) => ChatError::transient(self.to_string(), Some(*wait)),
            RestError::Unreachable(_) => ChatError::transient(self.to_string(), None),
            RestError::HoldingBack => {
                ChatError::transient(self.to_string(), Some(Duration::from_secs(60)))
            }
        }
    }
}

/// One request. `repeatable` says a retry after a 5xx or timeout cannot do the thing twice
/// (reads, edits, messages carrying a nonce). With `files`, the body goes as multipart form
/// data: the JSON as `payload_json`, each file as `files[n]`.
pub struct Call<'a> {
    pub method: Method,
    pub path: String,
    pub body: Option<&'a Value>,
    pub files: &'a [crate::chat::Attachment],
    pub repeatable: bool,
}

impl<'a> Call<'a> {
    pub fn get(path: impl Into<String>) -> Self {
        Call {
            method: Method::GET,
            path: path.into(),
            body: None,
            files: &[],
            repeatable: true,
        }
    }

    pub fn send(method: Method, path: impl Into<String>, body: &'a Value) -> Self {
        Call {
            method,
            path: path.into(),
            body: Some(body),
            files: &[],
            repeatable: false,
        }
    }

    /// A message with files: `body` must list them in `attachments` as `{id: n, filename}`.
    pub fn with_files(mut self, files: &'a [crate::chat::Attachment]) -> Self {
        self.files = files;
        self
    }

    /// A bodiless write that is safe to repeat (PUT a thread member, DELETE).
    pub fn empty(method: Method, path: impl Into<String>) -> Self {
        Call {
            method,
            path: path.into(),
            body: None,
            files: &[],
            repeatable: true,
        }
    }

    pub fn repeatable(mut self) -> Self {
        self.repeatable = true;
        self
    }
}

#[derive(Debug, Default)]
struct Bucket {
    remaining: Option<u64>,
    reset_at: Option<Instant>,
}

enum Turn {
    /// The route's bucket is spent until then.
    Bucket(Duration),
    /// Go after this pacer delay.
    Go(Duration),
}

#[derive(Debug)]
struct Limits {
    /// When the next request may leave (global pacing, pushed back by a global 429).
    next_slot: Instant,
    /// Route key → Discord's bucket hash, learned from `X-RateLimit-Bucket`.
    bucket_of: LruCache<String, String>,
    buckets: LruCache<String, Bucket>,
    invalid: VecDeque<Instant>,
    /// When the paced requests of the last second left.
    sent: VecDeque<Instant>,
}

impl Limits {
    /// A bucket is Discord's hash plus the route's major parameter; until Discord names the hash,
    /// the route itself.
    fn key(&self, route: &str) -> String {
        match self.bucket_of.peek(route) {
            Some(hash) => format!("{hash} {}", major_of(route)),
            None => route.to_string(),
        }
    }

    /// The route's bucket, made if new (forgetting the least recently used past the cap).
    fn bucket(&mut self, route: &str) -> &mut Bucket {
        let key = self.key(route);
        if self.buckets.get(&key).is_none() {
            self.buckets.insert(key.clone(), Bucket::default());
        }
        self.buckets.entry(key).or_insert_with(Bucket::default)
    }
}

/// `/channels/123` of `POST /channels/123/messages`: the part of a route that splits buckets.
fn major_of(route: &str) -> &str {
    let path = route.split_once(' ').map_or(route, |(_, p)| p);
    let mut slashes = path.match_indices('/').map(|(i, _)| i);
    match (
        slashes.nth(2),
        path.starts_with("/channels/")
            || path.starts_with("/guilds/")
            || path.starts_with("/webhooks/"),
    ) {
        (Some(end), true) => &path[..end],
        (None, true) => path,
        _ => "",
    }
}

/// The REST client with its pacing state. Share one per process.
pub struct Rest {
    client: reqwest::Client,
    base: String,
    token: SecretString,
    interval: Duration,
    /// At most this many paced requests leave in any one second, however late timers fire.
    window_max: usize,
    limits: Mutex<Limits>,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish()
    }
}

impl Rest {
    /// `base` is `https://discord.com` or `DISCORD_API_URL`; calls go to `{base}/api/v10{path}`.
    pub fn new(base: Option<&str>, token: SecretString) -> anyhow::Result<Rest> {
        Self::with_rate(base, token, GLOBAL_PER_SECOND)
    }

    /// With another limit on how long one call may take (`TANDEM_PLATFORM_TIMEOUT_SECS`).
    pub fn with_timeout(mut self, timeout: Duration) -> anyhow::Result<Rest> {
        self.client = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(self)
    }

    /// With another global rate (requests per second), for a proxy that grants a different one.
    pub fn with_rate(
        base: Option<&str>,
        token: SecretString,
        per_second: f64,
    ) -> anyhow::Result<Rest> {
        let client = reqwest::Client::builder()
            .timeout(crate::adapters::CALL_TIMEOUT)
            .build()?;
        Ok(Rest {
            client,
            base: base
                .unwrap_or(DISCORD_BASE)
                .trim_end_matches('/')
                .to_string(),
            token,
            interval: Duration::from_secs_f64(1.0 / per_second),
            window_max: (per_second.floor() as usize).saturating_sub(2).max(1),
            limits: Mutex::new(Limits {
                next_slot: Instant::now(),
                bucket_of: LruCache::new(BUCKETS_KEPT),
                buckets: LruCache::new(BUCKETS_KEPT),
                invalid: VecDeque::new(),
                sent: VecDeque::new(),
            }),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a call and decodes the answer (`()` for a 204).
    pub async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, RestError> {
        let bytes = self.raw(&call).await?;
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(bytes).map_err(|e| {
            RestError::Unreachable(format!(
                "unexpected answer to {} {}: {e}",
                call.method,
                route_key(&call.method, &call.path)
            ))
        })
    }

    async fn raw(&self, call: &Call<'_>) -> Result<Vec<u8>, RestError> {
        let route = route_key(&call.method, &call.path);
        let mut backoff = Duration::from_millis(250);
        let mut last = RestError::Unreachable("no attempt".into());
        for _ in 0..ATTEMPTS {
            self.wait_turn(&route).await?;
            let mut request = self
                .client
                .request(
                    call.method.clone(),
                    format!("{}/api/v10{}", self.base, call.path),
                )
                .header(AUTHORIZATION, format!("Bot {}", self.token.expose_secret()))
                .header(
                    USER_AGENT,
                    concat!("DiscordBot (tandem, ", env!("CARGO_PKG_VERSION"), ")"),
                );
            match (call.body, call.files) {
                (Some(body), []) => request = request.json(body),
                (body, files) if !files.is_empty() => {
                    request = request.multipart(form(body, files)?)
                }
                _ => {}
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(err) => {
                    last = RestError::Unreachable(without_url(err));
                    if !call.repeatable {
                        return Err(last);
                    }
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    continue;
                }
            };
            let status = response.status();
            self.learn(&route, response.headers());
            let shared = response
                .headers()
                .get("x-ratelimit-scope")
                .is_some_and(|v| v.as_bytes() == b"shared");
            let body = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            if status.is_success() {
                return Ok(body);
            }
            if matches!(status.as_u16(), 401 | 403 | 429) {
                self.count_invalid(shared);
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = self.rate_limited(&route, &body);
                last = RestError::RateLimited(wait);
                if wait > LONGEST_WAIT {
                    return Err(last);
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            last = refused(status, &body);
            // Over HTTP interactions our first answer is still on its way to Discord when a
            // follow-up may already be sent: Discord does not know the webhook yet. Nothing was
            // made, so trying again is safe.
            let too_early = status == StatusCode::NOT_FOUND
                && call.path.starts_with("/webhooks/")
                && matches!(
                    last,
                    RestError::Refused {
                        code: Some(UNKNOWN_WEBHOOK),
                        ..
                    }
                );
            if (status.is_server_error() && call.repeatable) || too_early {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                continue;
            }
            return Err(last);
        }
        Err(last)
    }

    /// Waits for the global pacer (interaction callbacks are exempt, as on Discord) and for the
    /// route's bucket.
    async fn wait_turn(&self, route: &str) -> Result<(), RestError> {
        loop {
            let turn = {
                let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                while limits
                    .invalid
                    .front()
                    .is_some_and(|t| now - *t > INVALID_WINDOW)
                {
                    limits.invalid.pop_front();
                }
                if limits.invalid.len() >= INVALID_BUDGET {
                    return Err(RestError::HoldingBack);
                }
                let bucket = limits.bucket(route);
                match (bucket.remaining, bucket.reset_at) {
                    (Some(0), Some(reset)) if reset > now => Turn::Bucket(reset - now),
                    (remaining, reset) => {
                        if reset.is_some_and(|r| r <= now) {
                            bucket.remaining = None;
                            bucket.reset_at = None;
                        } else if let Some(n) = remaining {
                            // Count the request now so concurrent callers don't all take the last slot.
                            bucket.remaining = Some(n.saturating_sub(1));
                        }
                        if route.contains("/interactions/") {
                            Turn::Go(Duration::ZERO)
                        } else {
                            let slot = limits.next_slot.max(now);
                            limits.next_slot = slot + self.interval;
                            Turn::Go(slot - now)
                        }
                    }
                }
            };
            match turn {
                // The bucket is spent: wait for its reset, then queue for the pacer again.
                Turn::Bucket(wait) => tokio::time::sleep(wait).await,
                Turn::Go(wait) if route.contains("/interactions/") && wait.is_zero() => {
                    return Ok(());
                }
                Turn::Go(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    self.take_window().await;
                    return Ok(());
                }
            }
        }
    }

    /// A late wake-up (a busy machine) can bunch paced requests together, so the requests that
    /// actually left in the last second are counted too.
    async fn take_window(&self) {
        loop {
            let wait = {
                let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                while limits
                    .sent
                    .front()
                    .is_some_and(|t| now - *t >= Duration::from_secs(1))
                {
                    limits.sent.pop_front();
                }
                if limits.sent.len() < self.window_max {
                    limits.sent.push_back(now);
                    return;
                }
                limits.sent.front().map_or(Duration::ZERO, |first| {
                    (*first + Duration::from_secs(1)).saturating_duration_since(now)
                })
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Reads `X-RateLimit-*` into the route's bucket.
    fn learn(&self, route: &str, headers: &HeaderMap) {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let remaining = header("x-ratelimit-remaining").and_then(|v| v.parse::<u64>().ok());
        let reset_after = header("x-ratelimit-reset-after").and_then(|v| v.parse::<f64>().ok());
        let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hash) = header("x-ratelimit-bucket") {
            limits.bucket_of.insert(route.to_string(), hash);
        }
        let bucket = limits.bucket(route);
        if let Some(n) = remaining {
            bucket.remaining = Some(n);
        }
        if let Some(secs) = reset_after.and_then(bounded_secs) {
            bucket.reset_at = Some(Instant::now() + Duration::from_secs_f64(secs));
        }
    }

    /// A 429: pause the route, or everything when Discord says the limit is global.
    fn rate_limited(&self, route: &str, body: &[u8]) -> Duration {
        let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let secs = json::at(&parsed, "/retry_after")
            .as_f64()
            .and_then(bounded_secs)
            .unwrap_or(1.0);
        let wait = Duration::from_secs_f64(secs);
        let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
        if json::at(&parsed, "/global").as_bool() == Some(true) {
            limits.next_slot = limits.next_slot.max(Instant::now() + wait);
            tracing::warn!(wait = ?wait, "Discord global rate limit hit");
        } else {
            let bucket = limits.bucket(route);
            bucket.remaining = Some(0);
            bucket.reset_at = Some(Instant::now() + wait);
            tracing::debug!(route, wait = ?wait, "Discord route rate limit hit");
        }
        wait
    }

    fn count_invalid(&self, shared: bool) {
        // Discord does not count 429s on shared buckets towards the ban.
        if !shared {
            let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
            limits.invalid.push_back(Instant::now());
        }
    }
}

/// The multipart body Discord takes for messages with files. Built afresh for each try: a form
/// is consumed by sending it.
fn form(
    body: Option<&Value>,
    files: &[crate::chat::Attachment],
) -> Result<reqwest::multipart::Form, RestError> {
    use reqwest::multipart::{Form, Part};
    let mut form = Form::new().text(
        "payload_json",
        body.map(Value::to_string).unwrap_or_else(|| "{}".into()),
    );
    for (i, file) in files.iter().enumerate() {
        let part = Part::bytes(file.bytes.clone())
            .file_name(file.name.clone())
            .mime_str(file.media_type)
            .map_err(|e| RestError::Unreachable(format!("a file's media type: {e}")))?;
        form = form.part(format!("files[{i}]"), part);
    }
    Ok(form)
}

fn refused(status: StatusCode, body: &[u8]) -> RestError {
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    RestError::Refused {
        status: status.as_u16(),
        code: json::at(&parsed, "/code").as_u64(),
        message: json::at(&parsed, "/message")
            .as_str()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect(),
    }
}

/// reqwest errors name the URL, which for webhooks carries an interaction token: keep it out.
fn without_url(err: reqwest::Error) -> String {
    err.without_url().to_string()
}

/// The rate-limit route of a call: the method, the path with its major parameter (channel,
/// guild, webhook and its token) kept and every other id folded, as Discord buckets them.
pub fn route_key(method: &Method, path: &str) -> String {
    let mut out = String::new();
    let mut previous = "";
    for (i, part) in path.split('/').filter(|p| !p.is_empty()).enumerate() {
        let major = matches!(previous, "channels" | "guilds" | "webhooks") && i == 1;
        let webhook_token = previous.chars().all(|c| c.is_ascii_digit())
            && !previous.is_empty()
            && path.starts_with("/webhooks/")
            && i == 2;
        let id_like = part.chars().all(|c| c.is_ascii_digit()) || part.len() > 40;
        out.push('/');
        if id_like && !major && !webhook_token {
            out.push_str(":id");
        } else if webhook_token || part.len() > 40 {
            // Tokens are secrets of a kind: bucket by them, but never log them.
            out.push_str(&format!("#{:x}", fxhash(part)));
        } else {
            out.push_str(part);
        }
        previous = part;
    }
    format!("{method} {out}")
}

fn fxhash(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// A wait Discord asked for, in seconds, if it is one we can use: finite, not negative, and at
/// most [`LONGEST_WAIT_SECS`] (a larger one is taken as that), so nothing a header or body says
/// can panic `Duration::from_secs_f64` or overflow an `Instant`.
fn bounded_secs(secs: f64) -> Option<f64> {
    (secs.is_finite() && secs >= 0.0).then_some(secs.min(LONGEST_WAIT_SECS))
}

/// The longest wait read from a rate-limit header or body: an hour.
const LONGEST_WAIT_SECS: f64 = 3600.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_keep_major_parameters_only() {
        assert_eq!(
            route_key(&Method::POST, "/channels/123/messages"),
            "POST /channels/123/messages"
        );
        assert_eq!(
            route_key(&Method::PATCH, "/channels/123/messages/456"),
            "PATCH /channels/123/messages/:id"
        );
        assert_eq!(
            major_of("PATCH /channels/123/messages/:id"),
            "/channels/123"
        );
        assert_eq!(major_of("GET /users/@me"), "");
        let token = "a".repeat(70);
        let key = route_key(&Method::POST, &format!("/interactions/99/{token}/callback"));
        assert!(
            !key.contains(&token) && key.starts_with("POST /interactions/:id/"),
            "{key}"
        );
        let key = route_key(
            &Method::PATCH,
            &format!("/webhooks/7/{token}/messages/@original"),
        );
        assert!(
            !key.contains(&token) && key.starts_with("PATCH /webhooks/7/#"),
            "{key}"
        );
    }

    /// Every interaction's webhook token and every channel is a route of its own: the routes and
    /// buckets remembered stay within the cap, and the newest are the ones kept.
    #[test]
    fn remembered_routes_and_buckets_are_capped() {
        let rest = Rest::new(None, SecretString::from("token")).unwrap();
        let route = |i: usize| route_key(&Method::POST, &format!("/channels/{i}/messages"));
        for i in 0..BUCKETS_KEPT + 100 {
            let mut headers = HeaderMap::new();
            headers.insert("x-ratelimit-bucket", format!("hash{i}").parse().unwrap());
            headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
            headers.insert("x-ratelimit-reset-after", "60".parse().unwrap());
            rest.learn(&route(i), &headers);
        }
        let limits = rest.limits.lock().unwrap();
        assert_eq!(limits.bucket_of.len(), BUCKETS_KEPT);
        assert_eq!(limits.buckets.len(), BUCKETS_KEPT);
        let newest = route(BUCKETS_KEPT + 99);
        assert_eq!(
            limits.buckets.peek(&limits.key(&newest)).unwrap().remaining,
            Some(0)
        );
        assert!(
            limits.bucket_of.peek(&route(0)).is_none(),
            "the oldest is forgotten"
        );
    }

    /// A huge, negative or unreadable wait in a header or a 429 body panicked
    /// `Duration::from_secs_f64` or overflowed an `Instant`; it is now bounded to an hour.
    #[test]
    fn waits_read_from_discord_are_bounded() {
        let rest = Rest::new(None, SecretString::from("token")).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset-after", "1e300".parse().unwrap());
        rest.learn("GET /users/@me", &headers);
        let global = br#"{"retry_after": 1e300, "global": true}"#;
        assert_eq!(
            rest.rate_limited("GET /users/@me", global),
            Duration::from_secs(3600)
        );
        let negative = br#"{"retry_after": -5}"#;
        assert_eq!(
            rest.rate_limited("GET /users/@me", negative),
            Duration::from_secs(1)
        );
    }
}
