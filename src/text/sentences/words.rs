//! What the word before a full stop is, and the small word tests the scan asks.
//!
//! [`classify`] sorts the word before a full stop into a [`WordClass`] (ordinary word,
//! number, title, abbreviation of one kind or another, initial) from the lists in
//! `lexicon`; beside it are the tests for numbers, days, time zones, reference marks
//! (`[12]`) and lines broken after a word no sentence ends with. It does not look at what
//! follows the full stop: the scan in the parent module weighs both sides.

use super::lexicon::{key, DANGLING, GENERIC, NEVER_END, NUMERIC, STATES, TITLES};
use super::{MAX_ABBREVIATION_BYTES, MAX_CITATION_BYTES};

/// What the word before a full stop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WordClass {
    /// An ordinary word (or a URL, an e-mail address, a domain name).
    Plain,
    /// A number (`1,000`, `100.00`, `11.18.2014`).
    Number,
    /// A title before a name (`Mr`, `Sen`, `St`).
    Title,
    /// An abbreviation that introduces what follows (`e.g`, `vs`).
    NeverEnd,
    /// An abbreviation written before numbers (`No`, `Jan`, `p`).
    Numeric,
    /// A clock-time abbreviation (`a.m`, `P.M`).
    Time,
    /// An abbreviation that may end a sentence (`Inc`, `Jr`, `U.S`, `Mass`), or an initial.
    Ambiguous,
}

/// Whether `line` ends in a word no sentence, headline or list line ends with (`the`, `of`,
/// `and`): scraped text broken in the middle of a sentence (`talks with the\nPresident`).
pub(super) fn ends_dangling(line: &str) -> bool {
    let last = line
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    // The word must run to the line's end (`the` in `of the`, not in `the.`).
    !last.is_empty() && line.ends_with(last) && DANGLING.contains(last)
}

/// Classifies the word before a full stop.
pub(super) fn classify(word: &str) -> WordClass {
    if word.is_empty() || word.len() > 16 || word.contains(['@', '/', ':']) {
        return if is_number(word) {
            WordClass::Number
        } else {
            WordClass::Plain
        };
    }
    if is_number(word) {
        return WordClass::Number;
    }
    if word.contains('.') {
        return classify_dotted(word);
    }
    // `D-Mass` is looked up as `Mass`.
    let core = word.rsplit('-').next().unwrap_or(word);
    let mut chars = core.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return if c.is_alphabetic() {
            WordClass::Ambiguous
        } else {
            WordClass::Plain
        };
    }
    if matches!(core, "N°" | "Nº" | "n°" | "nº") {
        return WordClass::Numeric;
    }
    // Every listed abbreviation is short; longer words skip the lookups.
    if core.len() > MAX_ABBREVIATION_BYTES {
        return WordClass::Plain;
    }
    let (Some(lower), Some(as_written)) = (key(core, true), key(core, false)) else {
        return WordClass::Plain;
    };
    if TITLES.contains_key(lower) {
        WordClass::Title
    } else if NEVER_END.contains_key(lower) {
        WordClass::NeverEnd
    } else if NUMERIC.contains_key(lower) {
        WordClass::Numeric
    } else if GENERIC.contains_key(lower) || STATES.contains_key(as_written) {
        WordClass::Ambiguous
    } else {
        WordClass::Plain
    }
}

/// Classifies a word with inner full stops: an acronym of short letter groups (`U.S`, `a.m`,
/// `Ph.D`, `e.g`) or else an ordinary token (`Amazon.com`).
fn classify_dotted(word: &str) -> WordClass {
    let acronym = word
        .split('.')
        .all(|g| (1..=2).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_alphabetic()));
    if !acronym {
        return WordClass::Plain;
    }
    let mut buf = [0u8; 12];
    match lower_ascii(word, &mut buf) {
        Some("a.m" | "p.m") => WordClass::Time,
        Some("e.g" | "i.e" | "n.b") => WordClass::NeverEnd,
        _ => WordClass::Ambiguous,
    }
}

/// Lower-cases an ASCII word into `buf`; `None` if it is not ASCII or too long for any list.
fn lower_ascii<'b>(word: &str, buf: &'b mut [u8; 12]) -> Option<&'b str> {
    let src = word.as_bytes();
    if src.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    let dst = &mut buf[..src.len()];
    dst.copy_from_slice(src);
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).ok()
}

/// Digits with inner `,` or `.` separators.
fn is_number(word: &str) -> bool {
    let b = word.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_digit() || *c == b',' || *c == b'.')
}

/// A day of the month (`3`, `31`): with a month name after it, a German-style date ordinal.
pub(super) fn is_day_number(word: &str) -> bool {
    (1..=2).contains(&word.len()) && word.bytes().all(|c| c.is_ascii_digit())
}

/// A time-zone code after a clock time: `ET`, `EST`, `GMT`, `UTC`.
pub(super) fn is_time_zone(word: &str) -> bool {
    (2..=4).contains(&word.len()) && word.bytes().all(|c| c.is_ascii_uppercase())
}

/// The end of a reference mark at `j`: `[1]`, `[2–11]`, `[3, 4]`, maybe after one space.
pub(super) fn citation_end(b: &[u8], j: usize) -> Option<usize> {
    let open = if b.get(j) == Some(&b' ') { j + 1 } else { j };
    if b.get(open) != Some(&b'[') {
        return None;
    }
    let inner = open + 1;
    let mut q = inner;
    while q < b.len() && q - inner <= MAX_CITATION_BYTES {
        match b[q] {
            b']' => {
                let digits = b[inner..q].iter().any(u8::is_ascii_digit);
                return (digits && q > inner).then_some(q + 1);
            }
            b'0'..=b'9' | b',' | b' ' | b'-' => q += 1,
            // en dash `–`
            0xE2 if b.get(q + 1..q + 3) == Some(&[0x80, 0x93]) => q += 3,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_words() {
        assert_eq!(classify("Mr"), WordClass::Title);
        assert_eq!(classify("U.S"), WordClass::Ambiguous);
        assert_eq!(classify("p.m"), WordClass::Time);
        assert_eq!(classify("e.g"), WordClass::NeverEnd);
        assert_eq!(classify("1,000"), WordClass::Number);
        assert_eq!(classify("Amazon.com"), WordClass::Plain);
        assert_eq!(classify("D-Mass"), WordClass::Ambiguous);
        assert_eq!(classify("ill"), WordClass::Plain);
        assert_eq!(classify("Jan"), WordClass::Numeric);
        assert_eq!(classify("N°"), WordClass::Numeric);
    }
}
