//! The real bot against a fake Discord (REST + gateway on 127.0.0.1) and a local page server.
//!
//! Each test starts its own fake, page server and bot, so tests run in parallel. Waits are
//! bounded and fail with the calls seen so far; nothing sleeps to synchronise.

mod fake_discord;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use fake_discord::{user, Call, FakeDiscord, APP_ID};
use newsbrief::bot::{BotConfig, RunError};
use newsbrief::fetch::FetchConfig;
use newsbrief::render::embed::{self, discord_len};
use newsbrief::{Brief, BriefOptions, Engine, Settings};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "MTAxNDU.fake-bot-token.Sup3rS3cretValue_xyz";
const ARTICLE: &str = include_str!("../examples/example-article.html");
const CHANNEL: u64 = 600_000_000_000_000_001;
const OTHER_CHANNEL: u64 = 600_000_000_000_000_002;

fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}

// ---- local pages ---------------------------------------------------------------------------

/// A page server on 127.0.0.1 that counts hits per path and concurrent requests.
#[derive(Clone)]
struct Pages {
    base: String,
    state: Arc<PageState>,
}

struct PageState {
    hits: Mutex<HashMap<String, usize>>,
    /// Bumped on every hit, so tests can wait for one.
    hit_count: tokio::sync::watch::Sender<usize>,
    in_flight: std::sync::atomic::AtomicUsize,
    max_in_flight: std::sync::atomic::AtomicUsize,
    /// `/slow` answers only when the test adds a permit.
    gate: tokio::sync::Semaphore,
}

const HOSTILE: &str = r#"<!DOCTYPE html><html><head><title>@everyone **Breaking** [click](http://evil.example) news</title></head>
<body><article><h1>@everyone **Breaking** [click](http://evil.example) news</h1>
<p>Officials at the city council said on Monday that the new budget plan for the coming year would be published next week, after months of debate between the parties @everyone @here.</p>
<p>The mayor's office told <@123456789012345678> and reporters that the plan includes [free tickets](http://evil.example/phish) for all residents who ride the buses during the winter months.</p>
<p>Critics said the plan was rushed and that ||spoiler|| details of the funding were still unclear, and several council members asked for an independent review before the final vote.</p>
<p>The council is expected to vote on the plan at the end of the month, and a public hearing will be held before then in the main hall of the city library.</p>
</article></body></html>"#;

impl Pages {
    async fn start() -> Self {
        let state = Arc::new(PageState {
            hits: Mutex::default(),
            hit_count: tokio::sync::watch::channel(0).0,
            in_flight: std::sync::atomic::AtomicUsize::new(0),
            max_in_flight: std::sync::atomic::AtomicUsize::new(0),
            gate: tokio::sync::Semaphore::new(0),
        });
        let app = Router::new()
            .route("/:name", get(page))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            state,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn max_in_flight(&self) -> usize {
        self.state
            .max_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn wait_hit(&self, path: &str) {
        let mut rx = self.state.hit_count.subscribe();
        tokio::time::timeout(
            Duration::from_secs(30),
            rx.wait_for(|_| self.hits(path) > 0),
        )
        .await
        .unwrap_or_else(|_| panic!("/{path} was never requested"))
        .unwrap();
    }
}

async fn page(State(state): State<Arc<PageState>>, Path(name): Path<String>) -> Response {
    use std::sync::atomic::Ordering::SeqCst;
    *state.hits.lock().unwrap().entry(name.clone()).or_default() += 1;
    state.hit_count.send_modify(|n| *n += 1);
    let now = state.in_flight.fetch_add(1, SeqCst) + 1;
    state.max_in_flight.fetch_max(now, SeqCst);
    let html =
        |s: String| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], s).into_response();
    let response = match name.as_str() {
        // `crash` is a good page; tests make its analysis panic through the test hook.
        "story" | "story2" | "story3" | "crash" | "crashfetch" => html(ARTICLE.to_string()),
        "hostile" => html(HOSTILE.to_string()),
        "broken" => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        // An image behind an extension-less link: only the response type shows it.
        "photo" => (
            [(header::CONTENT_TYPE, "image/png")],
            vec![0x89u8, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0],
        )
            .into_response(),
        "slow" => {
            state.gate.acquire().await.unwrap().forget();
            html(ARTICLE.to_string())
        }
        // Distinct articles for load tests, with a little network latency.
        n if n.starts_with("load") => {
            tokio::time::sleep(Duration::from_millis(20)).await;
            html(ARTICLE.to_string())
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    };
    state.in_flight.fetch_sub(1, SeqCst);
    response
}

/// The brief the engine itself makes of `html` at `url`: what the embed must show.
fn expected_brief(html: &str, url: &str) -> Brief {
    let engine = Engine::new(&settings()).unwrap();
    engine
        .brief_html(html, Some(url), &BriefOptions::default())
        .unwrap()
}

// ---- the bot under test ----------------------------------------------------------------------

fn settings() -> Settings {
    Settings {
        fetch: FetchConfig {
            allow_private_hosts: true,
            ..FetchConfig::default()
        },
        ..Settings::default()
    }
}

struct Bot {
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), RunError>>,
}

impl Bot {
    /// Starts the bot against `fake` and waits until its commands are registered.
    async fn start(
        fake: &FakeDiscord,
        db: &std::path::Path,
        tweak: impl FnOnce(&mut BotConfig),
    ) -> Self {
        init_logs();
        let calls_before = fake.calls().len();
        let mut config = BotConfig::new(TOKEN);
        config.proxy_url = Some(fake.base_url.clone());
        config.database_url = format!("sqlite://{}", db.display());
        config.command_cooldown = Duration::ZERO;
        tweak(&mut config);
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            newsbrief::bot::run_until(&settings(), config, async {
                let _ = stopped.await;
            })
            .await
        });
        fake.wait_registered(calls_before).await;
        Self {
            stop: Some(stop),
            handle,
        }
    }

    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.handle)
            .await
            .expect("the bot did not stop within 30 s")
            .unwrap()
            .unwrap();
    }
}

