//! HTTP mode: `POST /slack/commands`, `/slack/interactions` and `/slack/events`. Each request is
//! verified over its raw body before anything is decoded; a failure is a 401 that changes
//! nothing, and a replayed signature is answered without being processed again.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use secrecy::SecretString;

use super::decode::{self, Request, Route};
use super::inbound::{Ack, Inbound};
use super::verify;
use crate::domain::Platform;
use crate::store;

/// What the routes need: the signing secret and the shared inbound handling.
#[derive(Clone)]
pub struct Webhooks {
    pub inbound: Inbound,
    pub secret: SecretString,
}

/// The three routes. Without a signing secret (Slack off, or Socket Mode only) they refuse
/// everything: nothing can be verified.
pub fn routes(webhooks: Option<Webhooks>) -> Router {
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .route("/slack/events", post(events))
        .with_state(webhooks)
}

fn ack(ack: Ack) -> Response {
    match ack {
        Ack::Empty => StatusCode::OK.into_response(),
        Ack::Json(body) => Json(body).into_response(),
    }
}

/// `Ok` to go on; otherwise the response to send instead (401, a replay's empty 200, a 503).
async fn admit(
    webhooks: &Option<Webhooks>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Inbound, Response> {
    let Some(hooks) = webhooks else {
        return Err(StatusCode::UNAUTHORIZED.into_response());
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = header("x-slack-signature");
    let app = hooks.inbound.app();
    let checked = verify::verify(
        &hooks.secret,
        header("x-slack-request-timestamp"),
        signature,
        body,
        app.now(),
    );
    if let Err(why) = checked {
        tracing::info!(reason = %why, "refused a Slack request");
        metrics::counter!("tandem_slack_refused_total").increment(1);
        return Err(StatusCode::UNAUTHORIZED.into_response());
    }
    let key = format!("sig:{}", signature.unwrap_or_default());
    let now = app.now();
    let recorded = app
        .store
        .quickly(move |db| {
            Box::pin(
                async move { store::inbound::first_time(db, Platform::Slack, &key, now).await },
            )
        })
        .await;
    match recorded {
        Ok(true) => Ok(hooks.inbound.clone()),
        Ok(false) => {
            tracing::info!("a replayed Slack request: answered, not processed");
            Err(StatusCode::OK.into_response())
        }
        Err(err) => {
            tracing::error!(error = %err, "could not record a Slack request");
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
}

async fn commands(
    State(hooks): State<Option<Webhooks>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let inbound = match admit(&hooks, &headers, &body).await {
        Ok(inbound) => inbound,
        Err(response) => return response,
    };
    match decode::request(Route::Commands, &body) {
        Some(Request::Command(command)) => ack(inbound.command(command).await),
        _ => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn interactions(
    State(hooks): State<Option<Webhooks>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let inbound = match admit(&hooks, &headers, &body).await {
        Ok(inbound) => inbound,
        Err(response) => return response,
    };
    match decode::request(Route::Interactions, &body) {
        Some(Request::Interaction(payload)) => ack(inbound.interaction(payload).await),
        _ => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn events(
    State(hooks): State<Option<Webhooks>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let inbound = match admit(&hooks, &headers, &body).await {
        Ok(inbound) => inbound,
        Err(response) => return response,
    };
    match decode::request(Route::Events, &body) {
        Some(Request::Event(event)) => ack(inbound.event(event).await),
        _ => StatusCode::BAD_REQUEST.into_response(),
    }
}
