//! The brief service: every link the bot briefs goes through here.
//!
//! [`BriefService::brief`] looks the normalised URL up in a moka cache; concurrent requests
//! for one URL are coalesced into a single fetch (moka's `try_get_with` runs one init future
//! per key and hands its result to every waiter); a global semaphore bounds the fetches in
//! flight; the CPU work (extraction and analysis) runs on tokio's blocking pool so it never
//! stalls the async runtime or the Discord gateway. A panic inside one brief becomes an
//! error for that link only.
//!
//! The cache is bounded in bytes (each brief weighed by its size). A request waits a bounded
//! time for a fetch slot, and only while few others wait; otherwise it is answered
//! [`BriefError::Busy`]. Failures of a link are remembered briefly (the same dead link
//! pasted again and again is fetched once); successes live for the cache TTL.
//! With a shared cache ([`crate::shared`], Redis) behind the local one, a local miss first
//! looks there, and a link another process is fetching right now is waited for instead of
//! fetched twice. Every brief made and every cache hit is counted in [`crate::metrics`].
//! This module does not find links in text ([`crate::links`]) nor render briefs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tokio::sync::Semaphore;

use crate::fetch::Body;
use crate::metrics::Metrics;
use crate::shared::{Lock, SharedCache};
use crate::{Brief, BriefOptions, Engine, Error};

/// Default time a brief stays cached: news pages change little within an hour.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// Default number of briefs kept (each is a few KiB once its main text is dropped).
pub const DEFAULT_CAPACITY: u64 = 2_000;
/// Default memory budget of the cache in bytes, counted by each brief's size: with every
/// page-controlled field capped (see [`crate::brief`]) a brief weighs at most some 60 KiB
/// of one-byte characters (up to four times that in multi-byte scripts; the memory bench's
/// hostile page 10.8 KiB),
/// so 64 MiB holds the default 2,000 ordinary briefs and never more than 64 MiB of hostile ones.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes counted for an entry beyond its brief and key: moka's own bookkeeping, the `Arc`
/// (measured at under 160 bytes an entry over 1,000 entries: `tests/cache_weight.rs`).
pub const ENTRY_OVERHEAD_BYTES: u64 = 256;
/// Default fetches in flight at once across the whole bot: enough to hide network latency,
/// few enough that the extraction work (which holds a permit too) fits on a small machine.
pub const DEFAULT_FETCH_CONCURRENCY: usize = 8;

/// Default longest wait for a fetch slot before the request is answered "busy": long enough
/// to ride out a burst, short enough that nobody waits on a reply that will not come.
pub const DEFAULT_SLOT_WAIT: Duration = Duration::from_secs(20);
/// Default requests that may wait for a fetch slot at once across the whole bot; beyond
/// this a request is answered "busy" at once, so no queue grows without bound.
pub const DEFAULT_QUEUE_CAP: usize = 64;
/// Default time a failure is remembered: the same dead link pasted 50 times in a minute is
/// fetched once, and a site that was down is tried again soon.
pub const DEFAULT_FAILURE_TTL: Duration = Duration::from_secs(30);
/// Failures remembered at most (each is a short error message).
pub const FAILURE_CACHE_ENTRIES: u64 = 10_000;

