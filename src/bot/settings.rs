//! Server-wide settings (`/settings`) and the small state that goes with them: links briefed
//! recently in each channel (for the duplicate jump link; in Redis when the fleet shares
//! one, so every process sees the same memory) and the parent channel of threads.
//!
//! A server's settings are one JSON object in the store (see [`crate::store::Store`]);
//! every channel and thread of the server follows them. The per-channel `/autosummary`
//! switch still applies on top, and a thread without its own switch follows its parent
//! channel's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

/// Summary sentences for the short length (`/summarize length: short`, `/settings`).
pub const SHORT_SENTENCES: usize = 2;
/// Summary sentences for the long length.
pub const LONG_SENTENCES: usize = 7;
/// Longest duplicate window accepted, in hours (one week).
pub const MAX_DUPLICATE_HOURS: u32 = 168;
/// Domains at most in each of the ignore and allow lists.
pub const MAX_DOMAINS: usize = 50;
/// Links remembered for the duplicate jump link, across channels (bounds memory).
pub const RECENT_MAX: usize = 20_000;
/// Thread parents remembered (bounds memory).
pub const PARENTS_MAX: usize = 20_000;

/// How the bot answers links pasted in a server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, poise::ChoiceParameter,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Reply to messages with article links.
    #[default]
    #[name = "auto"]
    Auto,
    /// Add a 📰 reaction to messages with links; brief when a member adds the same reaction.
    #[name = "reaction"]
    Reaction,
    /// Commands and the menu only.
    #[name = "off"]
    Off,
}

impl Mode {
    /// The name shown and stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Reaction => "reaction",
            Self::Off => "off",
        }
    }
}

/// Default length of auto-briefs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, poise::ChoiceParameter,
)]
#[serde(rename_all = "lowercase")]
pub enum DefaultLength {
    /// Two key sentences.
    #[name = "short"]
    Short,
    /// The engine's choice, shown within the height budget.
    #[default]
    #[name = "normal"]
    Normal,
    /// Every key sentence (up to seven).
    #[name = "long"]
    Long,
}

impl DefaultLength {
    /// The name shown and stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Short => "short",
            Self::Normal => "normal",
            Self::Long => "long",
        }
    }

    /// Sentences asked of the engine (`None`: its own choice).
    #[must_use]
    pub fn sentences(self) -> Option<usize> {
        match self {
            Self::Short => Some(SHORT_SENTENCES),
            Self::Normal => None,
            Self::Long => Some(LONG_SENTENCES),
        }
    }
}

/// A server's settings. Missing fields (older or hand-written rows) take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// How pasted links are answered.
    pub mode: Mode,
    /// Domains never briefed (a domain covers its subdomains).
    pub ignore: Vec<String>,
    /// When not empty, the only domains briefed.
    pub allow: Vec<String>,
    /// Default length of auto-briefs.
    pub length: DefaultLength,
    /// A link briefed in the same channel within this many hours gets a jump link to the
    /// earlier brief instead of a new one (0: off).
    pub duplicate_hours: u32,
}

impl ServerSettings {
    /// The settings of server `guild` from the store (defaults outside servers, or when the
    /// store fails: the failure is logged and replies go on).
    pub async fn load(store: &crate::store::Store, guild: Option<u64>) -> Self {
        let Some(g) = guild else {
            return Self::default();
        };
        match store.server_settings(g).await {
            Ok(json) => Self::from_json(json.as_deref()),
            Err(e) => {
                tracing::error!("{e}");
                Self::default()
            }
        }
    }

    /// Reads stored settings; a row that does not parse gives the defaults (and a log line),
    /// never an error that would silence the bot.
    #[must_use]
    pub fn from_json(json: Option<&str>) -> Self {
        match json {
            None => Self::default(),
            Some(j) => serde_json::from_str(j).unwrap_or_else(|e| {
                tracing::warn!("stored server settings do not parse ({e}); using defaults");
                Self::default()
            }),
        }
    }

    /// The JSON form stored.
    #[must_use]
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and lists always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether `url` may be briefed: its host is not under an ignored domain and, when an
    /// allow list is set, is under an allowed one.
    #[must_use]
    pub fn allows(&self, url: &str) -> bool {
        let Some(host) = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        else {
            return false;
        };
        let under = |d: &String| host == *d || host.ends_with(&format!(".{d}"));
        if self.ignore.iter().any(under) {
            return false;
        }
        self.allow.is_empty() || self.allow.iter().any(under)
    }

    /// [`Self::allows`] as a filter for the brief service, which applies it to the link,
    /// every redirect and the final URL.
    #[must_use]
    pub fn url_filter(&self) -> crate::cache::UrlFilter {
        let lists = Self {
            ignore: self.ignore.clone(),
            allow: self.allow.clone(),
            ..Self::default()
        };
        Arc::new(move |url: &str| lists.allows(url))
    }
}

/// Why a domain given to `/settings` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainError {
    /// Not a host name or address.
    Invalid,
}

