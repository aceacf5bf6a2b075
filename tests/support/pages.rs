//! Page servers on 127.0.0.1 for the tests and benches: [`Pages`] serves the example
//! article under any name, after a delay, and counts requests per name; [`serve_pages`]
//! serves numbered pages made by a function, as a news site would; [`serve`] puts any
//! router on a free loopback port (the tests' own page servers use it too).

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// The article every page of [`Pages`] serves.
pub const ARTICLE: &str = include_str!("../../examples/example-article.html");

/// A page server on 127.0.0.1: every `/NAME` is the example article, after `delay`; hits
/// are counted per name.
#[derive(Clone)]
pub struct Pages {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Pages {
    /// Starts the server.
    pub async fn start(delay: Duration) -> Self {
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let app = Router::new()
            .route(
                "/:name",
                get(
                    move |State(hits): State<Arc<Mutex<HashMap<String, usize>>>>,
                          Path(name): Path<String>| async move {
                        *hits.lock().unwrap().entry(name).or_default() += 1;
                        tokio::time::sleep(delay).await;
                        (
                            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                            ARTICLE,
                        )
                            .into_response()
                    },
                ),
            )
            .with_state(Arc::clone(&hits));
        Self {
            base: serve(app).await,
            hits,
        }
    }

    /// The URL of page `name`.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    /// Requests of page `name` so far.
    pub fn hits(&self, name: &str) -> usize {
        self.hits.lock().unwrap().get(name).copied().unwrap_or(0)
    }

    /// Requests of every page so far.
    pub fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

/// Serves HTML pages on 127.0.0.1 as a news site would: `/{prefix}N` is `page(N)` (a path
/// without a number is page 0). Returns the site's base URL.
pub async fn serve_pages<F>(prefix: &'static str, page: F) -> String
where
    F: Fn(usize) -> String + Clone + Send + Sync + 'static,
{
    let app = Router::new().route(
        "/:name",
        get(move |Path(name): Path<String>| {
            let page = page.clone();
            async move {
                let n: usize = name.trim_start_matches(prefix).parse().unwrap_or_default();
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    page(n),
                )
                    .into_response()
            }
        }),
    );
    serve(app).await
}

/// Serves `app` on a free port of 127.0.0.1 until the test ends; returns its base URL,
/// `http://127.0.0.1:PORT`.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind a port on 127.0.0.1");
    let addr = listener.local_addr().expect("the bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
