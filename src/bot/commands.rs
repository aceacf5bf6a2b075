//! Slash commands and the "Summarize" message menu, declared with poise, plus the one error
//! handler that turns framework errors into replies a user understands.

use minijinja::context;
use poise::serenity_prelude as serenity;

use super::reply::{brief_links, no_mentions, to_reply, Briefed};
use super::{BotError, Context, Data};
use crate::links::{find_article_links, normalize_url};

/// Summary sentences for `length: short`.
pub const SHORT_SENTENCES: usize = 2;
/// Summary sentences for `length: long`.
pub const LONG_SENTENCES: usize = 7;

/// Summary length choices of `/summarize`.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Length {
    /// Two sentences.
    #[name = "short"]
    Short,
    /// The engine's choice (three to five sentences).
    #[name = "standard"]
    Standard,
    /// Seven sentences.
    #[name = "long"]
    Long,
}

impl Length {
    /// Sentences requested from the engine (`None`: its own choice).
    #[must_use]
    pub fn sentences(self) -> Option<usize> {
        match self {
            Self::Short => Some(SHORT_SENTENCES),
            Self::Standard => None,
            Self::Long => Some(LONG_SENTENCES),
        }
    }
}

/// On or off, for `/autosummary`.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Toggle {
    /// Auto-briefs on.
    #[name = "on"]
    On,
    /// Auto-briefs off.
    #[name = "off"]
    Off,
}

/// Every command of the bot.
#[must_use]
pub fn all() -> Vec<poise::Command<Data, BotError>> {
    vec![summarize(), summarize_message(), autosummary(), help()]
}

/// Brief a news article: key sentences, key actors and the status of its main claim.
#[poise::command(slash_command)]
pub(crate) async fn summarize(
    ctx: Context<'_>,
    #[description = "Link to the article"] url: String,
    #[description = "Summary length"] length: Option<Length>,
    #[description = "Show the brief only to you"] private: Option<bool>,
) -> Result<(), BotError> {
    let Some(_guard) = ctx.data().work.start() else {
        return say_ephemeral(ctx, &ctx.data().prompts.text("reply.shutting_down")).await;
    };
    let private = private.unwrap_or(false);
    let cleaned = url.trim().trim_start_matches('<').trim_end_matches('>');
    let Some(link) = normalize_url(cleaned) else {
        return say_ephemeral(ctx, &ctx.data().prompts.text("reply.not_a_link")).await;
    };
    if let Some(text) = share_refused(ctx, 1) {
        return say_ephemeral(ctx, &text).await;
    }
    if private {
        ctx.defer_ephemeral().await?;
    } else {
        ctx.defer().await?;
    }
    let sentences = length.and_then(Length::sentences);
    let briefed = brief_links(ctx.data(), &[link.to_string()], sentences).await;
    if briefed.is_empty() {
        // Failed, not worth a brief, or not an article at all: tell the user privately why.
        let text = private_text(ctx.data(), &briefed);
        return fail_privately(ctx, private, &text).await;
    }
    let what = ctx
        .data()
        .prompts
        .render("reply.briefing_link", context! { what => link.as_str() });
    let long = matches!(length, Some(Length::Long));
    send_briefed(ctx, &briefed, &what, private, long).await
}

/// What to say privately when no brief is posted: the failure and quiet lines, or why
/// nothing could be done.
fn private_text(data: &Data, briefed: &Briefed) -> String {
    let lines = briefed.private_lines();
    if !lines.is_empty() {
        return lines.join("\n");
    }
    let kind = if briefed.busy {
        "busy"
    } else {
        "not_an_article"
    };
    let reason = data.prompts.error_reason(kind, None);
    data.prompts
        .render("reply.summarize_failed", context! { reason => reason })
}

/// Brief the article links in this message.
#[poise::command(context_menu_command = "Summarize")]
pub(crate) async fn summarize_message(
    ctx: Context<'_>,
    #[description = "The message with links"] msg: serenity::Message,
) -> Result<(), BotError> {
    let Some(_guard) = ctx.data().work.start() else {
        return say_ephemeral(ctx, &ctx.data().prompts.text("reply.shutting_down")).await;
    };
    let mut urls = find_article_links(&msg.content);
    if urls.is_empty() {
        return say_ephemeral(ctx, &ctx.data().prompts.text("reply.no_links")).await;
    }
    urls.truncate(ctx.data().config.links_per_message);
    if let Some(text) = share_refused(ctx, urls.len()) {
        return say_ephemeral(ctx, &text).await;
    }
    ctx.defer().await?;
    let briefed = brief_links(ctx.data(), &urls, None).await;
    if briefed.is_empty() {
        let text = if briefed.private_lines().is_empty() && !briefed.busy {
            ctx.data().prompts.text("reply.no_links")
        } else {
            private_text(ctx.data(), &briefed)
        };
        return fail_privately(ctx, false, &text).await;
    }
    let what = ctx
        .data()
        .prompts
        .render("reply.briefing_message", context! { what => msg.link() });
    send_briefed(ctx, &briefed, &what, false, false).await
}

