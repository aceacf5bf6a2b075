//! The word lists the actor rules read, and what each word is.
//!
//! For loading `prompts/actors.toml` (titles, organisation words, generic words, places,
//! countries and demonyms, role verbs and the rest) into [`ActorRules`], and for answering,
//! once per token, which of those lists a word is in ([`WordClass`], kept on the token), so
//! that the steps after ask about a word for free. Not for deciding what is a name or an
//! actor: that is `mentions`, `aliases` and `rank`; nor for the cut-off model's weights
//! (see `cut`).

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Deserialize;

use super::cut::ActorModel;
use super::names::{self, Tok, WordClass};
use crate::error::{Error, Result};

/// Words that may come before a subject besides other names ("The X, the Y and Z said").
pub const SUBJECT_LIST_WORDS: &[&str] = &["the", "a", "an", "and", "both", "&", "of"];

/// Word endings that make a capitalised word an adjective, not a name.
pub const ADJECTIVE_SUFFIXES: &[&str] = &[
    "-based",
    "-owned",
    "-led",
    "-backed",
    "-born",
    "-run",
    "-year-old",
];

/// Words before a name that make the mention a location ("in Mubende district").
pub const LOCATIVE_WORDS: &[&str] = &["in", "at", "near", "outside", "inside", "across", "around"];

/// The text of `prompts/actors.toml` compiled into the binary.
pub const BUILTIN_ACTORS_TOML: &str = include_str!("../../prompts/actors.toml");

/// Word lists for [`key_actors`](super::key_actors), from `prompts/actors.toml`.
#[derive(Debug, Clone, Default)]
pub struct ActorRules {
    titles: HashSet<String>,
    org_words: HashSet<String>,
    pub(super) reorderable_heads: HashSet<String>,
    particles: HashSet<String>,
    pub(super) generic: HashSet<String>,
    pub(super) government_nouns: HashSet<String>,
    role_verbs: HashSet<String>,
    role_preceders: HashSet<String>,
    role_skip: HashSet<String>,
    leading_words: HashSet<String>,
    non_actor_nouns: HashSet<String>,
    place_nouns: HashSet<String>,
    pub(super) places: HashSet<String>,
    non_actor_heads: HashSet<String>,
    affiliations: HashSet<String>,
    pub(super) countries: HashMap<String, String>,
    pub(super) demonyms: HashMap<String, String>,
    stop_words: HashSet<String>,
    /// For every entry of the lists above, the lists it is in ([`WordClass`]), so that a
    /// word is looked up once however many lists are asked about it.
    classes: HashMap<String, WordClass>,
    /// The learned cut-off ([`RULE_CUT`](super::RULE_CUT)), from `prompts/actor_model.toml`.
    pub model: ActorModel,
}

#[derive(Debug, Deserialize)]
struct RawActorRules {
    titles: Vec<String>,
    org_words: Vec<String>,
    reorderable_heads: Vec<String>,
    name_particles: Vec<String>,
    generic: Vec<String>,
    government_nouns: Vec<String>,
    role_verbs: Vec<String>,
    role_preceders: Vec<String>,
    role_skip: Vec<String>,
    leading_words: Vec<String>,
    non_actor_nouns: Vec<String>,
    place_nouns: Vec<String>,
    places: Vec<String>,
    non_actor_heads: Vec<String>,
    #[serde(default)]
    affiliations: Vec<String>,
    countries: HashMap<String, String>,
    demonyms: HashMap<String, String>,
}

fn lower_set(v: Vec<String>) -> HashSet<String> {
    v.into_iter().map(|s| s.to_lowercase()).collect()
}

impl ActorRules {
    /// The built-in lists (compiled in from `prompts/actors.toml`).
    #[must_use]
    pub fn builtin() -> Self {
        // Checked by the `builtin_rules_parse` test; empty lists are the safe fallback.
        Self::from_toml(BUILTIN_ACTORS_TOML).unwrap_or_default()
    }

