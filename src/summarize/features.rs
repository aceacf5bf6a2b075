//! Sentence features: the numbers the summarizer's linear scorer weighs.
//!
//! Every pickable sentence gets a fixed vector ([`FEATURE_NAMES`]): where it sits (lead
//! bias), how long it is, how central its terms are to the article (TF-ISF cosine to the
//! document centroid and to the lead), and how informative it looks (names, numbers,
//! quotes). Term vectors are kept for redundancy control at selection time.

use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

use super::filter;
use crate::text::tokens::{self, Analyzer};
use crate::text::Document;

/// How many features each sentence has.
pub const FEATURES: usize = 31;

/// The name of each feature, in vector order (the learning tool prints weights by name).
///
/// Position counts among pickable sentences ("rank"), so page furniture before the story
/// does not push it down. `first`..`fifth`: rank indicators; `inverse_position`
/// 1/(rank+1); `relative_position` rank / count. Length: `log_words`, `words_over_20`,
/// `words_over_40` (hinges), `under_10_words`, `long_lead` (words over 30 in the first
/// three). Centrality: `centrality` (TF-ISF cosine to the article), `degree_centrality`
/// (mean cosine to the other sentences), `similarity_to_lead` / `similarity_to_lead3`
/// (to the first / first three sentences), `term_frequency` (mean article frequency of
/// its terms), `mean_isf` (how rare its terms are across sentences), the `relative_`
/// ones scaled to the article's best. Informativeness: `capitalised_ratio`,
/// `log_capitalised` and `entity_recurrence` (names, and how often they recur),
/// `has_number`, `numbers`, `content_ratio` (non-stop words per word). Form:
/// `has_quote`, `opens_with_quote`, `is_question`, `opens_with_stop_word` (often a
/// pronoun or connective leaning on the sentence before).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "first",
    "second",
    "third",
    "inverse_position",
    "relative_position",
    "log_words",
    "words_over_40",
    "under_10_words",
    "centrality",
    "similarity_to_lead",
    "capitalised_ratio",
    "has_number",
    "has_quote",
    "is_question",
    "term_frequency",
    "opens_with_stop_word",
    "content_ratio",
    "long_lead",
    "fourth",
    "fifth",
    "words_over_20",
    "mean_isf",
    "relative_centrality",
    "relative_term_frequency",
    "opens_with_quote",
    "degree_centrality",
    "similarity_to_lead3",
    "log_capitalised",
    "numbers",
    "entity_recurrence",
];

/// A sentence that may be picked, with what the scorer needs to know about it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index of the sentence in [`Document::sentences`].
    pub sentence: usize,
    /// The slice to show: the sentence, its leading dateline trimmed.
    pub range: Range<usize>,
    /// The feature vector, in [`FEATURE_NAMES`] order.
    pub features: [f64; FEATURES],
    /// Share of the title's terms found in the sentence (0 without a title).
    pub title_overlap: f64,
    /// Whether it opens a paragraph other than the first (a writer's signpost).
    pub paragraph_start: bool,
    /// TF-ISF term vector, sorted by term id, unit length (empty without content terms).
    pub(crate) vector: Vec<(u32, f32)>,
}

/// Word count of a text (the unit of every length rule here; candidates count words
/// in their single pass, tests use this).
#[cfg(test)]
pub(crate) fn word_total(text: &str) -> usize {
    tokens::words(text).count()
}

/// Terms of one sentence as ids into a per-document vocabulary.
struct Vocabulary<'a> {
    analyzer: &'a Analyzer,
    /// Surface form (lower-cased) -> term id, or `None` for a stop word.
    surface: HashMap<String, Option<u32>>,
    /// Stem -> term id.
    stems: HashMap<String, u32>,
    /// Reused buffer for lower-casing words.
    scratch: String,
}

