//! What the named rules see in a document, as a fixed vector of numbers for the model.
//!
//! For turning each rule's output into a feature whose weight is learned (see
//! [`super::model`]): for each cue group, how strong it is in the headline, in the lead, in
//! the body, how often, and how much of it sits in quotes or in asides and background; plus
//! who speaks (named sources, speech verbs) and what kind of page this is (first and second
//! person, questions, prices, dates). Not for deciding anything itself.

use super::cues::{word_in, Group, Hit, Words, LOOKBACK_WORDS};
use super::{StatusRules, WordLists};
use crate::text::Document;

/// How many cue groups are scored.
pub const GROUPS: usize = 5;
/// Index of the process (early-stage) group.
pub const PROCESS: usize = 0;
/// Index of the outcome group.
pub const OUTCOME: usize = 1;
/// Index of the denial group.
pub const DENIED: usize = 2;
/// Index of the anonymous-sourcing group.
pub const UNCONFIRMED: usize = 3;
/// Index of the on-record confirmation group.
pub const CONFIRMED: usize = 4;

/// Every feature, in vector order: eight per cue group (headline, lead, body by position,
/// how many sentences, quoted, aside, strongest anywhere, two strongest by position), then
/// the page-level ones.
pub const FEATURE_NAMES: &[&str] = &[
    "process.title",
    "process.lead",
    "process.body",
    "process.count",
    "process.quoted",
    "process.aside",
    "process.anywhere",
    "process.top2",
    "outcome.title",
    "outcome.lead",
    "outcome.body",
    "outcome.count",
    "outcome.quoted",
    "outcome.aside",
    "outcome.anywhere",
    "outcome.top2",
    "denied.title",
    "denied.lead",
    "denied.body",
    "denied.count",
    "denied.quoted",
    "denied.aside",
    "denied.anywhere",
    "denied.top2",
    "unconfirmed.title",
    "unconfirmed.lead",
    "unconfirmed.body",
    "unconfirmed.count",
    "unconfirmed.quoted",
    "unconfirmed.aside",
    "unconfirmed.anywhere",
    "unconfirmed.top2",
    "confirmed.title",
    "confirmed.lead",
    "confirmed.body",
    "confirmed.count",
    "confirmed.quoted",
    "confirmed.aside",
    "confirmed.anywhere",
    "confirmed.top2",
    "stage",
    "denied.headline_party",
    "named_source.lead",
    "speech.lead",
    "speech.rate",
    "quote.rate",
    "genre.first_person",
    "genre.second_person",
    "genre.question",
    "genre.money",
    "genre.short",
    "genre.time",
    "genre.title_nonnews",
    "genre.no_title",
    "genre.words",
];

/// How many features there are.
pub const FEATURE_COUNT: usize = 55;

const PER_GROUP: usize = 8;
const F_TITLE: usize = 0;
const F_LEAD: usize = 1;
const F_BODY: usize = 2;
const F_COUNT: usize = 3;
const F_QUOTED: usize = 4;
const F_ASIDE: usize = 5;
const F_ANYWHERE: usize = 6;
const F_TOP2: usize = 7;
const F_STAGE: usize = GROUPS * PER_GROUP;
/// Index of `denied.headline_party`.
pub(crate) const F_HEADLINE_PARTY: usize = F_STAGE + 1;

/// Words looked at before a cue for an aside opener ("whose", "after").
pub const ASIDE_LOOKBACK_WORDS: usize = 8;

/// Sentences with fewer words than this are bylines, captions or subheads, not content.
pub const MIN_CONTENT_WORDS: usize = 5;

/// Content sentences that make up the lead (with the headline): where the main claim is.
pub const LEAD_SENTENCES: usize = 2;

/// A process cue this strong says outright that nothing is decided ("early stages",
/// "no decision has been made").
pub const STAGE_CUE_MIN_WEIGHT: f64 = 1.5;

