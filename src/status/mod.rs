//! Status of the story's main claim, each label backed by a sentence of the text.
//!
//! For telling a reader how solid a story is: `early-stage` (a process with no outcome yet),
//! `denied` (a named party rejects the claim), `unconfirmed` (anonymous sources, another
//! outlet's report, rumour) and `confirmed` (the responsible party or an authority says it on
//! the record). Not for judging whether a claim is true, and not for non-English text (an
//! empty status is returned rather than a wrong English guess).
//!
//! The cue phrases, their weights and the negation, conditional and background words live in
//! `prompts/status.toml` (compiled in, and reloadable with [`StatusRules::load`]). The logic
//! that applies them is here, one named rule per decision:
//!
//! - [`RULE_MAIN_CLAIM`]: headline and lead weigh most, background sentences little.
//! - [`RULE_NEGATION`]: "has not confirmed", "did not deny" do not count.
//! - [`RULE_CONDITIONAL`]: "if confirmed", "could be signed" are not confirmations or outcomes.
//! - [`RULE_SILENCE_IS_NOT_DENIAL`]: "declined to comment", "did not respond" never deny.
//! - [`RULE_REFUSAL_IS_NOT_DENIAL`]: "was denied bail" is a refusal, not a denial.
//! - [`RULE_CONFIRMING_A_DENIAL`]: "he confirmed the list is false" supports the denial.
//! - [`RULE_REPORTED_CONFIRMATION`]: a confirmation that is itself only reported is no
//!   confirmation, and an outcome inside a denial is no outcome.
//! - [`RULE_OUTCOME_IS_ON_RECORD`]: a formal outcome stated as fact is a confirmation.
//! - [`RULE_OUTCOME_BEATS_PROCESS`]: charges filed, deal signed -> not early-stage.
//! - [`RULE_ON_RECORD_BEATS_ANONYMOUS`]: confirmed and unconfirmed never both; the stronger
//!   wins.

mod cues;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::brief::{StatusItem, StatusLabel};
use crate::error::{Error, Result};
use crate::text::Document;
use cues::{word_in, Cue, CueSet, Group, Hit, Words, LOOKBACK_WORDS};

/// Rule: the main claim is in the headline and lead; later sentences weigh less, and those
/// that call themselves background ("last year", "previously") less again.
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
/// Rule: a confirmation or "said" inside a sentence that rests on a report or anonymous
/// source is not on the record, unless the report is what is confirmed ("the company
/// confirmed media reports", cue weight at least [`CONFIRMS_REPORT_MIN_WEIGHT`]); an
/// outcome inside a denial did not happen.
pub const RULE_REPORTED_CONFIRMATION: &str = "reported-confirmation";
/// Rule: a formal outcome (signed, resigned, charged) stated as fact by the text counts
/// towards `confirmed`, scaled by [`OUTCOME_AS_CONFIRMATION`].
pub const RULE_OUTCOME_IS_ON_RECORD: &str = "outcome-is-on-record";
/// Rule: when the outcome cues weigh at least as much as the process cues, or a clear
/// outcome (weight at least [`STRONG_OUTCOME_MIN_WEIGHT`]) is in the headline or lead, the
/// story reports an outcome, so it is not early-stage ("after months of talks, they signed").
pub const RULE_OUTCOME_BEATS_PROCESS: &str = "outcome-beats-process";
/// Rule: early-stage needs the process in the headline or lead (the first
/// [`LEAD_SENTENCES`] content sentences), or an explicit stage cue (weight at least
/// [`STAGE_CUE_MIN_WEIGHT`], e.g. "in its early stages", "no decision has been made")
/// anywhere: a probe mentioned only further down is background.
pub const RULE_PROCESS_IS_THE_CLAIM: &str = "process-is-the-claim";
/// Rule: the accused party's reply usually comes after the claim is laid out, so a denial
/// anywhere in the story answers the main claim: its position weight is at least
/// [`DENIAL_MIN_POSITION_WEIGHT`] (background sentences and bylines excepted).
pub const RULE_REPLY_FOLLOWS_CLAIM: &str = "reply-follows-claim";
/// Rule: in a story about a denial, the report or rumour being denied may be described
/// anywhere, so unconfirmed cues get a position weight of at least
/// [`DENIED_SOURCE_POSITION_WEIGHT`] once the story is `denied`.
pub const RULE_DENIED_CLAIM_HAS_A_SOURCE: &str = "denied-claim-has-a-source";
/// Rule: `confirmed` needs its score to reach the threshold and either an explicit
/// on-record confirmation (a cue of at least [`EXPLICIT_CONFIRMATION_MIN_WEIGHT`]:
/// "confirmed", "announced", "said in a statement", "it is true that") or a score at least
/// the `unconfirmed` one; a confirmed claim is never also unconfirmed.
pub const RULE_ON_RECORD_BEATS_ANONYMOUS: &str = "on-record-beats-anonymous";

