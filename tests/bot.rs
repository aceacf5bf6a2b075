//! The real bot against a fake Discord (REST + gateway on 127.0.0.1) and a local page server.
//!
//! Each test starts its own fake, page server and bot, so tests run in parallel. Waits are
//! bounded and fail with the calls seen so far; nothing sleeps to synchronise.
//!
//! One file on purpose: each integration-test file is its own binary, and these tests share one
//! fixture (fake Discord, page server, bot start-up); in one file it is built and linked once.

#[path = "support/fake_discord.rs"]
mod fake_discord;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/servers.rs"]
mod servers;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use fake_discord::{is_reply_to, user, Call, FakeDiscord, APP_ID};
use newsbrief::bot::{BotConfig, RunError};
use newsbrief::fetch::FetchConfig;
use newsbrief::render::embed;
use newsbrief::render::escape::{discord_len, escape_discord};
use newsbrief::render::pack::plan_messages;
use newsbrief::render::prompts::Prompts;
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
<p>Residents who want to speak at the hearing can sign up at the town hall or on the council's website until the Friday before the meeting, a spokesperson said.</p>
<p>The finance committee has already reviewed a draft of the plan and asked for changes to the section on road repairs, which members said was underfunded.</p>
<p>Local business owners have asked the council to keep parking fees at their current level, saying that higher fees would drive shoppers away from the town centre.</p>
<p>The school board has also asked for more money for building repairs, after an inspection last spring found problems with the heating in three schools.</p>
<p>The mayor said she was confident the plan would pass, but added that she was open to changes if the hearing showed strong support for them among residents.</p>
<p>Last year's budget was approved by a narrow margin after a debate that lasted until the early hours of the morning, and several members said they hoped to avoid a repeat.</p>
</article></body></html>"#;

/// A section front: a menu and a list of headlines, no article.
const NAV: &str = r#"<!DOCTYPE html><html><head><title>World news | The Daily Wire Desk</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/tech">Technology</a></li></ul></nav>
<main><h1>World</h1><ul>
<li><a href="/world/1">U.S. probing China Telecom, China Mobile over internet and cloud risks</a></li>
<li><a href="/world/2">European leaders meet in Brussels to discuss the energy crisis and gas prices</a></li>
<li><a href="/world/3">Floods in southern Brazil force thousands from their homes, officials say</a></li>
<li><a href="/world/4">Japan's central bank holds rates steady as inflation cools for a third month</a></li>
<li><a href="/world/5">Talks between the two Koreas resume after a year-long pause, ministry says</a></li>
<li><a href="/world/6">India's election commission sets the dates for the general election next spring</a></li>
<li><a href="/world/7">Australia announces new rules for foreign investment in critical minerals</a></li>
<li><a href="/world/8">Canada and Mexico sign an agreement on seasonal farm workers for next year</a></li>
</ul></main><footer><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy</a></footer></body></html>"#;

