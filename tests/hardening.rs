//! Hardening against hostile pages and heavy use (issue 15): bounded memory, ports,
//! credentials, site rate limits, fair sharing. Every server listens on loopback only.

#[path = "support/http.rs"]
mod http;

use http::{serve, Reply};
use newsbrief::brief::{SENTENCE_MAX_CHARS, TITLE_MAX_CHARS};
use newsbrief::cache::{BriefService, CacheConfig};
use newsbrief::fetch::FetchConfig;
use newsbrief::{BriefOptions, Engine, Settings};

fn private_ok() -> Settings {
    Settings {
        fetch: FetchConfig {
            allow_private_hosts: true,
            ..FetchConfig::default()
        },
        ..Settings::default()
    }
}

/// A page with a `title_bytes` title and one run-on paragraph of `para_bytes` with no
/// sentence end, the worst case for the title and summary fields.
fn hostile_page(title_bytes: usize, para_bytes: usize) -> String {
    let title = "Headline ".repeat(title_bytes / 9);
    let para = "and the council went on talking ".repeat(para_bytes / 32);
    format!(
        "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>The mayor said on Monday that the council approved the plan for the city.</p>\
         <p>{para}</p></article></body></html>"
    )
}

// ---------------------------------------------------------------- 1. bounded memory

#[test]
fn a_two_megabyte_title_and_a_run_on_sentence_are_capped() {
    let engine = Engine::new(&Settings::default()).unwrap();
    let page = hostile_page(2 << 20, 300_000);
    let brief = engine
        .brief_html(
            &page,
            Some("https://example.com/a"),
            &BriefOptions::default(),
        )
        .unwrap();
    let title = brief.title.as_deref().unwrap();
    assert!(
        title.chars().count() <= TITLE_MAX_CHARS,
        "title of {} chars",
        title.chars().count()
    );
    for s in brief
        .summary
        .iter()
        .chain(brief.status.iter().map(|s| &s.evidence))
    {
        assert!(s.chars().count() <= SENTENCE_MAX_CHARS, "{} chars", s.len());
    }
    // Asking for many sentences cannot lift the cap on their number either.
    let many = engine
        .brief_html(
            &page,
            None,
            &BriefOptions {
                sentences: Some(1_000_000),
            },
        )
        .unwrap();
    assert!(many.summary.len() <= newsbrief::brief::SUMMARY_MAX_SENTENCES);
}

#[tokio::test]
async fn the_brief_cache_stays_within_its_byte_budget() {
    let server = serve(|req| Reply::html(&hostile_page(100_000, 100_000 + req.path.len()))).await;
    let budget = 128 * 1024;
    let service = BriefService::new(
        Engine::new(&private_ok()).unwrap(),
        &CacheConfig {
            max_bytes: budget,
            ..CacheConfig::default()
        },
    );
    for i in 0..24 {
        let brief = service
            .brief(&server.url(&format!("/page/{i}")), None)
            .await
            .unwrap();
        assert!(brief.approx_bytes() < 64 * 1024, "{}", brief.approx_bytes());
    }
    let held = service.cached_bytes().await;
    assert!(held <= budget, "cache holds {held} bytes, budget {budget}");
    assert!(held > 0);
}

// ---------------------------------------------------------------- 2. fair sharing

#[tokio::test]
async fn the_same_dead_link_pasted_fifty_times_is_fetched_once() {
    let server = serve(|_| Reply::status(500)).await;
    let service = BriefService::new(Engine::new(&private_ok()).unwrap(), &CacheConfig::default());
    let url = server.url("/dead");
    for _ in 0..50 {
        let err = service.brief(&url, None).await.unwrap_err();
        assert_eq!(err.kind(), "http_status");
    }
    assert_eq!(server.connections(), 1, "failures are remembered briefly");
    assert_eq!(service.fetches_started(), 1);
    // With the failure memory off, every request tries again.
    let service = BriefService::new(
        Engine::new(&private_ok()).unwrap(),
        &CacheConfig {
            failure_ttl: std::time::Duration::ZERO,
            ..CacheConfig::default()
        },
    );
    for _ in 0..3 {
        let _ = service.brief(&url, None).await;
    }
    assert_eq!(server.connections(), 4);
}

