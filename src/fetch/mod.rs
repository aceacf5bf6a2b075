//! Guarded HTTP fetching of pages that strangers paste.
//!
//! [`Fetcher::fetch`] GETs an http(s) URL and returns its decoded body, refusing anything
//! that would let a pasted link reach the machine's own network: every address a host
//! resolves to is checked against an [`AddressPolicy`] inside the DNS resolver the
//! connection uses (so DNS rebinding gains nothing), IP-literal hosts are checked in every
//! spelling the URL parser accepts, and redirects are followed by hand so each hop is
//! checked again. Time (the whole fetch, and each hop's time to its first byte), redirect
//! count, body size (after decompression) and content type are limited; the limits are the
//! `DEFAULT_*` constants unless [`FetchConfig`] says otherwise. A host that keeps timing out
//! is paused for a while ([`SLOW_HOST_STRIKES`], [`SLOW_HOST_PAUSE`]), as is one that asked
//! for a pause with `Retry-After`. Every page says which redirects led to it
//! ([`Page::hops`]), so callers can judge each hop (e.g. against a domain list).
//!
//! This module does not extract article text or cache anything; it ends at a decoded
//! [`Body`].
//!
//! ```no_run
//! # async fn demo() -> newsbrief::error::Result<()> {
//! use newsbrief::fetch::{Body, FetchConfig, Fetcher};
//!
//! let fetcher = Fetcher::new(FetchConfig::default())?;
//! let page = fetcher.fetch("https://example.com/news/story").await?;
//! if let Body::Html(html) = page.body {
//!     println!("{} bytes of HTML from {}", html.len(), page.url);
//! }
//! // Loopback, private and metadata addresses are refused in any spelling:
//! assert!(fetcher.fetch("http://0x7f.1/").await.is_err());
//! # Ok(())
//! # }
//! ```

mod decode;
pub mod policy;
pub mod resolver;
mod sniff;

use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::{Host, Url};

pub use decode::{decode_html, decode_text, header_charset, meta_charset, META_PRESCAN_BYTES};
pub use policy::{is_public, AddressPolicy, AllowAll, PublicOnly};
pub use resolver::{HostResolver, Lookup, SystemResolver};
pub use sniff::SNIFF_BYTES;

use crate::error::{Error, Result};
use resolver::{GuardedResolver, ResolveRefusal};
use sniff::Kind;

/// Default time allowed to resolve and connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed for the whole fetch: every redirect hop and the body included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Default time allowed from sending a request (each redirect hop's) to its answer's
/// headers, connecting included: news sites answer within a second or two, and a host that
/// takes longer holds one of the bot's few fetch slots meanwhile.
pub const DEFAULT_FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(8);
/// Timeouts in a row after which a host is paused (see [`SLOW_HOST_PAUSE`]).
pub const SLOW_HOST_STRIKES: u32 = 3;
/// How long a host that timed out [`SLOW_HOST_STRIKES`] times in a row is not fetched: its
/// links fail at once (as timeouts) instead of holding a fetch slot until the limit.
pub const SLOW_HOST_PAUSE: Duration = Duration::from_secs(600);
/// Default number of redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;
/// Default body limit in bytes, counted after decompression.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 5 * 1024 * 1024;
/// Ports fetched by default: the web's own. Other ports of public hosts are often internal
/// services (mail, databases, admin panels) that a pasted link must not reach.
pub const DEFAULT_ALLOWED_PORTS: &[u16] = &[80, 443];
/// Longest time a site's `Retry-After` is remembered: a site asking for a day's pause
/// still gets asked again within the hour.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Pause assumed after a 429 that names none.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Hosts whose pause is remembered at most (bounds memory; expired pauses go first).
pub const MAX_PAUSED_HOSTS: usize = 10_000;
/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "newsbrief/",
    env!("CARGO_PKG_VERSION"),
    " (news link summarizer; +https://github.com/newsbrief/newsbrief)"
);
/// The Accept header: pages first, plain text next, anything else last (it is refused,
/// but some servers answer 406 to an Accept that lists nothing they have).
pub const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1";
/// The Accept-Language header: the summarizer's cue lists are English, other languages
/// are still welcome.
pub const ACCEPT_LANGUAGE: &str = "en-US,en;q=0.9,*;q=0.5";

