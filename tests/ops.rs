//! Operations hardening (issue 22): strict boolean and duration settings, secrets kept out of
//! logs and errors, the gateway URL a proxy hands out, untrusted shared-cache entries in a
//! real Redis, and the settings database (a real PostgreSQL) going away mid-run.
//!
//! The Redis and PostgreSQL servers are Debian's `redis-server` and `postgresql`, started here
//! on 127.0.0.1 with throw-away data (`tools/test-deps.sh` installs them when missing).

#[path = "support/fake_discord.rs"]
mod fake_discord;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/procs.rs"]
mod procs;
#[path = "support/servers.rs"]
mod servers;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_discord::{is_reply_to, user, FakeDiscord};
use newsbrief::cache::{BriefService, CacheConfig};
use newsbrief::fetch::FetchConfig;
use newsbrief::shared::SharedCache;
use newsbrief::store::Store;
use newsbrief::{Brief, Engine, Settings};
use pages::Pages;
use procs::{BotProc, TOKEN};
use serde_json::{json, Value};
use servers::{free_port, Postgres, Redis};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/example-article.html");

/// Runs the CLI with only `env` set, in `dir`; returns (exit code, stdout, stderr).
fn cli(
    args: &[&str],
    env: &[(&str, &str)],
    dir: &std::path::Path,
) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsbrief"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run newsbrief");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---- finding 10: strict booleans, bounded durations ------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_boolean_is_refused_instead_of_opening_the_address_guard() {
    let pages = Pages::start(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let page = pages.url("guarded");
    let run = |value: &str| {
        cli(
            &["summarize", &page],
            &[("NEWSBRIEF_ALLOW_PRIVATE_HOSTS", value)],
            dir.path(),
        )
    };
    // Typos and words outside the list: a clear usage error, and nothing fetched.
    for bad in ["flase", "disabled", "enabled", "nope", "2"] {
        let (code, _, err) = run(bad);
        assert_eq!(code, Some(2), "{bad:?}: {err}");
        assert!(
            err.contains(bad) && err.contains("true or false"),
            "{bad:?}: {err}"
        );
    }
    assert_eq!(pages.hits("guarded"), 0, "a typo opened the address guard");
    // Off, in any accepted spelling: the guard refuses loopback.
    for off in ["false ", "False", "0", "no", "OFF", " off "] {
        let (code, _, err) = run(off);
        assert_eq!(code, Some(1), "{off:?}: {err}");
        assert!(err.contains("refused to fetch"), "{off:?}: {err}");
    }
    assert_eq!(pages.hits("guarded"), 0);
    // On, in any accepted spelling.
    for on in [" TRUE", "1", "yes", "On"] {
        let (code, out, err) = run(on);
        assert_eq!(code, Some(0), "{on:?}: {err}");
        assert!(out.contains("China Telecom"), "{on:?}: {out}");
    }
}

#[test]
fn a_huge_duration_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, env) in [
        ("--timeout", "NEWSBRIEF_TIMEOUT"),
        ("--connect-timeout", "NEWSBRIEF_CONNECT_TIMEOUT"),
    ] {
        for value in ["1e30", "3000000", "inf"] {
            let (code, _, err) = cli(&["summarize", EXAMPLE], &[(env, value)], dir.path());
            assert_eq!(code, Some(2), "{env}={value}: {err}");
            assert!(err.contains(flag) && err.contains("30 days"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
            let (code, _, err) = cli(&["summarize", flag, value, EXAMPLE], &[], dir.path());
            assert_eq!(code, Some(2), "{flag} {value}: {err}");
        }
    }
    // Every duration of the bot: refused at start, naming the variable, before Discord.
    for var in [
        "NEWSBRIEF_CACHE_TTL_SECS",
        "NEWSBRIEF_COMMAND_COOLDOWN_SECS",
        "NEWSBRIEF_CHANNEL_REFILL_SECS",
        "NEWSBRIEF_FETCH_WAIT_SECS",
        "NEWSBRIEF_FAILURE_TTL_SECS",
        "NEWSBRIEF_USER_REFILL_SECS",
        "NEWSBRIEF_SERVER_REFILL_SECS",
        "NEWSBRIEF_SHUTDOWN_GRACE_SECS",
        "NEWSBRIEF_DISCORD_TIMEOUT_SECS",
        "NEWSBRIEF_REDIS_WAIT_SECS",
    ] {
        let (code, err) = procs::run_to_end(Some("http://127.0.0.1:9"), &[(var, "1e30")]);
        assert_eq!(code, Some(1), "{var}: {err}");
        assert!(err.contains(var) && err.contains("30 days"), "{var}: {err}");
        assert!(!err.contains("panicked"), "{var}: {err}");
    }
}

// ---- finding 9: secrets ------------------------------------------------------------------------

#[test]
fn a_broken_env_line_is_reported_by_its_number_not_its_content() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "# newsbrief\nNEWSBRIEF_LINKS_PER_MESSAGE=3\nDISCORD_TOKEN=\"MTAx.env-Secret-Token-Value\nRUST_LOG=info\n",
    )
    .unwrap();
    let (code, _, err) = cli(&["summarize", EXAMPLE], &[], dir.path());
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(!err.contains("env-Secret-Token-Value"), "{err}");
}

