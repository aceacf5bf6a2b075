//! Gateway events: auto-briefs for messages with article links.
//!
//! The handler only decides (is it a person's message, with article links, in a channel with
//! auto-briefs on and under its rate limit?) and then hands the work to a spawned task, so
//! the gateway never waits on a fetch.

use poise::serenity_prelude as serenity;

use super::reply::{brief_links, failure_line, no_mentions, send_replies};
use super::{BotError, Data};
use crate::links::find_article_links;
use crate::render::embed::{shorten, why_index, why_text, CONTENT_MAX};

/// poise's event handler: routes the events the bot cares about.
///
/// # Errors
/// Never in practice; errors are logged where they happen.
pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, BotError>,
    event: &serenity::FullEvent,
) -> Result<(), BotError> {
    match event {
        serenity::FullEvent::Message { new_message } => {
            on_message(
                framework.serenity_context,
                new_message,
                framework.bot_id(),
                framework.user_data,
            )
            .await;
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } => {
            if let Some(index) = why_index(&press.data.custom_id) {
                on_why(
                    framework.serenity_context,
                    press,
                    index,
                    framework.user_data,
                )
                .await;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether a message was written by a person in an ordinary way (not a bot, webhook or
/// system message, not the bot itself).
#[must_use]
pub fn is_from_person(msg: &serenity::Message, bot_id: serenity::UserId) -> bool {
    !msg.author.bot
        && !msg.author.system
        && msg.webhook_id.is_none()
        && msg.author.id != bot_id
        && matches!(
            msg.kind,
            serenity::MessageType::Regular | serenity::MessageType::InlineReply
        )
}

async fn on_message(
    ctx: &serenity::Context,
    msg: &serenity::Message,
    bot_id: serenity::UserId,
    data: &Data,
) {
    if !is_from_person(msg, bot_id) {
        return;
    }
    let mut urls = find_article_links(&msg.content);
    if urls.is_empty() {
        return;
    }
    urls.truncate(data.config.links_per_message);
    match data.store.autosummary(msg.channel_id.get()).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            // Without the setting, staying quiet is the safe choice.
            tracing::error!("{e}");
            return;
        }
    }
    let guild = msg.guild_id.map(serenity::GuildId::get);
    if let Err(refusal) = data.take_share(msg.author.id.get(), guild, urls.len()) {
        // No public "busy" line: it would only add noise to the channel.
        tracing::info!(channel = %msg.channel_id, user = %msg.author.id, ?refusal, "auto-brief skipped: share spent");
        return;
    }
    let Some(wait) = data.limiter.reserve(msg.channel_id.get()) else {
        tracing::info!(channel = %msg.channel_id, "auto-brief skipped: the channel's queue is full");
        return;
    };
    let Some(guard) = data.work.start() else {
        return;
    };
    let http = ctx.http.clone();
    let msg = msg.clone();
    let data = data.clone();
    tokio::spawn(async move {
        let _guard = guard;
        if !wait.is_zero() {
            tracing::debug!(channel = %msg.channel_id, ?wait, "auto-brief paced");
            tokio::time::sleep(wait).await;
        }
        let typing = msg.channel_id.start_typing(&http);
        let briefed = brief_links(&data, &urls, None).await;
        typing.stop();
        if !briefed.failures.is_empty() {
            // Failures are never posted in the channel: a reaction at most. The reason is
            // given privately to whoever asks (/summarize or the menu).
            let emoji = data.prompts.text("reply.failed_reaction");
            if !emoji.trim().is_empty() {
                let reaction = serenity::ReactionType::Unicode(emoji.trim().to_string());
                if let Err(e) = msg.react(&http, reaction).await {
                    tracing::info!(channel = %msg.channel_id, "could not react to a failed link: {e}");
                }
            }
        }
        if briefed.is_empty() {
            return;
        }
        let messages = briefed.messages(&data.prompts, false);
        if let Err(e) = send_replies(&http, &msg, messages, data.config.rest_timeout).await {
            tracing::error!(channel = %msg.channel_id, message = %msg.id, "could not send the reply: {e}");
        }
    });
}

/// The "Why?" button: answers the person who pressed it, privately, with each status label
/// of the card, what it means and the sentence that shows it. The brief comes from the
/// cache (or is made again) for the link of the card the button belongs to.
async fn on_why(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    index: usize,
    data: &Data,
) {
    let url = press.message.embeds.get(index).and_then(|e| e.url.clone());
    let deferred = press
        .create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        )
        .await;
    if let Err(e) = deferred {
        tracing::warn!("could not answer a Why? button: {e}");
        return;
    }
    let text = match url {
        None => data.prompts.text("reply.command_failed"),
        Some(url) => match data.briefs.brief(&url, None).await {
            Ok(brief) => why_text(&brief, &data.prompts),
            Err(e) => failure_line(data, &url, &e),
        },
    };
    let text = shorten(&text, CONTENT_MAX, "…");
    let followup = serenity::CreateInteractionResponseFollowup::new()
        .ephemeral(true)
        .allowed_mentions(no_mentions())
        .content(text);
    if let Err(e) = press.create_followup(&ctx.http, followup).await {
        tracing::warn!("could not answer a Why? button: {e}");
    }
}
