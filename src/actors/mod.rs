//! Key actors: the people, organisations, governments and places a story is about.
//!
//! For naming the parties that drive a story (up to 8, as many as the evidence bears),
//! most central first, each with a kind and a mention count. It works from capitalisation
//! and a few word lists (`prompts/actors.toml`: titles, organisation words, generic words,
//! countries and demonyms), then a dot product over a few numbers per candidate
//! (`prompts/actor_model.toml`) decides where the list stops, so it is fast and needs no
//! tagging model. Not for a full named-entity tagger: names
//! written in lower case, or parties only described ("the company"), are not found.
//!
//! The rules, each named below:
//!
//! - [`RULE_TITLES`]: "President Emmanuel Macron" is Emmanuel Macron; "the Minister" alone is
//!   a role, not an actor; "Minister of Petroleum X Y" is X Y; a title after an
//!   organisation goes with it ("Madison Police Chief Mike Koval" is Mike Koval); a title
//!   that also ends names ([`NAME_FINAL_TITLES`]) keeps the name it ends ("Stephen King",
//!   "Amnesty International", but "Saudi King" is a role).
//! - [`RULE_SENTENCE_INITIAL`]: a capitalised first word counts only if the text also
//!   capitalises it elsewhere and never writes it in lower case ("Hackers" is not a name);
//!   the first word of a longer run goes when the text writes it in lower case elsewhere.
//! - [`RULE_GENERIC`]: days, months and month ranges ("May-June"), "The", "Company",
//!   adjectives ("Congressional", "Nineteen-year-old", "Mumbai-based") and the like are
//!   never actors; an affiliation or demonym before a person's name describes the person
//!   ("Republican Phil Bryant" is Phil Bryant).
//! - [`RULE_AND_SPLITS`]: "China Telecom and China Mobile" are two names, but "Securities and
//!   Exchange Commission" is one (it ends in an organisation word).
//! - [`RULE_WHOLE_AGENCY`]: "Ministry of Trade, Industry and Energy", "Council on
//!   American-Islamic Relations" and "Centers for Disease Control and Prevention" are one
//!   name each, not two or three.
//! - [`RULE_DEMONYM_ACTS`]: "French authorities", "U.S. officials" make the country an actor;
//!   "a Belgian midfielder" does not.
//! - [`RULE_ALIASES`]: acronyms and expansions (DOJ = Department of Justice = Justice
//!   Department), surname-only and short later mentions (Biden -> Joe Biden), legal-form
//!   suffixes (Acme = Acme Inc = Acme Corp.) and "Shares of Acme" merge; the fullest form
//!   is shown.
//! - [`RULE_HEADLINE`]: headlines are often in title case, so they do not create actors;
//!   they lift the actors of the text that they name.
//! - [`RULE_LOCATIVE`]: a name only ever used as a location ("in Mubende district", "at
//!   Buckingham Palace") is the setting, not an actor; datelines and bylines are skipped.
//! - [`RULE_PUBLISHER`]: the outlet credited at the opening ("(CNN)", "LONDON (AP) —")
//!   wrote the story; it is not one of its actors.
//! - [`RULE_ROLE_RANK`]: rank by mentions, plus the headline, the lead, being a sentence's
//!   subject and a role verb (says, denies, confirms, reported) next to the name.
//! - [`RULE_CUT`]: a logistic model over each candidate's features (the rank above and
//!   what it is made of, [`FEATURE_NAMES`]) orders the candidates and stops the list where
//!   the evidence runs out: a story with 3 actors shows 3, not 8. Its weights are in
//!   `prompts/actor_model.toml`, written by the `train-actors` trainer (cargo feature
//!   `train`) from the labelled dev set, judged by 5-fold cross-validation.

mod cut;
mod names;

pub use cut::{ActorModel, Features, BUILTIN_ACTOR_MODEL_TOML, FEATURE_NAMES, N_FEATURES};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::brief::{Actor, ActorKind};
use crate::error::{Error, Result};
use crate::text::Document;
use names::{chains, skip_dateline, tokenize, Tok};

/// Rule: titles before a name are stripped; a title alone is a role.
pub const RULE_TITLES: &str = "titles";
/// Rule: sentence-initial capitals need support elsewhere in the text.
pub const RULE_SENTENCE_INITIAL: &str = "sentence-initial";
/// Rule: generic capitalised words, adjectives ("Mumbai-based") and things that are not
/// parties (laws, prizes, events: "Securities Act", "Europa League") are never actors.
pub const RULE_GENERIC: &str = "generic";
/// Rule: "and" joins two names unless the run ends in an organisation word.
pub const RULE_AND_SPLITS: &str = "and-splits";
/// Rule: a country acts through its government nouns; a demonym alone is no actor.
pub const RULE_DEMONYM_ACTS: &str = "demonym-acts";
/// Rule: acronyms, reordered department names and partial mentions merge.
pub const RULE_ALIASES: &str = "aliases";
/// Rule: the headline lifts actors found in the text; it adds none of its own.
pub const RULE_HEADLINE: &str = "headline";
/// Rule: names used only as locations, datelines and bylines are not actors.
pub const RULE_LOCATIVE: &str = "locative";
/// Rule: text not in English gets best-effort actors: names opening with one of its own stop
/// words are dropped, and in languages that capitalise every noun (German) only multi-word
/// names and acronyms are kept.
pub const RULE_FOREIGN_TEXT: &str = "foreign-text";
/// Languages (ISO 639-1) that capitalise every noun.
pub const NOUN_CAPITALISING_LANGUAGES: &[&str] = &["de", "lb"];
/// Rule: the outlet credited at a story's opening ("(CNN)", "LONDON (AP) —") wrote it; it
/// is not one of its actors, even where the text names it again ("told CNN").
pub const RULE_PUBLISHER: &str = "publisher";
/// Rule: a run starting with an organisation word and "of", "for" or "on" is one agency
/// name through a comma list or one word after "and" ("Ministry of Trade, Industry and
/// Energy", "Centers for Disease Control and Prevention").
pub const RULE_WHOLE_AGENCY: &str = "whole-agency";
/// Rule: a logistic model over each candidate's features (mentions, headline, lead,
/// subject, role verb, rule rank: [`FEATURE_NAMES`]) orders the candidates and cuts the
/// list where the evidence runs out: a story with 3 actors shows 3, not 8.
pub const RULE_CUT: &str = "cut";
/// Rule: rank by mentions plus role (headline, lead, subject, role verb).
pub const RULE_ROLE_RANK: &str = "role-rank";

