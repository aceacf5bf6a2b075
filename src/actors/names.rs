//! Name-shaped runs of words in one sentence.
//!
//! For finding candidate names: capitalised words joined by name particles ("Department of
//! Justice", "Naeem ul Haque", "Wells Fargo & Co."), with possessives cut off ("Lycamobile's"
//! -> Lycamobile) and abbreviations kept whole ("U.S.", "Dr."). Each word ([`Tok`]) carries
//! the [`WordClass`] that `rules` works out for it, so the type lives here, beside the token.
//! Not for deciding which runs are actors: the steps after it (`mentions`, `aliases`,
//! `rank`, `cut`) do that; nor for the word lists themselves (see `rules`).

use std::borrow::Cow;
use std::cell::Cell;

/// Abbreviations whose full stop belongs to the word (not a sentence end).
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "co", "inc", "corp", "ltd", "jr", "sr", "gov", "sen", "rep",
    "gen", "prof", "lt", "col", "vs", "rev", "mt", "ft",
];

/// Separators that end a dateline or a subhead label at the start of a sentence.
const DATELINE_SEPARATORS: &[&str] = &[" — ", " – ", " - ", ": ", "—", ":"];

/// Longest dateline or label prefix, in bytes ("PETALING JAYA - ", "What Happened: ").
const MAX_DATELINE_BYTES: usize = 48;

/// Most words in a dateline or label prefix.
const MAX_DATELINE_WORDS: usize = 4;

/// Month names and abbreviations, to spot "Madrid, Jan 27 (IANS)" datelines.
const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// One word of a sentence.
#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    /// The word as written, possessive ending removed (a slice of the sentence).
    pub(crate) text: &'a str,
    /// The word in lower case (see [`Tok::lower`]): `text` itself when no letter changes,
    /// a slice of an ASCII-lowered copy of the sentence, or its own copy.
    lower: Cow<'a, str>,
    /// It ended in "'s" or "s'".
    pub(crate) possessive: bool,
    /// Punctuation or a line break comes right before it (names do not span these).
    pub(crate) brk: bool,
    /// The only punctuation right before it is one comma ("Trade, Industry").
    pub(crate) comma: bool,
    /// The word lists its lower-cased form is in, once worked out (`ActorRules::class`).
    pub(crate) class: Cell<WordClass>,
}

impl<'a> Tok<'a> {
    /// A word as written; lower-cased once here, as most tests on it ignore case.
    /// `ascii_lower` is the same bytes with ASCII letters lower-cased, when at hand.
    fn new(text: &'a str, ascii_lower: Option<&'a str>, possessive: bool) -> Self {
        let lower = match ascii_lower {
            // For an ASCII word that is all `str::to_lowercase` does.
            Some(l) if text.is_ascii() => Cow::Borrowed(l),
            _ => lowercase(text),
        };
        Self {
            text,
            lower,
            possessive,
            brk: false,
            comma: false,
            class: Cell::new(WordClass::default()),
        }
    }