#[test]
fn an_unparsable_proxy_url_is_not_echoed() {
    for proxy in [
        "http://bot:pw#Proxy-Secret-9@127.0.0.1:3000",
        "https://bot:pw/Proxy-Secret-9@proxy.example:99999",
        "https://proxy.example:99999/?token=Proxy-Secret-9",
    ] {
        let err = newsbrief::bot::BotConfig::from_lookup(|name| match name {
            "DISCORD_TOKEN" => Some("t".into()),
            "DISCORD_PROXY_URL" => Some(proxy.into()),
            _ => None,
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("DISCORD_PROXY_URL"), "{err}");
        assert!(!err.contains("Proxy-Secret-9"), "{proxy}: {err}");
    }
}

/// Sends `url` from a fresh person in `channel` and waits for a reply with a brief.
async fn answered(fake: &FakeDiscord, channel: u64, who: u64, url: &str) {
    let msg = fake.send_message(channel, &user(who, &format!("user{who}"), false), url);
    let reply = fake.wait_call("the reply", |c| is_reply_to(c, msg)).await;
    assert!(
        reply.body["embeds"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{}",
        reply.body
    );
}

/// Whether a message gets no reply: another message sent after it in `probe_channel` is
/// answered first, and a little more time passes.
async fn unanswered(fake: &FakeDiscord, msg: u64, probe_channel: u64, who: u64, probe_url: &str) {
    answered(fake, probe_channel, who, probe_url).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !fake.calls().iter().any(|c| is_reply_to(c, msg)),
        "message {msg} was answered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_links_are_logged_without_their_query_string() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let bot = BotProc::spawn("q", &fake.base_url, dir.path(), &[]);
    bot.wait_log("commands registered").await;
    // A link that fails (nothing listens there): its failure is logged at info.
    let closed = free_port();
    let link =
        format!("http://127.0.0.1:{closed}/story?session=Query-Secret-77&id=1#Frag-Secret-77");
    fake.send_message(
        600_000_000_000_000_301,
        &user(70, "poster", false),
        &format!("look {link}"),
    );
    let line = bot.wait_log("brief failed").await;
    assert!(
        line.contains(&format!("127.0.0.1:{closed}/story")),
        "{line}"
    );
    let logs = bot.logs();
    assert!(!logs.contains("Query-Secret-77"), "{logs}");
    assert!(!logs.contains("Frag-Secret-77"), "{logs}");
}

// ---- finding 11: the gateway URL a proxy hands out -------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_ws_gateway_off_loopback_is_refused_before_the_token_is_sent() {
    let fake = FakeDiscord::start(TOKEN).await;
    let port = fake.base_url.rsplit(':').next().unwrap().to_string();
    // 0.0.0.0 reaches this machine's listeners but is not loopback: a stand-in for a gateway
    // across the network, which no test may reach.
    fake.set_gateway_url(&format!("ws://0.0.0.0:{port}/gateway"));
    let dir = tempfile::tempdir().unwrap();
    let mut bot = BotProc::spawn("gw", &fake.base_url, dir.path(), &[]);
    let status = bot.wait_exit().await;
    assert!(!status.success(), "{}", bot.tail());
    let logs = bot.logs();
    assert!(logs.contains("wss://"), "{logs}");
    assert!(
        fake.identified().is_empty(),
        "the token went to a ws:// gateway"
    );
    assert!(!logs.contains(TOKEN));
}

// ---- finding 3: untrusted shared-cache entries -------------------------------------------------

fn engine() -> Engine {
    Engine::new(&Settings {
        fetch: FetchConfig {
            allow_private_hosts: true,
            ..FetchConfig::default()
        },
        ..Settings::default()
    })
    .unwrap()
}

async fn redis_set(redis: &Redis, key: &str, value: Vec<u8>) {
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("SET")
        .arg(key)
        .arg(value)
        .query_async(&mut c)
        .await
        .unwrap();
}

async fn redis_get(redis: &Redis, key: &str) -> Vec<u8> {
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut c)
        .await
        .unwrap()
}

