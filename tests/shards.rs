//! Sharding and operations, through the real binary against the fake Discord on 127.0.0.1:
//! `NEWSBRIEF_SHARDS=auto` opens Discord's recommended count, `N` with `a..b` opens exactly
//! shards a..b-1 (the IDENTIFY payloads' `shard` field says so), bad values stop the bot at
//! start naming the variable, SIGTERM closes only the process's own shards, and
//! `NEWSBRIEF_METRICS_ADDR` serves `/healthz` and `/metrics`.

#[path = "support/fake_discord.rs"]
mod fake_discord;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/procs.rs"]
mod procs;

use std::time::Duration;

use fake_discord::{is_reply_to, user, FakeDiscord};
use pages::Pages;
use procs::{BotProc, TOKEN};

const CHANNEL: u64 = 600_000_000_000_000_101;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_opens_the_recommended_number_of_shards_and_logs_each() {
    let fake = FakeDiscord::start(TOKEN).await;
    fake.recommend_shards(2);
    let dir = tempfile::tempdir().unwrap();
    let mut bot = BotProc::spawn("auto", &fake.base_url, dir.path(), &[]);
    fake.wait_open_shards(&[0, 1]).await;
    let mut seen = fake.identified();
    seen.sort_unstable();
    assert_eq!(seen, vec![[0, 2], [1, 2]], "one IDENTIFY per shard of 2");
    bot.wait_log("shard 0 ready").await;
    bot.wait_log("shard 1 ready").await;
    bot.wait_log("running shards 0..2 of 2").await;

    // A dropped connection is resumed, and that is logged with the shard's id.
    let newest = fake.identified().last().unwrap()[0];
    fake.drop_gateway(4000);
    bot.wait_log(&format!("shard {newest} resumed its session"))
        .await;
    // ... and its stage back to connected, a second time.
    let connected = format!("shard {newest} connected");
    let deadline = std::time::Instant::now() + procs::WAIT;
    while bot.logs().matches(&connected).count() < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", bot.tail());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fake.wait_open_shards(&[0, 1]).await;

    let status = bot.terminate().await;
    assert!(status.success(), "{status}; logs:\n{}", bot.tail());
    fake.wait_open_shards(&[]).await;
    assert!(!bot.logs().contains(TOKEN), "the token reached the logs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_opens_exactly_its_shards_and_shutdown_closes_only_them() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let shards = |range: &str| {
        vec![
            ("NEWSBRIEF_SHARDS", "4".to_string()),
            ("NEWSBRIEF_SHARD_RANGE", range.to_string()),
        ]
    };
    let mut a = BotProc::spawn("a", &fake.base_url, dir.path(), &shards("1..3"));
    let mut b = BotProc::spawn("b", &fake.base_url, dir.path(), &shards("0..1"));
    fake.wait_open_shards(&[0, 1, 2]).await;
    // serenity starts one shard every 5 s: had a third shard been queued in `a` (the range's
    // end taken as inclusive), it would have identified by now.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let mut seen = fake.identified();
    seen.sort_unstable();
    assert_eq!(
        seen,
        vec![[0, 4], [1, 4], [2, 4]],
        "exactly shards 1 and 2 in a, 0 in b, each of 4"
    );
    assert_eq!(fake.open_shards(), vec![0, 1, 2]);

    // SIGTERM to `a` closes shards 1 and 2; `b` keeps shard 0 and still answers.
    let status = a.terminate().await;
    assert!(status.success(), "{status}; logs:\n{}", a.tail());
    fake.wait_open_shards(&[0]).await;
    let pages = Pages::start(Duration::ZERO).await;
    let msg = fake.send_message_on(0, CHANNEL, &user(42, "reader", false), &pages.url("story"));
    fake.wait_call("b's reply", |c| is_reply_to(c, msg)).await;
    assert_eq!(b.terminate().await.code(), Some(0), "{}", b.tail());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_shard_settings_stop_the_bot_naming_the_variable() {
    for (env, var) in [
        (vec![("NEWSBRIEF_SHARDS", "zero")], "NEWSBRIEF_SHARDS"),
        (vec![("NEWSBRIEF_SHARDS", "0")], "NEWSBRIEF_SHARDS"),
        (
            vec![("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "2..6")],
            "NEWSBRIEF_SHARD_RANGE",
        ),
        (
            vec![("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "3..3")],
            "NEWSBRIEF_SHARD_RANGE",
        ),
        (
            vec![("NEWSBRIEF_SHARDS", "4"), ("NEWSBRIEF_SHARD_RANGE", "3..1")],
            "NEWSBRIEF_SHARD_RANGE",
        ),
        (
            vec![("NEWSBRIEF_SHARD_RANGE", "a..b")],
            "NEWSBRIEF_SHARD_RANGE",
        ),
        (
            vec![("NEWSBRIEF_METRICS_ADDR", "nowhere")],
            "NEWSBRIEF_METRICS_ADDR",
        ),
        (
            vec![("NEWSBRIEF_REDIS_URL", "http://x")],
            "NEWSBRIEF_REDIS_URL",
        ),
    ] {
        let (code, stderr) = tokio::task::spawn_blocking(move || procs::run_to_end(None, &env))
            .await
            .unwrap();
        assert_eq!(code, Some(1), "{var}: {stderr}");
        assert!(stderr.contains(var), "{var} not named: {stderr}");
    }

    // With `auto` the range is checked against Discord's recommendation, still at start.
    let fake = FakeDiscord::start(TOKEN).await;
    fake.recommend_shards(2);
    let proxy = fake.base_url.clone();
    let (code, stderr) = tokio::task::spawn_blocking(move || {
        procs::run_to_end(Some(&proxy), &[("NEWSBRIEF_SHARD_RANGE", "1..3")])
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("NEWSBRIEF_SHARD_RANGE") && stderr.contains("<= 2"),
        "{stderr}"
    );
    assert!(fake.identified().is_empty(), "no shard was started");
}

/// `GET http://addr/path` → (status, body), over loopback.
async fn get(addr: &str, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_follows_the_shards_and_metrics_count_the_work() {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let mut bot = BotProc::spawn(
        "ops",
        &fake.base_url,
        dir.path(),
        &[
            ("NEWSBRIEF_METRICS_ADDR", "127.0.0.1:0".into()),
            ("NEWSBRIEF_SHARDS", "1".into()),
        ],
    );
    let line = bot.wait_log("health and metrics on http://").await;
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    fake.wait_registered(0).await;
    fake.wait_open_shards(&[0]).await;
    // The shard's stage reaches "connected" in serenity just after READY.
    let deadline = std::time::Instant::now() + procs::WAIT;
    loop {
        let (status, body) = get(&addr, "/healthz").await;
        if status == 200 {
            assert!(body.contains("1 of 1 shards connected"), "{body}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{status} {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let person = user(7, "reader", false);
    let first = fake.send_message(CHANNEL, &person, &pages.url("story"));
    fake.wait_call("the reply", |c| is_reply_to(c, first)).await;
    let again = fake.send_message(CHANNEL + 1, &person, &pages.url("story"));
    fake.wait_call("the cached reply", |c| is_reply_to(c, again))
        .await;
    let broken = fake.send_message(CHANNEL + 2, &person, "http://127.0.0.1:1/nothing-here");
    // A failed auto-brief is never posted: the message gets a ⚠️ reaction.
    fake.wait_call("the ⚠️ reaction", |c| {
        c.method == "PUT" && c.path.contains(&format!("/messages/{broken}/reactions/"))
    })
    .await;
    // The reply histogram is recorded just after each reply is sent: poll briefly.
    let deadline = std::time::Instant::now() + procs::WAIT;
    let text = loop {
        let (status, text) = get(&addr, "/metrics").await;
        assert_eq!(status, 200);
        if text.contains("newsbrief_reply_seconds_count 2") {
            break text;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for line in [
        "newsbrief_briefs_made_total 1",
        "newsbrief_cache_hits_total{layer=\"local\"} 1",
        "newsbrief_fetch_errors_total{kind=\"connect\"} 1",
        "newsbrief_fetch_seconds_count 1",
        "newsbrief_shards_connected 1",
        "newsbrief_fetch_queue_depth 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing:\n{text}");
    }

    // No gateway: the shard cannot come back, and /healthz says so.
    fake.refuse_connections(true);
    fake.drop_gateway(4000);
    fake.wait_open_shards(&[]).await;
    let deadline = std::time::Instant::now() + procs::WAIT;
    loop {
        let (status, body) = get(&addr, "/healthz").await;
        if status == 503 {
            assert!(body.contains("0 of 1 shards connected"), "{body}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{status} {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    fake.refuse_connections(false);
    fake.wait_open_shards(&[0]).await;
    let deadline = std::time::Instant::now() + procs::WAIT;
    while get(&addr, "/healthz").await.0 != 200 {
        assert!(std::time::Instant::now() < deadline, "healthy again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(bot.terminate().await.success(), "{}", bot.tail());
}
