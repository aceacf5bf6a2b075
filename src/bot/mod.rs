//! The Discord bot: framework setup, lifecycle and shared state.
//!
//! [`run`] connects to Discord (or, with `DISCORD_PROXY_URL`, to a REST proxy or test fake:
//! REST goes to that base URL with serenity's own rate limiter off, and the gateway URL comes
//! from its `GET /api/v10/gateway`), registers the commands (globally, or in one dev guild),
//! answers pasted links ([`events`]) and commands ([`commands`]), and shuts down gracefully on
//! SIGINT or SIGTERM: it stops taking work, lets replies in flight finish within a bounded
//! wait, then closes the shards.
//!
//! Sharding: the process runs the shards of `NEWSBRIEF_SHARD_RANGE` out of `NEWSBRIEF_SHARDS`
//! (Discord's recommended count by default) and only ever closes its own. With
//! `NEWSBRIEF_REDIS_URL` the brief cache is shared with the other processes of the fleet;
//! with `NEWSBRIEF_METRICS_ADDR`, `/healthz` and `/metrics` are served ([`ops`]).
//!
//! This module is the only one that talks to Discord; it holds no analysis logic (that is the
//! engine's) and no wording (that is `prompts/bot.toml`).

pub mod commands;
pub mod config;
pub mod events;
pub mod limits;
pub mod ops;
pub mod reply;
pub mod settings;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;

pub use config::{BotConfig, ConfigError, ShardCount, ShardPlan};
pub use limits::{ChannelLimiter, ShareRefusal, WorkGuard, WorkTracker};

use crate::cache::BriefService;
use crate::metrics::Metrics;
use crate::render::prompts::{PromptError, Prompts};
use crate::shared::{BadRedisUrl, SharedCache};
use crate::store::{Store, StoreError};
use crate::{Engine, Settings};

/// The gateway intents the bot needs. MESSAGE_CONTENT is privileged: it must be switched on
/// in the developer portal, or Discord refuses the connection (close code 4014). Reactions
/// serve the `reaction` mode of `/settings`.
#[must_use]
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT
        | serenity::GatewayIntents::GUILD_MESSAGE_REACTIONS
}

/// How long the shard manager gets to close the connections at shutdown.
const SHARD_CLOSE_WAIT: Duration = Duration::from_secs(5);

