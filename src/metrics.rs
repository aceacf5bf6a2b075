//! Operational metrics in Prometheus' text format (the `prometheus` crate, no protobuf).
//!
//! Each bot has its own [`Metrics`] with its own registry (not a process-wide global), so
//! several bots in one process (the tests) never mix their counts. The bot serves them on
//! `NEWSBRIEF_METRICS_ADDR` (see `crate::bot::ops`); the brief service and the reply code
//! record into them.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Latency buckets in seconds: from a cached reply (about a millisecond) to a slow site
/// (the fetch timeout is 15 s by default).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
];

/// The bot's metrics. Cheap to share behind an `Arc`; every recorder is lock-free.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    /// Briefs made from a fetched page (cache misses that succeeded).
    pub briefs_made: IntCounter,
    /// Briefs answered from a cache, by `layer` (`local`: this process's memory,
    /// `shared`: Redis, made by another process).
    pub cache_hits: IntCounterVec,
    /// Briefs that failed, by error `kind` (`timeout`, `http_status`, `not_an_article`, ...).
    pub fetch_errors: IntCounterVec,
    /// Time to fetch and analyse one page.
    pub fetch_seconds: Histogram,
    /// Time from a message (or command) reaching the bot to its reply being sent.
    pub reply_seconds: Histogram,
    /// Gateway shards of this process that are connected now.
    pub shards_connected: IntGauge,
    /// Links waiting for a fetch slot now.
    pub queue_depth: IntGauge,
    /// Whether the shared Redis answers (1) or the bot runs on its local cache only (0);
    /// stays 0 when no Redis is configured.
    pub shared_cache_up: IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh set of metrics in its own registry.
    #[must_use]
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).expect("a valid metric name");
            registry
                .register(Box::new(c.clone()))
                .expect("each metric is registered once");
            c
        };
        let counter_vec = |name: &str, help: &str, label: &str| {
            let c = IntCounterVec::new(Opts::new(name, help), &[label]).expect("a valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("each metric is registered once");
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("a valid metric name");
            registry
                .register(Box::new(g.clone()))
                .expect("each metric is registered once");
            g
        };
        let histogram = |name: &str, help: &str| {
            let h = Histogram::with_opts(
                HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()),
            )
            .expect("a valid histogram");
            registry
                .register(Box::new(h.clone()))
                .expect("each metric is registered once");
            h
        };
        Self {
            briefs_made: counter(
                "newsbrief_briefs_made_total",
                "Briefs made from a fetched page.",
            ),
            cache_hits: counter_vec(
                "newsbrief_cache_hits_total",
                "Briefs answered from a cache, by layer (local memory or the shared Redis).",
                "layer",
            ),
            fetch_errors: counter_vec(
                "newsbrief_fetch_errors_total",
                "Links that could not be briefed, by error kind.",
                "kind",
            ),
            fetch_seconds: histogram(
                "newsbrief_fetch_seconds",
                "Time to fetch and analyse one page.",
            ),
            reply_seconds: histogram(
                "newsbrief_reply_seconds",
                "Time from a message reaching the bot to its reply being sent.",
            ),
            shards_connected: gauge(
                "newsbrief_shards_connected",
                "Gateway shards of this process that are connected.",
            ),
            queue_depth: gauge(
                "newsbrief_fetch_queue_depth",
                "Links waiting for a fetch slot.",
            ),
            shared_cache_up: gauge(
                "newsbrief_shared_cache_up",
                "1 while the shared Redis answers, 0 when running on the local cache only.",
            ),
            registry,
        }
    }

    /// Every metric in Prometheus' text exposition format.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec only fails on metrics the registry itself refused.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!("could not encode the metrics: {e}");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// The content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_metric_in_the_text_format() {
        let m = Metrics::new();
        m.cache_hits.with_label_values(&["local"]).inc();
        m.fetch_errors.with_label_values(&["timeout"]).inc_by(2);
        m.reply_seconds.observe(0.003);
        m.shards_connected.set(2);
        let text = m.render();
        for line in [
            "newsbrief_cache_hits_total{layer=\"local\"} 1",
            "newsbrief_fetch_errors_total{kind=\"timeout\"} 2",
            "newsbrief_reply_seconds_bucket{le=\"0.005\"} 1",
            "newsbrief_reply_seconds_count 1",
            "newsbrief_shards_connected 2",
            "newsbrief_briefs_made_total 0",
            "# TYPE newsbrief_fetch_seconds histogram",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
        assert_eq!(
            Metrics::new()
                .render()
                .matches("newsbrief_shards_connected 0")
                .count(),
            1,
            "each bot has its own registry"
        );
    }
}