#[tokio::test]
async fn a_full_fetch_queue_answers_busy_within_a_bounded_wait() {
    use std::time::{Duration, Instant};
    let server = serve(|_| {
        Reply::html("<p>The mayor said on Monday that the council approved the plan.</p>")
            .delay(Duration::from_secs(3))
    })
    .await;
    let service = BriefService::new(
        Engine::new(&private_ok()).unwrap(),
        &CacheConfig {
            fetch_concurrency: 1,
            slot_wait: Duration::from_millis(400),
            queue_cap: 1,
            ..CacheConfig::default()
        },
    );
    let slow = {
        let s = service.clone();
        let url = server.url("/slow");
        tokio::spawn(async move { s.brief(&url, None).await })
    };
    // Let the slow fetch take the only slot.
    while server.connections() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    let (queued_url, over_url) = (server.url("/queued"), server.url("/over"));
    let (queued, over) = tokio::join!(service.brief(&queued_url, None), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        service.brief(&over_url, None).await
    });
    assert_eq!(queued.unwrap_err().kind(), "busy", "waited, then busy");
    assert_eq!(over.unwrap_err().kind(), "busy", "queue full: busy at once");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(350) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    // Busy is not remembered as a failure of the link, and the slow one completes.
    assert!(slow.await.unwrap().is_ok());
    assert!(service.brief(&server.url("/queued"), None).await.is_ok());
}

// ---------------------------------------------------------------- 3. heavy work off the runtime

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_and_a_cached_reply_stay_on_time_while_big_pages_parse() {
    use std::time::{Duration, Instant};
    // Pages of about 5 MB of nested markup and text: seconds of parsing in a debug build.
    let big = {
        let mut p = String::from("<html><head><title>Big page</title></head><body><article>");
        let mut i = 0;
        while p.len() < 4_900_000 {
            p.push_str(&format!(
                "<div><p>The council met on day {i} and the mayor said that the plan was approved after a long debate.</p></div>"
            ));
            i += 1;
        }
        p.push_str("</article></body></html>");
        p
    };
    let server = serve(move |req| {
        if req.path == "/small" {
            Reply::html("<p>The mayor said on Monday that the council approved the plan.</p>")
        } else {
            Reply::html(&big)
        }
    })
    .await;
    let service = BriefService::new(Engine::new(&private_ok()).unwrap(), &CacheConfig::default());
    service.brief(&server.url("/small"), None).await.unwrap();

    // A heartbeat every 50 ms on the runtime, as the gateway's would be.
    let beating = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let heart = {
        let beating = std::sync::Arc::clone(&beating);
        tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            let mut last = Instant::now();
            while beating.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(50)).await;
                worst = worst.max(last.elapsed());
                last = Instant::now();
            }
            worst
        })
    };
    let heavy: Vec<_> = (0..4)
        .map(|i| {
            let s = service.clone();
            let url = server.url(&format!("/big/{i}"));
            tokio::spawn(async move { s.brief(&url, None).await })
        })
        .collect();
    // While they are being parsed, a cached brief is answered at once, several times.
    let mut slowest_cached = Duration::ZERO;
    while !heavy.iter().all(tokio::task::JoinHandle::is_finished) {
        let t = Instant::now();
        service.brief(&server.url("/small"), None).await.unwrap();
        slowest_cached = slowest_cached.max(t.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for h in heavy {
        assert!(h.await.unwrap().is_ok());
    }
    beating.store(false, std::sync::atomic::Ordering::Relaxed);
    let worst_gap = heart.await.unwrap();
    assert!(
        worst_gap < Duration::from_millis(750),
        "a heartbeat waited {worst_gap:?}"
    );
    assert!(
        slowest_cached < Duration::from_millis(500),
        "a cached reply took {slowest_cached:?}"
    );
}