/// Most actors returned (the brief shows up to eight).
pub const MAX_ACTORS: usize = 8;
/// Bonus for being named in the headline: the headline names the story's subject.
pub const TITLE_BONUS: f64 = 4.0;
/// Bonus for being named in the lead sentences.
pub const LEAD_BONUS: f64 = 2.0;
/// Content sentences that make up the lead.
pub const LEAD_SENTENCES: usize = 2;
/// Bonus per mention as a sentence's subject (at most [`MAX_ROLE_MENTIONS`] count).
pub const SUBJECT_BONUS: f64 = 0.75;
/// Bonus per mention next to a role verb (at most [`MAX_ROLE_MENTIONS`] count).
pub const ROLE_BONUS: f64 = 0.75;
/// Role and subject mentions that count towards the bonus: beyond this, mentions count.
pub const MAX_ROLE_MENTIONS: u32 = 2;
/// Words that may come before a subject besides other names ("The X, the Y and Z said").
pub const SUBJECT_LIST_WORDS: &[&str] = &["the", "a", "an", "and", "both", "&", "of"];
/// Most words a name may have; longer runs are headline-case phrases, not names.
pub const MAX_NAME_WORDS: usize = 7;
/// Sentences with fewer words than this are bylines, captions or subheads.
pub const MIN_CONTENT_WORDS: usize = 5;

/// Legal-form suffixes that do not tell companies apart ("Acme Inc" is "Acme"); compared
/// lower-case, without dots.
pub const CORPORATE_SUFFIXES: &[&str] = &[
    "inc",
    "corp",
    "corporation",
    "co",
    "ltd",
    "llc",
    "plc",
    "limited",
    "incorporated",
    "ag",
    "nv",
    "gmbh",
];

/// Titles that also end names ([`RULE_TITLES`]): last after name words, they are a surname
/// ("Stephen King") or the end of an organisation's name ("Amnesty International"), not a
/// role.
pub const NAME_FINAL_TITLES: &[&str] = &["king", "international"];

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

/// Word lists for [`key_actors`], from `prompts/actors.toml`.
#[derive(Debug, Clone, Default)]
pub struct ActorRules {
    titles: HashSet<String>,
    org_words: HashSet<String>,
    reorderable_heads: HashSet<String>,
    particles: HashSet<String>,
    generic: HashSet<String>,
    government_nouns: HashSet<String>,
    role_verbs: HashSet<String>,
    role_preceders: HashSet<String>,
    role_skip: HashSet<String>,
    leading_words: HashSet<String>,
    non_actor_nouns: HashSet<String>,
    place_nouns: HashSet<String>,
    places: HashSet<String>,
    non_actor_heads: HashSet<String>,
    affiliations: HashSet<String>,
    countries: HashMap<String, String>,
    demonyms: HashMap<String, String>,
    stop_words: HashSet<String>,
    /// For every entry of the lists above, the lists it is in ([`WordClass`]), so that a
    /// word is looked up once however many lists are asked about it.
    classes: HashMap<String, WordClass>,
    /// The learned cut-off ([`RULE_CUT`]), from `prompts/actor_model.toml`.
    pub model: ActorModel,
}

/// Which of the [`ActorRules`] lists a lower-cased word is in, and a few fixed word tests,
/// as bits: worked out once per token ([`ActorRules::class`]) and then asked for free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct WordClass(u32);

impl WordClass {
    /// In `titles`, trailing full stops ignored ("Dr." is "dr").
    const TITLE: Self = Self(1);
    /// In `titles` exactly as written.
    const TITLE_EXACT: Self = Self(1 << 1);
    /// In `org_words`, all full stops ignored ("N.V." is "nv").
    const ORG: Self = Self(1 << 2);
    /// In `name_particles`.
    const PARTICLE: Self = Self(1 << 3);
    /// In `generic`.
    const GENERIC: Self = Self(1 << 4);
    /// In `government_nouns`.
    const GOVERNMENT_NOUN: Self = Self(1 << 5);
    /// In `role_verbs`.
    const ROLE_VERB: Self = Self(1 << 6);
    /// In `role_preceders`.
    const ROLE_PRECEDER: Self = Self(1 << 7);
    /// In `role_skip`.
    const ROLE_SKIP: Self = Self(1 << 8);
    /// In `leading_words`.
    const LEADING: Self = Self(1 << 9);
    /// In `non_actor_nouns`.
    const NON_ACTOR_NOUN: Self = Self(1 << 10);
    /// In `place_nouns`.
    const PLACE_NOUN: Self = Self(1 << 11);
    /// In `places`.
    const PLACE: Self = Self(1 << 12);
    /// In `non_actor_heads`.
    const NON_ACTOR_HEAD: Self = Self(1 << 13);
    /// A key of `countries`.
    const COUNTRY: Self = Self(1 << 14);
    /// A key of `demonyms`.
    const DEMONYM: Self = Self(1 << 15);
    /// An English stop word.
    const STOP: Self = Self(1 << 16);
    /// The first word of a multi-word entry of `generic`, `places`, `countries` or
    /// `demonyms`: a longer name not starting with such a word is in none of them.
    const MULTI_FIRST: Self = Self(1 << 17);
    /// Ends in one of [`ADJECTIVE_SUFFIXES`].
    const ADJECTIVE: Self = Self(1 << 18);
    /// One of [`LOCATIVE_WORDS`].
    const LOCATIVE: Self = Self(1 << 19);
    /// One of [`SUBJECT_LIST_WORDS`].
    const SUBJECT_LIST: Self = Self(1 << 20);
    /// In `affiliations`.
    const AFFILIATION: Self = Self(1 << 21);
    /// Marks a class as worked out (a token's cache starts empty).
    const KNOWN: Self = Self(1 << 31);
    /// The bits that hold for the exact word (all but `TITLE` and `ORG`).
    const EXACT: Self = Self(!(Self::TITLE.0 | Self::ORG.0));

