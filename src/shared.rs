//! The brief cache shared by a fleet of bot processes, in Redis (`NEWSBRIEF_REDIS_URL`).
//!
//! Key: the normalised URL (with the summary length); value: the brief's JSON, kept as long
//! as the local cache keeps a brief. When a process is about to fetch a link it takes a short
//! per-link lock (`SET NX PX`); another process that wants the same link meanwhile waits for
//! the first one's brief (a bounded wait, then it fetches the link itself). The in-memory
//! cache of each process stays in front of all this ([`crate::cache`]).
//!
//! Redis is never needed for a reply: every call has a short timeout, and when Redis is down
//! or slow this logs it once, answers "not shared" for a few seconds without trying, then
//! tries again, and logs once more when Redis is back.
//!
//! What is read from Redis is untrusted input (anyone who can write to it could write any
//! value): at most [`MAX_ENTRY_BYTES`] are read (the size bound holds before any decoding),
//! an entry must name the URL of the key it is stored under and link to an http(s) page,
//! and the brief then gets the same field caps as a freshly made one, with no main text.
//! Anything else counts as no entry (and is logged once).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::AsyncConnectionConfig;

use crate::Brief;

/// Longest wait for one Redis answer; past it Redis counts as down (a reply must not wait
/// on a slow cache).
pub const OP_TIMEOUT: Duration = Duration::from_millis(250);
/// Longest wait to connect to Redis.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis is left alone after a failure before it is tried again.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often a process waiting for another's fetch looks for its result.
pub const POLL_EVERY: Duration = Duration::from_millis(20);
/// Deletes a lock only when it holds this process's mark, in one atomic step.
const UNLOCK_SCRIPT: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
/// Prefix of every key, with a version: a change of the stored JSON's shape changes it
/// (v2: the brief inside an entry that names its URL).
const PREFIX: &str = "newsbrief:v2";
/// Largest shared entry read, in bytes: a brief without its main text and with every field
/// capped ([`crate::brief`]) is some 60 KiB of one-byte characters, under 250 KiB in any
/// script, and JSON escapes can at most double that. Longer values are never decoded (nor
/// read whole: `GETRANGE` stops at this bound).
pub const MAX_ENTRY_BYTES: usize = 512 * 1024;
/// Longest link a shared brief may carry, in bytes.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// What is stored under a brief key: the brief and the (normalised) URL it was asked for, so
/// a brief is never shown for another URL than its key's.
#[derive(serde::Serialize)]
struct EntryOut<'a> {
    url: &'a str,
    brief: &'a Brief,
}

/// [`EntryOut`] as read back (untrusted).
#[derive(serde::Deserialize)]
struct EntryIn {
    url: String,
    brief: Brief,
}

/// Why a shared entry was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Longer than [`MAX_ENTRY_BYTES`].
    TooLarge,
    /// Not an entry of this version's shape.
    Unreadable,
    /// Stored under another URL's key.
    WrongUrl,
    /// Its link is not an http(s) URL (or is longer than [`MAX_URL_BYTES`]).
    BadLink,
}

/// The URL a brief key names.
fn url_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(PREFIX)?
        .strip_prefix(":brief:")?
        .split_once(':')
        .map(|(_, url)| url)
}

/// Checks a value read under `key` and makes it a brief as safe as a fresh one: the size
/// bound first (before decoding), then the shape, the key's URL, the link, and the caps.
///
/// # Errors
/// [`Refused`] says why the value is not used.
pub fn accept_entry(key: &str, raw: &[u8]) -> Result<Brief, Refused> {
    if raw.len() > MAX_ENTRY_BYTES {
        return Err(Refused::TooLarge);
    }
    let entry: EntryIn = serde_json::from_slice(raw).map_err(|_| Refused::Unreadable)?;
    if url_of_key(key) != Some(entry.url.as_str()) {
        return Err(Refused::WrongUrl);
    }
    let mut brief = entry.brief;
    if let Some(link) = &brief.url {
        let web = link.len() <= MAX_URL_BYTES
            && url::Url::parse(link)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        if !web {
            return Err(Refused::BadLink);
        }
    }
    brief.text = String::new();
    brief.enforce_limits();
    Ok(brief)
}

/// What taking a link's fetch lock gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// This process holds the lock: fetch, then [`SharedCache::put`] and [`SharedCache::unlock`].
    Acquired,
    /// Another process is fetching the link: [`SharedCache::wait_for`] its brief.
    Held,
    /// Redis is not available: fetch here.
    Unavailable,
}

