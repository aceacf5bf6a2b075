//! The one error type of the engine: a variant for each failure a user can meet.

use std::time::Duration;

/// Everything that can go wrong turning an input into a brief.
///
/// Each message says what happened in plain words; [`Error::kind`] gives a stable
/// machine-readable name used in batch error records.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not a valid URL.
    #[error("not a valid URL ({0})")]
    InvalidUrl(String),
    /// A scheme other than http or https.
    #[error("unsupported URL scheme `{0}`: only http and https links can be fetched")]
    UnsupportedScheme(String),
    /// The host resolves to, or is, an address the policy refuses.
    #[error("refused to fetch {host}: {addr} is a private, loopback or otherwise non-public address; pass --allow-private-hosts (or set NEWSBRIEF_ALLOW_PRIVATE_HOSTS=true) to allow it")]
    BlockedAddress {
        /// The host name as given.
        host: String,
        /// The refused address.
        addr: String,
    },
    /// The link names a port outside the allowed list.
    #[error("refused to fetch {host}: port {port} is not a web port (allowed: NEWSBRIEF_ALLOWED_PORTS, 80 and 443 by default); pass --allowed-ports to allow it")]
    BlockedPort {
        /// The host name as given.
        host: String,
        /// The refused port.
        port: u16,
    },
    /// The site asked for a pause (HTTP 429 or 503 with `Retry-After`) that is still running.
    #[error("{host} asked for a pause (HTTP 429/503 with Retry-After): not fetching it for another {seconds} s")]
    RateLimited {
        /// The host.
        host: String,
        /// Seconds left of the pause.
        seconds: u64,
    },
    /// The host name could not be resolved.
    #[error("could not resolve host {host}: {reason}")]
    Dns {
        /// The host name.
        host: String,
        /// Why resolution failed.
        reason: String,
    },
    /// Connecting or reading took too long.
    #[error("the site took too long to answer (gave up after {} s)", .0.as_secs_f64())]
    Timeout(Duration),
    /// Could not connect or the connection broke.
    #[error("could not fetch the page: {0}")]
    Connect(String),
    /// Too many redirects.
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    /// The server answered with an error status.
    #[error("the server answered HTTP {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The body is larger than the limit.
    #[error("the page is larger than the {} limit", human_bytes(*.0))]
    TooLarge(u64),
    /// The response is not an HTML or text document.
    #[error("not an article: the link serves `{0}`, not a web page")]
    NotAnArticle(String),
    /// The page is a section front: several stories of similar weight, none the main one
    /// (kind `not_an_article`, like a non-page response).
    #[error("not an article: a section front (several stories, none the main one)")]
    SectionFront,
    /// The page or file holds no readable text.
    #[error("the page has no readable article text")]
    EmptyPage,
    /// A local file could not be read.
    #[error("could not read {path}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// Why reading failed.
        reason: String,
    },
    /// An input record or value is malformed.
    #[error("{0}")]
    BadInput(String),
}

impl Error {
    /// A stable, machine-readable name for the error, used in batch error records.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidUrl(_) => "invalid_url",
            Self::UnsupportedScheme(_) => "unsupported_scheme",
            Self::BlockedAddress { .. } => "blocked_address",
            Self::BlockedPort { .. } => "blocked_port",
            Self::RateLimited { .. } => "rate_limited",
            Self::Dns { .. } => "dns",
            Self::Timeout(_) => "timeout",
            Self::Connect(_) => "connect",
            Self::TooManyRedirects(_) => "too_many_redirects",
            Self::HttpStatus { .. } => "http_status",
            Self::TooLarge(_) => "too_large",
            Self::NotAnArticle(_) | Self::SectionFront => "not_an_article",
            Self::EmptyPage => "empty_page",
            Self::Io { .. } => "io",
            Self::BadInput(_) => "bad_input",
        }
    }
}

/// A byte count in the largest unit that reads well: `5 MiB`, `1.5 MiB`, `512 KiB`, `100 bytes`.
fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        // Display only: the precision lost converting to f64 is far below one decimal.
        #[allow(clippy::cast_precision_loss)]
        let mib = n as f64 / MIB as f64;
        format!("{mib:.1} MiB")
    } else if n >= KIB && n % KIB == 0 {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
