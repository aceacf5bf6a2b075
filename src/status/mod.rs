//! Status of the story's main claim, each label backed by a sentence of the text, and the
//! kind of page (news or not).
//!
//! For telling a reader how solid a story is: `early-stage` (a process with no outcome yet),
//! `denied` (a named party rejects the claim), `unconfirmed` (anonymous sources, another
//! outlet's report, rumour) and `confirmed` (the responsible party or an authority says it on
//! the record). Not for judging whether a claim is true, and not for non-English text (an
//! empty status is returned rather than a wrong English guess).
//!
//! Two layers:
//! 1. **Named rules** find the cues (phrases in `prompts/status.toml`) in each sentence and
//!    say where each stands ([`features`](mod@features)):
//!    - [`RULE_MAIN_CLAIM`]: headline and lead are kept apart from the body; body sentences
//!      are weighted by position.
//!    - [`RULE_NEGATION`]: "has not confirmed", "did not deny" do not count.
//!    - [`RULE_CONDITIONAL`]: "if confirmed", "could be signed" are not confirmations or outcomes.
//!    - [`RULE_SILENCE_IS_NOT_DENIAL`]: "declined to comment", "did not respond" never deny.
//!    - [`RULE_REFUSAL_IS_NOT_DENIAL`]: "was denied bail" is a refusal, not a denial.
//!    - [`RULE_CONFIRMING_A_DENIAL`]: "he confirmed the list is false" supports the denial.
//!    - [`RULE_REPORTED_CONFIRMATION`]: a confirmation that is itself only reported is no
//!      confirmation, and an outcome inside a denial is no outcome.
//!    - [`RULE_QUOTE`]: a cue inside quotation marks is somebody's words, kept apart.
//!    - [`RULE_ASIDE`]: a cue in a relative or subordinate clause ("whose condition has
//!      reportedly improved"), a hedge used as a modifier ("the alleged assailant") or a
//!      background sentence ("at first", "last year") is a side detail, kept apart.
//!    - [`RULE_NAMED_SOURCE`]: "according to the Defense Ministry" names its source: not
//!      anonymous sourcing.
//! 2. **A learned model** ([`model`], weights in `prompts/status_model.toml`, written by the
//!    trainer `src/bin/train/status.rs`) weighs those features: one logistic head decides
//!    news or not ([`RULE_NOT_NEWS_NO_STATUS`]), one head per label decides the label.
//!    Then the guideline's tie-breaks that the model cannot learn from few examples
//!    apply: [`RULE_DENIER_IN_HEADLINE`], [`RULE_DENIAL_IN_LEAD`],
//!    [`RULE_OUTCOME_BEATS_PROCESS`], [`RULE_DENIAL_ALONE_CONFIRMS_NOTHING`] and
//!    [`RULE_ON_RECORD_BEATS_ANONYMOUS`]; [`RULE_EVIDENCE_ONCE`] picks the evidence.

mod cues;
pub mod features;
pub mod model;

use std::path::Path;

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::brief::{ArticleKind, StatusItem, StatusLabel};
use crate::error::{Error, Result};
use crate::text::Document;
use cues::{Cue, CueSet, Group};
pub use features::{features, Features, SentenceCues, FEATURE_COUNT, FEATURE_NAMES};
use features::{CONFIRMED, DENIED, OUTCOME, PROCESS, UNCONFIRMED};
pub use model::{StatusModel, BUILTIN_STATUS_MODEL_TOML};