struct Setup {
    fake: FakeDiscord,
    pages: Pages,
    bot: Bot,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("bot.db"), |_| {}).await;
    Setup {
        fake,
        pages,
        bot,
        _dir: dir,
    }
}

fn person(id: u64) -> Value {
    user(id, &format!("user{id}"), false)
}

fn is_post_in(c: &Call, channel: u64) -> bool {
    c.is("POST", &format!("/channels/{channel}/messages"))
}

fn is_reply_to(c: &Call, message: u64) -> bool {
    c.method == "POST"
        && c.path.ends_with("/messages")
        && c.body["message_reference"]["message_id"].as_str() == Some(&message.to_string())
}

fn replies_to(calls: &[Call], message: u64) -> Vec<Call> {
    calls
        .iter()
        .filter(|c| is_reply_to(c, message))
        .cloned()
        .collect()
}

fn assert_no_mentions(body: &Value) {
    let am = &body["allowed_mentions"];
    assert_eq!(
        am["parse"],
        json!([]),
        "allowed_mentions.parse must be empty: {body}"
    );
    assert!(am["users"].as_array().is_none_or(Vec::is_empty), "{body}");
    assert!(am["roles"].as_array().is_none_or(Vec::is_empty), "{body}");
}

/// Checks an embed against the engine's brief of the same page.
fn assert_embed_shows(embed: &Value, brief: &Brief) {
    let description = embed["description"].as_str().unwrap_or("");
    assert!(
        !brief.summary.is_empty(),
        "the test page must give a summary"
    );
    for s in &brief.summary {
        let shown = embed::escape_discord(s);
        assert!(
            description.contains(&shown),
            "summary sentence {shown:?} missing from {description:?}"
        );
    }
    assert_eq!(
        embed["title"].as_str().map(str::to_string),
        brief.title.as_deref().map(embed::escape_discord)
    );
    assert_eq!(embed["url"].as_str(), brief.url.as_deref());
    let fields = embed["fields"].as_array().cloned().unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["value"].as_str().unwrap().to_string())
    };
    match field("Key actors") {
        Some(v) => {
            for a in brief.actors.iter().take(3) {
                assert!(
                    v.contains(&embed::escape_discord(&a.name)),
                    "actor {} missing from {v}",
                    a.name
                );
            }
        }
        None => assert!(
            brief.actors.is_empty(),
            "actors not shown: {:?}",
            brief.actors
        ),
    }
    match field("Status") {
        Some(v) => {
            for s in &brief.status {
                let (_, label) = match s.label {
                    newsbrief::StatusLabel::EarlyStage => ("🟡", "Early-stage"),
                    newsbrief::StatusLabel::Denied => ("🔴", "Denied"),
                    newsbrief::StatusLabel::Unconfirmed => ("⚪", "Unconfirmed"),
                    newsbrief::StatusLabel::Confirmed => ("🟢", "Confirmed"),
                };
                assert!(v.contains(label), "status {label} missing from {v}");
            }
        }
        None => assert!(
            brief.status.is_empty(),
            "status not shown: {:?}",
            brief.status
        ),
    }
    let footer = embed["footer"]["text"].as_str().unwrap_or("");
    assert!(
        footer.contains(&format!("{} words", brief.stats.words)),
        "{footer}"
    );
}