/// A brief service of a fresh process (empty local cache) on the shared Redis.
fn service(redis: &Redis, gauge: &prometheus::IntGauge) -> BriefService {
    let shared = SharedCache::new(&redis.url, Duration::from_secs(60), Duration::from_secs(1))
        .unwrap()
        .with_gauge(gauge.clone());
    BriefService::new(engine(), &CacheConfig::default()).with_shared(Arc::new(shared))
}

fn poisoned_brief(url: &str) -> Value {
    json!({
        "url": url, "title": "Pwned: written straight into Redis", "site": "attacker",
        "byline": null, "published": null, "language": "en", "kind": "news",
        "text": "The attacker's main text.", "summary": ["Click the link."], "actors": [],
        "status": [], "stats": {"words": 4, "sentences": 1, "summary_words": 3, "reading_minutes": 0.1}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poisoned_redis_entry_is_refused_and_a_capped_one_loses_its_text() {
    let redis = Redis::start().await;
    let pages = Pages::start(Duration::ZERO).await;
    let gauge = prometheus::IntGauge::new("up", "up").unwrap();
    let real_title = "U.S. probing China Telecom";

    // 1. A brief written straight into Redis under a link's key (as the review did): the
    //    link's card must not show it; the page is fetched and briefed here instead.
    let url = pages.url("plain");
    let key = SharedCache::key(&url, None);
    redis_set(
        &redis,
        &key,
        poisoned_brief("https://attacker.example/")
            .to_string()
            .into_bytes(),
    )
    .await;
    let b = service(&redis, &gauge).brief(&url, None).await.unwrap();
    assert!(
        b.title.as_deref().unwrap().starts_with(real_title),
        "{:?}",
        b.title
    );
    assert_eq!(pages.hits("plain"), 1);

    // 2. A real entry of one link copied under another link's key: refused.
    let a = pages.url("a");
    let c = pages.url("c");
    service(&redis, &gauge).brief(&a, None).await.unwrap();
    let stored = redis_get(&redis, &SharedCache::key(&a, None)).await;
    assert!(!stored.is_empty());
    let entry: Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(entry["url"].as_str(), Some(a.as_str()), "{entry}");
    assert_eq!(entry["brief"]["text"], "", "the main text is not shared");
    redis_set(&redis, &SharedCache::key(&c, None), stored).await;
    let b = service(&redis, &gauge).brief(&c, None).await.unwrap();
    assert!(b.url.as_deref().unwrap().ends_with("/c"), "{:?}", b.url);
    assert_eq!(
        pages.hits("c"),
        1,
        "fetched, not taken from another link's entry"
    );

    // 3. Entries of the right shape for the right key, but too large or linking elsewhere
    //    than the web, or a key of another type: refused (and Redis is not taken for down).
    let huge = pages.url("huge");
    let mut brief = poisoned_brief(&huge);
    brief["title"] = json!("x".repeat(600 * 1024));
    redis_set(
        &redis,
        &SharedCache::key(&huge, None),
        json!({"url": huge, "brief": brief})
            .to_string()
            .into_bytes(),
    )
    .await;
    let js = pages.url("js");
    redis_set(
        &redis,
        &SharedCache::key(&js, None),
        json!({"url": js, "brief": poisoned_brief("javascript:alert(1)")})
            .to_string()
            .into_bytes(),
    )
    .await;
    let list = pages.url("list");
    {
        let client = redis::Client::open(redis.url.as_str()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let _: i64 = redis::cmd("LPUSH")
            .arg(SharedCache::key(&list, None))
            .arg("x")
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    for name in ["huge", "js", "list"] {
        let b = service(&redis, &gauge)
            .brief(&pages.url(name), None)
            .await
            .unwrap();
        assert!(
            b.title.as_deref().unwrap().starts_with(real_title),
            "{name}: {:?}",
            b.title
        );
        assert_eq!(pages.hits(name), 1, "{name}");
    }
    assert_eq!(gauge.get(), 1, "Redis answered all along");

    // 4. An entry of the right shape within the size bound: used, but with the caps of a
    //    fresh brief and no main text.
    let capped = pages.url("capped");
    let mut brief = poisoned_brief(&capped);
    brief["title"] = json!("T ".repeat(50_000));
    brief["summary"] = json!(vec!["A sentence."; 500]);
    redis_set(
        &redis,
        &SharedCache::key(&capped, None),
        json!({"url": capped, "brief": brief})
            .to_string()
            .into_bytes(),
    )
    .await;
    let b: Arc<Brief> = service(&redis, &gauge).brief(&capped, None).await.unwrap();
    assert_eq!(pages.hits("capped"), 0, "a valid entry is used");
    assert!(b.title.as_deref().unwrap().chars().count() <= newsbrief::brief::TITLE_MAX_CHARS);
    assert!(b.summary.len() <= newsbrief::brief::SUMMARY_MAX_SENTENCES);
    assert!(b.text.is_empty());
}

// ---- finding 12: the settings database going away mid-run --------------------------------------

const LOUD: u64 = 600_000_000_000_000_401;
const QUIET: u64 = 600_000_000_000_000_402;
const FRESH: u64 = 600_000_000_000_000_403;
const PROBE: u64 = 600_000_000_000_000_404;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_go_on_while_postgres_is_away_and_settings_return_with_it() {
    let mut pg = Postgres::start().await;
    let store = Store::open(&pg.url).await.unwrap();
    store.set_autosummary(QUIET, None, false).await.unwrap();
    store.close().await;
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let bot = BotProc::spawn(
        "pg",
        &fake.base_url,
        dir.path(),
        &[("NEWSBRIEF_DATABASE_URL", pg.url.clone())],
    );
    bot.wait_log("commands registered").await;
    let mut who = 1_000;
    let mut next = || {
        who += 1;
        who
    };

    // Before: the settings come from PostgreSQL (QUIET is off).
    answered(&fake, LOUD, next(), &pages.url("before")).await;
    let quiet = fake.send_message(QUIET, &user(next(), "q", false), &pages.url("q0"));
    unanswered(&fake, quiet, LOUD, next(), &pages.url("probe0")).await;

    // PostgreSQL goes away: replies go on, with the settings read before (QUIET stays off)
    // and the defaults for channels never read (FRESH is on).
    pg.stop();
    for i in 0..3 {
        answered(&fake, LOUD, next(), &pages.url(&format!("down-loud{i}"))).await;
        answered(
            &fake,
            FRESH + 10 * i,
            next(),
            &pages.url(&format!("down-fresh{i}")),
        )
        .await;
    }
    let quiet = fake.send_message(QUIET, &user(next(), "q", false), &pages.url("q1"));
    unanswered(&fake, quiet, LOUD, next(), &pages.url("probe1")).await;
    let logs = bot.logs();
    assert_eq!(
        logs.matches("cannot be reached").count(),
        1,
        "the outage is logged once:\n{}",
        bot.tail()
    );
    assert!(!logs.contains("ERROR"), "{}", bot.tail());

    // It comes back (with a change made meanwhile by another process): read again.
    pg.restart().await;
    let store = Store::open(&pg.url).await.unwrap();
    store.set_autosummary(LOUD, None, false).await.unwrap();
    store.close().await;
    let deadline = Instant::now() + procs::WAIT;
    let mut i = 0;
    while !bot.logs().contains("is back: settings are read") {
        assert!(Instant::now() < deadline, "never back:\n{}", bot.tail());
        answered(&fake, PROBE, next(), &pages.url(&format!("up{i}"))).await;
        i += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let loud = fake.send_message(LOUD, &user(next(), "l", false), &pages.url("after"));
    unanswered(&fake, loud, PROBE, next(), &pages.url("probe2")).await;
    assert_eq!(
        bot.logs().matches("is back: settings are read").count(),
        1,
        "{}",
        bot.tail()
    );
    assert_eq!(pages.hits("after"), 0);
}

// ---- the test command ----------------------------------------------------------------------------

/// `tools/test-deps.sh` on a machine where it cannot install (no `apt-get`) and the tests' needs
/// are missing: it says what to install and stops before building anything.
#[test]
fn the_test_command_says_what_to_install_before_building_anything() {
    let bin = tempfile::tempdir().unwrap();
    let marker = bin.path().join("cargo-was-called");
    // A PATH with a shell and the few tools the script itself uses, a cargo that only
    // records being called, and none of the tests' needs (nor apt-get or sudo).
    for tool in ["bash", "dirname", "id", "grep"] {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| std::path::Path::new(d).join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{tool} not found"));
        std::os::unix::fs::symlink(found, bin.path().join(tool)).unwrap();
    }
    let cargo = bin.path().join("cargo");
    std::fs::write(
        &cargo,
        format!("#!/bin/sh\necho called > '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = Command::new(bin.path().join("bash"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/test-deps.sh"))
        .env_clear()
        .env("PATH", bin.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for pkg in [
        "redis-server",
        "chromium",
        "fonts-noto-core",
        "fonts-noto-color-emoji",
    ] {
        assert!(err.contains(pkg), "{pkg} not named: {err}");
    }
    assert!(err.contains("Nothing was built"), "{err}");
    assert!(!marker.exists(), "cargo ran before the needs were met");
}
