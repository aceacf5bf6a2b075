//! Speed of the summarizer: text -> summary per article, on one core.
//!
//! ```text
//! cargo bench --bench summarize -- DATA_DIR_OR_JSONL [--repeat N]
//! ```
//!
//! DATA is a JSON Lines file of `{"text": ...}` records, or a folder holding such files
//! (e.g. the shared summarization benchmark). Every article is timed from raw text to
//! picked ranges (text normalisation, paragraph and sentence splitting, tokens,
//! features, selection), best of `--repeat` runs each, single-threaded; the median,
//! mean and 90th percentile per article are printed, plus the summarizer alone
//! (on an already split document). Repeats after the first find the article's stems in the
//! per-thread stem cache; `--repeat 1` times each article the first time it is seen (with
//! the stems of the articles before it cached, as in a long-running bot).

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use newsbrief::summarize::summarize;
use newsbrief::text::Document;

fn texts(path: &Path) -> Vec<String> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut v: Vec<_> = std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
        v.sort();
        v
    } else {
        vec![path.to_path_buf()]
    };
    files.iter().flat_map(|f| common::read_texts(f)).collect()
}

fn stats(name: &str, mut times: Vec<Duration>) {
    if times.is_empty() {
        return;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = times.iter().map(|&d| ms(d)).sum::<f64>() / times.len() as f64;
    println!(
        "{name}: {} articles, median {:.4} ms, mean {:.4} ms, p90 {:.4} ms, max {:.4} ms",
        times.len(),
        ms(times[times.len() / 2]),
        mean,
        ms(times[times.len() * 9 / 10]),
        ms(times[times.len() - 1]),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 5usize;
    let mut path = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--repeat" => repeat = it.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            s if s.starts_with("--") => {} // cargo bench passes --bench
            s => path = Some(s.to_string()),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: cargo bench --bench summarize -- DATA_DIR_OR_JSONL [--repeat N]");
        return;
    };
    let texts = texts(Path::new(&path));
    if texts.is_empty() {
        eprintln!("no {{\"text\"}} records found in {path}");
        return;
    }
    // Warm up lazily built tables (stop words, patterns) outside the timings.
    let _ = summarize(
        &Document::new(None, Some("en".into()), texts[0].clone()),
        Some(3),
    );

    let mut full = Vec::with_capacity(texts.len());
    let mut alone = Vec::with_capacity(texts.len());
    for t in &texts {
        let mut best_full = Duration::MAX;
        let mut best_alone = Duration::MAX;
        for _ in 0..repeat.max(1) {
            let start = Instant::now();
            let doc = Document::new(
                None,
                Some("en".into()),
                newsbrief::normalize_text(black_box(t)),
            );
            let picked = summarize(&doc, Some(3));
            best_full = best_full.min(start.elapsed());
            black_box(picked);
            let start = Instant::now();
            black_box(summarize(black_box(&doc), Some(3)));
            best_alone = best_alone.min(start.elapsed());
        }
        full.push(best_full);
        alone.push(best_alone);
    }
    stats("text -> summary", full);
    stats("summarize (split document)", alone);
}