/// A real article, but so short that its summary would be more than half of it.
const LOW_REDUCTION: &str = r#"<!DOCTYPE html><html><head><title>Harbour ferry timetable changes next month</title></head><body><article><h1>Harbour ferry timetable changes next month</h1>
<p>The harbour ferry company said on Tuesday that its winter timetable would start on the first Monday of next month.</p>
<p>Morning crossings will leave every twenty minutes instead of every quarter of an hour, the company said in a statement.</p>
<p>Evening services after nine o'clock will be cut to one an hour because few passengers use them in the cold months.</p>
<p>The company said the changes would save fuel and let crews take their holidays before the busy spring season.</p>
<p>Passenger groups said they would ask the city council to review the timetable before the summer schedule is drawn up.</p>
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
        Self {
            base: pages::serve(app).await,
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

async fn page(
    State(state): State<Arc<PageState>>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
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
        "nav" => html(NAV.to_string()),
        "lowreduction" => html(LOW_REDUCTION.to_string()),
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
        // A redirect to `?to=URL` (a shortener, an open redirect).
        "go" => match query.get("to") {
            Some(to) => (StatusCode::FOUND, [(header::LOCATION, to.clone())]).into_response(),
            None => StatusCode::BAD_REQUEST.into_response(),
        },
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
        Self::start_with(fake, db, settings(), tweak).await
    }

    /// [`Self::start`] with these engine settings.
    async fn start_with(
        fake: &FakeDiscord,
        db: &std::path::Path,
        settings: Settings,
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
            newsbrief::bot::run_until(&settings, config, async {
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

/// The status line the bot must put first for `brief` (badges and words, in order).
fn expected_status_line(brief: &Brief) -> Option<String> {
    let words: Vec<&str> = brief
        .status
        .iter()
        .map(|s| match s.label {
            newsbrief::StatusLabel::EarlyStage => "🟡 Early-stage",
            newsbrief::StatusLabel::Denied => "🔴 Denied",
            newsbrief::StatusLabel::Unconfirmed => "⚪ Unconfirmed",
            newsbrief::StatusLabel::Confirmed => "🟢 Confirmed",
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" · "))
}

/// Checks a one-card reply against the engine's brief of the same page: the status line
/// first (the message's first line), then the card: linked title, the key sentences in
/// order, one line of actors and a small metadata line; no evidence quote repeated.
fn assert_reply_shows(body: &Value, brief: &Brief) {
    let content = body["content"].as_str().unwrap_or("");
    assert_eq!(
        content
            .lines()
            .next()
            .filter(|l| !l.starts_with("-# "))
            .map(str::to_string),
        expected_status_line(brief),
        "the status line comes first: {body}"
    );
    let embed = &body["embeds"][0];
    assert!(
        embed["author"].is_null(),
        "the status is not repeated: {embed}"
    );
    assert_eq!(
        embed["title"].as_str().map(str::to_string),
        brief.title.as_deref().map(escape_discord)
    );
    assert_eq!(embed["url"].as_str(), brief.url.as_deref());
    let description = embed["description"].as_str().unwrap_or("");
    assert!(
        !brief.summary.is_empty(),
        "the test page must give a summary"
    );
    let lines: Vec<&str> = description.lines().collect();
    // The key sentences shown are the summary's first ones, in order (a full card shows
    // whole sentences up to its character cap, at least one).
    let bullets: Vec<&str> = lines
        .iter()
        .copied()
        .take_while(|l| l.starts_with("• "))
        .collect();
    assert!(!bullets.is_empty(), "no key sentence in {description:?}");
    for (shown, s) in bullets.iter().zip(&brief.summary) {
        assert_eq!(*shown, format!("• {}", escape_discord(s)));
    }
    assert!(bullets.len() <= brief.summary.len());
    let at = bullets.len();
    let rest = &lines[at..];
    if let Some(first) = brief.actors.first() {
        assert!(
            rest.first()
                .is_some_and(|l| l.starts_with("**Key actors:**")
                    && l.contains(&escape_discord(&first.name))),
            "one line of actors after the sentences: {description:?}"
        );
    }
    assert!(
        rest.last()
            .is_some_and(|l| l.starts_with("-# ") && l.contains("min read")),
        "a small metadata line last: {description:?}"
    );
    assert!(embed["fields"].as_array().is_none_or(Vec::is_empty));
    for item in &brief.status {
        let quote = escape_discord(&item.evidence);
        assert!(
            body.to_string().matches(quote.as_str()).count() <= 1,
            "evidence shown twice: {quote}"
        );
    }
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
    assert_reply_shows(&reply.body, &expected_brief(ARTICLE, &link));
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

fn is_reaction_to(c: &Call, channel: u64, message: u64) -> bool {
    c.method == "PUT"
        && c.path.starts_with(&format!(
            "/channels/{channel}/messages/{message}/reactions/"
        ))
}

/// The emoji of a reaction call (percent-decoded from its path).
fn reaction_emoji(c: &Call) -> String {
    let raw = c.path.split('/').nth(6).unwrap_or("");
    let bytes: Vec<u8> = {
        let b = raw.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                out.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_link_gets_a_reaction_never_a_public_line_and_media_links_are_skipped() {
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
    let reaction = fake
        .wait_call("the ⚠️ reaction", |c| is_reaction_to(c, CHANNEL, msg))
        .await;
    assert_eq!(reaction_emoji(&reaction), "⚠️");
    assert_eq!(pages.hits("pic.png"), 0, "media links are never fetched");
    assert_eq!(pages.hits("broken"), 1);
    // A message whose only link turns out to be an image gets no reply at all.
    let image_only = fake.send_message(CHANNEL, &person(32), &pages.url("photo"));
    let barrier = fake.send_message(CHANNEL, &person(33), &pages.url("story"));
    fake.wait_call("the barrier reply", |c| is_reply_to(c, barrier))
        .await;
    assert!(pages.hits("photo") >= 1, "the image link was checked");
    let calls = fake.calls();
    assert!(
        replies_to(&calls, msg).is_empty(),
        "a failure is never posted in the channel"
    );
    assert!(
        replies_to(&calls, image_only).is_empty(),
        "non-articles are skipped quietly"
    );
    let posts: Vec<&Call> = calls.iter().filter(|c| is_post_in(c, CHANNEL)).collect();
    assert_eq!(posts.len(), 1, "only the barrier is answered");
    assert!(
        !posts[0].body.to_string().contains("Couldn't brief"),
        "{}",
        posts[0].body
    );
    // Asked for with /summarize, the same failure is explained, privately.
    let token = fake.slash_command(
        CHANNEL,
        &person(31),
        "summarize",
        json!([{"name": "url", "type": 3, "value": pages.url("broken")}]),
        0,
    );
    let fu = fake
        .wait_call("the private failure", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "ephemeral");
    assert!(fu.body["content"].as_str().unwrap().contains("500"));
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

    // Alone: a reaction, no public line.
    let alone = fake.send_message(CHANNEL, &person(41), &pages.url("crash"));
    fake.wait_call("the reaction", |c| is_reaction_to(c, CHANNEL, alone))
        .await;

    // Beside a good link in the same message: the good link is still briefed.
    let mixed = fake.send_message(
        CHANNEL,
        &person(42),
        &format!("{} and {}", pages.url("crash"), pages.url("story")),
    );
    let reply = fake
        .wait_call("the mixed reply", |c| is_reply_to(c, mixed))
        .await;
    fake.wait_call("the reaction", |c| is_reaction_to(c, CHANNEL, mixed))
        .await;
    assert_eq!(replies_to(&fake.calls(), mixed).len(), 1);
    let content = reply.body["content"].as_str().unwrap_or("");
    assert!(!content.contains("something went wrong"), "{content}");
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "the good link is briefed: {}", reply.body);
    assert_reply_shows(&reply.body, &expected);
    assert_eq!(pages.hits("crash"), 2, "a crash is not cached as a result");

    // A panic on the async side (inside the coalesced cache lookup) is contained as well.
    let both = fake.send_message(
        CHANNEL,
        &person(44),
        &format!("{} then {}", pages.url("crashfetch"), pages.url("story3")),
    );
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, both)).await;
    fake.wait_call("the reaction", |c| is_reaction_to(c, CHANNEL, both))
        .await;
    let content = reply.body["content"].as_str().unwrap_or("");
    assert!(!content.contains("something went wrong"), "{content}");
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "the good link is briefed: {}", reply.body);
    assert_reply_shows(&reply.body, &expected_brief(ARTICLE, &pages.url("story3")));
    assert!(
        replies_to(&fake.calls(), alone).is_empty(),
        "no public line for a failure"
    );

    // The bot keeps serving other people and channels, and still stops cleanly.
    let after = fake.send_message(OTHER_CHANNEL, &person(43), &pages.url("story2"));
    let reply = fake
        .wait_call("a reply after the panics", |c| is_reply_to(c, after))
        .await;
    let embeds = reply.body["embeds"].as_array().cloned().unwrap_or_default();
    assert_eq!(embeds.len(), 1, "{}", reply.body);
    assert_reply_shows(&reply.body, &expected_brief(ARTICLE, &pages.url("story2")));
    bot.stop().await;
}

/// The value Discord sends for choice `name` of `option` of `command`, as registered (poise
/// registers choice parameters as integer choices).
fn choice(fake: &FakeDiscord, command: &str, option: &str, name: &str) -> Value {
    registered_choice(fake, &[command], option, name)
}

/// The value of choice `name` of `option` of the command (or subcommand) at `path`, as the
/// last command registration declared it.
fn registered_choice(fake: &FakeDiscord, path: &[&str], option: &str, name: &str) -> Value {
    let reg = fake
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .expect("commands registered");
    let find = |list: &Value, key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == key)
            .unwrap_or_else(|| panic!("{key} is not registered"))
            .clone()
    };
    let mut node = find(&reg.body, path[0]);
    for sub in &path[1..] {
        node = find(&node["options"], sub);
    }
    let opt = find(&node["options"], option);
    let ch = find(&opt["choices"], name);
    json!({"name": option, "type": opt["type"], "value": ch["value"]})
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
        MEMBER,
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
    assert_reply_shows(&fu.body, &brief);
    assert!(
        fu.body["content"]
            .as_str()
            .unwrap()
            .lines()
            .any(|l| l == format!("-# Brief of <{link}>")),
        "the slash reply names the link it briefs: {}",
        fu.body["content"]
    );
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
        .filter(|l| l.starts_with("• "))
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
        MEMBER,
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
    assert_reply_shows(&fu.body, &expected_brief(ARTICLE, &link));
    let named = format!(
        "-# Brief of the links in https://discord.com/channels/{}/{CHANNEL}/{target_id}",
        fake_discord::GUILD_ID
    );
    assert!(
        fu.body["content"]
            .as_str()
            .unwrap()
            .lines()
            .any(|l| l == named),
        "the menu reply names the message it briefs: {}",
        fu.body["content"]
    );

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
    // Longer than any fixed pause the bot could use instead of reading the advertised wait.
    let advertised = Duration::from_secs(3);
    fake.rate_limit_next_message(advertised);
    let msg = fake.send_message(CHANNEL, &person(93), &pages.url("story"));
    fake.wait_until("the retried reply", |calls| {
        calls.iter().filter(|c| is_reply_to(c, msg)).count() >= 2
    })
    .await;
    // The positive signal that a third try would have come: a later message answered.
    let next = fake.send_message(CHANNEL, &person(94), &pages.url("story2"));
    fake.wait_call("the next reply", |c| is_reply_to(c, next))
        .await;
    let tries = replies_to(&fake.calls(), msg);
    assert_eq!(tries.len(), 2, "one rate-limited try, one delivered reply");
    let waited = tries[1].at - tries[0].at;
    assert!(
        waited >= advertised,
        "retried {waited:?} after a 429 that asked for {advertised:?}"
    );
    assert_eq!(tries[0].body["nonce"], tries[1].body["nonce"]);
    assert_eq!(tries[1].body["enforce_nonce"], json!(true));
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
                confidence: 0.9,
            })
            .collect(),
        ..Brief::default()
    }
}

