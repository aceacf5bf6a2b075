//! The bot's own settings, read from the environment (and `.env`, loaded by the binary).
//!
//! The engine's settings ([`crate::Settings`]: fetch limits, address policy) are separate and
//! passed in by the caller. Every variable here is documented in `.env.example`. The token is
//! kept out of `Debug` output so it can never reach a log line.

use std::path::PathBuf;
use std::time::Duration;

use crate::cache::{
    CacheConfig, DEFAULT_CAPACITY, DEFAULT_FETCH_CONCURRENCY, DEFAULT_MAX_BYTES, DEFAULT_TTL,
};
use crate::config::DEFAULT_DATABASE_URL;

/// Default article links briefed per message: more would bury the conversation.
pub const DEFAULT_LINKS_PER_MESSAGE: usize = 3;
/// Default per-user cooldown on slash and menu commands.
pub const DEFAULT_COMMAND_COOLDOWN: Duration = Duration::from_secs(5);
/// Default burst of auto-briefs one channel may get before pacing starts: a lively channel
/// where many people share links at once is served without delay.
pub const DEFAULT_CHANNEL_BURST: u32 = 30;
/// Default time for one more auto-brief to become available in a channel: two replies a
/// second at most once the burst is spent, so a flood of links becomes a steady trickle.
pub const DEFAULT_CHANNEL_REFILL: Duration = Duration::from_millis(500);
/// Default messages that may wait for their turn in one channel; more are skipped. With the
/// refill rate this bounds the wait to a minute and the queued work to 120 messages.
pub const DEFAULT_CHANNEL_BACKLOG: u32 = 120;
/// Default links one person may have briefed at once (in any channels), before their share
/// refills: a few messages' worth.
pub const DEFAULT_USER_BURST: u32 = 12;
/// Default time for one more link of a person's share to become available (12 a minute).
pub const DEFAULT_USER_REFILL: Duration = Duration::from_secs(5);
/// Default links one server may have briefed at once before its share refills.
pub const DEFAULT_SERVER_BURST: u32 = 60;
/// Default time for one more link of a server's share (60 a minute): with the default of 8
/// fetch slots, one server alone cannot keep every slot busy for long.
pub const DEFAULT_SERVER_REFILL: Duration = Duration::from_secs(1);
/// Default time Discord gets to answer one REST call before it is retried.
pub const DEFAULT_REST_TIMEOUT: Duration = Duration::from_secs(15);
/// Default bounded wait for replies in flight at shutdown.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// Default longest wait for another process's fetch of the same link (through Redis) before
/// fetching it here: a little more than a typical fetch and analysis, well under the reply
/// time people accept.
pub const DEFAULT_REDIS_WAIT: Duration = Duration::from_secs(10);
/// Shards one process may be told to run at most: far above what one process should run
/// (Discord wants one shard per ~1,000 servers), low enough to catch a typo.
pub const MAX_SHARDS: u32 = 65_536;

/// How many gateway shards the bot runs in all (`NEWSBRIEF_SHARDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardCount {
    /// Discord's recommended count, read from `GET /gateway/bot` at start.
    Auto,
    /// A fixed count (several processes must agree on it).
    Fixed(u32),
}

/// The shards this process runs: `start..end` of `total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardPlan {
    /// First shard id run here.
    pub start: u32,
    /// One past the last shard id run here.
    pub end: u32,
    /// Shards of the whole bot, over every process.
    pub total: u32,
}

impl ShardPlan {
    /// The shard ids run by this process.
    #[must_use]
    pub fn ids(&self) -> std::ops::Range<u32> {
        self.start..self.end
    }
}

