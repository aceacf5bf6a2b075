//! Fleet benchmark: two `newsbrief bot` processes (one shard of two each) sharing a real
//! PostgreSQL and Redis, against one process with no Redis (SQLite, one shard, then two
//! shards) and against the same two processes without Redis, in the same run.
//!
//! usage: cargo bench --bench fleet [-- [MESSAGES] [URLS] [RATE]]
//!
//! MESSAGES (default 1,000) link messages carrying URLS (default 50) distinct pages from a
//! page server on 127.0.0.1 (each page answers after 20 ms) are sent through the fake
//! Discord at RATE messages a second (default 100), message `i` (URL `i mod URLS`) on shard
//! `(i / URLS) mod shards` so that every URL reaches every shard, each
//! in its own channel from its own user (so pacing and fair shares never delay one; the
//! server share is switched off). Reported per set-up: pages fetched (goal: one per URL),
//! message-to-reply latency p50/p99 over all messages and over the messages after the first
//! 100 (by then every brief is cached somewhere; goal p99 <= 100 ms), and each process's
//! peak resident memory (VmHWM). Needs Debian's `postgresql` and `redis-server`.

#[path = "../tests/support/fake_discord.rs"]
mod fake_discord;

mod common;
#[path = "../tests/support/pages.rs"]
mod pages;
#[path = "../tests/support/procs.rs"]
mod procs;
#[path = "../tests/support/servers.rs"]
mod servers;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fake_discord::{user, FakeDiscord};
use pages::Pages;
use procs::{BotProc, TOKEN};
use servers::{Postgres, Redis};

const CHANNEL: u64 = 610_000_000_000_000_000;
/// Time the processes are left alone after start-up.
const SETTLE: Duration = Duration::from_secs(1);

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let messages = args.first().copied().unwrap_or(1_000);
    let urls = args.get(1).copied().unwrap_or(50).max(1);
    let rate = args.get(2).copied().unwrap_or(100).max(1);
    let rt = common::runtime();
    rt.block_on(async {
        println!("{messages} messages, {urls} distinct URLs, {rate} messages/s");
        let pg = Postgres::start().await;
        let redis = Redis::start().await;
        let single = Setup {
            label: "one process, no Redis (SQLite)",
            shards: 1,
            procs: vec![vec![("NEWSBRIEF_SHARDS", "1".to_string())]],
        };
        // The same process with two shards: how much of the difference is the shards alone.
        let single_two = Setup {
            label: "one process with two shards, no Redis (SQLite)",
            shards: 2,
            procs: vec![vec![("NEWSBRIEF_SHARDS", "2".to_string())]],
        };
        let fleet_env = |range: &str| {
            vec![
                ("NEWSBRIEF_SHARDS", "2".to_string()),
                ("NEWSBRIEF_SHARD_RANGE", range.to_string()),
                ("NEWSBRIEF_DATABASE_URL", pg.url.clone()),
                ("NEWSBRIEF_REDIS_URL", redis.url.clone()),
            ]
        };
        let fleet = Setup {
            label: "two processes, PostgreSQL + Redis",
            shards: 2,
            procs: vec![fleet_env("0..1"), fleet_env("1..2")],
        };
        // What Redis buys: the same fleet with each process on its own cache.
        let no_redis = |range: &str| {
            let mut env = fleet_env(range);
            env.retain(|(k, _)| *k != "NEWSBRIEF_REDIS_URL");
            env
        };
        let fleet_alone = Setup {
            label: "two processes, PostgreSQL, no Redis",
            shards: 2,
            procs: vec![no_redis("0..1"), no_redis("1..2")],
        };
        for setup in [single, single_two, fleet, fleet_alone] {
            run(&setup, messages, urls, rate).await;
        }
    });
}

