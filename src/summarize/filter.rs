//! Which sentences may be picked at all, and the dateline a picked sentence may lose.
//!
//! News pages keep furniture in their text: captions, credits, bylines, "Read more"
//! links, "CNN's X contributed to this report", lone headings. None of it belongs in a
//! summary however central its words look, so it is ruled out before scoring. Wire-style
//! datelines ("WASHINGTON (Reuters) -", "(CNN) --") are cut from the start of the slice:
//! the rest is still a verbatim slice of the text.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// Fewer words than this is a fragment (a heading, a caption, "Ferguson is crumbling."):
/// too little content for a summary line. On the CNN dev stories 4, 8 and 10 gave the
/// same cross-validated ROUGE within noise; 8 keeps more captions and headings out.
pub const MIN_WORDS: usize = 8;

/// More words than this is a run-on (often several sentences the splitter failed to
/// separate, or a list): it would take the whole summary's word budget.
pub const MAX_WORDS: usize = 80;

/// A lone heading: this few words and no sentence-final punctuation.
pub const HEADING_MAX_WORDS: usize = 12;

/// A byline ("By Jane Doe, CNN") is short: at most this many words.
pub const BYLINE_MAX_WORDS: usize = 8;

/// Furniture recognised by how it starts (case-insensitive).
const FURNITURE_START: &str = r"(?i)^\W{0,3}(?:read more|read:|click here|click through|scroll down|follow (?:us|@)|watch:|watch the video|video:|photos?:|image:|pictured:|credit:|caption:|getty images|ap photo|©|copyright|all rights reserved|sign up|subscribe|share this|related:|see also|advertisement|editor'?s note|updated:|posted:|published:|last updated|join the conversation|like us on)";

/// Furniture recognised anywhere in the sentence (case-insensitive).
const FURNITURE_ANYWHERE: &str = r"(?i)contributed to this (?:report|story|article)|contributed reporting|click here|scroll down for|all rights reserved|follow @\w|follow us on|read more:|sign up for|\(photo:|photo credit|image copyright|getty images\)";

/// A byline: "By" and a capitalised name.
const BYLINE: &str = r"^(?:By|BY|Von|Par|Por|Di)\s+\p{Lu}";

/// A dateline: an optional place ("Coral Gables, Florida", "WASHINGTON"), a news source in
/// parentheses ("(CNN)", "(Reuters)", "(The Hollywood Reporter)"), an optional dash.
///
/// Repeats are unbounded (`*`) because counted repeats of Unicode classes compile to
/// automata of many megabytes; the length bound comes from [`DATELINE_WINDOW`] instead.
const DATELINE_SOURCE: &str = r"^(?:\p{Lu}[\p{L}\p{M}.'’\- ]*(?:,\s*\p{Lu}[\p{L}\p{M}.'’\- ]*){0,2}\s*)?\(\p{Lu}[\p{L}\p{N}.&'’ ]*\)\s*(?:--|—|–|-|:)?\s*";

/// An AP-style dateline: a place in capitals and a dash ("WASHINGTON — ", "PARIS, France -- ").
const DATELINE_CAPS: &str =
    r"^\p{Lu}[\p{Lu}\p{M}.'’\- ]+(?:,\s*\p{Lu}[\p{L}\p{M}.'’\- ]*)?\s+(?:--|—|–)\s*";

/// Datelines are looked for only in this many leading bytes of a sentence: a place, up to
/// two qualifiers and a source fit ("Coral Gables, Florida (CNN) -- "), a clause does not.
const DATELINE_WINDOW: usize = 72;

struct Patterns {
    furniture_start: Regex,
    furniture_anywhere: Regex,
    byline: Regex,
    dateline_source: Regex,
    dateline_caps: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // The patterns are constants checked by the tests below; failing to compile one
        // is a programming error caught by `cargo test`, never an input-dependent failure.
        let re = |p: &str| Regex::new(p).unwrap_or_else(|e| panic!("bad pattern {p}: {e}"));
        Patterns {
            furniture_start: re(FURNITURE_START),
            furniture_anywhere: re(FURNITURE_ANYWHERE),
            byline: re(BYLINE),
            dateline_source: re(DATELINE_SOURCE),
            dateline_caps: re(DATELINE_CAPS),
        }
    })
}

