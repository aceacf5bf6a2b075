//! Sentence splitting for news text.
//!
//! [`split_sentences`] cuts a paragraph into sentences and returns byte ranges, so each
//! sentence is a verbatim slice of its input (extractive summaries quote it as written). It is
//! a rule-based splitter tuned for English news copy — abbreviations (`U.S.`, `Sen.`,
//! `Jan. 15`, `No. 3`, `Apple Inc.`), initials, money and numbers, quotations, ellipses,
//! numbered and lettered lists, headline and dateline lines — that still splits other
//! languages sensibly: Latin, Greek and Cyrillic scripts by case, and the sentence marks of
//! CJK (`。！？`), Devanagari (`।`), Arabic (`؟`) and others.
//!
//! It is not a tokenizer, does not clean or normalise text (no joining of PDF line breaks into
//! one string, no HTML stripping), and does not look at paragraphs: callers split paragraphs
//! first (see [`super::paragraph_ranges`]).
//!
//! How it works: one forward pass over the bytes stops only at bytes that can matter (full
//! stops, question and exclamation marks, line breaks, quotes, brackets, and the lead bytes of
//! the few multi-byte marks it knows). At a sentence mark it looks at the word before and the
//! token after; word lists live in the private `lexicon` module. There is no regular
//! expression and no allocation besides the output vector. The main rules:
//!
//! - a mark followed by lower case never ends a sentence (`Yahoo! in`, `p.m. left`);
//! - after a full stop, the word before decides: an ordinary word or number ends the sentence
//!   before a capital or a digit; a title (`Dr.`) only before a pronoun or determiner; an
//!   ambiguous abbreviation, acronym or initial (`Inc.`, `U.S.`, `E.`) only before a usual
//!   sentence starter (`The`, `He`, `However`, `Officials`); `a.m.`/`p.m.` before any capital
//!   but a weekday, month or time zone; `No.`/`Jan.` never before a digit; `e.g.` never;
//! - a short quotation or bracket is read as one unit (`"We lost. We will appeal," he said`);
//! - list markers (`1.`, `b)`, `(iv)`, `•`) start items, even with no full stop before them;
//! - a line break ends a line with no final mark (headline, dateline, list line), unless a
//!   long line simply wraps on to a lower-case word;
//! - full-width marks (`。`) end a sentence with no space after; `. . .` inside a sentence and
//!   `[...]` are omissions, `....` before a capital ends one.
//!
//! The files of `sentences/` are its steps: `tokens` reads the token after a mark, `words`
//! classifies the word before a full stop, `lists` reads list markers, and `lexicon` holds the
//! word lists. This file keeps the limits and the scan itself (`Splitter`), one piece because
//! its rules read and set the same state (open quotation, bracket, list item) as it goes.

mod lexicon;
mod lists;
mod tokens;
mod words;

use std::ops::Range;

use lexicon::{
    EXCLAMATION_NAMES, MONTHS, PREPOSITIONS, STARTERS, STRONG_STARTERS, TIME_CONTINUATIONS,
};
use lists::{find_next_item, parse_marker};
use tokens::{
    char_at, char_before, is_closer, next_token, skip_whitespace, starts_sentence, Next, NextKind,
};
use words::{citation_end, classify, ends_dangling, is_day_number, is_time_zone, WordClass};

/// A line this long (in bytes, trimmed) that ends without a sentence mark and is followed by a
/// line starting in lower case is taken as hard-wrapped text and joined; shorter lines
/// (headlines, list entries, `features\ncontact manager`) end where they end.
const WRAP_MIN_LINE_BYTES: usize = 40;

/// A quotation is read as one unit (its inner full stops end nothing) only when its closing
/// mark comes within this many bytes; longer or unclosed quotations are split normally, so a
/// stray quote mark cannot swallow a paragraph.
const MAX_QUOTE_BYTES: usize = 600;

/// A quotation followed by a new sentence (not by `he said`) is read as one unit only up to
/// this length: a short quote stays whole, a long run of quoted sentences is split like prose.
const MAX_STANDALONE_QUOTE_BYTES: usize = 200;

/// A bracket whose closing mark comes within this many bytes is read as one unit
/// (`[page. 42]`, `(Oh. Again!)`); a longer or unclosed one is split like prose, since a long
/// parenthesis may hold whole sentences.
const MAX_BRACKET_BYTES: usize = 80;

