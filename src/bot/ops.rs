//! Operations endpoints on `NEWSBRIEF_METRICS_ADDR` (off by default): `/healthz` and
//! `/metrics`.
//!
//! `/healthz` answers 200 only when every shard of this process is connected to the gateway
//! and the settings store answers a query; otherwise 503, with one line per problem.
//! `/metrics` is the Prometheus text format of [`crate::metrics::Metrics`], with the gauges
//! that are read rather than counted (shards connected, queue depth) refreshed on each scrape.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use poise::serenity_prelude as serenity;

use super::config::ShardPlan;
use crate::cache::BriefService;
use crate::metrics::{Metrics, CONTENT_TYPE};
use crate::store::Store;

/// Longest wait for the store's answer in a health check.
const STORE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// What the endpoints read.
#[derive(Clone)]
pub struct OpsState {
    /// The bot's metrics.
    pub metrics: Arc<Metrics>,
    /// The settings store.
    pub store: Store,
    /// The brief service (for the queue depth).
    pub briefs: BriefService,
    /// The shards this process runs.
    pub plan: ShardPlan,
    /// serenity's shard manager (for each shard's connection stage).
    pub shards: Arc<serenity::ShardManager>,
}

impl OpsState {
    /// Shards of this process whose connection is up now.
    async fn connected_shards(&self) -> usize {
        let runners = self.shards.runners.lock().await;
        self.plan
            .ids()
            .filter(|id| {
                runners
                    .get(&serenity::ShardId(*id))
                    .is_some_and(|r| matches!(r.stage, serenity::ConnectionStage::Connected))
            })
            .count()
    }
}

/// Binds `addr` and serves the endpoints until the process ends; returns the bound address
/// (port 0 picks a free one).
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve(addr: SocketAddr, state: OpsState) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("the metrics endpoint stopped: {e}");
        }
    });
    Ok(bound)
}

async fn healthz(State(state): State<OpsState>) -> Response {
    let connected = state.connected_shards().await;
    let wanted = state.plan.ids().len();
    let store_ok = tokio::time::timeout(STORE_CHECK_TIMEOUT, state.store.ping())
        .await
        .unwrap_or(false);
    let mut problems = Vec::new();
    if connected < wanted {
        problems.push(format!(
            "{connected} of {wanted} shards connected (shards {}..{} of {})",
            state.plan.start, state.plan.end, state.plan.total
        ));
    }
    if !store_ok {
        problems.push("the settings store does not answer".to_string());
    }
    if problems.is_empty() {
        (
            StatusCode::OK,
            format!("ok: {connected} of {wanted} shards connected, store answers\n"),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unhealthy: {}\n", problems.join("; ")),
        )
            .into_response()
    }
}

async fn metrics(State(state): State<OpsState>) -> Response {
    let connected = state.connected_shards().await;
    let m = &state.metrics;
    m.shards_connected
        .set(i64::try_from(connected).unwrap_or(i64::MAX));
    m.queue_depth
        .set(i64::try_from(state.briefs.queue_depth()).unwrap_or(i64::MAX));
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], m.render()).into_response()
}