    /// Whether any bit of `other` is set.
    fn has(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
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
    fn class(&self, t: &Tok) -> WordClass {
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

    fn is_title(&self, t: &Tok) -> bool {
        self.class(t).has(WordClass::TITLE)
    }

    /// [`Self::is_org_word`] for a token.
    fn is_org(&self, t: &Tok) -> bool {
        self.class(t).has(WordClass::ORG)
    }

    /// Whether the token's lower-cased form has any of the `bits`.
    fn is(&self, t: &Tok, bits: WordClass) -> bool {
        self.class(t).has(bits)
    }

    /// Whether `w` is an organisation word, in any case and with or without dots
    /// ("Ministry", "INC.", "N.V.").
    fn is_org_word(&self, w: &str) -> bool {
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

    fn country_of(&self, words: &[&str]) -> Option<&String> {
        self.countries.get(&words.join(" ").to_lowercase())
    }
}

/// A name found in one run, before it becomes a [`Mention`].
#[derive(Debug, Clone)]
struct NameHit {
    words: Vec<String>,
    country: Option<String>,
    kind: Option<ActorKind>,
    /// Index of its first word in the sentence.
    start: usize,
    /// One of `words` is an organisation word ([`ActorRules::is_org_word`]).
    org: bool,
}

/// One mention of a candidate actor.
#[derive(Debug, Clone)]
struct Mention {
    /// Name words as written (title and leading function words removed).
    words: Vec<String>,
    /// The country this names or acts for ("French authorities" -> France).
    country: Option<String>,
    /// Kind known from the mention itself (a title before it makes a person).
    kind: Option<ActorKind>,
    /// Part of the sentence's opening noun phrase: its subject.
    subject: bool,
    /// Position in the document, for ties.
    order: usize,
    lead: bool,
    role: bool,
    locative: bool,
}

/// A candidate actor: its mentions merged.
#[derive(Debug, Clone)]
struct Candidate {
    /// Surface forms and how often each was used.
    forms: Vec<(String, u32)>,
    /// The fullest name words seen.
    words: Vec<String>,
    country: Option<String>,
    person: bool,
    mentions: u32,
    first: usize,
    lead: bool,
    subject: u32,
    role: u32,
    title: bool,
    /// Every mention so far is a location ("in Mubende").
    locative: bool,
}

fn join(words: &[String]) -> String {
    words.join(" ")
}

/// A comparison key: lower case, no dots, "the" dropped, "Justice Department" reordered to
/// "department of justice".
fn key_of(words: &[String], rules: &ActorRules) -> String {
    let mut key = key_with_suffix(words, rules);
    // RULE_ALIASES: "Acme Inc", "Acme Corp." and "Acme" are one company.
    while let Some((head, last)) = key.rsplit_once(' ') {
        if !CORPORATE_SUFFIXES.contains(&last) && last != "&" {
            break;
        }
        key.truncate(head.len());
    }
    key
}

/// [`key_of`] before corporate suffixes are dropped.
fn key_with_suffix(words: &[String], rules: &ActorRules) -> String {
    // The words joined, lower-cased and without dots. Words hold no spaces, so lower-casing
    // each one is lower-casing them joined.
    let mut text = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if w.is_ascii() {
            text.extend(
                w.chars()
                    .filter(|c| *c != '.')
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else {
            text.extend(w.to_lowercase().chars().filter(|c| *c != '.'));
        }
    }
    let mut w = text.split(' ').filter(|x| !x.is_empty());
    let mut first = w.next();
    if first == Some("the") {
        first = w.next();
    }
    let Some(first) = first else {
        return String::new();
    };
    let (second, third) = (w.next(), w.next());
    if let (Some(second), None) = (second, third) {
        if rules.reorderable_heads.contains(second) {
            return format!("{second} of {first}");
        }
    }
    // Most keys are the text as it is: no leading "the", no empty words.
    if std::ptr::eq(first.as_ptr(), text.as_ptr()) && !text.ends_with(' ') && !text.contains("  ") {
        return text;
    }
    let mut key = String::with_capacity(text.len());
    key.push_str(first);
    for x in second.into_iter().chain(third).chain(w) {
        key.push(' ');
        key.push_str(x);
    }
    key
}

/// Whether `acronym` (two bytes or more) is the initials of the name `key`, with or without
/// function words ("doj", "dj" for "department of justice"), compared as they are read.
fn is_initials_of(acronym: &str, key: &str) -> bool {
    let firsts = |skip: fn(&str) -> bool| {
        key.split(' ')
            .filter(move |w| !w.is_empty() && !skip(w))
            .filter_map(|w| w.chars().next())
    };
    acronym.len() >= 2
        && (firsts(|w| matches!(w, "of" | "the" | "and" | "for" | "&")).eq(acronym.chars())
            || firsts(|w| w == "the").eq(acronym.chars()))
}

/// What the whole text says about its words, in lower case (borrowed from its tokens).
struct DocContext<'a> {
    /// Words the text writes in lower case somewhere (so not names on their own).
    lower_words: HashSet<&'a str>,
    /// Words the text capitalises somewhere other than a sentence start.
    mid_caps: HashSet<&'a str>,
    /// Capitalised words of a sentence-case headline (a headline-case one says nothing).
    title_caps: HashSet<&'a str>,
    /// Words that open two or more sentences (the headline counts): a common word that
    /// does so would show up in lower case too, so these are names ("Arsenal are ...").
    repeated_initials: HashSet<&'a str>,
}

/// One sentence of the document, read once and shared by [`doc_context`] and
/// [`collect_mentions`].
struct Line<'a> {
    /// The sentence as written.
    text: &'a str,
    /// The sentence with its ASCII letters lower-cased (same bytes otherwise).
    ascii_lower: Option<&'a str>,
    /// Its words, dateline included; empty when neither pass reads them.
    toks: Vec<Tok<'a>>,
    /// The first line, repeating the headline ([`RULE_HEADLINE`]).
    headline: bool,
    /// Enough words and some lower case: not a byline, caption or subhead.
    content: bool,
    /// A wire credit ("— Reuters", "(AP)"): names the source outlet.
    credit: bool,
    /// Byte offset where the sentence proper starts, past a dateline ([`skip_dateline`]).
    from: usize,
}

/// Classifies every sentence of `doc` and tokenizes, once, those that are read.
/// `ascii_lower` is the document text with its ASCII letters lower-cased.
fn lines<'a>(doc: &'a Document, ascii_lower: &'a str, title: &str) -> Vec<Line<'a>> {
    (0..doc.sentences.len())
        .map(|i| {
            let text = doc.sentence(i);
            let lower = ascii_lower.get(doc.sentences[i].range.clone());
            let headline = i == 0 && same_words(title, text);
            let content = is_content(text);
            let credit = text.starts_with(['—', '–', '-', '(']) && !content;
            let read = credit || (content && !headline);
            Line {
                from: if read { skip_dateline(text) } else { 0 },
                text,
                ascii_lower: lower,
                toks: if read {
                    tokenize(text, lower)
                } else {
                    Vec::new()
                },
                headline,
                content,
                credit,
            }
        })
        .collect()
}

fn doc_context<'a>(lines: &'a [Line<'_>], title_toks: &'a [Tok<'_>]) -> DocContext<'a> {
    // Sized for every word up front, so the sets never grow while filling.
    let words: usize = lines.iter().map(|l| l.toks.len()).sum();
    let mut lower_words = HashSet::with_capacity(words);
    let mut mid_caps = HashSet::with_capacity(words);
    let mut initials: HashMap<&str, u32> = HashMap::new();
    if let Some(first) = title_toks.first().filter(|t| t.is_cap()) {
        *initials.entry(first.lower()).or_default() += 1;
    }
    for line in lines {
        if line.credit {
            // A wire credit ("— Reuters") holds nothing but a name.
            mid_caps.extend(line.toks.iter().filter(|t| t.is_cap()).map(Tok::lower));
            continue;
        }
        if line.headline || !line.content {
            continue; // headline case and bylines say nothing about names
        }
        // Words of a dateline say nothing; the first word after it opens the sentence.
        let skip = if line.from == 0 {
            0
        } else {
            let start = line.text.as_ptr() as usize + line.from;
            line.toks
                .iter()
                .position(|t| t.text.as_ptr() as usize >= start)
                .unwrap_or(line.toks.len())
        };
        for (j, t) in line.toks.iter().enumerate().skip(skip) {
            let j = j - skip;
            if t.is_cap() {
                if j > 0 {
                    mid_caps.insert(t.lower());
                } else {
                    *initials.entry(t.lower()).or_default() += 1;
                }
            } else {
                lower_words.insert(t.lower());
            }
        }
    }
    // A headline in sentence case capitalises names only; in headline case, every word.
    let capitalised = title_toks.iter().skip(1).filter(|t| t.is_cap()).count();
    let sentence_case = capitalised * 2 < title_toks.len().saturating_sub(1);
    let title_caps = if sentence_case {
        title_toks
            .iter()
            .skip(1)
            .filter(|t| t.is_cap())
            .map(Tok::lower)
            .collect()
    } else {
        HashSet::new()
    };
    DocContext {
        lower_words,
        mid_caps,
        title_caps,
        repeated_initials: initials
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .map(|(w, _)| w)
            .collect(),
    }
}

/// Enough words and some lower case: not a byline, caption or subhead.
fn is_content(s: &str) -> bool {
    crate::text::tokens::words(s)
        .nth(MIN_CONTENT_WORDS - 1)
        .is_some()
        && s.split_whitespace()
            .any(|w| w.chars().next().is_some_and(char::is_lowercase))
}

fn same_words(a: &str, b: &str) -> bool {
    // Lower-cased word by word, up to the first difference.
    let norm = |s| crate::text::tokens::words(s).map(names::lowercase);
    norm(a).eq(norm(b))
}

/// [`RULE_AND_SPLITS`]: splits a run at "and" unless it ends in an organisation word.
fn split_and<'a, 't>(run: &'a [Tok<'t>], rules: &ActorRules) -> Vec<&'a [Tok<'t>]> {
    let ends_org = run.last().is_some_and(|t| rules.is_org(t));
    let no_title = !run.iter().any(|t| rules.is_title(t));
    // "China Telecom and China Mobile": the part before "and" is a whole name already.
    let first_whole = run.iter().position(|t| t.text == "and").is_some_and(|i| {
        let before = &run[..i];
        let named = before
            .iter()
            .filter(|t| !rules.is(t, WordClass::STOP))
            .count();
        named >= 2 && before.last().is_some_and(|t| rules.is_org(t))
    });
    if ends_org && no_title && !first_whole {
        return vec![run];
    }
    // RULE_WHOLE_AGENCY: "Ministry of Trade, Industry and Energy" (a comma list inside the
    // name) and "Centers for Disease Control and Prevention" (an organisation word, a
    // particle, and one word after "and") are one name.
    let comma_list = run.iter().skip(1).any(|t| t.comma);
    let org_particle =
        run.len() > 2 && rules.is_org(&run[0]) && matches!(run[1].lower(), "of" | "for" | "on");
    let one_after_and = run.len() >= 2
        && run[run.len() - 2].text == "and"
        && !rules.is(
            &run[run.len() - 1],
            WordClass::COUNTRY
                .with(WordClass::PLACE)
                .with(WordClass::DEMONYM),
        )
        && !run[run.len() - 1].is_all_caps()
        && run.iter().filter(|t| t.text == "and").count() == 1;
    if no_title && (comma_list || (org_particle && one_after_and)) {
        return vec![run];
    }
    run.split(|t| t.text == "and")
        .filter(|p| !p.is_empty())
        .collect()
}

/// [`RULE_TITLES`]: the person after the last title, or the portfolio after "Title of".
fn strip_title<'a, 't>(part: &'a [Tok<'t>], rules: &ActorRules) -> Option<(&'a [Tok<'t>], bool)> {
    let Some(t) = part.iter().rposition(|x| rules.is_title(x)) else {
        return Some((part, false));
    };
    let rest = &part[t + 1..];
    if rest.is_empty() {
        // "Department of Justice": "Justice" is no title here; "the Minister" is a role.
        // "Stephen King", "Amnesty International": a title that also ends names, after
        // name words ("Saudi King" and "Prime Minister" stay roles).
        let name_final = t > 0
            && NAME_FINAL_TITLES.contains(&part[t].lower())
            && part[..t].iter().all(|x| {
                x.is_cap()
                    && !rules.is(
                        x,
                        WordClass::TITLE
                            .with(WordClass::DEMONYM)
                            .with(WordClass::COUNTRY)
                            .with(WordClass::GENERIC)
                            .with(WordClass::AFFILIATION),
                    )
            });
        return (name_final || part.iter().any(|x| rules.is_org(x))).then_some((part, false));
    }
    if rest.iter().any(|x| rules.is_org(x)) && rest[0].text != "of" {
        return Some((part, false)); // "Justice Department", "President Hotel Group"
    }
    if rest[0].text != "of" {
        // "Madison Police Chief Mike Koval": the organisation before the title is his.
        let n = rest.len();
        return Some((&rest[n.saturating_sub(3)..], true));
    }
    if part[..t].iter().any(|x| rules.is_org(x)) {
        return Some((part, false)); // "Bank Director of Operations": not a portfolio
    }

    let mut portfolio = &rest[1..];
    if portfolio.first().is_some_and(|x| x.text == "the") {
        portfolio = &portfolio[1..];
    }
    let words: Vec<&str> = portfolio.iter().map(|x| x.text).collect();
    let is_body =
        rules.country_of(&words).is_some() || portfolio.last().is_some_and(|x| rules.is_org(x));
    if is_body || portfolio.len() < 3 {
        // "Prime Minister of the United Kingdom": the country; "Minister of Health": a role.
        return is_body.then_some((portfolio, false));
    }
    // "Minister of Petroleum Resources Development Arjuna Ranatunga": the name ends the run.
    let n = portfolio.len();
    let take = if n >= 3 && portfolio[n - 2].text.chars().count() <= 2 {
        3
    } else {
        2
    };
    Some((&portfolio[n - take..], true))
}

