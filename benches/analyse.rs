//! Speed of the analysis passes (status and actors), per article, on one core.
//!
//! ```text
//! cargo bench --bench analyse [-- BENCH_DIR | FILE]
//! ```
//!
//! With BENCH_DIR (for example `../shared/bench`) the articles are the dev CNN texts of
//! `summarization/cnndm_val1000_dev.jsonl` and the labelled stories of
//! `status/articles.jsonl` (with their titles); with FILE, that one plain-text article;
//! with nothing, the example story the tests use. Each article is split once (not timed),
//! then each pass is timed per article after a warm-up pass over all of them (a lone
//! article is run 200 times and its fastest run counts); the median,
//! 90th percentile and throughput are printed, next to sentence splitting of the same
//! texts as a baseline measured in the same run.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use newsbrief::actors::key_actors;
use newsbrief::status::{classify, StatusRules};
use newsbrief::text::Document;

fn main() {
    let arg = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let records: Vec<(Option<String>, String)> = match arg.as_deref().map(Path::new) {
        Some(p) if p.is_dir() => {
            let mut r = common::read_records(&p.join("summarization/cnndm_val1000_dev.jsonl"));
            r.extend(common::read_records(&p.join("status/articles.jsonl")));
            r
        }
        Some(p) => std::fs::read_to_string(p)
            .map(|t| vec![(t.lines().next().map(str::to_string), t)])
            .unwrap_or_default(),
        None => {
            let t = include_str!("../tests/fixtures/example-article.txt").to_string();
            vec![(t.lines().next().map(str::to_string), t)]
        }
    };
    if records.is_empty() {
        eprintln!("no articles found");
        return;
    }
    let docs: Vec<Document> = records
        .iter()
        .map(|(title, text)| Document::new(title.clone(), Some("en".into()), text.clone()))
        .collect();
    let rules = StatusRules::builtin();
    println!("{} articles", docs.len());
    let split = time_each(&records, |(_, t)| {
        black_box(newsbrief::text::split_sentences(t));
    });
    let status = time_each(&docs, |d| {
        black_box(classify(d, &rules));
    });
    let actors = time_each(&docs, |d| {
        black_box(key_actors(d));
    });
    report("status", &status);
    report("actors", &actors);
    report("baseline: sentence split", &split);
}

/// Least total runs per pass: a single article is timed this many times (the fastest run
/// counts), a large set once per article.
const MIN_RUNS: usize = 200;

/// Times `f` on each item (the fastest of `MIN_RUNS / items` runs, at least one), after
/// one warm-up pass over all items; sorted.
fn time_each<T>(items: &[T], mut f: impl FnMut(&T)) -> Vec<Duration> {
    for it in items {
        f(it);
    }
    let runs = (MIN_RUNS / items.len().max(1)).max(1);
    let mut out: Vec<Duration> = items
        .iter()
        .map(|it| {
            (0..runs)
                .map(|_| {
                    let s = Instant::now();
                    f(it);
                    s.elapsed()
                })
                .min()
                .unwrap_or_default()
        })
        .collect();
    out.sort();
    out
}

fn report(name: &str, sorted: &[Duration]) {
    let (m, p90, tput) = common::summary(sorted);
    println!(
        "{name:<26} median {:8.1} µs  p90 {:8.1} µs  {tput:9.0} articles/s",
        m.as_secs_f64() * 1e6,
        p90.as_secs_f64() * 1e6
    );
}