/// An unconfirmed cue at least this strong makes its sentence "reported": confirmations in
/// it do not count (rule `reported-confirmation`).
pub const REPORTED_SENTENCE_MIN_WEIGHT: f64 = 1.0;

/// A confirmation cue this strong takes the report itself as its object ("confirmed ...
/// reports"), so the report cue in the same sentence does not make it second-hand.
pub const CONFIRMS_REPORT_MIN_WEIGHT: f64 = 1.5;

/// Word class bit: a speech verb.
pub(super) const CLASS_SPEECH: u8 = 1;
/// Word class bit: a day word.
pub(super) const CLASS_TIME: u8 = 2;
/// Word class bit: a first-person word.
pub(super) const CLASS_FIRST: u8 = 4;
/// Word class bit: a second-person word.
pub(super) const CLASS_SECOND: u8 = 8;

/// One map from each listed word to the bits of the lists that hold it, so a sentence's
/// words cost one lookup each rather than a scan of every list.
pub(super) fn word_classes(w: &WordLists) -> foldhash::HashMap<String, u8> {
    let mut m = foldhash::HashMap::default();
    for (list, bit) in [
        (&w.speech, CLASS_SPEECH),
        (&w.time, CLASS_TIME),
        (&w.first_person, CLASS_FIRST),
        (&w.second_person, CLASS_SECOND),
    ] {
        for word in list {
            *m.entry(word.to_lowercase()).or_insert(0) |= bit;
        }
    }
    m
}

/// Where in its sentence a cue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In the text's own voice, in the main clause.
    Clean,
    /// Inside quotation marks: somebody's words.
    Quoted,
    /// In an aside, a modifier or a background sentence.
    Aside,
}

/// What one sentence shows: the strongest cue of each group, by where it stands.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SentenceCues {
    /// Cues in the text's own voice, in the main clause.
    pub clean: [f64; GROUPS],
    /// Cues inside quotation marks.
    pub quoted: [f64; GROUPS],
    /// Cues in asides ("whose condition has reportedly improved"), as modifiers ("the
    /// alleged assailant") or in sentences that call themselves background.
    pub aside: [f64; GROUPS],
    /// The sentence attributes to a named source ("according to the Defense Ministry").
    pub named_source: bool,
    /// A speech verb (said, told, announced) outside quotes.
    pub speech: bool,
    /// The sentence calls itself background ("last year", "at first").
    pub background: bool,
    /// The sentence holds a quotation.
    pub has_quote: bool,
    /// The sentence is a question.
    pub question: bool,
    /// The sentence names a price or a share (`$`, `%`, ...).
    pub money: bool,
    /// The sentence names a day ("on Monday", "yesterday").
    pub time: bool,
    /// First-person words outside quotes.
    pub first_person: u32,
    /// Second-person words outside quotes.
    pub second_person: u32,
    /// Words in the sentence.
    pub words: u32,
}

