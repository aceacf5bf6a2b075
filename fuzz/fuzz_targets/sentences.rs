//! The splitter on arbitrary text: ranges in order, non-overlapping, on char boundaries,
//! trimmed, and covering every non-whitespace character.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let ranges = newsbrief::text::split_sentences(text);
    let mut prev = 0;
    for r in &ranges {
        assert!(r.start >= prev && r.start < r.end && r.end <= text.len());
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        assert_eq!(s, s.trim());
        assert!(text[prev..r.start].trim().is_empty(), "text lost between sentences");
        prev = r.end;
    }
    assert!(text[prev..].trim().is_empty(), "text lost at the end");
});