/// Limits and policy of the fetcher.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Let fetches reach loopback, private and other non-public addresses.
    pub allow_private_hosts: bool,
    /// Time allowed to resolve a host and connect to it, per connection.
    pub connect_timeout: Duration,
    /// Time allowed for the whole fetch, redirects and body included.
    pub request_timeout: Duration,
    /// Time allowed from sending each hop's request to its answer's headers (connecting
    /// included); the whole fetch stays within `request_timeout` too.
    pub first_byte_timeout: Duration,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Body size limit after decompression.
    pub max_body_bytes: u64,
    /// Ports that may be fetched (the scheme's default port counts as given). Empty: any
    /// port. `allow_private_hosts` lifts this list too (self-hosted sources, tests).
    pub allowed_ports: Vec<u16>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            allow_private_hosts: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            first_byte_timeout: DEFAULT_FIRST_BYTE_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            allowed_ports: DEFAULT_ALLOWED_PORTS.to_vec(),
        }
    }
}

/// Sites that asked for a pause (429 or 503 with `Retry-After`), by host, until when.
/// Shared by every clone of a fetcher, so the whole bot respects one site's request.
#[derive(Debug, Default)]
struct PausedHosts(std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>);

impl PausedHosts {
    /// The pause left for `host`, if any.
    fn remaining(&self, host: &str) -> Option<Duration> {
        // A poisoned lock only means a thread panicked mid-update; the map is still usable.
        let map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = *map.get(host)?;
        until
            .checked_duration_since(std::time::Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// Remembers that `host` asked for a pause of `wait` (capped at [`MAX_RETRY_AFTER`]).
    fn pause(&self, host: &str, wait: Duration) {
        let now = std::time::Instant::now();
        let until = now + wait.min(MAX_RETRY_AFTER);
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_PAUSED_HOSTS {
            map.retain(|_, t| *t > now);
            if map.len() >= MAX_PAUSED_HOSTS {
                return;
            }
        }
        let entry = map.entry(host.to_string()).or_insert(until);
        *entry = (*entry).max(until);
    }
}

/// Hosts that keep timing out: each timeout is a strike, each fetch that ends otherwise
/// takes one back, and [`SLOW_HOST_STRIKES`] strikes pause the host for [`SLOW_HOST_PAUSE`].
/// Shared by every clone of a fetcher, so one slow host cannot hold the bot's fetch slots
/// link after link.
#[derive(Debug, Default)]
struct SlowHosts(std::sync::Mutex<std::collections::HashMap<String, Strikes>>);

#[derive(Debug, Clone, Copy, Default)]
struct Strikes {
    count: u32,
    paused_until: Option<std::time::Instant>,
}

impl SlowHosts {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Strikes>> {
        // A poisoned lock only means a thread panicked mid-update; the map is still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `host` is paused for timing out.
    fn paused(&self, host: &str) -> bool {
        let now = std::time::Instant::now();
        self.map()
            .get(host)
            .and_then(|s| s.paused_until)
            .is_some_and(|until| until > now)
    }

    /// Counts a timeout of `host`; the strike that reaches the limit pauses it.
    fn timed_out(&self, host: &str) {
        let now = std::time::Instant::now();
        let mut map = self.map();
        if map.len() >= MAX_PAUSED_HOSTS && !map.contains_key(host) {
            map.retain(|_, s| s.paused_until.is_some_and(|t| t > now));
            if map.len() >= MAX_PAUSED_HOSTS {
                return;
            }
        }
        let s = map.entry(host.to_string()).or_default();
        s.count = s.count.saturating_add(1);
        if s.count >= SLOW_HOST_STRIKES {
            s.count = 0;
            s.paused_until = Some(now + SLOW_HOST_PAUSE);
            tracing::info!(%host, pause = ?SLOW_HOST_PAUSE, "host keeps timing out; pausing it");
        }
    }

    /// A fetch of `host` ended without timing out: one strike less.
    fn answered(&self, host: &str) {
        let mut map = self.map();
        if let Some(s) = map.get_mut(host) {
            s.count = s.count.saturating_sub(1);
            let paused = s
                .paused_until
                .is_some_and(|t| t > std::time::Instant::now());
            if s.count == 0 && !paused {
                map.remove(host);
            }
        }
    }
}

/// The pause a 429 or 503 answer asks for: its `Retry-After` in seconds or as an HTTP date;
/// a 429 without one gets [`DEFAULT_RETRY_AFTER`]. Other statuses ask for none.
fn requested_pause(status: u16, headers: &HeaderMap) -> Option<Duration> {
    if !matches!(status, 429 | 503) {
        return None;
    }
    let parsed = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(retry_after_value);
    match (parsed, status) {
        (Some(d), _) => Some(d),
        (None, 429) => Some(DEFAULT_RETRY_AFTER),
        (None, _) => None,
    }
}

/// The pause a `Retry-After` value asks for: seconds (whole, or with a fraction as Discord's
/// REST answers may carry) or an HTTP date (the time left until then). None when malformed.
pub(crate) fn retry_after_value(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return pause_of_secs(secs);
    }
    httpdate::parse_http_date(value).ok().map(|at| {
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default()
    })
}

/// A pause of `secs` seconds; None when negative or not finite.
pub(crate) fn pause_of_secs(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs).ok()
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Page {
    /// The final URL, after redirects.
    pub url: url::Url,
    /// The URLs that redirected on the way to `url`, in order (the first is the one asked
    /// for); empty when there was no redirect.
    pub hops: Vec<url::Url>,
    /// The decoded body.
    pub body: Body,
}

/// A fetched body, decoded to text.
#[derive(Debug, Clone)]
pub enum Body {
    /// An HTML or XHTML page.
    Html(String),
    /// A plain-text document.
    Text(String),
}

/// The guarded HTTP client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    policy: Arc<dyn AddressPolicy>,
    paused: Arc<PausedHosts>,
    slow: Arc<SlowHosts>,
}

impl Fetcher {
    /// Builds a fetcher with the given limits, the system resolver, and the
    /// [`PublicOnly`] policy (or [`AllowAll`] with `allow_private_hosts`).
    ///
    /// # Errors
    /// If the HTTP client cannot be built (TLS backend failure).
    pub fn new(config: FetchConfig) -> Result<Self> {
        Self::with_policy(config, Arc::new(PublicOnly), Arc::new(SystemResolver))
    }

