//! A fleet: two `newsbrief bot` processes, each running half of the shards, sharing a real
//! PostgreSQL (settings) and a real Redis (briefs), all on 127.0.0.1, against the fake
//! Discord. The servers are Debian's `postgresql` and `redis-server`, started here with
//! throw-away data folders and free ports; without them these tests fail (never skip).
//! Also: both settings back ends migrate to the same schema, and a hanging Redis costs a
//! reply at most its operation timeout.

#[path = "support/fake_discord.rs"]
mod fake_discord;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/procs.rs"]
mod procs;
#[path = "support/servers.rs"]
mod servers;

use std::time::Duration;

use fake_discord::{is_reply_to, user, Call, FakeDiscord};
use newsbrief::store::Store;
use pages::Pages;
use procs::{BotProc, TOKEN};
use serde_json::{json, Value};
use servers::{Postgres, Redis};

const CHANNEL_A: u64 = 600_000_000_000_000_201;
const CHANNEL_B: u64 = 600_000_000_000_000_202;
const QUIET: u64 = 600_000_000_000_000_203;
const MANAGE_CHANNELS: u64 = 0x10;

fn has_embed(c: &Call) -> bool {
    c.body["embeds"].as_array().is_some_and(|e| !e.is_empty())
}

fn person(id: u64) -> Value {
    user(id, &format!("user{id}"), false)
}

/// Starts process `name` running shard `range` of 2 on the shared servers.
fn fleet_bot(
    name: &str,
    fake: &FakeDiscord,
    dir: &std::path::Path,
    range: &str,
    pg: &Postgres,
    redis: &Redis,
) -> BotProc {
    BotProc::spawn(
        name,
        &fake.base_url,
        dir,
        &[
            ("NEWSBRIEF_SHARDS", "2".into()),
            ("NEWSBRIEF_SHARD_RANGE", range.into()),
            ("NEWSBRIEF_DATABASE_URL", pg.url.clone()),
            ("NEWSBRIEF_REDIS_URL", redis.url.clone()),
        ],
    )
}

