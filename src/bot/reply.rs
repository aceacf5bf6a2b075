//! Making and sending replies: briefs for a list of links, the conversion of planned
//! messages into Discord API builders, and sending with bounded retries.
//!
//! Every message the bot sends goes through here with empty allowed mentions, so nothing the
//! bot writes can ping anyone, whatever the page text says.

use std::time::Duration;

use minijinja::context;
use poise::serenity_prelude as serenity;

use std::sync::Arc;

use super::Data;
use crate::brief::Brief;
use crate::cache::{Asker, BriefError};
use crate::render::embed::{brief_card, CardStyle, Embed, OutMessage};
use crate::render::pack::plan_messages;
use crate::render::prompts::Prompts;
use crate::render::quiet::quiet_reason;
use crate::render::why::why_buttons;

/// Send attempts per message before giving up (Discord 5xx, 429, transport errors).
pub const SEND_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled for each further one.
pub const SEND_RETRY_BASE: Duration = Duration::from_millis(300);
/// Wait before retrying after a 429 that does not say how long to wait, doubled for each
/// further one. (A 429 that does say is waited out exactly: see [`RATE_LIMIT_WAIT_MAX`].)
pub const RATE_LIMITED_RETRY_BASE: Duration = Duration::from_millis(1500);
/// Longest advertised 429 wait the bot sits out before retrying a reply; a longer one (a
/// global or Cloudflare ban) gives the reply up at once rather than hold it, and its task,
/// for minutes.
pub const RATE_LIMIT_WAIT_MAX: Duration = Duration::from_secs(30);

/// Allowed mentions that allow nothing: no users, roles, everyone, nor the replied user.
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .everyone(false)
        .replied_user(false)
}

/// The outcome of briefing a set of links.
#[derive(Debug, Default)]
pub struct Briefed {
    /// The briefs worth posting, in link order.
    pub briefs: Vec<Arc<Brief>>,
    /// The link each of `briefs` was asked for (as given, before redirects).
    pub sources: Vec<String>,
    /// One private line per link briefed but not worth posting (not an article, too short,
    /// a summary barely shorter than the text): auto-briefs stay quiet about them.
    pub quiet: Vec<String>,
    /// One friendly line per link that failed (said privately, never posted by auto-briefs).
    pub failures: Vec<String>,
    /// Whether some links were not briefed because the bot is busy (no line is made for
    /// them: a "busy" answer is only ever given privately, by the commands).
    pub busy: bool,
}

impl Briefed {
    /// Whether there is no brief to post.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.briefs.is_empty()
    }

    /// The messages to post: one card for one brief (`long`: with every key sentence; its
    /// status line is the message's text, above the card), one compact card each for
    /// several (each with its status line on top), with a "Why?" button per card that has a
    /// status.
    /// Failures and quiet links are never part of them (see [`Briefed::private_lines`]).
    #[must_use]
    pub fn messages(&self, prompts: &Prompts, long: bool) -> Vec<OutMessage> {
        let style = if self.briefs.len() > 1 {
            CardStyle::Compact
        } else if long {
            CardStyle::Long
        } else {
            CardStyle::Full
        };
        let embeds = self
            .briefs
            .iter()
            .map(|b| brief_card(b, prompts, style))
            .collect();
        let mut messages = plan_messages(&[], embeds);
        for m in &mut messages {
            m.buttons = why_buttons(&m.embeds, prompts);
        }
        // One card: its status line becomes the message's text, the first line a reader
        // sees (and 8 px shorter than the embed's author line). Several cards keep their
        // own status lines.
        if self.briefs.len() == 1 {
            if let Some(first) = messages.first_mut() {
                first.content = first.embeds.first_mut().and_then(|e| e.author.take());
            }
        }
        messages
    }

    /// The lines to say privately: failures first, then links that got no brief.
    #[must_use]
    pub fn private_lines(&self) -> Vec<String> {
        self.failures.iter().chain(&self.quiet).cloned().collect()
    }
}

