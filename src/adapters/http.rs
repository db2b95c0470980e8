//! The HTTP routes every deployment serves: `/healthz` for load balancers and `/metrics` for
//! Prometheus. Platform webhooks join this router in their own adapters.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::app::App;

#[derive(Clone)]
struct HttpState {
    app: App,
    metrics: PrometheusHandle,
}

pub fn router(app: App, metrics: PrometheusHandle) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .with_state(HttpState { app, metrics })
}

/// How long `/healthz` waits for the database.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// 200 when the database answers in time, 503 otherwise.
async fn healthz(State(state): State<HttpState>) -> (StatusCode, &'static str) {
    // A load balancer wants an answer in time, not the pool's full acquire timeout.
    let probe = sqlx::query("SELECT 1").execute(state.app.store.pool());
    match tokio::time::timeout(HEALTH_TIMEOUT, probe).await {
        Ok(Ok(_)) => (StatusCode::OK, "ok\n"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database too slow\n"),
    }
}

async fn metrics_text(State(state): State<HttpState>) -> String {
    state.metrics.render()
}

/// The common routes plus Slack's webhooks (`None`: Slack's routes answer 401, nothing to verify).
pub fn with_slack(router: Router, slack: Option<crate::adapters::slack::Webhooks>) -> Router {
    router.merge(crate::adapters::slack::webhooks::routes(slack))
}