// ---- tests -----------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_message_gets_one_reply_with_the_brief_and_others_get_none() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let alice = person(11);
    let link = pages.url("story");

    let plain = fake.send_message(CHANNEL, &alice, "good morning, no links here");
    let from_bot = fake.send_message(
        CHANNEL,
        &user(12, "otherbot", true),
        &format!("bot says {link}"),
    );
    let own = fake.send_message(
        CHANNEL,
        &user(fake_discord::BOT_ID, "newsbrief", true),
        &link,
    );
    let msg = fake.send_message(
        CHANNEL,
        &alice,
        &format!("look at this: {link}?utm_source=x&fbclid=abc #news"),
    );

    let reply = fake
        .wait_call("the reply to the link message", |c| is_reply_to(c, msg))
        .await;
    assert!(is_post_in(&reply, CHANNEL));
    assert_no_mentions(&reply.body);
    assert_eq!(reply.body["allowed_mentions"]["replied_user"], json!(false));
    let embeds = reply.body["embeds"].as_array().unwrap();
    assert_eq!(embeds.len(), 1, "one embed per article");
    assert_embed_shows(&embeds[0], &expected_brief(ARTICLE, &link));
    assert!(fake
        .calls()
        .iter()
        .any(|c| c.is("POST", &format!("/channels/{CHANNEL}/typing"))));

    // The same article again (other tracking parameters), as a barrier: it is answered from
    // the cache, and by the time it is answered the earlier events are long handled.
    let again = fake.send_message(OTHER_CHANNEL, &alice, &format!("{link}?utm_medium=chat"));
    fake.wait_call("the reply to the repeated link", |c| is_reply_to(c, again))
        .await;
    let calls = fake.calls();
    for quiet in [plain, from_bot, own] {
        assert!(
            replies_to(&calls, quiet).is_empty(),
            "message {quiet} must get no reply"
        );
    }
    assert_eq!(replies_to(&calls, msg).len(), 1, "exactly one reply");
    let posts = calls
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 2, "only the two link messages are answered");
    assert_eq!(pages.hits("story"), 1, "a cached article is fetched once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_text_cannot_ping_or_hide_links() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let msg = fake.send_message(CHANNEL, &person(21), &pages.url("hostile"));
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    assert_no_mentions(&reply.body);
    let embed = &reply.body["embeds"][0];
    let all = embed.to_string();
    for bad in [
        "@everyone",
        "@here",
        "<@1234",
        "[click](",
        "[free tickets](",
        "**Breaking**",
        "||spoiler||",
    ] {
        assert!(
            !all.contains(bad),
            "{bad:?} reached Discord unescaped: {all}"
        );
    }
    assert!(embed["description"]
        .as_str()
        .unwrap()
        .contains("budget plan"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_link_gets_one_friendly_line_and_media_links_are_skipped() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let text = format!(
        "{} and https://tenor.com/view/cat-123 and {}/pic.png and https://cdn.discordapp.com/a/b.gif and {}",
        pages.url("broken"),
        pages.base,
        pages.url("photo"),
    );
    let msg = fake.send_message(CHANNEL, &person(31), &text);
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    let content = reply.body["content"].as_str().unwrap();
    assert_eq!(content.lines().count(), 1, "one line: {content}");
    assert!(content.contains("500"), "{content}");
    assert!(content.len() < 300, "short: {content}");
    assert!(reply.body["embeds"].as_array().is_none_or(Vec::is_empty));
    assert_eq!(pages.hits("pic.png"), 0, "media links are never fetched");
    assert_eq!(pages.hits("broken"), 1);
    // A message whose only link turns out to be an image gets no reply at all.
    let image_only = fake.send_message(CHANNEL, &person(32), &pages.url("photo"));
    let barrier = fake.send_message(CHANNEL, &person(33), &pages.url("story"));
    fake.wait_call("the barrier reply", |c| is_reply_to(c, barrier))
        .await;
    assert!(pages.hits("photo") >= 1, "the image link was checked");
    assert!(
        replies_to(&fake.calls(), image_only).is_empty(),
        "non-articles are skipped quietly"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_brief_costs_only_that_link() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.cache.panic_on_url_containing = Some("/crash".into());
        c.cache.panic_in_fetch_on_url_containing = Some("/crashfetch".into());
    })
    .await;
    let expected = expected_brief(ARTICLE, &pages.url("story"));

    // Alone: one friendly line, no embed.
    let alone = fake.send_message(CHANNEL, &person(41), &pages.url("crash"));
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, alone)).await;
    let content = reply.body["content"].as_str().unwrap_or("");
    assert_eq!(content.lines().count(), 1, "one line: {content}");
    assert!(content.contains("something went wrong"), "{content}");
    assert!(!content.contains("panic"), "no internals shown: {content}");
    assert!(reply.body["embeds"].as_array().is_none_or(Vec::is_empty));

    // Beside a good link in the same message: the good link is still briefed.
    let mixed = fake.send_message(
        CHANNEL,
        &person(42),
        &format!("{} and {}", pages.url("crash"), pages.url("story")),
    );
    let reply = fake
        .wait_call("the mixed reply", |c| is_reply_to(c, mixed))
        .await;
    assert_eq!(replies_to(&fake.calls(), mixed).len(), 1);
    let content = reply.body["content"].as_str().unwrap_or("");
    assert!(content.contains("something went wrong"), "{content}");
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "the good link is briefed: {}", reply.body);
    assert_embed_shows(&embeds[0], &expected);
    assert_eq!(pages.hits("crash"), 2, "a crash is not cached as a result");

    // A panic on the async side (inside the coalesced cache lookup) is contained as well.
    let both = fake.send_message(
        CHANNEL,
        &person(44),
        &format!("{} then {}", pages.url("crashfetch"), pages.url("story3")),
    );
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, both)).await;
    let content = reply.body["content"].as_str().unwrap_or("");
    assert_eq!(content.lines().count(), 1, "one line: {content}");
    assert!(
        content.contains("crashfetch") && content.contains("something went wrong"),
        "{content}"
    );
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "the good link is briefed: {}", reply.body);
    assert_embed_shows(&embeds[0], &expected_brief(ARTICLE, &pages.url("story3")));

    // The bot keeps serving other people and channels, and still stops cleanly.
    let after = fake.send_message(OTHER_CHANNEL, &person(43), &pages.url("story2"));
    let reply = fake
        .wait_call("a reply after the panics", |c| is_reply_to(c, after))
        .await;
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "{}", reply.body);
    assert_embed_shows(&embeds[0], &expected_brief(ARTICLE, &pages.url("story2")));
    bot.stop().await;
}