/// Works out this process's shards from `NEWSBRIEF_SHARD_RANGE` (`range`, as `a..b`) and
/// the total count (`NEWSBRIEF_SHARDS`, or Discord's recommendation for `auto`).
///
/// # Errors
/// [`ConfigError::ShardRange`] naming the variable when the range does not fit the total.
pub fn plan_shards(range: Option<(u32, u32)>, total: u32) -> Result<ShardPlan, ConfigError> {
    let (start, end) = range.unwrap_or((0, total));
    if total == 0 || start >= end || end > total {
        return Err(ConfigError::ShardRange {
            value: format!("{start}..{end}"),
            total,
        });
    }
    Ok(ShardPlan { start, end, total })
}

/// Errors reading the bot settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `DISCORD_TOKEN` is not set.
    #[error("DISCORD_TOKEN is not set: put the bot token from the Discord developer portal (Bot tab) in the environment or in .env")]
    MissingToken,
    /// `NEWSBRIEF_SHARD_RANGE` does not fit the bot's shard count.
    #[error("NEWSBRIEF_SHARD_RANGE is not valid ({value:?}): expected a..b with a < b <= {total}, the shard count (NEWSBRIEF_SHARDS, or Discord's recommendation when it is auto); shards a to b-1 then run in this process")]
    ShardRange {
        /// The range as given.
        value: String,
        /// The shard count it must fit.
        total: u32,
    },
    /// A variable has a value that cannot be used.
    #[error("{name} is not valid ({value:?}): {expected}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is expected.
        expected: &'static str,
    },
}

/// The bot's settings.
#[derive(Clone)]
pub struct BotConfig {
    /// The bot token (secret; never logged).
    pub token: String,
    /// Base URL of a Discord REST proxy or fake (`DISCORD_PROXY_URL`).
    pub proxy_url: Option<String>,
    /// Settings database (`NEWSBRIEF_DATABASE_URL`).
    pub database_url: String,
    /// Guild where commands are registered instantly instead of globally.
    pub dev_guild_id: Option<u64>,
    /// Article links briefed per message at most.
    pub links_per_message: usize,
    /// Brief cache and fetch concurrency.
    pub cache: CacheConfig,
    /// Per-user cooldown on commands (zero: none).
    pub command_cooldown: Duration,
    /// Auto-briefs a channel may get at once before pacing starts (zero: no pacing).
    pub channel_burst: u32,
    /// Time for one more auto-brief to become available in a channel.
    pub channel_refill: Duration,
    /// Messages that may wait for their turn in one channel.
    pub channel_backlog: u32,
    /// Links one person may have briefed at once before pacing (zero: no per-person limit).
    pub user_burst: u32,
    /// Time for one more link of a person's share to become available.
    pub user_refill: Duration,
    /// Links one server may have briefed at once before pacing (zero: no per-server limit).
    pub server_burst: u32,
    /// Time for one more link of a server's share to become available.
    pub server_refill: Duration,
    /// Bounded wait for replies in flight at shutdown.
    pub shutdown_grace: Duration,
    /// Time Discord gets to answer one REST call (sending a reply) before a retry.
    pub rest_timeout: Duration,
    /// Folder with a `bot.toml` that overrides the built-in wording.
    pub prompts_dir: Option<PathBuf>,
    /// Shards of the whole bot (`NEWSBRIEF_SHARDS`).
    pub shards: ShardCount,
    /// The shards `a..b` run by this process (`NEWSBRIEF_SHARD_RANGE`; `None`: all).
    pub shard_range: Option<(u32, u32)>,
    /// Redis shared by a fleet of processes (`NEWSBRIEF_REDIS_URL`; secret: may hold a
    /// password, never logged).
    pub redis_url: Option<String>,
    /// Longest wait for another process's fetch of the same link.
    pub redis_wait: Duration,
    /// Where `/healthz` and `/metrics` are served (`NEWSBRIEF_METRICS_ADDR`; `None`: off).
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotConfig")
            .field("token", &"<redacted>")
            .field("proxy_url", &self.proxy_url)
            .field(
                "database_url",
                &crate::store::redact_url(&self.database_url),
            )
            .field("dev_guild_id", &self.dev_guild_id)
            .field("links_per_message", &self.links_per_message)
            .field("cache", &self.cache)
            .field("command_cooldown", &self.command_cooldown)
            .field("channel_burst", &self.channel_burst)
            .field("channel_refill", &self.channel_refill)
            .field("channel_backlog", &self.channel_backlog)
            .field("user_burst", &self.user_burst)
            .field("user_refill", &self.user_refill)
            .field("server_burst", &self.server_burst)
            .field("server_refill", &self.server_refill)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("rest_timeout", &self.rest_timeout)
            .field("prompts_dir", &self.prompts_dir)
            .field("shards", &self.shards)
            .field("shard_range", &self.shard_range)
            .field("redis_url", &self.redis_url.as_ref().map(|_| "<set>"))
            .field("redis_wait", &self.redis_wait)
            .field("metrics_addr", &self.metrics_addr)
            .finish()
    }
}