/// How much an on-record outcome counts as a confirmation: a little less than an explicit
/// "confirmed"/"announced", because the text may state it without naming who said it.
pub const OUTCOME_AS_CONFIRMATION: f64 = 0.8;

/// An unconfirmed cue at least this strong makes its sentence "reported": confirmations in
/// it do not count. (Weaker cues such as a bare "according to" may name a filing.)
pub const REPORTED_SENTENCE_MIN_WEIGHT: f64 = 1.0;

/// A confirmation cue this strong takes the report itself as its object ("confirmed ...
/// reports"), so the report cue in the same sentence does not make it second-hand.
pub const CONFIRMS_REPORT_MIN_WEIGHT: f64 = 1.5;

/// How many of a label's best sentences add up to its score: two, so one stray cue in the
/// lead is not enough but a cue repeated in headline and lead is.
pub const SCORED_SENTENCES: usize = 2;

/// Content sentences that make up the lead (with the headline): where the main claim is.
pub const LEAD_SENTENCES: usize = 2;

/// A process cue this strong says outright that nothing is decided ("early stages",
/// "first phase", "no decision"), so it counts wherever it appears.
pub const STAGE_CUE_MIN_WEIGHT: f64 = 1.5;

/// Lowest position weight of a denial in a content sentence (see
/// [`RULE_REPLY_FOLLOWS_CLAIM`]); with the usual "denied" weight one clear denial suffices.
pub const DENIAL_MIN_POSITION_WEIGHT: f64 = 0.85;

/// A confirmation cue this strong is explicit and on the record, so it beats anonymous
/// sourcing outright (a bare "said" is weaker: 0.5).
pub const EXPLICIT_CONFIRMATION_MIN_WEIGHT: f64 = 1.0;

/// Lowest position weight of a report or rumour cue in a denial story (see
/// [`RULE_DENIED_CLAIM_HAS_A_SOURCE`]): one clear cue anywhere names the denied claim's source.
pub const DENIED_SOURCE_POSITION_WEIGHT: f64 = 1.0;

/// An outcome cue this strong in the headline or lead settles the main claim (see
/// [`RULE_OUTCOME_BEATS_PROCESS`]): "has signed", "charged with", "resigned as".
pub const STRONG_OUTCOME_MIN_WEIGHT: f64 = 1.2;

/// Sentences with fewer words than this are bylines, captions or subheads, not content.
pub const MIN_CONTENT_WORDS: usize = 5;

/// The words of `prompts/status.toml` compiled into the binary.
pub const BUILTIN_STATUS_TOML: &str = include_str!("../../prompts/status.toml");

/// Cue phrases and weights used by [`classify`], loaded from `prompts/status.toml`.
#[derive(Debug, Clone)]
pub struct StatusRules {
    thresholds: Thresholds,
    position: Position,
    words: WordLists,
    cues: CueSet,
}