impl ActorRules {
    /// Turns one name run into mentions (none, one, or several after splitting).
    fn mentions_of<'r>(
        &'r self,
        toks: &[Tok<'_>],
        run: std::ops::Range<usize>,
        ctx: &DocContext<'_>,
        role: bool,
    ) -> Vec<NameHit> {
        let next_tok = toks.get(run.end).filter(|t| !t.brk);
        let next = next_tok.map(Tok::lower);
        let next_is = |bits: WordClass| next_tok.is_some_and(|t| self.is(t, bits));
        let run_end = run.end;
        let run_start = run.start;
        let mut out = Vec::new();
        let base = run.start;
        let mut parts = Vec::new();
        for part in split_and(&toks[run], self) {
            // "Microsoft Corporation MSFT": a trailing ticker is a name of its own.
            match part.split_last() {
                Some((last, head))
                    if !head.is_empty()
                        && last.is_all_caps()
                        && !is_roman_numeral(last.text)
                        && !head.iter().any(Tok::is_all_caps)
                        && head.last().is_some_and(Tok::is_cap)
                        && head.iter().any(|t| !self.is(t, WordClass::STOP)) =>
                {
                    parts.push(head); // the ticker itself is no actor
                    let _ = last;
                }
                _ => parts.push(part),
            }
        }
        for part in parts {
            // Offset of this part within the sentence, for the subject test.
            let offset = part
                .first()
                .and_then(|f| toks.iter().position(|t| std::ptr::eq(t, f)))
                .unwrap_or(base);
            // RULE_SENTENCE_INITIAL and RULE_GENERIC on leading words.
            let mut p = part;
            let mut skip = 0;
            while let Some(first) = p.first() {
                let l = first.lower();
                let initial = offset == 0; // the run opens the sentence
                                           // A lone word right before "officials", "prosecutors" names who acts.
                let acts = p.len() == 1 && next_is(WordClass::GOVERNMENT_NOUN);
                let class = self.class(first);
                let known = class.has(
                    WordClass::TITLE
                        .with(WordClass::DEMONYM)
                        .with(WordClass::COUNTRY),
                ) || acts;
                // Only a lone word at the sentence start is suspect: in a longer run the
                // capital belongs to the name ("Ministry of Health", "Western Digital").
                let lone_initial = initial && p.len() == 1;
                // ... unless the text writes the word in lower case and never capitalises
                // it inside a sentence ("Getting Acme to pay").
                let lower_initial = initial
                    && p.len() > 1
                    && skip == 0
                    && ctx.lower_words.contains(l)
                    && !ctx.mid_caps.contains(l)
                    && !ctx.title_caps.contains(l);
                let common = class.has(
                    WordClass::STOP
                        .with(WordClass::LEADING)
                        .with(WordClass::ADJECTIVE),
                ) || lower_initial
                    || (lone_initial
                        && (ctx.lower_words.contains(l)
                            || (!ctx.mid_caps.contains(l)
                                && !ctx.title_caps.contains(l)
                                && !ctx.repeated_initials.contains(l)
                                && !first.is_all_caps())));
                if common && !known {
                    p = &p[1..];
                    skip += 1;
                } else {
                    break;
                }
            }
            // "Shares of Acme", "Fans of Chelsea": a generic noun and "of" before a name.
            if p.len() > 2
                && p[1].text == "of"
                && self.is(&p[0], WordClass::GENERIC)
                && !self.is_org(&p[0])
                && !self.is_title(&p[0])
            {
                p = &p[2..];
                skip += 2;
            }
            // "Nineteen-year-old Tom Reed", "San Francisco-based Acme": what comes up to an
            // adjective describes the name after it.
            if let Some(a) = p[..p.len().saturating_sub(1)]
                .iter()
                .rposition(|t| self.is(t, WordClass::ADJECTIVE))
            {
                p = &p[a + 1..];
                skip += a + 1;
            }
            // "Republican Phil Bryant", "American Ted Ligety": an affiliation or demonym
            // before a person's two- or three-word name describes the person.
            let describes =
                |t: &Tok<'_>| self.is(t, WordClass::DEMONYM.with(WordClass::AFFILIATION));
            if (3..=4).contains(&p.len())
                && describes(&p[0])
                && !p.iter().any(|t| self.is_org(t) || self.is_title(t))
                && !p[1..].iter().any(|t| {
                    t.is_all_caps()
                        || self.is(
                            t,
                            WordClass::DEMONYM
                                .with(WordClass::COUNTRY)
                                .with(WordClass::PLACE)
                                .with(WordClass::PARTICLE)
                                .with(WordClass::GENERIC),
                        )
                })
            {
                p = &p[1..];
                skip += 1;
            }
            if p.is_empty() || p.len() > MAX_NAME_WORDS {
                continue;
            }
            // A demonym before a title ("Ukrainian President X") describes the person.
            let Some((name, titled)) = strip_title(p, self) else {
                continue;
            };
            let single = name.len() == 1;
            let first_class = name.first().map_or(WordClass::default(), |t| self.class(t));
            // The name in lower case, for the lists with multi-word entries. One word is
            // answered by its class; a longer name is in none of them unless its first word
            // starts a multi-word entry.
            let joined: Option<String> =
                (!single && first_class.has(WordClass::MULTI_FIRST)).then(|| {
                    let mut l = String::new();
                    for (i, t) in name.iter().enumerate() {
                        if i > 0 {
                            l.push(' ');
                        }
                        l.push_str(t.lower());
                    }
                    l
                });
            let listed = |bit: WordClass, set: &HashSet<String>| {
                if single {
                    first_class.has(bit)
                } else {
                    joined.as_deref().is_some_and(|l| set.contains(l))
                }
            };
            let entry = |bit: WordClass, map: &'r HashMap<String, String>| {
                if single {
                    first_class
                        .has(bit)
                        .then(|| map.get(name[0].lower()))
                        .flatten()
                } else {
                    joined.as_deref().and_then(|l| map.get(l))
                }
            };
            // RULE_GENERIC: generic words, and names made only of organisation words
            // ("Company", "N.V.") or ending in an adjective suffix ("San Francisco-based").
            let adjective = name.last().is_some_and(|t| {
                let l = t.lower();
                let class = self.class(t);
                class.has(WordClass::ADJECTIVE)
                    || (!single && class.has(WordClass::DEMONYM))
                    || (l.contains('-') && self.demonyms.contains_key(&l.replace('-', " ")))
            }) || name
                .iter()
                .any(|t| t.text.chars().any(|c| c.is_ascii_digit()));
            // "Ugandans", "Americans": people of a country, not an actor.
            let people = single
                && name[0]
                    .lower()
                    .strip_suffix('s')
                    .is_some_and(|x| self.demonyms.contains_key(x));
            let object = name
                .last()
                .is_some_and(|t| self.is(t, WordClass::NON_ACTOR_HEAD));
            if listed(WordClass::GENERIC, &self.generic)
                || adjective
                || object
                || people
                || (single && self.is_org(&name[0]))
                || name.iter().all(|t| self.is(t, WordClass::STOP))
            {
                continue;
            }
            let acting = next_is(WordClass::GOVERNMENT_NOUN);
            let has_org_word = name.iter().any(|t| self.is_org(t));
            // Whether the name with the next word added holds an organisation word.
            let org_with_next = has_org_word || next_is(WordClass::ORG);
            // A comma list inside the name keeps its commas ("Ministry of Trade, Industry").
            let mut owned: Vec<String> = name
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if name.get(i + 1).is_some_and(|n| n.comma) {
                        format!("{},", t.text)
                    } else {
                        t.text.to_string()
                    }
                })
                .collect();
            // RULE_DEMONYM_ACTS
            if let Some(country) = entry(WordClass::DEMONYM, &self.demonyms) {
                if acting && !titled {
                    owned.push(next.unwrap_or_default().to_string());
                    out.push(NameHit {
                        words: owned,
                        country: Some(country.clone()),
                        kind: Some(ActorKind::Organization),
                        start: offset + skip,
                        org: org_with_next,
                    });
                }
                continue;
            }
            let descriptor = next_is(WordClass::NON_ACTOR_NOUN)
                || (name.last().is_some_and(|t| t.possessive)
                    && toks.get(run_end).is_some_and(Tok::is_cap));
            // RULE_LOCATIVE: a city or region is the setting unless it acts ("Paris
            // prosecutors", "Beijing said").
            if listed(WordClass::PLACE, &self.places) && !acting && !role {
                continue;
            }
            if let Some(country) = entry(WordClass::COUNTRY, &self.countries) {
                if descriptor {
                    continue; // "U.S. dollars", "South Africa's MTN": describes, does not act
                }
                let (kind, org) = if acting {
                    owned.push(next.unwrap_or_default().to_string());
                    (ActorKind::Organization, org_with_next)
                } else {
                    (ActorKind::Place, has_org_word)
                };
                out.push(NameHit {
                    words: owned,
                    country: Some(country.clone()),
                    kind: Some(kind),
                    start: offset + skip,
                    org,
                });
                continue;
            }
            // "striker Pablo Ruiz", "spokesman Majed Al-Ansari": a role noun before a name.
            let after_role_noun = run_start.checked_sub(1).is_some_and(|i| {
                !toks[run_start].brk
                    && !toks[i].is_cap()
                    && self.is(&toks[i], WordClass::TITLE_EXACT)
            });
            let person = titled || (after_role_noun && !has_org_word);
            let mut kind = person.then_some(ActorKind::Person);
            let mut org = has_org_word;
            if acting && !titled && !has_org_word {
                // "The Trump administration", "Paris prosecutors": the body that acts.
                owned.push(next.unwrap_or_default().to_string());
                kind = Some(ActorKind::Organization);
                org = org_with_next;
            }
            out.push(NameHit {
                words: owned,
                country: None,
                kind,
                start: offset + skip,
                org,
            });
        }
        out
    }

    /// Whether a role verb follows the run or a role preceder comes before it.
    fn has_role(&self, toks: &[Tok<'_>], run: &std::ops::Range<usize>) -> bool {
        let after = toks[run.end..]
            .iter()
            .find(|t| !self.is(t, WordClass::ROLE_SKIP));
        let before = toks[..run.start]
            .iter()
            .rev()
            .find(|t| !matches!(t.lower(), "the" | "a" | "an"));
        after.is_some_and(|t| self.is(t, WordClass::ROLE_VERB))
            || before.is_some_and(|t| self.is(t, WordClass::ROLE_PRECEDER))
    }
}