/// Briefs `urls` concurrently (through the shared service, for `asker`: its fetch slots and
/// its domain filter), in the order of `urls`. Links that turn out not to be web pages, or
/// that lead to a domain the asker does not brief, are dropped quietly; briefs not worth
/// posting ([`quiet_reason`]) get a private line instead.
pub async fn brief_links(
    data: &Data,
    urls: &[String],
    sentences: Option<usize>,
    asker: &Asker,
) -> Briefed {
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| {
            let service = data.briefs.clone();
            let url = url.clone();
            let asker = asker.clone();
            tokio::spawn(async move { service.brief_for(&url, sentences, &asker).await })
        })
        .collect();
    let mut out = Briefed::default();
    for (url, task) in urls.iter().zip(tasks) {
        let result = match task.await {
            Ok(result) => result,
            // A panic (or cancellation) while briefing this link: it gets a failure line
            // like any other error, and the other links of the message are unaffected.
            Err(e) => {
                tracing::error!(url = %crate::redact::link_for_log(url), "briefing failed unexpectedly: {e}");
                Err(std::sync::Arc::new(BriefError::Internal(e.to_string())))
            }
        };
        match result {
            Ok(brief) => match quiet_reason(&brief) {
                None => {
                    out.briefs.push(brief);
                    out.sources.push(url.clone());
                }
                Some(q) => {
                    tracing::info!(url = %crate::redact::link_for_log(url), reason = ?q, "no brief posted");
                    out.quiet
                        .push(data.prompts.render(q.prompt_key(), context! { url => url }));
                }
            },
            Err(e) if e.kind() == "not_an_article" => {
                tracing::debug!(url = %url, "skipped: not an article");
            }
            Err(e) if e.kind() == "not_allowed" => {
                tracing::debug!(url = %url, "skipped: leads to a domain not briefed here");
            }
            Err(e) if e.kind() == "busy" => {
                tracing::info!(url = %crate::redact::link_for_log(url), "skipped: busy");
                out.busy = true;
            }
            Err(e) => {
                // No query string or fragment at info level: they may carry tokens.
                tracing::info!(
                    url = %crate::redact::link_for_log(url),
                    kind = e.kind(),
                    "brief failed: {}",
                    crate::redact::scrub_link(&e.to_string(), url)
                );
                out.failures.push(failure_line(data, url, &e));
            }
        }
    }
    out
}

/// The one friendly line for a link that failed.
#[must_use]
pub fn failure_line(data: &Data, url: &str, e: &BriefError) -> String {
    let reason = data.prompts.error_reason(e.kind(), e.http_status());
    data.prompts.render(
        "reply.link_failed",
        context! { url => url, reason => reason },
    )
}

/// Converts a planned embed into serenity's builder.
pub fn to_create_embed(e: &Embed) -> serenity::CreateEmbed {
    let mut b = serenity::CreateEmbed::new().colour(e.colour);
    if let Some(t) = &e.title {
        b = b.title(t);
    }
    if let Some(u) = &e.url {
        b = b.url(u);
    }
    if let Some(a) = &e.author {
        b = b.author(serenity::CreateEmbedAuthor::new(a));
    }
    if let Some(d) = &e.description {
        b = b.description(d);
    }
    for f in &e.fields {
        b = b.field(&f.name, &f.value, f.inline);
    }
    if let Some(f) = &e.footer {
        b = b.footer(serenity::CreateEmbedFooter::new(f));
    }
    b
}

/// Whether a failed REST call is worth another try.
fn retryable(e: &serenity::Error) -> bool {
    use serenity::{Error as E, HttpError};
    match e {
        E::Http(HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.is_server_error() || r.status_code.as_u16() == 429
        }
        E::Http(HttpError::Request(_)) => true,
        _ => false,
    }
}

