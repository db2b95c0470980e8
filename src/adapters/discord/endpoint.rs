//! `POST /discord/interactions`: Discord's HTTP interactions. Verifies the signature and the
//! timestamp window before anything else (a failure is a 401 that changes nothing), answers
//! PING with PONG, and hands every other interaction to the shared interaction code.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http_body::{Frame, SizeHint};
use http_body_util::Full;
use serenity::model::application::Interaction;

use super::interactions::{Ack, Interactions};
use super::verify::Verifier;

#[derive(Clone)]
struct Endpoint {
    interactions: Arc<Interactions>,
    verifier: Arc<Verifier>,
}

/// The route, verified with `public_key` (DISCORD_PUBLIC_KEY).
pub fn routes(interactions: Arc<Interactions>, public_key: &str) -> anyhow::Result<Router> {
    let verifier = Arc::new(Verifier::new(public_key)?);
    Ok(Router::new()
        .route("/discord/interactions", post(receive))
        .with_state(Endpoint {
            interactions,
            verifier,
        }))
}

async fn receive(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = endpoint.interactions.app.now();
    if let Err(why) = endpoint.verifier.check(
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
        &body,
        now,
    ) {
        tracing::warn!(reason = %why, "refused a Discord interaction");
        metrics::counter!("tandem_discord_rejected_total").increment(1);
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(err) => {
            tracing::warn!(error = %err, "could not read a Discord interaction");
            return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
        }
    };
    if matches!(interaction, Interaction::Ping(_)) {
        return axum::Json(serde_json::json!({ "type": 1 })).into_response();
    }
    let ack = endpoint.interactions.respond(interaction).await;
    let json = serde_json::to_vec(&ack.body).unwrap_or_default();
    let body = Answer {
        body: Full::new(Bytes::from(json)),
        ack: Some(ack),
    };
    ([(CONTENT_TYPE, "application/json")], Body::new(body)).into_response()
}

/// The first answer's body. Follow-ups may only go out once Discord has it, so the answer counts
/// as sent when the server is done writing this body (and drops it), not when it is handed over.
struct Answer {
    body: Full<Bytes>,
    ack: Option<Ack>,
}

impl HttpBody for Answer {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        if let Some(ack) = self.ack.take() {
            ack.sent();
        }
    }
}