impl BotConfig {
    /// Settings with defaults around a token (for embedding the bot and for tests).
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            proxy_url: None,
            database_url: DEFAULT_DATABASE_URL.to_string(),
            dev_guild_id: None,
            links_per_message: DEFAULT_LINKS_PER_MESSAGE,
            cache: CacheConfig::default(),
            command_cooldown: DEFAULT_COMMAND_COOLDOWN,
            channel_burst: DEFAULT_CHANNEL_BURST,
            channel_refill: DEFAULT_CHANNEL_REFILL,
            channel_backlog: DEFAULT_CHANNEL_BACKLOG,
            user_burst: DEFAULT_USER_BURST,
            user_refill: DEFAULT_USER_REFILL,
            server_burst: DEFAULT_SERVER_BURST,
            server_refill: DEFAULT_SERVER_REFILL,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            rest_timeout: DEFAULT_REST_TIMEOUT,
            prompts_dir: None,
            shards: ShardCount::Auto,
            shard_range: None,
            redis_url: None,
            redis_wait: DEFAULT_REDIS_WAIT,
            metrics_addr: None,
        }
    }

    /// Reads the settings from the process environment.
    ///
    /// # Errors
    /// [`ConfigError`] naming the variable at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get` (a variable name to its value).
    ///
    /// # Errors
    /// [`ConfigError`] naming the variable at fault.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = var("DISCORD_TOKEN").ok_or(ConfigError::MissingToken)?;
        let mut c = Self::new(token);
        c.proxy_url = var("DISCORD_PROXY_URL");
        if let Some(p) = &c.proxy_url {
            check_proxy_url(p)?;
        }
        if let Some(db) = var("NEWSBRIEF_DATABASE_URL") {
            c.database_url = db;
        }
        c.dev_guild_id = parse(&var, "NEWSBRIEF_DEV_GUILD_ID", "a guild id (a number)")?;
        if c.dev_guild_id == Some(0) {
            return Err(invalid(
                "NEWSBRIEF_DEV_GUILD_ID",
                "0",
                "a guild id (a number)",
            ));
        }
        let positive = "a whole number of at least 1";
        c.links_per_message = parse(&var, "NEWSBRIEF_LINKS_PER_MESSAGE", positive)?
            .unwrap_or(DEFAULT_LINKS_PER_MESSAGE);
        if c.links_per_message == 0 {
            return Err(invalid("NEWSBRIEF_LINKS_PER_MESSAGE", "0", positive));
        }
        c.cache.ttl = secs(&var, "NEWSBRIEF_CACHE_TTL_SECS")?.unwrap_or(DEFAULT_TTL);
        c.cache.capacity =
            parse(&var, "NEWSBRIEF_CACHE_CAPACITY", positive)?.unwrap_or(DEFAULT_CAPACITY);
        c.cache.max_bytes =
            parse(&var, "NEWSBRIEF_CACHE_BYTES", positive)?.unwrap_or(DEFAULT_MAX_BYTES);
        if c.cache.max_bytes == 0 {
            return Err(invalid("NEWSBRIEF_CACHE_BYTES", "0", positive));
        }
        c.cache.fetch_concurrency = parse(&var, "NEWSBRIEF_FETCH_CONCURRENCY", positive)?
            .unwrap_or(DEFAULT_FETCH_CONCURRENCY);
        if c.cache.fetch_concurrency == 0 {
            return Err(invalid("NEWSBRIEF_FETCH_CONCURRENCY", "0", positive));
        }
        c.command_cooldown =
            secs(&var, "NEWSBRIEF_COMMAND_COOLDOWN_SECS")?.unwrap_or(DEFAULT_COMMAND_COOLDOWN);
        c.channel_burst = parse(&var, "NEWSBRIEF_CHANNEL_BURST", "a whole number")?
            .unwrap_or(DEFAULT_CHANNEL_BURST);
        c.channel_refill =
            secs(&var, "NEWSBRIEF_CHANNEL_REFILL_SECS")?.unwrap_or(DEFAULT_CHANNEL_REFILL);
        c.channel_backlog = parse(&var, "NEWSBRIEF_CHANNEL_BACKLOG", "a whole number")?
            .unwrap_or(DEFAULT_CHANNEL_BACKLOG);
        c.cache.slot_wait =
            secs(&var, "NEWSBRIEF_FETCH_WAIT_SECS")?.unwrap_or(crate::cache::DEFAULT_SLOT_WAIT);
        c.cache.queue_cap = parse(&var, "NEWSBRIEF_FETCH_QUEUE", "a whole number")?
            .unwrap_or(crate::cache::DEFAULT_QUEUE_CAP);
        c.cache.user_slots = parse(&var, "NEWSBRIEF_USER_FETCH_SLOTS", "a whole number")?
            .unwrap_or(crate::cache::DEFAULT_USER_SLOTS);
        c.cache.server_slots = parse(&var, "NEWSBRIEF_SERVER_FETCH_SLOTS", "a whole number")?
            .unwrap_or(crate::cache::DEFAULT_SERVER_SLOTS);
        c.cache.failure_ttl =
            secs(&var, "NEWSBRIEF_FAILURE_TTL_SECS")?.unwrap_or(crate::cache::DEFAULT_FAILURE_TTL);
        c.user_burst =
            parse(&var, "NEWSBRIEF_USER_BURST", "a whole number")?.unwrap_or(DEFAULT_USER_BURST);
        c.user_refill = secs(&var, "NEWSBRIEF_USER_REFILL_SECS")?.unwrap_or(DEFAULT_USER_REFILL);
        c.server_burst = parse(&var, "NEWSBRIEF_SERVER_BURST", "a whole number")?
            .unwrap_or(DEFAULT_SERVER_BURST);
        c.server_refill =
            secs(&var, "NEWSBRIEF_SERVER_REFILL_SECS")?.unwrap_or(DEFAULT_SERVER_REFILL);
        c.shutdown_grace =
            secs(&var, "NEWSBRIEF_SHUTDOWN_GRACE_SECS")?.unwrap_or(DEFAULT_SHUTDOWN_GRACE);
        c.rest_timeout =
            secs(&var, "NEWSBRIEF_DISCORD_TIMEOUT_SECS")?.unwrap_or(DEFAULT_REST_TIMEOUT);
        if c.rest_timeout.is_zero() {
            return Err(invalid(
                "NEWSBRIEF_DISCORD_TIMEOUT_SECS",
                "0",
                "a positive number of seconds",
            ));
        }
        c.prompts_dir = var("NEWSBRIEF_PROMPTS_DIR").map(PathBuf::from);
        if let Some(v) = var("NEWSBRIEF_SHARDS") {
            c.shards = parse_shard_count(&v)?;
        }
        if let Some(v) = var("NEWSBRIEF_SHARD_RANGE") {
            let range = parse_shard_range(&v)?;
            if let ShardCount::Fixed(total) = c.shards {
                plan_shards(Some(range), total)?;
            }
            c.shard_range = Some(range);
        }
        if let Some(v) = var("NEWSBRIEF_REDIS_URL") {
            check_redis_url(&v)?;
            c.redis_url = Some(v);
        }
        c.redis_wait = secs(&var, "NEWSBRIEF_REDIS_WAIT_SECS")?.unwrap_or(DEFAULT_REDIS_WAIT);
        if let Some(v) = var("NEWSBRIEF_METRICS_ADDR") {
            c.metrics_addr = Some(parse_metrics_addr(&v)?);
        }
        Ok(c)
    }
}