/// The byte length of a leading dateline of `sentence` (0 when there is none). The
/// text after it must start like a sentence (a capital, a digit or a quote), so a
/// sentence that merely opens with a parenthesis keeps it.
#[must_use]
pub fn dateline_len(sentence: &str) -> usize {
    let p = patterns();
    let mut window = sentence.len().min(DATELINE_WINDOW);
    while !sentence.is_char_boundary(window) {
        window -= 1;
    }
    let head = &sentence[..window];
    let m = p
        .dateline_source
        .find(head)
        .or_else(|| p.dateline_caps.find(head));
    match m {
        Some(m) if m.end() < sentence.len() => {
            let starts_sentence = sentence[m.end()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"“‘'".contains(c));
            if starts_sentence {
                m.end()
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// `range` (a sentence of `text`) without its leading dateline, if it has one.
#[must_use]
pub fn trim_dateline(text: &str, range: Range<usize>) -> Range<usize> {
    let cut = dateline_len(&text[range.clone()]);
    range.start + cut..range.end
}

/// Whether a sentence is page furniture or too short or long to summarise with.
/// `words` is its word count.
#[must_use]
pub fn is_pickable(sentence: &str, words: usize) -> bool {
    if !(MIN_WORDS..=MAX_WORDS).contains(&words) {
        return false;
    }
    let p = patterns();
    if p.furniture_start.is_match(sentence) || p.furniture_anywhere.is_match(sentence) {
        return false;
    }
    if words <= BYLINE_MAX_WORDS && p.byline.is_match(sentence) {
        return false;
    }
    words > HEADING_MAX_WORDS || ends_like_sentence(sentence)
}

/// Whether the sentence ends with final punctuation (possibly inside quotes or brackets).
fn ends_like_sentence(s: &str) -> bool {
    s.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']', '»'])
        .ends_with(['.', '!', '?', '…', '。', '！', '？', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_are_trimmed() {
        let cases = [
            (
                "(CNN)Singer David Crosby hit a jogger.",
                "Singer David Crosby hit a jogger.",
            ),
            ("(CNN) -- The jogger was hurt.", "The jogger was hurt."),
            (
                "Coral Gables, Florida (CNN)Former President Bill Clinton spoke.",
                "Former President Bill Clinton spoke.",
            ),
            (
                "WASHINGTON (Reuters) - The U.S. government is probing.",
                "The U.S. government is probing.",
            ),
            (
                "WASHINGTON — Lawmakers met on Monday.",
                "Lawmakers met on Monday.",
            ),
            (
                "(The Hollywood Reporter)\"Mad Men\" ends.",
                "\"Mad Men\" ends.",
            ),
        ];
        for (s, want) in cases {
            assert_eq!(&s[dateline_len(s)..], want, "{s}");
        }
    }

    #[test]
    fn ordinary_sentences_keep_their_start() {
        for s in [
            "The senator (D) said no.",
            "(Her calm demeanor despite receiving a facial laceration helped.)",
            "Smith (R) said he would vote.",
            "U.S. officials said on Monday.",
            "NATO -- the alliance -- met.",
        ] {
            assert_eq!(dateline_len(s), 0, "{s}");
        }
    }

    #[test]
    fn furniture_is_not_pickable() {
        for s in [
            "CNN's Sugam Pokharel and Kunal Sehgal contributed to this report.",
            "Read more: The full story of the crash here.",
            "Scroll down for video of the whole event today.",
            "Follow @jane on Twitter for all the latest news.",
            "By Jane Doe and John Roe, CNN",
            "Editor's note: Jane Doe is a professor of law at Yale.",
            "The Long Road Back To The Capital City",
            "Short one.",
        ] {
            assert!(!is_pickable(s, super::super::word_total(s)), "{s}");
        }
        let ok = "The jogger suffered multiple fractures, and was airlifted to a hospital.";
        assert!(is_pickable(ok, super::super::word_total(ok)));
    }
}