impl<'a> Vocabulary<'a> {
    /// A vocabulary sized for a text of `text_len` bytes (news prose has about one new
    /// word form per 16 bytes), so the tables rarely grow while it is filled.
    fn new(analyzer: &'a Analyzer, text_len: usize) -> Self {
        let forms = (text_len / 16).min(1 << 16);
        Self {
            analyzer,
            surface: HashMap::with_capacity(forms),
            stems: HashMap::with_capacity(forms),
            scratch: String::new(),
        }
    }

    fn len(&self) -> usize {
        self.stems.len()
    }

    /// The words of `text` in one pass: term ids and counts (see [`SentenceWords`]).
    fn ids(&mut self, text: &str) -> SentenceWords {
        let mut out = Vec::with_capacity(text.len() / 8);
        let mut caps = Vec::with_capacity(8);
        let mut sw = SentenceWords::default();
        let mut buf = std::mem::take(&mut self.scratch);
        for (k, w) in tokens::words(text).enumerate() {
            let capitalised = k > 0 && w.chars().next().is_some_and(char::is_uppercase);
            sw.words += 1;
            sw.capitalised += usize::from(capitalised);
            sw.numeric += usize::from(w.chars().any(char::is_numeric));
            let lower = tokens::normalize_into(w, &mut buf);
            let id = match self.surface.get(lower) {
                Some(&id) => id,
                None => {
                    let id = if self.analyzer.is_stop_word(lower) {
                        None
                    } else {
                        let stems = &mut self.stems;
                        let next = u32::try_from(stems.len()).unwrap_or(u32::MAX);
                        Some(
                            self.analyzer
                                .with_stem(lower, |stem| match stems.get(stem) {
                                    Some(&id) => id,
                                    None => {
                                        stems.insert(stem.to_string(), next);
                                        next
                                    }
                                }),
                        )
                    };
                    self.surface.insert(lower.to_string(), id);
                    id
                }
            };
            if k == 0 {
                sw.first_is_stop = id.is_none();
            }
            if capitalised {
                caps.extend(id);
            }
            out.extend(id);
        }
        sw.ids = out;
        sw.caps = caps;
        self.scratch = buf;
        sw
    }
}

/// What one pass over a sentence's words collects.
#[derive(Default)]
struct SentenceWords {
    /// Term ids (stop words dropped), in text order, repeats kept.
    ids: Vec<u32>,
    /// Term ids of the capitalised words after the first (names, mostly).
    caps: Vec<u32>,
    /// All words.
    words: usize,
    /// Words after the first that start with a capital (stop words included).
    capitalised: usize,
    /// Words holding a digit.
    numeric: usize,
    /// Whether the first word is a stop word.
    first_is_stop: bool,
}

/// Cosine of a sparse unit vector with a dense one.
pub(crate) fn dot_dense(sparse: &[(u32, f32)], dense: &[f32]) -> f64 {
    sparse
        .iter()
        .map(|&(t, w)| f64::from(w * dense.get(t as usize).copied().unwrap_or(0.0)))
        .sum()
}

/// Dense copy of a sparse vector, `len` long.
pub(crate) fn densify(sparse: &[(u32, f32)], len: usize) -> Vec<f32> {
    let mut d = vec![0.0; len];
    for &(t, w) in sparse {
        if let Some(slot) = d.get_mut(t as usize) {
            *slot = w;
        }
    }
    d
}

/// Sparse TF-ISF vector of a sentence's term ids, scaled to unit length.
fn unit_vector(ids: &[u32], isf: &[f32]) -> Vec<(u32, f32)> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mut v: Vec<(u32, f32)> = Vec::new();
    for t in sorted {
        match v.last_mut() {
            Some((last, tf)) if *last == t => *tf += 1.0,
            _ => v.push((t, 1.0)),
        }
    }
    for (t, w) in &mut v {
        *w *= isf.get(*t as usize).copied().unwrap_or(0.0);
    }
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    } else {
        v.clear();
    }
    v
}

