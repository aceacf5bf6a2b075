//! What a worst-case brief weighs in the brief cache (issue 15), measured two ways: the
//! cache's own weigher (the bytes it counts against `NEWSBRIEF_CACHE_BYTES`), and the heap
//! bytes the brief really holds, counted by a global allocator. The weigher must not count
//! less than the brief holds, or the byte budget would not bound memory.
//!
//! In their own binary, one at a time (each takes [`SERIAL`]), so no other test allocates
//! while the allocator is counting.

#[path = "support/hostile_page.rs"]
mod hostile_page;
#[path = "support/http.rs"]
mod http;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{serve, Reply};
use moka::future::Cache;
use newsbrief::brief::SUMMARY_MAX_SENTENCES;
use newsbrief::cache::{BriefService, CacheConfig, DEFAULT_MAX_BYTES, ENTRY_OVERHEAD_BYTES};
use newsbrief::fetch::FetchConfig;
use newsbrief::{Brief, BriefOptions, Engine, Settings};

/// The system allocator, counting the bytes live at any time.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Taken by each test for its whole run.
static SERIAL: Mutex<()> = Mutex::new(());

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

#[test]
fn a_worst_case_brief_weighs_in_the_cache_at_least_what_it_holds() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let settings = Settings {
        fetch: FetchConfig {
            allow_private_hosts: true,
            ..FetchConfig::default()
        },
        ..Settings::default()
    };
    let engine = Engine::new(&settings).unwrap();
    let url = "https://example.com/story";
    let html = hostile_page::page(1);
    // Lazily built tables are built by a first brief, outside the count.
    let _ = engine.brief_html(&hostile_page::page(0), Some(url), &BriefOptions::default());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(serve(|req| {
        let n: usize = req.path.trim_start_matches("/page/").parse().unwrap_or(0);
        Reply::html(&hostile_page::page(n))
    }));
    for sentences in [None, Some(SUMMARY_MAX_SENTENCES)] {
        let opts = BriefOptions { sentences };
        // The heap bytes one brief holds, as the cache keeps it (its main text dropped).
        let before = live();
        let mut brief = engine.brief_html(&html, Some(url), &opts).unwrap();
        brief.text = String::new();
        let held = usize::try_from(live() - before).unwrap();
        let counted = brief.approx_bytes();
        drop(brief);
        assert!(
            counted >= held,
            "a brief counted {counted} bytes holds {held}"
        );

        // The weigher's figure per entry (key, brief and bookkeeping), through the real cache.
        let service = BriefService::new(engine.clone(), &CacheConfig::default());
        let pages = 2;
        let weighed = runtime.block_on(async {
            for i in 0..pages {
                service
                    .brief(&server.url(&format!("/page/{i}")), sentences)
                    .await
                    .unwrap();
            }
            service.cached_bytes().await
        }) / pages;
        assert!(weighed >= (counted + ENTRY_OVERHEAD_BYTES as usize) as u64);
        eprintln!(
            "sentences {sentences:?}: the cache weighs a worst-case brief {weighed} bytes \
             ({:.1} KiB); the brief holds {held} heap bytes ({:.1} KiB)",
            weighed as f64 / 1024.0,
            held as f64 / 1024.0,
        );
    }
}

/// About a worst-case brief's weight (moka may size some of its tables by weight).
const WEIGHT: u32 = 11_000;

/// The cache's own bookkeeping per entry, beyond the brief and the key's text, is no more
/// than the weigher adds for it: measured over 1,000 entries (so the growth of its tables is
/// counted, shared out) of a cache built as the brief cache is (moka, weigher, time to live).
#[test]
fn the_cache_bookkeeping_per_entry_is_counted() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let per_entry = runtime.block_on(async {
        let brief = Arc::new(Brief::default());
        let cache: Cache<(String, Option<usize>), Arc<Brief>> = Cache::builder()
            .max_capacity(DEFAULT_MAX_BYTES)
            .weigher(|_: &(String, Option<usize>), _: &Arc<Brief>| WEIGHT)
            .time_to_live(Duration::from_secs(3600))
            .build();
        let key = |i: usize| {
            (
                format!("https://news.example.com/2026/12/04/story-{i}"),
                None,
            )
        };
        for i in 0..100 {
            cache.insert(key(i), Arc::clone(&brief)).await;
        }
        cache.run_pending_tasks().await;
        let n = 1_000;
        let keys: Vec<_> = (100..100 + n).map(key).collect();
        let key_bytes: usize = keys.iter().map(|k| k.0.capacity()).sum();
        let before = live();
        for k in keys {
            cache.insert(k, Arc::clone(&brief)).await;
        }
        cache.run_pending_tasks().await;
        let added = usize::try_from(live() - before).unwrap();
        assert_eq!(cache.entry_count(), 100 + n as u64);
        (added - key_bytes) / n
    });
    eprintln!("the cache's bookkeeping: {per_entry} bytes an entry");
    assert!(
        per_entry as u64 <= ENTRY_OVERHEAD_BYTES,
        "{per_entry} bytes an entry, {ENTRY_OVERHEAD_BYTES} counted"
    );
}
