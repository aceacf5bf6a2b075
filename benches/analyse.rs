//! Speed of the analysis passes (status and actors) on one article.
//!
//! `cargo bench --bench analyse [-- FILE]`: FILE is a plain-text article (default: the
//! example story used by the tests). Prints the mean time per article for each pass.

use std::time::Instant;

use newsbrief::actors::key_actors;
use newsbrief::status::{classify, StatusRules};
use newsbrief::text::Document;

/// Runs per measurement: enough for a stable mean on a ~2,000-character article.
const RUNS: u32 = 200;

fn main() {
    let text = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_else(|| include_str!("../tests/fixtures/example-article.txt").to_string());
    let title = text.lines().next().map(str::to_string);
    let doc = Document::new(title, Some("en".into()), text);
    let rules = StatusRules::builtin();

    let start = Instant::now();
    for _ in 0..RUNS {
        std::hint::black_box(classify(&doc, &rules));
    }
    let status = start.elapsed() / RUNS;
    let start = Instant::now();
    for _ in 0..RUNS {
        std::hint::black_box(key_actors(&doc));
    }
    let actors = start.elapsed() / RUNS;
    println!(
        "{} chars: status {status:?}/article, actors {actors:?}/article",
        doc.text.len()
    );
}