/// Collects every mention in the text, skipping the headline line and non-content lines,
/// and the outlet credited at the story's opening ([`RULE_PUBLISHER`]), if any.
fn collect_mentions(doc: &Document, rules: &ActorRules) -> (Vec<Mention>, Option<String>) {
    let title = doc.title.as_deref().unwrap_or("");
    // Lower-cased once here, so that most words' lower-case forms are slices of it.
    let ascii_lower = doc.text.to_ascii_lowercase();
    let lines = lines(doc, &ascii_lower, title);
    let title_lower = title.to_ascii_lowercase();
    let title_toks = tokenize(title, Some(&title_lower));
    let ctx = doc_context(&lines, &title_toks);
    let mut out = Vec::new();
    let mut rank = 0;
    let mut order = 0;
    let mut publisher = None;
    for line in &lines {
        if line.headline || (!line.content && !line.credit) {
            continue; // RULE_HEADLINE; bylines, captions
        }
        let lead = rank < LEAD_SENTENCES;
        if rank == 0 {
            publisher = names::opening_credit(line.text).map(|(_, credit)| {
                let words: Vec<String> = credit.split_whitespace().map(str::to_string).collect();
                key_of(&words, rules)
            });
        }
        rank += 1;
        let from = line.from;
        // Most sentences have no dateline; the others are read again without it.
        let toks: Cow<[Tok<'_>]> = if from == 0 {
            Cow::Borrowed(&line.toks)
        } else {
            let lower = line.ascii_lower.and_then(|l| l.get(from..));
            Cow::Owned(tokenize(&line.text[from..], lower))
        };
        let org_link = |before: &Tok<'_>, after: &Tok<'_>| {
            rules.is_org(before) && after.is_cap() && !rules.is(after, WordClass::GENERIC)
        };
        for run in chains(&toks, |t| rules.is(t, WordClass::PARTICLE), org_link) {
            let role = rules.has_role(&toks, &run);
            let after_place_noun = toks
                .get(run.end)
                .is_some_and(|t| !t.brk && rules.is(t, WordClass::PLACE_NOUN));
            // "in Berlin", "in the United States": the word before, articles skipped.
            let before = toks[..run.start]
                .iter()
                .rev()
                .find(|t| !matches!(t.lower(), "the" | "a" | "an"));
            let locative = after_place_noun
                || (!toks[run.start].brk
                    && before.is_some_and(|t| rules.is(t, WordClass::LOCATIVE)));
            for hit in rules.mentions_of(&toks, run.clone(), &ctx, role) {
                order += 1;
                let names_body = hit.org;
                // A subject: only names and list words come before it.
                let subject = toks[..hit.start.min(toks.len())]
                    .iter()
                    .all(|t| t.is_cap() || rules.is(t, WordClass::SUBJECT_LIST));
                out.push(Mention {
                    words: hit.words,
                    country: hit.country,
                    kind: hit.kind,
                    subject,
                    order,
                    lead,
                    role,
                    // "at the University of Hawaii" names a body, not a place.
                    locative: locative && !names_body,
                });
            }
        }
    }
    (out, publisher)
}