    /// Starts with an upper-case letter ("Reuters", "U.S.", "III").
    pub(crate) fn is_cap(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Two or more letters, all upper case ("DOJ", "U.S.", "AT&T").
    pub(crate) fn is_all_caps(&self) -> bool {
        let mut letters = 0;
        for c in self.text.chars().filter(|c| c.is_alphabetic()) {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
        letters >= 2
    }

    /// Lower-cased text.
    pub(crate) fn lower(&self) -> &str {
        &self.lower
    }
}

/// Which of the [`ActorRules`] lists a lower-cased word is in, and a few fixed word tests,
/// as bits: worked out once per token ([`ActorRules::class`]) and then asked for free.
/// It is kept on the token ([`Tok::class`]); `rules` fills it.
///
/// [`ActorRules`]: super::rules::ActorRules
/// [`ActorRules::class`]: super::rules::ActorRules::class
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct WordClass(pub(super) u32);

impl WordClass {
    /// In `titles`, trailing full stops ignored ("Dr." is "dr").
    pub(super) const TITLE: Self = Self(1);
    /// In `titles` exactly as written.
    pub(super) const TITLE_EXACT: Self = Self(1 << 1);
    /// In `org_words`, all full stops ignored ("N.V." is "nv").
    pub(super) const ORG: Self = Self(1 << 2);
    /// In `name_particles`.
    pub(super) const PARTICLE: Self = Self(1 << 3);
    /// In `generic`.
    pub(super) const GENERIC: Self = Self(1 << 4);
    /// In `government_nouns`.
    pub(super) const GOVERNMENT_NOUN: Self = Self(1 << 5);
    /// In `role_verbs`.
    pub(super) const ROLE_VERB: Self = Self(1 << 6);
    /// In `role_preceders`.
    pub(super) const ROLE_PRECEDER: Self = Self(1 << 7);
    /// In `role_skip`.
    pub(super) const ROLE_SKIP: Self = Self(1 << 8);
    /// In `leading_words`.
    pub(super) const LEADING: Self = Self(1 << 9);
    /// In `non_actor_nouns`.
    pub(super) const NON_ACTOR_NOUN: Self = Self(1 << 10);
    /// In `place_nouns`.
    pub(super) const PLACE_NOUN: Self = Self(1 << 11);
    /// In `places`.
    pub(super) const PLACE: Self = Self(1 << 12);
    /// In `non_actor_heads`.
    pub(super) const NON_ACTOR_HEAD: Self = Self(1 << 13);
    /// A key of `countries`.
    pub(super) const COUNTRY: Self = Self(1 << 14);
    /// A key of `demonyms`.
    pub(super) const DEMONYM: Self = Self(1 << 15);
    /// An English stop word.
    pub(super) const STOP: Self = Self(1 << 16);
    /// The first word of a multi-word entry of `generic`, `places`, `countries` or
    /// `demonyms`: a longer name not starting with such a word is in none of them.
    pub(super) const MULTI_FIRST: Self = Self(1 << 17);
    /// Ends in one of [`ADJECTIVE_SUFFIXES`].
    ///
    /// [`ADJECTIVE_SUFFIXES`]: super::rules::ADJECTIVE_SUFFIXES
    pub(super) const ADJECTIVE: Self = Self(1 << 18);
    /// One of [`LOCATIVE_WORDS`].
    ///
    /// [`LOCATIVE_WORDS`]: super::rules::LOCATIVE_WORDS
    pub(super) const LOCATIVE: Self = Self(1 << 19);
    /// One of [`SUBJECT_LIST_WORDS`].
    ///
    /// [`SUBJECT_LIST_WORDS`]: super::rules::SUBJECT_LIST_WORDS
    pub(super) const SUBJECT_LIST: Self = Self(1 << 20);
    /// In `affiliations`.
    pub(super) const AFFILIATION: Self = Self(1 << 21);
    /// Marks a class as worked out (a token's cache starts empty).
    pub(super) const KNOWN: Self = Self(1 << 31);
    /// The bits that hold for the exact word (all but `TITLE` and `ORG`).
    pub(super) const EXACT: Self = Self(!(Self::TITLE.0 | Self::ORG.0));

    /// Whether any bit of `other` is set.
    pub(super) fn has(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub(super) fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// `s` lower-cased exactly as [`str::to_lowercase`] does, borrowed when no character
/// changes (most words of a text).
pub(crate) fn lowercase(s: &str) -> Cow<'_, str> {
    let unchanged = if s.is_ascii() {
        !s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.chars().all(|c| c.to_lowercase().eq([c]))
    };
    if unchanged {
        Cow::Borrowed(s)
    } else if s.is_ascii() {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

fn is_word_char(c: char) -> bool {
    // '@' and '#' keep handles and hashtags whole, so they never look like names.
    c.is_alphanumeric() || matches!(c, '&' | '.' | '-' | '\'' | '’' | '@' | '#')
}

/// `s` without its last character.
fn drop_last(s: &str) -> &str {
    s.char_indices().next_back().map_or(s, |(i, _)| &s[..i])
}

/// Cleans one raw run of word characters; returns the token and whether a full stop that
/// ended a sentence or abbreviation-less word was cut off. `ascii_lower` is `run` with
/// ASCII letters lower-cased, when at hand.
fn clean<'a>(run: &'a str, ascii_lower: Option<&'a str>) -> Option<(Tok<'a>, bool)> {
    let mut t = run.trim_start_matches(['.', '-', '\'', '’']);
    let start = run.len() - t.len();
    let mut possessive = false;
    let mut cut_stop = false;
    loop {
        // Every ending handled below ends in one of these characters; most words do not.
        if !t.ends_with(['s', '\'', '’', '-', '.']) {
            break;
        }
        if let Some(s) = t.strip_suffix("'s").or_else(|| t.strip_suffix("’s")) {
            t = s;
            possessive = true;
        } else if t.ends_with("s'") || t.ends_with("s’") {
            t = drop_last(t);
            possessive = true;
        } else if t.ends_with(['\'', '’', '-']) {
            t = drop_last(t);
        } else if let Some(s) = t.strip_suffix('.') {
            let keep = s.contains('.') || s.chars().count() == 1 || is_abbreviation(s);
            if keep {
                break;
            }
            t = s;
            cut_stop = true;
        } else {
            break;
        }
    }
    // `t` is `run[start..start + t.len()]`: the suffixes above only shorten it.
    let lower = ascii_lower.and_then(|l| l.get(start..start + t.len()));
    (!t.is_empty()).then(|| (Tok::new(t, lower, possessive), cut_stop))
}

/// Whether `s` (without its full stop) is one of [`ABBREVIATIONS`], in any case.
fn is_abbreviation(s: &str) -> bool {
    if s.is_ascii() {
        ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(s))
    } else {
        ABBREVIATIONS.contains(&&*lowercase(s))
    }
}

/// Splits a sentence into words, marking punctuation breaks between them. `ascii_lower`,
/// when given, is `s` with its ASCII letters lower-cased ([`str::to_ascii_lowercase`]): the
/// tokens' lower-case forms are then mostly slices of it, not copies.
pub(crate) fn tokenize<'s>(s: &'s str, ascii_lower: Option<&'s str>) -> Vec<Tok<'s>> {
    let ascii_lower = ascii_lower.filter(|l| l.len() == s.len());
    // About one word per six bytes of English text; sized for shorter words, so that the
    // vector seldom grows.
    let mut out: Vec<Tok<'_>> = Vec::with_capacity(s.len() / 4 + 1);
    let mut brk = true;
    // Punctuation marks since the last word, and whether one of them was a comma.
    let mut marks = 0u32;
    let mut comma = false;
    let mut run_start: Option<usize> = None;
    let push =
        |range: std::ops::Range<usize>, brk: &mut bool, comma: bool, out: &mut Vec<Tok<'s>>| {
            let lower = ascii_lower.and_then(|l| l.get(range.clone()));
            if let Some((mut tok, cut_stop)) = clean(&s[range], lower) {
                tok.brk = *brk;
                tok.comma = comma;
                *brk = cut_stop || tok.possessive;
                out.push(tok);
            } else {
                // A lone dash or stop between words is punctuation.
                *brk = true;
            }
        };
    for (i, c) in s.char_indices() {
        if is_word_char(c) {
            run_start.get_or_insert(i);
            continue;
        }
        if let Some(st) = run_start.take() {
            push(st..i, &mut brk, comma && marks == 1, &mut out);
            marks = 0;
            comma = false;
        }
        if !c.is_whitespace() || c == '\n' {
            brk = true;
            marks += 1;
            comma |= c == ',';
        }
    }
    if let Some(st) = run_start {
        push(st..s.len(), &mut brk, comma && marks == 1, &mut out);
    }
    out
}

/// The byte offset where the sentence proper starts, past a dateline ("PEORIA, Illinois —",
/// "MOSCOW (AP) —", "Madrid, Jan 27 (IANS)") or a subhead label ("What Happened:").
pub(crate) fn skip_dateline(s: &str) -> usize {
    // The head ends at the start of the last character that starts within the limit.
    let mut head_end = MAX_DATELINE_BYTES.min(s.len().saturating_sub(1));
    while !s.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let head = &s[..head_end];
    // Every separator holds one of these characters; most heads hold none.
    if head.contains(['—', '–', '-', ':']) {
        for sep in DATELINE_SEPARATORS {
            if let Some(pos) = head.find(sep) {
                let prefix = &s[..pos];
                let words: Vec<&str> = crate::text::tokens::words(prefix).collect();
                let first_all_caps = words.first().is_some_and(|w| {
                    w.chars().filter(|c| c.is_alphabetic()).count() >= 3
                        && w.chars().all(|c| !c.is_lowercase())
                });
                let all_capitalised = words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()));
                let max_words = if first_all_caps {
                    MAX_DATELINE_WORDS + 2
                } else {
                    MAX_DATELINE_WORDS
                };
                if !words.is_empty()
                    && words.len() <= max_words
                    && (first_all_caps || all_capitalised)
                {
                    return pos + sep.len();
                }
            }
        }
    }
    if let Some((end, _)) = opening_credit(s) {
        return end;
    }
    // "City, Mon DD (WIRE) ...": skip through the closing bracket.
    let Some(close) = head.find(')') else {
        return 0;
    };
    let month_second = crate::text::tokens::words(head)
        .nth(1)
        .is_some_and(|w| MONTHS.contains(&&*lowercase(w)));
    if month_second && head.split(',').next().is_some_and(|p| !p.contains(' ')) {
        return close + 1;
    }
    0
}