#[derive(Debug, Clone, Deserialize)]
struct Thresholds {
    early_stage: f64,
    denied: f64,
    unconfirmed: f64,
    confirmed: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct Position {
    title: f64,
    by_rank: Vec<f64>,
    rest: f64,
    background: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct WordLists {
    negation: Vec<String>,
    conditional: Vec<String>,
    modal: Vec<String>,
    be_forms: Vec<String>,
    background: Vec<String>,
}

/// The file's layout.
#[derive(Debug, Deserialize)]
struct RawRules {
    thresholds: Thresholds,
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
    /// The built-in rules (compiled in from `prompts/status.toml`).
    #[must_use]
    pub fn builtin() -> Self {
        match Self::from_toml(BUILTIN_STATUS_TOML) {
            Ok(r) => r,
            // The built-in file is checked by the `builtin_rules_parse` test, so this arm is
            // unreachable in a tested build; an empty rule set is the safe fallback anyway.
            Err(_) => Self::empty(),
        }
    }

    /// Parses rules from the text of a `status.toml` file.
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
            thresholds: raw.thresholds,
            position: raw.position,
            words: raw.words,
        })
    }

    /// Loads `prompts/status.toml` (or `status.toml`) from `dir` when present, so users can
    /// tune wording without a rebuild; otherwise the built-in rules.
    ///
    /// # Errors
    /// [`Error::Io`] when the file exists but cannot be read, or any [`Self::from_toml`]
    /// error.
    pub fn load(dir: &Path) -> Result<Self> {
        match crate::config::read_rules_file(dir, "status.toml")? {
            Some(text) => Self::from_toml(&text),
            None => Ok(Self::builtin()),
        }
    }

    fn empty() -> Self {
        Self {
            thresholds: Thresholds {
                early_stage: f64::INFINITY,
                denied: f64::INFINITY,
                unconfirmed: f64::INFINITY,
                confirmed: f64::INFINITY,
            },
            position: Position {
                title: 1.0,
                by_rank: Vec::new(),
                rest: 1.0,
                background: 1.0,
            },
            words: WordLists {
                negation: Vec::new(),
                conditional: Vec::new(),
                modal: Vec::new(),
                be_forms: Vec::new(),
                background: Vec::new(),
            },
            cues: CueSet::default(),
        }
    }
}

impl Default for StatusRules {
    fn default() -> Self {
        Self::builtin()
    }
}

/// What one sentence shows, before position weighting.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SentenceCues {
    /// Strongest process cue (early-stage).
    pub process: f64,
    /// Strongest outcome cue (not early-stage).
    pub outcome: f64,
    /// Strongest denial cue.
    pub denied: f64,
    /// Strongest anonymous-sourcing or report cue.
    pub unconfirmed: f64,
    /// Strongest on-record confirmation (after [`RULE_CONFIRMING_A_DENIAL`] and
    /// [`RULE_REPORTED_CONFIRMATION`]).
    pub confirmed: f64,
    /// Whether the sentence calls itself background.
    pub background: bool,
}

fn best(hits: impl Iterator<Item = Hit>) -> f64 {
    hits.map(|h| h.weight).fold(0.0, f64::max)
}

impl StatusRules {
    fn negated(&self, w: &Words, h: &Hit) -> bool {
        w.before(h.start, LOOKBACK_WORDS)
            .any(|x| word_in(x, &self.words.negation))
    }

    fn hypothetical(&self, w: &Words, h: &Hit) -> bool {
        w.before(h.start, LOOKBACK_WORDS)
            .any(|x| word_in(x, &self.words.conditional) || word_in(x, &self.words.modal))
    }

    fn conditional(&self, w: &Words, h: &Hit) -> bool {
        w.before(h.start, LOOKBACK_WORDS)
            .any(|x| word_in(x, &self.words.conditional))
    }

    /// [`RULE_REFUSAL_IS_NOT_DENIAL`]: "was denied bail".
    fn is_refusal(&self, w: &Words, h: &Hit) -> bool {
        let first = w.get(h.start).unwrap_or_default();
        let prev = h.start.checked_sub(1).and_then(|i| w.get(i));
        let next = w.get(h.start + 1);
        first == "denied"
            && prev.is_some_and(|p| word_in(p, &self.words.be_forms))
            && !matches!(next, Some("by" | "that"))
    }

