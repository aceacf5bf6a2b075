//! Whole-pipeline benchmark: HTML -> brief and text -> brief, per item, on one core.
//!
//! usage: cargo bench --bench pipeline -- [BENCH_DIR]
//!
//! With BENCH_DIR (for example `../shared/bench`) it reads the dev pages of
//! `extraction/html/*.html.gz` and the articles of `summarization/cnndm_val1000_dev.jsonl`;
//! without it, the repository's example page and text. Half the items (every other one) are
//! timed, each alone and the first time it is seen, after a warm-up pass over the other half
//! (see `time_each`); the median, 90th percentile and throughput are printed,
//! next to a baseline measured in the same run: extraction alone with `dom_smoothie`
//! defaults for pages, and sentence splitting alone for texts.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsbrief::{BriefOptions, Engine, Settings};

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from);
    let (pages, texts) = match &dir {
        Some(d) => (
            common::read_pages(d),
            common::read_texts(&d.join("summarization/cnndm_val1000_dev.jsonl")),
        ),
        None => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            (
                vec![
                    std::fs::read_to_string(root.join("examples/example-article.html"))
                        .unwrap_or_default(),
                ],
                vec![
                    std::fs::read_to_string(root.join("examples/example-article.txt"))
                        .unwrap_or_default(),
                ],
            )
        }
    };
    let engine = Engine::new(&Settings::default()).expect("engine");
    let opts = BriefOptions { sentences: Some(3) };

    println!("{} pages, {} texts", pages.len(), texts.len());
    let base = time_each(&pages, |h| {
        let mut r = dom_smoothie::Readability::new(h.as_str(), None, None).expect("readability");
        let _ = r.parse();
    });
    let full = time_each(&pages, |h| {
        let _ = engine.brief_html(h, None, &opts);
    });
    report("html -> brief", &full, "dom_smoothie alone", &base);

    let base = time_each(&texts, |t| {
        let _ = newsbrief::text::split_sentences(t);
    });
    let full = time_each(&texts, |t| {
        let _ = engine.brief_text(t, None, None, &opts);
    });
    report("text -> brief", &full, "sentence split alone", &base);
}

/// Times the items at even positions, each once and the first time it is seen. The
/// warm-up pass runs over the other items, so code, lazily built tables and the per-thread
/// stem cache are as warm as in a bot that has served other articles, but no timed item's
/// own work was done before (its words are cached only if other articles used them).
fn time_each(items: &[String], mut f: impl FnMut(&String)) -> Vec<Duration> {
    // A single item (no BENCH_DIR) warms up on itself.
    let warm = if items.len() > 1 { 1 } else { 0 };
    for it in items.iter().skip(warm).step_by(2) {
        f(it);
    }
    let mut out: Vec<Duration> = items
        .iter()
        .step_by(2)
        .map(|it| {
            let s = Instant::now();
            f(it);
            s.elapsed()
        })
        .collect();
    out.sort();
    out
}

fn report(name: &str, full: &[Duration], base_name: &str, base: &[Duration]) {
    let (m, p90, tput) = stats(full);
    let (bm, bp90, btput) = stats(base);
    println!("{name:<16} median {m:8.3} ms  p90 {p90:8.3} ms  {tput:9.1} items/s");
    println!("  baseline: {base_name:<22} median {bm:8.3} ms  p90 {bp90:8.3} ms  {btput:9.1} items/s  (ratio of medians {:.2})", m / bm.max(1e-9));
}

/// Median, p90 (in milliseconds) and throughput of sorted timings.
fn stats(d: &[Duration]) -> (f64, f64, f64) {
    let (m, p90, tput) = common::summary(d);
    (m.as_secs_f64() * 1e3, p90.as_secs_f64() * 1e3, tput)
}