/// Settings of the brief service.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// How long a brief is kept.
    pub ttl: Duration,
    /// Briefs kept at most.
    pub capacity: u64,
    /// Bytes the cached briefs may take at most, all together.
    pub max_bytes: u64,
    /// Fetches (with their extraction) in flight at most.
    pub fetch_concurrency: usize,
    /// Longest wait for a fetch slot before answering "busy".
    pub slot_wait: Duration,
    /// Requests waiting for a fetch slot at most; more are answered "busy" at once.
    pub queue_cap: usize,
    /// How long a failed link is answered from memory without a new fetch (zero: never).
    pub failure_ttl: Duration,
    /// Test hook (cargo feature `test-hooks` only): the analysis of any page whose URL
    /// contains this text panics on purpose, so tests of the real bot can prove that a
    /// crash in one brief costs only that link. `None` (the default) in every real use.
    #[cfg(any(test, feature = "test-hooks"))]
    #[doc(hidden)]
    pub panic_on_url_containing: Option<String>,
    /// Test hook (cargo feature `test-hooks` only): fetching any page whose URL contains this
    /// text panics on the async runtime (inside the coalesced cache lookup), as a bug in
    /// decoding a hostile response would. `None` (the default) in every real use.
    #[cfg(any(test, feature = "test-hooks"))]
    #[doc(hidden)]
    pub panic_in_fetch_on_url_containing: Option<String>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: DEFAULT_TTL,
            capacity: DEFAULT_CAPACITY,
            max_bytes: DEFAULT_MAX_BYTES,
            fetch_concurrency: DEFAULT_FETCH_CONCURRENCY,
            slot_wait: DEFAULT_SLOT_WAIT,
            queue_cap: DEFAULT_QUEUE_CAP,
            failure_ttl: DEFAULT_FAILURE_TTL,
            #[cfg(any(test, feature = "test-hooks"))]
            panic_on_url_containing: None,
            #[cfg(any(test, feature = "test-hooks"))]
            panic_in_fetch_on_url_containing: None,
        }
    }
}

/// Why a brief could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    /// The engine refused or failed (bad link, fetch failure, no article, ...).
    #[error(transparent)]
    Engine(#[from] Error),
    /// The analysis crashed or was cancelled; only this link is affected.
    #[error("internal error while briefing the page: {0}")]
    Internal(String),
    /// Every fetch slot stayed taken for the whole bounded wait, or too many requests
    /// were already waiting: try again later.
    #[error("too many links are being briefed right now; try again in a minute")]
    Busy,
}

impl BriefError {
    /// A stable name: the engine's [`Error::kind`], or `internal`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Engine(e) => e.kind(),
            Self::Internal(_) => "internal",
            Self::Busy => "busy",
        }
    }

    /// The HTTP status, for `http_status` errors.
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Engine(Error::HttpStatus { status }) => Some(*status),
            _ => None,
        }
    }
}

/// Cache key: the normalised URL and the requested summary length.
type Key = (String, Option<usize>);

