//! Ranking: the candidates that pass the rules, scored and ordered, with their features.
//!
//! For the last filters on whole candidates (the publisher, names used only as locations,
//! text not in English), the rules' score (mentions plus headline, lead, subject and role
//! bonuses) and the features the cut-off model weighs ([`candidate_features`]). Not for
//! where the list stops: that is the model in `cut`.

use foldhash::HashSet;

use super::aliases::{group, key_of, merge_aliases, Candidate};
use super::cut::Features;
use super::mentions::collect_mentions;
use super::rules::ActorRules;
use crate::text::Document;

/// Languages (ISO 639-1) that capitalise every noun.
pub const NOUN_CAPITALISING_LANGUAGES: &[&str] = &["de", "lb"];

/// Bonus for being named in the headline: the headline names the story's subject.
pub const TITLE_BONUS: f64 = 4.0;
/// Bonus for being named in the lead sentences.
pub const LEAD_BONUS: f64 = 2.0;
/// Bonus per mention as a sentence's subject (at most [`MAX_ROLE_MENTIONS`] count).
pub const SUBJECT_BONUS: f64 = 0.75;
/// Bonus per mention next to a role verb (at most [`MAX_ROLE_MENTIONS`] count).
pub const ROLE_BONUS: f64 = 0.75;
/// Role and subject mentions that count towards the bonus: beyond this, mentions count.
pub const MAX_ROLE_MENTIONS: u32 = 2;

/// Whether the headline names `c` (case-insensitive, whole words).
fn in_title(c: &Candidate, title_words: &[String]) -> bool {
    use crate::text::tokens::words;
    // `lower` is `word` lower-cased ([`str::to_lowercase`]), compared without a copy.
    let is_lower_of = |lower: &str, word: &str| {
        if word.is_ascii() {
            lower.len() == word.len()
                && (lower.bytes().zip(word.bytes())).all(|(a, b)| a == b.to_ascii_lowercase())
        } else {
            lower == word.to_lowercase()
        }
    };
    let has = |p: Vec<&str>| {
        !p.is_empty()
            && title_words.windows(p.len()).any(|w| {
                w.iter()
                    .zip(&p)
                    .all(|(lower, word)| is_lower_of(lower, word))
            })
    };
    // The words of the joined name are the words of each of its words.
    c.forms.iter().any(|(f, _)| has(words(f).collect()))
        || has(c.words.iter().flat_map(|w| words(w)).collect())
        || (c.person && c.words.last().is_some_and(|l| has(words(l).collect())))
}

/// [`RULE_FOREIGN_TEXT`]: a best-effort filter for text not in English.
///
/// [`RULE_FOREIGN_TEXT`]: super::RULE_FOREIGN_TEXT
struct ForeignText {
    /// The text's own stop words ("Die", "Ein"), when it is not English.
    stop_words: Option<HashSet<String>>,
    /// Every noun is capitalised in this language, so a lone capitalised word is no name.
    nouns_capitalised: bool,
}

impl ForeignText {
    fn of(doc: &Document) -> Self {
        if doc.is_english() {
            return Self {
                stop_words: None,
                nouns_capitalised: false,
            };
        }
        let lang = doc.language.as_deref().unwrap_or("");
        let code = lang.split(['-', '_']).next().unwrap_or("");
        Self {
            stop_words: Some(
                stop_words::lookup(code)
                    .unwrap_or(&[])
                    .iter()
                    .map(|w| w.to_lowercase())
                    .collect(),
            ),
            nouns_capitalised: NOUN_CAPITALISING_LANGUAGES.contains(&code),
        }
    }

    fn keeps(&self, c: &Candidate) -> bool {
        let Some(stop) = &self.stop_words else {
            return true;
        };
        let first_is_stop = c
            .words
            .first()
            .is_some_and(|w| stop.contains(&w.to_lowercase()));
        let acronym = c.words.len() == 1
            && c.words[0]
                .chars()
                .filter(|x| x.is_alphabetic())
                .all(char::is_uppercase);
        !first_is_stop && (!self.nouns_capitalised || c.words.len() > 1 || acronym)
    }
}