/// Longest reference mark taken as part of the sentence before it (`[12, 14–16]`).
const MAX_CITATION_BYTES: usize = 12;

/// Most footnote numbers read after a full stop they are glued to (`gap.11 12 Take`).
const MAX_GLUED_NOTES: usize = 4;

/// Longest footnote number glued to a full stop, in digits: longer runs are figures.
const MAX_NOTE_DIGITS: usize = 3;

/// How far ahead the next item of a numbered or lettered list is looked for (`1. ... 2. ...`).
const MAX_LIST_ITEM_BYTES: usize = 600;

/// The word before a full stop is looked at only up to this many bytes back: abbreviations
/// are short, and a long token (URL, e-mail) is an ordinary word.
const MAX_WORD_BYTES: usize = 64;

/// Longest abbreviation in the lists (`messrs`, `approx`): longer words are not looked up.
const MAX_ABBREVIATION_BYTES: usize = 6;

/// A sentence so far of at most this many words that opens with a preposition (`At 5 a.m.`)
/// is a leading phrase, not a sentence: an abbreviation after it ends nothing.
const FRAGMENT_MAX_WORDS: usize = 3;

/// Bytes at which the scanner stops: ASCII sentence marks, line breaks and quotes, and the
/// lead bytes of the multi-byte characters it knows (curly quotes, ellipsis, bullets, CJK,
/// Devanagari, Arabic, Armenian, Ethiopic, Burmese, Khmer and Tibetan marks).
static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'(' as usize] = true;
    t[b'[' as usize] = true;
    t[b'{' as usize] = true;
    t[0xC2] = true; // « » ‹ › NEL
    t[0xD6] = true; // ։
    t[0xD8] = true; // ؟
    t[0xDB] = true; // ۔
    t[0xE0] = true; // । ॥ །
    t[0xE1] = true; // ። ။ ។
    t[0xE2] = true; // … “ ” ‘ ’ „ • ‣ ⁃ ‼ ⁇ ⁈ ⁉ ◦ ▪ ● ■, line/paragraph separators
    t[0xE3] = true; // 。 「 」 『 』
    t[0xEF] = true; // ！ ． ？ ｡
    t
};

/// Splits `text` into sentences, returned as byte ranges trimmed of surrounding whitespace,
/// in order and non-overlapping; every range starts and ends on a character boundary, and
/// every non-whitespace character of `text` lies in exactly one range.
///
/// ```
/// use newsbrief::text::split_sentences;
/// let text = "Sen. Warren spoke in the U.S. Senate on Jan. 15. She said \"No.\" Then she left.";
/// let got: Vec<&str> = split_sentences(text).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(got, [
///     "Sen. Warren spoke in the U.S. Senate on Jan. 15.",
///     "She said \"No.\"",
///     "Then she left.",
/// ]);
/// ```
#[must_use]
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    Splitter::new(text).run()
}

/// The kind of a run of sentence marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cluster {
    /// One full stop.
    Period,
    /// `..`, `...`, `....`, `…`.
    Ellipsis,
    /// `. . .` with spaces; `attached` when its first dot touches the word before
    /// (`compounds. . . .`).
    SpacedEllipsis { dots: usize, attached: bool },
    /// Contains `?` or `!` (`?`, `!!`, `?!`).
    Question,
    /// A single `!`.
    Bang,
    /// A sentence mark of a script that uses it for nothing else (`।`, `؟`, `።`): ends a
    /// sentence before whitespace whatever follows.
    Unambiguous,
    /// A full-width mark (`。`, `！`, `？`, `．`): ends a sentence even with no space after.
    FullWidth,
}

