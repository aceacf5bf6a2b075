//! The bot's limits: fair shares of briefs per person and per server, the pacing of
//! auto-briefs per channel (token buckets, [`ChannelLimiter`]), and the work tracker that
//! lets replies in flight finish on shutdown ([`WorkTracker`]).
//!
//! For deciding whether a piece of work may start now, later, or not at all. Not for how
//! long a fetch may hold a slot (the brief service's fetch slots, `crate::cache`) nor for
//! Discord's own rate limits (serenity's, or the proxy client's in `reply`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// Why a request for briefs was refused by the fair-sharing limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRefusal {
    /// The person has asked for many links in a short time.
    User,
    /// The server has asked for many links in a short time.
    Server,
}

/// Takes `links` from the user's share (`users`) and the server's (`servers`), or says which
/// one is spent.
///
/// # Errors
/// The share that is spent (nothing is taken from either then).
pub fn take_share(
    users: &ChannelLimiter,
    servers: &ChannelLimiter,
    user: u64,
    guild: Option<u64>,
    links: usize,
) -> Result<(), ShareRefusal> {
    let cost = u32::try_from(links).unwrap_or(u32::MAX);
    if !users.can_take(user, cost) {
        return Err(ShareRefusal::User);
    }
    if let Some(g) = guild {
        if !servers.try_take(g, cost) {
            return Err(ShareRefusal::Server);
        }
    }
    users.try_take(user, cost);
    Ok(())
}

// ---- work tracking for graceful shutdown --------------------------------------------------

/// Counts replies in flight and refuses new work once stopping.
#[derive(Debug)]
pub struct WorkTracker {
    active: watch::Sender<usize>,
    stopping: std::sync::atomic::AtomicBool,
}

