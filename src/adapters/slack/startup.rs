//! The start-up check: `auth.test` with the bot token. Done on a raw request because the scopes
//! a token holds come back only in the `x-oauth-scopes` header, which slack-morphism drops.

use anyhow::{Context, anyhow, bail};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};

use super::manifest::{BOT_SCOPES, VERIFY_SCOPES};

/// Checks the token and its scopes; returns the bot's user id, and whether posts are verified:
/// asked for, and the token holds the read scopes that needs. Without them the feature is off
/// with a warning; Tandem still starts.
pub async fn check_bot_token(
    api_url: &str,
    token: &SecretString,
    verify_posts: bool,
) -> anyhow::Result<(String, bool)> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let request = hyper::Request::post(format!("{}/auth.test", api_url.trim_end_matches('/')))
        .header("authorization", format!("Bearer {}", token.expose_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::new()))
        .context("could not build the auth.test request")?;
    let response = client
        .request(request)
        .await
        .map_err(|err| anyhow!("could not reach Slack at {api_url} (SLACK_API_URL): {err}"))?;
    let granted: Vec<String> = response
        .headers()
        .get("x-oauth-scopes")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body)
        .with_context(|| format!("auth.test answered HTTP {status} without JSON"))?;
    if body["ok"] != true {
        let code = body["error"].as_str().unwrap_or("unknown_error");
        bail!(
            "SLACK_BOT_TOKEN was refused by Slack's auth.test ({code}): use the app's Bot User \
             OAuth Token (xoxb-…) from \"OAuth & Permissions\", and reinstall the app if it was \
             revoked"
        );
    }
    let missing: Vec<&str> = BOT_SCOPES
        .iter()
        .copied()
        .filter(|s| !granted.iter().any(|g| g == s))
        .collect();
    if !missing.is_empty() {
        bail!(
            "the Slack bot token lacks the scope(s) {}: add them under \"OAuth & Permissions\" \
             (or recreate the app from `tandem slack manifest`) and reinstall the app",
            missing.join(", ")
        );
    }
    let lacking: Vec<&str> = VERIFY_SCOPES
        .iter()
        .copied()
        .filter(|s| !granted.iter().any(|g| g == s))
        .collect();
    let verify_posts = if verify_posts && !lacking.is_empty() {
        tracing::warn!(
            missing = %lacking.join(", "),
            "TANDEM_SLACK_VERIFY_POSTS is on but the Slack bot token lacks the read scopes it \
             needs: posts are not verified. Add the scopes (`tandem slack manifest` with \
             TANDEM_SLACK_VERIFY_POSTS=on lists them) and reinstall the app"
        );
        false
    } else {
        verify_posts
    };
    let user_id = body["user_id"].as_str().unwrap_or_default().to_string();
    tracing::info!(team = %body["team"], bot = %user_id, verify_posts, "Slack token checked");
    Ok((user_id, verify_posts))
}
