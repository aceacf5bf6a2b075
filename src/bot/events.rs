//! Gateway events: auto-briefs for messages with article links, the 📰 reaction of the
//! `reaction` mode, the "Why?" button, and each shard's ready, disconnect and resume logged
//! with its id.
//!
//! The handler only decides (is it a person's message, with article links the server lets
//! the bot brief, in a channel with auto-briefs on and under its rate limit?) and then hands
//! the work to a spawned task, so the gateway never waits on a fetch. Failures are never
//! posted: the message gets a ⚠️ reaction at most.

use std::time::Duration;

use minijinja::context;
use poise::serenity_prelude as serenity;

use super::reply::{brief_links, failure_line, no_mentions, send_replies};
use super::settings::{DefaultLength, Mode, ServerSettings, LONG_SENTENCES, SHORT_SENTENCES};
use super::{BotError, Data};
use crate::cache::Asker;
use crate::links::find_article_links;
use crate::render::embed::{OutMessage, CONTENT_MAX};
use crate::render::escape::shorten;
use crate::render::why::{why_index, why_text};

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
        serenity::FullEvent::ReactionAdd { add_reaction } => {
            on_reaction(
                framework.serenity_context,
                add_reaction,
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

/// Whether auto-briefs are on in `channel`: its own `/autosummary` switch, or for a thread
/// without one, its parent channel's (looked up once per thread). When the lookup fails
/// (Discord 5xx, 429, timeout) the answer is "off" and nothing is remembered, so a thread
/// of a channel with auto-briefs off never gets them because Discord hiccuped; the next
/// message looks again.
async fn channel_on(ctx: &serenity::Context, data: &Data, channel: serenity::ChannelId) -> bool {
    let own = match data.store.channel_autosummary(channel.get()).await {
        Ok(v) => v,
        Err(e) => {
            // Without the setting, staying quiet is the safe choice.
            tracing::error!("{e}");
            return false;
        }
    };
    if let Some(on) = own {
        return on;
    }
    let parent = match data.parents.get(channel.get()) {
        Some(p) => p,
        None => {
            let lookup =
                tokio::time::timeout(data.config.rest_timeout, channel.to_channel(&ctx.http)).await;
            let p = match lookup {
                Ok(Ok(serenity::Channel::Guild(c))) if c.thread_metadata.is_some() => {
                    c.parent_id.map(serenity::ChannelId::get)
                }
                Ok(Ok(_)) => None,
                Ok(Err(e)) => {
                    tracing::info!(channel = %channel, "could not look up the channel ({e}); no auto-brief this time");
                    return false;
                }
                Err(_) => {
                    tracing::info!(channel = %channel, "looking up the channel timed out; no auto-brief this time");
                    return false;
                }
            };
            data.parents.set(channel.get(), p);
            p
        }
    };
    match parent {
        Some(p) => match data.store.channel_autosummary(p).await {
            Ok(v) => v.unwrap_or(true),
            Err(e) => {
                tracing::error!("{e}");
                false
            }
        },
        None => true,
    }
}

/// The article links of `msg` this server lets the bot brief, up to the per-message cap.
fn wanted_links(data: &Data, msg: &serenity::Message, settings: &ServerSettings) -> Vec<String> {
    let mut urls: Vec<String> = find_article_links(&msg.content)
        .into_iter()
        .filter(|u| settings.allows(u))
        .collect();
    urls.truncate(data.config.links_per_message);
    urls
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
    if find_article_links(&msg.content).is_empty() {
        return;
    }
    let settings = ServerSettings::load(&data.store, msg.guild_id.map(|g| g.get())).await;
    let urls = wanted_links(data, msg, &settings);
    if urls.is_empty() {
        return;
    }
    if msg.guild_id.is_none() {
        // Direct messages: auto-briefs only for people who asked for them (/dmbriefs on).
        match data.store.dm_autosummary(msg.author.id.get()).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::error!("{e}");
                return;
            }
        }
    } else if settings.mode == Mode::Off || !channel_on(ctx, data, msg.channel_id).await {
        return;
    }
    if settings.mode == Mode::Reaction && msg.guild_id.is_some() {
        // Offer a brief: members who want it add the same reaction.
        let emoji = data.prompts.text("reply.offer_reaction");
        let reaction = serenity::ReactionType::Unicode(emoji.trim().to_string());
        if let Err(e) = msg.react(&ctx.http, reaction).await {
            tracing::info!(channel = %msg.channel_id, "could not offer a brief: {e}");
        }
        return;
    }
    let guild = msg.guild_id.map(serenity::GuildId::get);
    if let Err(refusal) = data.take_share(msg.author.id.get(), guild, urls.len()) {
        // No public "busy" line: it would only add noise to the channel.
        tracing::info!(channel = %msg.channel_id, user = %msg.author.id, ?refusal, "auto-brief skipped: share spent");
        return;
    }
    auto_brief(ctx, data, msg, msg.author.id, urls, &settings, received);
}

