//! The one outbound layer for Slack (ARCHITECTURE decision 5): every Web API call goes through
//! [`Outbound::call`], which paces it to its method's tier, honours 429 `Retry-After`, backs off
//! on 5xx and timeouts, and sorts Slack's `ok: false` errors into permanent and transient. A call
//! that posts something people see is never repeated blindly: after a timeout or a 5xx Slack may
//! have posted it, so only a rate limit (Slack did nothing) is tried again in place.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use hashlink::LruCache;
use secrecy::{ExposeSecret, SecretString};
use slack_morphism::errors::*;
use slack_morphism::prelude::*;

use crate::chat::ChatError;

/// The connector: https for Slack, plain http for a local fake or proxy at `SLACK_API_URL`.
pub type Connector = SlackClientHyperConnector<SlackHyperHttpsConnector>;
pub type Client = SlackClient<Connector>;

/// Retry-After waits up to this long are taken in place; longer ones go back to the caller.
const LONGEST_WAIT_IN_PLACE: Duration = Duration::from_secs(30);
/// The longest wait a `Retry-After` header is taken to ask for: an hour.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Tries per call for rate limits and transient failures.
const ATTEMPTS: u32 = 3;
/// First back-off after a 5xx or a timeout; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Errors Slack documents as temporary; every other `ok: false` error will recur.
const TRANSIENT_ERRORS: &[&str] = &[
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "request_timeout",
    "service_unavailable",
    "team_added_to_org",
];

/// Methods whose repeat could show people the same thing twice.
fn posts_something(method: &str) -> bool {
    matches!(
        method,
        "chat.postMessage" | "chat.postEphemeral" | "files.completeUploadExternal"
    )
}

/// Whether `err` leaves open that Slack did what was asked: a timeout, a 5xx, a dropped
/// connection or an internal error, as opposed to a refusal or a rate limit.
pub fn outcome_unknown(err: &ChatError) -> bool {
    match err {
        ChatError::Permanent { .. } => false,
        ChatError::Transient { retry_after, .. } => {
            retry_after.is_none() && !matches!(code(err), Some("ratelimited" | "rate_limited"))
        }
    }
}

/// A Slack Web API client on an https-or-http connector pointed at `api_url`.
pub fn client(api_url: &str) -> anyhow::Result<Client> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let connector = SlackClientHyperConnector::with_connector(https)
        .with_slack_api_url(api_url.trim_end_matches('/'));
    Ok(SlackClient::new(connector))
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

/// Slack's published tiers for the methods Tandem calls.
struct Pacing {
    /// conversations.create, conversations.list, conversations.setPurpose: Tier 2 (20+/min).
    tier2: DefaultDirectRateLimiter,
    /// conversations.invite, conversations.kick, conversations.open, conversations.history:
    /// Tier 3 (50+/min).
    tier3: DefaultDirectRateLimiter,
    /// users.info, views.open, files.getUploadURLExternal, files.completeUploadExternal and the
    /// upload itself: Tier 4 (100+/min).
    tier4: DefaultDirectRateLimiter,
    /// chat.postMessage / chat.update: about one per second per channel, short bursts allowed.
    /// Past [`CHANNELS_PACED`] channels the least recently used one's pace is forgotten.
    per_channel: Mutex<LruCache<String, Arc<DefaultDirectRateLimiter>>>,
}

/// Channels whose pace is remembered at once: far more than post at once, so forgetting the
/// least recently used one never lets a burst through in practice.
const CHANNELS_PACED: usize = 4096;

/// About one message per second per channel, bursts of three.
fn channel_quota() -> Quota {
    let burst = NonZeroU32::new(3).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(NonZeroU32::MIN).allow_burst(burst)
}

impl Pacing {
    fn new() -> Self {
        Pacing {
            tier2: RateLimiter::direct(per_minute(20)),
            tier3: RateLimiter::direct(per_minute(50)),
            tier4: RateLimiter::direct(per_minute(100)),
            per_channel: Mutex::new(LruCache::new(CHANNELS_PACED)),
        }
    }

