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
/// Prefix of every key, with a version: a change of the brief's JSON shape changes it.
const PREFIX: &str = "newsbrief:v1";

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

    /// Whether Redis answers a PING now.
    pub async fn ping(&self) -> bool {
        self.run::<String>(&redis::cmd("PING")).await.is_some()
    }

    /// The brief stored under `key`, if any (a value that does not parse counts as none).
    pub async fn get(&self, key: &str) -> Option<Brief> {
        let json: Option<String> = self.run(redis::cmd("GET").arg(key)).await?;
        let json = json?;
        match serde_json::from_str(&json) {
            Ok(b) => Some(b),
            Err(e) => {
                tracing::debug!("ignoring an unreadable shared brief: {e}");
                None
            }
        }
    }

    /// Stores `brief` under `key` for the cache TTL (best effort).
    pub async fn put(&self, key: &str, brief: &Brief) {
        let Ok(json) = serde_json::to_string(brief) else {
            return;
        };
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
            let (json, locked): (Option<String>, i64) = self
                .run_pipe(
                    redis::pipe()
                        .cmd("GET")
                        .arg(key)
                        .cmd("EXISTS")
                        .arg(&lock_key),
                )
                .await?;
            if let Some(json) = json {
                return serde_json::from_str(&json).ok();
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
            "newsbrief:v1:brief:-:https://a.example/x"
        );
        assert_eq!(
            SharedCache::key("https://a.example/x", Some(5)),
            "newsbrief:v1:brief:5:https://a.example/x"
        );
        assert_ne!(
            SharedCache::key("https://a.example/x", Some(5)),
            SharedCache::key("https://a.example/x", Some(3))
        );
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
