//! Extraction speed: milliseconds per page for `newsbrief::extract::extract` and, in the same
//! run, for `dom_smoothie` alone (the interim extractor) as the baseline.
//!
//! usage: `cargo bench --bench extract -- [DIR]`
//! DIR holds pages as `*.html` or `*.html.gz` (e.g. the benchmark's `extraction/html`);
//! without it the repository's fixture pages are timed. Each page is extracted
//! `ROUNDS` times by each extractor in alternation; a page's time is the median of its
//! rounds, and the report gives the median, mean, 90th percentile and maximum over pages.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Timed repetitions per page (after one warm-up).
const ROUNDS: usize = 5;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages"),
            PathBuf::from,
        );
    let pages = load_pages(&dir);
    if pages.is_empty() {
        eprintln!("no .html or .html.gz pages in {}", dir.display());
        std::process::exit(2);
    }
    println!(
        "{} pages from {}, {ROUNDS} rounds each",
        pages.len(),
        dir.display()
    );

    let (baseline, ours) = time_pages(
        &pages,
        |html| {
            let cfg = dom_smoothie::Config {
                text_mode: dom_smoothie::TextMode::Formatted,
                ..Default::default()
            };
            dom_smoothie::Readability::new(html, None, Some(cfg))
                .ok()
                .and_then(|mut r| r.parse().ok())
                .map_or(0, |a| a.text_content.len())
        },
        |html| newsbrief::extract::extract(html, None).map_or(0, |a| a.text.len()),
    );
    report("dom_smoothie alone (Formatted)", &baseline);
    report("newsbrief::extract::extract", &ours);
}

fn load_pages(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let bytes = std::fs::read(p).ok()?;
            if name.ends_with(".html.gz") {
                let mut s = String::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut s)
                    .ok()?;
                Some(s)
            } else if name.ends_with(".html") {
                Some(String::from_utf8_lossy(&bytes).into_owned())
            } else {
                None
            }
        })
        .collect()
}

/// Per-page median milliseconds of `a` and `b` over `ROUNDS` runs each. The two run in
/// alternation, so load from other processes falls on both alike.
fn time_pages(
    pages: &[String],
    a: impl Fn(&str) -> usize,
    b: impl Fn(&str) -> usize,
) -> (Vec<f64>, Vec<f64>) {
    let time = |f: &dyn Fn(&str) -> usize, html: &str| {
        let start = Instant::now();
        std::hint::black_box(f(std::hint::black_box(html)));
        start.elapsed().as_secs_f64() * 1000.0
    };
    let median = |mut runs: Vec<f64>| {
        runs.sort_by(f64::total_cmp);
        runs[runs.len() / 2]
    };
    pages
        .iter()
        .map(|html| {
            std::hint::black_box((a(html), b(html)));
            let (mut ra, mut rb) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                ra.push(time(&a, html));
                rb.push(time(&b, html));
            }
            (median(ra), median(rb))
        })
        .unzip()
}

fn report(label: &str, times: &[f64]) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let p90 = sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)];
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    println!(
        "{label:<34} median {median:6.2} ms/page   mean {mean:6.2}   p90 {p90:6.2}   max {:6.2}",
        sorted[sorted.len() - 1]
    );
}