fn add_form(forms: &mut Vec<(String, u32)>, form: String, n: u32) {
    if let Some(f) = forms.iter_mut().find(|f| f.0 == form) {
        f.1 += n;
    } else {
        forms.push((form, n));
    }
}

/// Whether `s` is `words` joined by single spaces (without joining them).
fn is_joined(mut s: &str, words: &[String]) -> bool {
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let Some(rest) = s.strip_prefix(' ') else {
                return false;
            };
            s = rest;
        }
        let Some(rest) = s.strip_prefix(w.as_str()) else {
            return false;
        };
        s = rest;
    }
    s.is_empty()
}

/// Groups mentions by key (countries by country).
fn group(mentions: Vec<Mention>, rules: &ActorRules) -> Vec<Candidate> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Candidate> = Vec::new();
    for m in mentions {
        let key = match &m.country {
            Some(c) => format!("country:{c}"),
            None => key_of(&m.words, rules),
        };
        if key.is_empty() {
            continue;
        }
        let idx = *by_key.entry(key).or_insert_with(|| {
            out.push(Candidate {
                forms: Vec::new(),
                // Set from the mention's words below.
                words: Vec::new(),
                country: m.country.clone(),
                person: false,
                mentions: 0,
                first: m.order,
                lead: false,
                subject: 0,
                role: 0,
                title: false,
                locative: true,
            });
            out.len() - 1
        });
        let c = &mut out[idx];
        if let Some(f) = c.forms.iter_mut().find(|f| is_joined(&f.0, &m.words)) {
            f.1 += 1;
        } else {
            c.forms.push((join(&m.words), 1));
        }
        if m.words.len() > c.words.len() {
            c.words = m.words;
        }
        c.person |= m.kind == Some(ActorKind::Person);
        c.mentions += 1;
        c.lead |= m.lead;
        c.subject += u32::from(m.subject);
        c.role += u32::from(m.role);
        c.locative &= m.locative;
    }
    out
}