impl Default for WorkTracker {
    fn default() -> Self {
        Self {
            active: watch::channel(0).0,
            stopping: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// Held while one piece of work runs; dropping it marks the work done.
#[derive(Debug)]
pub struct WorkGuard(Arc<WorkTracker>);

impl Drop for WorkGuard {
    fn drop(&mut self) {
        self.0.active.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl WorkTracker {
    /// Starts a piece of work, or `None` when the bot is stopping.
    #[must_use]
    pub fn start(self: &Arc<Self>) -> Option<WorkGuard> {
        if self.is_stopping() {
            return None;
        }
        self.active.send_modify(|n| *n += 1);
        Some(WorkGuard(Arc::clone(self)))
    }

    /// Whether shutdown has begun.
    #[must_use]
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Refuses new work and waits up to `grace` for the work in flight. Returns how many
    /// pieces were still running when the wait ended.
    pub async fn stop_and_drain(&self, grace: Duration) -> usize {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut rx = self.active.subscribe();
        let _ = tokio::time::timeout(grace, rx.wait_for(|n| *n == 0)).await;
        let left = *self.active.borrow();
        left
    }
}

// ---- per-channel pacing of auto-briefs ----------------------------------------------------

/// Channels tracked before idle, full buckets are forgotten (bounds memory).
const LIMITER_MAX_CHANNELS: usize = 10_000;

/// Paces auto-briefs per channel with a token bucket: `burst` replies at once, then one per
/// `refill`. A message over the rate is not dropped but waits for its turn, as long as the
/// channel's queue holds fewer than `backlog` waiting messages; beyond that it is skipped.
/// So a busy channel gets every reply (later), and one spammer can neither flood a channel
/// with replies nor queue unbounded work.
#[derive(Debug)]
pub struct ChannelLimiter {
    burst: u32,
    refill: Duration,
    backlog: u32,
    buckets: Mutex<HashMap<u64, (f64, Instant)>>,
}

impl ChannelLimiter {
    /// A limiter; a `burst` of zero means no limit.
    #[must_use]
    pub fn new(burst: u32, refill: Duration, backlog: u32) -> Self {
        Self {
            burst,
            refill,
            backlog,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Reserves a reply slot in `channel`: `Some(wait)` to reply after `wait` (zero when
    /// within the burst), `None` when the channel's queue is full.
    pub fn reserve(&self, channel: u64) -> Option<Duration> {
        if self.burst == 0 || self.refill.is_zero() {
            return Some(Duration::ZERO);
        }
        let per_sec = 1.0 / self.refill.as_secs_f64();
        // A poisoned lock only means another thread panicked mid-update; the map is still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tokens = self.refilled(&mut buckets, channel);
        if tokens - 1.0 < -f64::from(self.backlog) {
            return None;
        }
        let left = tokens - 1.0;
        if let Some((t, _)) = buckets.get_mut(&channel) {
            *t = left;
        }
        let wait = if left >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-left / per_sec)
        };
        Some(wait)
    }
}

impl ChannelLimiter {
    /// Refills `key`'s bucket (forgetting idle, full buckets past the bound) and returns the
    /// tokens it holds now.
    fn refilled(&self, buckets: &mut HashMap<u64, (f64, Instant)>, key: u64) -> f64 {
        let now = Instant::now();
        let burst = f64::from(self.burst);
        let per_sec = 1.0 / self.refill.as_secs_f64();
        if buckets.len() > LIMITER_MAX_CHANNELS {
            buckets.retain(|_, (tokens, at)| {
                (*tokens + now.duration_since(*at).as_secs_f64() * per_sec) < burst
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_sec).min(burst);
        *at = now;
        *tokens
    }

    /// Whether `key`'s bucket holds `cost` tokens now (nothing is taken).
    #[must_use]
    pub fn can_take(&self, key: u64, cost: u32) -> bool {
        if self.burst == 0 || self.refill.is_zero() {
            return true;
        }
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.refilled(&mut buckets, key) >= f64::from(cost.min(self.burst))
    }

    /// Takes `cost` tokens from `key`'s bucket if it holds them (no waiting, no backlog): a
    /// plain token bucket of `burst` tokens refilled one per `refill`. A cost above the
    /// burst counts as the whole burst, so a large request is possible once the bucket is full.
    pub fn try_take(&self, key: u64, cost: u32) -> bool {
        if self.burst == 0 || self.refill.is_zero() {
            return true;
        }
        let cost = f64::from(cost.min(self.burst));
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.refilled(&mut buckets, key) < cost {
            return false;
        }
        if let Some((tokens, _)) = buckets.get_mut(&key) {
            *tokens -= cost;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_paces_a_burst_then_refuses_beyond_the_backlog() {
        let l = ChannelLimiter::new(2, Duration::from_secs(10), 2);
        assert_eq!(l.reserve(1), Some(Duration::ZERO));
        assert_eq!(l.reserve(1), Some(Duration::ZERO));
        let third = l.reserve(1).unwrap();
        assert!(
            third > Duration::from_secs(9) && third <= Duration::from_secs(10),
            "{third:?}"
        );
        let fourth = l.reserve(1).unwrap();
        assert!(fourth > Duration::from_secs(19), "{fourth:?}");
        assert_eq!(l.reserve(1), None, "queue full");
        assert_eq!(
            l.reserve(2),
            Some(Duration::ZERO),
            "other channels are independent"
        );
        assert_eq!(
            ChannelLimiter::new(0, Duration::from_secs(1), 0).reserve(1),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn shares_refuse_without_waiting_and_refill() {
        let l = ChannelLimiter::new(3, Duration::from_secs(3600), 0);
        assert!(l.can_take(1, 2));
        assert!(l.try_take(1, 2));
        assert!(!l.can_take(1, 2));
        assert!(!l.try_take(1, 2), "one token left, two asked");
        assert!(l.try_take(1, 1));
        assert!(!l.try_take(1, 1));
        assert!(
            l.try_take(2, 9),
            "a cost above the burst takes the full bucket"
        );
        assert!(!l.try_take(2, 1));
        let fast = ChannelLimiter::new(1, Duration::from_millis(1), 0);
        assert!(fast.try_take(1, 1));
        std::thread::sleep(Duration::from_millis(20));
        assert!(fast.try_take(1, 1), "refilled");
    }

    #[tokio::test]
    async fn drain_waits_for_work_and_refuses_new_work() {
        let t = Arc::new(WorkTracker::default());
        let g = t.start().unwrap();
        let t2 = Arc::clone(&t);
        let drained = tokio::spawn(async move { t2.stop_and_drain(Duration::from_secs(30)).await });
        // Once stopping, no new work starts; then finishing the old work ends the drain.
        while !t.is_stopping() {
            tokio::task::yield_now().await;
        }
        assert!(t.start().is_none());
        drop(g);
        assert_eq!(drained.await.unwrap(), 0);
    }
}