fn assert_within_limits(e: &embed::Embed) {
    assert_eq!(e.limit_broken(), None, "{e:?}");
}

#[test]
fn a_huge_brief_stays_inside_every_embed_limit() {
    let prompts = Prompts::builtin();
    let e = embed::brief_embed(&huge_brief(), &prompts);
    assert_within_limits(&e);
    let d = e.description.as_deref().unwrap();
    assert!(
        d.lines().any(|l| l == "…"),
        "sentences left out are marked: {d}"
    );
    assert!(discord_len(d) > 2000, "the description uses its room");
    assert!(!d.contains("@everyone"));
}

#[test]
fn many_briefs_are_split_across_messages_inside_limits() {
    let prompts = Prompts::builtin();
    let embeds: Vec<_> = (0..12)
        .map(|_| embed::brief_embed(&huge_brief(), &prompts))
        .collect();
    let lines: Vec<String> = (0..60)
        .map(|i| format!("⚠️ line {i} {}", "z".repeat(60)))
        .collect();
    let messages = plan_messages(&lines, embeds);
    assert!(messages.len() >= 6, "huge embeds are spread over messages");
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
    let prompts = Prompts::builtin();
    let small = Brief {
        title: Some("Short".into()),
        summary: vec!["One.".into(), "Two.".into()],
        ..Brief::default()
    };
    let embeds: Vec<_> = (0..13)
        .map(|_| embed::brief_embed(&small, &prompts))
        .collect();
    let messages = plan_messages(&[], embeds);
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
                status: evidence.into_iter().map(|evidence| newsbrief::StatusItem { label: newsbrief::StatusLabel::Unconfirmed, evidence, confidence: 0.9 }).collect(),
                ..Brief::default()
            };
            let e = embed::brief_embed(&brief, &Prompts::builtin());
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
    let mut expect_reaction = Vec::new();
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
        if text.contains("broken") {
            expect_reaction.push((channel, id));
        } else if text.contains("http") {
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
    for (channel, id) in &expect_reaction {
        fake.wait_call("a failure reaction", |c| is_reaction_to(c, *channel, *id))
            .await;
    }
    let drain = sent_at.elapsed();
    let calls = fake.calls();
    for (_, id) in &expect_reaction {
        assert!(
            replies_to(&calls, *id).is_empty(),
            "message {id}: a failure is never posted"
        );
    }
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

// ---- the reply: verdict first, quiet when it cannot help ---------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reply_is_verdict_first_shows_no_sentence_twice_and_why_answers_privately() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let link = pages.url("story");
    let brief = expected_brief(ARTICLE, &link);
    assert!(
        brief.status.len() >= 2,
        "the example story has several labels"
    );
    let msg = fake.send_message(CHANNEL, &person(91), &link);
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    let embed = &reply.body["embeds"][0];
    assert_reply_shows(&reply.body, &brief);
    assert_eq!(
        reply.body["content"].as_str(),
        Some("🟡 Early-stage · 🔴 Denied · ⚪ Unconfirmed"),
        "the first line is the verdict"
    );
    // No sentence twice anywhere in the message, and no evidence quote beside the summary.
    let description = embed["description"].as_str().unwrap();
    let mut seen = std::collections::HashSet::new();
    for line in description.lines().filter(|l| l.starts_with("• ")) {
        assert!(seen.insert(line), "shown twice: {line}");
    }
    for item in &brief.status {
        let quote = escape_discord(&item.evidence);
        assert!(
            reply.body.to_string().matches(quote.as_str()).count() <= 1,
            "{quote}"
        );
    }
    // Dates are Discord timestamps, the site is shown once.
    let meta = description.lines().last().unwrap();
    assert!(meta.contains("<t:1711531800:D>"), "{meta}");
    assert_eq!(meta.matches("The Daily Wire Desk").count(), 1, "{meta}");
    // One "Why?" button, answering privately with each label, its meaning and evidence.
    let button = &reply.body["components"][0]["components"][0];
    assert_eq!(button["label"], "Why?", "{}", reply.body);
    let custom_id = button["custom_id"].as_str().unwrap();
    let posted = fake_discord::message_json(
        fake.next_id(),
        CHANNEL,
        Some(fake_discord::GUILD_ID),
        user(fake_discord::BOT_ID, "newsbrief", true),
        "",
        reply.body["embeds"].clone(),
    );
    let token = fake.press_button(&person(92), posted, custom_id);
    let cb = fake
        .wait_call("the Why? deferral", |c| callback_for(c, &token))
        .await;
    assert_eq!(
        cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "the answer is private"
    );
    let fu = fake
        .wait_call("the Why? answer", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "private");
    assert_no_mentions(&fu.body);
    let text = fu.body["content"].as_str().unwrap();
    for (label, meaning) in [
        ("Early-stage", "a process with no outcome yet"),
        ("Denied", "a named party explicitly rejects the claim"),
        ("Unconfirmed", "anonymous sources"),
    ] {
        assert!(text.contains(label) && text.contains(meaning), "{text}");
    }
    for item in &brief.status {
        let quote = escape_discord(&item.evidence);
        assert!(
            text.contains(&quote),
            "evidence {quote:?} missing from {text}"
        );
    }
    assert_eq!(
        pages.hits("story"),
        1,
        "the Why? answer comes from the cache"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reply_for_a_navigation_page_nor_below_the_reduction_threshold() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let nav = fake.send_message(CHANNEL, &person(93), &pages.url("nav"));
    let low = fake.send_message(CHANNEL, &person(93), &pages.url("lowreduction"));
    pages.wait_hit("nav").await;
    pages.wait_hit("lowreduction").await;
    // A later link in the same channel as a barrier: once it is answered, the two before it
    // have long been handled.
    let barrier = fake.send_message(CHANNEL, &person(94), &pages.url("story"));
    fake.wait_call("the barrier reply", |c| is_reply_to(c, barrier))
        .await;
    let calls = fake.calls();
    for quiet in [nav, low] {
        assert!(replies_to(&calls, quiet).is_empty(), "no reply to {quiet}");
        assert!(
            !calls.iter().any(|c| is_reaction_to(c, CHANNEL, quiet)),
            "not a failure either"
        );
    }
    // Asked for explicitly, each gets a private explanation.
    for (page, why) in [
        ("nav", "doesn't look like an article"),
        ("lowreduction", "short enough already"),
    ] {
        let token = fake.slash_command(
            CHANNEL,
            &person(95),
            "summarize",
            json!([{"name": "url", "type": 3, "value": pages.url(page)}]),
            0,
        );
        let fu = fake
            .wait_call("the private explanation", |c| followup_for(c, &token))
            .await;
        assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "private");
        let text = fu.body["content"].as_str().unwrap();
        assert!(text.contains(why), "{page}: {text}");
        assert!(fu.body["embeds"].as_array().is_none_or(Vec::is_empty));
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_links_get_one_compact_card_each_in_one_reply() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let links = [pages.url("story"), pages.url("story2"), pages.url("story3")];
    let msg = fake.send_message(CHANNEL, &person(96), &links.join(" and "));
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    let embeds = reply.body["embeds"].as_array().unwrap();
    assert_eq!(embeds.len(), 3, "one card per link");
    let total: usize = embeds
        .iter()
        .map(|e| {
            ["title", "description"]
                .iter()
                .map(|k| e[k].as_str().map_or(0, discord_len))
                .sum::<usize>()
                + e["author"]["name"].as_str().map_or(0, discord_len)
        })
        .sum();
    assert!(total <= embed::MESSAGE_EMBEDS_TOTAL_MAX);
    for (e, link) in embeds.iter().zip(&links) {
        assert_eq!(e["url"].as_str(), Some(link.as_str()));
        let d = e["description"].as_str().unwrap();
        assert_eq!(
            d.lines().filter(|l| l.starts_with("• ")).count(),
            1,
            "compact: one sentence: {d}"
        );
        assert!(!d.contains("Key actors"), "{d}");
    }
    let buttons = reply.body["components"][0]["components"]
        .as_array()
        .unwrap();
    let labels: Vec<&str> = buttons
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["Why? (1)", "Why? (2)", "Why? (3)"]);
    let barrier = fake.send_message(CHANNEL, &person(97), &pages.url("story"));
    fake.wait_call("the barrier reply", |c| is_reply_to(c, barrier))
        .await;
    assert_eq!(replies_to(&fake.calls(), msg).len(), 1, "one reply");
    bot.stop().await;
}