/// Errors that stop the bot. None of them contains the token.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A setting is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The prompts override could not be loaded.
    #[error(transparent)]
    Prompts(#[from] PromptError),
    /// The settings database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine could not start.
    #[error("could not start the engine: {0}")]
    Engine(#[from] crate::Error),
    /// `NEWSBRIEF_REDIS_URL` cannot be used.
    #[error(transparent)]
    Redis(#[from] BadRedisUrl),
    /// `NEWSBRIEF_METRICS_ADDR` cannot be listened on.
    #[error("NEWSBRIEF_METRICS_ADDR {addr}: cannot listen there ({reason})")]
    Metrics {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        reason: String,
    },
    /// Discord refused the token.
    #[error("Discord rejected DISCORD_TOKEN ({0}): copy the token again from the Bot tab of your application in the developer portal")]
    TokenRejected(String),
    /// Discord (or the proxy) refused the connection or could not be reached.
    #[error("Discord connection failed: {0}")]
    Discord(String),
}

/// Errors of command handlers (poise's error type parameter).
pub type BotError = Box<dyn std::error::Error + Send + Sync>;
/// The poise context of this bot.
pub type Context<'a> = poise::Context<'a, Data, BotError>;

/// State shared by every handler. Cheap to clone (every part is shared), so spawned tasks
/// take their own copy.
#[derive(Clone)]
pub struct Data {
    /// The brief service (cache, coalescing, concurrency limit).
    pub briefs: BriefService,
    /// Persistent settings.
    pub store: Store,
    /// The wording.
    pub prompts: Arc<Prompts>,
    /// The bot's settings.
    pub config: Arc<BotConfig>,
    /// Work in flight, for graceful shutdown.
    pub work: Arc<WorkTracker>,
    /// Per-channel pacing of auto-briefs.
    pub limiter: Arc<ChannelLimiter>,
    /// Per-user share of links briefed (auto-briefs and commands), in every channel.
    pub users: Arc<ChannelLimiter>,
    /// Per-server share of links briefed, so one server cannot take every fetch slot.
    pub servers: Arc<ChannelLimiter>,
    /// Links briefed recently per channel (the duplicate jump link of `/settings`).
    pub recent: Arc<settings::RecentLinks>,
    /// Parent channels of threads, looked up once each.
    pub parents: Arc<settings::ThreadParents>,
    /// Messages already briefed through the 📰 reaction (briefed once, however many react).
    pub reacted: Arc<std::sync::Mutex<std::collections::HashSet<u64>>>,
    /// Operational metrics (served on `NEWSBRIEF_METRICS_ADDR` when set).
    pub metrics: Arc<Metrics>,
    /// In proxy mode, the HTTP client (shared with serenity) that posts replies itself so a
    /// 429's advertised wait is read and waited out; None when serenity's own limiter is on.
    pub proxy_client: Option<reqwest::Client>,
}

impl Data {
    /// Takes `links` from the user's and the server's shares, or says which one is spent.
    ///
    /// # Errors
    /// The share that is spent (nothing is taken from either then).
    pub fn take_share(
        &self,
        user: u64,
        guild: Option<u64>,
        links: usize,
    ) -> Result<(), ShareRefusal> {
        limits::take_share(&self.users, &self.servers, user, guild, links)
    }
}

// ---- start and stop ------------------------------------------------------------------------

/// Replaces the token wherever it appears (belt and braces for error texts from libraries).
fn redact(text: &str, token: &str) -> String {
    if token.len() < 8 {
        return text.to_string();
    }
    text.replace(token, "<redacted>")
}

/// Builds the REST client: straight to Discord, or to `proxy_url` with serenity's rate
/// limiter off (serenity only honours a proxy with the limiter disabled). In proxy mode the
/// underlying HTTP client is returned too, for the replies the bot posts itself (see
/// [`reply::send_replies`]).
fn build_http(config: &BotConfig) -> Result<(serenity::Http, Option<reqwest::Client>), RunError> {
    let mut builder = serenity::HttpBuilder::new(&config.token);
    let mut proxy_client = None;
    if let Some(proxy) = &config.proxy_url {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .build()
            .map_err(|e| RunError::Discord(format!("cannot build the HTTP client: {e}")))?;
        builder = builder
            .client(client.clone())
            .proxy(proxy.trim_end_matches('/'))
            .ratelimiter_disabled(true);
        proxy_client = Some(client);
    }
    Ok((builder.build(), proxy_client))
}

/// Runs the bot until SIGINT or SIGTERM, then shuts down gracefully.
///
/// # Errors
/// [`RunError`] when a setting, the database, the token or the connection fails.
pub async fn run(settings: &Settings, config: BotConfig) -> Result<(), RunError> {
    run_until(settings, config, shutdown_signal()).await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM ({e}); Ctrl-C still works");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the bot until `shutdown` resolves, then shuts down gracefully (the form tests use).
///
/// # Errors
/// [`RunError`] when a setting, the database, the token or the connection fails.
pub async fn run_until(
    settings: &Settings,
    config: BotConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), RunError> {
    let token = config.token.clone();
    run_inner(settings, config, shutdown)
        .await
        .map_err(|e| match e {
            RunError::TokenRejected(m) => RunError::TokenRejected(redact(&m, &token)),
            RunError::Discord(m) => RunError::Discord(redact(&m, &token)),
            other => other,
        })
}

async fn run_inner(
    settings: &Settings,
    config: BotConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), RunError> {
    let prompts = Arc::new(Prompts::load(config.prompts_dir.as_deref())?);
    let metrics = Arc::new(Metrics::new());
    let store = Store::open(&config.database_url).await?;
    if store.is_postgres() {
        tracing::info!("settings in PostgreSQL (shared by every process of the bot)");
    }
    let engine = Engine::new(settings)?;
    warm_up(engine.clone());
    let mut briefs = BriefService::new(engine, &config.cache).with_metrics(Arc::clone(&metrics));
    let mut recent = settings::RecentLinks::default();
    if let Some(url) = &config.redis_url {
        let shared = Arc::new(
            SharedCache::new(url, config.cache.ttl, config.redis_wait)?
                .with_gauge(metrics.shared_cache_up.clone()),
        );
        // Not fatal when down: replies then use this process's cache until Redis is up.
        if shared.ping().await {
            tracing::info!("brief cache and duplicate-link memory shared through Redis");
        }
        briefs = briefs.with_shared(Arc::clone(&shared));
        recent = settings::RecentLinks::with_shared(shared);
    }
    let config = Arc::new(config);

    let (http, proxy_client) = build_http(&config)?;
    // Checks the token early, for a clear error. Any other failure here is not fatal: the
    // application id also arrives with the gateway's READY.
    match http.get_current_application_info().await {
        Ok(app) => {
            http.set_application_id(app.id);
            tracing::info!(application = %app.id, name = %app.name, "logged in to Discord");
        }
        Err(e) => match classify_start_error(&e) {
            RunError::TokenRejected(m) => return Err(RunError::TokenRejected(m)),
            _ => tracing::warn!(
                "could not read the application info ({}); going on",
                redact(&e.to_string(), &config.token)
            ),
        },
    }

    let total = match config.shards {
        ShardCount::Fixed(n) => n,
        ShardCount::Auto => match http.get_bot_gateway().await {
            Ok(gateway) => gateway.shards,
            Err(e) => return Err(classify_start_error(&e)),
        },
    };
    let plan = config::plan_shards(config.shard_range, total)?;
    tracing::info!(
        first = plan.start,
        last = plan.end - 1,
        total = plan.total,
        "running shards {}..{} of {}",
        plan.start,
        plan.end,
        plan.total
    );

    let work = Arc::new(WorkTracker::default());
    let ops_briefs = briefs.clone();
    let data = Data {
        briefs,
        store: store.clone(),
        prompts,
        config: Arc::clone(&config),
        work: Arc::clone(&work),
        limiter: Arc::new(ChannelLimiter::new(
            config.channel_burst,
            config.channel_refill,
            config.channel_backlog,
        )),
        users: Arc::new(ChannelLimiter::new(
            config.user_burst,
            config.user_refill,
            0,
        )),
        servers: Arc::new(ChannelLimiter::new(
            config.server_burst,
            config.server_refill,
            0,
        )),
        recent: Arc::new(recent),
        parents: Arc::default(),
        reacted: Arc::default(),
        metrics: Arc::clone(&metrics),
        proxy_client,
    };
    let framework = build_framework(data, &config);

    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .event_handler(events::ShardStages)
        .await
        .map_err(|e| classify_start_error(&e))?;
    // The gateway URL comes from the proxy's `GET /gateway`: the token crosses it in clear
    // unless it is wss:// (plain ws:// only on loopback).
    if config.proxy_url.is_some() {
        let ws_url = client.ws_url.lock().await.clone();
        crate::config::check_gateway_url(&ws_url).map_err(RunError::Discord)?;
    }
    let shard_manager = Arc::clone(&client.shard_manager);
    if let Some(addr) = config.metrics_addr {
        let state = ops::OpsState {
            metrics,
            store: store.clone(),
            briefs: ops_briefs,
            plan: plan.clone(),
            shards: Arc::clone(&shard_manager),
        };
        let bound = ops::serve(addr, state)
            .await
            .map_err(|e| RunError::Metrics {
                addr,
                reason: e.to_string(),
            })?;
        tracing::info!("health and metrics on http://{bound}/healthz and /metrics");
    }
    // serenity 0.12's `start_shard_range` takes the range's end as the last shard to run
    // (inclusive), so shards a..b (b exclusive, as NEWSBRIEF_SHARD_RANGE says) are a..b-1.
    let (first, last) = (plan.start, plan.end - 1);
    let mut gateway =
        tokio::spawn(async move { client.start_shard_range(first..last, plan.total).await });

    let outcome = tokio::select! {
        () = shutdown => None,
        ended = &mut gateway => Some(ended),
    };
    let result = match outcome {
        Some(ended) => {
            work.stop_and_drain(Duration::ZERO).await;
            match ended {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(classify_start_error(&e)),
                Err(join) => Err(RunError::Discord(join.to_string())),
            }
        }
        None => {
            tracing::info!("shutting down: finishing replies in flight");
            let left = work.stop_and_drain(config.shutdown_grace).await;
            if left > 0 {
                tracing::warn!(
                    left,
                    "shutdown grace period over; dropping unfinished replies"
                );
            }
            // Closes the shards this process runs, and no others.
            shard_manager.shutdown_all().await;
            if tokio::time::timeout(SHARD_CLOSE_WAIT, &mut gateway)
                .await
                .is_err()
            {
                gateway.abort();
            }
            Ok(())
        }
    };
    store.close().await;
    tracing::info!("bot stopped");
    result
}

/// A page briefed once at start-up (see [`warm_up`]).
const WARM_UP_PAGE: &str = include_str!("../../examples/example-article.html");

/// Briefs [`WARM_UP_PAGE`] on the blocking pool while the bot connects, so the engine's
/// lazily built tables (regexes, word lists, rules) are ready before the first message:
/// without it the first reply after a start took some 80 ms more than the others. The
/// result is dropped; a failure only means the first real brief pays that cost.
fn warm_up(engine: Engine) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let ok = engine
            .brief_html(
                WARM_UP_PAGE,
                Some("https://example.com/warm-up"),
                &crate::BriefOptions::default(),
            )
            .is_ok();
        tracing::debug!(ok, took = ?started.elapsed(), "engine warmed up");
    });
}