/// The candidates that pass the rules with their rule scores, best first.
pub(super) fn ranked_candidates(doc: &Document, rules: &ActorRules) -> Vec<(f64, Candidate)> {
    let foreign = ForeignText::of(doc);
    let (mentions, publisher) = collect_mentions(doc, rules);
    let mut cands = merge_aliases(group(mentions, rules), rules);
    if let Some(p) = publisher {
        // RULE_PUBLISHER: the outlet that wrote the story is not one of its actors.
        let p = key_of(&p, rules);
        cands.retain(|c| key_of(&c.words, rules) != p);
    }
    let title_words: Vec<String> = doc
        .title
        .as_deref()
        .map(|t| {
            crate::text::tokens::words(t)
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
    // RULE_ROLE_RANK
    let mut scored: Vec<(f64, Candidate)> = cands
        .into_iter()
        .filter_map(|mut c| {
            // RULE_LOCATIVE: a name only ever used as a location is a setting, not an actor.
            c.title = in_title(&c, &title_words);
            (c.title || !c.locative).then_some(c)
        })
        .filter(|c| foreign.keeps(c))
        .map(|c| {
            let score = f64::from(c.mentions)
                + if c.title { TITLE_BONUS } else { 0.0 }
                + if c.lead { LEAD_BONUS } else { 0.0 }
                + SUBJECT_BONUS * f64::from(c.subject.min(MAX_ROLE_MENTIONS))
                + ROLE_BONUS * f64::from(c.role.min(MAX_ROLE_MENTIONS));
            (score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.first.cmp(&b.1.first)));
    scored
}

/// The [`FEATURE_NAMES`] of each ranked candidate.
///
/// [`FEATURE_NAMES`]: super::cut::FEATURE_NAMES
pub(super) fn candidate_features(ranked: &[(f64, Candidate)], rules: &ActorRules) -> Vec<Features> {
    let top = ranked.first().map_or(1.0, |r| r.0.max(1e-9));
    let total_mentions: u32 = ranked.iter().map(|r| r.1.mentions).sum::<u32>().max(1);
    let last_order = ranked.iter().map(|r| r.1.first).max().unwrap_or(1).max(1);
    let log_candidates = (1.0 + ranked.len() as f64).ln();
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    ranked
        .iter()
        .enumerate()
        .map(|(rank, (score, c))| {
            let acronym = c.words.len() == 1
                && c.words[0]
                    .chars()
                    .filter(|x| x.is_alphabetic())
                    .all(char::is_uppercase);
            // A country only ever named as a country, never acting ("U.S. officials").
            let place = c.country.is_some()
                && c.forms.iter().all(|(f, _)| {
                    let w: Vec<&str> = f.split(' ').collect();
                    rules.country_of(&w).is_some()
                });
            [
                (1.0 + f64::from(c.mentions)).ln(),
                flag(c.title),
                flag(c.lead),
                f64::from(c.subject.min(MAX_ROLE_MENTIONS)) / f64::from(MAX_ROLE_MENTIONS),
                f64::from(c.role.min(MAX_ROLE_MENTIONS)) / f64::from(MAX_ROLE_MENTIONS),
                c.first as f64 / last_order as f64,
                flag(c.person),
                flag(c.country.is_some()),
                flag(place),
                flag(c.words.len() == 1 && !acronym),
                flag(acronym),
                1.0 / (1.0 + rank as f64),
                score / top,
                f64::from(c.mentions) / f64::from(total_mentions),
                log_candidates,
                flag(c.words.iter().any(|w| rules.is_org_word(w))),
                c.words.len().min(4) as f64 / 4.0,
            ]
        })
        .collect()
}