// ---- the height budget, measured as Discord draws it -------------------------------------------

/// The default reply's budget on a 1280 px desktop client (issue 14).
const HEIGHT_BUDGET_PX: u32 = 350;
/// The default reply's budget of characters a reader sees.
const VISIBLE_CHARS_BUDGET: u32 = 900;

/// Draws recorded reply bodies with `tools/render_replies.py` (headless Chromium) and returns
/// each reply's (height in px, visible characters). Fails loudly when Chromium or python3 is
/// missing: `.ci/run` installs them.
fn measure_replies(record: &std::path::Path, png: Option<&std::path::Path>) -> Vec<(u32, u32)> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/render_replies.py");
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(&script).arg(record);
    if let Some(p) = png {
        cmd.arg("--png").arg(p);
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run python3 {} ({e}): install python3 (see .ci/run)",
            script.display()
        )
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the render script failed ({}): {stderr}\nChromium and the Noto fonts are needed: see the Chromium block of .ci/run",
        out.status
    );
    let measures: Vec<(u32, u32)> = stdout
        .lines()
        .filter_map(|l| {
            let h = l.split("height=").nth(1)?.split(' ').next()?.parse().ok()?;
            let c = l
                .split("visible_chars=")
                .nth(1)?
                .split(',')
                .next()?
                .parse()
                .ok()?;
            Some((h, c))
        })
        .collect();
    assert!(!measures.is_empty(), "no measures in: {stdout}");
    measures
}

/// Set `NEWSBRIEF_REPLY_PICTURE=path/to.png` to keep the drawing (and the recorded body next
/// to it, as `.json`): `tools/readme-picture.sh` makes the README picture this way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_story_reply_fits_the_height_budget() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let link = pages.url("story");
    let said = format!("Interesting, look at this: {link}");
    let msg = fake.send_message(CHANNEL, &person(98), &said);
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    // The local server's address stands in for a real site in the drawing.
    let site = "https://www.dailywiredesk.example/2024/03/27/us-china-telecom-probe";
    let record = json!({"replies": [{
        "original": {"author": "alice", "content": said},
        "body": reply.body,
    }]})
    .to_string()
    .replace(&link, site);
    let picture = std::env::var_os("NEWSBRIEF_REPLY_PICTURE").map(std::path::PathBuf::from);
    let path = match &picture {
        Some(p) => p.with_extension("json"),
        None => _dir.path().join("reply.json"),
    };
    let pretty: Value = serde_json::from_str(&record).unwrap();
    std::fs::write(&path, serde_json::to_string_pretty(&pretty).unwrap()).unwrap();
    let measures = measure_replies(&path, picture.as_deref());
    let (height, chars) = measures[0];
    eprintln!("example story reply: {height} px, {chars} visible characters");
    assert!(
        height <= HEIGHT_BUDGET_PX,
        "the default reply is {height} px tall (budget {HEIGHT_BUDGET_PX})"
    );
    assert!(
        chars <= VISIBLE_CHARS_BUDGET,
        "the default reply shows {chars} characters (budget {VISIBLE_CHARS_BUDGET})"
    );
    bot.stop().await;
}

// ---- /settings --------------------------------------------------------------------------------

const MANAGE_GUILD: u64 = 0x20;
/// An ordinary member's permissions in a channel: view, send messages, embed links.
const MEMBER: u64 = fake_discord::MEMBER_PERMISSIONS;
const MANAGE_CHANNELS: u64 = 0x10;

/// The value Discord sends for choice `name` of option `option` of subcommand `sub` of
/// `command`, as registered.
fn sub_choice(fake: &FakeDiscord, command: &str, sub: &str, option: &str, name: &str) -> Value {
    registered_choice(fake, &[command, sub], option, name)
}