/// Briefs the links of `msg` and replies, on a spawned task, within the channel's pacing;
/// `payer` (the author, or in reaction mode the member who reacted), whose share the caller
/// has charged, and the server are the ones its fetches count against. Links briefed in
/// this channel within the duplicate window get a jump link to the earlier brief instead.
/// Links whose redirects or final page fall on a domain the server ignores (or does not
/// allow) are dropped quietly, as the pasted link would be.
fn auto_brief(
    ctx: &serenity::Context,
    data: &Data,
    msg: &serenity::Message,
    payer: serenity::UserId,
    urls: Vec<String>,
    settings: &ServerSettings,
    received: std::time::Instant,
) {
    let guild = msg.guild_id.map(serenity::GuildId::get);
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
    let settings = settings.clone();
    tokio::spawn(async move {
        let _guard = guard;
        if !wait.is_zero() {
            tracing::debug!(channel = %msg.channel_id, ?wait, "auto-brief paced");
            tokio::time::sleep(wait).await;
        }
        let window = Duration::from_secs(u64::from(settings.duplicate_hours) * 3600);
        let channel = msg.channel_id.get();
        let mut earlier = Vec::new();
        let mut fresh = Vec::new();
        for url in urls {
            let seen = match guild {
                Some(g) if !window.is_zero() => data.recent.find(g, channel, &url, window).await,
                _ => None,
            };
            match seen {
                Some(jump) => earlier.push(jump),
                None => fresh.push(url),
            }
        }
        let asker = Asker {
            user: Some(payer.get()),
            server: guild,
            accepts: Some(settings.url_filter()),
        };
        let typing = msg.channel_id.start_typing(&http);
        let briefed = brief_links(&data, &fresh, settings.length.sentences(), &asker).await;
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
        let mut messages = if briefed.is_empty() {
            Vec::new()
        } else {
            briefed.messages(&data.prompts, settings.length == DefaultLength::Long)
        };
        if !earlier.is_empty() {
            let lines: Vec<String> = earlier
                .iter()
                .map(|jump| {
                    data.prompts
                        .render("reply.duplicate", context! { jump => jump })
                })
                .collect();
            let line = lines.join("\n");
            match messages.first_mut() {
                Some(first) => {
                    let text = match first.content.take() {
                        Some(c) => format!("{c}\n{line}"),
                        None => line,
                    };
                    first.content = Some(shorten(&text, CONTENT_MAX, "…"));
                }
                None => messages.push(OutMessage {
                    content: Some(shorten(&line, CONTENT_MAX, "…")),
                    ..OutMessage::default()
                }),
            }
        }
        if messages.is_empty() {
            return;
        }
        match send_replies(
            &http,
            data.proxy_client.as_ref(),
            &msg,
            messages,
            data.config.rest_timeout,
        )
        .await
        {
            Ok(sent) => {
                data.metrics
                    .reply_seconds
                    .observe(received.elapsed().as_secs_f64());
                if let (Some(g), Some(first)) = (guild, sent.first()) {
                    let jump = format!(
                        "https://discord.com/channels/{g}/{}/{}",
                        first.channel_id, first.id
                    );
                    // Only links whose brief this reply holds (not failures, not quiet ones).
                    for u in &briefed.sources {
                        data.recent.remember(g, channel, u, &jump).await;
                    }
                }
            }
            Err(e) => {
                tracing::error!(channel = %msg.channel_id, message = %msg.id, "could not send the reply: {e}");
            }
        }
    });
}