/// Rule: the main claim is in the headline and lead; they are features of their own, and
/// body sentences are weighted by position.
pub const RULE_MAIN_CLAIM: &str = "main-claim";
/// Rule: a cue with a negator shortly before it in the same clause does not count.
pub const RULE_NEGATION: &str = "negation";
/// Rule: a confirmation or outcome under "if", "whether", "could", "may" is hypothetical.
pub const RULE_CONDITIONAL: &str = "conditional";
/// Rule: "declined to comment", "did not respond", "could not be reached" never deny.
pub const RULE_SILENCE_IS_NOT_DENIAL: &str = "silence-is-not-denial";
/// Rule: "was denied bail/entry" (passive, no "by"/"that") is a refusal, not a denial.
pub const RULE_REFUSAL_IS_NOT_DENIAL: &str = "refusal-is-not-denial";
/// Rule: a confirmation in a sentence that denies ("confirmed that the list is false")
/// confirms the denial, not the claim.
pub const RULE_CONFIRMING_A_DENIAL: &str = "confirming-a-denial";
/// Rule: a confirmation inside a sentence that rests on a report or anonymous source is
/// not on the record, unless the report is what is confirmed ("the company confirmed media
/// reports"); an outcome inside a denial did not happen.
pub const RULE_REPORTED_CONFIRMATION: &str = "reported-confirmation";
/// Rule: cues inside quotation marks are features of their own ("quoted").
pub const RULE_QUOTE: &str = "quote";
/// Rule: cues in asides, modifiers and background sentences are features of their own
/// ("aside"), so a side detail does not count as the main claim.
pub const RULE_ASIDE: &str = "aside";
/// Rule: a bare "according to" followed by its source names that source.
pub const RULE_NAMED_SOURCE: &str = "named-source";
/// Rule: a page the model does not take for news (opinion, review, guide, listing) gets no
/// status at all.
pub const RULE_NOT_NEWS_NO_STATUS: &str = "not-news-no-status";
/// Rule: a party the headline names denies, in its own voice or quoted, with a clear cue
/// (at least [`DENIER_IN_HEADLINE_MIN_CUE`]): the story is denied whatever else it says.
pub const RULE_DENIER_IN_HEADLINE: &str = "denier-in-headline";
/// Cue strength a headline party's denial needs for [`RULE_DENIER_IN_HEADLINE`] ("denied" is 1.2).
pub const DENIER_IN_HEADLINE_MIN_CUE: f64 = 1.2;
/// Rule: confirmed and unconfirmed never both: when the model says both, an explicit
/// on-record confirmation in the text (a cue of at least
/// [`features::EXPLICIT_CONFIRMATION_MIN_WEIGHT`]: "confirmed", "announced", "said in a
/// statement") makes it confirmed; otherwise, when the headline or lead itself rests on
/// anonymous sources or reports, the anonymous sourcing stands (a reported decision is
/// unconfirmed, however factual it sounds); else the more probable label wins.
pub const RULE_ON_RECORD_BEATS_ANONYMOUS: &str = "on-record-beats-anonymous";
/// Rule (the guideline's tie-break 3): a formal outcome in the headline or lead (charges,
/// a ruling, a signed deal, a dropped probe) at least as strong as the process cue there
/// beats the process: not early-stage, even when the model leans to it.
pub const RULE_OUTCOME_BEATS_PROCESS: &str = "outcome-beats-process";
/// Rule: a clear denial (a cue of at least [`DENIAL_IN_LEAD_MIN_CUE`]) in the headline or
/// lead, in the text's own voice, makes the story denied.
pub const RULE_DENIAL_IN_LEAD: &str = "denial-in-lead";
/// Cue strength a denial in the headline or lead needs for [`RULE_DENIAL_IN_LEAD`].
pub const DENIAL_IN_LEAD_MIN_CUE: f64 = 1.2;
/// Rule: a denied story is confirmed too only when something is on the record besides the
/// denial (a confirmation cue or a formal outcome); a denial alone confirms nothing.
pub const RULE_DENIAL_ALONE_CONFIRMS_NOTHING: &str = "denial-alone-confirms-nothing";

/// Rule: a label's evidence is the clearest sentence for it, preferring one no other label
/// shows already, unless the shared one is much clearer ([`SHARED_EVIDENCE_RATIO`]).
pub const RULE_EVIDENCE_ONCE: &str = "evidence-once";

/// An unused sentence is taken as evidence when its score is at least this share of the
/// best (already used) one.
pub const SHARED_EVIDENCE_RATIO: f64 = 0.5;

/// How much an on-record outcome counts as confirmation evidence.
pub const OUTCOME_AS_CONFIRMATION: f64 = 0.8;

/// The words of `prompts/status.toml` compiled into the binary.
pub const BUILTIN_STATUS_TOML: &str = include_str!("../../prompts/status.toml");

/// Cue phrases, word lists and the learned model used by [`classify`].
#[derive(Debug, Clone)]
pub struct StatusRules {
    position: Position,
    words: WordLists,
    /// Speech, day, first- and second-person words, one lookup per word (bits
    /// [`features::CLASS_SPEECH`] ...).
    word_classes: foldhash::HashMap<String, u8>,
    cues: CueSet,
    model: StatusModel,
}

