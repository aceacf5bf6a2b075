//! A reply packed into messages: [`plan_messages`] puts text lines and cards into as few
//! messages as Discord allows (content, embeds and embed characters per message).
//!
//! Not for what a card holds (see [`super::embed`]) or for sending: the bot does that.

use super::embed::{Embed, OutMessage, CONTENT_MAX, EMBEDS_MAX, MESSAGE_EMBEDS_TOTAL_MAX};
use super::escape::{discord_len, shorten};

/// Packs text lines and embeds into messages inside Discord's limits: lines go into the
/// content of the first message(s) (at most [`CONTENT_MAX`] each), embeds fill messages in
/// order up to [`EMBEDS_MAX`] embeds and [`MESSAGE_EMBEDS_TOTAL_MAX`] characters each.
#[must_use]
pub fn plan_messages(lines: &[String], embeds: Vec<Embed>) -> Vec<OutMessage> {
    let mut messages: Vec<OutMessage> = Vec::new();
    let mut content = String::new();
    for line in lines {
        let line = shorten(line, CONTENT_MAX, "…");
        if !content.is_empty() && discord_len(&content) + 1 + discord_len(&line) > CONTENT_MAX {
            messages.push(OutMessage {
                content: Some(std::mem::take(&mut content)),
                ..OutMessage::default()
            });
        }
        if !content.is_empty() {
            content.push('\n');
        }
        content.push_str(&line);
    }
    if !content.is_empty() {
        messages.push(OutMessage {
            content: Some(content),
            ..OutMessage::default()
        });
    }
    // Embeds join the last content message, then fill new ones.
    let mut current = messages.pop().unwrap_or_default();
    let mut total: usize = 0;
    for embed in embeds {
        let len = embed.total_len();
        if !current.embeds.is_empty()
            && (current.embeds.len() >= EMBEDS_MAX || total + len > MESSAGE_EMBEDS_TOTAL_MAX)
        {
            messages.push(std::mem::take(&mut current));
            total = 0;
        }
        total += len;
        current.embeds.push(embed);
    }
    if current.content.is_some() || !current.embeds.is_empty() {
        messages.push(current);
    }
    messages
}