/// Normalises a domain typed by a moderator: `https://www.Example.com/path` → `example.com`,
/// `Example.COM.` → `example.com`; an IP address is kept as it is.
///
/// # Errors
/// [`DomainError::Invalid`] for anything that is not a host name or address.
pub fn normalize_domain(input: &str) -> Result<String, DomainError> {
    let t = input.trim().trim_end_matches('/');
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let host = url::Url::parse(&with_scheme)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .ok_or(DomainError::Invalid)?;
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let valid = !host.is_empty()
        && host.len() <= 253
        && (host.contains('.') || host.starts_with('['))
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if valid {
        Ok(host.to_string())
    } else {
        Err(DomainError::Invalid)
    }
}

/// Adds `domain` to `list` when absent, removes it when present; `true` when added.
pub fn toggle(list: &mut Vec<String>, domain: String) -> bool {
    if let Some(i) = list.iter().position(|d| *d == domain) {
        list.remove(i);
        false
    } else {
        list.push(domain);
        true
    }
}

/// Links briefed recently in each channel, with the link of the reply that briefed them. A
/// link pasted in one channel never gets a jump link to a brief in another: that would tell
/// the people of a public channel what was discussed in a private one.
///
/// With a shared cache (Redis) the memory is kept there too, so every process of a fleet
/// sees the same; this process's own memory answers while Redis is down. What Redis gives
/// back is checked: only a Discord message link of the same server and channel is used.
#[derive(Debug, Default)]
pub struct RecentLinks {
    links: Mutex<HashMap<(u64, String), (String, Instant)>>,
    shared: Option<Arc<crate::shared::SharedCache>>,
}

/// Prefix of the duplicate memory's keys in Redis (versioned like the brief keys).
const RECENT_PREFIX: &str = "newsbrief:v1:recent";
/// Longest stored jump link read back from Redis.
const JUMP_MAX: usize = 120;

impl RecentLinks {
    /// A memory kept in `shared` too (see the type's documentation).
    #[must_use]
    pub fn with_shared(shared: Arc<crate::shared::SharedCache>) -> Self {
        Self {
            links: Mutex::default(),
            shared: Some(shared),
        }
    }

    fn key(channel: u64, url: &str) -> String {
        format!("{RECENT_PREFIX}:{channel}:{url}")
    }

    /// The jump link of the brief of `url` in `channel` (of `guild`) made within `window`,
    /// if any.
    pub async fn find(
        &self,
        guild: u64,
        channel: u64,
        url: &str,
        window: Duration,
    ) -> Option<String> {
        if let Some(shared) = &self.shared {
            if let Some(value) = shared.get_text(&Self::key(channel, url)).await {
                if let Some(jump) = shared_jump(&value, guild, channel, window) {
                    return Some(jump);
                }
            }
        }
        let links = self
            .links
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        links
            .get(&(channel, url.to_string()))
            .filter(|(_, at)| at.elapsed() <= window)
            .map(|(jump, _)| jump.clone())
    }

    /// Remembers that `url` was briefed in `channel` by the message at `jump`.
    pub async fn remember(&self, guild: u64, channel: u64, url: &str, jump: &str) {
        {
            let mut links = self
                .links
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if links.len() >= RECENT_MAX {
                // Forget the older half (a week at most matters; memory stays bounded).
                let mut ages: Vec<Instant> = links.values().map(|(_, at)| *at).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                links.retain(|_, (_, at)| *at > cut);
            }
            links.insert(
                (channel, url.to_string()),
                (jump.to_string(), Instant::now()),
            );
        }
        if let Some(shared) = &self.shared {
            if is_jump_of(jump, guild, channel) {
                let value = format!("{} {jump}", unix_secs());
                let ttl = Duration::from_secs(u64::from(MAX_DUPLICATE_HOURS) * 3600);
                shared.put_text(&Self::key(channel, url), &value, ttl).await;
            }
        }
    }
}

/// Seconds since the Unix epoch now (0 if the clock is before it).
fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `jump` is the link of a message in `channel` of `guild`, and nothing else.
fn is_jump_of(jump: &str, guild: u64, channel: u64) -> bool {
    jump.strip_prefix(&format!("https://discord.com/channels/{guild}/{channel}/"))
        .is_some_and(|id| {
            !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
        })
}

/// The jump link of a value read from Redis (`"<unix seconds> <jump link>"`), when it was
/// stored within `window` and is a message link of `channel` in `guild`; anything else
/// (another channel's link, any other text) is ignored.
fn shared_jump(value: &str, guild: u64, channel: u64, window: Duration) -> Option<String> {
    if value.len() > JUMP_MAX + 24 {
        return None;
    }
    let (at, jump) = value.split_once(' ')?;
    let at: u64 = at.parse().ok()?;
    let age = unix_secs().checked_sub(at)?;
    (age <= window.as_secs() && is_jump_of(jump, guild, channel)).then(|| jump.to_string())
}

