//! Extractive summarization: choosing the key sentences of a [`Document`].
//!
//! (Interim: the lead sentences; the scored summarizer lands with issue 3.)

use std::ops::Range;

use crate::text::Document;

/// Sentences in a summary when none is asked for: 3 for short articles, more for long ones.
#[must_use]
pub fn default_length(doc: &Document) -> usize {
    match doc.sentences.len() {
        0..=30 => 3,
        31..=60 => 4,
        _ => 5,
    }
}

/// Picks the key sentences of `doc`: byte ranges into `doc.text`, ascending, each a
/// sentence (possibly with a leading dateline trimmed). `n` is how many (default
/// [`default_length`]).
#[must_use]
pub fn summarize(doc: &Document, n: Option<usize>) -> Vec<Range<usize>> {
    let n = n.unwrap_or_else(|| default_length(doc));
    doc.sentences
        .iter()
        .take(n)
        .map(|s| s.range.clone())
        .collect()
}
