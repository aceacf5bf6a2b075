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
use crate::cache::BriefError;
use crate::render::embed::{
    brief_card, plan_messages, why_buttons, CardStyle, Embed, OutMessage, Prompts,
};
use crate::render::quiet::quiet_reason;

/// Send attempts per message before giving up (Discord 5xx, 429, transport errors).
pub const SEND_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled for each further one.
pub const SEND_RETRY_BASE: Duration = Duration::from_millis(300);
/// Wait before retrying after a 429, doubled for each further one. With a REST proxy
/// serenity's own limiter is off, so a 429 reaches the bot, but not the wait it advertises:
/// serenity 0.12's `ErrorResponse` keeps only the status, URL, method and the body's
/// `code`/`message`/`errors`, dropping the `Retry-After` and `X-RateLimit-Reset-After`
/// headers, and Discord's 429 body (`message`, `retry_after`, `global`, usually no `code`)
/// does not even decode into it. serenity's limiter, which does read those headers, sends
/// to discord.com whatever the proxy (`Ratelimiter::perform` builds its requests without
/// it), so it cannot be used either. The bot therefore waits this conservative pause
/// (longer than Discord's usual per-route reset) instead of retrying at once.
pub const RATE_LIMITED_RETRY_BASE: Duration = Duration::from_millis(1500);

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

/// Briefs `urls` concurrently (through the shared service), in the order of `urls`. Links
/// that turn out not to be web pages are dropped quietly; briefs not worth posting
/// ([`quiet_reason`]) get a private line instead.
pub async fn brief_links(data: &Data, urls: &[String], sentences: Option<usize>) -> Briefed {
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| {
            let service = data.briefs.clone();
            let url = url.clone();
            tokio::spawn(async move { service.brief(&url, sentences).await })
        })
        .collect();
    let mut out = Briefed::default();
    for (url, task) in urls.iter().zip(tasks) {
        let result = match task.await {
            Ok(result) => result,
            // A panic (or cancellation) while briefing this link: it gets a failure line
            // like any other error, and the other links of the message are unaffected.
            Err(e) => {
                tracing::error!(url = %url, "briefing failed unexpectedly: {e}");
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
                    tracing::info!(url = %url, reason = ?q, "no brief posted");
                    out.quiet
                        .push(data.prompts.render(q.prompt_key(), context! { url => url }));
                }
            },
            Err(e) if e.kind() == "not_an_article" => {
                tracing::debug!(url = %url, "skipped: not an article");
            }
            Err(e) if e.kind() == "busy" => {
                tracing::info!(url = %url, "skipped: busy");
                out.busy = true;
            }
            Err(e) => {
                tracing::info!(url = %url, kind = e.kind(), "brief failed: {e}");
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

/// Whether Discord (or the proxy) answered 429 Too Many Requests.
fn is_rate_limited(e: &SendError) -> bool {
    use serenity::{Error as E, HttpError};
    matches!(e, SendError::Discord(E::Http(HttpError::UnsuccessfulRequest(r))) if r.status_code.as_u16() == 429)
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Discord (or the proxy) refused or failed the request.
    #[error(transparent)]
    Discord(#[from] serenity::Error),
    /// No answer within the REST timeout.
    #[error("Discord did not answer within {0:?}")]
    TimedOut(Duration),
}

/// Runs `send` up to [`SEND_ATTEMPTS`] times, each bounded by `timeout`, while it fails in
/// a retryable way (5xx, 429, transport error or timeout).
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
    Fut: std::future::Future<Output = Result<T, serenity::Error>>,
{
    let mut attempt = 1;
    loop {
        let outcome = match tokio::time::timeout(timeout, send()).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(e)) => {
                let again = retryable(&e);
                (SendError::Discord(e), again)
            }
            Err(_) => (SendError::TimedOut(timeout), true),
        };
        match outcome {
            (e, true) if attempt < SEND_ATTEMPTS => {
                let base = if is_rate_limited(&e) {
                    RATE_LIMITED_RETRY_BASE
                } else {
                    SEND_RETRY_BASE
                };
                let wait = base * 2u32.pow(attempt - 1);
                tracing::warn!(attempt, "{what} failed ({e}); retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            (e, _) => return Err(e),
        }
    }
}

/// Sends planned messages as replies to `to` (a message reference that does not ping the
/// author and does not fail if the message was deleted). Each message carries a nonce that
/// Discord enforces, so a retry after a lost response never posts twice.
///
/// Returns the messages sent.
///
/// # Errors
/// The first message that could not be sent after retries.
pub async fn send_replies(
    http: &serenity::Http,
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
        let message = with_retries("sending a reply", timeout, || {
            to.channel_id.send_message(http, b.clone())
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
