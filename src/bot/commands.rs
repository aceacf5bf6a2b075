//! Slash commands and the "Summarize" message menu, declared with poise, plus the one error
//! handler that turns framework errors into replies a user understands.

use minijinja::context;
use poise::serenity_prelude as serenity;

use super::reply::{brief_links, no_mentions, to_reply, Briefed};
use super::settings::{
    normalize_domain, toggle, DefaultLength, Mode, ServerSettings, LONG_SENTENCES, MAX_DOMAINS,
    MAX_DUPLICATE_HOURS, SHORT_SENTENCES,
};
use super::{BotError, Context, Data};
use crate::cache::Asker;
use crate::links::{find_article_links, normalize_url};

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
    vec![
        summarize(),
        summarize_message(),
        autosummary(),
        settings(),
        dmbriefs(),
        help(),
    ]
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
    // Someone who may not post (or embed links) here gets the brief privately: the bot must
    // not post for them what they could not post themselves.
    let private = private.unwrap_or(false) || !may_post_publicly(ctx);
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
    let briefed = brief_links(ctx.data(), &[link.to_string()], sentences, &asker(ctx)).await;
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
    let private = !may_post_publicly(ctx);
    if private {
        ctx.defer_ephemeral().await?;
    } else {
        ctx.defer().await?;
    }
    let briefed = brief_links(ctx.data(), &urls, None, &asker(ctx)).await;
    if briefed.is_empty() {
        let text = if briefed.private_lines().is_empty() && !briefed.busy {
            ctx.data().prompts.text("reply.no_links")
        } else {
            private_text(ctx.data(), &briefed)
        };
        return fail_privately(ctx, private, &text).await;
    }
    let what = ctx
        .data()
        .prompts
        .render("reply.briefing_message", context! { what => msg.link() });
    send_briefed(ctx, &briefed, &what, private, false).await
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