    /// Builds a fetcher with a custom address policy and name resolver (tests use these to
    /// call one loopback address public, or to fake DNS). `allow_private_hosts` in
    /// `config` still lifts the policy entirely.
    ///
    /// # Errors
    /// If the HTTP client cannot be built (TLS backend failure).
    pub fn with_policy(
        config: FetchConfig,
        policy: Arc<dyn AddressPolicy>,
        resolver: Arc<dyn HostResolver>,
    ) -> Result<Self> {
        let policy: Arc<dyn AddressPolicy> = if config.allow_private_hosts {
            Arc::new(AllowAll)
        } else {
            policy
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static(ACCEPT_LANGUAGE),
        );
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            // Redirects are followed by hand so every hop meets the policy.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the target itself, out of the policy's sight.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver::new(
                resolver,
                Arc::clone(&policy),
            )))
            .build()
            .map_err(|e| Error::Connect(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Self {
            client,
            config,
            policy,
            paused: Arc::new(PausedHosts::default()),
            slow: Arc::new(SlowHosts::default()),
        })
    }

    /// The fetcher's configuration.
    #[must_use]
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `url` and decodes its body, within the configured limits.
    ///
    /// # Errors
    /// Any [`Error`] a fetch can meet: [`Error::InvalidUrl`], [`Error::UnsupportedScheme`],
    /// [`Error::BlockedAddress`], [`Error::Dns`], [`Error::Timeout`], [`Error::Connect`],
    /// [`Error::TooManyRedirects`], [`Error::HttpStatus`], [`Error::TooLarge`],
    /// [`Error::NotAnArticle`], [`Error::EmptyPage`].
    pub async fn fetch(&self, url: &str) -> Result<Page> {
        let limit = self.config.request_timeout;
        // The host being fetched (the last hop's), once it passed every check.
        let mut host = None;
        let result =
            match tokio::time::timeout(limit, self.fetch_within_deadline(url, &mut host)).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout(limit)),
            };
        if let Some(host) = host {
            match &result {
                Err(Error::Timeout(_)) => self.slow.timed_out(&host),
                _ => self.slow.answered(&host),
            }
        }
        result
    }

    async fn fetch_within_deadline(
        &self,
        input: &str,
        fetching: &mut Option<String>,
    ) -> Result<Page> {
        let mut url = parse_http_url(input.trim())?;
        let mut hops = Vec::new();
        loop {
            *fetching = None;
            self.check_literal_host(&url)?;
            self.check_port(&url)?;
            self.check_not_paused(&url)?;
            fetching.clone_from(&url.host_str().map(str::to_string));
            let ttfb = self.config.first_byte_timeout;
            let resp = match tokio::time::timeout(ttfb, self.client.get(url.clone()).send()).await {
                Ok(sent) => sent.map_err(|e| self.send_error(&e))?,
                Err(_) => return Err(Error::Timeout(ttfb)),
            };
            let status = resp.status();
            if is_followed_redirect(status) {
                if let Some(location) = resp.headers().get(header::LOCATION) {
                    if hops.len() >= self.config.max_redirects {
                        return Err(Error::TooManyRedirects(self.config.max_redirects));
                    }
                    let next = redirect_target(&url, location.as_bytes())?;
                    hops.push(std::mem::replace(&mut url, next));
                    tracing::debug!(%url, redirects = hops.len(), "following redirect");
                    continue;
                }
            }
            if !status.is_success() {
                if let Some(wait) = requested_pause(status.as_u16(), resp.headers()) {
                    if let Some(host) = url.host_str() {
                        tracing::info!(%host, ?wait, status = status.as_u16(), "site asked for a pause");
                        self.paused.pause(host, wait);
                    }
                }
                return Err(Error::HttpStatus {
                    status: status.as_u16(),
                });
            }
            let mut page = self.read_page(url, resp).await?;
            page.hops = hops;
            return Ok(page);
        }
    }

    /// Refuses ports outside the allowed list (unless private hosts are allowed, which
    /// lifts every address and port restriction).
    fn check_port(&self, url: &Url) -> Result<()> {
        let ports = &self.config.allowed_ports;
        if self.config.allow_private_hosts || ports.is_empty() {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(0);
        if ports.contains(&port) {
            Ok(())
        } else {
            Err(Error::BlockedPort {
                host: url.host_str().unwrap_or_default().to_string(),
                port,
            })
        }
    }

    /// Refuses a host that asked for a pause (429/503 with `Retry-After`) still running, or
    /// that is paused for timing out again and again.
    fn check_not_paused(&self, url: &Url) -> Result<()> {
        let Some(host) = url.host_str() else {
            return Ok(());
        };
        if let Some(wait) = self.paused.remaining(host) {
            return Err(Error::RateLimited {
                host: host.to_string(),
                seconds: wait.as_secs().max(1),
            });
        }
        if self.slow.paused(host) {
            // Said as what it is: the site takes too long to answer (it did, again and again).
            return Err(Error::Timeout(self.config.first_byte_timeout));
        }
        Ok(())
    }

    /// Refuses IP-literal hosts the policy refuses (names are checked by the resolver).
    fn check_literal_host(&self, url: &Url) -> Result<()> {
        let addr: IpAddr = match url.host() {
            Some(Host::Ipv4(v4)) => v4.into(),
            Some(Host::Ipv6(v6)) => v6.into(),
            Some(Host::Domain(name)) => {
                // The URL parser turns every IPv4 spelling of http(s) hosts into Ipv4;
                // this is a second line in case a form slips through as a name.
                match name.trim_end_matches('.').parse() {
                    Ok(addr) => addr,
                    Err(_) => return Ok(()),
                }
            }
            None => return Err(Error::InvalidUrl("the link has no host".into())),
        };
        if self.policy.allows(addr) {
            Ok(())
        } else {
            Err(Error::BlockedAddress {
                host: url.host_str().unwrap_or_default().to_string(),
                addr: addr.to_string(),
            })
        }
    }

    /// Reads the body within the size limit and decodes it as its kind.
    async fn read_page(&self, url: Url, mut resp: reqwest::Response) -> Result<Page> {
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let declared = sniff::declared_kind(content_type.as_deref())?;
        let max = self.config.max_body_bytes;
        // Only set when the body is not compressed, so it is the real size.
        if resp.content_length().is_some_and(|len| len > max) {
            return Err(Error::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| body_error(&e))? {
            if (body.len() + chunk.len()) as u64 > max {
                return Err(Error::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::EmptyPage);
        }
        let tld = decode::tld_of(&url);
        // Sniffing and decoding (charset detection included) read the whole body: CPU work
        // that runs on the blocking pool, so a 5 MB page never stalls the async runtime.
        let decode = move || -> Result<Body> {
            let (ct, tld) = (content_type.as_deref(), tld.as_deref());
            Ok(match sniff::settle(declared, &body)? {
                Kind::Html => Body::Html(decode::decode_html_from(&body, ct, tld)),
                Kind::Text => Body::Text(decode::decode_text_from(&body, ct, tld)),
            })
        };
        let body = match tokio::task::spawn_blocking(decode).await {
            Ok(result) => result?,
            // A panic while decoding a hostile body is resumed where it belongs: the caller's
            // task, which the brief service turns into an error for this link only.
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => return Err(Error::Connect(format!("decoding was cancelled: {join}"))),
        };
        Ok(Page {
            url,
            hops: Vec::new(),
            body,
        })
    }

    /// Turns a failed send into the error a user should see: a policy refusal or DNS
    /// failure found in the chain, a connect timeout, or a plain connection error.
    fn send_error(&self, err: &reqwest::Error) -> Error {
        let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = cause {
            if let Some(refusal) = e.downcast_ref::<ResolveRefusal>() {
                return match refusal {
                    ResolveRefusal::Blocked { host, addr } => Error::BlockedAddress {
                        host: host.clone(),
                        addr: addr.to_string(),
                    },
                    ResolveRefusal::Failed { host, reason } => Error::Dns {
                        host: host.clone(),
                        reason: reason.clone(),
                    },
                };
            }
            cause = e.source();
        }
        if err.is_timeout() {
            Error::Timeout(self.config.connect_timeout)
        } else {
            Error::Connect(root_cause(err))
        }
    }
}

/// Parses the starting URL: http or https with a host.
fn parse_http_url(input: &str) -> Result<Url> {
    let url = Url::parse(input).map_err(|e| Error::InvalidUrl(format!("{e}: {input}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::UnsupportedScheme(url.scheme().to_string()));
    }
    Ok(without_credentials(url))
}

/// Drops a `user:password@` part: reqwest would send it to the site as a login, and a
/// pasted secret must not travel on, nor reach a brief's `url` or a log.
fn without_credentials(mut url: Url) -> Url {
    // Both setters only fail for URLs that cannot have credentials, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

/// The statuses whose Location is followed (300, 304 and 305 are not redirects to follow).
fn is_followed_redirect(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Resolves a Location header against the current URL; only http(s) targets are allowed.
fn redirect_target(current: &Url, location: &[u8]) -> Result<Url> {
    let location = String::from_utf8_lossy(location);
    let next = current
        .join(location.trim())
        .map_err(|e| Error::InvalidUrl(format!("bad redirect target `{location}`: {e}")))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(Error::UnsupportedScheme(next.scheme().to_string()));
    }
    Ok(without_credentials(next))
}

/// A body read failure: a broken or malformed transfer, or corrupt compression (the
/// innermost cause says which, e.g. "end of file before message length reached").
fn body_error(err: &reqwest::Error) -> Error {
    Error::Connect(format!(
        "the page's body could not be read ({})",
        root_cause(err)
    ))
}

/// The innermost cause of an error, which names what actually happened
/// ("Connection refused", "invalid peer certificate") rather than reqwest's wrapper.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_with_fractions_or_a_date() {
        assert_eq!(retry_after_value(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(retry_after_value("2.5"), Some(Duration::from_millis(2500)));
        for bad in ["", "-1", "NaN", "inf", "1e400", "soon"] {
            assert_eq!(retry_after_value(bad), None, "{bad}");
        }
        let past = retry_after_value("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(past, Some(Duration::ZERO));
        let later = std::time::SystemTime::now() + Duration::from_secs(600);
        let wait = retry_after_value(&httpdate::fmt_http_date(later)).unwrap();
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));
    }

    #[test]
    fn credentials_in_links_are_dropped_before_fetching_and_on_redirects() {
        let u = parse_http_url("http://alice:s3cret@example.com/a?b=1").unwrap();
        assert_eq!(u.as_str(), "http://example.com/a?b=1");
        let next = redirect_target(&u, b"https://bob:pw@news.example.org/story").unwrap();
        assert_eq!(next.as_str(), "https://news.example.org/story");
        // The host after `@` is the one fetched; the part before it is gone.
        let u = parse_http_url("http://example.com@127.0.0.1/").unwrap();
        assert_eq!(u.host_str(), Some("127.0.0.1"));
        assert_eq!(u.username(), "");
    }
}