/// Scales a dense vector to unit length (left as is when zero).
fn normalise_dense(v: &mut [f32]) {
    let norm = v.iter().map(|w| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for w in v {
            *w /= norm;
        }
    }
}

/// One sentence before features: its slice, words and term ids.
struct Prepared {
    range: Range<usize>,
    words: usize,
    pickable: bool,
    ids: Vec<u32>,
    caps: Vec<u32>,
    capitalised: usize,
    numeric: usize,
    first_is_stop: bool,
}

/// The pickable sentences of `doc` with their features, in text order.
#[must_use]
pub fn candidates(doc: &Document) -> Vec<Candidate> {
    let analyzer = Analyzer::new(doc.language.as_deref());
    let mut vocab = Vocabulary::new(&analyzer, doc.text.len());
    let prepared: Vec<Prepared> = doc
        .sentences
        .iter()
        .map(|s| {
            let range = if s.index_in_paragraph == 0 {
                filter::trim_dateline(&doc.text, s.range.clone())
            } else {
                s.range.clone()
            };
            let text = &doc.text[range.clone()];
            let sw = vocab.ids(text);
            Prepared {
                pickable: filter::is_pickable(text, sw.words),
                ids: sw.ids,
                caps: sw.caps,
                capitalised: sw.capitalised,
                numeric: sw.numeric,
                first_is_stop: sw.first_is_stop,
                range,
                words: sw.words,
            }
        })
        .collect();
    let title_ids: Vec<u32> = doc
        .title
        .as_deref()
        .map(|t| vocab.ids(t).ids)
        .unwrap_or_default();

    // Inverse sentence frequency and whole-document term counts.
    let vocab_len = vocab.len();
    let mut df = vec![0u32; vocab_len];
    let mut tf = vec![0u32; vocab_len];
    let mut cap_tf = vec![0u32; vocab_len];
    for p in &prepared {
        for &t in &p.caps {
            cap_tf[t as usize] += 1;
        }
        for &t in &p.ids {
            tf[t as usize] += 1;
        }
        let mut seen = p.ids.clone();
        seen.sort_unstable();
        seen.dedup();
        for t in seen {
            df[t as usize] += 1;
        }
    }
    let n_sent = prepared.len().max(1) as f32;
    let isf: Vec<f32> = df
        .iter()
        .map(|&d| ((n_sent + 1.0) / (d as f32 + 0.5)).ln().max(0.0))
        .collect();
    let mut centroid: Vec<f32> = tf.iter().zip(&isf).map(|(&c, &w)| c as f32 * w).collect();
    normalise_dense(&mut centroid);
    let max_tf = tf.iter().copied().max().unwrap_or(1).max(1) as f64;

    let pickable: Vec<usize> = (0..prepared.len())
        .filter(|&i| prepared[i].pickable)
        .collect();
    let m = pickable.len().max(1) as f64;
    let lead = pickable
        .first()
        .map(|&i| densify(&unit_vector(&prepared[i].ids, &isf), vocab_len))
        .unwrap_or_default();
    let mut lead3: Vec<f32> = vec![0.0; vocab_len];
    for &i in pickable.iter().take(3) {
        for (t, w) in unit_vector(&prepared[i].ids, &isf) {
            lead3[t as usize] += w;
        }
    }
    normalise_dense(&mut lead3);
    let mut title_terms = title_ids;
    title_terms.sort_unstable();
    title_terms.dedup();
    let multi_paragraph = doc.paragraphs.len() > 1;

    let mut out: Vec<Candidate> = pickable
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let p = &prepared[i];
            let text = &doc.text[p.range.clone()];
            let vector = unit_vector(&p.ids, &isf);
            let words = p.words as f64;
            let rank_f = rank as f64;
            let content = p.ids.len().max(1) as f64;
            let features = [
                1.0,
                f64::from(u8::from(rank == 0)),
                f64::from(u8::from(rank == 1)),
                f64::from(u8::from(rank == 2)),
                1.0 / (rank_f + 1.0),
                rank_f / m,
                words.ln(),
                (words - 40.0).max(0.0) / 20.0,
                f64::from(u8::from(p.words < 10)),
                dot_dense(&vector, &centroid),
                if rank == 0 {
                    0.0
                } else {
                    dot_dense(&vector, &lead)
                },
                if p.words > 1 {
                    p.capitalised as f64 / (p.words - 1) as f64
                } else {
                    0.0
                },
                f64::from(u8::from(p.numeric > 0)),
                f64::from(u8::from(text.contains(['"', '“', '”', '«', '»', '„']))),
                f64::from(u8::from(text.trim_end().ends_with(['?', '？']))),
                p.ids
                    .iter()
                    .map(|&t| f64::from(tf[t as usize] - 1))
                    .sum::<f64>()
                    / content
                    / max_tf,
                f64::from(u8::from(p.first_is_stop)),
                p.ids.len() as f64 / words.max(1.0),
                if rank < 3 {
                    (words - 30.0).max(0.0) / 10.0
                } else {
                    0.0
                },
                f64::from(u8::from(rank == 3)),
                f64::from(u8::from(rank == 4)),
                (words - 20.0).max(0.0) / 20.0,
                p.ids
                    .iter()
                    .map(|&t| f64::from(isf[t as usize]))
                    .sum::<f64>()
                    / content,
                0.0, // relative_centrality: filled in below
                0.0, // relative_term_frequency: filled in below
                f64::from(u8::from(text.starts_with(['"', '“', '«', '„', '\'']))),
                0.0, // degree_centrality: filled in below
                dot_dense(&vector, &lead3),
                (p.caps.len() as f64).ln_1p(),
                (p.numeric as f64).min(3.0),
                entity_recurrence(&p.caps, &cap_tf),
            ];
            let title_overlap = if title_terms.is_empty() {
                0.0
            } else {
                let hits = title_terms
                    .iter()
                    .filter(|t| vector.binary_search_by_key(*t, |&(id, _)| id).is_ok())
                    .count();
                hits as f64 / title_terms.len() as f64
            };
            let s = &doc.sentences[i];
            Candidate {
                sentence: i,
                range: p.range.clone(),
                features,
                title_overlap,
                paragraph_start: multi_paragraph && s.paragraph > 0 && s.index_in_paragraph == 0,
                vector,
            }
        })
        .collect();
    degree_centrality(&mut out, vocab_len);
    relative_to_best(&mut out, ENTITY_RECURRENCE, ENTITY_RECURRENCE);
    relative_to_best(&mut out, CENTRALITY, RELATIVE_CENTRALITY);
    relative_to_best(&mut out, TERM_FREQUENCY, RELATIVE_TERM_FREQUENCY);
    out
}