/// A handle on the shared cache. One per process, shared behind an `Arc`.
pub struct SharedCache {
    client: redis::Client,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// No attempt before this instant (after a failure).
    retry_at: Mutex<Option<Instant>>,
    /// Whether the outage was logged (so it is logged once, and its end once).
    down: AtomicBool,
    ttl: Duration,
    wait: Duration,
    /// This process's mark in the locks it takes.
    owner: String,
    /// Set to 1 while Redis answers, 0 while it does not.
    up_gauge: Option<prometheus::IntGauge>,
    /// Whether a refused entry was logged (once per process: whoever writes them could
    /// otherwise flood the log).
    refused_logged: AtomicBool,
}

impl std::fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never shown.
        f.debug_struct("SharedCache")
            .field("ttl", &self.ttl)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

/// An invalid Redis URL (the URL itself is not repeated: it may hold a password).
#[derive(Debug, thiserror::Error)]
#[error("NEWSBRIEF_REDIS_URL is not a usable Redis URL: {0}")]
pub struct BadRedisUrl(String);

impl SharedCache {
    /// A shared cache at `url` whose entries live `ttl`, where a process waits at most
    /// `wait` for another's fetch. Nothing is connected yet: the first use connects, and a
    /// Redis that is down at start only means local-only briefs until it is up.
    ///
    /// # Errors
    /// [`BadRedisUrl`] when the URL cannot be parsed.
    pub fn new(url: &str, ttl: Duration, wait: Duration) -> Result<Self, BadRedisUrl> {
        let client =
            redis::Client::open(url).map_err(|e| BadRedisUrl(format!("{:?}", e.kind())))?;
        Ok(Self {
            client,
            conn: tokio::sync::Mutex::new(None),
            retry_at: Mutex::new(None),
            down: AtomicBool::new(false),
            ttl,
            wait,
            owner: format!("{}-{}", std::process::id(), random_u64()),
            up_gauge: None,
            refused_logged: AtomicBool::new(false),
        })
    }

    /// Reports availability into `gauge` (1 up, 0 down).
    #[must_use]
    pub fn with_gauge(mut self, gauge: prometheus::IntGauge) -> Self {
        self.up_gauge = Some(gauge);
        self
    }

    /// The brief key of a normalised URL.
    #[must_use]
    pub fn key(url: &str, sentences: Option<usize>) -> String {
        match sentences {
            Some(n) => format!("{PREFIX}:brief:{n}:{url}"),
            None => format!("{PREFIX}:brief:-:{url}"),
        }
    }

    fn lock_key(key: &str) -> String {
        format!("{PREFIX}:lock:{key}")
    }

    /// A connection, unless Redis failed a moment ago or cannot be reached now.
    async fn connection(&self) -> Option<MultiplexedConnection> {
        if self.resting() {
            return None;
        }
        let mut slot = self.conn.lock().await;
        if let Some(c) = slot.as_ref() {
            return Some(c.clone());
        }
        // Callers that queued here while another one's attempt failed do not try again.
        if self.resting() {
            return None;
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(OP_TIMEOUT));
        let connected = tokio::time::timeout(
            CONNECT_TIMEOUT + OP_TIMEOUT,
            self.client
                .get_multiplexed_async_connection_with_config(&config),
        )
        .await;
        match connected {
            Ok(Ok(c)) => {
                *slot = Some(c.clone());
                Some(c)
            }
            Ok(Err(e)) => {
                drop(slot);
                self.failed(&e.to_string()).await;
                None
            }
            Err(_) => {
                drop(slot);
                self.failed("no answer within the connect timeout").await;
                None
            }
        }
    }

    /// Whether Redis failed less than [`RETRY_AFTER`] ago (and is left alone).
    fn resting(&self) -> bool {
        self.retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some_and(|at| Instant::now() < at)
    }