/// Accepts `https://` proxies anywhere and `http://` ones only on loopback: every REST
/// call carries the bot token, which must not cross a network in clear.
fn check_proxy_url(p: &str) -> Result<(), ConfigError> {
    // A password in the URL is not repeated in the error (errors reach the log).
    let shown = url::Url::parse(p).map_or_else(
        // Unparsable (a password holding `#` or `/`, say): still never repeated.
        |_| crate::redact::redact_url(p),
        |mut u| {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        },
    );
    let bad = |expected| ConfigError::Invalid {
        name: "DISCORD_PROXY_URL",
        value: shown.clone(),
        expected,
    };
    let url = url::Url::parse(p).map_err(|_| {
        bad("an http(s) base URL such as https://proxy.example or http://127.0.0.1:3000")
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "a base URL without user:password@ (it would be sent and logged)",
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(bad(
            "https:// for a remote proxy (plain http:// would carry the bot token in clear; it is allowed only on loopback, e.g. http://127.0.0.1:3000)",
        )),
        _ => Err(bad("an http(s) base URL such as https://proxy.example or http://127.0.0.1:3000")),
    }
}

/// `auto` or a shard count from 1 to [`MAX_SHARDS`].
fn parse_shard_count(v: &str) -> Result<ShardCount, ConfigError> {
    if v.eq_ignore_ascii_case("auto") {
        return Ok(ShardCount::Auto);
    }
    match v.parse::<u32>() {
        Ok(n) if (1..=MAX_SHARDS).contains(&n) => Ok(ShardCount::Fixed(n)),
        _ => Err(invalid(
            "NEWSBRIEF_SHARDS",
            v,
            "auto (Discord's recommended count) or a whole number of shards from 1 to 65536",
        )),
    }
}

/// `a..b`: two whole numbers with `a < b` (whether `b` fits the count is checked apart).
fn parse_shard_range(v: &str) -> Result<(u32, u32), ConfigError> {
    let expected = "a..b, two whole numbers with a < b: this process runs shards a to b-1 (e.g. 0..4 of NEWSBRIEF_SHARDS=8, the other process 4..8)";
    let (a, b) = v
        .split_once("..")
        .ok_or_else(|| invalid("NEWSBRIEF_SHARD_RANGE", v, expected))?;
    match (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
        (Ok(a), Ok(b)) if a < b => Ok((a, b)),
        _ => Err(invalid("NEWSBRIEF_SHARD_RANGE", v, expected)),
    }
}

/// Accepts `redis://` URLs (no TLS support is built in); the password in one is never
/// repeated in an error.
fn check_redis_url(v: &str) -> Result<(), ConfigError> {
    let expected = "a redis://[:password@]host:port[/db] URL (rediss:// is not supported: run Redis on a private network or behind a TLS tunnel)";
    match url::Url::parse(v) {
        Ok(u) if u.scheme() == "redis" && u.host().is_some() => Ok(()),
        Ok(mut u) => {
            let _ = u.set_password(None);
            Err(invalid("NEWSBRIEF_REDIS_URL", u.as_str(), expected))
        }
        Err(_) => Err(invalid("NEWSBRIEF_REDIS_URL", "<unparsable>", expected)),
    }
}

/// `PORT` (on 127.0.0.1), `HOST:PORT` with an IP host, or `localhost:PORT`.
fn parse_metrics_addr(v: &str) -> Result<std::net::SocketAddr, ConfigError> {
    use std::net::{Ipv4Addr, SocketAddr};
    let expected = "a port (served on 127.0.0.1 only) or an address such as 0.0.0.0:9100";
    if let Ok(port) = v.parse::<u16>() {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    }
    if let Some(port) = v.strip_prefix("localhost:") {
        let port = port
            .parse::<u16>()
            .map_err(|_| invalid("NEWSBRIEF_METRICS_ADDR", v, expected))?;
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    }
    v.parse::<SocketAddr>()
        .map_err(|_| invalid("NEWSBRIEF_METRICS_ADDR", v, expected))
}

fn invalid(name: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_string(),
        expected,
    }
}

