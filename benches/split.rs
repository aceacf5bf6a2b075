//! Speed of the sentence splitter, with baselines measured in the same run.
//!
//! `cargo bench --bench split [-- PATH]`: PATH, when given, is a plain-text file (paragraphs on
//! blank lines) or a JSON Lines file whose records have a `text` field (e.g. a news data set);
//! without it the input is the test cases plus a news text made by repeating their paragraphs.
//! Each input is split REPS times; the median run gives sentences per second for
//! `split_sentences`, the interim rule-of-thumb splitter it replaced, and unicode-segmentation's
//! UAX #29 sentence bounds.

use std::hint::black_box;
use std::ops::Range;
use std::time::{Duration, Instant};

use newsbrief::text::{paragraph_ranges, split_sentences};
use unicode_segmentation::UnicodeSegmentation;

/// Timed runs per input and splitter; the median is reported.
const REPS: usize = 15;
/// Shortest timed sample: small inputs are split several times per sample.
const MIN_SAMPLE: Duration = Duration::from_millis(20);
/// Size of the generated news text when no file is given.
const GENERATED_BYTES: usize = 4 << 20;

fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let inputs: Vec<(String, Vec<String>)> = match path {
        Some(p) => vec![(p.clone(), load_file(&p))],
        None => {
            let cases = case_texts();
            let news = generated_news(&cases);
            vec![
                ("test cases (one call each)".to_string(), cases),
                (
                    format!(
                        "generated news text ({} MB, per paragraph)",
                        GENERATED_BYTES >> 20
                    ),
                    news,
                ),
            ]
        }
    };
    for (name, paragraphs) in &inputs {
        let bytes: usize = paragraphs.iter().map(String::len).sum();
        println!(
            "\n== {name}: {} paragraphs, {:.2} MB",
            paragraphs.len(),
            bytes as f64 / 1e6
        );
        let ours = measure("newsbrief split_sentences", paragraphs, split_sentences);
        let interim = measure("interim rule-of-thumb splitter", paragraphs, interim_split);
        let uax = measure("unicode-segmentation (UAX #29)", paragraphs, uax29_split);
        println!(
            "   speed ratio: {:.2}x the interim splitter, {:.2}x UAX #29 (bytes/s)",
            interim.1.as_secs_f64() / ours.1.as_secs_f64(),
            uax.1.as_secs_f64() / ours.1.as_secs_f64(),
        );
    }
}

/// Splits every paragraph, REPS timed samples of enough passes to take at least
/// [`MIN_SAMPLE`] each (after one warm-up pass); prints and returns (sentences, median time
/// of one pass).
fn measure(
    name: &str,
    paragraphs: &[String],
    split: fn(&str) -> Vec<Range<usize>>,
) -> (usize, Duration) {
    let pass = || -> usize {
        paragraphs
            .iter()
            .map(|p| black_box(split(black_box(p))).len())
            .sum()
    };
    let t = Instant::now();
    let sentences = pass();
    let one = t.elapsed().max(Duration::from_micros(1));
    let passes = (MIN_SAMPLE.as_secs_f64() / one.as_secs_f64())
        .ceil()
        .max(1.0) as u32;
    let mut times = Vec::with_capacity(REPS);
    for _ in 0..REPS {
        let t = Instant::now();
        for _ in 0..passes {
            black_box(pass());
        }
        times.push(t.elapsed() / passes);
    }
    times.sort_unstable();
    let median = times[REPS / 2];
    let bytes: usize = paragraphs.iter().map(String::len).sum();
    println!(
        "   {name:<32} {sentences:>8} sentences  median {:>9.3} ms  {:>6.2} M sentences/s  {:>7.1} MB/s",
        median.as_secs_f64() * 1e3,
        sentences as f64 / median.as_secs_f64() / 1e6,
        bytes as f64 / median.as_secs_f64() / 1e6,
    );
    (sentences, median)
}

/// The `text` of every case in the test data.
fn case_texts() -> Vec<String> {
    [
        include_str!("../tests/data/sentences/golden_rules.jsonl"),
        include_str!("../tests/data/sentences/hard_cases.jsonl"),
    ]
    .iter()
    .flat_map(|d| d.lines())
    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
    .collect()
}

/// News-like paragraphs: the English prose cases joined three to five at a time, repeated to
/// [`GENERATED_BYTES`].
fn generated_news(cases: &[String]) -> Vec<String> {
    let prose: Vec<&String> = cases
        .iter()
        .filter(|c| c.len() > 40 && !c.contains('<'))
        .collect();
    let mut out = Vec::new();
    let mut total = 0;
    let mut k = 0;
    while total < GENERATED_BYTES && !prose.is_empty() {
        let take = 3 + k % 3;
        let para = (0..take)
            .map(|j| prose[(k + j * 7) % prose.len()].as_str())
            .collect::<Vec<_>>()
            .join(" ");
        total += para.len();
        out.push(para);
        k += 1;
    }
    out
}

/// Paragraphs of a file: JSON Lines records' `text`, or plain text split on blank lines.
fn load_file(path: &str) -> Vec<String> {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let texts: Vec<String> = if path.ends_with(".jsonl") {
        data.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .collect()
    } else {
        vec![data]
    };
    texts
        .iter()
        .flat_map(|t| {
            paragraph_ranges(t)
                .into_iter()
                .map(|r| t[r].to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Baseline: UAX #29 sentence boundaries, trimmed like ours.
fn uax29_split(text: &str) -> Vec<Range<usize>> {
    text.split_sentence_bound_indices()
        .filter_map(|(start, s)| {
            let t = s.trim();
            (!t.is_empty()).then(|| {
                let lead = s.len() - s.trim_start().len();
                start + lead..start + lead + t.len()
            })
        })
        .collect()
}

/// Baseline: the interim splitter this crate shipped before (a full stop, question or
/// exclamation mark followed by whitespace and an upper-case letter ends a sentence; so does
/// a line break), copied here unchanged.
fn interim_split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end_here = match b {
            b'\n' => true,
            b'.' | b'?' | b'!' => {
                let rest = &text[i + 1..];
                let trimmed = rest.trim_start();
                rest.len() != trimmed.len()
                    && trimmed.chars().next().is_some_and(char::is_uppercase)
            }
            _ => false,
        };
        if end_here {
            push_trimmed(text, start..i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(r.start + lead..r.start + lead + t.len());
    }
}