    /// Marks Redis down: logs once, forgets the connection, waits [`RETRY_AFTER`].
    async fn failed(&self, why: &str) {
        *self.conn.lock().await = None;
        *self
            .retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Instant::now() + RETRY_AFTER);
        if let Some(g) = &self.up_gauge {
            g.set(0);
        }
        if !self.down.swap(true, Ordering::SeqCst) {
            tracing::warn!(
                "Redis is unreachable or slow ({why}); briefs use this process's own cache until it is back"
            );
        }
    }

    fn succeeded(&self) {
        if let Some(g) = &self.up_gauge {
            g.set(1);
        }
        if self.down.swap(false, Ordering::SeqCst) {
            tracing::info!("Redis is back: briefs are shared between processes again");
        }
    }

    /// Runs one command with the bounded wait; `None` when Redis is not available.
    async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        let mut conn = self.connection().await?;
        let answer = tokio::time::timeout(OP_TIMEOUT, cmd.query_async::<T>(&mut conn)).await;
        self.settle(answer).await
    }

    /// [`Self::run`] for a pipeline (several commands in one round trip).
    async fn run_pipe<T: redis::FromRedisValue>(&self, pipe: &redis::Pipeline) -> Option<T> {
        let mut conn = self.connection().await?;
        let answer = tokio::time::timeout(OP_TIMEOUT, pipe.query_async::<T>(&mut conn)).await;
        self.settle(answer).await
    }

    /// Turns an answer (or its absence) into a value, marking Redis up or down.
    async fn settle<T>(
        &self,
        answer: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Option<T> {
        match answer {
            Ok(Ok(v)) => {
                self.succeeded();
                Some(v)
            }
            // Redis answered, with an error about the command or the key (a key of another
            // type, say): Redis is up, the value is just not usable.
            Ok(Err(e)) if answered_with_error(&e) => {
                self.succeeded();
                tracing::debug!("Redis refused a command: {e}");
                None
            }
            Ok(Err(e)) => {
                self.failed(&e.to_string()).await;
                None
            }
            Err(_) => {
                self.failed("no answer within the operation timeout").await;
                None
            }
        }
    }

    /// A value read under `key`, checked ([`accept_entry`]); a refusal is logged once.
    fn checked(&self, key: &str, raw: &[u8]) -> Option<Brief> {
        match accept_entry(key, raw) {
            Ok(b) => Some(b),
            Err(why) => {
                if !self.refused_logged.swap(true, Ordering::SeqCst) {
                    tracing::warn!(
                        ?why,
                        "ignoring a shared brief in Redis that is not one this bot wrote ({why:?}); is something else writing to it? (logged once)"
                    );
                }
                None
            }
        }
    }

    /// The `GETRANGE` command that reads at most [`MAX_ENTRY_BYTES`] + 1 bytes of `key`.
    fn bounded_get(key: &str) -> redis::Cmd {
        let mut cmd = redis::cmd("GETRANGE");
        cmd.arg(key).arg(0).arg(MAX_ENTRY_BYTES);
        cmd
    }

    /// Whether Redis answers a PING now.
    pub async fn ping(&self) -> bool {
        self.run::<String>(&redis::cmd("PING")).await.is_some()
    }

    /// The brief stored under `key`, if any: a value that is too large, does not parse, or
    /// names another URL counts as none ([`accept_entry`]).
    pub async fn get(&self, key: &str) -> Option<Brief> {
        let raw: Vec<u8> = self.run(&Self::bounded_get(key)).await?;
        // A missing key reads as an empty range.
        if raw.is_empty() {
            return None;
        }
        self.checked(key, &raw)
    }

    /// Stores `brief` under `key` for the cache TTL (best effort), without its main text.
    pub async fn put(&self, key: &str, brief: &Brief) {
        let Some(url) = url_of_key(key) else {
            return;
        };
        let json = if brief.text.is_empty() {
            serde_json::to_vec(&EntryOut { url, brief })
        } else {
            let brief = Brief {
                text: String::new(),
                ..brief.clone()
            };
            serde_json::to_vec(&EntryOut { url, brief: &brief })
        };
        let Ok(json) = json else {
            return;
        };
        if json.len() > MAX_ENTRY_BYTES {
            return;
        }
        let ms = u64::try_from(self.ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let _: Option<()> = self
            .run(redis::cmd("SET").arg(key).arg(json).arg("PX").arg(ms))
            .await;
    }

    /// Takes the fetch lock of `key` for at most the bounded wait (it then expires by itself,
    /// so a process killed mid-fetch never blocks others for longer).
    pub async fn lock(&self, key: &str) -> Lock {
        let ms = u64::try_from(self.wait.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let set: Option<Option<String>> = self
            .run(
                redis::cmd("SET")
                    .arg(Self::lock_key(key))
                    .arg(&self.owner)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms),
            )
            .await;
        match set {
            Some(Some(_)) => Lock::Acquired,
            Some(None) => Lock::Held,
            None => Lock::Unavailable,
        }
    }

    /// Releases the fetch lock of `key` if this process still holds it (a fetch that outlived
    /// the lock must not release another process's); best effort, as it expires anyway.
    pub async fn unlock(&self, key: &str) {
        let _: Option<i64> = self
            .run(
                redis::cmd("EVAL")
                    .arg(UNLOCK_SCRIPT)
                    .arg(1)
                    .arg(Self::lock_key(key))
                    .arg(&self.owner),
            )
            .await;
    }

    /// Waits for the brief another process is making under `key`: `None` when the wait
    /// bound passes, the other process gives up (its lock is gone with no brief), or Redis
    /// fails; the caller then fetches the link itself.
    pub async fn wait_for(&self, key: &str) -> Option<Brief> {
        let deadline = Instant::now() + self.wait;
        let lock_key = Self::lock_key(key);
        while Instant::now() < deadline {
            tokio::time::sleep(POLL_EVERY).await;
            // One round trip for both: the brief, and whether the lock is still held.
            let (raw, locked): (Vec<u8>, i64) = self
                .run_pipe(
                    redis::pipe()
                        .cmd("GETRANGE")
                        .arg(key)
                        .arg(0)
                        .arg(MAX_ENTRY_BYTES)
                        .cmd("EXISTS")
                        .arg(&lock_key),
                )
                .await?;
            if !raw.is_empty() {
                return self.checked(key, &raw);
            }
            if locked == 0 {
                return None;
            }
        }
        None
    }
}

/// Small text values beside the briefs (the bot's duplicate-link memory). What comes back is
/// untrusted: callers check it before use.
impl SharedCache {
    /// The text stored under `key`, if any: at most 1 KiB is read, and a longer value
    /// counts as none.
    pub async fn get_text(&self, key: &str) -> Option<String> {
        // GETRANGE reads one byte past the bound, to tell a longer value; "" when absent.
        // Read as bytes: a value that is not UTF-8 is refused here, not taken for an outage.
        let value: Vec<u8> = self
            .run(redis::cmd("GETRANGE").arg(key).arg(0).arg(1024))
            .await?;
        if value.is_empty() || value.len() > 1024 {
            return None;
        }
        String::from_utf8(value).ok()
    }

    /// Stores `value` under `key` for `ttl` (best effort).
    pub async fn put_text(&self, key: &str, value: &str, ttl: Duration) {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let _: Option<()> = self
            .run(redis::cmd("SET").arg(key).arg(value).arg("PX").arg(ms))
            .await;
    }
}

/// Whether `e` is Redis answering with an error (about the command or the key), rather
/// than Redis being unreachable or the connection failing.
fn answered_with_error(e: &redis::RedisError) -> bool {
    matches!(
        e.kind(),
        redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError)
            | redis::ErrorKind::Extension
            | redis::ErrorKind::UnexpectedReturnType
    )
}