/// The value Discord sends for choice `name` of `option` of `command`, as registered (poise
/// registers choice parameters as integer choices).
fn choice(fake: &FakeDiscord, command: &str, option: &str, name: &str) -> Value {
    fake.command_choice(command, option, name)
}

fn callback_for(c: &Call, token: &str) -> bool {
    c.method == "POST"
        && c.path.starts_with("/interactions/")
        && c.path.ends_with(&format!("/{token}/callback"))
}

fn followup_for(c: &Call, token: &str) -> bool {
    c.is("POST", &format!("/webhooks/{APP_ID}/{token}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summarize_defers_then_follows_up_and_private_is_ephemeral() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let link = pages.url("story");
    let brief = expected_brief(ARTICLE, &link);

    let token = fake.slash_command(
        CHANNEL,
        &person(41),
        "summarize",
        json!([{"name": "url", "type": 3, "value": link}]),
        0,
    );
    let cb = fake
        .wait_call("the public deferral", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["type"], json!(5), "deferred channel message");
    assert_eq!(
        cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        0,
        "public"
    );
    let fu = fake
        .wait_call("the public follow-up", |c| followup_for(c, &token))
        .await;
    assert_no_mentions(&fu.body);
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 0);
    assert_embed_shows(&fu.body["embeds"][0], &brief);
    let callback_index = fake
        .calls()
        .iter()
        .position(|c| callback_for(c, &token))
        .unwrap();
    let followup_index = fake
        .calls()
        .iter()
        .position(|c| followup_for(c, &token))
        .unwrap();
    assert!(callback_index < followup_index, "defer comes first");

    let token = fake.slash_command(
        CHANNEL,
        &person(42),
        "summarize",
        json!([{"name": "url", "type": 3, "value": pages.url("story2")}, choice(&fake, "summarize", "length", "short"), {"name": "private", "type": 5, "value": true}]),
        0,
    );
    let cb = fake
        .wait_call("the private deferral", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["type"], json!(5));
    assert_eq!(
        cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral deferral"
    );
    let fu = fake
        .wait_call("the private follow-up", |c| followup_for(c, &token))
        .await;
    assert_eq!(
        fu.body["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral follow-up"
    );
    let bullets = fu.body["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .lines()
        .count();
    assert_eq!(bullets, 2, "length short gives two sentences");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summarize_bad_input_is_answered_privately() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let token = fake.slash_command(
        CHANNEL,
        &person(51),
        "summarize",
        json!([{"name": "url", "type": 3, "value": "not a link"}]),
        0,
    );
    let cb = fake
        .wait_call("the answer to bad input", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["type"], json!(4), "answered at once");
    assert_eq!(
        cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral"
    );
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("https://"));

    let token = fake.slash_command(
        CHANNEL,
        &person(52),
        "summarize",
        json!([{"name": "url", "type": 3, "value": pages.url("broken")}]),
        0,
    );
    let fu = fake
        .wait_call("the failure follow-up", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "ephemeral");
    assert!(fu.body["content"].as_str().unwrap().contains("500"));
    let calls = fake.calls();
    let deleted = calls.iter().position(|c| {
        c.is(
            "DELETE",
            &format!("/webhooks/{APP_ID}/{token}/messages/@original"),
        )
    });
    let sent = calls.iter().position(|c| followup_for(c, &token));
    assert!(
        deleted.is_some() && deleted < sent,
        "the public deferral is removed before the private answer"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summarize_message_menu_briefs_the_links() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let link = pages.url("story");
    let target_id = fake.next_id();
    let target = fake_discord::message_json(
        target_id,
        CHANNEL,
        Some(fake_discord::GUILD_ID),
        person(61),
        &format!("read {link}"),
        json!([]),
    );
    let token = fake.message_menu(CHANNEL, &person(62), "Summarize", target);
    let cb = fake
        .wait_call("the deferral", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["type"], json!(5));
    let fu = fake
        .wait_call("the follow-up", |c| followup_for(c, &token))
        .await;
    assert_embed_shows(&fu.body["embeds"][0], &expected_brief(ARTICLE, &link));

    let target_id = fake.next_id();
    let target = fake_discord::message_json(
        target_id,
        CHANNEL,
        Some(fake_discord::GUILD_ID),
        person(61),
        "no links at all",
        json!([]),
    );
    let token = fake.message_menu(CHANNEL, &person(62), "Summarize", target);
    let cb = fake
        .wait_call("the no-links answer", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["type"], json!(4));
    assert_eq!(cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autosummary_off_persists_across_restart() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("settings.db");
    let manage_channels = 0x10;

    let bot = Bot::start(&fake, &db, |_| {}).await;
    // Without Manage Channels the command is refused.
    let token = fake.slash_command(
        CHANNEL,
        &person(71),
        "autosummary",
        json!([choice(&fake, "autosummary", "mode", "off")]),
        0,
    );
    let cb = fake
        .wait_call("the refusal", |c| callback_for(c, &token))
        .await;
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("permission"),
        "{}",
        cb.body
    );
    let token = fake.slash_command(
        CHANNEL,
        &person(71),
        "autosummary",
        json!([choice(&fake, "autosummary", "mode", "off")]),
        manage_channels,
    );
    let cb = fake
        .wait_call("the confirmation", |c| callback_for(c, &token))
        .await;
    assert!(
        cb.body["data"]["content"].as_str().unwrap().contains("off"),
        "{}",
        cb.body
    );
    bot.stop().await;

    let bot = Bot::start(&fake, &db, |_| {}).await;
    fake.wait_sessions(2).await;
    let quiet = fake.send_message(CHANNEL, &person(72), &pages.url("story"));
    let answered = fake.send_message(OTHER_CHANNEL, &person(72), &pages.url("story"));
    fake.wait_call("the reply in the other channel", |c| {
        is_reply_to(c, answered)
    })
    .await;
    assert!(
        replies_to(&fake.calls(), quiet).is_empty(),
        "auto-briefs stay off after a restart"
    );

    let token = fake.slash_command(
        CHANNEL,
        &person(71),
        "autosummary",
        json!([choice(&fake, "autosummary", "mode", "on")]),
        manage_channels,
    );
    fake.wait_call("the confirmation", |c| callback_for(c, &token))
        .await;
    let back = fake.send_message(CHANNEL, &person(72), &pages.url("story2"));
    fake.wait_call("the reply once back on", |c| is_reply_to(c, back))
        .await;
    // The positive signal: a later message in the same channel has been answered, so a
    // reply to the quiet one (same page, already cached) would have come by now.
    assert!(
        replies_to(&fake.calls(), quiet).is_empty(),
        "auto-briefs stayed off after the restart"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_explains_statuses_and_cooldown_applies() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.command_cooldown = Duration::from_secs(60)
    })
    .await;
    let token = fake.slash_command(CHANNEL, &person(81), "help", json!([]), 0);
    let cb = fake
        .wait_call("the help", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    let text = cb.body["data"]["content"].as_str().unwrap();
    for word in [
        "Early-stage",
        "Denied",
        "Unconfirmed",
        "Confirmed",
        "/summarize",
        "/autosummary",
    ] {
        assert!(text.contains(word), "help lacks {word}: {text}");
    }
    let token = fake.slash_command(CHANNEL, &person(81), "help", json!([]), 0);
    let cb = fake
        .wait_call("the cooldown answer", |c| callback_for(c, &token))
        .await;
    let text = cb.body["data"]["content"].as_str().unwrap();
    assert!(text.contains("try again in"), "{text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_survives_discord_5xx_with_bounded_retries() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    fake.fail_next_messages(1, 502);
    let msg = fake.send_message(CHANNEL, &person(91), &pages.url("story"));
    fake.wait_call("the failed try", |c| is_reply_to(c, msg))
        .await;
    let first = fake
        .calls()
        .iter()
        .position(|c| is_reply_to(c, msg))
        .unwrap();
    fake.wait_call_from(first + 1, "the retried reply", |c| is_reply_to(c, msg))
        .await;
    let tries: Vec<_> = replies_to(&fake.calls(), msg);
    assert_eq!(tries.len(), 2, "one failure, one success");
    assert_eq!(
        tries[0].body["nonce"], tries[1].body["nonce"],
        "the retry reuses the nonce"
    );
    assert_eq!(tries[1].body["enforce_nonce"], json!(true));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_from_the_rest_proxy_is_honoured_not_retried_at_once() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    fake.fail_next_messages(1, 429);
    let msg = fake.send_message(CHANNEL, &person(93), &pages.url("story"));
    fake.wait_call("the rate-limited try", |c| is_reply_to(c, msg))
        .await;
    let limited_at = std::time::Instant::now();
    fake.wait_until("the retried reply", |calls| {
        calls.iter().filter(|c| is_reply_to(c, msg)).count() >= 2
    })
    .await;
    let waited = limited_at.elapsed();
    assert!(
        waited >= Duration::from_millis(1000),
        "retried {waited:?} after a 429"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_discord_never_answers_is_retried_after_the_timeout() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.rest_timeout = Duration::from_millis(500);
    })
    .await;
    fake.fail_next_messages(1, fake_discord::HANG);
    let msg = fake.send_message(CHANNEL, &person(141), &pages.url("story"));
    fake.wait_until("a second try", |calls| {
        calls.iter().filter(|c| is_reply_to(c, msg)).count() >= 2
    })
    .await;
    let tries = replies_to(&fake.calls(), msg);
    assert_eq!(tries[0].body["nonce"], tries[1].body["nonce"]);
    // The bot keeps serving.
    let next = fake.send_message(CHANNEL, &person(142), &pages.url("story2"));
    fake.wait_call("the next reply", |c| is_reply_to(c, next))
        .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_in_the_dev_guild_when_set() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.dev_guild_id = Some(fake_discord::GUILD_ID)
    })
    .await;
    let reg = fake.wait_registered(0).await;
    assert_eq!(
        reg.path,
        format!(
            "/applications/{APP_ID}/guilds/{}/commands",
            fake_discord::GUILD_ID
        )
    );
    let names: Vec<&str> = reg
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for n in ["summarize", "Summarize", "autosummary", "help"] {
        assert!(names.contains(&n), "{n} not registered: {names:?}");
    }
    let menu = reg
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Summarize")
        .unwrap();
    assert_eq!(menu["type"], json!(3), "a message context menu");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_is_a_clear_error_without_the_token() {
    init_logs();
    let fake = FakeDiscord::start("the-right-token-value").await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = BotConfig::new(TOKEN);
    config.proxy_url = Some(fake.base_url.clone());
    config.database_url = format!("sqlite://{}", dir.path().join("b.db").display());
    let err = newsbrief::bot::run_until(&settings(), config, std::future::pending())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("DISCORD_TOKEN"), "{err}");
    assert!(!err.contains(TOKEN), "the token leaked: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_message_content_intent_is_explained() {
    init_logs();
    let fake = FakeDiscord::start(TOKEN).await;
    fake.refuse_intents();
    let dir = tempfile::tempdir().unwrap();
    let mut config = BotConfig::new(TOKEN);
    config.proxy_url = Some(fake.base_url.clone());
    config.database_url = format!("sqlite://{}", dir.path().join("b.db").display());
    let settings = settings();
    let run = newsbrief::bot::run_until(&settings, config, std::future::pending());
    let err = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the bot must stop when Discord refuses its intents")
        .unwrap_err()
        .to_string();
    assert!(err.contains("Message Content Intent"), "{err}");
}

// ---- the binary: graceful shutdown and no token in logs -------------------------------------

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_serves_and_stops_on_sigterm_without_logging_the_token() {
    use std::process::Stdio;
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsbrief"))
        .arg("bot")
        .current_dir(dir.path())
        .env_clear()
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_PROXY_URL", &fake.base_url)
        .env(
            "NEWSBRIEF_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("b.db").display()),
        )
        .env("NEWSBRIEF_ALLOW_PRIVATE_HOSTS", "true")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    // Drain the logs while the bot runs (a full pipe would block it).
    let mut stderr = child.stderr.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let err_logs = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut s);
        s
    });
    let out_logs = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut s);
        s
    });
    let waited = tokio::task::spawn_blocking(move || child.wait());
    fake.wait_registered(0).await;
    let msg = fake.send_message(CHANNEL, &person(99), &pages.url("story"));
    fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = match tokio::time::timeout(Duration::from_secs(30), waited).await {
        Ok(s) => s.unwrap().unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid])
                .status();
            panic!("the bot did not stop within 30 s of SIGTERM");
        }
    };
    let mut logs = err_logs.join().unwrap();
    logs.extend(out_logs.join().unwrap());
    let logs = String::from_utf8_lossy(&logs).into_owned();
    assert!(
        status.success(),
        "exit status {status}; logs:\n{}",
        tail(&logs)
    );
    assert!(
        logs.contains("bot stopped"),
        "no clean stop in logs:\n{}",
        tail(&logs)
    );
    assert!(!logs.contains(TOKEN), "the token appears in the logs");
    assert!(
        !logs.contains("Sup3rS3cretValue"),
        "part of the token appears in the logs"
    );
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