/// The outlet credited at the opening of a story ("(CNN)", "New Delhi (CNN)", "LONDON
/// (AP) —"), and the byte offset where the sentence proper starts after it.
pub(crate) fn opening_credit(s: &str) -> Option<(usize, &str)> {
    let open = s.get(..MAX_DATELINE_BYTES.min(s.len()))?.find('(')?;
    let close = open + s[open..].find(')')?;
    let credit = &s[open + 1..close];
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let prefix: Vec<&str> = crate::text::tokens::words(&s[..open]).collect();
    let credit_words: Vec<&str> = crate::text::tokens::words(credit).collect();
    let ok = prefix.len() <= MAX_DATELINE_WORDS
        && prefix.iter().all(|w| capitalised(w))
        && (1..=3).contains(&credit_words.len())
        && credit_words.iter().all(|w| capitalised(w))
        && !credit.contains(':')
        && credit.len() <= MAX_CREDIT_BYTES;
    if !ok {
        return None;
    }
    let rest = &s[close + 1..];
    let body = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '—' | '–'));
    // "Acme Corp (ACME) said": a ticker after a name, not a credit before the story.
    capitalised(body).then_some((s.len() - body.len(), credit))
}

/// Longest outlet name in an opening credit ("(CNN Business)").
const MAX_CREDIT_BYTES: usize = 30;