/// A reaction in `reaction` mode: when a member adds the offered emoji to a message with
/// links, the message is briefed (once, however many members react).
async fn on_reaction(
    ctx: &serenity::Context,
    reaction: &serenity::Reaction,
    bot_id: serenity::UserId,
    data: &Data,
) {
    let Some(guild) = reaction.guild_id else {
        return;
    };
    if reaction.user_id == Some(bot_id) || reaction.member.as_ref().is_some_and(|m| m.user.bot) {
        return;
    }
    let offered = data.prompts.text("reply.offer_reaction");
    if !matches!(&reaction.emoji, serenity::ReactionType::Unicode(e) if e.trim() == offered.trim())
    {
        return;
    }
    let settings = ServerSettings::load(&data.store, Some(guild.get())).await;
    if settings.mode != Mode::Reaction {
        return;
    }
    let Some(reactor) = reaction.user_id else {
        return;
    };
    let message = reaction.message_id.get();
    let briefed_already = || {
        data.reacted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&message)
    };
    if briefed_already() {
        return;
    }
    let msg = match reaction
        .channel_id
        .message(&ctx.http, reaction.message_id)
        .await
    {
        Ok(m) => m,
        Err(e) => {
            tracing::info!(channel = %reaction.channel_id, "could not read the reacted message: {e}");
            return;
        }
    };
    if !is_from_person(&msg, bot_id) || !channel_on(ctx, data, msg.channel_id).await {
        return;
    }
    let mut msg = msg;
    if msg.guild_id.is_none() {
        msg.guild_id = Some(guild);
    }
    let urls = wanted_links(data, &msg, &settings);
    if urls.is_empty() {
        return;
    }
    {
        // Marked briefed and charged in one step: of several members reacting at once, one
        // pays; a member whose share is spent marks nothing, so another may still ask.
        let mut done = data
            .reacted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if done.contains(&message) {
            return;
        }
        // The member who asks pays for it, not the author of the message.
        if let Err(refusal) = data.take_share(reactor.get(), Some(guild.get()), urls.len()) {
            tracing::info!(channel = %msg.channel_id, user = %reactor, ?refusal, "reaction brief skipped: share spent");
            return;
        }
        if done.len() > 20_000 {
            done.clear();
        }
        done.insert(message);
    }
    auto_brief(
        ctx,
        data,
        &msg,
        reactor,
        urls,
        &settings,
        std::time::Instant::now(),
    );
}

/// The "Why?" button: answers the person who pressed it, privately, with each status label
/// of the card, what it means and the sentence that shows it. The brief comes from the cache
/// when it is there (no fetch, nothing charged); otherwise it is made again for the link of
/// the card, charged to the share of the person who pressed (and their server), as a command
/// would be.
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
        Some(url) => why_answer(data, press, &url).await,
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

/// Summary lengths a card may have been made with (the status does not depend on them).
const CARD_LENGTHS: [Option<usize>; 3] = [None, Some(SHORT_SENTENCES), Some(LONG_SENTENCES)];

/// The Why? text for the card of `url`: from the cache, or made again within the presser's
/// share.
async fn why_answer(data: &Data, press: &serenity::ComponentInteraction, url: &str) -> String {
    if let Some(brief) = data.briefs.cached(url, &CARD_LENGTHS).await {
        return why_text(&brief, &data.prompts);
    }
    let user = press.user.id.get();
    let guild = press.guild_id.map(serenity::GuildId::get);
    match data.take_share(user, guild, 1) {
        Ok(()) => {}
        Err(super::limits::ShareRefusal::User) => return data.prompts.text("reply.slow_down"),
        Err(super::limits::ShareRefusal::Server) => return data.prompts.text("errors.busy"),
    }
    let asker = Asker {
        user: Some(user),
        server: guild,
        accepts: None,
    };
    match data.briefs.brief_for(url, None, &asker).await {
        Ok(brief) => why_text(&brief, &data.prompts),
        Err(e) => failure_line(data, url, &e),
    }
}
