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
//! [`BriefError::Busy`]. Slots are shared fairly: one person ([`Asker::user`]) and one server
//! ([`Asker::server`]) hold only so many at once ([`CacheConfig::user_slots`],
//! [`CacheConfig::server_slots`]), and a free slot goes to the waiting request whose person,
//! then server, holds the fewest, so links to a slow host cannot keep everyone else waiting.
//! Each brief remembers the redirects that led to it, so an asker's domain filter
//! (`Asker::accepts`) is checked on every hop and on the final URL, for cached briefs too. Failures of a link are remembered briefly (the same dead link
//! pasted again and again is fetched once); successes live for the cache TTL.
//! With a shared cache ([`crate::shared`], Redis) behind the local one, a local miss first
//! looks there, and a link another process is fetching right now is waited for instead of
//! fetched twice. Every brief made and every cache hit is counted in [`crate::metrics`].
//! This module does not find links in text ([`crate::links`]) nor render briefs.
//!
//! One piece on purpose: the cache look-up, the coalescing, the fair fetch slots and the host
//! pauses are the steps of one request and share its state; split, each would need the others.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tokio::sync::oneshot;

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
/// Default fetch slots one person may hold at once (0: no limit): two links of a message are
/// fetched side by side, and three people cannot take more than six of the default eight.
pub const DEFAULT_USER_SLOTS: usize = 2;
/// Default fetch slots one server may hold at once (0: no limit): two of the default eight
/// stay free for the other servers whatever one server pastes.
pub const DEFAULT_SERVER_SLOTS: usize = 6;
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
    /// Fetch slots one person may hold at once (0: no limit).
    pub user_slots: usize,
    /// Fetch slots one server may hold at once (0: no limit).
    pub server_slots: usize,
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
            user_slots: DEFAULT_USER_SLOTS,
            server_slots: DEFAULT_SERVER_SLOTS,
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
    /// The link, one of its redirects or the page it ends at is on a domain the asker does
    /// not brief (a server's ignore or allow list).
    #[error("the link leads to a domain that is not briefed here")]
    NotAllowed,
}

impl BriefError {
    /// A stable name: the engine's [`Error::kind`], or `internal`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Engine(e) => e.kind(),
            Self::Internal(_) => "internal",
            Self::Busy => "busy",
            Self::NotAllowed => "not_allowed",
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

/// A cached brief with the redirects that led to it (so domain filters see every hop).
#[derive(Clone)]
struct Entry {
    brief: Arc<Brief>,
    /// The URLs that redirected on the way to the page (empty: none, or not known for a
    /// brief from the shared cache).
    hops: Arc<[String]>,
}

/// Says whether a URL may be briefed for an asker (e.g. a server's ignore and allow lists).
pub type UrlFilter = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Who asks for a brief: the person and server whose fetch slots it counts against, and the
/// URLs they accept. The default is nobody in particular, accepting any URL.
#[derive(Clone, Default)]
pub struct Asker {
    /// The person (a Discord user id), if any.
    pub user: Option<u64>,
    /// The server (a Discord guild id), if any.
    pub server: Option<u64>,
    /// The URLs this asker accepts: the link, every redirect and the final URL must pass,
    /// or the answer is [`BriefError::NotAllowed`]. `None`: any URL.
    pub accepts: Option<UrlFilter>,
}

impl std::fmt::Debug for Asker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asker")
            .field("user", &self.user)
            .field("server", &self.server)
            .field("filtered", &self.accepts.is_some())
            .finish()
    }
}

impl Asker {
    /// Whether this asker accepts the brief `entry` asked for as `asked`.
    fn accepts(&self, asked: &str, entry: &Entry) -> bool {
        let Some(ok) = &self.accepts else {
            return true;
        };
        ok(asked)
            && entry.hops.iter().all(|h| ok(h))
            && entry.brief.url.as_deref().is_none_or(|u| ok(u))
    }
}