/// Turns a start-up failure into a [`RunError`], naming the token when Discord refused it.
fn classify_start_error(e: &serenity::Error) -> RunError {
    use serenity::{Error as E, GatewayError, HttpError};
    match e {
        E::Http(HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 401 => {
            RunError::TokenRejected(format!("HTTP 401 from {}", r.url))
        }
        E::Gateway(GatewayError::InvalidAuthentication) => {
            RunError::TokenRejected("the gateway refused the identification".into())
        }
        E::Gateway(GatewayError::DisallowedGatewayIntents) => RunError::Discord(
            "the MESSAGE_CONTENT intent is not enabled: switch on \"Message Content Intent\" on the Bot tab of the developer portal".into(),
        ),
        other => RunError::Discord(other.to_string()),
    }
}

/// The poise framework: commands, cooldowns, error handler, event handler, registration.
fn build_framework(data: Data, config: &BotConfig) -> poise::Framework<Data, BotError> {
    let mut commands = commands::all();
    for cmd in &mut commands {
        let cooldown = poise::CooldownConfig {
            user: (!config.command_cooldown.is_zero()).then_some(config.command_cooldown),
            ..Default::default()
        };
        cmd.cooldown_config = std::sync::RwLock::new(cooldown);
    }
    // Guild ids are never zero; a zero here would make serenity's id constructor panic.
    let dev_guild = config.dev_guild_id.filter(|g| *g != 0);
    let options = poise::FrameworkOptions {
        commands,
        on_error: |error| Box::pin(commands::on_error(error)),
        command_check: Some(|ctx| Box::pin(async move { Ok(!ctx.data().work.is_stopping()) })),
        allowed_mentions: Some(reply::no_mentions()),
        event_handler: |framework, event| Box::pin(events::handle(framework, event)),
        initialize_owners: false,
        ..Default::default()
    };
    poise::Framework::builder()
        .options(options)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "gateway ready");
                let cmds = &framework.options().commands;
                let registered = match dev_guild {
                    Some(g) => {
                        poise::builtins::register_in_guild(ctx, cmds, serenity::GuildId::new(g))
                            .await
                    }
                    None => poise::builtins::register_globally(ctx, cmds).await,
                };
                match registered {
                    Ok(()) => tracing::info!(count = cmds.len(), dev_guild, "commands registered"),
                    // Keep serving pasted links even when registration fails.
                    Err(e) => tracing::error!("could not register commands: {e}"),
                }
                Ok(data)
            })
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_the_token() {
        assert_eq!(
            redact("bad Bot abcdefghij here", "abcdefghij"),
            "bad Bot <redacted> here"
        );
    }
}