/// A random number for lock marks (no extra dependency: the std hasher is randomly keyed).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_the_url_and_the_length() {
        assert_eq!(
            SharedCache::key("https://a.example/x", None),
            "newsbrief:v2:brief:-:https://a.example/x"
        );
        assert_eq!(
            SharedCache::key("https://a.example/x", Some(5)),
            "newsbrief:v2:brief:5:https://a.example/x"
        );
        assert_ne!(
            SharedCache::key("https://a.example/x", Some(5)),
            SharedCache::key("https://a.example/x", Some(3))
        );
    }

    #[test]
    fn entries_are_checked_before_and_after_decoding() {
        let url = "https://a.example/x";
        let key = SharedCache::key(url, Some(3));
        assert_eq!(url_of_key(&key), Some(url));
        let brief = Brief {
            url: Some(url.into()),
            title: Some("t ".repeat(10_000)),
            text: "main text".into(),
            ..Brief::default()
        };
        let entry =
            |u: &str, b: &Brief| serde_json::to_vec(&EntryOut { url: u, brief: b }).unwrap();
        let ok = accept_entry(&key, &entry(url, &brief)).unwrap();
        assert!(ok.text.is_empty());
        assert!(ok.title.unwrap().chars().count() <= crate::brief::TITLE_MAX_CHARS);
        assert_eq!(
            accept_entry(&key, &entry("https://b.example/", &brief)),
            Err(Refused::WrongUrl)
        );
        assert_eq!(
            accept_entry(
                &SharedCache::key("https://b.example/", Some(3)),
                &entry(url, &brief)
            ),
            Err(Refused::WrongUrl)
        );
        let bad_link = Brief {
            url: Some("javascript:alert(1)".into()),
            ..brief.clone()
        };
        assert_eq!(
            accept_entry(&key, &entry(url, &bad_link)),
            Err(Refused::BadLink)
        );
        assert_eq!(
            accept_entry(&key, &serde_json::to_vec(&brief).unwrap()),
            Err(Refused::Unreadable),
            "a bare brief (no entry around it) is not one this bot wrote"
        );
        let huge = vec![b' '; MAX_ENTRY_BYTES + 1];
        assert_eq!(accept_entry(&key, &huge), Err(Refused::TooLarge));
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_left_alone_between_retries() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let gauge = prometheus::IntGauge::new("up", "up").unwrap();
        gauge.set(1);
        let shared = SharedCache::new(
            &format!("redis://:pw@127.0.0.1:{port}"),
            Duration::from_secs(60),
            Duration::from_secs(1),
        )
        .unwrap()
        .with_gauge(gauge.clone());
        assert_eq!(shared.lock("k").await, Lock::Unavailable);
        assert_eq!(gauge.get(), 0, "reported down");
        let started = Instant::now();
        for _ in 0..1_000 {
            assert!(shared.get("k").await.is_none());
        }
        assert!(shared.wait_for("k").await.is_none());
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "no new attempt within RETRY_AFTER: {:?}",
            started.elapsed()
        );
        assert!(!format!("{shared:?}").contains("pw"));
    }
}