fn group_index(g: Group) -> Option<usize> {
    match g {
        Group::Process => Some(PROCESS),
        Group::Outcome => Some(OUTCOME),
        Group::Denied => Some(DENIED),
        Group::Unconfirmed => Some(UNCONFIRMED),
        Group::Confirmed => Some(CONFIRMED),
        Group::NonDenial | Group::Background => None,
    }
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

    /// Rule `refusal-is-not-denial`: "was denied bail".
    fn is_refusal(&self, w: &Words, h: &Hit) -> bool {
        let first = w.get(h.start).unwrap_or_default();
        let prev = h.start.checked_sub(1).and_then(|i| w.get(i));
        let next = w.get(h.start + 1);
        first == "denied"
            && prev.is_some_and(|p| word_in(p, &self.words.be_forms))
            && !matches!(next, Some("by" | "that"))
    }

    /// Rule `aside`: an opener of a relative or subordinate clause ("whose", "after",
    /// "when") earlier in the same clause.
    fn in_aside(&self, w: &Words, h: &Hit) -> bool {
        w.before(h.start, ASIDE_LOOKBACK_WORDS)
            .any(|x| word_in(x, &self.words.aside))
    }

    /// Rule `hedge-as-modifier`: "the alleged assailant", "a reported sighting": a hedge
    /// after a determiner qualifies a detail, not the story.
    fn is_modifier(&self, w: &Words, h: &Hit) -> bool {
        h.start
            .checked_sub(1)
            .and_then(|i| w.get(i))
            .is_some_and(|p| word_in(p, &self.words.determiners))
    }

    fn place(&self, w: &Words, h: &Hit, group: usize, background: bool) -> Place {
        if w.quoted.get(h.start).copied().unwrap_or(false) {
            Place::Quoted
        } else if background
            || self.in_aside(w, h)
            || (group == UNCONFIRMED && self.is_modifier(w, h))
        {
            Place::Aside
        } else {
            Place::Clean
        }
    }

    /// Scores one sentence for every cue group, applying the per-sentence rules.
    #[must_use]
    pub fn sentence_cues(&self, sentence: &str) -> SentenceCues {
        let w = Words::new(sentence);
        let found = self.cues.find(&w);
        let background = found.of(Group::Background).next().is_some();
        let silence: Vec<Hit> = found.of(Group::NonDenial).collect();
        let mut out = SentenceCues {
            background,
            ..SentenceCues::default()
        };
        let mut kept: [Vec<Hit>; GROUPS] = Default::default();
        for g in [
            Group::Process,
            Group::Outcome,
            Group::Denied,
            Group::Unconfirmed,
            Group::Confirmed,
        ] {
            let Some(gi) = group_index(g) else { continue };
            kept[gi] = found
                .of(g)
                .filter(|h| match gi {
                    // silence-is-not-denial, negation, refusal-is-not-denial
                    DENIED => {
                        !silence.iter().any(|s| h.start < s.end && s.start < h.end)
                            && !self.negated(&w, h)
                            && !self.is_refusal(&w, h)
                    }
                    PROCESS => !self.negated(&w, h),
                    OUTCOME => !self.negated(&w, h) && !self.hypothetical(&w, h),
                    CONFIRMED => !self.negated(&w, h) && !self.conditional(&w, h),
                    _ => true,
                })
                .collect();
        }
        // named-source: a bare "according to" with no report or anonymous word after it
        // names its source ("according to the Defense Ministry").
        let unconfirmed = std::mem::take(&mut kept[UNCONFIRMED]);
        for h in &unconfirmed {
            let bare = w.get(h.start) == Some("according") && h.end == h.start + 2;
            let longer = unconfirmed
                .iter()
                .any(|o| o.start == h.start && o.end > h.end);
            if bare && !longer {
                out.named_source = true;
            } else {
                kept[UNCONFIRMED].push(*h);
            }
        }
        let denied_any = !kept[DENIED].is_empty();
        let reported = kept[UNCONFIRMED]
            .iter()
            .any(|h| h.weight >= REPORTED_SENTENCE_MIN_WEIGHT);
        let confirms_report = kept[CONFIRMED]
            .iter()
            .any(|h| h.weight >= CONFIRMS_REPORT_MIN_WEIGHT);
        for (gi, hits) in kept.iter().enumerate() {
            // reported-confirmation: an outcome inside a denial did not happen;
            // confirming-a-denial: a confirmation in a denying sentence confirms the denial;
            // a confirmation in a reported sentence is itself only reported.
            if (gi == OUTCOME && denied_any)
                || (gi == CONFIRMED && (denied_any || (reported && !confirms_report)))
            {
                continue;
            }
            for h in hits {
                let slot = match self.place(&w, h, gi, background) {
                    Place::Clean => &mut out.clean[gi],
                    Place::Quoted => &mut out.quoted[gi],
                    Place::Aside => &mut out.aside[gi],
                };
                *slot = slot.max(h.weight);
            }
        }
        for (i, word) in w.iter().enumerate() {
            let quoted = w.quoted.get(i).copied().unwrap_or(false);
            out.has_quote |= quoted;
            if quoted {
                continue;
            }
            let Some(&class) = self.word_classes.get(word) else {
                continue;
            };
            out.speech |= class & CLASS_SPEECH != 0;
            out.time |= class & CLASS_TIME != 0;
            out.first_person += u32::from(class & CLASS_FIRST != 0);
            out.second_person += u32::from(class & CLASS_SECOND != 0);
        }
        out.words = u32::try_from(w.len()).unwrap_or(u32::MAX);
        out.question = sentence
            .trim_end_matches(|c: char| c == '"' || c == '”' || c == '\'' || c.is_whitespace())
            .ends_with('?');
        out.money = sentence.contains(['$', '£', '€', '%']);
        out
    }
}