// ---- embed limits (pure) ---------------------------------------------------------------------

fn huge_brief() -> Brief {
    let long_sentence =
        |i: usize| format!("Sentence {i} @everyone {} ends here.", "word ".repeat(400));
    Brief {
        url: Some("https://example.com/a".into()),
        title: Some("T".repeat(1000)),
        site: Some("S".repeat(500)),
        byline: Some("B".repeat(500)),
        published: Some("2024-03-27T10:00:00Z".into()),
        summary: (0..40).map(long_sentence).collect(),
        actors: (0..200)
            .map(|i| newsbrief::Actor {
                name: format!("Actor number {i} {}", "x".repeat(50)),
                kind: newsbrief::ActorKind::Person,
                mentions: 3,
            })
            .collect(),
        status: (0..50)
            .map(|i| newsbrief::StatusItem {
                label: newsbrief::StatusLabel::Denied,
                evidence: format!("{i} {}", "denied ".repeat(300)),
            })
            .collect(),
        ..Brief::default()
    }
}

fn assert_within_limits(e: &embed::Embed) {
    let len = |s: &Option<String>| s.as_deref().map_or(0, discord_len);
    assert!(len(&e.title) <= embed::TITLE_MAX);
    assert!(len(&e.description) <= embed::DESCRIPTION_MAX);
    assert!(len(&e.author) <= embed::AUTHOR_MAX);
    assert!(len(&e.footer) <= embed::FOOTER_MAX);
    assert!(e.fields.len() <= embed::FIELDS_MAX);
    for f in &e.fields {
        assert!(discord_len(&f.name) <= embed::FIELD_NAME_MAX && !f.name.is_empty());
        assert!(discord_len(&f.value) <= embed::FIELD_VALUE_MAX && !f.value.is_empty());
    }
    assert!(e.total_len() <= embed::MESSAGE_EMBEDS_TOTAL_MAX);
}

