//! Cue phrases and the word lists they are matched against.
//!
//! For matching short editable phrases ("declined to comment", "rejected ... claims") against
//! one sentence's lower-cased words, and for telling whether the words just before a match
//! negate it. Not a general tokenizer (see `crate::text::tokens` for that): it keeps clause
//! breaks, because negation does not reach across a comma.

use foldhash::HashMap;

/// Words looked at before a cue when checking it for negation or a conditional.
pub(crate) const LOOKBACK_WORDS: usize = 5;

/// Most words a `...` gap in a phrase may skip.
pub(crate) const MAX_GAP_WORDS: usize = 4;

/// The lower-cased words of one sentence, with the clause breaks between them.
///
/// The words live in one buffer (a sentence costs three allocations, not one per word).
#[derive(Debug, Clone, Default)]
pub(crate) struct Words {
    /// Every word, lower-cased and with curly apostrophes made straight, back to back.
    buf: String,
    /// `ends[i]`: the end of word `i` in `buf` (it starts where word `i - 1` ends).
    ends: Vec<usize>,
    /// `breaks[i]`: a clause break (comma, colon, quote, dash, bracket, full stop) comes
    /// right before word `i`.
    pub(crate) breaks: Vec<bool>,
    /// `quoted[i]`: word `i` stands inside quotation marks (someone else's words).
    pub(crate) quoted: Vec<bool>,
    /// `capital[i]`: word `i` starts with a capital letter in the text.
    pub(crate) capital: Vec<bool>,
}

impl Words {
    /// Splits `text` into lower-cased words, noting clause breaks.
    pub(crate) fn new(text: &str) -> Self {
        let mut out = Self {
            buf: String::with_capacity(text.len()),
            ends: Vec::with_capacity(text.len() / 5),
            breaks: Vec::with_capacity(text.len() / 5),
            quoted: Vec::with_capacity(text.len() / 5),
            capital: Vec::with_capacity(text.len() / 5),
        };
        let mut start = 0;
        let mut pending_break = false;
        let mut in_quote = false;
        let mut first_capital = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if out.buf.len() == start && c.is_alphanumeric() {
                first_capital = c.is_uppercase();
            }
            let c = if c == '’' || c == '‘' { '\'' } else { c };
            let inner_apostrophe = c == '\''
                && out.buf.len() > start
                && chars.peek().is_some_and(|n| n.is_alphanumeric());
            if c.is_ascii_alphanumeric() || inner_apostrophe {
                out.buf.push(c.to_ascii_lowercase());
                continue;
            }
            if c.is_alphanumeric() {
                out.buf.extend(c.to_lowercase());
                continue;
            }
            if out.buf.len() > start {
                out.ends.push(out.buf.len());
                out.breaks.push(pending_break);
                out.quoted.push(in_quote);
                out.capital.push(first_capital);
                start = out.buf.len();
                pending_break = false;
            }
            match c {
                '"' => in_quote = !in_quote,
                '“' => in_quote = true,
                '”' => in_quote = false,
                _ => {}
            }
            if is_clause_break(c) {
                pending_break = true;
            }
        }
        if out.buf.len() > start {
            out.ends.push(out.buf.len());
            out.breaks.push(pending_break);
            out.quoted.push(in_quote);
            out.capital.push(first_capital);
        }
        out
    }

    /// How many words the sentence has.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Word `i`, if there is one.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        Some(&self.buf[start..end])
    }

    /// The words in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The words before `start` in the same clause, nearest first, at most `n`.
    pub(crate) fn before(&self, start: usize, n: usize) -> impl Iterator<Item = &str> {
        let mut i = start;
        let mut taken = 0;
        std::iter::from_fn(move || {
            if i == 0 || taken == n || self.breaks[i] {
                return None;
            }
            i -= 1;
            taken += 1;
            self.get(i)
        })
    }
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '.' | '!' | '?' | '"' | '(' | ')' | '—' | '–' | '“' | '”' | '|'
    )
}

/// One element of a phrase.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// This exact word.
    Word(String),
    /// Any word starting with this.
    Prefix(String),
    /// Zero to [`MAX_GAP_WORDS`] words.
    Gap,
}

/// A cue phrase with its weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cue {
    parts: Vec<Part>,
    /// How strongly a match shows its label.
    pub(crate) weight: f64,
    /// The phrase as written in the rules file.
    pub(crate) phrase: String,
}

/// A match of a cue: word range in the sentence and the cue's weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) weight: f64,
}

impl Cue {
    /// Parses a phrase: words, `word*` prefixes, `...` gaps. `None` if it has no word.
    pub(crate) fn parse(phrase: &str, weight: f64) -> Option<Self> {
        let lower = phrase.to_lowercase();
        let parts: Vec<Part> = lower
            .split_whitespace()
            .map(|w| {
                if w == "..." {
                    Part::Gap
                } else if let Some(p) = w.strip_suffix('*') {
                    Part::Prefix(p.replace('’', "'"))
                } else {
                    Part::Word(w.replace('’', "'"))
                }
            })
            .collect();
        let first_is_word = matches!(parts.first(), Some(Part::Word(_) | Part::Prefix(_)));
        let last_is_word = matches!(parts.last(), Some(Part::Word(_) | Part::Prefix(_)));
        (first_is_word && last_is_word).then(|| Self {
            parts,
            weight,
            phrase: phrase.to_string(),
        })
    }