/// Whether `s` is a content sentence rather than a byline, caption or subhead.
#[must_use]
pub fn is_content(s: &str) -> bool {
    crate::text::tokens::words(s)
        .take(MIN_CONTENT_WORDS)
        .count()
        >= MIN_CONTENT_WORDS
        && s.chars().any(char::is_lowercase)
}

fn same_words(a: &str, b: &str) -> bool {
    let mut x = crate::text::tokens::words(a);
    let mut y = crate::text::tokens::words(b);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.to_lowercase() == q.to_lowercase() => {}
            _ => return false,
        }
    }
}

/// Capitalised words of at least three letters after a sentence's first word, lower-cased:
/// the names a sentence mentions, roughly.
fn names_in(s: &str) -> impl Iterator<Item = String> + '_ {
    crate::text::tokens::words(s)
        .skip(1)
        .filter(|w| w.chars().count() >= 3 && w.chars().next().is_some_and(char::is_uppercase))
        .map(str::to_lowercase)
}

/// Rule `denier-is-a-party`: the strongest denial (own voice or quoted) in a sentence that
/// names someone the headline names, or whose subject is a pronoun standing for them: the
/// accused answering the main claim, not a denial from background.
fn denied_by_party(doc: &Document, sentences: &[ScoredSentence], title: Option<&str>) -> f64 {
    let lead_names: Vec<String> = title.map(|t| names_in(t).collect()).unwrap_or_default();
    if lead_names.is_empty() {
        return 0.0;
    }
    let mut best = 0.0f64;
    for s in sentences.iter().filter(|s| s.weight > 0.0) {
        let cue = s.cues.clean[DENIED].max(s.cues.quoted[DENIED]);
        if cue <= best {
            continue;
        }
        let text = doc.sentence(s.index);
        let mut first = crate::text::tokens::words(text)
            .next()
            .map(str::to_lowercase);
        let named = first.take().is_some_and(|w| lead_names.contains(&w))
            || names_in(text).any(|n| lead_names.contains(&n));
        if named {
            best = cue;
        }
    }
    best
}

/// One sentence of the text as the status pass saw it.
#[derive(Debug, Clone)]
pub struct ScoredSentence {
    /// Index of the sentence in the document.
    pub index: usize,
    /// Position weight (0 for bylines, captions and a headline repeated in the text).
    pub weight: f64,
    /// One of the lead sentences.
    pub lead: bool,
    /// Its cues.
    pub cues: SentenceCues,
}

/// A confirmation cue this strong is explicit and on the record ("confirmed", "announced",
/// "said in a statement"); a bare "said" is 0.5.
pub const EXPLICIT_CONFIRMATION_MIN_WEIGHT: f64 = 1.0;

/// The document's feature vector and the sentences behind it.
#[derive(Debug, Clone)]
pub struct Features {
    /// One value per [`FEATURE_NAMES`] entry.
    pub values: Vec<f64>,
    /// Every sentence of the text, scored.
    pub sentences: Vec<ScoredSentence>,
}