#[test]
fn a_huge_brief_stays_inside_every_embed_limit() {
    let prompts = embed::Prompts::builtin();
    let e = embed::brief_embed(&huge_brief(), &prompts);
    assert_within_limits(&e);
    let d = e.description.as_deref().unwrap();
    assert!(d.ends_with('…'), "a cut is marked");
    assert!(discord_len(d) > 2000, "the description uses its room");
    assert!(!d.contains("@everyone"));
}

#[test]
fn many_briefs_are_split_across_messages_inside_limits() {
    let prompts = embed::Prompts::builtin();
    let embeds: Vec<_> = (0..12)
        .map(|_| embed::brief_embed(&huge_brief(), &prompts))
        .collect();
    let lines: Vec<String> = (0..60)
        .map(|i| format!("⚠️ line {i} {}", "z".repeat(60)))
        .collect();
    let messages = embed::plan_messages(&lines, embeds);
    assert!(
        messages.len() >= 12,
        "each huge embed needs its own message"
    );
    let mut embeds_seen = 0;
    let mut lines_seen = 0;
    for m in &messages {
        assert!(m.embeds.len() <= embed::EMBEDS_MAX);
        assert!(
            m.embeds.iter().map(embed::Embed::total_len).sum::<usize>()
                <= embed::MESSAGE_EMBEDS_TOTAL_MAX
        );
        if let Some(c) = &m.content {
            assert!(discord_len(c) <= embed::CONTENT_MAX);
            lines_seen += c.lines().count();
        }
        m.embeds.iter().for_each(assert_within_limits);
        embeds_seen += m.embeds.len();
        assert!(
            m.content.is_some() || !m.embeds.is_empty(),
            "no empty message"
        );
    }
    assert_eq!(embeds_seen, 12, "no embed lost");
    assert_eq!(lines_seen, 60, "no line lost");
}