/// The shared brief service. Cheap to clone.
#[derive(Clone)]
pub struct BriefService {
    engine: Engine,
    cache: Cache<Key, Entry>,
    /// Where a redirected link ended (final URL to the normalised link), so a brief can be
    /// found again from the URL its card shows.
    finals: Cache<String, String>,
    /// Links that just failed, answered from here for [`CacheConfig::failure_ttl`].
    failures: Option<Cache<Key, Arc<BriefError>>>,
    slots: Arc<FetchSlots>,
    slot_wait: Duration,
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
            finals: Cache::builder()
                .max_capacity(config.capacity.max(1))
                .time_to_live(config.ttl)
                .build(),
            slots: Arc::new(FetchSlots::new(config)),
            slot_wait: config.slot_wait,
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
        self.slots.waiting()
    }

    /// Bytes the cached briefs weigh now (after pending evictions run), as counted against
    /// [`CacheConfig::max_bytes`].
    pub async fn cached_bytes(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        // Summed over the entries held, not read from moka's own count: this measures what
        // is really kept.
        self.cache
            .iter()
            .map(|(key, entry)| entry_bytes(&key, &entry))
            .sum()
    }

    /// Fetches started so far (cache misses that reached the network).
    #[must_use]
    pub fn fetches_started(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The brief of `url` (normalised here too), from the cache or freshly made, for nobody
    /// in particular (see [`Self::brief_for`]). The returned brief has an empty `text` (the
    /// bot never shows the main text, and dropping it keeps the cache small).
    ///
    /// # Errors
    /// A [`BriefError`] shared by every caller that waited on the same fetch.
    pub async fn brief(
        &self,
        url: &str,
        sentences: Option<usize>,
    ) -> Result<Arc<Brief>, Arc<BriefError>> {
        self.brief_for(url, sentences, &Asker::default()).await
    }

    /// The brief of `url` for `asker`: a fetch it starts counts against the asker's person
    /// and server slots, and the brief is given only when the asker accepts the link, every
    /// redirect and the final URL (else [`BriefError::NotAllowed`], which is not remembered
    /// as a failure of the link: another asker may accept it).
    ///
    /// # Errors
    /// A [`BriefError`] shared by every caller that waited on the same fetch, or
    /// [`BriefError::NotAllowed`] for this asker alone.
    pub async fn brief_for(
        &self,
        url: &str,
        sentences: Option<usize>,
        asker: &Asker,
    ) -> Result<Arc<Brief>, Arc<BriefError>> {
        let normalised = crate::links::normalize_url(url)
            .ok_or_else(|| Arc::new(BriefError::Engine(Error::InvalidUrl(url.to_string()))))?
            .to_string();
        if asker.accepts.as_ref().is_some_and(|ok| !ok(&normalised)) {
            return Err(Arc::new(BriefError::NotAllowed));
        }
        let key = (normalised.clone(), sentences);
        if let Some(failures) = &self.failures {
            if let Some(err) = failures.get(&key).await {
                return Err(err);
            }
        }
        let entry = if let Some(entry) = self.cache.get(&key).await {
            self.metrics.cache_hits.with_label_values(&["local"]).inc();
            entry
        } else {
            let result = self
                .cache
                .try_get_with(
                    key.clone(),
                    self.make(normalised.clone(), sentences, asker.clone()),
                )
                .await;
            match result {
                Ok(entry) => entry,
                Err(err) => {
                    // Busy and internal errors say nothing about the link itself.
                    if let (BriefError::Engine(_), Some(failures)) = (&*err, &self.failures) {
                        failures.insert(key, Arc::clone(&err)).await;
                    }
                    return Err(err);
                }
            }
        };
        if asker.accepts(&normalised, &entry) {
            Ok(entry.brief)
        } else {
            Err(Arc::new(BriefError::NotAllowed))
        }
    }

    /// The brief of `url` if one is cached here now under one of the summary lengths
    /// `lengths`, found by the link asked for or by the URL it ended at. Never fetches.
    pub async fn cached(&self, url: &str, lengths: &[Option<usize>]) -> Option<Arc<Brief>> {
        let normalised = crate::links::normalize_url(url)?.to_string();
        let mut names = vec![normalised.clone()];
        if let Some(asked) = self.finals.get(&normalised).await {
            names.push(asked);
        }
        for name in names {
            for len in lengths {
                if let Some(entry) = self.cache.get(&(name.clone(), *len)).await {
                    self.metrics.cache_hits.with_label_values(&["local"]).inc();
                    return Some(entry.brief);
                }
            }
        }
        None
    }

    /// Makes a brief after a local miss: from the shared cache, by waiting for the process
    /// that is fetching the link, or by fetching it here (and then sharing it).
    async fn make(
        &self,
        url: String,
        sentences: Option<usize>,
        asker: Asker,
    ) -> Result<Entry, BriefError> {
        let Some(shared) = self.shared.clone() else {
            return self.make_here(url, sentences, &asker).await;
        };
        let from_shared = |brief: Brief| Entry {
            brief: Arc::new(brief),
            hops: Arc::from(Vec::new()),
        };
        let key = SharedCache::key(&url, sentences);
        if let Some(brief) = shared.get(&key).await {
            self.metrics.cache_hits.with_label_values(&["shared"]).inc();
            return Ok(from_shared(brief));
        }
        match shared.lock(&key).await {
            Lock::Acquired => {
                let made = self.make_here(url, sentences, &asker).await;
                if let Ok(entry) = &made {
                    shared.put(&key, &entry.brief).await;
                }
                shared.unlock(&key).await;
                made
            }
            Lock::Held => {
                if let Some(brief) = shared.wait_for(&key).await {
                    self.metrics.cache_hits.with_label_values(&["shared"]).inc();
                    return Ok(from_shared(brief));
                }
                self.make_here(url, sentences, &asker).await
            }
            Lock::Unavailable => self.make_here(url, sentences, &asker).await,
        }
    }

    /// Fetches and briefs `url` in this process, counting it in the metrics.
    async fn make_here(
        &self,
        url: String,
        sentences: Option<usize>,
        asker: &Asker,
    ) -> Result<Entry, BriefError> {
        let started = std::time::Instant::now();
        let made = self.fetch_and_brief(url.clone(), sentences, asker).await;
        match &made {
            Ok(entry) => {
                self.metrics.briefs_made.inc();
                self.metrics
                    .fetch_seconds
                    .observe(started.elapsed().as_secs_f64());
                let ended_at = entry
                    .brief
                    .url
                    .as_deref()
                    .and_then(crate::links::normalize_url)
                    .map(|u| u.to_string());
                if let Some(fin) = ended_at.filter(|f| *f != url) {
                    self.finals.insert(fin, url).await;
                }
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
        asker: &Asker,
    ) -> Result<Entry, BriefError> {
        let _slot = self.slots.acquire(asker, self.slot_wait).await?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let page = self.engine.fetcher().fetch(&url).await?;
        // The test hook (see `CacheConfig::panic_in_fetch_on_url_containing`).
        if let Some(m) = self.panic_in_fetch_on.as_deref() {
            if url.contains(m) {
                panic!("forced panic while fetching {url} (test hook)");
            }
        }
        let hops: Arc<[String]> = page.hops.iter().map(ToString::to_string).collect();
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
        Ok(Entry {
            brief: Arc::new(brief),
            hops,
        })
    }
}

/// The brief cache, bounded in bytes: each entry weighs its real size (key and brief), and
/// at least `max_bytes / capacity`, so neither the byte budget nor the entry count is ever
/// exceeded whichever bound is met first.
fn weighed_cache(config: &CacheConfig) -> Cache<Key, Entry> {
    let max_bytes = config.max_bytes.max(1);
    let floor = max_bytes / config.capacity.max(1);
    Cache::builder()
        .max_capacity(max_bytes)
        .weigher(move |key: &Key, entry: &Entry| {
            // An entry heavier than u32::MAX bytes cannot exist (fields are capped); saturate.
            u32::try_from(entry_bytes(key, entry).max(floor)).unwrap_or(u32::MAX)
        })
        .time_to_live(config.ttl)
        .build()
}

/// The bytes one cache entry holds: its key, its brief, its redirects, and moka's
/// bookkeeping.
fn entry_bytes(key: &Key, entry: &Entry) -> u64 {
    let hops: usize = entry.hops.iter().map(|h| h.capacity() + 24).sum();
    (key.0.capacity() + entry.brief.approx_bytes() + hops) as u64 + ENTRY_OVERHEAD_BYTES
}

// ---- fetch slots, shared fairly ------------------------------------------------------------

/// The fetch slots: `total` at once across the service, at most `user_cap` held by one person
/// and `server_cap` by one server (0: no such limit). A request that cannot take a slot waits
/// in a bounded queue; each freed slot goes to the waiting request that may take it whose
/// person holds the fewest slots, then whose server does, then the oldest. So a person or
/// server holding slots with slow fetches never keeps the others waiting behind them.
struct FetchSlots {
    user_cap: usize,
    server_cap: usize,
    queue_cap: usize,
    state: std::sync::Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    free: usize,
    /// Slots held per person and per server (entries at zero are removed: bounded memory).
    users: HashMap<u64, usize>,
    servers: HashMap<u64, usize>,
    /// Requests waiting, oldest first.
    waiters: Vec<Waiter>,
    next_id: u64,
}

struct Waiter {
    id: u64,
    user: Option<u64>,
    server: Option<u64>,
    grant: oneshot::Sender<()>,
}

impl SlotState {
    fn held(map: &HashMap<u64, usize>, key: Option<u64>) -> usize {
        key.and_then(|k| map.get(&k)).copied().unwrap_or(0)
    }

    fn may_take(&self, caps: (usize, usize), user: Option<u64>, server: Option<u64>) -> bool {
        let under = |cap: usize, held: usize| cap == 0 || held < cap;
        under(caps.0, Self::held(&self.users, user))
            && under(caps.1, Self::held(&self.servers, server))
    }

    fn take(&mut self, user: Option<u64>, server: Option<u64>) {
        self.free -= 1;
        if let Some(u) = user {
            *self.users.entry(u).or_default() += 1;
        }
        if let Some(s) = server {
            *self.servers.entry(s).or_default() += 1;
        }
    }

    fn give_back(&mut self, user: Option<u64>, server: Option<u64>) {
        self.free += 1;
        for (map, key) in [(&mut self.users, user), (&mut self.servers, server)] {
            if let Some(k) = key {
                if let Some(n) = map.get_mut(&k) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        map.remove(&k);
                    }
                }
            }
        }
    }

    /// Hands free slots to the waiters that may take them, fewest held first.
    fn dispatch(&mut self, caps: (usize, usize)) {
        while self.free > 0 {
            let best = self
                .waiters
                .iter()
                .enumerate()
                .filter(|(_, w)| self.may_take(caps, w.user, w.server))
                .min_by_key(|(_, w)| {
                    (
                        Self::held(&self.users, w.user),
                        Self::held(&self.servers, w.server),
                        w.id,
                    )
                })
                .map(|(i, _)| i);
            let Some(i) = best else {
                return;
            };
            let w = self.waiters.remove(i);
            self.take(w.user, w.server);
            // The receiver lives as long as the waiter's entry (see `Waiting`): this send
            // cannot fail, and if it did the slot would only come straight back.
            if w.grant.send(()).is_err() {
                self.give_back(w.user, w.server);
            }
        }
    }
}

