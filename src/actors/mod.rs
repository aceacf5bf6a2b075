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
//! The word lists live in `rules` (what list each word is in, asked once per word); the
//! steps, a file each, in order:
//! 1. `names` finds the name-shaped runs of capitalised words in each sentence;
//! 2. `mentions` reads the text once and turns each run into the names it mentions (split
//!    at "and", titles stripped, generic words dropped), each marked as lead, subject, next
//!    to a role verb or a location;
//! 3. `aliases` groups the mentions of one actor into a candidate, merges aliases into the
//!    name they stand for, and gives each its display name and kind;
//! 4. `rank` drops the publisher, settings and foreign-text noise, scores what is left by
//!    the rules and works out the features the model weighs;
//! 5. `cut` orders the candidates by the learned model and stops the list.
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

mod aliases;
mod cut;
mod mentions;
mod names;
mod rank;
mod rules;

pub use aliases::CORPORATE_SUFFIXES;
pub use cut::{ActorModel, Features, BUILTIN_ACTOR_MODEL_TOML, FEATURE_NAMES, N_FEATURES};
pub use mentions::{LEAD_SENTENCES, MAX_NAME_WORDS, MIN_CONTENT_WORDS, NAME_FINAL_TITLES};
pub use rank::{
    LEAD_BONUS, MAX_ROLE_MENTIONS, NOUN_CAPITALISING_LANGUAGES, ROLE_BONUS, SUBJECT_BONUS,
    TITLE_BONUS,
};
pub use rules::{
    ActorRules, ADJECTIVE_SUFFIXES, BUILTIN_ACTORS_TOML, LOCATIVE_WORDS, SUBJECT_LIST_WORDS,
};

use crate::brief::Actor;
use crate::text::Document;
use aliases::actor_of;
use rank::{candidate_features, ranked_candidates};

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