#[derive(Debug, Clone, Deserialize)]
struct Position {
    by_rank: Vec<f64>,
    rest: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct WordLists {
    negation: Vec<String>,
    conditional: Vec<String>,
    modal: Vec<String>,
    be_forms: Vec<String>,
    background: Vec<String>,
    #[serde(default)]
    aside: Vec<String>,
    #[serde(default)]
    determiners: Vec<String>,
    #[serde(default)]
    speech: Vec<String>,
    #[serde(default)]
    time: Vec<String>,
    #[serde(default)]
    first_person: Vec<String>,
    #[serde(default)]
    second_person: Vec<String>,
    #[serde(default)]
    nonnews_title: Vec<String>,
}

/// The file's layout.
#[derive(Debug, Deserialize)]
struct RawRules {
    position: Position,
    words: WordLists,
    process: BTreeMap<String, f64>,
    outcome: BTreeMap<String, f64>,
    denied: BTreeMap<String, f64>,
    non_denial: BTreeMap<String, f64>,
    unconfirmed: BTreeMap<String, f64>,
    confirmed: BTreeMap<String, f64>,
}

fn compile(section: &str, map: &BTreeMap<String, f64>) -> Result<Vec<Cue>> {
    map.iter()
        .map(|(phrase, &w)| {
            Cue::parse(phrase, w).ok_or_else(|| {
                Error::BadInput(format!(
                    "status rules: [{section}] phrase `{phrase}` must start and end with a word"
                ))
            })
        })
        .collect()
}

impl StatusRules {
    /// The built-in rules and model (compiled in from `prompts/`).
    #[must_use]
    pub fn builtin() -> Self {
        match Self::from_toml(BUILTIN_STATUS_TOML) {
            Ok(r) => r,
            // The built-in file is checked by the `builtin_rules_parse` test, so this arm is
            // unreachable in a tested build; an empty rule set is the safe fallback anyway.
            Err(_) => Self::empty(),
        }
    }

    /// Parses rules from the text of a `status.toml` file, with the built-in model.
    ///
    /// # Errors
    /// [`Error::BadInput`] when the TOML is malformed, misses a section, or holds a phrase
    /// that does not start and end with a word.
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: RawRules = toml::from_str(text)
            .map_err(|e| Error::BadInput(format!("status rules: {}", e.message())))?;
        let background = raw
            .words
            .background
            .iter()
            .filter_map(|p| Cue::parse(p, 1.0))
            .collect();
        let mut cues = CueSet::default();
        cues.add(Group::Process, compile("process", &raw.process)?);
        cues.add(Group::Outcome, compile("outcome", &raw.outcome)?);
        cues.add(Group::Denied, compile("denied", &raw.denied)?);
        cues.add(Group::NonDenial, compile("non_denial", &raw.non_denial)?);
        cues.add(
            Group::Unconfirmed,
            compile("unconfirmed", &raw.unconfirmed)?,
        );
        cues.add(Group::Confirmed, compile("confirmed", &raw.confirmed)?);
        cues.add(Group::Background, background);
        Ok(Self {
            cues,
            position: raw.position,
            word_classes: features::word_classes(&raw.words),
            words: raw.words,
            model: StatusModel::builtin(),
        })
    }

    /// The same rules with another model (the trainer scores each fold's model this way).
    #[must_use]
    pub fn with_model(mut self, model: StatusModel) -> Self {
        self.model = model;
        self
    }

    /// The model in use.
    #[must_use]
    pub fn model(&self) -> &StatusModel {
        &self.model
    }

    /// Loads `status.toml` and `status_model.toml` from `dir/prompts` (or `dir`) where
    /// present, so users can tune wording or load a re-trained model without a rebuild;
    /// the built-in ones otherwise.
    ///
    /// # Errors
    /// [`Error::Io`] when a file exists but cannot be read, or any [`Self::from_toml`] /
    /// [`StatusModel::from_toml`] error.
    pub fn load(dir: &Path) -> Result<Self> {
        let rules = match crate::config::read_rules_file(dir, "status.toml")? {
            Some(text) => Self::from_toml(&text)?,
            None => Self::builtin(),
        };
        Ok(
            match crate::config::read_rules_file(dir, "status_model.toml")? {
                Some(text) => rules.with_model(StatusModel::from_toml(&text)?),
                None => rules,
            },
        )
    }

    fn empty() -> Self {
        Self {
            position: Position {
                by_rank: Vec::new(),
                rest: 1.0,
            },
            words: WordLists {
                negation: Vec::new(),
                conditional: Vec::new(),
                modal: Vec::new(),
                be_forms: Vec::new(),
                background: Vec::new(),
                aside: Vec::new(),
                determiners: Vec::new(),
                speech: Vec::new(),
                time: Vec::new(),
                first_person: Vec::new(),
                second_person: Vec::new(),
                nonnews_title: Vec::new(),
            },
            word_classes: foldhash::HashMap::default(),
            cues: CueSet::default(),
            model: StatusModel::inert(),
        }
    }
}