/// Index of the degree-centrality feature.
const DEGREE_CENTRALITY: usize = 26;
/// Index of the entity-recurrence feature.
const ENTITY_RECURRENCE: usize = 30;

/// Degree centrality compares each candidate with at most this many others (the first
/// ones, where news puts its substance), so very long texts stay linear in time.
pub const DEGREE_PEERS: usize = 150;

/// Sets each candidate's degree centrality: its mean cosine similarity to the other
/// candidates (LexRank's graph without the random walk), over the first
/// [`DEGREE_PEERS`] candidates.
///
/// The vectors have unit length, so the sum of a candidate's cosines to the peers is its
/// dot product with the peers' summed vector, minus its cosine to itself when it is a
/// peer: one pass over the vectors instead of one per pair.
fn degree_centrality(cands: &mut [Candidate], vocab_len: usize) {
    let peers = cands.len().min(DEGREE_PEERS);
    if peers < 2 {
        return;
    }
    let mut sum = vec![0.0f64; vocab_len];
    for c in &cands[..peers] {
        for &(t, w) in &c.vector {
            if let Some(slot) = sum.get_mut(t as usize) {
                *slot += f64::from(w);
            }
        }
    }
    for (a, c) in cands.iter_mut().enumerate() {
        let mut total: f64 = c
            .vector
            .iter()
            .map(|&(t, w)| f64::from(w) * sum.get(t as usize).copied().unwrap_or(0.0))
            .sum();
        let others = if a < peers {
            total -= c.vector.iter().map(|&(_, w)| f64::from(w * w)).sum::<f64>();
            peers - 1
        } else {
            peers
        };
        c.features[DEGREE_CENTRALITY] = total / others as f64;
    }
}