struct Setup {
    label: &'static str,
    shards: u32,
    procs: Vec<Vec<(&'static str, String)>>,
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

async fn run(setup: &Setup, messages: usize, urls: usize, rate: usize) {
    let fake = FakeDiscord::start(TOKEN).await;
    let pages = Pages::start(Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let common = [
        ("NEWSBRIEF_USER_BURST", "0".to_string()),
        ("NEWSBRIEF_SERVER_BURST", "0".to_string()),
        ("RUST_LOG", "warn".to_string()),
    ];
    let mut bots: Vec<BotProc> = setup
        .procs
        .iter()
        .enumerate()
        .map(|(i, env)| {
            let mut env = env.clone();
            env.extend(common.iter().cloned());
            BotProc::spawn(&format!("bot{i}"), &fake.base_url, dir.path(), &env)
        })
        .collect();
    let all: Vec<u32> = (0..setup.shards).collect();
    fake.wait_open_shards(&all).await;
    fake.wait_until("commands registered by every process", |calls| {
        calls
            .iter()
            .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
            .count()
            >= bots.len()
    })
    .await;
    tokio::time::sleep(SETTLE).await;
    let idle: Vec<Option<u64>> = bots
        .iter()
        .map(|b| common::proc_status(b.pid(), "VmRSS"))
        .collect();

    let mut sent: HashMap<String, (usize, Instant)> = HashMap::with_capacity(messages);
    let started = Instant::now();
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    for i in 0..messages {
        tokio::time::sleep_until((started + every * i as u32).into()).await;
        let url = pages.url(&format!("story{}", i % urls));
        // Each round over the URLs goes to the next shard, so every URL reaches every shard.
        let shard = (i / urls) as u32 % setup.shards;
        let who = user(1_000 + i as u64, "reader", false);
        let id = fake.send_message_on(shard, CHANNEL + i as u64, &who, &format!("look: {url}"));
        sent.insert(id.to_string(), (i, Instant::now()));
    }
    let want = messages;
    let is_reply = |c: &fake_discord::Call| {
        c.method == "POST"
            && c.path.ends_with("/messages")
            && c.body["message_reference"]["message_id"].is_string()
    };
    fake.wait_until("every reply", |calls| {
        calls.iter().filter(|c| is_reply(c)).count() >= want
    })
    .await;
    let mut all_lat = Vec::with_capacity(messages);
    let mut later = Vec::with_capacity(messages);
    let mut replied = 0;
    for c in fake.calls().iter().filter(|c| is_reply(c)) {
        let id = c.body["message_reference"]["message_id"]
            .as_str()
            .unwrap_or("");
        if let Some((i, at)) = sent.remove(id) {
            replied += 1;
            let lat = c.at.saturating_duration_since(at);
            all_lat.push(lat);
            if i >= 100 {
                later.push(lat);
            }
        }
    }
    all_lat.sort();
    later.sort();
    let peak: Vec<String> = bots
        .iter()
        .zip(&idle)
        .map(|(b, idle)| {
            let kib =
                |k: Option<u64>| k.map_or("n/a".into(), |k| format!("{:.1}", k as f64 / 1024.0));
            format!(
                "{} MiB peak ({} MiB idle)",
                kib(common::proc_status(b.pid(), "VmHWM")),
                kib(*idle)
            )
        })
        .collect();
    println!("\n== {} ==", setup.label);
    println!("replies           {replied} of {messages}");
    println!(
        "pages fetched     {} (goal: {urls}, one per URL)",
        pages.total_hits()
    );
    println!(
        "reply latency     all: p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        pct(&all_lat, 0.50),
        pct(&all_lat, 0.99),
        pct(&all_lat, 1.0)
    );
    println!(
        "                  after the first 100: p50 {:.1} ms  p99 {:.1} ms  (goal p99 <= 100 ms)",
        pct(&later, 0.50),
        pct(&later, 0.99)
    );
    for (i, p) in peak.iter().enumerate() {
        println!("memory, process {i}: {p}");
    }
    for b in &mut bots {
        let _ = b.terminate().await;
    }
}
