//! Sentence splitting for news text.
//!
//! Returns byte ranges, so each sentence is a verbatim slice of its input.

use std::ops::Range;

/// Splits `text` into sentences, returned as byte ranges trimmed of surrounding whitespace.
///
/// (Interim rule-of-thumb splitter: a full stop, question or exclamation mark followed by
/// whitespace and an upper-case letter ends a sentence; a line break ends one too.)
#[must_use]
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
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