#[test]
fn small_briefs_share_a_message() {
    let prompts = embed::Prompts::builtin();
    let small = Brief {
        title: Some("Short".into()),
        summary: vec!["One.".into(), "Two.".into()],
        ..Brief::default()
    };
    let embeds: Vec<_> = (0..13)
        .map(|_| embed::brief_embed(&small, &prompts))
        .collect();
    let messages = embed::plan_messages(&[], embeds);
    assert_eq!(
        messages.iter().map(|m| m.embeds.len()).collect::<Vec<_>>(),
        vec![10, 3]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[ -~éü🟡\n@*_`|<>\\[\\]()#-]{0,600}").unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_brief_stays_inside_limits(
            title in proptest::option::of(text()),
            site in proptest::option::of(text()),
            summary in proptest::collection::vec(text(), 0..12),
            actors in proptest::collection::vec(text(), 0..30),
            evidence in proptest::collection::vec(text(), 0..6),
        ) {
            let brief = Brief {
                url: Some("https://example.com/x".into()),
                title, site,
                summary,
                actors: actors.into_iter().map(|name| newsbrief::Actor { name, kind: newsbrief::ActorKind::Other, mentions: 1 }).collect(),
                status: evidence.into_iter().map(|evidence| newsbrief::StatusItem { label: newsbrief::StatusLabel::Unconfirmed, evidence }).collect(),
                ..Brief::default()
            };
            let e = embed::brief_embed(&brief, &embed::Prompts::builtin());
            assert_within_limits(&e);
            let all = serde_json::to_string(&e).unwrap();
            prop_assert!(!all.contains("@everyone") && !all.contains("@here"));
        }
    }
}

// ---- load, reconnects, shutdown ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_gateway_drops_and_keeps_answering() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    fake.wait_sessions(1).await;
    fake.drop_gateway(4000);
    fake.wait_sessions(2).await;
    let msg = fake.send_message(CHANNEL, &person(111), &pages.url("story"));
    fake.wait_call("the reply after the reconnect", |c| is_reply_to(c, msg))
        .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_replies_in_flight_and_takes_no_new_work() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let Bot { stop, mut handle } = bot;
    let msg = fake.send_message(CHANNEL, &person(121), &pages.url("slow"));
    pages.wait_hit("slow").await;
    stop.unwrap().send(()).unwrap();
    // While the page is held, the bot must still be running (waiting for the reply).
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut handle)
            .await
            .is_err(),
        "the bot stopped before its reply in flight was done"
    );
    let late = fake.send_message(CHANNEL, &person(122), &pages.url("story"));
    pages.state.gate.add_permits(1);
    fake.wait_call("the reply in flight", |c| is_reply_to(c, msg))
        .await;
    tokio::time::timeout(Duration::from_secs(30), handle)
        .await
        .expect("the bot did not stop")
        .unwrap()
        .unwrap();
    assert!(
        replies_to(&fake.calls(), late).is_empty(),
        "no new work after shutdown began"
    );
    assert_eq!(pages.hits("story"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_is_answered_exactly_once_with_bounded_fetches() {
    const MESSAGES: usize = 500;
    const CHANNELS: u64 = 10;
    const DISTINCT: usize = 25;
    const FETCH_LIMIT: usize = 4;
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.cache.fetch_concurrency = FETCH_LIMIT;
        // Measure raw throughput: per-channel pacing and fair shares have their own tests.
        c.channel_burst = 0;
        c.user_burst = 0;
        c.server_burst = 0;
    })
    .await;
    let mut expect_reply = Vec::new();
    let mut expect_none = Vec::new();
    for i in 0..MESSAGES {
        let channel = CHANNEL + ((i as u64 / 3) % CHANNELS);
        let author = person(1000 + (i as u64 % 37));
        let text = match i % 5 {
            0 | 1 => format!("new {}", pages.url(&format!("load{}", i % DISTINCT))),
            2 => format!(
                "again {}?utm_source=x",
                pages.url(&format!("load{}", i % 7))
            ),
            3 if i % 2 == 0 => format!("broken {}", pages.url("broken")),
            _ => format!("just chatting, message {i}"),
        };
        let id = fake.send_message(channel, &author, &text);
        if text.contains("http") {
            expect_reply.push(id);
        } else {
            expect_none.push(id);
        }
    }
    let sent_at = std::time::Instant::now();
    let mut rx_calls = 0;
    for id in &expect_reply {
        fake.wait_call_from(rx_calls, "a burst reply", |c| is_reply_to(c, *id))
            .await;
        rx_calls = 0;
    }
    let drain = sent_at.elapsed();
    let calls = fake.calls();
    for id in &expect_reply {
        assert_eq!(
            replies_to(&calls, *id).len(),
            1,
            "message {id} answered exactly once"
        );
    }
    for id in &expect_none {
        assert!(
            replies_to(&calls, *id).is_empty(),
            "message {id} has no link"
        );
    }
    for i in 0..DISTINCT {
        assert!(
            pages.hits(&format!("load{i}")) <= 1,
            "load{i} fetched more than once while cached"
        );
    }
    assert!(
        pages.max_in_flight() <= FETCH_LIMIT,
        "fetch concurrency {} over {FETCH_LIMIT}",
        pages.max_in_flight()
    );
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    eprintln!(
        "burst of {MESSAGES} messages ({} with links): last reply {drain:?} after the last message; test process {peak}",
        expect_reply.len()
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_in_many_channels_and_one_server_get_a_fair_share() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.user_burst = 2;
        c.user_refill = Duration::from_secs(3600);
        c.server_burst = 4;
        c.server_refill = Duration::from_secs(3600);
    })
    .await;
    // One person pasting in four channels: two links of their share, then nothing.
    let spammer = person(141);
    let spam: Vec<u64> = (0..4)
        .map(|i| {
            let url = format!("{}?share={i}", pages.url("story"));
            fake.send_message(CHANNEL + 10 + i, &spammer, &url)
        })
        .collect();
    // Two are answered (the other two are skipped quietly).
    fake.wait_until("two of the spammer's messages answered", |calls| {
        spam.iter()
            .filter(|id| calls.iter().any(|c| is_reply_to(c, **id)))
            .count()
            >= 2
    })
    .await;
    // Their own command is then refused, privately.
    let token = fake.slash_command(
        CHANNEL,
        &spammer,
        "summarize",
        json!([{"name": "url", "type": 3, "value": pages.url("story2")}]),
        0,
    );
    let cb = fake
        .wait_call("the private slow-down answer", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("many briefs"),
        "{}",
        cb.body
    );

    // The server's share (4) is now down to 2: another person gets two links, then the
    // server is "busy", said privately to whoever asks next.
    let other = person(142);
    let a = fake.send_message(CHANNEL, &other, &format!("{}?share=a", pages.url("story")));
    let b = fake.send_message(
        OTHER_CHANNEL,
        &other,
        &format!("{}?share=b", pages.url("story")),
    );
    fake.wait_call("a", |c| is_reply_to(c, a)).await;
    fake.wait_call("b", |c| is_reply_to(c, b)).await;
    let token = fake.slash_command(
        CHANNEL,
        &person(143),
        "summarize",
        json!([{"name": "url", "type": 3, "value": pages.url("story2")}]),
        0,
    );
    let cb = fake
        .wait_call("the private busy answer", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("busy"),
        "{}",
        cb.body
    );
    let calls = fake.calls();
    assert_eq!(
        spam.iter()
            .filter(|id| !replies_to(&calls, **id).is_empty())
            .count(),
        2,
        "the spammer got exactly their share"
    );
    bot.stop().await;
}

#[test]
fn binary_without_a_token_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_newsbrief"))
        .arg("bot")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DISCORD_TOKEN"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_in_one_channel_is_paced_and_capped() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.channel_burst = 2;
        c.channel_refill = Duration::from_secs(2);
        c.channel_backlog = 1;
    })
    .await;
    let spammer = person(131);
    let ids: Vec<u64> = (0..4)
        .map(|i| fake.send_message(CHANNEL, &spammer, &format!("{}?n={i}", pages.url("story"))))
        .collect();
    let started = std::time::Instant::now();
    fake.wait_until("three replies", |calls| {
        ids.iter()
            .filter(|id| calls.iter().any(|c| is_reply_to(c, **id)))
            .count()
            >= 3
    })
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "the third reply waits for its turn"
    );
    // A fourth reply, if the backlog cap were missing, would come one refill (2 s) after
    // the third: wait well past that window before counting.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let calls = fake.calls();
    let answered = ids
        .iter()
        .filter(|id| !replies_to(&calls, **id).is_empty())
        .count();
    assert_eq!(
        answered, 3,
        "two at once, one paced, one over the backlog skipped"
    );
    bot.stop().await;
}