impl FetchSlots {
    fn new(config: &CacheConfig) -> Self {
        Self {
            user_cap: config.user_slots,
            server_cap: config.server_slots,
            queue_cap: config.queue_cap,
            state: std::sync::Mutex::new(SlotState {
                free: config.fetch_concurrency.max(1),
                ..SlotState::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        // A poisoned lock only means a thread panicked mid-update; the counts are still whole.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn caps(&self) -> (usize, usize) {
        (self.user_cap, self.server_cap)
    }

    /// Requests waiting for a slot now.
    fn waiting(&self) -> usize {
        self.lock().waiters.len()
    }

    /// A slot for `asker` within `wait`, or [`BriefError::Busy`] when the wait passes or too
    /// many requests already wait.
    async fn acquire(self: &Arc<Self>, asker: &Asker, wait: Duration) -> Result<Slot, BriefError> {
        let (user, server) = (asker.user, asker.server);
        let (grant, granted) = oneshot::channel();
        let mut waiting = {
            let mut state = self.lock();
            let id = state.next_id;
            state.next_id += 1;
            state.waiters.push(Waiter {
                id,
                user,
                server,
                grant,
            });
            state.dispatch(self.caps());
            let still_waiting = state.waiters.iter().any(|w| w.id == id);
            if still_waiting && state.waiters.len() > self.queue_cap {
                state.waiters.retain(|w| w.id != id);
                return Err(BriefError::Busy);
            }
            Waiting {
                slots: Arc::clone(self),
                id,
                user,
                server,
                granted,
                done: false,
            }
        };
        match tokio::time::timeout(wait, &mut waiting.granted).await {
            Ok(Ok(())) => {
                waiting.done = true;
                Ok(Slot {
                    slots: Arc::clone(self),
                    user,
                    server,
                })
            }
            // Dropping `waiting` leaves the queue, or hands back a slot granted meanwhile.
            Ok(Err(_)) | Err(_) => Err(BriefError::Busy),
        }
    }
}

/// A request in the queue. Dropped before its grant was taken (timed out or cancelled), it
/// leaves the queue, or hands back the slot that was granted to it meanwhile.
struct Waiting {
    slots: Arc<FetchSlots>,
    id: u64,
    user: Option<u64>,
    server: Option<u64>,
    /// Kept alive until this is dropped, so a grant is never sent into the void.
    granted: oneshot::Receiver<()>,
    done: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut state = self.slots.lock();
        if let Some(i) = state.waiters.iter().position(|w| w.id == self.id) {
            state.waiters.remove(i);
        } else {
            state.give_back(self.user, self.server);
            state.dispatch(self.slots.caps());
        }
    }
}

/// A fetch slot held; dropping it frees the slot for the next waiter.
struct Slot {
    slots: Arc<FetchSlots>,
    user: Option<u64>,
    server: Option<u64>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.slots.lock();
        state.give_back(self.user, self.server);
        state.dispatch(self.slots.caps());
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

    fn slots(total: usize, user: usize, server: usize) -> Arc<FetchSlots> {
        Arc::new(FetchSlots::new(&CacheConfig {
            fetch_concurrency: total,
            user_slots: user,
            server_slots: server,
            ..CacheConfig::default()
        }))
    }

    fn asker(user: u64, server: u64) -> Asker {
        Asker {
            user: Some(user),
            server: Some(server),
            accepts: None,
        }
    }

    /// Starts a request for a slot and returns once it is queued.
    async fn queued(
        slots: &Arc<FetchSlots>,
        who: Asker,
    ) -> tokio::task::JoinHandle<Result<Slot, BriefError>> {
        let before = slots.waiting();
        let s = Arc::clone(slots);
        let task = tokio::spawn(async move { s.acquire(&who, Duration::from_secs(60)).await });
        while slots.waiting() == before {
            tokio::task::yield_now().await;
        }
        task
    }

    const NOW: Duration = Duration::ZERO;

    #[tokio::test]
    async fn one_person_and_one_server_hold_only_their_share_of_the_slots() {
        let s = slots(4, 2, 3);
        let a1 = s.acquire(&asker(1, 10), NOW).await.unwrap();
        let _a2 = s.acquire(&asker(1, 10), NOW).await.unwrap();
        assert!(
            matches!(s.acquire(&asker(1, 10), NOW).await, Err(BriefError::Busy)),
            "a third slot for the same person waits (here: no wait allowed)"
        );
        let _b1 = s.acquire(&asker(2, 10), NOW).await.unwrap();
        assert!(
            s.acquire(&asker(3, 10), NOW).await.is_err(),
            "the server holds its three"
        );
        let _c1 = s
            .acquire(&asker(3, 20), NOW)
            .await
            .expect("another server gets the fourth");
        assert!(
            s.acquire(&asker(4, 30), NOW).await.is_err(),
            "all four are held"
        );
        drop(a1);
        let _d = s
            .acquire(&asker(4, 30), NOW)
            .await
            .expect("a freed slot is free");
        assert_eq!(s.waiting(), 0, "refused requests left the queue");
    }

    #[tokio::test]
    async fn a_freed_slot_goes_to_the_waiter_holding_the_fewest() {
        let s = slots(3, 2, 0);
        let a1 = s.acquire(&asker(1, 10), NOW).await.unwrap();
        let _a2 = s.acquire(&asker(1, 10), NOW).await.unwrap();
        let _b1 = s.acquire(&asker(2, 10), NOW).await.unwrap();
        // Waiting, oldest first: person 2's second link, then person 3's first.
        let b2 = queued(&s, asker(2, 10)).await;
        let c1 = queued(&s, asker(3, 10)).await;
        drop(a1);
        let c_slot = c1
            .await
            .unwrap()
            .expect("person 3 holds none: served first");
        assert!(!b2.is_finished(), "person 2, who holds one, waits on");
        drop(c_slot);
        assert!(b2.await.unwrap().is_ok());
        assert_eq!(s.waiting(), 0);
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_no_slot_behind() {
        let s = slots(1, 0, 0);
        let held = s.acquire(&asker(1, 10), NOW).await.unwrap();
        let gave_up = queued(&s, asker(2, 10)).await;
        gave_up.abort();
        let _ = gave_up.await;
        assert_eq!(s.waiting(), 0, "the cancelled request left the queue");
        drop(held);
        // The slot came back whole: exactly one can be taken.
        let again = s.acquire(&asker(3, 10), NOW).await.unwrap();
        assert!(s.acquire(&asker(4, 10), NOW).await.is_err());
        drop(again);
        let st = s.lock();
        assert_eq!(st.free, 1);
        assert!(
            st.users.is_empty() && st.servers.is_empty(),
            "no counts left over"
        );
    }

    #[test]
    fn an_askers_filter_sees_the_link_every_redirect_and_the_final_url() {
        let asker = Asker {
            accepts: Some(Arc::new(|u: &str| !u.contains("ignored.example"))),
            ..Asker::default()
        };
        let entry = |hops: &[&str], last: &str| Entry {
            brief: Arc::new(Brief {
                url: Some(last.to_string()),
                ..Brief::default()
            }),
            hops: hops.iter().map(|h| (*h).to_string()).collect(),
        };
        let asked = "https://short.example/x";
        assert!(asker.accepts(asked, &entry(&[asked], "https://news.example/a")));
        assert!(!asker.accepts(
            asked,
            &entry(
                &[asked, "https://ignored.example/r"],
                "https://news.example/a"
            )
        ));
        assert!(!asker.accepts(asked, &entry(&[asked], "https://ignored.example/a")));
        assert!(!asker.accepts(
            "https://ignored.example/x",
            &entry(&[], "https://news.example/a")
        ));
        assert!(Asker::default().accepts(asked, &entry(&[], "https://ignored.example/a")));
    }
}