/// Whether serenity reported a 429 Too Many Requests (its error keeps no advertised wait).
fn is_rate_limited(e: &serenity::Error) -> bool {
    use serenity::{Error as E, HttpError};
    matches!(e, E::Http(HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 429)
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Discord (or the proxy) refused or failed the request.
    #[error(transparent)]
    Discord(#[from] serenity::Error),
    /// Discord (or the proxy) answered 429 and asked for this wait (none when it did not say).
    #[error("Discord is rate limiting the bot (asked to wait {0:?})")]
    RateLimited(Option<Duration>),
    /// No answer within the REST timeout.
    #[error("Discord did not answer within {0:?}")]
    TimedOut(Duration),
}

/// The wait before try `attempt + 1` after `e`, or None when `e` is not worth another try:
/// a 429's advertised wait as it is (given up when longer than [`RATE_LIMIT_WAIT_MAX`]), a
/// 429 without one [`RATE_LIMITED_RETRY_BASE`] doubled per try, other retryable failures (5xx,
/// transport, timeout) [`SEND_RETRY_BASE`] doubled per try.
fn retry_wait(e: &SendError, attempt: u32) -> Option<Duration> {
    let doubled = |base: Duration| base * 2u32.pow(attempt.saturating_sub(1));
    match e {
        SendError::RateLimited(Some(wait)) => (*wait <= RATE_LIMIT_WAIT_MAX).then_some(*wait),
        SendError::RateLimited(None) => Some(doubled(RATE_LIMITED_RETRY_BASE)),
        SendError::Discord(e) if is_rate_limited(e) => Some(doubled(RATE_LIMITED_RETRY_BASE)),
        SendError::Discord(e) => retryable(e).then(|| doubled(SEND_RETRY_BASE)),
        SendError::TimedOut(_) => Some(doubled(SEND_RETRY_BASE)),
    }
}

/// Runs `send` up to [`SEND_ATTEMPTS`] times, each bounded by `timeout`, while it fails in
/// a retryable way (5xx, 429, transport error or timeout), waiting as `retry_wait` says.
///
/// # Errors
/// The last error.
pub async fn with_retries<T, F, Fut>(
    what: &str,
    timeout: Duration,
    mut send: F,
) -> Result<T, SendError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SendError>>,
{
    let mut attempt = 1;
    loop {
        let e = match tokio::time::timeout(timeout, send()).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(e)) => e,
            Err(_) => SendError::TimedOut(timeout),
        };
        match retry_wait(&e, attempt) {
            Some(wait) if attempt < SEND_ATTEMPTS => {
                tracing::warn!(attempt, "{what} failed ({e}); retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            _ => return Err(e),
        }
    }
}

/// The wait a 429 answer asks for: the longest of its `Retry-After` header, its
/// `X-RateLimit-Reset-After` header and its JSON body's `retry_after` (all in seconds, with
/// fractions); None when it names none.
fn advertised_wait(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::fetch::retry_after_value)
    };
    let in_body = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("retry_after").and_then(serde_json::Value::as_f64))
        .and_then(crate::fetch::pause_of_secs);
    [
        header("retry-after"),
        header("x-ratelimit-reset-after"),
        in_body,
    ]
    .into_iter()
    .flatten()
    .max()
}

/// Posts `message` to `channel` through `client`, along serenity's own route, token and proxy
/// rewriting, but reading the answer itself: serenity 0.12 turns a 429 into an
/// `ErrorResponse` that keeps neither the headers nor the body's `retry_after`, and its
/// limiter, which reads them, ignores the proxy. Used in proxy mode only, where serenity's
/// limiter is off and the proxy's 429s reach the bot.
async fn post_message(
    http: &serenity::Http,
    client: &reqwest::Client,
    channel: serenity::ChannelId,
    message: &serenity::CreateMessage,
) -> Result<serenity::Message, SendError> {
    use ::serenity::http::{ErrorResponse, HttpError, LightMethod, Request, Route};
    let body = serde_json::to_vec(message).map_err(serenity::Error::from)?;
    let request = Request::new(
        Route::ChannelMessages {
            channel_id: channel,
        },
        LightMethod::Post,
    )
    .body(Some(body))
    .build(client, http.token(), http.proxy.as_deref())?;
    let response = request.send().await.map_err(serenity::Error::from)?;
    let status = response.status();
    if status.is_success() {
        let bytes = response.bytes().await.map_err(serenity::Error::from)?;
        return Ok(serde_json::from_slice(&bytes).map_err(serenity::Error::from)?);
    }
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        return Err(SendError::RateLimited(advertised_wait(&headers, &body)));
    }
    let error = ErrorResponse::from_response(response, reqwest::Method::POST).await;
    Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(error)).into())
}