/// The shared brief service. Cheap to clone.
#[derive(Clone)]
pub struct BriefService {
    engine: Engine,
    cache: Cache<Key, Arc<Brief>>,
    /// Links that just failed, answered from here for [`CacheConfig::failure_ttl`].
    failures: Option<Cache<Key, Arc<BriefError>>>,
    permits: Arc<Semaphore>,
    /// Requests waiting for a permit now.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    slot_wait: Duration,
    queue_cap: usize,
    fetches: Arc<AtomicU64>,
    /// See [`CacheConfig::panic_on_url_containing`].
    panic_on: Option<Arc<str>>,
    /// See [`CacheConfig::panic_in_fetch_on_url_containing`].
    panic_in_fetch_on: Option<Arc<str>>,
    /// The cache shared with other processes (Redis), if any.
    shared: Option<Arc<SharedCache>>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for BriefService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BriefService")
            .field("cached", &self.cache.entry_count())
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl BriefService {
    /// A service over `engine`.
    #[must_use]
    pub fn new(engine: Engine, config: &CacheConfig) -> Self {
        Self {
            engine,
            cache: weighed_cache(config),
            failures: (!config.failure_ttl.is_zero()).then(|| {
                Cache::builder()
                    .max_capacity(FAILURE_CACHE_ENTRIES)
                    .time_to_live(config.failure_ttl)
                    .build()
            }),
            permits: Arc::new(Semaphore::new(config.fetch_concurrency.max(1))),
            waiting: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            slot_wait: config.slot_wait,
            queue_cap: config.queue_cap,
            fetches: Arc::new(AtomicU64::new(0)),
            #[cfg(any(test, feature = "test-hooks"))]
            panic_on: hook(config.panic_on_url_containing.as_deref()),
            #[cfg(not(any(test, feature = "test-hooks")))]
            panic_on: None,
            #[cfg(any(test, feature = "test-hooks"))]
            panic_in_fetch_on: hook(config.panic_in_fetch_on_url_containing.as_deref()),
            #[cfg(not(any(test, feature = "test-hooks")))]
            panic_in_fetch_on: None,
            shared: None,
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// Puts `shared` behind the local cache: briefs made here are shared with the other
    /// processes, and theirs are used here.
    #[must_use]
    pub fn with_shared(mut self, shared: Arc<SharedCache>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Records into `metrics` instead of a private set.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Links waiting for a fetch slot now.
    #[must_use]
    pub fn queue_depth(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Bytes the cached briefs weigh now (after pending evictions run), as counted against
    /// [`CacheConfig::max_bytes`].
    pub async fn cached_bytes(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        // Summed over the entries held, not read from moka's own count: this measures what
        // is really kept.
        self.cache
            .iter()
            .map(|(key, brief)| entry_bytes(&key, &brief))
            .sum()
    }

    /// Fetches started so far (cache misses that reached the network).
    #[must_use]
    pub fn fetches_started(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The brief of `url` (normalised here too), from the cache or freshly made. The
    /// returned brief has an empty `text` (the bot never shows the main text, and dropping
    /// it keeps the cache small).
    ///
    /// # Errors
    /// A [`BriefError`] shared by every caller that waited on the same fetch.
    pub async fn brief(
        &self,
        url: &str,
        sentences: Option<usize>,
    ) -> Result<Arc<Brief>, Arc<BriefError>> {
        let normalised = crate::links::normalize_url(url)
            .ok_or_else(|| Arc::new(BriefError::Engine(Error::InvalidUrl(url.to_string()))))?
            .to_string();
        let key = (normalised.clone(), sentences);
        if let Some(failures) = &self.failures {
            if let Some(err) = failures.get(&key).await {
                return Err(err);
            }
        }
        if let Some(brief) = self.cache.get(&key).await {
            self.metrics.cache_hits.with_label_values(&["local"]).inc();
            return Ok(brief);
        }
        let result = self
            .cache
            .try_get_with(key.clone(), self.make(normalised, sentences))
            .await;
        if let (Err(err), Some(failures)) = (&result, &self.failures) {
            // Busy and internal errors say nothing about the link itself.
            if matches!(**err, BriefError::Engine(_)) {
                failures.insert(key, Arc::clone(err)).await;
            }
        }
        result
    }

    /// Waits for a fetch slot within the bounded wait, unless too many already wait.
    async fn fetch_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, BriefError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _leave = LeaveQueue(&self.waiting);
        if queued >= self.queue_cap {
            return Err(BriefError::Busy);
        }
        match tokio::time::timeout(self.slot_wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; if it were, the link cannot be served now.
            Ok(Err(_)) | Err(_) => Err(BriefError::Busy),
        }
    }

    /// Makes a brief after a local miss: from the shared cache, by waiting for the process
    /// that is fetching the link, or by fetching it here (and then sharing it).
    async fn make(&self, url: String, sentences: Option<usize>) -> Result<Arc<Brief>, BriefError> {
        let Some(shared) = self.shared.clone() else {
            return self.make_here(url, sentences).await;
        };
        let key = SharedCache::key(&url, sentences);
        if let Some(brief) = shared.get(&key).await {
            self.metrics.cache_hits.with_label_values(&["shared"]).inc();
            return Ok(Arc::new(brief));
        }
        match shared.lock(&key).await {
            Lock::Acquired => {
                let made = self.make_here(url, sentences).await;
                if let Ok(brief) = &made {
                    shared.put(&key, brief).await;
                }
                shared.unlock(&key).await;
                made
            }
            Lock::Held => {
                if let Some(brief) = shared.wait_for(&key).await {
                    self.metrics.cache_hits.with_label_values(&["shared"]).inc();
                    return Ok(Arc::new(brief));
                }
                self.make_here(url, sentences).await
            }
            Lock::Unavailable => self.make_here(url, sentences).await,
        }
    }

    /// Fetches and briefs `url` in this process, counting it in the metrics.
    async fn make_here(
        &self,
        url: String,
        sentences: Option<usize>,
    ) -> Result<Arc<Brief>, BriefError> {
        let started = std::time::Instant::now();
        let made = self.fetch_and_brief(url, sentences).await;
        match &made {
            Ok(_) => {
                self.metrics.briefs_made.inc();
                self.metrics
                    .fetch_seconds
                    .observe(started.elapsed().as_secs_f64());
            }
            Err(e) => self
                .metrics
                .fetch_errors
                .with_label_values(&[e.kind()])
                .inc(),
        }
        made
    }

    async fn fetch_and_brief(
        &self,
        url: String,
        sentences: Option<usize>,
    ) -> Result<Arc<Brief>, BriefError> {
        let _permit = self.fetch_slot().await?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let page = self.engine.fetcher().fetch(&url).await?;
        // The test hook (see `CacheConfig::panic_in_fetch_on_url_containing`).
        if let Some(m) = self.panic_in_fetch_on.as_deref() {
            if url.contains(m) {
                panic!("forced panic while fetching {url} (test hook)");
            }
        }
        let engine = self.engine.clone();
        let opts = BriefOptions { sentences };
        let panic_on = self.panic_on.clone();
        let brief = off_runtime(&url, move || {
            let final_url = page.url.to_string();
            // The test hook (see `CacheConfig::panic_on_url_containing`): a deliberate crash
            // exactly where a real bug in extraction or analysis would crash.
            if panic_on.as_deref().is_some_and(|m| final_url.contains(m)) {
                panic!("forced panic for {final_url} (test hook panic_on_url_containing)");
            }
            let mut brief = match page.body {
                Body::Html(html) => engine.brief_html(&html, Some(&final_url), &opts)?,
                Body::Text(text) => {
                    let mut b = engine.brief_text(&text, None, Some(&final_url), &opts)?;
                    b.url = Some(final_url);
                    b
                }
            };
            brief.text = String::new();
            Ok(brief)
        })
        .await?;
        Ok(Arc::new(brief))
    }
}

/// The brief cache, bounded in bytes: each entry weighs its real size (key and brief), and
/// at least `max_bytes / capacity`, so neither the byte budget nor the entry count is ever
/// exceeded whichever bound is met first.
fn weighed_cache(config: &CacheConfig) -> Cache<Key, Arc<Brief>> {
    let max_bytes = config.max_bytes.max(1);
    let floor = max_bytes / config.capacity.max(1);
    Cache::builder()
        .max_capacity(max_bytes)
        .weigher(move |key: &Key, brief: &Arc<Brief>| {
            // An entry heavier than u32::MAX bytes cannot exist (fields are capped); saturate.
            u32::try_from(entry_bytes(key, brief).max(floor)).unwrap_or(u32::MAX)
        })
        .time_to_live(config.ttl)
        .build()
}

/// The bytes one cache entry holds: its key, its brief, and moka's bookkeeping.
fn entry_bytes(key: &Key, brief: &Brief) -> u64 {
    (key.0.capacity() + brief.approx_bytes()) as u64 + ENTRY_OVERHEAD_BYTES
}

/// Counts a request out of the wait queue when dropped (also when the wait is cancelled).
struct LeaveQueue<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for LeaveQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A test hook's marker; an empty one would match every URL, so it counts as none.
#[cfg(any(test, feature = "test-hooks"))]
fn hook(marker: Option<&str>) -> Option<Arc<str>> {
    marker.filter(|m| !m.is_empty()).map(Arc::from)
}

/// Runs CPU-bound `work` on the blocking pool; a panic in it becomes
/// [`BriefError::Internal`] for this link only.
async fn off_runtime<F>(url: &str, work: F) -> Result<Brief, BriefError>
where
    F: FnOnce() -> Result<Brief, Error> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(join) if join.is_panic() => {
            tracing::error!(url = %crate::redact::link_for_log(url), "briefing panicked");
            Err(BriefError::Internal("the analysis crashed".into()))
        }
        Err(join) => Err(BriefError::Internal(join.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_analysis_is_an_error_for_that_link_only() {
        let err = off_runtime("http://x.example/", || panic!("forced"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "internal");
        let ok = off_runtime("http://y.example/", || Ok(Brief::default())).await;
        assert!(ok.is_ok(), "the runtime keeps serving after a panic");
    }

    #[tokio::test]
    async fn invalid_urls_fail_without_a_fetch() {
        let service = BriefService::new(
            Engine::new(&crate::Settings::default()).unwrap(),
            &CacheConfig::default(),
        );
        let err = service.brief("not a url", None).await.unwrap_err();
        assert_eq!(err.kind(), "invalid_url");
        assert_eq!(service.fetches_started(), 0);
    }
}