/// How often the sentence's names recur in the article: the sum over its distinct
/// capitalised terms of their other capitalised mentions (scaled to the article's best
/// later). A sentence naming the story's main actors scores high.
fn entity_recurrence(caps: &[u32], cap_tf: &[u32]) -> f64 {
    let mut seen = caps.to_vec();
    seen.sort_unstable();
    seen.dedup();
    seen.iter()
        .map(|&t| {
            f64::from(
                cap_tf
                    .get(t as usize)
                    .copied()
                    .unwrap_or(1)
                    .saturating_sub(1),
            )
        })
        .sum::<f64>()
        .ln_1p()
}

/// Index of the centrality feature.
const CENTRALITY: usize = 9;
/// Index of the term-frequency feature.
const TERM_FREQUENCY: usize = 15;
/// Index of centrality relative to the article's most central sentence.
const RELATIVE_CENTRALITY: usize = 23;
/// Index of term frequency relative to the article's highest.
const RELATIVE_TERM_FREQUENCY: usize = 24;

/// Sets feature `to` to feature `from` divided by its highest value in the article, so
/// the scorer sees how a sentence compares with its neighbours whatever the article's
/// length or vocabulary.
fn relative_to_best(cands: &mut [Candidate], from: usize, to: usize) {
    let best = cands
        .iter()
        .map(|c| c.features[from])
        .fold(0.0f64, f64::max);
    for c in cands {
        c.features[to] = if best > 0.0 {
            c.features[from] / best
        } else {
            0.0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(terms: &[(u32, f32)]) -> Candidate {
        let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        Candidate {
            sentence: 0,
            range: 0..0,
            features: [0.0; FEATURES],
            title_overlap: 0.0,
            paragraph_start: false,
            vector: terms.iter().map(|&(t, w)| (t, w / norm)).collect(),
        }
    }

    #[test]
    fn degree_centrality_is_the_mean_pairwise_cosine() {
        // Deterministic pseudo-random sparse vectors over 40 terms, more than the peer cap.
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 16
        };
        let mut cands: Vec<Candidate> = (0..DEGREE_PEERS + 20)
            .map(|_| {
                let mut terms: Vec<(u32, f32)> = (0..1 + next() % 9)
                    .map(|_| (next() % 40, 1.0 + (next() % 5) as f32))
                    .collect();
                terms.sort_by_key(|t| t.0);
                terms.dedup_by_key(|t| t.0);
                candidate(&terms)
            })
            .collect();
        cands.push(candidate(&[])); // a sentence without content terms
        let peers = DEGREE_PEERS;
        let expected: Vec<f64> = (0..cands.len())
            .map(|a| {
                let sum: f64 = (0..peers)
                    .filter(|&b| b != a)
                    .map(|b| super::super::sparse_cosine(&cands[a].vector, &cands[b].vector))
                    .sum();
                sum / if a < peers { peers - 1 } else { peers } as f64
            })
            .collect();
        degree_centrality(&mut cands, 40);
        for (c, e) in cands.iter().zip(expected) {
            assert!((c.features[DEGREE_CENTRALITY] - e).abs() < 1e-5, "{e}");
        }
        assert_eq!(cands.last().unwrap().features[DEGREE_CENTRALITY], 0.0);
    }
}