fn parse<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, ConfigError> {
    var(name)
        .map(|v| v.parse::<T>().map_err(|_| invalid(name, &v, expected)))
        .transpose()
}

fn secs(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<Duration>, ConfigError> {
    // Bounded (30 days): a huge value such as 1e30 is refused, never a panic.
    match var(name) {
        None => Ok(None),
        Some(v) => crate::config::parse_secs(&v)
            .map(Some)
            .ok_or_else(|| invalid(name, &v, crate::config::DURATION_EXPECTED)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn missing_token_names_the_variable() {
        let err = BotConfig::from_lookup(lookup(&[])).unwrap_err().to_string();
        assert!(err.contains("DISCORD_TOKEN"), "{err}");
    }

    #[test]
    fn reads_values_and_defaults() {
        let c = BotConfig::from_lookup(lookup(&[
            ("DISCORD_TOKEN", "abc.def"),
            ("NEWSBRIEF_LINKS_PER_MESSAGE", "5"),
            ("NEWSBRIEF_DEV_GUILD_ID", "42"),
        ]))
        .unwrap();
        assert_eq!(c.links_per_message, 5);
        assert_eq!(c.dev_guild_id, Some(42));
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(!format!("{c:?}").contains("abc.def"));
        let c = BotConfig::from_lookup(lookup(&[
            ("DISCORD_TOKEN", "abc.def"),
            (
                "NEWSBRIEF_DATABASE_URL",
                "postgres://bot:pg-secret@db:5432/newsbrief",
            ),
        ]))
        .unwrap();
        assert!(!format!("{c:?}").contains("pg-secret"));
    }

    #[test]
    fn a_plain_http_proxy_is_accepted_only_on_loopback() {
        let with = |p: &str| {
            BotConfig::from_lookup(lookup(&[
                ("DISCORD_TOKEN", "secret.token.value"),
                ("DISCORD_PROXY_URL", p),
            ]))
        };
        for ok in [
            "http://127.0.0.1:3000",
            "http://localhost:3000/",
            "http://[::1]:3000",
            "https://proxy.example.com",
            "https://10.0.0.5:8443",
        ] {
            assert!(with(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://proxy.example.com",
            "http://10.0.0.5:3000",
            "http://user:pw@127.0.0.1:3000",
            "ftp://127.0.0.1",
        ] {
            let err = with(bad).unwrap_err().to_string();
            assert!(!err.contains("pw@"), "{err}");
            assert!(err.contains("DISCORD_PROXY_URL"), "{err}");
            assert!(!err.contains("secret.token.value"), "{err}");
        }
    }

    #[test]
    fn shard_settings_are_read_and_bad_ones_name_their_variable() {
        let with = |pairs: &[(&str, &str)]| {
            let mut all = vec![("DISCORD_TOKEN", "t")];
            all.extend_from_slice(pairs);
            BotConfig::from_lookup(lookup(&all))
        };
        let c = with(&[]).unwrap();
        assert_eq!((c.shards, c.shard_range), (ShardCount::Auto, None));
        let c = with(&[("NEWSBRIEF_SHARDS", "8"), ("NEWSBRIEF_SHARD_RANGE", "4..8")]).unwrap();
        assert_eq!(
            (c.shards, c.shard_range),
            (ShardCount::Fixed(8), Some((4, 8)))
        );
        let c = with(&[
            ("NEWSBRIEF_SHARDS", "AUTO"),
            ("NEWSBRIEF_SHARD_RANGE", "0..99"),
        ])
        .unwrap();
        assert_eq!(
            c.shards,
            ShardCount::Auto,
            "checked against Discord's count at start"
        );
        for (var, pairs) in [
            ("NEWSBRIEF_SHARDS", &[("NEWSBRIEF_SHARDS", "0")][..]),
            ("NEWSBRIEF_SHARDS", &[("NEWSBRIEF_SHARDS", "many")][..]),
            ("NEWSBRIEF_SHARDS", &[("NEWSBRIEF_SHARDS", "-2")][..]),
            (
                "NEWSBRIEF_SHARD_RANGE",
                &[("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "2..2")][..],
            ),
            (
                "NEWSBRIEF_SHARD_RANGE",
                &[("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "3..1")][..],
            ),
            (
                "NEWSBRIEF_SHARD_RANGE",
                &[("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "2..5")][..],
            ),
            (
                "NEWSBRIEF_SHARD_RANGE",
                &[("NEWSBRIEF_SHARD_RANGE", "two..3")][..],
            ),
            (
                "NEWSBRIEF_SHARD_RANGE",
                &[("NEWSBRIEF_SHARD_RANGE", "3")][..],
            ),
        ] {
            let err = with(pairs).unwrap_err().to_string();
            assert!(err.contains(var), "{pairs:?}: {err}");
        }
        assert_eq!(
            plan_shards(None, 3).unwrap().ids(),
            0..3,
            "no range: every shard"
        );
        let err = plan_shards(Some((1, 4)), 2).unwrap_err().to_string();
        assert!(
            err.contains("NEWSBRIEF_SHARD_RANGE") && err.contains("<= 2"),
            "{err}"
        );
    }

    #[test]
    fn metrics_address_is_loopback_unless_a_host_is_given() {
        let addr = |v: &str| {
            BotConfig::from_lookup(lookup(&[
                ("DISCORD_TOKEN", "t"),
                ("NEWSBRIEF_METRICS_ADDR", v),
            ]))
            .map(|c| c.metrics_addr.unwrap().to_string())
        };
        assert_eq!(addr("9100").unwrap(), "127.0.0.1:9100");
        assert_eq!(addr("localhost:9100").unwrap(), "127.0.0.1:9100");
        assert_eq!(addr("0.0.0.0:9100").unwrap(), "0.0.0.0:9100");
        let err = addr("metrics.example:9100").unwrap_err().to_string();
        assert!(err.contains("NEWSBRIEF_METRICS_ADDR"), "{err}");
        let off = BotConfig::from_lookup(lookup(&[("DISCORD_TOKEN", "t")])).unwrap();
        assert_eq!(off.metrics_addr, None, "off by default");
    }

    #[test]
    fn redis_url_is_checked_without_repeating_its_password() {
        let with = |v: &str| {
            BotConfig::from_lookup(lookup(&[
                ("DISCORD_TOKEN", "t"),
                ("NEWSBRIEF_REDIS_URL", v),
            ]))
        };
        assert!(with("redis://127.0.0.1:6379/0").is_ok());
        assert!(
            !format!("{:?}", with("redis://:hunter2@10.0.0.9:6379").unwrap()).contains("hunter2")
        );
        for bad in [
            "rediss://:hunter2@cache.example:6380",
            "http://:hunter2@x",
            "nonsense",
        ] {
            let err = with(bad).unwrap_err().to_string();
            assert!(err.contains("NEWSBRIEF_REDIS_URL"), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn bad_number_is_reported_with_its_name() {
        let err = BotConfig::from_lookup(lookup(&[
            ("DISCORD_TOKEN", "t"),
            ("NEWSBRIEF_FETCH_CONCURRENCY", "lots"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("NEWSBRIEF_FETCH_CONCURRENCY"), "{err}");
    }
}