    /// Every match of this cue in `w` (the shortest one at each start).
    #[cfg(test)]
    pub(crate) fn find(&self, w: &Words) -> Vec<Hit> {
        (0..w.len())
            .filter_map(|start| self.find_at(w, start))
            .collect()
    }

    /// The shortest match of this cue starting at word `start`, if any.
    fn find_at(&self, w: &Words, start: usize) -> Option<Hit> {
        match_from(&self.parts, w, start).map(|end| Hit {
            start,
            end,
            weight: self.weight,
        })
    }
}

/// The kinds of cue a sentence is scored on, one group of phrases each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// Early-stage process: probes, talks, plans.
    Process,
    /// A decided outcome.
    Outcome,
    /// A named party denies the claim.
    Denied,
    /// Declining to comment and the like: not a denial.
    NonDenial,
    /// Anonymous sourcing, "reportedly".
    Unconfirmed,
    /// On-record confirmation.
    Confirmed,
    /// The sentence calls itself background.
    Background,
}

/// How many [`Group`]s there are.
pub(crate) const GROUPS: usize = 7;

/// Every cue of every group, indexed together by first word.
///
/// With hundreds of cues, trying every cue at every word of every sentence dominated the
/// cost of a brief; looking up the cues that start with each word makes it one hash lookup
/// per word for all the groups at once. Cues that open with a `word*` prefix are few and
/// tried everywhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CueSet {
    /// The cues, one list per [`Group`] (in declaration order).
    groups: [Vec<Cue>; GROUPS],
    /// First word -> (group, cue) pairs.
    by_first_word: HashMap<String, Vec<(Group, usize)>>,
    prefix_first: Vec<(Group, usize)>,
}

/// The matches of a [`CueSet`] in one sentence.
#[derive(Debug, Default)]
pub(crate) struct Found {
    hits: Vec<(Group, Hit)>,
}

impl Found {
    /// The matches of one group, in no particular order.
    pub(crate) fn of(&self, group: Group) -> impl Iterator<Item = Hit> + '_ {
        self.hits
            .iter()
            .filter(move |(g, _)| *g == group)
            .map(|&(_, h)| h)
    }
}

impl CueSet {
    /// Adds the cues of `group` to the set.
    pub(crate) fn add(&mut self, group: Group, cues: Vec<Cue>) {
        let list = &mut self.groups[group as usize];
        for c in cues {
            let key = (group, list.len());
            match c.parts.first() {
                Some(Part::Word(first)) => self
                    .by_first_word
                    .entry(first.clone())
                    .or_default()
                    .push(key),
                _ => self.prefix_first.push(key),
            }
            list.push(c);
        }
    }

    /// The cues of one group.
    #[cfg(test)]
    pub(crate) fn group(&self, group: Group) -> &[Cue] {
        &self.groups[group as usize]
    }

    /// Every match of every cue in `w` (the shortest one per cue and start).
    pub(crate) fn find(&self, w: &Words) -> Found {
        let cue = |(g, i): (Group, usize)| &self.groups[g as usize][i];
        let mut hits = Vec::new();
        for (start, word) in w.iter().enumerate() {
            for &key in self.by_first_word.get(word).into_iter().flatten() {
                hits.extend(cue(key).find_at(w, start).map(|h| (key.0, h)));
            }
        }
        for &key in &self.prefix_first {
            for start in 0..w.len() {
                hits.extend(cue(key).find_at(w, start).map(|h| (key.0, h)));
            }
        }
        Found { hits }
    }
}

/// Matches `parts` against `words` from `at`; returns the end (exclusive) of the match.
fn match_from(parts: &[Part], words: &Words, at: usize) -> Option<usize> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(at);
    };
    match first {
        Part::Gap => (0..=MAX_GAP_WORDS)
            .filter(|skip| at + skip <= words.len())
            .find_map(|skip| match_from(rest, words, at + skip)),
        Part::Word(x) => {
            (words.get(at)? == x.as_str()).then_some(())?;
            match_from(rest, words, at + 1)
        }
        Part::Prefix(x) => {
            words.get(at)?.starts_with(x.as_str()).then_some(())?;
            match_from(rest, words, at + 1)
        }
    }
}

/// Whether `word` is one of `list`, or a contraction ending in "n't" when the list holds
/// "not" (so "didn't", "hasn't" negate without listing each).
pub(crate) fn word_in(word: &str, list: &[String]) -> bool {
    list.iter().any(|x| x == word) || (word.ends_with("n't") && list.iter().any(|x| x == "not"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_contractions_and_breaks() {
        let w = Words::new("He didn’t say, “No.”");
        assert_eq!(w.iter().collect::<Vec<_>>(), ["he", "didn't", "say", "no"]);
        assert_eq!(w.breaks, [false, false, false, true]);
    }

    #[test]
    fn phrases_with_prefix_and_gap() {
        let c = Cue::parse("rejected ... claim*", 1.0).unwrap();
        assert_eq!(
            c.find(&Words::new("She rejected the claims outright"))
                .len(),
            1
        );
        assert!(c.find(&Words::new("She rejected the offer")).is_empty());
        let far = "She rejected one two three four five claims";
        assert!(c.find(&Words::new(far)).is_empty());
    }

    #[test]
    fn lookback_stops_at_clause_break() {
        let w = Words::new("Not now, he denied it");
        let pos = w.iter().position(|x| x == "denied").unwrap();
        let before: Vec<&str> = w.before(pos, 5).collect();
        assert_eq!(before, ["he"]);
    }
}