impl Features {
    /// Whether the headline or a content sentence confirms on the record, explicitly.
    #[must_use]
    pub fn explicit_confirmation(&self) -> bool {
        let c = CONFIRMED * PER_GROUP;
        [F_TITLE, F_ANYWHERE]
            .iter()
            .any(|&f| self.values[c + f] >= EXPLICIT_CONFIRMATION_MIN_WEIGHT)
    }

    /// The strongest cue of `group` (e.g. [`OUTCOME`]) in the headline or lead, in the
    /// text's own voice (quotes and asides are not counted).
    #[must_use]
    pub fn main_claim(&self, group: usize) -> f64 {
        let g = group * PER_GROUP;
        self.values[g + F_TITLE].max(self.values[g + F_LEAD])
    }

    /// The strongest cue of `group` anywhere in the text (own voice, position-weighted).
    #[must_use]
    pub fn anywhere(&self, group: usize) -> f64 {
        self.values[group * PER_GROUP + F_ANYWHERE]
    }

    /// Whether the headline or lead itself rests on anonymous sources or a report.
    #[must_use]
    pub fn anonymous_main_claim(&self) -> bool {
        let u = UNCONFIRMED * PER_GROUP;
        [F_TITLE, F_LEAD]
            .iter()
            .any(|&f| self.values[u + f] >= REPORTED_SENTENCE_MIN_WEIGHT)
    }
}

fn share(n: u32, d: u32) -> f64 {
    if d == 0 {
        0.0
    } else {
        f64::from(n) / f64::from(d)
    }
}