/// The parent channel of threads (`None` for channels that are not threads), looked up once.
#[derive(Debug, Default)]
pub struct ThreadParents {
    parents: Mutex<HashMap<u64, Option<u64>>>,
}

impl ThreadParents {
    /// The remembered parent of `channel`: `Some(None)` for a known non-thread, `None` when
    /// not looked up yet.
    #[must_use]
    pub fn get(&self, channel: u64) -> Option<Option<u64>> {
        self.parents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&channel)
            .copied()
    }

    /// Remembers the parent of `channel`.
    pub fn set(&self, channel: u64, parent: Option<u64>) {
        let mut parents = self
            .parents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if parents.len() >= PARENTS_MAX {
            parents.clear();
        }
        parents.insert(channel, parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised_and_checked() {
        assert_eq!(
            normalize_domain("https://www.Example.com/x").unwrap(),
            "example.com"
        );
        assert_eq!(normalize_domain(" youtube.COM. ").unwrap(), "youtube.com");
        assert_eq!(normalize_domain("127.0.0.1").unwrap(), "127.0.0.1");
        for bad in ["", "not a domain!", "localhost", "http://", "a b.com"] {
            assert_eq!(normalize_domain(bad), Err(DomainError::Invalid), "{bad}");
        }
    }

    #[test]
    fn ignore_and_allow_lists_cover_subdomains() {
        let mut s = ServerSettings::default();
        assert!(s.allows("https://news.example.com/a"));
        s.ignore.push("example.com".into());
        assert!(!s.allows("https://news.example.com/a"));
        assert!(!s.allows("https://example.com/a"));
        assert!(s.allows("https://notexample.com/a"));
        s.ignore.clear();
        s.allow.push("example.org".into());
        assert!(!s.allows("https://example.com/a"));
        assert!(s.allows("https://www.example.org/a"));
        assert!(!s.allows("not a url"));
    }

    #[test]
    fn the_url_filter_is_the_ignore_and_allow_lists() {
        let mut s = ServerSettings::default();
        s.ignore.push("example.com".into());
        let f = s.url_filter();
        assert!(!f("https://news.example.com/a"));
        assert!(f("https://example.org/a"));
        s.ignore.clear();
        s.allow.push("example.org".into());
        let f = s.url_filter();
        assert!(f("https://www.example.org/a"));
        assert!(!f("https://example.com/a"));
        assert!(!f("not a url"));
    }

    #[test]
    fn stored_settings_round_trip_and_bad_rows_give_defaults() {
        let s = ServerSettings {
            mode: Mode::Reaction,
            ignore: vec!["example.com".into()],
            allow: vec![],
            length: DefaultLength::Long,
            duplicate_hours: 12,
        };
        assert_eq!(ServerSettings::from_json(Some(&s.to_json())), s);
        assert_eq!(
            ServerSettings::from_json(Some("{\"mode\":\"reaction\"}")).mode,
            Mode::Reaction
        );
        assert_eq!(
            ServerSettings::from_json(Some("garbage")),
            ServerSettings::default()
        );
        let mut list = vec![];
        assert!(toggle(&mut list, "a.com".into()));
        assert!(!toggle(&mut list, "a.com".into()));
        assert!(list.is_empty());
    }

    #[tokio::test]
    async fn recent_links_are_kept_per_channel_and_expire() {
        let r = RecentLinks::default();
        let jump = "https://discord.com/channels/1/10/99";
        r.remember(1, 10, "https://a.com/x", jump).await;
        let hour = Duration::from_secs(3600);
        assert_eq!(
            r.find(1, 10, "https://a.com/x", hour).await.as_deref(),
            Some(jump)
        );
        assert_eq!(
            r.find(1, 11, "https://a.com/x", hour).await,
            None,
            "another channel of the same server never sees it"
        );
        assert_eq!(r.find(1, 10, "https://a.com/x", Duration::ZERO).await, None);
    }

    #[test]
    fn a_jump_link_from_redis_must_be_fresh_and_of_the_same_channel() {
        let now = unix_secs();
        let hour = Duration::from_secs(3600);
        let good = format!("{now} https://discord.com/channels/1/10/99");
        assert_eq!(
            shared_jump(&good, 1, 10, hour).as_deref(),
            Some("https://discord.com/channels/1/10/99")
        );
        for bad in [
            format!("{now} https://discord.com/channels/1/11/99"),
            format!("{now} https://discord.com/channels/2/10/99"),
            format!("{now} https://evil.example/channels/1/10/99"),
            format!("{now} https://discord.com/channels/1/10/99 [x](https://evil.example)"),
            format!("{now} https://discord.com/channels/1/10/"),
            format!("{} https://discord.com/channels/1/10/99", now - 7200),
            "garbage".to_string(),
            format!("{now} {}", "9".repeat(500)),
        ] {
            assert_eq!(shared_jump(&bad, 1, 10, hour), None, "{bad}");
        }
    }
}