/// Server-wide settings: how links are answered, domains, length, duplicates.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "settings_show",
        "settings_mode",
        "settings_ignore",
        "settings_allow",
        "settings_length",
        "settings_duplicates"
    ),
    subcommand_required,
    required_permissions = "MANAGE_GUILD",
    default_member_permissions = "MANAGE_GUILD"
)]
pub(crate) async fn settings(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Loads this server's settings, lets `change` edit them, stores them and answers privately
/// with `change`'s text (or its error, stored nothing).
async fn edit_settings(
    ctx: Context<'_>,
    change: impl FnOnce(&mut ServerSettings) -> Result<String, String>,
) -> Result<(), BotError> {
    let Some(guild) = ctx.guild_id() else {
        return say_ephemeral(ctx, &ctx.data().prompts.text("settings.server_only")).await;
    };
    let mut s = ServerSettings::load(&ctx.data().store, Some(guild.get())).await;
    match change(&mut s) {
        Ok(text) => {
            ctx.data()
                .store
                .set_server_settings(guild.get(), &s.to_json())
                .await?;
            tracing::info!(guild = %guild, settings = %s.to_json(), "server settings changed");
            say_ephemeral(ctx, &text).await
        }
        Err(text) => say_ephemeral(ctx, &text).await,
    }
}

/// A `/settings` subcommand: a guild-only slash command named `$rename` for members who may
/// manage the server (checked by the bot too, not only hidden by Discord's default).
macro_rules! settings_command {
    ($rename:tt, $(#[doc = $doc:tt])* $vis:vis async fn $($rest:tt)*) => {
        $(#[doc = $doc])*
        #[poise::command(
            slash_command,
            guild_only,
            rename = $rename,
            required_permissions = "MANAGE_GUILD",
            default_member_permissions = "MANAGE_GUILD"
        )]
        $vis async fn $($rest)*
    };
}

/// The settings of this server, as `/settings show` lists them.
fn settings_text(data: &Data, s: &ServerSettings) -> String {
    let none = data.prompts.text("settings.none");
    let list = |l: &[String]| {
        if l.is_empty() {
            none.clone()
        } else {
            l.join(", ")
        }
    };
    data.prompts.render(
        "settings.show",
        context! {
            mode => s.mode.as_str(),
            ignore => list(&s.ignore),
            allow => list(&s.allow),
            length => s.length.as_str(),
            duplicate_hours => s.duplicate_hours,
        },
    )
}

settings_command! {
    "show",
    /// Show this server's settings.
    pub(crate) async fn settings_show(ctx: Context<'_>) -> Result<(), BotError> {
        let s = ServerSettings::load(&ctx.data().store, ctx.guild_id().map(|g| g.get())).await;
        say_ephemeral(ctx, &settings_text(ctx.data(), &s)).await
    }
}

settings_command! {
    "mode",
    /// How the bot answers pasted links: auto (reply), reaction (📰 first), off (commands only).
    pub(crate) async fn settings_mode(
        ctx: Context<'_>,
        #[description = "auto, reaction or off"] value: Mode,
    ) -> Result<(), BotError> {
        let p = ctx.data().prompts.clone();
        edit_settings(ctx, |s| {
            s.mode = value;
            Ok(p.render(&format!("settings.mode_{}", value.as_str()), context! {}))
        })
        .await
    }
}

settings_command! {
    "ignore",
    /// Ignore a domain (or stop ignoring it): its links are never briefed automatically.
    pub(crate) async fn settings_ignore(
        ctx: Context<'_>,
        #[description = "A domain, e.g. youtube.com (again to remove it)"] domain: String,
    ) -> Result<(), BotError> {
        let p = ctx.data().prompts.clone();
        edit_settings(ctx, |s| toggle_domain(&p, &mut s.ignore, &domain, "ignore")).await
    }
}

settings_command! {
    "allow",
    /// Only brief links to listed domains (add a domain, or again to remove it).
    pub(crate) async fn settings_allow(
        ctx: Context<'_>,
        #[description = "A domain, e.g. reuters.com (again to remove it)"] domain: String,
    ) -> Result<(), BotError> {
        let p = ctx.data().prompts.clone();
        edit_settings(ctx, |s| toggle_domain(&p, &mut s.allow, &domain, "allow")).await
    }
}

/// Adds or removes a domain of a list, or explains why the domain is refused.
fn toggle_domain(
    p: &crate::render::prompts::Prompts,
    list: &mut Vec<String>,
    input: &str,
    which: &str,
) -> Result<String, String> {
    let shown = crate::render::escape::escape_discord(input);
    let Ok(domain) = normalize_domain(input) else {
        return Err(p.render("settings.bad_domain", context! { input => shown }));
    };
    if !list.contains(&domain) && list.len() >= MAX_DOMAINS {
        return Err(p.render("settings.too_many_domains", context! { max => MAX_DOMAINS }));
    }
    let added = toggle(list, domain.clone());
    let key = format!(
        "settings.{which}_{}",
        if added { "added" } else { "removed" }
    );
    Ok(p.render(&key, context! { domain => domain }))
}

settings_command! {
    "length",
    /// Default length of auto-briefs in this server.
    pub(crate) async fn settings_length(
        ctx: Context<'_>,
        #[description = "short, normal or long"] value: DefaultLength,
    ) -> Result<(), BotError> {
        let p = ctx.data().prompts.clone();
        edit_settings(ctx, |s| {
            s.length = value;
            Ok(p.render("settings.length", context! { length => value.as_str() }))
        })
        .await
    }
}

settings_command! {
    "duplicates",
    /// A link briefed here within this many hours gets a jump link to the earlier brief (0: off).
    pub(crate) async fn settings_duplicates(
        ctx: Context<'_>,
        #[description = "Hours (0 to 168; 0 turns it off)"] hours: i64,
    ) -> Result<(), BotError> {
        let p = ctx.data().prompts.clone();
        edit_settings(ctx, |s| {
            let Some(h) = u32::try_from(hours)
                .ok()
                .filter(|h| *h <= MAX_DUPLICATE_HOURS)
            else {
                return Err(p.render(
                    "settings.bad_hours",
                    context! { hours => hours, max => MAX_DUPLICATE_HOURS },
                ));
            };
            s.duplicate_hours = h;
            Ok(p.render("settings.duplicates", context! { hours => h }))
        })
        .await
    }
}

/// Auto-briefs of links you paste in our direct messages (off unless you turn them on).
#[poise::command(slash_command)]
pub(crate) async fn dmbriefs(
    ctx: Context<'_>,
    #[description = "on or off"] mode: Toggle,
) -> Result<(), BotError> {
    let on = matches!(mode, Toggle::On);
    ctx.data()
        .store
        .set_dm_autosummary(ctx.author().id.get(), on)
        .await?;
    let key = if on {
        "settings.dm_on"
    } else {
        "settings.dm_off"
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

/// The command's invoker and server, whose fetch slots its links count against.
fn asker(ctx: Context<'_>) -> Asker {
    Asker {
        user: Some(ctx.author().id.get()),
        server: ctx.guild_id().map(serenity::GuildId::get),
        accepts: None,
    }
}

/// Whether the invoker may themselves post what the command answers in this channel: send
/// messages (in a thread: send messages in threads) and embed links, as Discord computed
/// their permissions there for this interaction. Outside servers, yes; in a server without
/// the permissions given, no.
fn may_post_publicly(ctx: Context<'_>) -> bool {
    let poise::Context::Application(actx) = ctx else {
        return false;
    };
    let i = actx.interaction;
    if i.guild_id.is_none() {
        return true;
    }
    let Some(perms) = i.member.as_ref().and_then(|m| m.permissions) else {
        return false;
    };
    if perms.administrator() {
        return true;
    }
    let in_thread = i.channel.as_ref().is_some_and(|c| {
        matches!(
            c.kind,
            serenity::ChannelType::PublicThread
                | serenity::ChannelType::PrivateThread
                | serenity::ChannelType::NewsThread
        )
    });
    let send = if in_thread {
        serenity::Permissions::SEND_MESSAGES_IN_THREADS
    } else {
        serenity::Permissions::SEND_MESSAGES
    };
    perms.contains(send | serenity::Permissions::EMBED_LINKS)
}

/// Takes `links` from the caller's and the server's shares; when one is spent, the private
/// answer to give instead.
fn share_refused(ctx: Context<'_>, links: usize) -> Option<String> {
    let data = ctx.data();
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    match data.take_share(ctx.author().id.get(), guild, links) {
        Ok(()) => None,
        Err(super::limits::ShareRefusal::User) => Some(data.prompts.text("reply.slow_down")),
        Err(super::limits::ShareRefusal::Server) => Some(data.prompts.text("errors.busy")),
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
        first.content = Some(crate::render::escape::shorten(
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
    let text = crate::render::escape::shorten(text, crate::render::embed::CONTENT_MAX, "…");
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
            let permissions = missing_permissions.map_or_else(
                || "Manage Channels".to_string(),
                |p| {
                    if p.contains(serenity::Permissions::MANAGE_GUILD) {
                        "Manage Server".to_string()
                    } else {
                        p.to_string()
                    }
                },
            );
            let text = ctx.data().prompts.render(
                "reply.missing_permissions",
                context! { permissions => permissions },
            );
            let _ = say_ephemeral(ctx, &text).await;
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let _ = say_ephemeral(ctx, &ctx.data().prompts.text("settings.server_only")).await;
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