impl Default for StatusRules {
    fn default() -> Self {
        Self::builtin()
    }
}

/// What the status pass concludes about a document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judgement {
    /// News or not; `None` when the text was not judged (not English, no sentence).
    pub kind: Option<ArticleKind>,
    /// The labels with their evidence and calibrated confidence, in label order: only those
    /// at or above their head's threshold (empty for non-news).
    pub status: Vec<StatusItem>,
    /// Labels the model leans to but would not bet on ([`RULE_HELD_BACK`]): never shown as
    /// a label, only mentioned as uncertain in the "Why?" answer.
    pub held_back: Vec<StatusItem>,
}

/// Rule: a label whose calibrated confidence is under its head's threshold is not shown;
/// one at or above [`HELD_BACK_MIN_CONFIDENCE`] (with a sentence that shows it) is held back:
/// the "Why?" answer may say it is mentioned but not clearly about the main claim.
pub const RULE_HELD_BACK: &str = "held-back";
/// The least calibrated confidence of a held-back label.
pub const HELD_BACK_MIN_CONFIDENCE: f64 = 0.35;

/// The labels the model decides, in head order.
const LABELS: [StatusLabel; 4] = [
    StatusLabel::EarlyStage,
    StatusLabel::Denied,
    StatusLabel::Unconfirmed,
    StatusLabel::Confirmed,
];

/// How clearly sentence `s` shows `label` (0: not at all). Own-voice cues count fully,
/// quoted denials nearly so (a party's own "we deny"), side details little; position
/// counts for a quarter (the clearest sentence wins, the earlier one on near ties).
fn evidence_score(s: &features::ScoredSentence, label: StatusLabel) -> f64 {
    let c = &s.cues;
    let pos = 0.75 + 0.25 * if s.lead { 1.0 } else { s.weight };
    let v = match label {
        StatusLabel::EarlyStage => c.clean[PROCESS].max(0.3 * c.aside[PROCESS]),
        StatusLabel::Denied => c.clean[DENIED]
            .max(0.9 * c.quoted[DENIED])
            .max(0.3 * c.aside[DENIED]),
        StatusLabel::Unconfirmed => c.clean[UNCONFIRMED].max(0.3 * c.aside[UNCONFIRMED]),
        StatusLabel::Confirmed => c.clean[CONFIRMED]
            .max(OUTCOME_AS_CONFIRMATION * c.clean[OUTCOME])
            .max(if c.named_source { 0.8 } else { 0.0 }),
    };
    v * pos
}

/// [`RULE_EVIDENCE_ONCE`]: the evidence sentence for `label`, if any sentence shows it.
fn pick_evidence(f: &Features, label: StatusLabel, used: &[usize]) -> Option<usize> {
    let mut scored: Vec<(f64, usize)> = f
        .sentences
        .iter()
        .filter(|s| s.weight > 0.0)
        .map(|s| (evidence_score(s, label), s.index))
        .filter(|(v, _)| *v > 0.0)
        .collect();
    // Clearest first; earlier sentences first on ties.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let &(best, best_i) = scored.first()?;
    let fresh = scored
        .iter()
        .find(|(v, i)| !used.contains(i) && *v >= SHARED_EVIDENCE_RATIO * best);
    Some(fresh.map_or(best_i, |&(_, i)| i))
}

/// Judges `doc`: its kind and its status labels with evidence.
///
/// Every evidence string is a verbatim sentence of `doc.text`; a label no sentence of the
/// text shows is left out, except `confirmed`, whose evidence falls back to the lead (a
/// plain news report states its fact there).
#[must_use]
pub fn judge(doc: &Document, rules: &StatusRules) -> Judgement {
    if !judged(doc) {
        return Judgement::default();
    }
    let f = features(doc, rules);
    decide(doc, rules.model(), &f)
}

/// Whether `doc` gets a status at all: English text with sentences (never an English guess).
fn judged(doc: &Document) -> bool {
    doc.is_english() && !doc.sentences.is_empty()
}

/// Whether [`RULE_DENIER_IN_HEADLINE`] or [`RULE_DENIAL_IN_LEAD`] would force `denied` on
/// (the trainer measures how often they are right, [`model::Head::forced`]).
#[must_use]
pub fn denial_rules_fire(f: &Features) -> bool {
    f.values[features::F_HEADLINE_PARTY] >= DENIER_IN_HEADLINE_MIN_CUE
        || f.main_claim(DENIED) >= DENIAL_IN_LEAD_MIN_CUE
}