/// Runs of capitalised words, joined by name particles ("of", "ul", "&"), not crossing
/// punctuation and ending at a possessive; `is_particle` tells the name particles apart.
/// Returns token index ranges.
pub(crate) fn chains(
    toks: &[Tok<'_>],
    is_particle: impl Fn(&Tok<'_>) -> bool,
    org_link: impl Fn(&Tok<'_>, &Tok<'_>) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_cap() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < toks.len() && !toks[end - 1].possessive && !toks[end].brk {
            if toks[end].is_cap() {
                end += 1;
                continue;
            }
            // Particles: "of", "of the", "and", "&", "ul" between capitalised words.
            let mut j = end;
            let mut joined = 0;
            while j < toks.len() && !toks[j].brk && joined < 2 {
                let l = toks[j].lower();
                // "Council on ...", "Centers for ...": "on" and "for" join after an
                // organisation word only (not "Merkel on Tuesday").
                let linked = matches!(l, "on" | "for")
                    && joined == 0
                    && toks.get(j + 1).is_some_and(|n| org_link(&toks[j - 1], n));
                let ok = is_particle(&toks[j])
                    || linked
                    || l == "and"
                    || l == "&"
                    || (l == "the" && j > 0 && toks[j - 1].lower() == "of");
                if !ok {
                    break;
                }
                j += 1;
                joined += 1;
            }
            if joined > 0 && j < toks.len() && !toks[j].brk && toks[j].is_cap() {
                end = j + 1;
            } else {
                break;
            }
        }
        if toks[start + 1..end].iter().any(|t| t.lower() == "of") {
            end = comma_list_end(toks, end).unwrap_or(end);
        }
        out.push(start..end);
        i = end;
    }
    out
}

/// Where a comma list of single words ending in "and X" that continues a name ends
/// ("Ministry of Trade, Industry and Energy"), if one starts at `end`.
fn comma_list_end(toks: &[Tok<'_>], end: usize) -> Option<usize> {
    let mut k = end;
    for _ in 0..MAX_LIST_ITEMS {
        let item = toks.get(k)?;
        if !item.comma || !item.is_cap() || item.is_all_caps() || item.possessive {
            return None;
        }
        k += 1;
        let joins = |i: usize| toks.get(i).is_some_and(|t| !t.brk);
        if joins(k) && matches!(toks[k].lower(), "and" | "&") && joins(k + 1) {
            let last = &toks[k + 1];
            let ends = !joins(k + 2) || !toks[k + 2].is_cap();
            return (last.is_cap() && !last.is_all_caps() && ends).then_some(k + 2);
        }
    }
    None
}

/// Most items of a comma list inside one name, besides the one after "and".
const MAX_LIST_ITEMS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let t = tokenize(s, None);
        chains(&t, |x| ["of", "ul"].contains(&x.lower()), |_, _| false)
            .into_iter()
            .map(|r| t[r].iter().map(|x| x.text).collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[test]
    fn multiword_names_with_particles() {
        assert_eq!(
            texts("The Department of Homeland Security met Naeem ul Haque."),
            ["The Department of Homeland Security", "Naeem ul Haque"]
        );
    }

    #[test]
    fn possessive_and_punctuation_end_a_name() {
        assert_eq!(
            texts("Lycamobile's PR firm, BuzzFeed News said."),
            ["Lycamobile", "PR", "BuzzFeed News"]
        );
    }

    #[test]
    fn abbreviations_keep_their_stop() {
        let s = "U.S. officials met Dr. Lee at Acme Co. today.";
        let lower = s.to_ascii_lowercase();
        let t = tokenize(s, Some(&lower));
        assert_eq!(t[0].lower(), "u.s.");
        assert_eq!(t[6].lower(), "acme");
        let words: Vec<&str> = t.iter().map(|x| x.text).collect();
        assert_eq!(
            words,
            [
                "U.S.",
                "officials",
                "met",
                "Dr.",
                "Lee",
                "at",
                "Acme",
                "Co.",
                "today"
            ]
        );
    }

    #[test]
    fn datelines_are_skipped() {
        let s = "PEORIA, Illinois — Officials said so.";
        assert_eq!(&s[skip_dateline(s)..], "Officials said so.");
        let s = "Madrid, Jan 27 (IANS) Atletico Madrid confirmed it.";
        assert_eq!(
            s[skip_dateline(s)..].trim(),
            "Atletico Madrid confirmed it."
        );
        let s = "The statement continued: more words here.";
        assert_eq!(skip_dateline(s), 0);
    }
}
