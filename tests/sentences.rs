//! The sentence splitter against boundary test cases, plus property tests on arbitrary input.
//!
//! Data: `tests/data/sentences/*.jsonl`, one case a line: `{"id","text","sentences":[...],
//! "verbatim"?}`. Cases marked `"verbatim": false` expect normalised text (joined line
//! breaks, stripped HTML, dropped page numbers) that a splitter returning slices cannot give;
//! they are counted apart and left out of the pass rate.
//!
//! - `golden_rules.jsonl`: the 48 English Golden Rules of Pragmatic Segmenter.
//! - `hard_cases.jsonl`: Pragmatic Segmenter's other English spec cases (`ps-*`), pySBD's
//!   regression cases (`pysbd-*`), sentencex's English tests (`sentencex-*`) and news copy
//!   written for newsbrief (`news-*`).
//! - `syntok_ospl.jsonl`: syntok's one-sentence-per-line test text, as overlapping pairs of
//!   consecutive sentences (each boundary is tested once, each sentence twice).

use newsbrief::text::split_sentences;
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    id: String,
    text: String,
    sentences: Vec<String>,
    #[serde(default = "yes")]
    verbatim: bool,
}

fn yes() -> bool {
    true
}

fn load(data: &str) -> Vec<Case> {
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid case line"))
        .collect()
}

fn predicted(text: &str) -> Vec<&str> {
    split_sentences(text)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// Runs the verbatim cases of one file; prints the failures and returns the pass rate.
fn pass_rate(name: &str, data: &str) -> f64 {
    let cases = load(data);
    let scored: Vec<&Case> = cases.iter().filter(|c| c.verbatim).collect();
    let mut passed = 0;
    for c in &scored {
        let want: Vec<&str> = c.sentences.iter().map(|s| s.trim()).collect();
        let got = predicted(&c.text);
        if got == want {
            passed += 1;
        } else {
            println!(
                "FAIL {name} {}\n  text: {:?}\n  want: {want:?}\n  got:  {got:?}",
                c.id, c.text
            );
        }
    }
    let rate = f64::from(passed) / scored.len() as f64;
    println!(
        "{name}: {passed}/{} verbatim cases pass ({rate:.3}); {} non-verbatim cases left out",
        scored.len(),
        cases.len() - scored.len()
    );
    rate
}

/// Pass rate reached on the 48 English Golden Rules of Pragmatic Segmenter (a regression floor).
const GOLDEN_FLOOR: f64 = 1.0;
/// Pass rate reached on the harder English cases (a regression floor).
const HARD_FLOOR: f64 = 0.985;
/// Pass rate reached on syntok's sentence pairs (a regression floor).
const SYNTOK_FLOOR: f64 = 0.97;

#[test]
fn golden_rules_pass_rate() {
    let rate = pass_rate(
        "golden_rules",
        include_str!("data/sentences/golden_rules.jsonl"),
    );
    assert!(
        rate >= GOLDEN_FLOOR,
        "golden rules pass rate {rate:.3} < {GOLDEN_FLOOR}"
    );
}

#[test]
fn hard_cases_pass_rate() {
    let rate = pass_rate(
        "hard_cases",
        include_str!("data/sentences/hard_cases.jsonl"),
    );
    assert!(
        rate >= HARD_FLOOR,
        "hard cases pass rate {rate:.3} < {HARD_FLOOR}"
    );
}

#[test]
fn syntok_pairs_pass_rate() {
    let rate = pass_rate(
        "syntok_ospl",
        include_str!("data/sentences/syntok_ospl.jsonl"),
    );
    assert!(
        rate >= SYNTOK_FLOOR,
        "syntok pairs pass rate {rate:.3} < {SYNTOK_FLOOR}"
    );
}

/// The data itself: ids unique, and every case marked verbatim expects slices of its text in
/// order that together hold all of its non-whitespace characters.
#[test]
fn case_files_are_consistent() {
    for data in [
        include_str!("data/sentences/golden_rules.jsonl"),
        include_str!("data/sentences/hard_cases.jsonl"),
        include_str!("data/sentences/syntok_ospl.jsonl"),
    ] {
        let cases = load(data);
        let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids");
        for c in cases.iter().filter(|c| c.verbatim) {
            let mut pos = 0;
            for s in &c.sentences {
                let found = c.text[pos..].find(s.trim());
                assert!(found.is_some(), "{}: {s:?} is not a slice in order", c.id);
                pos += found.unwrap_or(0) + s.trim().len();
            }
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(
                strip(&c.text),
                strip(&c.sentences.concat()),
                "{}: text not covered",
                c.id
            );
        }
    }
}

/// Checks the output contract on any input: ranges in order, non-overlapping, on char
/// boundaries, trimmed, non-empty, and covering every non-whitespace character.
fn check_contract(text: &str) {
    let ranges = split_sentences(text);
    let mut covered = vec![false; text.len()];
    let mut last_end = 0;
    for r in &ranges {
        assert!(r.start >= last_end, "overlap or disorder: {ranges:?}");
        assert!(r.start < r.end, "empty range: {ranges:?}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        assert_eq!(s, s.trim(), "untrimmed sentence {s:?}");
        covered[r.clone()].iter_mut().for_each(|c| *c = true);
        last_end = r.end;
    }
    for (i, c) in text.char_indices() {
        assert!(
            c.is_whitespace() || covered[i],
            "char {c:?} at {i} not in any sentence: {text:?}"
        );
    }
}

/// Characters that exercise the splitter's rules, mixed with ordinary letters.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        ".", "?", "!", "...", "…", " . . . ", "\n", "\r\n", "\n\n", " ", "  ", "\t", "\u{a0}",
        "\"", "'", "“", "”", "‘", "’", "«", "»", "„", "(", ")", "[", "]", "「", "」", "。", "！",
        "？", "．", "।", "؟", "•", "⁃", "-", "—", "Mr", "U.S", "a.m", "e.g", "Inc", "No", "Jan",
        "1", "12", "2.", "a)", "(b)", "I", "The", "he", "said", "x", "Yahoo", "www", "@", "/", "é",
        "漢", "ß", "İ", "\u{2028}", "$", "%", ",", "1.5",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn contract_holds_on_tricky_text(text in tricky_text()) {
        check_contract(&text);
    }

    #[test]
    fn contract_holds_on_any_string(text in any::<String>()) {
        check_contract(&text);
    }
}
