//! The token after a sentence mark, and the character-level helpers the scan shares.
//!
//! [`next_token`] looks past whitespace and opening quotes or brackets at what follows a
//! sentence mark and sorts it by case ([`NextKind`]): upper case may start a sentence, lower
//! case never does, and a list marker or bullet always does. Here too are the quote and
//! bracket classes and the boundary-safe `char_at`, `char_before` and `skip_whitespace`.
//! It does not decide where a sentence ends: the scan in the parent module does.

use super::lexicon::WordList;
use super::lists::{find_next_item, parse_marker};

/// What follows a sentence mark, after whitespace and opening quotes or brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NextKind {
    /// An upper-case letter.
    Upper,
    /// A lower-case letter: the sentence goes on.
    Lower,
    /// A digit, or a currency sign before one.
    Digit,
    /// A letter of a script without case (CJK, Arabic, Devanagari, ...).
    Uncased,
    /// A list item or bullet (`(b) `, `•`).
    ListStart,
    /// Anything else (punctuation, symbols).
    Other,
}

/// The token after a sentence mark.
#[derive(Debug, Clone, Copy)]
pub(super) struct Next<'a> {
    pub(super) kind: NextKind,
    /// The run of letters starting the token (empty if it does not start with a letter).
    pub(super) word: &'a str,
    /// The character right after `word`.
    pub(super) after_word: Option<char>,
}

impl Next<'_> {
    /// Whether the next word is a usual sentence opener (and not an initial like `A.`).
    pub(super) fn is_starter(&self, list: &WordList) -> bool {
        self.kind == NextKind::Upper && self.after_word != Some('.') && list.contains(self.word)
    }
}

/// Whether a token of this kind can open a new sentence after `?`, `!` or an ellipsis.
pub(super) fn starts_sentence(kind: NextKind) -> bool {
    matches!(
        kind,
        NextKind::Upper | NextKind::Uncased | NextKind::ListStart
    )
}

/// Closing quotes and brackets that belong to the sentence before them.
pub(super) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '”'
            | '’'
            | '»'
            | '›'
            | '」'
            | '』'
            | '）'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '`'
    )
}

/// Opening quotes and brackets skipped before the first letter of the next sentence.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '('
            | '['
            | '{'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '„'
            | '‚'
            | '¿'
            | '¡'
            | '「'
            | '『'
            | '（'
            | '【'
            | '《'
            | '〈'
            | '`'
            | '*'
    )
}

/// Looks at the token that starts at `p` (after whitespace).
pub(super) fn next_token(text: &str, p: usize) -> Next<'_> {
    let other = Next {
        kind: NextKind::Other,
        word: "",
        after_word: None,
    };
    let Some((first, first_len)) = char_at(text, p) else {
        return other;
    };
    match first {
        // `(b) Hello`: an enclosed list marker opens a new item.
        '(' if parse_marker(text.as_bytes(), p).is_some() => {
            return Next {
                kind: NextKind::ListStart,
                ..other
            };
        }
        '•' | '‣' | '⁃' | '◦' | '▪' | '●' | '■' => {
            return Next {
                kind: NextKind::ListStart,
                ..other
            };
        }
        // `Smith. a. here it is b. another`: a marker whose next item follows opens a list.
        // (Only short tokens can be markers: a digit run, one letter, or a Roman numeral.)
        c if c.is_ascii_digit()
            || (c.is_ascii_alphabetic()
                && (matches!(text.as_bytes().get(p + 1), Some(b'.' | b')'))
                    || matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X'))) =>
        {
            if let Some((end, marker)) = parse_marker(text.as_bytes(), p) {
                if find_next_item(text.as_bytes(), end, marker).is_some() {
                    return Next {
                        kind: NextKind::ListStart,
                        ..other
                    };
                }
            }
        }
        // `? - Posted like sentinels`: a dash that opens a new line of speech or a list item.
        '-' | '–' | '—' => {
            let q = p + first_len;
            if char_at(text, q).is_some_and(|(c, _)| c.is_whitespace()) {
                let after = next_token(text, skip_whitespace(text, q));
                if after.kind == NextKind::Upper {
                    return after;
                }
            }
            return other;
        }
        _ => {}
    }
    let mut q = p;
    let mut c = first;
    let mut len = first_len;
    while is_opener(c) {
        q += len;
        if matches!(c, '«' | '‹') {
            // French spacing: `« Bonjour`
            q = skip_whitespace(text, q);
        }
        match char_at(text, q) {
            Some((c2, l2)) => (c, len) = (c2, l2),
            None => return other,
        }
    }
    let kind = if c.is_uppercase() {
        NextKind::Upper
    } else if c.is_lowercase() {
        NextKind::Lower
    } else if c.is_ascii_digit()
        || (matches!(c, '$' | '€' | '£' | '¥' | '₹')
            && char_at(text, q + len).is_some_and(|(d, _)| d.is_ascii_digit()))
    {
        NextKind::Digit
    } else if c.is_alphabetic() {
        NextKind::Uncased
    } else {
        NextKind::Other
    };
    if !c.is_alphabetic() {
        return Next { kind, ..other };
    }
    let rest = text.get(q..).unwrap_or("");
    let end = rest
        .char_indices()
        .find(|&(_, ch)| !ch.is_alphabetic())
        .map_or(rest.len(), |(k, _)| k);
    let word = &rest[..end];
    Next {
        kind,
        word,
        after_word: rest[end..].chars().next(),
    }
}

/// The character starting at byte `i`, with its length; `None` at the end or off a boundary.
pub(super) fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let c = text.get(i..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// The character ending right before byte `i`.
pub(super) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The first byte at or after `p` that is not whitespace.
pub(super) fn skip_whitespace(text: &str, mut p: usize) -> usize {
    let b = text.as_bytes();
    while p < b.len() {
        if b[p].is_ascii_whitespace() {
            p += 1;
        } else if b[p] < 0x80 {
            break;
        } else {
            match char_at(text, p) {
                Some((c, len)) if c.is_whitespace() => p += len,
                _ => break,
            }
        }
    }
    p
}