/// Turn replies to pasted article links on or off in this channel.
#[poise::command(
    slash_command,
    required_permissions = "MANAGE_CHANNELS",
    default_member_permissions = "MANAGE_CHANNELS"
)]
pub(crate) async fn autosummary(
    ctx: Context<'_>,
    #[description = "on or off"] mode: Toggle,
) -> Result<(), BotError> {
    let on = matches!(mode, Toggle::On);
    ctx.data()
        .store
        .set_autosummary(
            ctx.channel_id().get(),
            ctx.guild_id().map(serenity::GuildId::get),
            on,
        )
        .await?;
    tracing::info!(channel = %ctx.channel_id(), on, "autosummary changed");
    let key = if on {
        "reply.autosummary_on"
    } else {
        "reply.autosummary_off"
    };
    say_ephemeral(ctx, &ctx.data().prompts.text(key)).await
}

/// What this bot does and what each status label means.
#[poise::command(slash_command)]
pub(crate) async fn help(ctx: Context<'_>) -> Result<(), BotError> {
    let p = &ctx.data().prompts;
    let statuses: Vec<_> = [
        crate::StatusLabel::EarlyStage,
        crate::StatusLabel::Denied,
        crate::StatusLabel::Unconfirmed,
        crate::StatusLabel::Confirmed,
    ]
    .into_iter()
    .map(|l| {
        let (badge, label, meaning) = p.status(l);
        context! { badge => badge, label => label, meaning => meaning }
    })
    .collect();
    let text = p.render(
        "help.text",
        context! { statuses => statuses, links_per_message => ctx.data().config.links_per_message },
    );
    say_ephemeral(ctx, &text).await
}

/// Takes `links` from the caller's and the server's shares; when one is spent, the private
/// answer to give instead.
fn share_refused(ctx: Context<'_>, links: usize) -> Option<String> {
    let data = ctx.data();
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    match data.take_share(ctx.author().id.get(), guild, links) {
        Ok(()) => None,
        Err(super::ShareRefusal::User) => Some(data.prompts.text("reply.slow_down")),
        Err(super::ShareRefusal::Server) => Some(data.prompts.text("errors.busy")),
    }
}

/// Sends the briefs as follow-ups of the deferred response, the first one headed by `what`
/// (what is briefed); failures and links without a brief are then said privately.
async fn send_briefed(
    ctx: Context<'_>,
    briefed: &Briefed,
    what: &str,
    private: bool,
    long: bool,
) -> Result<(), BotError> {
    let mut messages = briefed.messages(&ctx.data().prompts, long);
    if let Some(first) = messages.first_mut() {
        // The status line (if any) stays first; the line naming what is briefed follows.
        let text = match first.content.take() {
            Some(status) => format!("{status}\n{what}"),
            None => what.to_string(),
        };
        first.content = Some(crate::render::embed::shorten(
            &text,
            crate::render::embed::CONTENT_MAX,
            "…",
        ));
    }
    for m in &messages {
        ctx.send(to_reply(m, private)).await?;
    }
    let lines = briefed.private_lines();
    if !lines.is_empty() {
        say_ephemeral(ctx, &lines.join("\n")).await?;
    }
    Ok(())
}

/// Says `text` only to the user, shortened to a message's limit.
async fn say_ephemeral(ctx: Context<'_>, text: &str) -> Result<(), BotError> {
    let text = crate::render::embed::shorten(text, crate::render::embed::CONTENT_MAX, "…");
    ctx.send(
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
    .await?;
    Ok(())
}

/// After a deferral, reports a failure only to the user: a public "thinking" response is
/// deleted first, because the first follow-up would otherwise replace it publicly.
async fn fail_privately(
    ctx: Context<'_>,
    deferred_private: bool,
    text: &str,
) -> Result<(), BotError> {
    if !deferred_private {
        if let poise::Context::Application(actx) = ctx {
            if let Err(e) = actx.interaction.delete_response(ctx.http()).await {
                tracing::warn!("could not delete the deferred response: {e}");
            }
        }
    }
    say_ephemeral(ctx, text).await
}

/// The one error handler: every framework error becomes a short private reply.
pub async fn on_error(error: poise::FrameworkError<'_, Data, BotError>) {
    match error {
        poise::FrameworkError::CooldownHit {
            remaining_cooldown,
            ctx,
            ..
        } => {
            let seconds = remaining_cooldown.as_secs_f64().ceil().max(1.0) as u64;
            let text = ctx
                .data()
                .prompts
                .render("reply.cooldown", context! { seconds => seconds });
            let _ = say_ephemeral(ctx, &text).await;
        }
        poise::FrameworkError::MissingUserPermissions {
            missing_permissions,
            ctx,
            ..
        } => {
            let permissions = missing_permissions
                .map_or_else(|| "Manage Channels".to_string(), |p| p.to_string());
            let text = ctx.data().prompts.render(
                "reply.missing_permissions",
                context! { permissions => permissions },
            );
            let _ = say_ephemeral(ctx, &text).await;
        }
        poise::FrameworkError::CommandCheckFailed { ctx, .. } => {
            let _ = say_ephemeral(ctx, &ctx.data().prompts.text("reply.shutting_down")).await;
        }
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, "command failed: {error}");
            let _ = say_ephemeral(ctx, &ctx.data().prompts.text("reply.command_failed")).await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!("error while handling an error: {e}");
            }
        }
    }
}
