//! Prints the status features and each head's probability for a text file (debugging aid).
//!
//! ```text
//! cargo run --release --example explain_status -- FILE.txt [TITLE]
//! ```
use newsbrief::status::{self, model::HEADS, StatusRules, FEATURE_NAMES};
use newsbrief::text::Document;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: explain_status FILE.txt [TITLE]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let doc = Document::new(
        args.next(),
        Some("en".into()),
        newsbrief::normalize_text(&text),
    );
    let rules = StatusRules::builtin();
    let f = status::features(&doc, &rules);
    for (n, v) in FEATURE_NAMES.iter().zip(&f.values) {
        if *v != 0.0 {
            println!("{n:28} {v:.3}");
        }
    }
    for (name, h) in HEADS.iter().zip(&rules.model().heads) {
        println!(
            "{name:12} p = {:.3}, calibrated {:.3} (threshold {:.2})",
            h.probability(&f.values),
            h.confidence(&f.values),
            h.threshold
        );
    }
    let j = status::decide(&doc, rules.model(), &f);
    for s in &j.status {
        println!("shown: {} {:.3}", s.label.as_str(), s.confidence);
    }
    for s in &j.held_back {
        println!("held back: {} {:.3}", s.label.as_str(), s.confidence);
    }
}