    /// The channel's pacer, made if new.
    fn channel(&self, channel: &str) -> Arc<DefaultDirectRateLimiter> {
        let mut paced = self
            .per_channel
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(limiter) = paced.get(channel) {
            return limiter.clone();
        }
        let limiter = Arc::new(RateLimiter::direct(channel_quota()));
        paced.insert(channel.to_string(), limiter.clone());
        limiter
    }

    async fn wait(&self, method: &str, channel: Option<&str>) {
        match (method, channel) {
            ("conversations.create" | "conversations.list" | "conversations.setPurpose", _) => {
                self.tier2.until_ready().await
            }
            (
                "conversations.invite"
                | "conversations.kick"
                | "conversations.open"
                | "conversations.history",
                _,
            ) => self.tier3.until_ready().await,
            (
                "users.info"
                | "views.open"
                | "files.getUploadURLExternal"
                | "files.upload_url"
                | "files.completeUploadExternal",
                _,
            ) => self.tier4.until_ready().await,
            (_, Some(channel)) => self.channel(channel).until_ready().await,
            _ => {}
        }
    }
}

/// The bot's client and token, and the pacing every call shares.
#[derive(Clone)]
pub struct Outbound {
    client: Arc<Client>,
    token: Arc<SlackApiToken>,
    pacing: Arc<Pacing>,
    /// One call may not hang a delivery worker forever (`TANDEM_PLATFORM_TIMEOUT_SECS`).
    timeout: Duration,
}

impl Outbound {
    pub fn new(client: Arc<Client>, bot_token: &SecretString) -> Self {
        let value = SlackApiTokenValue::new(bot_token.expose_secret().to_string());
        Outbound {
            client,
            token: Arc::new(SlackApiToken::new(value)),
            pacing: Arc::new(Pacing::new()),
            timeout: crate::adapters::CALL_TIMEOUT,
        }
    }

    /// With another limit on how long one call may take.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn session(&self) -> SlackClientSession<'_, Connector> {
        self.client.open_session(&self.token)
    }

    /// Runs one Web API call (`attempt` makes the request afresh each try) with pacing, retries
    /// and error sorting. `channel` keys the per-channel pace of message calls.
    pub async fn call<T, F, Fut>(
        &self,
        method: &'static str,
        channel: Option<&str>,
        attempt: F,
    ) -> Result<T, ChatError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ClientResult<T>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut tries = 0;
        loop {
            tries += 1;
            self.pacing.wait(method, channel).await;
            let result = match tokio::time::timeout(self.timeout, attempt()).await {
                Ok(result) => result.map_err(|err| sort(method, err)),
                Err(_) => Err(ChatError::transient(format!("{method}: timed out"), None)),
            };
            metrics::counter!("tandem_slack_calls_total", "method" => method,
                "result" => match &result { Ok(_) => "ok", Err(e) if e.is_permanent() => "permanent", Err(_) => "transient" })
            .increment(1);
            let err = match result {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            let wait = match &err {
                ChatError::Transient {
                    retry_after: Some(after),
                    ..
                } => *after,
                _ if posts_something(method) && outcome_unknown(&err) => return Err(err),
                ChatError::Transient { .. } => backoff,
                ChatError::Permanent { .. } => return Err(err),
            };
            if tries >= ATTEMPTS || wait > LONGEST_WAIT_IN_PLACE {
                return Err(err);
            }
            tracing::debug!(method, ?wait, "Slack asked us to wait; trying again");
            tokio::time::sleep(wait).await;
            backoff *= 2;
        }
    }
}