fn absorb(into: &mut Candidate, from: Candidate) {
    for (f, n) in from.forms {
        add_form(&mut into.forms, f, n);
    }
    if from.words.len() > into.words.len() {
        into.words = from.words;
    }
    into.person |= from.person;
    into.locative &= from.locative;
    into.mentions += from.mentions;
    into.first = into.first.min(from.first);
    into.lead |= from.lead;
    into.subject += from.subject;
    into.role += from.role;
}

/// [`RULE_ALIASES`]: merges acronyms into expansions and short mentions into the one longer
/// name they are the start or end of.
fn merge_aliases(mut cands: Vec<Candidate>, rules: &ActorRules) -> Vec<Candidate> {
    // Each candidate's key_of(words), kept in step with `cands`.
    let mut keys: Vec<String> = cands.iter().map(|c| key_of(&c.words, rules)).collect();
    let mut i = 0;
    while i < cands.len() {
        let target = alias_target(&cands, &keys, i, rules);
        if let Some(t) = target {
            let from = cands.remove(i);
            let from_key = keys.remove(i);
            let t = if t > i { t - 1 } else { t };
            if from.words.len() > cands[t].words.len() {
                keys[t] = from_key; // absorb takes the longer words
            }
            let surname =
                from.words.len() == 1 && cands[t].words.last().is_some_and(|l| l == &from.words[0]);
            absorb(&mut cands[t], from);
            cands[t].person |= surname
                && cands[t].words.len() > 1
                && !cands[t].words.iter().any(|w| rules.is_org_word(w));
            // Stay at `i`: the next candidate moved into this slot.
        } else {
            i += 1;
        }
    }
    cands
}

/// The one candidate that candidate `i` is an alias of, if exactly one; `keys[j]` is the
/// [`key_of`] of `cands[j]`.
fn alias_target(
    cands: &[Candidate],
    keys: &[String],
    i: usize,
    rules: &ActorRules,
) -> Option<usize> {
    let c = &cands[i];
    if c.country.is_some() {
        return None;
    }
    let key = keys[i].as_str();
    let acronym = c.words.len() == 1
        && c.words[0]
            .chars()
            .filter(|x| x.is_alphabetic())
            .all(char::is_uppercase);
    let cwords: Vec<&str> = key.split(' ').collect();
    let n = cwords.len();
    let mut dwords: Vec<&str> = Vec::new();
    let mut found = None;
    for (j, d) in cands.iter().enumerate() {
        if j == i || d.country.is_some() || d.words.len() <= c.words.len() && !acronym {
            continue;
        }
        let dkey = keys[j].as_str();
        let is_acronym = acronym && d.words.len() >= 2 && {
            // "FDA" = "U.S. Food and Drug Administration": a leading country may be left out.
            let unqualified = dkey
                .split_once(' ')
                .filter(|(first, _)| rules.countries.contains_key(*first))
                .map(|(_, rest)| rest);
            std::iter::once(dkey)
                .chain(unqualified)
                .any(|k| is_initials_of(key, k))
        };
        dwords.clear();
        dwords.extend(dkey.split(' ').map(|w| {
            w.strip_prefix("al-")
                .or_else(|| w.strip_prefix("el-"))
                .unwrap_or(w)
        }));
        let partial = dwords.len() > n
            && (dwords[..n] == cwords[..] || dwords[dwords.len() - n..] == cwords[..])
            && !rules.generic.contains(key);
        if is_acronym || partial {
            if found.is_some() {
                return None; // more than one: ambiguous
            }
            found = Some(j);
        }
    }
    found
}

