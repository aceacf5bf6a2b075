//! Embed rendering benchmark: a brief into its Discord embed, per item, on one core.
//!
//! usage: cargo bench --bench render -- [BENCH_DIR]
//!
//! With BENCH_DIR (for example `../shared/bench`) the briefs are made from the dev pages of
//! `extraction/html/*.html.gz`; without it, from the repository's example page and text.
//! Each brief is rendered [`REPEAT`] times and its mean time kept; the median, 90th
//! percentile and throughput over briefs are printed for the embed, for the embed plus
//! message packing, and for a baseline in the same run: the plain text renderer
//! (`newsbrief::render::text`).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsbrief::render::{embed::brief_embed, pack::plan_messages, prompts::Prompts};
use newsbrief::{Brief, BriefOptions, Engine, Settings};

/// Renders of each brief timed together (one render takes microseconds).
const REPEAT: u32 = 50;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from);
    let engine = Engine::new(&Settings::default()).expect("engine");
    let opts = BriefOptions::default();
    let briefs: Vec<Brief> = match &dir {
        Some(d) => common::read_pages(d)
            .iter()
            .filter_map(|h| {
                engine
                    .brief_html(h, Some("https://example.com/a"), &opts)
                    .ok()
            })
            .collect(),
        None => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let html = std::fs::read_to_string(root.join("examples/example-article.html"))
                .unwrap_or_default();
            let text = std::fs::read_to_string(root.join("examples/example-article.txt"))
                .unwrap_or_default();
            [
                engine.brief_html(&html, Some("https://example.com/a"), &opts),
                engine.brief_text(&text, Some("Example"), None, &opts),
            ]
            .into_iter()
            .filter_map(Result::ok)
            .collect()
        }
    };
    let prompts = Prompts::builtin();
    println!("{} briefs, each rendered {REPEAT} times", briefs.len());
    let base = time_each(&briefs, |b| {
        std::hint::black_box(newsbrief::render::text(b));
    });
    let embed = time_each(&briefs, |b| {
        std::hint::black_box(brief_embed(b, &prompts));
    });
    let packed = time_each(&briefs, |b| {
        std::hint::black_box(plan_messages(&[], vec![brief_embed(b, &prompts)]));
    });
    report("brief -> embed", &embed, &base);
    report("embed + packing", &packed, &base);
}

/// Mean time of one call of `f` per item (after one warm-up call per item), sorted.
fn time_each(items: &[Brief], mut f: impl FnMut(&Brief)) -> Vec<Duration> {
    items.iter().for_each(&mut f);
    let mut out: Vec<Duration> = items
        .iter()
        .map(|it| {
            let s = Instant::now();
            for _ in 0..REPEAT {
                f(it);
            }
            s.elapsed() / REPEAT
        })
        .collect();
    out.sort();
    out
}

fn report(name: &str, full: &[Duration], base: &[Duration]) {
    let (m, p90, tput) = stats(full);
    let (bm, bp90, btput) = stats(base);
    println!("{name:<16} median {m:8.1} µs  p90 {p90:8.1} µs  {tput:10.0} briefs/s");
    println!(
        "  baseline: render::text   median {bm:8.1} µs  p90 {bp90:8.1} µs  {btput:10.0} briefs/s  (ratio of medians {:.2})",
        m / bm.max(1e-9)
    );
}

/// Median, p90 (in microseconds) and throughput of sorted timings.
fn stats(d: &[Duration]) -> (f64, f64, f64) {
    let (m, p90, tput) = common::summary(d);
    (m.as_secs_f64() * 1e6, p90.as_secs_f64() * 1e6, tput)
}