    /// Scores one sentence for every cue group, applying the per-sentence rules.
    #[must_use]
    pub fn sentence_cues(&self, sentence: &str) -> SentenceCues {
        let w = Words::new(sentence);
        let found = self.cues.find(&w);
        let silence: Vec<Hit> = found.of(Group::NonDenial).collect();
        let denied = best(found.of(Group::Denied).filter(|h| {
            // RULE_SILENCE_IS_NOT_DENIAL, RULE_NEGATION, RULE_REFUSAL_IS_NOT_DENIAL
            !silence.iter().any(|s| h.start < s.end && s.start < h.end)
                && !self.negated(&w, h)
                && !self.is_refusal(&w, h)
        }));
        let unconfirmed = best(found.of(Group::Unconfirmed));
        let process = best(found.of(Group::Process).filter(|h| !self.negated(&w, h)));
        let outcome_raw = best(
            found
                .of(Group::Outcome)
                .filter(|h| !self.negated(&w, h) && !self.hypothetical(&w, h)),
        );
        // RULE_REPORTED_CONFIRMATION: an outcome inside a denial did not happen.
        let outcome = if denied > 0.0 { 0.0 } else { outcome_raw };
        let stated = best(
            found
                .of(Group::Confirmed)
                .filter(|h| !self.negated(&w, h) && !self.conditional(&w, h)),
        )
        .max(outcome * OUTCOME_AS_CONFIRMATION); // RULE_OUTCOME_IS_ON_RECORD
                                                 // RULE_CONFIRMING_A_DENIAL and RULE_REPORTED_CONFIRMATION.
        let confirms_report = stated >= CONFIRMS_REPORT_MIN_WEIGHT;
        let confirmed =
            if denied > 0.0 || (unconfirmed >= REPORTED_SENTENCE_MIN_WEIGHT && !confirms_report) {
                0.0
            } else {
                stated
            };
        let background = found.of(Group::Background).next().is_some();
        SentenceCues {
            process,
            outcome,
            denied,
            unconfirmed,
            confirmed,
            background,
        }
    }
}

/// One scored unit: the title or a sentence (with its index when it is in the text).
struct Scored {
    sentence: Option<usize>,
    weight: f64,
    /// Headline or lead sentence.
    lead: bool,
    cues: SentenceCues,
}

fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        crate::text::tokens::words(s)
            .map(str::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// [`RULE_MAIN_CLAIM`]: weights the title and every sentence by position.
fn score_document(doc: &Document, rules: &StatusRules) -> Vec<Scored> {
    let title = doc.title.as_deref().filter(|t| !t.trim().is_empty());
    let mut out = Vec::new();
    let mut title_in_text = false;
    let mut rank = 0;
    for i in 0..doc.sentences.len() {
        let s = doc.sentence(i);
        let cues = rules.sentence_cues(s);
        let is_title = i == 0 && title.is_some_and(|t| same_words(t, s));
        let lead = is_title || (rank < LEAD_SENTENCES && is_content(s));
        let weight = if is_title {
            title_in_text = true;
            rules.position.title
        } else if !is_content(s) {
            0.0
        } else {
            let w = rules
                .position
                .by_rank
                .get(rank)
                .copied()
                .unwrap_or(rules.position.rest);
            rank += 1;
            w
        };
        let weight = if cues.background && !is_title {
            weight * rules.position.background
        } else {
            weight
        };
        out.push(Scored {
            sentence: Some(i),
            weight,
            lead,
            cues,
        });
    }
    if let (Some(t), false) = (title, title_in_text) {
        out.push(Scored {
            sentence: None,
            weight: rules.position.title,
            lead: true,
            cues: rules.sentence_cues(t),
        });
    }
    out
}

/// Whether `s` is a content sentence rather than a byline, caption or subhead.
fn is_content(s: &str) -> bool {
    crate::text::tokens::words(s)
        .take(MIN_CONTENT_WORDS)
        .count()
        >= MIN_CONTENT_WORDS
        && s.chars().any(char::is_lowercase)
}

/// A label's score (sum of its best [`SCORED_SENTENCES`]) and its best evidence sentence.
fn label_score(
    scored: &[Scored],
    rules_background_scale: f64,
    floor: f64,
    pick: impl Fn(&SentenceCues) -> f64,
) -> (f64, Option<usize>) {
    let mut vals: Vec<(f64, f64, Option<usize>)> = scored
        .iter()
        .map(|s| {
            let weight = if s.weight > 0.0 && !s.cues.background {
                s.weight.max(floor)
            } else {
                s.weight
            };
            let clarity = if s.cues.background {
                pick(&s.cues) * rules_background_scale
            } else {
                pick(&s.cues)
            };
            (weight * pick(&s.cues), clarity, s.sentence)
        })
        .filter(|(v, _, _)| *v > 0.0)
        .collect();
    vals.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = vals.iter().take(SCORED_SENTENCES).map(|v| v.0).sum();
    // Evidence: the text sentence with the clearest cue (background halved), earlier
    // (heavier) ones on ties.
    let mut evidence: Option<&(f64, f64, Option<usize>)> = None;
    for v in vals.iter().filter(|v| v.2.is_some()) {
        let better = evidence.is_none_or(|e| v.1 > e.1 || (v.1 == e.1 && v.0 > e.0));
        if better {
            evidence = Some(v);
        }
    }
    let evidence = evidence.and_then(|v| v.2);
    (total, evidence)
}

/// The status labels of `doc` with their evidence, in label order.
///
/// Empty for non-English documents. Every evidence string is a verbatim sentence of
/// `doc.text`; a label whose cues appear only in the headline is left out.
#[must_use]
pub fn classify(doc: &Document, rules: &StatusRules) -> Vec<StatusItem> {
    if !doc.is_english() {
        return Vec::new();
    }
    let scored = score_document(doc, rules);
    let t = &rules.thresholds;
    let (process, process_ev) = label_score(&scored, rules.position.background, 0.0, |c| c.process);
    let (outcome, _) = label_score(&scored, rules.position.background, 0.0, |c| c.outcome);
    let (denied, denied_ev) = label_score(
        &scored,
        rules.position.background,
        DENIAL_MIN_POSITION_WEIGHT,
        |c| c.denied,
    );
    let is_denied = denied >= t.denied;
    // RULE_DENIED_CLAIM_HAS_A_SOURCE
    let unconfirmed_floor = if is_denied {
        DENIED_SOURCE_POSITION_WEIGHT
    } else {
        0.0
    };
    let (unconfirmed, unconfirmed_ev) =
        label_score(&scored, rules.position.background, unconfirmed_floor, |c| {
            c.unconfirmed
        });
    let (confirmed, confirmed_ev) =
        label_score(&scored, rules.position.background, 0.0, |c| c.confirmed);

    // RULE_PROCESS_IS_THE_CLAIM
    let process_in_claim = scored.iter().any(|s| {
        s.weight > 0.0 && s.cues.process > 0.0 && (s.lead || s.cues.process >= STAGE_CUE_MIN_WEIGHT)
    });
    // RULE_OUTCOME_BEATS_PROCESS
    let outcome_in_lead = scored
        .iter()
        .any(|s| s.lead && s.weight > 0.0 && s.cues.outcome >= STRONG_OUTCOME_MIN_WEIGHT);
    let early = process_in_claim
        && process >= t.early_stage
        && outcome < process
        && !(outcome_in_lead && outcome >= t.early_stage);
    // RULE_ON_RECORD_BEATS_ANONYMOUS
    let explicit = scored
        .iter()
        .any(|s| s.weight > 0.0 && s.cues.confirmed >= EXPLICIT_CONFIRMATION_MIN_WEIGHT);
    let is_confirmed = confirmed >= t.confirmed && (explicit || confirmed >= unconfirmed);
    let is_unconfirmed = unconfirmed >= t.unconfirmed && !is_confirmed;

    let mut out = Vec::new();
    for (on, label, ev) in [
        (early, StatusLabel::EarlyStage, process_ev),
        (is_denied, StatusLabel::Denied, denied_ev),
        (is_unconfirmed, StatusLabel::Unconfirmed, unconfirmed_ev),
        (is_confirmed, StatusLabel::Confirmed, confirmed_ev),
    ] {
        if let (true, Some(i)) = (on, ev) {
            out.push(StatusItem {
                label,
                evidence: doc.sentence(i).to_string(),
            });
        }
    }
    out
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
    }

    #[test]
    fn bad_phrase_is_an_error() {
        let text = BUILTIN_STATUS_TOML.replace("\"probe\" = 1.0", "\"... probe\" = 1.0");
        assert!(StatusRules::from_toml(&text).is_err());
        assert!(StatusRules::from_toml("not toml [").is_err());
    }
}
