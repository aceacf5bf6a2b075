//! Memory benchmark (issue 15): hostile pages through the bot's brief cache.
//!
//! usage: cargo bench --bench memory [-- [PAGES] [BASELINE_BINARY...]]
//!
//! Serves PAGES (default 2,000) distinct pages of about 5 MB each from 127.0.0.1, each the
//! worst case for a brief's size: a 2 MB `<title>` and paragraphs of run-on sentences. The
//! real `newsbrief bot` binary (release build, cargo builds it for the bench) briefs every
//! page once through the fake Discord, a few links in flight at a time, each message in its
//! own channel from its own person so no pacing or share limit delays it; then the peak
//! resident memory (VmHWM) of the bot process is read and printed beside the cache's byte
//! budget (NEWSBRIEF_CACHE_BYTES, default 64 MiB) and the idle memory after start-up.
//!
//! With BASELINE_BINARY (for example a copy of the release binary built from `main` before
//! this work, or built with another allocator: `--no-default-features` for glibc's malloc),
//! the same run is made with each first, so all figures come from one run on one machine.
//! Each row gives the idle memory, the peak (VmHWM), the memory still resident after the run
//! (VmRSS once the last reply is in) and the pages briefed per second. A binary whose memory
//! passes SAFETY_RSS is stopped early (the machine is shared), and the page count it reached
//! is printed.

#[path = "../tests/support/fake_discord.rs"]
mod fake_discord;

#[path = "../tests/support/child.rs"]
mod child;
mod common;
#[path = "../tests/support/hostile_page.rs"]
mod hostile_page;
#[path = "../tests/support/pages.rs"]
mod pages;

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use fake_discord::{is_reply_to, user, FakeDiscord};
use hostile_page::{page, PAGE_BYTES, TITLE_BYTES};

const TOKEN: &str = "MTAxNDU.bench-memory-token.NotASecret_xyz";
const CHANNEL: u64 = 600_000_000_000_000_001;
const DEFAULT_PAGES: usize = 2_000;
/// Links in flight at once (the bot's fetch slots are 8 by default).
const IN_FLIGHT: usize = 4;
/// A bot whose resident memory passes this is stopped: the point is made by then
/// (`BENCH_SAFETY_MIB` sets another limit).
const SAFETY_RSS_MIB: u64 = 3 * 1024;
/// The cache budget the bot runs with (its default; `NEWSBRIEF_CACHE_BYTES` set for the bench
/// is passed on, to tell the cache's growth from the rest).
const BUDGET_MIB: u64 = 64;

/// The cache budget of this run, in MiB.
fn budget_mib() -> u64 {
    std::env::var("NEWSBRIEF_CACHE_BYTES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(BUDGET_MIB, |b| b >> 20)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let pages = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(DEFAULT_PAGES);
    let baselines: Vec<String> = args
        .iter()
        .filter(|a| a.parse::<usize>().is_err())
        .cloned()
        .collect();
    let rt = common::runtime();
    rt.block_on(async {
        let site = start_pages().await;
        let mut rows = Vec::new();
        for b in &baselines {
            rows.push(("baseline", b.clone(), run(b, &site, pages).await));
        }
        // BENCH_BASELINES_ONLY=1 leaves this build out (runs that change the baselines'
        // environment, such as BENCH_LD_PRELOAD, need not measure it again).
        if std::env::var_os("BENCH_BASELINES_ONLY").is_none() || baselines.is_empty() {
            let this = env!("CARGO_BIN_EXE_newsbrief").to_string();
            rows.push(("this build", this.clone(), run(&this, &site, pages).await));
        }
        println!();
        println!("{pages} distinct pages of {PAGE_BYTES} bytes ({TITLE_BYTES}-byte titles, run-on paragraphs); cache budget {} MiB", budget_mib());
        for (name, bin, r) in rows {
            println!(
                "{name:<10}  idle {:>8}  peak (VmHWM) {:>10}  after the run (VmRSS) {:>10}  {:>5.1} pages/s  pages briefed {:>5}{}  [{bin}]",
                common::mib(r.idle_kib),
                common::mib(r.peak_kib),
                common::mib(r.after_kib),
                r.per_sec,
                r.briefed,
                if r.stopped { " (stopped at the safety limit)" } else { "" }
            );
        }
    });
}

async fn start_pages() -> String {
    pages::serve_pages("p", page).await
}

fn spawn_bot(bin: &str, fake: &FakeDiscord, dir: &Path) -> Child {
    let mut cmd = common::bot_command(bin, TOKEN, &fake.base_url, dir);
    // Allocator experiments (glibc's MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=...,
    // MALLOC_TRIM_THRESHOLD_=..., GLIBC_TUNABLES, BENCH_LD_PRELOAD) and another cache budget
    // (NEWSBRIEF_CACHE_BYTES) reach the bot when set for the bench.
    for (name, value) in std::env::vars_os() {
        let n = name.to_string_lossy();
        if n.starts_with("MALLOC_") || n == "GLIBC_TUNABLES" || n == "NEWSBRIEF_CACHE_BYTES" {
            cmd.env(&name, value);
        }
    }
    // Another allocator library for the bot alone (say Debian's libjemalloc.so.2 or
    // libmimalloc.so.2 under a system-malloc build), without preloading it into the bench.
    if let Some(lib) = std::env::var_os("BENCH_LD_PRELOAD") {
        cmd.env("LD_PRELOAD", lib);
    }
    cmd.spawn().expect("spawn the bot")
}

struct Outcome {
    idle_kib: Option<u64>,
    peak_kib: Option<u64>,
    /// Resident once the last reply is in.
    after_kib: Option<u64>,
    /// Pages briefed per second over the run.
    per_sec: f64,
    briefed: usize,
    stopped: bool,
}

async fn run(bin: &str, site: &str, pages: usize) -> Outcome {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let child = spawn_bot(bin, &fake, dir.path());
    let pid = child.id();
    fake.wait_registered(0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kib = common::proc_status(pid, "VmRSS");
    let started = Instant::now();
    let mut briefed = 0;
    let mut stopped = false;
    let safety_kib = std::env::var("BENCH_SAFETY_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(SAFETY_RSS_MIB)
        * 1024;
    let mut n = 0;
    while n < pages {
        let from = fake.calls().len();
        let ids: Vec<u64> = (n..(n + IN_FLIGHT).min(pages))
            .map(|i| {
                let author = user(5_000 + i as u64, "reader", false);
                fake.send_message(CHANNEL + i as u64, &author, &format!("{site}/p{i}"))
            })
            .collect();
        for id in &ids {
            fake.wait_call_from(from, "a reply", |c| is_reply_to(c, *id))
                .await;
        }
        n += ids.len();
        briefed = n;
        fake.clear_calls();
        if common::proc_status(pid, "VmRSS").unwrap_or(0) > safety_kib {
            stopped = true;
            break;
        }
        if n % 50 == 0 {
            eprintln!(
                "  {bin}: {n} pages, VmRSS {}, {:.0} s",
                common::mib(common::proc_status(pid, "VmRSS")),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let per_sec = briefed as f64 / started.elapsed().as_secs_f64().max(1e-9);
    // A moment for the replies' last work to end, as a bot between bursts would.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_kib = common::proc_status(pid, "VmRSS");
    let peak_kib = common::proc_status(pid, "VmHWM");
    child::stop(child);
    Outcome {
        idle_kib,
        peak_kib,
        after_kib,
        per_sec,
        briefed,
        stopped,
    }
}
