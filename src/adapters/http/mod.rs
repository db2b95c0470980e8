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
    let share = unauthenticated_share(&app);
    let calendar = Router::new()
        .route("/calendar/webinars/{file}", get(webinar_ics))
        .route("/calendar/{file}", get(intake_ics))
        .route_layer(at_most(share));
    Router::new()
        .route("/healthz", get(healthz).route_layer(at_most(share)))
        .route("/metrics", get(metrics_text))
        .merge(calendar)
        .with_state(HttpState { app, metrics })
}

/// Requests at once for each group of routes anyone may call (`/healthz`, the calendar files):
/// a fifth of the database pool, at least one, so together they always leave connections for
/// the platforms' acknowledgements.
fn unauthenticated_share(app: &App) -> usize {
    (app.store.pool().options().get_max_connections() as usize / 5).max(1)
}

/// Lets `max` requests through at once (shared by every route it is on) and answers the rest
/// `503` at once instead of queueing them for the database.
fn at_most(
    max: usize,
) -> impl tower::Layer<
    axum::routing::Route,
    Service = impl tower::Service<
        axum::extract::Request,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future = impl Send + 'static,
    > + Clone
              + Send
              + Sync
              + 'static,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(busy))
        .layer(tower::load_shed::LoadShedLayer::new())
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(max))
}

async fn busy(_: tower::BoxError) -> (StatusCode, &'static str) {
    (StatusCode::SERVICE_UNAVAILABLE, "busy, try again shortly\n")
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