/// The model's decisions over already computed features (the trainer scores with this, so
/// it applies every rule [`judge`] does, the language rule included).
#[must_use]
pub fn decide(doc: &Document, model: &StatusModel, f: &Features) -> Judgement {
    if !judged(doc) {
        return Judgement::default();
    }
    let news = model.news();
    // RULE_NOT_NEWS_NO_STATUS
    if news.confidence(&f.values) < news.threshold {
        return Judgement {
            kind: Some(ArticleKind::NonNews),
            ..Judgement::default()
        };
    }
    let mut q = [0.0; 4];
    let mut on = [false; 4];
    for i in 0..LABELS.len() {
        let h = model.label(i);
        q[i] = h.confidence(&f.values);
        on[i] = q[i] >= h.threshold;
    }
    // RULE_DENIER_IN_HEADLINE and RULE_DENIAL_IN_LEAD, trusted as far as their measured
    // precision reaches the head's threshold.
    let denied = model.label(1);
    if denied.forced >= denied.threshold && denial_rules_fire(f) {
        on[1] = true;
        q[1] = q[1].max(denied.forced);
    }
    let before_rules = on;
    // Shown, or held back: a signal the tie-breaks below still weigh.
    let seen = |on: &[bool; 4], i: usize| on[i] || q[i] >= HELD_BACK_MIN_CONFIDENCE;
    // RULE_OUTCOME_BEATS_PROCESS
    let outcome = f.main_claim(OUTCOME);
    if on[0] && outcome > 0.0 && outcome >= f.main_claim(PROCESS) {
        on[0] = false;
    }
    // RULE_DENIAL_ALONE_CONFIRMS_NOTHING (a denial the model holds back counts too: it is
    // still no confirmation)
    if seen(&on, 1) && on[3] && f.anywhere(CONFIRMED) == 0.0 && f.anywhere(OUTCOME) == 0.0 {
        on[3] = false;
    }
    // RULE_ON_RECORD_BEATS_ANONYMOUS (anonymous sourcing the model holds back still weighs
    // against a confirmation: a reported decision is no on-record one)
    if seen(&on, 2) && on[3] {
        let anonymous = if f.explicit_confirmation() {
            false
        } else {
            f.anonymous_main_claim() || q[2] > q[3]
        };
        if anonymous {
            on[3] = false;
        } else {
            on[2] = false;
        }
    }
    let mut used = Vec::new();
    let mut status = Vec::new();
    let mut held_back = Vec::new();
    for (i, label) in LABELS.iter().enumerate() {
        // RULE_HELD_BACK: not bet on by the model, or ruled out by a tie-break above.
        if !seen(&on, i) && !before_rules[i] {
            continue;
        }
        let ev = pick_evidence(f, *label, &used).or_else(|| {
            (on[i] && *label == StatusLabel::Confirmed)
                .then(|| f.sentences.iter().find(|s| s.weight > 0.0).map(|s| s.index))
                .flatten()
        });
        let Some(e) = ev else { continue };
        let item = StatusItem {
            label: *label,
            evidence: doc.sentence(e).to_string(),
            confidence: (q[i] * 1000.0).round() / 1000.0,
        };
        if on[i] {
            used.push(e);
            status.push(item);
        } else {
            held_back.push(item);
        }
    }
    Judgement {
        kind: Some(ArticleKind::News),
        status,
        held_back,
    }
}

/// The status labels of `doc` with their evidence, in label order (see [`judge`]).
#[must_use]
pub fn classify(doc: &Document, rules: &StatusRules) -> Vec<StatusItem> {
    judge(doc, rules).status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let r = StatusRules::from_toml(BUILTIN_STATUS_TOML).unwrap();
        for g in [
            Group::Process,
            Group::Outcome,
            Group::Denied,
            Group::NonDenial,
            Group::Unconfirmed,
            Group::Confirmed,
            Group::Background,
        ] {
            assert!(!r.cues.group(g).is_empty(), "{g:?} has no cue");
        }
        assert!(!r.words.aside.is_empty() && !r.words.speech.is_empty());
    }

    #[test]
    fn bad_phrase_is_an_error() {
        let text = BUILTIN_STATUS_TOML.replace("\"probe\" = 1.0", "\"... probe\" = 1.0");
        assert!(StatusRules::from_toml(&text).is_err());
        assert!(StatusRules::from_toml("not toml [").is_err());
    }
}