    /// The built-in lists, parsed once and shared.
    #[must_use]
    pub fn shared() -> &'static Self {
        static RULES: OnceLock<ActorRules> = OnceLock::new();
        RULES.get_or_init(Self::builtin)
    }

    /// Parses the lists from the text of an `actors.toml` file.
    ///
    /// # Errors
    /// [`Error::BadInput`] when the TOML is malformed or misses a list.
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: RawActorRules = toml::from_str(text)
            .map_err(|e| Error::BadInput(format!("actor rules: {}", e.message())))?;
        let stop_words = stop_words::get(stop_words::Language::English)
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        let mut rules = Self {
            titles: lower_set(raw.titles),
            org_words: lower_set(raw.org_words),
            reorderable_heads: lower_set(raw.reorderable_heads),
            particles: lower_set(raw.name_particles),
            generic: lower_set(raw.generic),
            government_nouns: lower_set(raw.government_nouns),
            role_verbs: lower_set(raw.role_verbs),
            role_preceders: lower_set(raw.role_preceders),
            role_skip: lower_set(raw.role_skip),
            leading_words: lower_set(raw.leading_words),
            non_actor_nouns: lower_set(raw.non_actor_nouns),
            place_nouns: lower_set(raw.place_nouns),
            places: lower_set(raw.places),
            non_actor_heads: lower_set(raw.non_actor_heads),
            affiliations: lower_set(raw.affiliations),
            countries: raw
                .countries
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            demonyms: raw
                .demonyms
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            stop_words,
            classes: HashMap::new(),
            model: ActorModel::builtin(),
        };
        rules.classes = rules.word_classes();
        Ok(rules)
    }

    /// The [`WordClass`] map: every entry of every list, with the lists it is in.
    fn word_classes(&self) -> HashMap<String, WordClass> {
        let mut classes: HashMap<String, WordClass> = HashMap::new();
        let mut mark = |words: &mut dyn Iterator<Item = &String>, bit: WordClass| {
            for w in words {
                let c = classes.entry(w.clone()).or_default();
                *c = c.with(bit);
            }
        };
        let sets: [(&HashSet<String>, WordClass); 15] = [
            (&self.affiliations, WordClass::AFFILIATION),
            (&self.titles, WordClass::TITLE.with(WordClass::TITLE_EXACT)),
            (&self.org_words, WordClass::ORG),
            (&self.particles, WordClass::PARTICLE),
            (&self.generic, WordClass::GENERIC),
            (&self.government_nouns, WordClass::GOVERNMENT_NOUN),
            (&self.role_verbs, WordClass::ROLE_VERB),
            (&self.role_preceders, WordClass::ROLE_PRECEDER),
            (&self.role_skip, WordClass::ROLE_SKIP),
            (&self.leading_words, WordClass::LEADING),
            (&self.non_actor_nouns, WordClass::NON_ACTOR_NOUN),
            (&self.place_nouns, WordClass::PLACE_NOUN),
            (&self.places, WordClass::PLACE),
            (&self.non_actor_heads, WordClass::NON_ACTOR_HEAD),
            (&self.stop_words, WordClass::STOP),
        ];
        for (set, bit) in sets {
            mark(&mut set.iter(), bit);
        }
        mark(&mut self.countries.keys(), WordClass::COUNTRY);
        mark(&mut self.demonyms.keys(), WordClass::DEMONYM);
        let joined = self.generic.iter().chain(&self.places);
        let joined = joined.chain(self.countries.keys().chain(self.demonyms.keys()));
        let firsts: Vec<String> = joined
            .filter_map(|k| k.split_once(' ').map(|(first, _)| first.to_string()))
            .collect();
        mark(&mut firsts.iter(), WordClass::MULTI_FIRST);
        classes
    }

    /// The lists the lower-cased word `l` is in, with the same tests as asking each list
    /// (dots ignored for organisation words, trailing dots for titles).
    fn class_of_lower(&self, l: &str) -> WordClass {
        let get = |w: &str| self.classes.get(w).copied().unwrap_or_default();
        let exact = get(l);
        let mut c = WordClass(exact.0 & WordClass::EXACT.0).with(WordClass::KNOWN);
        if l.contains('.') {
            if get(&l.replace('.', "")).has(WordClass::ORG) {
                c = c.with(WordClass::ORG);
            }
            if get(l.trim_end_matches('.')).has(WordClass::TITLE) {
                c = c.with(WordClass::TITLE);
            }
        } else {
            c = c.with(WordClass(exact.0 & (WordClass::ORG.0 | WordClass::TITLE.0)));
        }
        // "April-June", "Mon-Fri": every part generic makes the whole generic.
        if l.contains('-') && l.split('-').all(|part| get(part).has(WordClass::GENERIC)) {
            c = c.with(WordClass::GENERIC);
        }
        if ADJECTIVE_SUFFIXES.iter().any(|x| l.ends_with(x)) {
            c = c.with(WordClass::ADJECTIVE);
        }
        if LOCATIVE_WORDS.contains(&l) {
            c = c.with(WordClass::LOCATIVE);
        }
        if SUBJECT_LIST_WORDS.contains(&l) {
            c = c.with(WordClass::SUBJECT_LIST);
        }
        c
    }

    /// The [`WordClass`] of a token's lower-cased form, worked out on first use and kept
    /// on the token.
    pub(super) fn class(&self, t: &Tok) -> WordClass {
        let c = t.class.get();
        if c.has(WordClass::KNOWN) {
            return c;
        }
        let c = self.class_of_lower(t.lower());
        t.class.set(c);
        c
    }

    /// Loads `prompts/actors.toml` (or `actors.toml`) and `prompts/actor_model.toml` (or
    /// `actor_model.toml`) from `dir` when present, so users can tune the word lists and
    /// the cut-off without a rebuild; otherwise the built-in ones.
    ///
    /// # Errors
    /// [`Error::Io`] when the file exists but cannot be read, or any [`Self::from_toml`]
    /// error.
    pub fn load(dir: &std::path::Path) -> Result<Self> {
        let mut rules = match crate::config::read_rules_file(dir, "actors.toml")? {
            Some(text) => Self::from_toml(&text)?,
            None => Self::builtin(),
        };
        if let Some(text) = crate::config::read_rules_file(dir, "actor_model.toml")? {
            rules.model = ActorModel::from_toml(&text)?;
        }
        Ok(rules)
    }

    pub(super) fn is_title(&self, t: &Tok) -> bool {
        self.class(t).has(WordClass::TITLE)
    }

    /// [`Self::is_org_word`] for a token.
    pub(super) fn is_org(&self, t: &Tok) -> bool {
        self.class(t).has(WordClass::ORG)
    }

    /// Whether the token's lower-cased form has any of the `bits`.
    pub(super) fn is(&self, t: &Tok, bits: WordClass) -> bool {
        self.class(t).has(bits)
    }

    /// Whether `w` is an organisation word, in any case and with or without dots
    /// ("Ministry", "INC.", "N.V.").
    pub(super) fn is_org_word(&self, w: &str) -> bool {
        self.is_org_lower(&names::lowercase(w))
    }

    /// [`Self::is_org_word`] for a word already in lower case.
    fn is_org_lower(&self, l: &str) -> bool {
        if l.contains('.') {
            self.org_words.contains(&l.replace('.', ""))
        } else {
            self.org_words.contains(l)
        }
    }

    pub(super) fn country_of(&self, words: &[&str]) -> Option<&String> {
        self.countries.get(&words.join(" ").to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let r = ActorRules::from_toml(BUILTIN_ACTORS_TOML).unwrap();
        assert!(r.titles.contains("president"));
        assert_eq!(r.demonyms.get("french").map(String::as_str), Some("France"));
    }
}