/// Runs `/settings <sub>` and returns its private answer.
async fn run_settings(
    fake: &FakeDiscord,
    user: &Value,
    perms: u64,
    sub: &str,
    options: Value,
) -> String {
    let token = fake.slash_command(
        CHANNEL,
        user,
        "settings",
        json!([{"name": sub, "type": 1, "options": options}]),
        perms,
    );
    let cb = fake
        .wait_call("the /settings answer", |c| callback_for(c, &token))
        .await;
    assert_eq!(
        cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "settings are answered privately: {}",
        cb.body
    );
    cb.body["data"]["content"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_need_manage_server_list_themselves_and_refuse_bad_values() {
    let Setup {
        fake,
        pages: _pages,
        bot,
        _dir,
    } = setup().await;
    let moderator = person(201);
    let member = person(202);
    let refused = run_settings(&fake, &member, 0, "show", json!([])).await;
    assert!(refused.contains("Manage Server"), "{refused}");
    let mode = sub_choice(&fake, "settings", "mode", "value", "reaction");
    let refused = run_settings(&fake, &member, MANAGE_CHANNELS, "mode", json!([mode])).await;
    assert!(refused.contains("Manage Server"), "{refused}");

    let shown = run_settings(&fake, &moderator, MANAGE_GUILD, "show", json!([])).await;
    assert!(
        shown.contains("Mode: **auto**"),
        "the member changed nothing: {shown}"
    );
    let bad = run_settings(
        &fake,
        &moderator,
        MANAGE_GUILD,
        "duplicates",
        json!([{"name": "hours", "type": 4, "value": 1000}]),
    )
    .await;
    assert!(bad.contains("from 0 to 168"), "{bad}");
    let bad = run_settings(
        &fake,
        &moderator,
        MANAGE_GUILD,
        "ignore",
        json!([{"name": "domain", "type": 3, "value": "not a domain!"}]),
    )
    .await;
    assert!(bad.contains("is not a domain"), "{bad}");
    let length = sub_choice(&fake, "settings", "length", "value", "short");
    run_settings(&fake, &moderator, MANAGE_GUILD, "length", json!([length])).await;
    run_settings(
        &fake,
        &moderator,
        MANAGE_GUILD,
        "ignore",
        json!([{"name": "domain", "type": 3, "value": "https://www.YouTube.com/"}]),
    )
    .await;
    let shown = run_settings(&fake, &moderator, MANAGE_GUILD, "show", json!([])).await;
    for part in [
        "Default length: **short**",
        "Ignored domains: youtube.com",
        "briefed again each time",
    ] {
        assert!(shown.contains(part), "{part} missing from {shown}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reaction_mode_offers_a_reaction_and_briefs_when_a_member_adds_it() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let mode = sub_choice(&fake, "settings", "mode", "value", "reaction");
    run_settings(&fake, &person(211), MANAGE_GUILD, "mode", json!([mode])).await;
    let msg = fake.send_message(CHANNEL, &person(212), &pages.url("story"));
    let offer = fake
        .wait_call("the 📰 offer", |c| is_reaction_to(c, CHANNEL, msg))
        .await;
    assert_eq!(reaction_emoji(&offer), "📰");
    assert_eq!(
        pages.hits("story"),
        0,
        "nothing is fetched before a member asks"
    );
    assert!(replies_to(&fake.calls(), msg).is_empty());
    fake.add_reaction(CHANNEL, msg, &person(213), "📰");
    let reply = fake
        .wait_call("the brief after the reaction", |c| is_reply_to(c, msg))
        .await;
    assert_reply_shows(&reply.body, &expected_brief(ARTICLE, &pages.url("story")));
    // More reactions do not brief it again.
    fake.add_reaction(CHANNEL, msg, &person(214), "📰");
    let barrier = fake.send_message(CHANNEL, &person(212), &pages.url("story2"));
    fake.wait_call("the barrier offer", |c| is_reaction_to(c, CHANNEL, barrier))
        .await;
    assert_eq!(replies_to(&fake.calls(), msg).len(), 1, "briefed once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_domain_is_not_briefed() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let domain = json!([{"name": "domain", "type": 3, "value": "127.0.0.1"}]);
    let said = run_settings(&fake, &person(221), MANAGE_GUILD, "ignore", domain).await;
    assert!(said.contains("ignore links to **127.0.0.1**"), "{said}");
    let ignored = fake.send_message(CHANNEL, &person(222), &pages.url("story2"));
    // The same server under another name is not ignored: a barrier in the same channel.
    let other_name = pages.url("story").replace("127.0.0.1", "localhost");
    let answered = fake.send_message(CHANNEL, &person(222), &other_name);
    fake.wait_call("the reply to the other domain", |c| {
        is_reply_to(c, answered)
    })
    .await;
    assert!(
        replies_to(&fake.calls(), ignored).is_empty(),
        "ignored domain"
    );
    assert_eq!(pages.hits("story2"), 0, "an ignored link is never fetched");
    // Given again, the domain is no longer ignored.
    let said = run_settings(
        &fake,
        &person(221),
        MANAGE_GUILD,
        "ignore",
        json!([{"name": "domain", "type": 3, "value": "127.0.0.1"}]),
    )
    .await;
    assert!(said.contains("no longer ignore"), "{said}");
    let back = fake.send_message(CHANNEL, &person(222), &pages.url("story3"));
    fake.wait_call("the reply once not ignored", |c| is_reply_to(c, back))
        .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_briefed_recently_gets_a_jump_link_to_the_earlier_brief() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let link = pages.url("story");
    // Off by default: the same link is briefed again.
    let first = fake.send_message(CHANNEL, &person(231), &link);
    fake.wait_call("the first brief", |c| is_reply_to(c, first))
        .await;
    let again = fake.send_message(CHANNEL, &person(232), &link);
    let reply = fake
        .wait_call("the second brief", |c| is_reply_to(c, again))
        .await;
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));

    run_settings(
        &fake,
        &person(231),
        MANAGE_GUILD,
        "duplicates",
        json!([{"name": "hours", "type": 4, "value": 24}]),
    )
    .await;
    let briefed = fake.send_message(CHANNEL, &person(231), &pages.url("story2"));
    fake.wait_call("the brief", |c| is_reply_to(c, briefed))
        .await;
    // A barrier: the brief above is remembered once its post is answered, well before this
    // other page is fetched and briefed.
    let barrier = fake.send_message(CHANNEL, &person(231), &pages.url("story3"));
    fake.wait_call("the barrier", |c| is_reply_to(c, barrier))
        .await;
    let dup = fake.send_message(
        CHANNEL,
        &person(232),
        &format!("{}?utm_source=x", pages.url("story2")),
    );
    let reply = fake
        .wait_call("the jump link", |c| is_reply_to(c, dup))
        .await;
    let content = reply.body["content"].as_str().unwrap_or("");
    assert!(
        content.contains(&format!(
            "https://discord.com/channels/{}/{CHANNEL}/",
            fake_discord::GUILD_ID
        )),
        "{content}"
    );
    assert!(
        reply.body["embeds"].as_array().is_none_or(Vec::is_empty),
        "no second brief"
    );
    // The review's scenario: the same link in another channel (a public one, where the first
    // was private) gets a brief of its own, never a jump link that would reveal the other
    // channel's conversation.
    let elsewhere = fake.send_message(OTHER_CHANNEL, &person(233), &pages.url("story2"));
    let reply = fake
        .wait_call("the brief in the other channel", |c| {
            is_reply_to(c, elsewhere)
        })
        .await;
    assert!(
        !reply.body.to_string().contains("discord.com/channels"),
        "no jump link across channels: {}",
        reply.body
    );
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_follows_its_parent_channel_and_the_server() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    const THREAD: u64 = 600_000_000_000_000_101;
    const OTHER_THREAD: u64 = 600_000_000_000_000_102;
    fake.add_thread(THREAD, CHANNEL);
    fake.add_thread(OTHER_THREAD, OTHER_CHANNEL);
    let token = fake.slash_command(
        CHANNEL,
        &person(241),
        "autosummary",
        json!([choice(&fake, "autosummary", "mode", "off")]),
        MANAGE_CHANNELS,
    );
    fake.wait_call("the confirmation", |c| callback_for(c, &token))
        .await;
    let in_thread = fake.send_message(THREAD, &person(242), &pages.url("story"));
    let barrier = fake.send_message(OTHER_THREAD, &person(242), &pages.url("story2"));
    fake.wait_call("the reply in the other thread", |c| is_reply_to(c, barrier))
        .await;
    assert!(
        replies_to(&fake.calls(), in_thread).is_empty(),
        "the thread follows its parent's /autosummary off"
    );
    // The server's mode reaches threads too.
    let mode = sub_choice(&fake, "settings", "mode", "value", "reaction");
    run_settings(&fake, &person(241), MANAGE_GUILD, "mode", json!([mode])).await;
    let offered = fake.send_message(OTHER_THREAD, &person(242), &pages.url("story3"));
    fake.wait_call("the 📰 offer in the thread", |c| {
        is_reaction_to(c, OTHER_THREAD, offered)
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_get_auto_briefs_only_after_opting_in() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    const DM: u64 = 600_000_000_000_000_201;
    const BOB_DM: u64 = 600_000_000_000_000_202;
    let alice = person(251);
    let bob = person(252);
    // Bob never opts in. His message goes first, so it is long handled when Alice's reply
    // (a fetch and a post later) arrives.
    let bobs = fake.send_dm(BOB_DM, &bob, &pages.url("story"));
    let token = fake.slash_command(
        CHANNEL,
        &alice,
        "dmbriefs",
        json!([choice(&fake, "dmbriefs", "mode", "on")]),
        0,
    );
    let cb = fake
        .wait_call("the opt-in", |c| callback_for(c, &token))
        .await;
    assert!(cb.body["data"]["content"].as_str().unwrap().contains("on"));
    let after = fake.send_dm(DM, &alice, &pages.url("story2"));
    fake.wait_call("the DM brief", |c| is_reply_to(c, after))
        .await;
    assert!(
        replies_to(&fake.calls(), bobs).is_empty(),
        "no auto-brief without opting in"
    );
    assert_eq!(pages.hits("story"), 0, "nothing fetched for it");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_length_setting_changes_the_auto_brief() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let bullets = |body: &Value| {
        body["embeds"][0]["description"]
            .as_str()
            .unwrap_or("")
            .lines()
            .filter(|l| l.starts_with("• "))
            .count()
    };
    let normal = fake.send_message(CHANNEL, &person(261), &pages.url("story"));
    let reply = fake
        .wait_call("the normal brief", |c| is_reply_to(c, normal))
        .await;
    let shown_normally = bullets(&reply.body);
    let length = sub_choice(&fake, "settings", "length", "value", "long");
    run_settings(&fake, &person(261), MANAGE_GUILD, "length", json!([length])).await;
    let long = fake.send_message(CHANNEL, &person(262), &pages.url("story2"));
    let reply = fake
        .wait_call("the long brief", |c| is_reply_to(c, long))
        .await;
    let long_brief = newsbrief::Engine::new(&settings())
        .unwrap()
        .brief_html(
            ARTICLE,
            Some(&pages.url("story2")),
            &BriefOptions {
                sentences: Some(newsbrief::bot::settings::LONG_SENTENCES),
            },
        )
        .unwrap();
    assert_eq!(
        bullets(&reply.body),
        long_brief.summary.len(),
        "long: every key sentence"
    );
    assert!(
        bullets(&reply.body) > shown_normally,
        "long ({}) shows more than normal ({shown_normally})",
        bullets(&reply.body)
    );
    bot.stop().await;
}

// ---- hardening, round two (issue 22) ---------------------------------------------------------

/// Another server than the fake's own.
const OTHER_GUILD: u64 = 800_000_000_000_000_002;

/// Whether `c` is the ⚠️ reaction of a failed link on `message`.
fn is_failure_reaction(c: &Call, message: u64) -> bool {
    c.method == "PUT"
        && c.path.starts_with(&format!(
            "/channels/{CHANNEL}/messages/{message}/reactions/"
        ))
        && reaction_emoji(c) == "⚠️"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_accounts_pasting_a_slow_host_do_not_starve_a_fourth_users_link() {
    // The review's scenario: three accounts paste links to their own slow host (one that
    // answers just under the time limit; here it never answers while the test runs), each
    // three links, nine in all against the eight fetch slots.
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let long = Settings {
        fetch: FetchConfig {
            allow_private_hosts: true,
            request_timeout: Duration::from_secs(120),
            ..FetchConfig::default()
        },
        ..Settings::default()
    };
    let bot = Bot::start_with(&fake, &dir.path().join("b.db"), long, |_| {}).await;
    let slow = |n: usize| {
        pages
            .url(&format!("slow?n={n}"))
            .replace("127.0.0.1", "localhost")
    };
    let attacks: Vec<u64> = (0..3)
        .map(|a| {
            let links: Vec<String> = (0..3).map(|i| slow(a * 3 + i)).collect();
            fake.send_message(CHANNEL, &person(300 + a as u64), &links.join(" "))
        })
        .collect();
    let mut hits = pages.state.hit_count.subscribe();
    tokio::time::timeout(
        Duration::from_secs(30),
        hits.wait_for(|_| pages.hits("slow") >= 6),
    )
    .await
    .expect("the slow links are being fetched")
    .unwrap();
    // A fourth user, in another server, is answered while every slow fetch still hangs.
    let other = fake.send_message_in(
        OTHER_GUILD,
        OTHER_CHANNEL,
        &person(310),
        &pages.url("story"),
    );
    let reply = fake
        .wait_call("the other server's reply", |c| is_reply_to(c, other))
        .await;
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        pages.hits("slow"),
        6,
        "two slots per person: the third links wait"
    );
    // A fourth user of the same server: their link goes first as soon as a slot frees (the
    // slow fetches give up at the time-to-first-byte limit, 8 s by default).
    let same = fake.send_message(CHANNEL, &person(311), &pages.url("story2"));
    let reply = fake
        .wait_call("the same server's reply", |c| is_reply_to(c, same))
        .await;
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));
    // The slow host kept timing out, so it is paused: every attacking message ends with a
    // ⚠️, and a new link to it fails at once, without a request.
    for a in &attacks {
        fake.wait_call("the attack's failure reaction", |c| {
            is_failure_reaction(c, *a)
        })
        .await;
    }
    let before = pages.hits("slow");
    let again = fake.send_message(CHANNEL, &person(312), &slow(99));
    fake.wait_call("the paused host's failure", |c| {
        is_failure_reaction(c, again)
    })
    .await;
    assert_eq!(pages.hits("slow"), before, "a paused host is not fetched");
    assert!(
        before < 9,
        "the pause spared some of the nine fetches: {before}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summarize_answers_privately_for_a_member_who_may_not_post_or_embed_here() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    // A member without "Embed Links" (or without "Send Messages") in the channel.
    for (n, perms) in [(1u64, 0x400 | 0x800), (2, 0x400 | 0x4000), (3, 0)] {
        let token = fake.slash_command(
            CHANNEL,
            &person(320 + n),
            "summarize",
            json!([{"name": "url", "type": 3, "value": pages.url("story")}]),
            perms,
        );
        let cb = fake
            .wait_call("the deferral", |c| callback_for(c, &token))
            .await;
        assert_eq!(
            cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
            64,
            "a private deferral for permissions {perms:#x}"
        );
        let fu = fake
            .wait_call("the brief", |c| followup_for(c, &token))
            .await;
        assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "private");
        assert_eq!(fu.body["embeds"].as_array().map(Vec::len), Some(1));
    }
    // The Summarize menu likewise.
    let target = fake_discord::message_json(
        fake.next_id(),
        CHANNEL,
        Some(fake_discord::GUILD_ID),
        person(330),
        &format!("read {}", pages.url("story2")),
        json!([]),
    );
    let token = fake.message_menu_with(CHANNEL, &person(331), "Summarize", target, 0x400 | 0x800);
    let cb = fake
        .wait_call("the menu's deferral", |c| callback_for(c, &token))
        .await;
    assert_eq!(cb.body["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    let fu = fake
        .wait_call("the menu's brief", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 64, "private");
    // With the rights, the menu answers in the channel.
    let target = fake_discord::message_json(
        fake.next_id(),
        CHANNEL,
        Some(fake_discord::GUILD_ID),
        person(330),
        &format!("read {}", pages.url("story3")),
        json!([]),
    );
    let token = fake.message_menu(CHANNEL, &person(332), "Summarize", target);
    let fu = fake
        .wait_call("the public menu brief", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["flags"].as_u64().unwrap_or(0) & 64, 0, "public");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_an_ignored_domain_is_not_briefed_even_from_the_cache() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    let domain = json!([{"name": "domain", "type": 3, "value": "127.0.0.1"}]);
    run_settings(&fake, &person(341), MANAGE_GUILD, "ignore", domain).await;
    // A shortener on an allowed name (localhost) sends the reader to the ignored one.
    let short = |page: &str| {
        let to = pages.url(page);
        format!(
            "{}?to={}",
            pages.url("go").replace("127.0.0.1", "localhost"),
            url_escape(&to)
        )
    };
    let redirected = fake.send_message(CHANNEL, &person(342), &short("story"));
    let barrier = fake.send_message(
        CHANNEL,
        &person(342),
        &pages.url("story2").replace("127.0.0.1", "localhost"),
    );
    fake.wait_call("the barrier's reply", |c| is_reply_to(c, barrier))
        .await;
    // Briefed for someone else (a command, which no ignore list governs), the brief is cached
    // with its redirect; pasted again, the cached brief is refused all the same.
    let token = fake.slash_command(
        CHANNEL,
        &person(343),
        "summarize",
        json!([{"name": "url", "type": 3, "value": short("story3")}]),
        MEMBER,
    );
    let fu = fake
        .wait_call("the command's brief", |c| followup_for(c, &token))
        .await;
    assert_eq!(fu.body["embeds"].as_array().map(Vec::len), Some(1));
    let hits = pages.hits("story3");
    let cached = fake.send_message(CHANNEL, &person(344), &short("story3"));
    let barrier = fake.send_message(
        CHANNEL,
        &person(345),
        &pages.url("story").replace("127.0.0.1", "localhost"),
    );
    fake.wait_call("the second barrier's reply", |c| is_reply_to(c, barrier))
        .await;
    let calls = fake.calls();
    assert!(
        replies_to(&calls, redirected).is_empty(),
        "a redirect to an ignored domain is not briefed"
    );
    assert!(
        replies_to(&calls, cached).is_empty(),
        "nor is its cached brief"
    );
    assert_eq!(pages.hits("story3"), hits, "the cached brief was used");
    bot.stop().await;
}

/// Percent-encodes a URL for a query value.
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_thread_lookup_is_not_remembered_and_counts_as_off() {
    let Setup {
        fake,
        pages,
        bot,
        _dir,
    } = setup().await;
    const THREAD: u64 = 600_000_000_000_000_111;
    const ON_THREAD: u64 = 600_000_000_000_000_112;
    fake.add_thread(THREAD, CHANNEL);
    fake.add_thread(ON_THREAD, OTHER_CHANNEL);
    let token = fake.slash_command(
        CHANNEL,
        &person(351),
        "autosummary",
        json!([choice(&fake, "autosummary", "mode", "off")]),
        MANAGE_CHANNELS,
    );
    fake.wait_call("the confirmation", |c| callback_for(c, &token))
        .await;
    // Discord fails the lookup of the thread (a 5xx): no brief, though the parent's switch
    // is unknown; then the lookup works and the parent's "off" holds.
    let lookup_of = |id: u64| move |c: &Call| c.is("GET", &format!("/channels/{id}"));
    fake.fail_channel_lookups(THREAD, 1);
    let during = fake.send_message(THREAD, &person(352), &pages.url("story"));
    fake.wait_call("the failed lookup", lookup_of(THREAD)).await;
    let after = fake.send_message(THREAD, &person(352), &pages.url("story3"));
    // A thread of a channel with auto-briefs on: off while the lookup fails, on once it works.
    fake.fail_channel_lookups(ON_THREAD, 1);
    let failed_on = fake.send_message(
        ON_THREAD,
        &person(353),
        &format!("{}?t=2", pages.url("story")),
    );
    fake.wait_call("the other failed lookup", lookup_of(ON_THREAD))
        .await;
    let answered = fake.send_message(
        ON_THREAD,
        &person(353),
        &format!("{}?t=1", pages.url("story")),
    );
    fake.wait_call("the thread's reply once the lookup works", |c| {
        is_reply_to(c, answered)
    })
    .await;
    let lookups = |calls: &[Call], id: u64| calls.iter().filter(|c| lookup_of(id)(c)).count();
    fake.wait_until("the second lookup of the first thread", |calls| {
        lookups(calls, THREAD) >= 2
    })
    .await;
    let calls = fake.calls();
    assert!(replies_to(&calls, during).is_empty(), "off while unknown");
    assert!(
        replies_to(&calls, failed_on).is_empty(),
        "off while unknown"
    );
    assert_eq!(
        lookups(&calls, THREAD),
        2,
        "the failed lookup was not remembered"
    );
    assert_eq!(lookups(&calls, ON_THREAD), 2);
    // The thread's parent is remembered once known: its "off" holds (checked last, after
    // everything above had time to be answered).
    let barrier = fake.send_message(OTHER_CHANNEL, &person(352), &pages.url("story2"));
    fake.wait_call("the barrier", |c| is_reply_to(c, barrier))
        .await;
    assert!(
        replies_to(&fake.calls(), after).is_empty(),
        "the parent's off holds"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_who_reacts_pays_for_the_brief_not_the_author() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.user_burst = 1;
        c.user_refill = Duration::from_secs(3600);
    })
    .await;
    let mode = sub_choice(&fake, "settings", "mode", "value", "reaction");
    run_settings(&fake, &person(361), MANAGE_GUILD, "mode", json!([mode])).await;
    let author = person(362);
    let first = fake.send_message(CHANNEL, &author, &pages.url("story"));
    let second = fake.send_message(CHANNEL, &author, &pages.url("story2"));
    for m in [first, second] {
        fake.wait_call("the offer", |c| is_reaction_to(c, CHANNEL, m))
            .await;
    }
    // One member asks for both: their one-link share pays for the first only.
    fake.add_reaction(CHANNEL, first, &person(363), "📰");
    fake.wait_call("the first brief", |c| is_reply_to(c, first))
        .await;
    fake.add_reaction(CHANNEL, second, &person(363), "📰");
    // Another member asks for the second: their own share pays for it.
    fake.add_reaction(CHANNEL, second, &person(364), "📰");
    fake.wait_call("the second brief", |c| is_reply_to(c, second))
        .await;
    assert_eq!(replies_to(&fake.calls(), second).len(), 1, "briefed once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn why_answers_from_the_cache_and_otherwise_charges_the_presser() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, &dir.path().join("b.db"), |c| {
        c.user_burst = 1;
        c.user_refill = Duration::from_secs(3600);
    })
    .await;
    // A short default length and a link that redirects: the card's link is the page's, and
    // its brief is cached under the short length.
    let length = sub_choice(&fake, "settings", "length", "value", "short");
    run_settings(&fake, &person(371), MANAGE_GUILD, "length", json!([length])).await;
    let link = format!("{}?to={}", pages.url("go"), url_escape(&pages.url("story")));
    let msg = fake.send_message(CHANNEL, &person(372), &link);
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    let button = reply.body["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let posted = |embeds: Value| {
        fake_discord::message_json(
            fake.next_id(),
            CHANNEL,
            Some(fake_discord::GUILD_ID),
            user(fake_discord::BOT_ID, "newsbrief", true),
            "",
            embeds,
        )
    };
    let token = fake.press_button(&person(373), posted(reply.body["embeds"].clone()), &button);
    let fu = fake
        .wait_call("the Why? answer", |c| followup_for(c, &token))
        .await;
    assert!(
        fu.body["content"].as_str().unwrap().contains("Early-stage"),
        "{}",
        fu.body
    );
    assert_eq!(pages.hits("story"), 1, "answered from the cache");
    // A card whose brief is not cached: the presser's share pays for it. Theirs is spent
    // (one link, on the message above), so nothing is fetched for them.
    let mut embeds = reply.body["embeds"].clone();
    embeds[0]["url"] = json!(pages.url("story3"));
    let token = fake.press_button(&person(372), posted(embeds.clone()), &button);
    let fu = fake
        .wait_call("the refusal", |c| followup_for(c, &token))
        .await;
    assert!(
        fu.body["content"].as_str().unwrap().contains("many briefs"),
        "{}",
        fu.body
    );
    assert_eq!(pages.hits("story3"), 0, "nothing fetched");
    // Someone with a share left gets it made.
    let token = fake.press_button(&person(374), posted(embeds), &button);
    let fu = fake
        .wait_call("the made answer", |c| followup_for(c, &token))
        .await;
    assert!(
        fu.body["content"].as_str().unwrap().contains("Early-stage"),
        "{}",
        fu.body
    );
    assert_eq!(pages.hits("story3"), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duplicate_memory_is_kept_in_redis_per_channel_and_checked_when_read() {
    let redis = servers::Redis::start().await;
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let with_redis = |c: &mut BotConfig| c.redis_url = Some(redis.url.clone());
    let link = pages.url("story");

    // One process briefs the link, with duplicates on.
    let bot = Bot::start(&fake, &db, with_redis).await;
    run_settings(
        &fake,
        &person(381),
        MANAGE_GUILD,
        "duplicates",
        json!([{"name": "hours", "type": 4, "value": 24}]),
    )
    .await;
    let first = fake.send_message(CHANNEL, &person(382), &link);
    let reply = fake.wait_call("the brief", |c| is_reply_to(c, first)).await;
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));
    let normalised = newsbrief::links::normalize_url(&link).unwrap().to_string();
    // Remembered once the reply is posted: wait (bounded) for the key.
    let deadline = std::time::Instant::now() + fake_discord::WAIT;
    let mut keys = redis.keys("newsbrief:v1:recent:*").await;
    while keys.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        keys = redis.keys("newsbrief:v1:recent:*").await;
    }
    assert_eq!(
        keys,
        vec![format!("newsbrief:v1:recent:{CHANNEL}:{normalised}")],
        "kept per channel and link"
    );
    bot.stop().await;

    // Someone who can write to Redis plants a jump link of CHANNEL under OTHER_CHANNEL's key.
    let planted = format!(
        "{} https://discord.com/channels/{}/{CHANNEL}/1",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        fake_discord::GUILD_ID
    );
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg(format!("newsbrief:v1:recent:{OTHER_CHANNEL}:{normalised}"))
        .arg(&planted)
        .query_async(&mut conn)
        .await
        .unwrap();

    // Another process (here: the bot started again, its memory empty) sees the same memory.
    let bot = Bot::start(&fake, &db, with_redis).await;
    let again = fake.send_message(CHANNEL, &person(383), &link);
    let reply = fake
        .wait_call("the jump link", |c| is_reply_to(c, again))
        .await;
    let content = reply.body["content"].as_str().unwrap_or("");
    assert!(
        content.contains(&format!(
            "https://discord.com/channels/{}/{CHANNEL}/{}",
            fake_discord::GUILD_ID,
            ""
        )),
        "{content}"
    );
    assert!(reply.body["embeds"].as_array().is_none_or(Vec::is_empty));
    // The planted value is refused: another channel's link never shows.
    let elsewhere = fake.send_message(OTHER_CHANNEL, &person(384), &link);
    let reply = fake
        .wait_call("the other channel's brief", |c| is_reply_to(c, elsewhere))
        .await;
    assert!(
        !reply.body.to_string().contains("discord.com/channels"),
        "{}",
        reply.body
    );
    assert_eq!(reply.body["embeds"].as_array().map(Vec::len), Some(1));
    bot.stop().await;
}