/// Sends planned messages as replies to `to` (a message reference that does not ping the
/// author and does not fail if the message was deleted). Each message carries a nonce that
/// Discord enforces, so a retry after a lost response never posts twice. With `proxy_client`
/// (proxy mode) the messages are posted through it, so that a 429's advertised wait is read
/// and waited out (see `post_message`); without, through serenity (whose own limiter then
/// waits out 429s).
///
/// Returns the messages sent.
///
/// # Errors
/// The first message that could not be sent after retries.
pub async fn send_replies(
    http: &serenity::Http,
    proxy_client: Option<&reqwest::Client>,
    to: &serenity::Message,
    messages: Vec<OutMessage>,
    timeout: Duration,
) -> Result<Vec<serenity::Message>, SendError> {
    let mut sent = Vec::with_capacity(messages.len());
    for (i, m) in messages.into_iter().enumerate() {
        let mut reference = serenity::MessageReference::from(to);
        reference.fail_if_not_exists = Some(false);
        let nonce = format!("{}-{i}", to.id.get());
        let mut b = serenity::CreateMessage::new()
            .allowed_mentions(no_mentions())
            .reference_message(reference)
            .nonce(serenity::Nonce::String(nonce))
            .enforce_nonce(true)
            .embeds(m.embeds.iter().map(to_create_embed).collect());
        if let Some(c) = &m.content {
            b = b.content(c);
        }
        if !m.buttons.is_empty() {
            b = b.components(components(&m));
        }
        let b = &b;
        let message = with_retries("sending a reply", timeout, || async move {
            match proxy_client {
                Some(client) => post_message(http, client, to.channel_id, b).await,
                None => Ok(to.channel_id.send_message(http, b.clone()).await?),
            }
        })
        .await?;
        sent.push(message);
    }
    Ok(sent)
}

/// A poise reply for a planned message.
#[must_use]
pub fn to_reply(m: &OutMessage, ephemeral: bool) -> poise::CreateReply {
    let mut r = poise::CreateReply::default()
        .ephemeral(ephemeral)
        .allowed_mentions(no_mentions());
    if let Some(c) = &m.content {
        r = r.content(c);
    }
    for e in &m.embeds {
        r = r.embed(to_create_embed(e));
    }
    if !m.buttons.is_empty() {
        r = r.components(components(m));
    }
    r
}

/// The action row of a message's buttons.
#[must_use]
pub fn components(m: &OutMessage) -> Vec<serenity::CreateActionRow> {
    let buttons = m
        .buttons
        .iter()
        .map(|b| {
            serenity::CreateButton::new(b.custom_id.clone())
                .label(b.label.clone())
                .style(serenity::ButtonStyle::Secondary)
        })
        .collect();
    vec![serenity::CreateActionRow::Buttons(buttons)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_429_advertises_its_longest_wait_from_headers_or_body() {
        // Discord's shape: Retry-After rounded up, the precise figure in the body.
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset-after", "2.5")]);
        let body = br#"{"message":"You are being rate limited.","retry_after":2.5,"global":false}"#;
        assert_eq!(advertised_wait(&h, body), Some(Duration::from_secs(3)));
        // Only the body says it (a proxy that drops headers).
        assert_eq!(
            advertised_wait(&HeaderMap::new(), br#"{"retry_after":4.25}"#),
            Some(Duration::from_millis(4250))
        );
        // Only the bucket reset.
        let h = headers(&[("x-ratelimit-reset-after", "0.75")]);
        assert_eq!(advertised_wait(&h, b""), Some(Duration::from_millis(750)));
        // Nothing usable.
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(advertised_wait(&h, b"not json"), None);
        assert_eq!(advertised_wait(&h, br#"{"retry_after":-1}"#), None);
    }

    #[test]
    fn a_429_is_waited_out_as_advertised_and_a_long_one_gives_up() {
        let asked = Duration::from_secs(7);
        for attempt in 1..=2 {
            assert_eq!(
                retry_wait(&SendError::RateLimited(Some(asked)), attempt),
                Some(asked)
            );
        }
        let ban = RATE_LIMIT_WAIT_MAX + Duration::from_secs(1);
        assert_eq!(retry_wait(&SendError::RateLimited(Some(ban)), 1), None);
        // Without a figure: the conservative pause, doubled.
        assert_eq!(
            retry_wait(&SendError::RateLimited(None), 2),
            Some(RATE_LIMITED_RETRY_BASE * 2)
        );
        let timeout = Duration::from_secs(1);
        assert_eq!(
            retry_wait(&SendError::TimedOut(timeout), 1),
            Some(SEND_RETRY_BASE)
        );
        // A refusal that another try cannot fix.
        let bad = serenity::Error::Other("bad request");
        assert_eq!(retry_wait(&SendError::Discord(bad), 1), None);
    }
}