/// Computes the feature vector of `doc` (rule `main-claim`: the headline and lead are kept
/// apart from the body, whose sentences are weighted by position).
#[must_use]
pub fn features(doc: &Document, rules: &StatusRules) -> Features {
    let title = doc.title.as_deref().filter(|t| !t.trim().is_empty());
    let mut v = vec![0.0; FEATURE_COUNT];
    let mut sentences = Vec::with_capacity(doc.sentences.len());
    let mut rank = 0usize;
    let mut title_cues = None;
    let (mut content, mut speech, mut quotes, mut questions, mut money, mut short, mut time) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let (mut first, mut second, mut words) = (0u32, 0u32, 0u32);
    let mut named_lead = false;
    let mut speech_lead = false;
    let mut top2 = [[0.0f64; 2]; GROUPS];
    for i in 0..doc.sentences.len() {
        let s = doc.sentence(i);
        let cues = rules.sentence_cues(s);
        let is_title = i == 0 && title.is_some_and(|t| same_words(t, s));
        let is_content = is_content(s);
        words += cues.words;
        first += cues.first_person;
        second += cues.second_person;
        if is_title {
            title_cues = Some(cues);
            sentences.push(ScoredSentence {
                index: i,
                weight: 0.0,
                lead: true,
                cues,
            });
            continue;
        }
        if !is_content {
            short += 1;
            sentences.push(ScoredSentence {
                index: i,
                weight: 0.0,
                lead: false,
                cues,
            });
            continue;
        }
        let lead = rank < LEAD_SENTENCES;
        let pos = rules
            .position
            .by_rank
            .get(rank)
            .copied()
            .unwrap_or(rules.position.rest);
        rank += 1;
        content += 1;
        speech += u32::from(cues.speech);
        quotes += u32::from(cues.has_quote);
        questions += u32::from(cues.question);
        money += u32::from(cues.money);
        time += u32::from(cues.time);
        if lead {
            named_lead |= cues.named_source;
            speech_lead |= cues.speech;
        }
        for (g, best2) in top2.iter_mut().enumerate() {
            let base = g * PER_GROUP;
            let c = cues.clean[g];
            if lead {
                v[base + F_LEAD] = f64::max(v[base + F_LEAD], c);
            } else {
                v[base + F_BODY] = f64::max(v[base + F_BODY], c * pos);
            }
            if c > 0.0 {
                v[base + F_COUNT] += 1.0;
            }
            v[base + F_ANYWHERE] = f64::max(v[base + F_ANYWHERE], c);
            let own = c.max(cues.quoted[g]) * if lead { 1.0 } else { pos };
            if own > best2[0] {
                *best2 = [own, best2[0]];
            } else if own > best2[1] {
                best2[1] = own;
            }
            v[base + F_QUOTED] = f64::max(v[base + F_QUOTED], cues.quoted[g] * pos);
            v[base + F_ASIDE] = f64::max(v[base + F_ASIDE], cues.aside[g] * pos);
        }
        if cues.clean[PROCESS] >= STAGE_CUE_MIN_WEIGHT {
            v[F_STAGE] = f64::max(v[F_STAGE], cues.clean[PROCESS]);
        }
        sentences.push(ScoredSentence {
            index: i,
            weight: pos,
            lead,
            cues,
        });
    }
    if title_cues.is_none() {
        if let Some(t) = title {
            title_cues = Some(rules.sentence_cues(t));
        }
    }
    if let Some(t) = &title_cues {
        named_lead |= t.named_source;
        speech_lead |= t.speech;
        for g in 0..GROUPS {
            v[g * PER_GROUP + F_TITLE] = t.clean[g].max(t.quoted[g]);
        }
    }
    for g in 0..GROUPS {
        v[g * PER_GROUP + F_COUNT] = v[g * PER_GROUP + F_COUNT].ln_1p();
        v[g * PER_GROUP + F_TOP2] = top2[g][0] + top2[g][1];
    }
    let title_nonnews = title.is_some_and(|t| {
        let w = Words::new(t);
        let hit = w.iter().any(|x| word_in(x, &rules.words.nonnews_title));
        hit
    });
    let extra = [
        f64::from(u8::from(named_lead)),
        f64::from(u8::from(speech_lead)),
        share(speech, content),
        share(quotes, content),
        100.0 * share(first, words),
        100.0 * share(second, words),
        share(questions, content),
        share(money, content),
        share(short, content + short),
        share(time, content),
        f64::from(u8::from(title_nonnews)),
        f64::from(u8::from(title.is_none())),
        f64::from(words).ln_1p() / 10.0,
    ];
    v[F_STAGE + 1] = denied_by_party(doc, &sentences, title);
    v[F_STAGE + 2..].copy_from_slice(&extra);
    Features {
        values: v,
        sentences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_count_agree() {
        assert_eq!(FEATURE_NAMES.len(), FEATURE_COUNT);
        assert_eq!(FEATURE_NAMES[F_STAGE], "stage");
        assert_eq!(
            FEATURE_NAMES[UNCONFIRMED * PER_GROUP + F_ASIDE],
            "unconfirmed.aside"
        );
        assert_eq!(FEATURE_NAMES[FEATURE_COUNT - 1], "genre.words");
    }

    #[test]
    fn places_of_cues() {
        let r = StatusRules::builtin();
        let c = r.sentence_cues("The minister, whose condition has reportedly improved, spoke.");
        assert_eq!(c.clean[UNCONFIRMED], 0.0);
        assert!(c.aside[UNCONFIRMED] > 0.0);
        let c = r.sentence_cues("\"We deny every claim,\" the firm said.");
        assert!(c.quoted[DENIED] > 0.0 && c.clean[DENIED] == 0.0);
        assert!(c.speech);
        let c = r.sentence_cues("Prices rose 4%, according to the Defense Ministry.");
        assert!(c.named_source);
        assert_eq!(
            c.clean[UNCONFIRMED] + c.quoted[UNCONFIRMED] + c.aside[UNCONFIRMED],
            0.0
        );
        let c = r.sentence_cues("Prices rose, according to people familiar with the plan.");
        assert!(!c.named_source);
        assert!(c.clean[UNCONFIRMED] > 0.0);
    }
}