/// The scanning state over one text.
struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    out: Vec<Range<usize>>,
    /// Start of the sentence being read (not yet trimmed).
    start: usize,
    /// First byte of the current line.
    line_start: usize,
    /// End of a list marker that opens the current sentence: its full stop ends nothing.
    marker_end: usize,
    /// Where the next item of the list that opens the current sentence begins, or `usize::MAX`.
    next_item: usize,
    /// Index of the closing mark of the quotation being read (0 when none).
    quote_close: usize,
    /// Index of the closing mark of the bracket being read (0 when none).
    bracket_close: usize,
    /// End of the last sentence mark that did not end a sentence (an abbreviation).
    held_end: usize,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            // News sentences run 100-200 bytes; one reservation covers almost every text.
            out: Vec::with_capacity(text.len() / 96 + 1),
            start: 0,
            line_start: 0,
            marker_end: 0,
            next_item: usize::MAX,
            quote_close: 0,
            bracket_close: 0,
            held_end: usize::MAX,
        }
    }

    fn run(mut self) -> Vec<Range<usize>> {
        let n = self.bytes.len();
        self.begin_sentence(0);
        let mut i = 0;
        while i < n {
            let limit = self.next_item.min(n);
            while i < limit && !INTERESTING[usize::from(self.bytes[i])] {
                i += 1;
            }
            if i == self.next_item {
                self.cut(i);
                if self.next_item <= i {
                    self.next_item = usize::MAX;
                }
                continue;
            }
            if i >= n {
                break;
            }
            let next = match self.bytes[i] {
                b'.' | b'?' | b'!' => self.sentence_mark(i),
                b'\n' | b'\r' => self.line_break(i),
                b'"' | b'\'' => {
                    self.quote(i, char::from(self.bytes[i]), 1);
                    i + 1
                }
                b'(' | b'[' | b'{' => {
                    self.bracket(i, char::from(self.bytes[i]));
                    i + 1
                }
                _ => self.multibyte(i),
            };
            // Every handler moves forward; the guard keeps the loop finite whatever happens.
            i = next.max(i + 1);
        }
        self.push(self.start, n);
        self.out
    }

    /// Handles a character of two or more bytes that starts at `i` (a char boundary: the
    /// scanner only stops on ASCII bytes and lead bytes).
    fn multibyte(&mut self, i: usize) -> usize {
        let Some((c, len)) = char_at(self.text, i) else {
            return i + 1;
        };
        match c {
            '…' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？' | '．' | '｡' | '؟' | '۔' | '।'
            | '॥' | '։' | '።' | '။' | '។' | '།' => self.sentence_mark(i),
            '“' | '‘' | '«' | '‹' | '„' | '「' | '『' => {
                self.quote(i, c, len);
                i + len
            }
            '（' => {
                self.bracket(i, c);
                i + len
            }
            '•' | '‣' | '⁃' | '◦' | '▪' | '●' | '■' => {
                // A bullet inside a line starts a new item.
                if char_before(self.text, i).is_none_or(char::is_whitespace) {
                    self.cut(i);
                }
                i + len
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => {
                self.cut(i);
                self.line_start = i + len;
                i + len
            }
            _ => i + len,
        }
    }

    /// Ends the current sentence at `end` and starts the next one there.
    fn cut(&mut self, end: usize) {
        if end < self.start {
            // Cuts only move forward; a stale position is ignored.
            return;
        }
        self.push(self.start, end);
        self.start = end;
        self.begin_sentence(end);
    }

    /// Records `start..end` trimmed of whitespace, if anything is left.
    fn push(&mut self, start: usize, end: usize) {
        let Some(s) = self.text.get(start..end) else {
            return;
        };
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        if !t.is_empty() {
            self.out.push(start + lead..start + lead + t.len());
        }
    }

    /// Looks for a list marker at the start of a sentence (after whitespace and bullets) and,
    /// if there is one, for where the next item of the same list begins.
    fn begin_sentence(&mut self, pos: usize) {
        self.marker_end = 0;
        self.next_item = usize::MAX;
        let mut p = pos;
        while let Some((c, len)) = char_at(self.text, p) {
            if c.is_whitespace() || matches!(c, '•' | '‣' | '⁃' | '◦' | '▪' | '●' | '■' | '*')
            {
                p += len;
            } else {
                break;
            }
        }
        if let Some((end, marker)) = parse_marker(self.bytes, p) {
            self.marker_end = end;
            self.next_item = find_next_item(self.bytes, end, marker).unwrap_or(usize::MAX);
        }
    }

    /// Decides at a run of sentence marks starting at `i`; returns where scanning goes on.
    fn sentence_mark(&mut self, i: usize) -> usize {
        if i < self.marker_end {
            return self.marker_end;
        }
        let (term_end, cluster) = self.cluster(i);
        let close_end = self.closers(term_end);
        // Inside a quotation or bracket that goes on after this mark: nothing ends here.
        if (self.quote_close > i && close_end <= self.quote_close)
            || (self.bracket_close > i && close_end <= self.bracket_close)
        {
            self.held_end = close_end;
            return close_end;
        }
        if cluster == Cluster::FullWidth {
            // `「行くよ。」と言った`: a quotation closed and followed straight by a word goes on.
            let goes_on = close_end > term_end
                && char_at(self.text, close_end).is_some_and(|(c, _)| c.is_alphabetic());
            if !goes_on {
                self.cut(close_end);
            }
            return close_end;
        }
        let n = self.bytes.len();
        let ws_end = skip_whitespace(self.text, close_end);
        if ws_end == n {
            return close_end;
        }
        if ws_end == close_end {
            // No space after the mark: only `world.Today` style run-ons end here.
            if cluster == Cluster::Period && close_end == term_end && self.run_on_boundary(i) {
                self.cut(i + 1);
            } else if let Some(end) = (cluster == Cluster::Period && close_end == term_end)
                .then(|| self.glued_note_end(i))
                .flatten()
            {
                self.cut(end);
                return end;
            } else {
                self.held_end = close_end;
            }
            return close_end;
        }
        if self.parenthesis_after_quote(term_end, close_end, ws_end) {
            self.held_end = close_end;
            return close_end;
        }
        let next = next_token(self.text, ws_end);
        let boundary = match cluster {
            Cluster::FullWidth | Cluster::Unambiguous => true,
            Cluster::Question => starts_sentence(next.kind),
            Cluster::Bang => {
                starts_sentence(next.kind)
                    && !(next.kind == NextKind::Upper && self.is_exclamation_name(i))
            }
            Cluster::Ellipsis => {
                // `[...]` marks an omission inside a quotation.
                starts_sentence(next.kind) && !(i > 0 && self.bytes[i - 1] == b'[')
            }
            Cluster::SpacedEllipsis { dots, attached } => {
                if attached {
                    // `compounds. . . . The`: the first dot ends the sentence and the
                    // ellipsis opens the next one.
                    if self.period_boundary(i, &next) {
                        self.cut(i + 1);
                    }
                    return close_end;
                }
                // ` . . . ` marks an omission; a fourth dot ends the sentence.
                dots >= 4 && starts_sentence(next.kind)
            }
            Cluster::Period => self.period_boundary(i, &next),
        };
        if boundary {
            self.cut(close_end);
        } else {
            self.held_end = close_end;
        }
        close_end
    }

    /// Reads the run of sentence marks at `i`: returns its end and kind.
    fn cluster(&self, i: usize) -> (usize, Cluster) {
        let mut j = i;
        let (mut dots, mut question, mut bangs, mut ellipsis) = (0usize, false, 0usize, false);
        let (mut unambiguous, mut full_width) = (false, false);
        while let Some((c, len)) = char_at(self.text, j) {
            match c {
                '.' => dots += 1,
                '?' | '‼' | '⁇' | '⁈' | '⁉' => question = true,
                '!' => bangs += 1,
                '…' => ellipsis = true,
                '。' | '！' | '？' | '．' | '｡' => full_width = true,
                '؟' | '۔' | '।' | '॥' | '։' | '።' | '။' | '។' | '།' => {
                    unambiguous = true
                }
                _ => break,
            }
            j += len;
        }
        if full_width {
            return (j, Cluster::FullWidth);
        }
        if unambiguous {
            return (j, Cluster::Unambiguous);
        }
        if question || bangs > 1 || (bangs == 1 && (dots > 0 || ellipsis)) {
            return (j, Cluster::Question);
        }
        if bangs == 1 {
            return (j, Cluster::Bang);
        }
        if ellipsis && dots == 0 {
            return (j, Cluster::Ellipsis);
        }
        // Spaced dots: `. . .`
        let mut spaced = false;
        if !ellipsis {
            while self.bytes.get(j) == Some(&b' ') && self.bytes.get(j + 1) == Some(&b'.') {
                j += 2;
                dots += 1;
                spaced = true;
                while self.bytes.get(j) == Some(&b'.') {
                    j += 1;
                    dots += 1;
                }
            }
        }
        if spaced {
            let attached = char_before(self.text, i).is_some_and(|c| !c.is_whitespace());
            return (j, Cluster::SpacedEllipsis { dots, attached });
        }
        if dots >= 2 || ellipsis {
            (j, Cluster::Ellipsis)
        } else {
            (j, Cluster::Period)
        }
    }

    /// Skips closing quotes and brackets after a sentence mark (`."`, `?’`, `.)`).
    fn closers(&self, mut j: usize) -> usize {
        while let Some((c, len)) = char_at(self.text, j) {
            if is_closer(c) {
                j += len;
            } else if c.is_whitespace()
                && char_at(self.text, j + len).is_some_and(|(d, _)| matches!(d, '»' | '›'))
            {
                // French spacing: `Bonjour. »`
                j += len;
            } else if let Some(end) = citation_end(self.bytes, j) {
                // Reference marks belong to the sentence they follow: `martyr.[1]`, `gas. [2]`.
                j = end;
            } else {
                break;
            }
        }
        j
    }

    /// Whether a full stop at `i` followed by whitespace and `next` ends a sentence.
    fn period_boundary(&self, i: usize, next: &Next<'_>) -> bool {
        let (word, word_start) = self.word_before(i);
        let class = classify(word);
        match next.kind {
            NextKind::Lower | NextKind::Other => false,
            NextKind::ListStart => true,
            NextKind::Digit => matches!(class, WordClass::Plain | WordClass::Number),
            NextKind::Upper | NextKind::Uncased => match class {
                WordClass::Plain | WordClass::Numeric => true,
                WordClass::Number => !(is_day_number(word) && MONTHS.contains(next.word)),
                WordClass::NeverEnd => false,
                WordClass::Title => next.is_starter(&STRONG_STARTERS),
                WordClass::Time => {
                    let continues =
                        TIME_CONTINUATIONS.contains(next.word) || is_time_zone(next.word);
                    !continues && !self.is_fragment(word_start)
                }
                WordClass::Ambiguous => !self.is_fragment(word_start) && next.is_starter(&STARTERS),
            },
        }
    }

    /// `Hello world.Today is`: a full stop between a word and a capitalised word with no space
    /// ends a sentence, unless it is part of a URL, an e-mail address, a domain, an acronym or
    /// an abbreviation.
    fn run_on_boundary(&self, i: usize) -> bool {
        let b = self.bytes;
        let prev_ok = i > 0 && (b[i - 1].is_ascii_lowercase() || b[i - 1].is_ascii_digit());
        if !prev_ok {
            return false;
        }
        // The token after must be a plain capitalised word: `Today`, `Mr.`, `That`.
        let mut q = i + 1;
        if !b.get(q).is_some_and(u8::is_ascii_uppercase) {
            return false;
        }
        q += 1;
        if !b.get(q).is_some_and(u8::is_ascii_lowercase) {
            return false;
        }
        while b.get(q).is_some_and(u8::is_ascii_alphabetic) {
            q += 1;
        }
        if b.get(q)
            .is_some_and(|c| matches!(c, b'.' | b',' | b';' | b':' | b'!' | b'?'))
        {
            q += 1;
        }
        if b.get(q).is_some_and(|c| !c.is_ascii_whitespace()) {
            return false;
        }
        let (word, _) = self.word_before(i);
        word.len() >= 2
            && !word.contains(['.', '/', '@', ':'])
            && matches!(classify(word), WordClass::Plain | WordClass::Number)
    }

    /// `... off the house!' (Which was very likely true.)`: a parenthetical sentence right
    /// after a quotation that closes with a sentence mark comments on it and belongs to the
    /// same sentence. True when the marks before `close_end` include a closing quote and a
    /// bracket at `ws_end` closes on the same line right after a sentence mark of its own.
    fn parenthesis_after_quote(&self, term_end: usize, close_end: usize, ws_end: usize) -> bool {
        let Some(closers) = self.text.get(term_end..close_end) else {
            return false;
        };
        if !closers.contains(['"', '\'', '\u{201d}', '\u{2019}', '\u{bb}'])
            || self.bytes.get(ws_end) != Some(&b'(')
        {
            return false;
        }
        let b = self.bytes;
        let limit = (ws_end + MAX_BRACKET_BYTES).min(b.len());
        let Some(close) = (ws_end + 1..limit)
            .take_while(|&p| b[p] != b'\n' && b[p] != b'\r' && b[p] != b'(')
            .find(|&p| b[p] == b')')
        else {
            return false;
        };
        matches!(b[close - 1], b'.' | b'!' | b'?')
    }

    /// `consultation.11 12 Take`, `(1987).1 According`: footnote numbers glued to the full
    /// stop at `i` belong to the sentence before it, which ends after them when a capitalised
    /// word follows. Returns where that sentence ends. A number before the stop (`2.1`), an
    /// abbreviation or a domain (`v.2`, `No.1`) is no sentence end.
    fn glued_note_end(&self, i: usize) -> Option<usize> {
        let b = self.bytes;
        let prev = *b.get(i.checked_sub(1)?)?;
        let ends_word = match prev {
            b')' | b']' => true,
            c if c.is_ascii_lowercase() => {
                let (word, _) = self.word_before(i);
                word.len() >= 2
                    && !word.contains(['.', '/', '@', ':'])
                    && classify(word) == WordClass::Plain
            }
            _ => false,
        };
        if !ends_word {
            return None;
        }
        let mut q = i + 1;
        let mut end = q;
        for _ in 0..MAX_GLUED_NOTES {
            let digits = b[q..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > MAX_NOTE_DIGITS {
                break;
            }
            end = q + digits;
            if !b.get(end).is_some_and(|c| *c == b' ' || *c == b'\t') {
                // `.11,`, `.11a` or the text's end: not a note mark before a new sentence.
                return None;
            }
            q = skip_whitespace(self.text, end);
        }
        if end == i + 1 {
            return None;
        }
        (next_token(self.text, skip_whitespace(self.text, end)).kind == NextKind::Upper)
            .then_some(end)
    }

    /// The token before the mark at `i` (back to whitespace or an opening bracket or quote),
    /// without leading punctuation, and where it starts.
    fn word_before(&self, i: usize) -> (&'a str, usize) {
        let b = self.bytes;
        let limit = i.saturating_sub(MAX_WORD_BYTES);
        // Never reach back into the previous sentence (`Tuesday.Mr.`).
        let floor = limit.max(self.start.min(i));
        let mut j = i;
        while j > floor {
            let c = b[j - 1];
            // `(CNN)Sen.` is `Sen`; `(Ind.)` is `Ind`.
            if c.is_ascii_whitespace()
                || matches!(c, b'(' | b')' | b'[' | b']' | b'{' | b'"' | b'\'')
            {
                break;
            }
            j -= 1;
        }
        if j == limit && limit > self.start {
            // Longer than any abbreviation (and `floor` may sit inside a character).
            return ("", i);
        }
        let Some(w) = self.text.get(j..i) else {
            return ("", i);
        };
        let t = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        (t, i - t.len())
    }

    /// Whether the sentence so far, up to `word_start`, is only a leading prepositional
    /// phrase (`At 5`).
    fn is_fragment(&self, word_start: usize) -> bool {
        let Some(s) = self.text.get(self.start..word_start) else {
            return false;
        };
        let s = s.trim_start();
        if s.len() > 32 {
            return false;
        }
        let mut words = s.split_whitespace();
        let Some(first) = words.next() else {
            return false;
        };
        words.count() < FRAGMENT_MAX_WORDS && PREPOSITIONS.contains(first)
    }

    /// Whether the word before the `!` at `i` is a name spelt with one (`Yahoo!`).
    fn is_exclamation_name(&self, i: usize) -> bool {
        EXCLAMATION_NAMES.contains_lower(self.word_before(i).0)
    }

    /// At a line break: a blank line, a headline, a dateline or a list line ends the sentence;
    /// a long wrapped line that goes on in lower case (or ends in a comma or an abbreviation)
    /// is joined with the next.
    fn line_break(&mut self, i: usize) -> usize {
        let b = self.bytes;
        let after = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
        let line = self.text.get(self.line_start..i).unwrap_or("").trim_end();
        let line_end = self.line_start + line.len();
        let long = line.trim_start().len() >= WRAP_MIN_LINE_BYTES;
        self.line_start = after;
        let mut p = after;
        while b.get(p).is_some_and(|&c| c == b' ' || c == b'\t') {
            p += 1;
        }
        let blank = p >= b.len() || b[p] == b'\n' || b[p] == b'\r';
        let join = !blank
            && (long || ends_dangling(line))
            && ((self.held_end == line_end && line_end > self.start)
                || ends_dangling(line)
                || (!line.ends_with(['.', '?', '!', ':', ';'])
                    && (line.ends_with(',')
                        || char_at(self.text, p).is_some_and(|(c, _)| c.is_lowercase()))));
        if !join {
            self.cut(i);
        }
        after
    }

    /// At an opening quote at `i`: if its closing mark comes soon, the quotation is read as
    /// one unit.
    fn quote(&mut self, i: usize, open: char, len: usize) {
        if self.quote_close > i {
            return;
        }
        let prev = char_before(self.text, i);
        let next = char_at(self.text, i + len).map(|(c, _)| c);
        let prev_opens = prev.is_none_or(|c| {
            c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | '"' | '“')
        });
        let opening = match open {
            '"' => prev_opens && next.is_some_and(|c| !c.is_whitespace()),
            '\'' | '‘' => prev_opens && next.is_some_and(char::is_alphanumeric),
            '«' | '‹' => true,
            _ => next.is_some_and(|c| !c.is_whitespace()),
        };
        if opening {
            if let Some(q) = self.find_close(i + len, open) {
                if q - i <= MAX_STANDALONE_QUOTE_BYTES || self.sentence_goes_on_after(q) {
                    self.quote_close = q;
                }
            }
        }
    }

    /// Whether the sentence goes on after the closing quote mark at `q`: the quotation ends in
    /// a comma (`appeal," he said`) or is followed by lower case or a comma.
    fn sentence_goes_on_after(&self, q: usize) -> bool {
        if char_before(self.text, q) == Some(',') {
            return true;
        }
        let after = self.closers(q);
        match char_at(self.text, after) {
            Some((',' | ';' | ':', _)) => true,
            Some((c, _)) if c.is_whitespace() => {
                next_token(self.text, skip_whitespace(self.text, after)).kind == NextKind::Lower
            }
            _ => false,
        }
    }

    /// At an opening bracket at `i`: if its closing mark comes soon (on the same line, nested
    /// brackets counted), the bracket is read as one unit.
    fn bracket(&mut self, i: usize, open: char) {
        if self.bracket_close > i {
            return;
        }
        let (open_b, close_b): (&[u8], &[u8]) = match open {
            '(' => (b"(", b")"),
            '[' => (b"[", b"]"),
            '{' => (b"{", b"}"),
            '（' => ("（".as_bytes(), "）".as_bytes()),
            _ => return,
        };
        let b = self.bytes;
        let limit = (i + MAX_BRACKET_BYTES).min(b.len());
        let mut depth = 0usize;
        let mut p = i;
        while p < limit {
            if b[p] == b'\n' || b[p] == b'\r' {
                return;
            }
            if b[p..].starts_with(open_b) {
                depth += 1;
                p += open_b.len();
            } else if b[p..].starts_with(close_b) {
                depth -= 1;
                if depth == 0 {
                    self.bracket_close = p;
                    return;
                }
                p += close_b.len();
            } else {
                p += 1;
            }
        }
    }

    /// Finds the mark that closes the quotation opened by `open`, on the same line and within
    /// [`MAX_QUOTE_BYTES`].
    fn find_close(&self, from: usize, open: char) -> Option<usize> {
        let limit = (from + MAX_QUOTE_BYTES).min(self.bytes.len());
        let (first, closes): (u8, &[char]) = match open {
            '"' => (b'"', &['"']),
            '\'' => (b'\'', &['\'']),
            '“' => (0xE2, &['”']),
            '‘' => (0xE2, &['’']),
            '„' => (0xE2, &['“', '”']),
            '«' => (0xC2, &['»']),
            '‹' => (0xE2, &['›']),
            '「' => (0xE3, &['」']),
            '『' => (0xE3, &['』']),
            _ => return None,
        };
        let mut p = from;
        while p < limit {
            let c = self.bytes[p];
            if c == b'\n' || c == b'\r' {
                return None;
            }
            if c != first {
                p += 1;
                continue;
            }
            let Some((ch, len)) = char_at(self.text, p) else {
                p += 1;
                continue;
            };
            if closes.contains(&ch) {
                let prev = char_before(self.text, p);
                let next = char_at(self.text, p + len).map(|(c, _)| c);
                match ch {
                    '"' => {
                        if prev.is_some_and(|c| !c.is_whitespace()) {
                            return Some(p);
                        }
                        if next.is_some_and(|c| !c.is_whitespace()) {
                            // Another opening quote: the first one was never closed.
                            return None;
                        }
                    }
                    '\'' | '’' => {
                        let apostrophe = prev.is_some_and(char::is_alphanumeric)
                            && next.is_some_and(char::is_alphanumeric);
                        if !apostrophe && prev.is_some_and(|c| !c.is_whitespace()) {
                            return Some(p);
                        }
                    }
                    _ => return Some(p),
                }
            } else if ch == open && open != '"' && open != '\'' {
                // The same opening mark again before any close: give up.
                return None;
            }
            p += len;
        }
        None
    }
}

#[cfg(test)]
mod tests;