/// Sends a link on `shard` and waits for its reply with a brief.
async fn answered(fake: &FakeDiscord, shard: u32, channel: u64, who: u64, url: &str) -> u64 {
    let msg = fake.send_message_on(shard, channel, &person(who), url);
    let reply = fake
        .wait_call(&format!("the reply on shard {shard}"), |c| {
            is_reply_to(c, msg)
        })
        .await;
    assert!(has_embed(&reply), "{}", reply.body);
    msg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_settings_and_briefs_and_survive_losses() {
    let pg = Postgres::start().await;
    let mut redis = Redis::start().await;
    let fake = FakeDiscord::start(TOKEN).await;
    // Each page takes a moment, so both processes want the same link at the same time.
    let pages = Pages::start(Duration::from_millis(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut a = fleet_bot("a", &fake, dir.path(), "0..1", &pg, &redis);
    let b = fleet_bot("b", &fake, dir.path(), "1..2", &pg, &redis);
    fake.wait_open_shards(&[0, 1]).await;
    a.wait_log("commands registered").await;
    b.wait_log("commands registered").await;
    let mut seen = fake.identified();
    seen.sort_unstable();
    assert_eq!(seen, vec![[0, 2], [1, 2]]);

    // 1. The same link in channels served by both processes at once: fetched once.
    let url = pages.url("same");
    let on_a = fake.send_message_on(0, CHANNEL_A, &person(1), &url);
    let on_b = fake.send_message_on(1, CHANNEL_B, &person(2), &url);
    for msg in [on_a, on_b] {
        let reply = fake
            .wait_call("both replies", |c| is_reply_to(c, msg))
            .await;
        assert!(has_embed(&reply), "{}", reply.body);
    }
    assert_eq!(pages.hits("same"), 1, "one fetch for the whole fleet");
    let keys = redis.keys("newsbrief:*brief*").await;
    assert!(keys.iter().any(|k| k.ends_with("/same")), "{keys:?}");

    // 2. A setting changed through process a holds in process b.
    let token = fake.slash_command_on(
        0,
        QUIET,
        &person(3),
        "autosummary",
        json!([fake.command_choice("autosummary", "mode", "off")]),
        MANAGE_CHANNELS,
    );
    let cb = fake
        .wait_call("the confirmation", |c| {
            c.method == "POST" && c.path.ends_with(&format!("/{token}/callback"))
        })
        .await;
    assert!(
        cb.body["data"]["content"].as_str().unwrap().contains("off"),
        "{}",
        cb.body
    );
    let quiet = fake.send_message_on(1, QUIET, &person(4), &pages.url("quiet"));
    // The positive signal: a later message through the same process has been answered.
    answered(&fake, 1, CHANNEL_B, 4, &pages.url("probe")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !fake.calls().iter().any(|c| is_reply_to(c, quiet)),
        "process b answered in a channel process a turned off"
    );
    assert_eq!(pages.hits("quiet"), 0);
    let store = Store::open(&pg.url).await.unwrap();
    assert!(
        !store.autosummary(QUIET).await.unwrap(),
        "stored in PostgreSQL"
    );
    store.close().await;

    // 3. Redis stops mid-run: no reply is lost, and each process logs it once.
    redis.stop();
    for i in 0..3 {
        answered(
            &fake,
            0,
            CHANNEL_A,
            10 + i,
            &pages.url(&format!("down-a{i}")),
        )
        .await;
        answered(
            &fake,
            1,
            CHANNEL_B,
            20 + i,
            &pages.url(&format!("down-b{i}")),
        )
        .await;
    }
    for p in [&a, &b] {
        let down = p.logs().matches("Redis is unreachable").count();
        assert_eq!(down, 1, "{}: logged {down} times:\n{}", p.name, p.tail());
    }
    // ... and once it is back, the processes share again.
    redis.restart().await;
    let deadline = std::time::Instant::now() + procs::WAIT;
    let mut i = 0;
    while !(a.logs().contains("Redis is back") && b.logs().contains("Redis is back")) {
        assert!(std::time::Instant::now() < deadline, "Redis not used again");
        answered(&fake, 0, CHANNEL_A, 30, &pages.url(&format!("up-a{i}"))).await;
        answered(&fake, 1, CHANNEL_B, 31, &pages.url(&format!("up-b{i}"))).await;
        i += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let url = pages.url("again");
    let on_a = fake.send_message_on(0, CHANNEL_A, &person(40), &url);
    let on_b = fake.send_message_on(1, CHANNEL_B, &person(41), &url);
    for msg in [on_a, on_b] {
        fake.wait_call("both replies", |c| is_reply_to(c, msg))
            .await;
    }
    assert_eq!(pages.hits("again"), 1, "shared again after Redis came back");

    // 4. kill -9 of process a: process b keeps replying on its own shard.
    a.kill9().await;
    fake.wait_open_shards(&[1]).await;
    answered(&fake, 1, CHANNEL_B, 50, &pages.url("after-kill")).await;
    assert_eq!(pages.hits("after-kill"), 1);

    assert!(!a.logs().contains(TOKEN) && !b.logs().contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_back_ends_migrate_to_the_same_schema() {
    let pg = Postgres::start().await;
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let postgres = Store::open(&pg.url).await.unwrap();
    let (s, p) = (
        sqlite.schema().await.unwrap(),
        postgres.schema().await.unwrap(),
    );
    assert!(
        s.iter()
            .any(|(t, c, _)| t == "channel_settings" && c == "autosummary"),
        "{s:?}"
    );
    assert_eq!(
        s, p,
        "tables, columns and nullability differ between SQLite and PostgreSQL"
    );

    // The same calls behave the same on both, snowflakes above i64::MAX included.
    for store in [&sqlite, &postgres] {
        assert!(store.autosummary(u64::MAX).await.unwrap(), "on by default");
        store
            .set_autosummary(u64::MAX, Some(7), false)
            .await
            .unwrap();
        assert!(!store.autosummary(u64::MAX).await.unwrap());
        store.set_autosummary(u64::MAX, None, true).await.unwrap();
        assert!(store.autosummary(u64::MAX).await.unwrap());
        assert!(store.ping().await);
    }
    // Opening again (another process starting) runs no migration twice.
    let again = Store::open(&pg.url).await.unwrap();
    assert!(again.autosummary(u64::MAX).await.unwrap());
    for s in [sqlite, postgres, again] {
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_redis_costs_at_most_the_operation_timeout_then_recovers() {
    use newsbrief::shared::{SharedCache, OP_TIMEOUT, RETRY_AFTER};
    use std::time::Instant;
    let redis = Redis::start().await;
    let shared =
        SharedCache::new(&redis.url, Duration::from_secs(60), Duration::from_secs(1)).unwrap();
    // A real brief key: entries stored under other keys are not read back.
    let k = &SharedCache::key("https://news.example/k", None);
    let brief = newsbrief::Brief {
        title: Some("kept".into()),
        ..Default::default()
    };
    shared.put(k, &brief).await;
    assert_eq!(
        shared.get(k).await.and_then(|b| b.title).as_deref(),
        Some("kept")
    );

    // Another client makes the server hang for 1.5 s.
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut other = client.get_multiplexed_async_connection().await.unwrap();
    let hang = tokio::spawn(async move {
        let _: redis::RedisResult<String> = redis::cmd("DEBUG")
            .arg("SLEEP")
            .arg("1.5")
            .query_async(&mut other)
            .await;
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert!(
        shared.get(k).await.is_none(),
        "a hanging Redis answers nothing"
    );
    let took = started.elapsed();
    assert!(took < OP_TIMEOUT * 3, "waited {took:?}");
    // Left alone for a while: no new wait at all.
    let started = Instant::now();
    assert!(shared.get(k).await.is_none());
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "{:?}",
        started.elapsed()
    );

    hang.await.unwrap();
    tokio::time::sleep(RETRY_AFTER).await;
    let deadline = Instant::now() + procs::WAIT;
    while shared.get(k).await.is_none() {
        assert!(Instant::now() < deadline, "Redis not used again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_lock_is_taken_once_and_released_only_by_its_holder() {
    use newsbrief::shared::{Lock, SharedCache};
    let redis = Redis::start().await;
    let new = || SharedCache::new(&redis.url, Duration::from_secs(60), Duration::from_secs(5));
    let k = &SharedCache::key("https://news.example/k", None);
    let (a, b) = (new().unwrap(), new().unwrap());
    assert_eq!(a.lock(k).await, Lock::Acquired);
    assert_eq!(b.lock(k).await, Lock::Held, "one holder at a time");
    b.unlock(k).await;
    assert_eq!(b.lock(k).await, Lock::Held, "only the holder releases it");
    // The waiter sees the holder's brief as soon as it is stored.
    let key = k.clone();
    let waiting = tokio::spawn(async move { b.wait_for(&key).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let brief = newsbrief::Brief {
        title: Some("made by a".into()),
        ..Default::default()
    };
    a.put(k, &brief).await;
    a.unlock(k).await;
    let got = waiting.await.unwrap().expect("the holder's brief");
    assert_eq!(got.title.as_deref(), Some("made by a"));
    assert_eq!(a.lock(k).await, Lock::Acquired, "released by its holder");
}
