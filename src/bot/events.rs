//! Gateway events: auto-briefs for messages with article links, and each shard's ready,
//! disconnect and resume logged with its id.
//!
//! The handler only decides (is it a person's message, with article links, in a channel with
//! auto-briefs on and under its rate limit?) and then hands the work to a spawned task, so
//! the gateway never waits on a fetch.

use poise::serenity_prelude as serenity;

use super::reply::{brief_links, send_replies};
use super::{BotError, Data};
use crate::links::find_article_links;

/// poise's event handler: routes the events the bot cares about.
///
/// # Errors
/// Never in practice; errors are logged where they happen.
pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, BotError>,
    event: &serenity::FullEvent,
) -> Result<(), BotError> {
    let shard = framework.serenity_context.shard_id.0;
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
        serenity::FullEvent::Ready { data_about_bot } => {
            let total = data_about_bot.shard.map(|s| s.total);
            tracing::info!(shard, total, "shard {shard} ready");
        }
        serenity::FullEvent::Resume { .. } => {
            tracing::info!(shard, "shard {shard} resumed its session");
        }
        _ => {}
    }
    Ok(())
}

/// Logs each shard's connection stage changes (disconnects, reconnects) with its id.
/// serenity hands these only to its own event handlers, not to poise's framework, hence
/// this separate handler.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShardStages;

#[serenity::async_trait]
impl serenity::EventHandler for ShardStages {
    async fn shard_stage_update(
        &self,
        _ctx: serenity::Context,
        event: serenity::ShardStageUpdateEvent,
    ) {
        let id = event.shard_id.0;
        if matches!(event.new, serenity::ConnectionStage::Connected) {
            tracing::info!(shard = id, "shard {id} connected (was {:?})", event.old);
        } else if matches!(event.old, serenity::ConnectionStage::Connected) {
            tracing::warn!(shard = id, stage = ?event.new, "shard {id} disconnected; reconnecting");
        } else {
            tracing::debug!(shard = id, stage = ?event.new, "shard {id} connection stage");
        }
    }
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
    let received = std::time::Instant::now();
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
        if briefed.is_empty() {
            return;
        }
        match send_replies(&http, &msg, briefed.messages(), data.config.rest_timeout).await {
            Ok(()) => data
                .metrics
                .reply_seconds
                .observe(received.elapsed().as_secs_f64()),
            Err(e) => {
                tracing::error!(channel = %msg.channel_id, message = %msg.id, "could not send the reply: {e}");
            }
        }
    });
}
