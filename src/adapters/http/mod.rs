//! The HTTP routes every deployment serves: `/healthz` for load balancers, `/metrics` for
//! Prometheus and the program's calendar files. Platform webhooks join this router in their own
//! adapters.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::app::App;

pub mod metrics;
pub mod serve;

#[derive(Clone)]
struct HttpState {
    app: App,
    metrics: PrometheusHandle,
}

/// The common routes. Every metrics series is created here, so `/metrics` lists them all from the
/// first scrape (`metrics` must be the installed recorder's handle).
pub fn router(app: App, metrics: PrometheusHandle) -> Router {
    metrics::register();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/calendar/webinars/{file}", get(webinar_ics))
        .route("/calendar/{file}", get(intake_ics))
        .with_state(HttpState { app, metrics })
}

/// How long `/healthz` waits for the database.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// 200 when the database answers in time and the scheduler completes its passes; 503 with the
/// reason otherwise.
async fn healthz(State(state): State<HttpState>) -> (StatusCode, String) {
    let unavailable = |why: String| (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n"));
    // A load balancer wants an answer in time, not the pool's full acquire timeout.
    let probe = sqlx::query("SELECT 1").execute(state.app.store.pool());
    match tokio::time::timeout(HEALTH_TIMEOUT, probe).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check failed");
            return unavailable("database unavailable".to_string());
        }
        Err(_) => return unavailable("database too slow".to_string()),
    }
    match state.app.scheduler_pulse.stalled(state.app.now()) {
        Some(why) => {
            tracing::warn!(reason = %why, "health check failed");
            unavailable(why)
        }
        None => (StatusCode::OK, "ok\n".to_string()),
    }
}

async fn metrics_text(State(state): State<HttpState>) -> String {
    metrics::observe(&state.app);
    state.metrics.render()
}

type Ics = Result<([(axum::http::HeaderName, &'static str); 1], String), StatusCode>;

fn ics_reply(found: anyhow::Result<Option<String>>) -> Ics {
    match found {
        Ok(Some(body)) => Ok((
            [(
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            )],
            body,
        )),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(err) => {
            tracing::warn!(error = ?err, "could not make a calendar file");
            Err(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// `?key=…`: the reader's own calendar key. Without a valid one every calendar answers 404.
#[derive(serde::Deserialize)]
struct CalendarKey {
    key: Option<String>,
}

/// `GET /calendar/webinars/3.ics?key=…`: one session, by its number.
async fn webinar_ics(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    Query(CalendarKey { key }): Query<CalendarKey>,
) -> Ics {
    let number = file
        .strip_suffix(".ics")
        .and_then(|n| n.parse::<i64>().ok());
    let Some(number) = number else {
        return Err(StatusCode::NOT_FOUND);
    };
    ics_reply(state.app.webinar_ics_with_key(number, key.as_deref()).await)
}

/// `GET /calendar/INTAKE.ics?key=…`: an intake's feed to subscribe to (`all.ics`: every session
/// the key's holder is invited to).
async fn intake_ics(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    Query(CalendarKey { key }): Query<CalendarKey>,
) -> Ics {
    let Some(name) = file.strip_suffix(".ics") else {
        return Err(StatusCode::NOT_FOUND);
    };
    let intake = (!name.eq_ignore_ascii_case("all")).then_some(name);
    ics_reply(state.app.feed_ics_with_key(intake, key.as_deref()).await)
}

/// The common routes plus Slack's webhooks (`None`: Slack's routes answer 401, nothing to verify).
pub fn with_slack(router: Router, slack: Option<crate::adapters::slack::Webhooks>) -> Router {
    router.merge(crate::adapters::slack::webhooks::routes(slack))
}