/// The display name: for a country the form used most, otherwise the fullest form.
fn display_name(c: &Candidate, rules: &ActorRules) -> String {
    if c.country.is_some() {
        // The government named after the country ("U.S. government") when the text uses
        // it at least as often as the plain name; else the plain name used most ("Russia");
        // a demonym form ("French authorities") only when the text has nothing else.
        let words_of = |f: &str| f.split(' ').map(str::to_string).collect::<Vec<_>>();
        let is_plain = |f: &str| {
            let w = words_of(f);
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            rules.country_of(&w).is_some()
        };
        let is_named_gov = |f: &str| {
            let w = words_of(f);
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            w.len() > 1 && rules.country_of(&w[..w.len() - 1]).is_some()
        };
        let pick = |keep: &dyn Fn(&str) -> bool| {
            let pool: Vec<&(String, u32)> = c.forms.iter().filter(|(f, _)| keep(f)).collect();
            let total: u32 = pool.iter().map(|f| f.1).sum();
            let best = pool
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
                .map(|f| f.0.clone());
            (total, best)
        };
        let (named_n, named) = pick(&is_named_gov);
        let (plain_n, plain) = pick(&is_plain);
        let (_, any) = pick(&|_| true);
        let choice = if named_n > 0 && named_n >= plain_n {
            named
        } else {
            plain.or(any)
        };
        if let Some(f) = choice {
            return f;
        }
    }
    // "Sanofi-Aventis officials" is shown as "Sanofi-Aventis" when that form is used too.
    let n = c.words.len();
    if n > 1
        && rules
            .government_nouns
            .contains(&c.words[n - 1].to_lowercase())
    {
        let short = join(&c.words[..n - 1]);
        if c.forms.iter().any(|(f, _)| *f == short) {
            return short;
        }
    }
    join(&c.words)
}

fn kind_of(c: &Candidate, name: &str, rules: &ActorRules) -> ActorKind {
    let words: Vec<&str> = name.split(' ').collect();
    if c.country.is_some() {
        // A country that acts through its government ("U.S. officials") is an organisation.
        let acts = c.forms.iter().any(|(f, _)| {
            let w: Vec<&str> = f.split(' ').collect();
            rules.country_of(&w).is_none()
        });
        return if acts {
            ActorKind::Organization
        } else {
            ActorKind::Place
        };
    }
    if words.iter().any(|w| rules.is_org_word(w))
        || words.iter().all(|w| {
            w.chars()
                .filter(|x| x.is_alphabetic())
                .all(char::is_uppercase)
        })
    {
        return ActorKind::Organization;
    }
    if c.person {
        return ActorKind::Person;
    }
    if words.len() == 1 {
        ActorKind::Organization
    } else {
        ActorKind::Other
    }
}

/// "II", "III", "IV": part of a name ("King Charles III"), not a ticker.
fn is_roman_numeral(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

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

/// The key actors of `doc`, most central first (at most [`MAX_ACTORS`]).
///
/// Uses the built-in word lists; see [`key_actors_with`] to pass others.
#[must_use]
pub fn key_actors(doc: &Document) -> Vec<Actor> {
    key_actors_with(doc, ActorRules::shared())
}

/// The key actors of `doc` using the given word lists and cut-off model.
#[must_use]
pub fn key_actors_with(doc: &Document, rules: &ActorRules) -> Vec<Actor> {
    let ranked = ranked_candidates(doc, rules);
    let features = candidate_features(&ranked, rules);
    // RULE_CUT: order by the model's probability (the rules' order breaks ties) and stop
    // where the evidence runs out.
    let mut order: Vec<(f64, usize)> = features
        .iter()
        .enumerate()
        .map(|(i, f)| (rules.model.probability(f), i))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let probs: Vec<f64> = order.iter().map(|p| p.0).collect();
    let keep = rules.model.keep(&probs, MAX_ACTORS);
    order
        .into_iter()
        .take(keep)
        .map(|(_, i)| actor_of(&ranked[i].1, rules))
        .collect()
}

/// A candidate actor before the cut, with the features the cut-off model weighs: what
/// the `train-actors` trainer learns from.
#[derive(Debug, Clone)]
pub struct ActorCandidate {
    /// The actor as it would be shown.
    pub actor: Actor,
    /// Its features, in the order of [`FEATURE_NAMES`].
    pub features: Features,
}

/// Every candidate actor of `doc` that passes the rules, in the rules' order
/// ([`RULE_ROLE_RANK`]), before the cut.
#[must_use]
pub fn actor_candidates_with(doc: &Document, rules: &ActorRules) -> Vec<ActorCandidate> {
    let ranked = ranked_candidates(doc, rules);
    let features = candidate_features(&ranked, rules);
    ranked
        .iter()
        .zip(features)
        .map(|((_, c), features)| ActorCandidate {
            actor: actor_of(c, rules),
            features,
        })
        .collect()
}

fn actor_of(c: &Candidate, rules: &ActorRules) -> Actor {
    let name = display_name(c, rules);
    Actor {
        kind: kind_of(c, &name, rules),
        name,
        mentions: c.mentions + u32::from(c.title),
    }
}

/// The candidates that pass the rules with their rule scores, best first.
fn ranked_candidates(doc: &Document, rules: &ActorRules) -> Vec<(f64, Candidate)> {
    let foreign = ForeignText::of(doc);
    let (mentions, publisher) = collect_mentions(doc, rules);
    let mut cands = merge_aliases(group(mentions, rules), rules);
    if let Some(p) = publisher {
        // RULE_PUBLISHER: the outlet that wrote the story is not one of its actors.
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
fn candidate_features(ranked: &[(f64, Candidate)], rules: &ActorRules) -> Vec<Features> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let r = ActorRules::from_toml(BUILTIN_ACTORS_TOML).unwrap();
        assert!(r.titles.contains("president"));
        assert_eq!(r.demonyms.get("french").map(String::as_str), Some("France"));
    }

    #[test]
    fn keys_lower_case_drop_dots_and_the_and_reorder() {
        let r = ActorRules::builtin();
        let key = |w: &[&str]| key_of(&w.iter().map(|x| (*x).to_string()).collect::<Vec<_>>(), &r);
        assert_eq!(
            key(&["The", "Justice", "Department"]),
            "department of justice"
        );
        assert_eq!(key(&["U.S.", "Food", "and", "Drug"]), "us food and drug");
        assert_eq!(key(&["Société", "Générale"]), "société générale");
        assert_eq!(key(&["The", "..", "Acme"]), "acme");
        assert_eq!(key(&["The"]), "");
        assert!(is_joined("U.S. Navy", &["U.S.".into(), "Navy".into()]));
        assert!(!is_joined("U.S. Navy", &["U.S.".into()]));
    }

    #[test]
    fn acronym_initials() {
        assert!(is_initials_of("doj", "department of justice"));
        assert!(is_initials_of("dj", "department of justice"));
        assert!(is_initials_of("sec", "securities and exchange commission"));
        assert!(!is_initials_of("d", "department"));
        assert!(!is_initials_of("do", "department of justice"));
    }
}
