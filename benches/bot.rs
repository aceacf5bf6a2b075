//! Bot benchmark: the real `newsbrief bot` binary against the test fake Discord, with the
//! pages served on 127.0.0.1.
//!
//! usage: cargo bench --bench bot [-- [MESSAGES] [BENCH_DIR]]
//!
//! With BENCH_DIR (for example `../shared/bench`) the page server serves the dev pages of
//! `extraction/html/*.html.gz` in turn (message `i` gets page `i` modulo their number);
//! without it, the repository's example page at every path.
//!
//! Measures, for the release binary (cargo builds it for the bench):
//! - start-up: from spawning the process to the gateway session being ready, and to the
//!   commands being registered (median of a few starts);
//! - idle memory: VmRSS of the process a moment after it is ready (and its peak VmHWM);
//! - message to reply: from the MESSAGE_CREATE dispatch to the reply reaching the fake, one
//!   message at a time (so nothing queues), first for distinct URLs (each one fetched,
//!   extracted and analysed) then for the same URLs again (served from the cache). Each
//!   message goes to its own channel so the per-channel pacing never delays it.
//!
//! The issue 7 targets are printed beside the figures: < 30 MiB idle, < 1 s to ready,
//! < 50 ms median message to reply.

#[path = "../tests/support/fake_discord.rs"]
mod fake_discord;

#[path = "../tests/support/child.rs"]
mod child;
mod common;
#[path = "../tests/support/pages.rs"]
mod pages;

use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_discord::{is_reply_to, user, FakeDiscord};

const TOKEN: &str = "MTAxNDU.bench-bot-token.NotASecret_xyz";
const ARTICLE: &str = include_str!("../examples/example-article.html");
const CHANNEL: u64 = 600_000_000_000_000_001;
/// Start-ups timed (the last one also serves the latency runs).
const STARTS: usize = 5;
/// Messages per latency run unless given on the command line.
const DEFAULT_MESSAGES: usize = 50;
/// Time the bot is left alone after start-up before its memory is read.
const SETTLE: Duration = Duration::from_secs(2);

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let messages = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(DEFAULT_MESSAGES);
    let pages = args
        .iter()
        .find(|a| a.parse::<usize>().is_err())
        .map(|d| common::read_pages(Path::new(d)))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| vec![ARTICLE.to_string()]);
    let rt = common::runtime();
    rt.block_on(run(messages, pages));
}

/// Serves `pages` as a news site would: `/storyN` is page N (modulo their number).
async fn start_pages(pages: Vec<String>) -> String {
    let pages = Arc::new(pages);
    pages::serve_pages("story", move |n| pages[n % pages.len()].clone()).await
}

fn spawn_bot(fake: &FakeDiscord, dir: &std::path::Path) -> Child {
    common::bot_command(env!("CARGO_BIN_EXE_newsbrief"), TOKEN, &fake.base_url, dir)
        .spawn()
        .expect("spawn the bot")
}

fn median_ms(mut d: Vec<Duration>) -> (f64, f64, f64) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    (
        ms(d[d.len() / 2]),
        ms(d[(d.len() * 9 / 10).min(d.len() - 1)]),
        ms(d[d.len() - 1]),
    )
}

/// Sends one link message per URL, one at a time, and times each reply.
async fn latencies(fake: &FakeDiscord, urls: &[String], channel0: u64) -> Vec<Duration> {
    let author = user(4242, "bench", false);
    let mut out = Vec::with_capacity(urls.len());
    for (i, url) in urls.iter().enumerate() {
        let from = fake.calls().len();
        let started = Instant::now();
        let id = fake.send_message(channel0 + i as u64, &author, &format!("look: {url}"));
        let reply = fake
            .wait_call_from(from, "the reply", |c| is_reply_to(c, id))
            .await;
        out.push(started.elapsed());
        assert!(
            reply.body["embeds"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "the reply has a brief: {}",
            reply.body
        );
    }
    out
}

async fn run(messages: usize, pages: Vec<String>) {
    let fake = FakeDiscord::start(TOKEN).await;
    println!("{} page(s) served", pages.len());
    let pages = start_pages(pages).await;
    let dir = tempfile::tempdir().expect("tempdir");
    println!("binary: {}", env!("CARGO_BIN_EXE_newsbrief"));

    let mut to_ready = Vec::new();
    let mut to_registered = Vec::new();
    let mut child = None;
    for start in 0..STARTS {
        let calls = fake.calls().len();
        let t0 = Instant::now();
        let c = spawn_bot(&fake, dir.path());
        fake.wait_sessions(start + 1).await;
        to_ready.push(t0.elapsed());
        fake.wait_registered(calls).await;
        to_registered.push(t0.elapsed());
        if start + 1 < STARTS {
            child::stop(c);
        } else {
            child = Some(c);
        }
    }
    let child = child.expect("the last bot");
    let pid = child.id();
    tokio::time::sleep(SETTLE).await;
    let idle_rss = common::proc_status(pid, "VmRSS");
    let idle_hwm = common::proc_status(pid, "VmHWM");
    let threads = common::proc_status(pid, "Threads");

    let urls: Vec<String> = (0..messages).map(|i| format!("{pages}/story{i}")).collect();
    let fresh = latencies(&fake, &urls, CHANNEL).await;
    let cached = latencies(&fake, &urls, CHANNEL + 10_000).await;
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        println!("fetched: {fresh:?}\ncached: {cached:?}");
    }
    let busy_rss = common::proc_status(pid, "VmRSS");
    let busy_hwm = common::proc_status(pid, "VmHWM");
    child::stop(child);

    let (r, _, rmax) = median_ms(to_ready);
    let (g, _, gmax) = median_ms(to_registered);
    println!("start-up to gateway ready   median {r:7.1} ms  max {rmax:7.1} ms  ({STARTS} starts; target < 1000 ms)");
    println!("start-up to commands set    median {g:7.1} ms  max {gmax:7.1} ms");
    println!(
        "idle after ready            VmRSS {}  VmHWM {}  threads {}  (target < 30 MiB)",
        common::mib(idle_rss),
        common::mib(idle_hwm),
        threads.map_or("n/a".into(), |t| t.to_string())
    );
    let (m, p90, max) = median_ms(fresh);
    println!("message -> reply, fetched   median {m:7.2} ms  p90 {p90:7.2} ms  max {max:7.2} ms  ({messages} distinct URLs; target < 50 ms)");
    let (m, p90, max) = median_ms(cached);
    println!("message -> reply, cached    median {m:7.2} ms  p90 {p90:7.2} ms  max {max:7.2} ms  (the same URLs again)");
    println!(
        "after the latency runs      VmRSS {}  VmHWM {}",
        common::mib(busy_rss),
        common::mib(busy_hwm)
    );
}