/// Permanent or transient, with a reason that names the method and Slack's code and nothing
/// else (response bodies can echo what we sent).
pub fn sort(method: &str, err: SlackClientError) -> ChatError {
    match err {
        SlackClientError::ApiError(api) if TRANSIENT_ERRORS.contains(&api.code.as_str()) => {
            ChatError::transient(format!("{method}: {}", api.code), None)
        }
        SlackClientError::ApiError(api) => ChatError::permanent(format!("{method}: {}", api.code)),
        SlackClientError::RateLimitError(limit) => ChatError::transient(
            format!("{method}: rate limited"),
            // Bounded: a huge Retry-After must not overflow the scheduler's arithmetic.
            Some(
                limit
                    .retry_after
                    .unwrap_or(Duration::from_secs(1))
                    .min(LONGEST_RETRY_AFTER),
            ),
        ),
        SlackClientError::HttpError(http) if http.status_code.is_server_error() => {
            ChatError::transient(format!("{method}: HTTP {}", http.status_code), None)
        }
        SlackClientError::HttpError(http) => {
            ChatError::permanent(format!("{method}: HTTP {}", http.status_code))
        }
        SlackClientError::ProtocolError(_) => {
            ChatError::permanent(format!("{method}: unexpected response"))
        }
        _ => ChatError::transient(format!("{method}: connection failed"), None),
    }
}

/// The Slack error code inside a sorted error, for callers that treat one code specially.
pub fn code(err: &ChatError) -> Option<&str> {
    let reason = match err {
        ChatError::Permanent { reason } | ChatError::Transient { reason, .. } => reason,
    };
    reason.split_once(": ").map(|(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn paced_channels_are_capped() {
        let pacing = Pacing::new();
        for i in 0..CHANNELS_PACED + 100 {
            pacing
                .wait("chat.postMessage", Some(&format!("C{i}")))
                .await;
        }
        let paced = pacing.per_channel.lock().unwrap();
        assert_eq!(paced.len(), CHANNELS_PACED);
        assert!(paced.peek(&format!("C{}", CHANNELS_PACED + 99)).is_some());
        assert!(
            paced.peek("C0").is_none(),
            "the least recently used is forgotten"
        );
    }

    #[test]
    fn slack_errors_are_sorted() {
        let api = |code: &str| SlackClientError::ApiError(SlackClientApiError::new(code.into()));
        for code in [
            "channel_not_found",
            "is_archived",
            "not_in_channel",
            "user_not_found",
            "account_inactive",
            "invalid_auth",
            "token_revoked",
            "missing_scope",
        ] {
            assert!(sort("m", api(code)).is_permanent(), "{code}");
        }
        for code in [
            "ratelimited",
            "internal_error",
            "fatal_error",
            "request_timeout",
            "service_unavailable",
        ] {
            assert!(!sort("m", api(code)).is_permanent(), "{code}");
        }
        let limited = SlackClientError::RateLimitError(
            SlackRateLimitError::new().with_retry_after(Duration::from_secs(7)),
        );
        assert_eq!(
            sort("chat.postMessage", limited),
            ChatError::transient(
                "chat.postMessage: rate limited",
                Some(Duration::from_secs(7))
            )
        );
        assert_eq!(code(&sort("m", api("name_taken"))), Some("name_taken"));
        // What may have been done despite the error, and what surely was not.
        for unknown in ["internal_error", "fatal_error", "request_timeout"] {
            assert!(outcome_unknown(&sort("m", api(unknown))), "{unknown}");
        }
        assert!(outcome_unknown(&ChatError::transient("m: timed out", None)));
        assert!(!outcome_unknown(&sort("m", api("ratelimited"))));
        assert!(!outcome_unknown(&sort("m", api("channel_not_found"))));
        assert!(!outcome_unknown(&ChatError::transient(
            "m: rate limited",
            Some(Duration::from_secs(1))
        )));
        // A Retry-After no one means is held to an hour.
        let absurd = SlackClientError::RateLimitError(
            SlackRateLimitError::new().with_retry_after(Duration::from_secs(u64::MAX)),
        );
        assert_eq!(
            sort("m", absurd),
            ChatError::transient("m: rate limited", Some(LONGEST_RETRY_AFTER))
        );
    }
}
