//! Learns the summarizer's weights ([`newsbrief::summarize::MODEL`]) from news stories
//! with reference highlights, and measures them by k-fold cross-validation.
//!
//! ```text
//! cargo run --release --features train --bin train -- summarizer DATA.jsonl [--folds 5] [--bags 8]
//!     [--rounds 3] [--l2 1.0] [--target oracle|soft] [--lr-only] [--cv-out PRED.jsonl]
//! ```
//!
//! DATA is JSON Lines `{"id", "text", "reference"}` (reference: highlights, one a line),
//! e.g. the shared CNN dev set (`cnndm_val1000_dev.jsonl`). How a model is learned:
//! 1. Labels: for every story the greedy oracle (up to 3 sentences maximising ROUGE-1 F +
//!    ROUGE-2 F against the reference, as in PreSumm) marks the sentences to pick.
//! 2. An L2-regularised logistic regression (Newton's method) on those labels gives
//!    starting weights.
//! 3. Coordinate ascent then tunes every weight and the MMR redundancy penalty to
//!    maximise the mean ROUGE-1 + ROUGE-2 + ROUGE-Lsum F1 of the 3-sentence summaries the
//!    real selection makes (`TRAIN_R2_WEIGHT` and `TRAIN_LSUM_WEIGHT` scale the R2 and
//!    Lsum terms).
//! 4. Bagging: steps 2-3 run on `--bags` bootstrap samples and the models are averaged,
//!    which overfits much less than one fit.
//!
//! Cross-validation: stories are dealt into `--folds` folds by index; each fold is
//! summarised by a model learned on the others, and the mean held-out ROUGE is printed.
//! `--cv-out` writes those held-out summaries in the `newsbrief batch` output form so the
//! official scorer can score them. Finally a model is learned on all stories and printed
//! as the `MODEL` constant to paste into `src/summarize/mod.rs`.
//!
//! ROUGE here is a close re-implementation of Google's rouge-score (lower-case
//! alphanumeric tokens, Snowball stems for tokens over 3 characters; Lsum without the
//! token-count clipping), good for labels and model choice; report figures from the
//! official scorer. Set `TRAIN_STATS=1` for label rates by position and length, or
//! `TRAIN_DENSITY=1` for the alternative density-regression model.
//!
//! One file on purpose: the oracle labels, the regression, the coordinate ascent and the ROUGE
//! it tunes for are one procedure over one `Story` type.

// Dense matrix code (Newton steps, Gaussian elimination) reads best with indices.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;
use std::io::{BufRead, Write};

use newsbrief::summarize::{self, Model, FEATURES, FEATURE_NAMES};
use newsbrief::text::Document;

/// Redundancy penalty the search starts from.
const INITIAL_REDUNDANCY: f64 = 1.0;
/// Most sentences the oracle picks.
const ORACLE_SENTENCES: usize = 3;
/// Weight of ROUGE-Lsum in the objective (R1 + R2 + w * Lsum); env `TRAIN_LSUM_WEIGHT`.
fn lsum_weight() -> f64 {
    static W: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *W.get_or_init(|| {
        std::env::var("TRAIN_LSUM_WEIGHT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1.0)
    })
}

/// Weight of ROUGE-2 in the objective; env `TRAIN_R2_WEIGHT`.
fn r2_weight() -> f64 {
    static W: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *W.get_or_init(|| {
        std::env::var("TRAIN_R2_WEIGHT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1.0)
    })
}

/// Bootstrap models averaged into one.
const BAGS: usize = 8;
/// Coordinate-ascent rounds (each shrinks the step).
const ROUNDS: usize = 3;
/// Step multipliers tried per coordinate.
const STEPS: [f64; 6] = [-1.0, -0.5, -0.2, 0.2, 0.5, 1.0];
/// Summary length evaluated.
const SUMMARY_SENTENCES: usize = 3;

struct Story {
    id: serde_json::Value,
    doc: Document,
    reference: Vec<String>,
    /// Candidate features and labels.
    rows: Vec<([f64; FEATURES], f64)>,
    /// Precomputed n-gram counts for fast ROUGE of any candidate subset.
    fast: FastStory,
}

/// What ROUGE of a picked subset needs, as sorted (n-gram id, count) lists.
struct FastStory {
    /// Per candidate, per reference line: which line tokens its LCS with the line hits.
    lcs: Vec<Vec<Vec<bool>>>,
    /// Tokens per reference line.
    ref_line_len: Vec<usize>,
    /// Unigram precision of each candidate alone against the reference.
    density: Vec<f64>,
    sim: Vec<f64>,
    uni: Vec<Vec<(u64, u32)>>,
    bi: Vec<Vec<(u64, u32)>>,
    ref_uni: Vec<(u64, u32)>,
    ref_bi: Vec<(u64, u32)>,
}

fn counts(mut ids: Vec<u64>) -> Vec<(u64, u32)> {
    ids.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((last, c)) if *last == id => *c += 1,
            _ => out.push((id, 1)),
        }
    }
    out
}

fn gram_ids(tokens: &[String], interner: &mut HashMap<String, u64>) -> (Vec<u64>, Vec<u64>) {
    let ids: Vec<u64> = tokens
        .iter()
        .map(|t| {
            let next = interner.len() as u64;
            *interner.entry(t.clone()).or_insert(next)
        })
        .collect();
    let bi = ids.windows(2).map(|w| (w[0] << 32) | w[1]).collect();
    (ids, bi)
}

fn f1_counts(reference: &[(u64, u32)], cand: &[(u64, u32)]) -> f64 {
    let (mut i, mut j, mut overlap) = (0, 0, 0u32);
    while i < reference.len() && j < cand.len() {
        match reference[i].0.cmp(&cand[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                overlap += reference[i].1.min(cand[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    let rt: u32 = reference.iter().map(|x| x.1).sum();
    let ct: u32 = cand.iter().map(|x| x.1).sum();
    if overlap == 0 || rt == 0 || ct == 0 {
        return 0.0;
    }
    let p = f64::from(overlap) / f64::from(ct);
    let r = f64::from(overlap) / f64::from(rt);
    2.0 * p * r / (p + r)
}

fn merged(lists: &[&Vec<(u64, u32)>]) -> Vec<(u64, u32)> {
    let mut all: Vec<(u64, u32)> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    all.sort_unstable_by_key(|x| x.0);
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(all.len());
    for (id, c) in all {
        match out.last_mut() {
            Some((last, k)) if *last == id => *k += c,
            _ => out.push((id, c)),
        }
    }
    out
}

/// (R1 F, R2 F) of the sentences `model` picks, as the real selection does it.
fn fast_eval(s: &Story, model: &Model) -> (f64, f64) {
    let m = s.rows.len();
    let scores: Vec<f64> = s
        .rows
        .iter()
        .map(|(x, _)| x.iter().zip(&model.weights).map(|(a, b)| a * b).sum())
        .collect();
    let mut picked: Vec<usize> = Vec::new();
    let mut max_sim = vec![0.0f64; m];
    while picked.len() < SUMMARY_SENTENCES.min(m) {
        let best = (0..m)
            .filter(|k| !picked.contains(k))
            .map(|k| (k, scores[k] - model.redundancy * max_sim[k]))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((k, _)) = best else { break };
        picked.push(k);
        for (j, sim) in max_sim.iter_mut().enumerate() {
            *sim = sim.max(s.fast.sim[k * m + j]);
        }
    }
    let (a, b, l) = rouge_of(s, &picked);
    (a, r2_weight() * b + lsum_weight() * l)
}

/// (R1 F, R2 F, approximate RLsum F) of a picked set of candidates.
fn rouge_of(s: &Story, picked: &[usize]) -> (f64, f64, f64) {
    let uni: Vec<&Vec<(u64, u32)>> = picked.iter().map(|&k| &s.fast.uni[k]).collect();
    let bi: Vec<&Vec<(u64, u32)>> = picked.iter().map(|&k| &s.fast.bi[k]).collect();
    let cand_len: u32 = uni.iter().flat_map(|u| u.iter().map(|x| x.1)).sum();
    let ref_len: usize = s.fast.ref_line_len.iter().sum();
    let mut hits = 0usize;
    for (li, &len) in s.fast.ref_line_len.iter().enumerate() {
        hits += (0..len)
            .filter(|&t| picked.iter().any(|&k| s.fast.lcs[k][li][t]))
            .count();
    }
    let lsum = if hits == 0 || cand_len == 0 || ref_len == 0 {
        0.0
    } else {
        let p = hits as f64 / f64::from(cand_len);
        let r = hits as f64 / ref_len as f64;
        2.0 * p * r / (p + r)
    };
    (
        f1_counts(&s.fast.ref_uni, &merged(&uni)),
        f1_counts(&s.fast.ref_bi, &merged(&bi)),
        lsum,
    )
}

/// Which tokens of `reference` an LCS with `candidate` uses.
fn lcs_hits(reference: &[String], candidate: &[String]) -> Vec<bool> {
    let (n, m) = (reference.len(), candidate.len());
    let mut t = vec![vec![0u16; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            t[i][j] = if reference[i - 1] == candidate[j - 1] {
                t[i - 1][j - 1] + 1
            } else {
                t[i - 1][j].max(t[i][j - 1])
            };
        }
    }
    let mut hits = vec![false; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if reference[i - 1] == candidate[j - 1] {
            hits[i - 1] = true;
            i -= 1;
            j -= 1;
        } else if t[i - 1][j] >= t[i][j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    hits
}

fn objective(stories: &[&Story], model: &Model) -> f64 {
    let total: f64 = stories
        .iter()
        .map(|s| {
            let (a, b) = fast_eval(s, model);
            a + b
        })
        .sum();
    total / stories.len().max(1) as f64
}

/// Coordinate ascent on mean ROUGE-1 F + ROUGE-2 F, from `init`.
fn fit_rouge(stories: &[&Story], init: Model, rounds: usize) -> Model {
    let mut model = init;
    let mut best = objective(stories, &model);
    let mut scale = 1.0;
    for _round in 0..rounds {
        for j in 1..=FEATURES {
            let current = if j == FEATURES {
                model.redundancy
            } else {
                model.weights[j]
            };
            let unit = current.abs().max(0.5) * scale;
            for mult in STEPS {
                let mut trial = model.clone();
                let v = current + unit * mult;
                if j == FEATURES {
                    trial.redundancy = v.max(0.0);
                } else {
                    trial.weights[j] = v;
                }
                let o = objective(stories, &trial);
                if o > best + 1e-9 {
                    best = o;
                    model = trial;
                }
            }
        }
        scale *= 0.6;
    }
    model
}

fn rouge_tokens(text: &str, stemmer: &rust_stemmers::Stemmer) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() > 3 {
                stemmer.stem(w).into_owned()
            } else {
                w.to_string()
            }
        })
        .collect()
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m = HashMap::new();
    if tokens.len() >= n {
        for w in tokens.windows(n) {
            *m.entry(w).or_insert(0) += 1;
        }
    }
    m
}

fn f1(reference: &[String], candidate: &[String], n: usize) -> f64 {
    let r = ngrams(reference, n);
    let c = ngrams(candidate, n);
    let overlap: usize = c
        .iter()
        .map(|(g, &k)| k.min(r.get(g).copied().unwrap_or(0)))
        .sum();
    let (rt, ct) = (r.values().sum::<usize>(), c.values().sum::<usize>());
    if overlap == 0 || rt == 0 || ct == 0 {
        return 0.0;
    }
    let p = overlap as f64 / ct as f64;
    let rc = overlap as f64 / rt as f64;
    2.0 * p * rc / (p + rc)
}

fn greedy_oracle(reference: &[String], sents: &[Vec<String>]) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    let mut best = 0.0;
    while picked.len() < ORACLE_SENTENCES {
        let mut round: Option<(usize, f64)> = None;
        for i in 0..sents.len() {
            if picked.contains(&i) {
                continue;
            }
            let mut idx = picked.clone();
            idx.push(i);
            idx.sort_unstable();
            let cand: Vec<String> = idx.iter().flat_map(|&k| sents[k].clone()).collect();
            let s = f1(reference, &cand, 1) + f1(reference, &cand, 2);
            if round.is_none_or(|(_, b)| s > b) {
                round = Some((i, s));
            }
        }
        match round {
            Some((i, s)) if s > best => {
                best = s;
                picked.push(i);
            }
            _ => break,
        }
    }
    picked
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Solves `a x = b` (small dense system) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, piv);
        b.swap(col, piv);
        let d = a[col][col];
        if d.abs() < 1e-12 {
            continue;
        }
        for row in 0..n {
            if row != col {
                let f = a[row][col] / d;
                if f != 0.0 {
                    for k in col..n {
                        a[row][k] -= f * a[col][k];
                    }
                    b[row] -= f * b[col];
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if a[i][i].abs() < 1e-12 {
                0.0
            } else {
                b[i] / a[i][i]
            }
        })
        .collect()
}

/// L2-regularised logistic regression by Newton's method (bias not regularised).
fn train(stories: &[&Story], l2: f64) -> [f64; FEATURES] {
    let mut w = [0.0; FEATURES];
    for _ in 0..25 {
        let mut grad = vec![0.0; FEATURES];
        let mut hess = vec![vec![0.0; FEATURES]; FEATURES];
        for s in stories {
            for (x, y) in &s.rows {
                let p = sigmoid(x.iter().zip(&w).map(|(a, b)| a * b).sum());
                let r = p * (1.0 - p);
                for i in 0..FEATURES {
                    grad[i] += (p - y) * x[i];
                    for j in 0..FEATURES {
                        hess[i][j] += r * x[i] * x[j];
                    }
                }
            }
        }
        for i in 1..FEATURES {
            grad[i] += l2 * w[i];
            hess[i][i] += l2;
        }
        hess[0][0] += 1e-9;
        let step = solve(hess, grad);
        let mut change = 0.0f64;
        for i in 0..FEATURES {
            w[i] -= step[i];
            change = change.max(step[i].abs());
        }
        if change < 1e-7 {
            break;
        }
    }
    w
}

/// Mean (R1, R2) F1 of `model`'s summaries over `stories`.
fn evaluate(stories: &[&Story], model: &Model, stemmer: &rust_stemmers::Stemmer) -> (f64, f64) {
    let (mut r1, mut r2) = (0.0, 0.0);
    for s in stories {
        let text = picked_text(s, model).join("\n");
        let cand = rouge_tokens(&text, stemmer);
        let reference = rouge_tokens(&s.reference.join("\n"), stemmer);
        r1 += f1(&reference, &cand, 1);
        r2 += f1(&reference, &cand, 2);
    }
    let n = stories.len().max(1) as f64;
    (100.0 * r1 / n, 100.0 * r2 / n)
}

fn picked_text(s: &Story, model: &Model) -> Vec<String> {
    summarize::summarize_with(&s.doc, Some(SUMMARY_SENTENCES), model)
        .into_iter()
        .map(|r| s.doc.text[r].to_string())
        .collect()
}

fn load(path: &str, soft: bool, stemmer: &rust_stemmers::Stemmer) -> Vec<Story> {
    let mut interner: HashMap<String, u64> = HashMap::new();
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    let mut out = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.unwrap_or_default();
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        let text = newsbrief::normalize_text(v["text"].as_str().unwrap_or_default());
        let reference: Vec<String> = v["reference"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        let doc = Document::new(None, Some("en".into()), text);
        let cands = summarize::candidates(&doc);
        let ref_tokens = rouge_tokens(&reference.join("\n"), stemmer);
        let sent_tokens: Vec<Vec<String>> = cands
            .iter()
            .map(|c| rouge_tokens(&doc.text[c.range.clone()], stemmer))
            .collect();
        let labels: Vec<f64> = if soft {
            let raw: Vec<f64> = sent_tokens
                .iter()
                .map(|t| f1(&ref_tokens, t, 1) + f1(&ref_tokens, t, 2))
                .collect();
            let max = raw.iter().copied().fold(0.0, f64::max).max(1e-9);
            raw.iter().map(|r| r / max).collect()
        } else {
            let oracle = greedy_oracle(&ref_tokens, &sent_tokens);
            (0..cands.len())
                .map(|i| f64::from(u8::from(oracle.contains(&i))))
                .collect()
        };
        let rows = cands.iter().map(|c| c.features).zip(labels).collect();
        let (ru, rb) = gram_ids(&ref_tokens, &mut interner);
        let mut uni = Vec::new();
        let mut bi = Vec::new();
        for t in &sent_tokens {
            let (u, b) = gram_ids(t, &mut interner);
            uni.push(counts(u));
            bi.push(counts(b));
        }
        let sim = cands
            .iter()
            .flat_map(|a| cands.iter().map(|b| summarize::similarity(a, b)))
            .collect();
        let density = uni
            .iter()
            .map(|u| {
                let ref_u = counts(gram_ids(&ref_tokens, &mut interner).0);
                let total: u32 = u.iter().map(|x| x.1).sum();
                let f = f1_counts(&ref_u, u);
                // precision from F1 needs recall; recompute overlap directly instead.
                let _ = f;
                let mut overlap = 0u32;
                let (mut i, mut j) = (0, 0);
                while i < ref_u.len() && j < u.len() {
                    match ref_u[i].0.cmp(&u[j].0) {
                        std::cmp::Ordering::Less => i += 1,
                        std::cmp::Ordering::Greater => j += 1,
                        std::cmp::Ordering::Equal => {
                            overlap += ref_u[i].1.min(u[j].1);
                            i += 1;
                            j += 1;
                        }
                    }
                }
                if total == 0 {
                    0.0
                } else {
                    f64::from(overlap) / f64::from(total)
                }
            })
            .collect();
        let ref_lines: Vec<Vec<String>> =
            reference.iter().map(|l| rouge_tokens(l, stemmer)).collect();
        let lcs = sent_tokens
            .iter()
            .map(|c| ref_lines.iter().map(|r| lcs_hits(r, c)).collect())
            .collect();
        let fast = FastStory {
            lcs,
            ref_line_len: ref_lines.iter().map(Vec::len).collect(),
            density,
            sim,
            uni,
            bi,
            ref_uni: counts(ru),
            ref_bi: counts(rb),
        };
        out.push(Story {
            id: v["id"].clone(),
            doc,
            reference,
            rows,
            fast,
        });
    }
    out
}

/// Runs the summarizer trainer with its arguments (after `train summarizer`).
pub fn main(args: Vec<String>) {
    let mut path = None;
    let mut folds = 5usize;
    let mut l2 = 1.0f64;
    let mut soft = false;
    let mut cv_out: Option<String> = None;
    let mut fit_lr_only = false;
    let mut bags = BAGS;
    let mut rounds = ROUNDS;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--folds" => folds = it.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--l2" => l2 = it.next().and_then(|v| v.parse().ok()).unwrap_or(1.0),
            "--target" => soft = it.next().is_some_and(|v| v == "soft"),
            "--cv-out" => cv_out = it.next().cloned(),
            "--lr-only" => fit_lr_only = true,
            "--bags" => bags = it.next().and_then(|v| v.parse().ok()).unwrap_or(BAGS),
            "--rounds" => rounds = it.next().and_then(|v| v.parse().ok()).unwrap_or(ROUNDS),
            p => path = Some(p.to_string()),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: train summarizer DATA.jsonl [--folds K] [--bags B] [--rounds R] [--l2 X] [--target oracle|soft] [--lr-only] [--cv-out FILE]");
        std::process::exit(2);
    };
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let stories = load(&path, soft, &stemmer);
    eprintln!("{} stories", stories.len());
    if std::env::var_os("TRAIN_DENSITY").is_some() {
        run_density(&stories, folds, l2);
        return;
    }
    if std::env::var_os("TRAIN_STATS").is_some() {
        print_stats(&stories);
    }

    let lead = Model {
        weights: {
            // Lead-3 as a model: only the inverse position counts.
            let mut w = [0.0; FEATURES];
            w[4] = 1.0;
            w
        },
        redundancy: 0.0,
    };
    let all: Vec<&Story> = stories.iter().collect();
    let (l1, l2r) = evaluate(&all, &lead, &stemmer);
    eprintln!("lead-3 (pickable sentences): R1 {l1:.2} R2 {l2r:.2}");

    // Cross-validation: one model per fold, learned on the other folds only.
    let learn_one = |set: &[&Story]| -> Model {
        let lr = Model {
            weights: train(set, l2),
            redundancy: INITIAL_REDUNDANCY,
        };
        if fit_lr_only {
            lr
        } else {
            fit_rouge(set, lr, rounds)
        }
    };
    // Bagging: the average of models fitted on bootstrap samples is steadier than one fit.
    let learn = |set: &[&Story]| -> Model {
        if bags <= 1 {
            return learn_one(set);
        }
        let mut sum = Model {
            weights: [0.0; FEATURES],
            redundancy: 0.0,
        };
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..bags {
            let sample: Vec<&Story> = (0..set.len())
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    set[(seed >> 33) as usize % set.len()]
                })
                .collect();
            let m = learn_one(&sample);
            for (acc, w) in sum.weights.iter_mut().zip(m.weights) {
                *acc += w / bags as f64;
            }
            sum.redundancy += m.redundancy / bags as f64;
        }
        sum
    };
    let fold_models: Vec<Model> = (0..folds)
        .map(|f| {
            let train_set: Vec<&Story> = stories
                .iter()
                .enumerate()
                .filter(|(i, _)| i % folds != f)
                .map(|(_, s)| s)
                .collect();
            let m = learn(&train_set);
            eprintln!(
                "fold {f}: train objective {:.2}",
                100.0 * objective(&train_set, &m)
            );
            m
        })
        .collect();
    let (mut r1, mut r2) = (0.0, 0.0);
    for (f, model) in fold_models.iter().enumerate() {
        let test: Vec<&Story> = stories
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds == f)
            .map(|(_, s)| s)
            .collect();
        let (a, b) = evaluate(&test, model, &stemmer);
        eprintln!("fold {f}: held-out R1 {a:.2} R2 {b:.2}");
        r1 += a * test.len() as f64;
        r2 += b * test.len() as f64;
    }
    let n = stories.len() as f64;
    eprintln!("cross-validated: R1 {:.2} R2 {:.2}", r1 / n, r2 / n);

    if let Some(out) = cv_out {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&out).unwrap_or_else(|e| panic!("cannot create {out}: {e}")),
        );
        for (i, s) in stories.iter().enumerate() {
            let rec =
                serde_json::json!({"id": s.id, "summary": picked_text(s, &fold_models[i % folds])});
            let _ = writeln!(f, "{rec}");
        }
        eprintln!("cross-validated predictions written to {out}");
    }

    let model = learn(&all);
    let (a, b) = evaluate(&all, &model, &stemmer);
    eprintln!("trained on all: R1 {a:.2} R2 {b:.2}");
    let weights = model.weights;
    let redundancy = model.redundancy;
    println!("pub const MODEL: Model = Model {{\n    weights: [");
    for (name, w) in FEATURE_NAMES.iter().zip(weights) {
        println!("        {w:.4}, // {name}");
    }
    println!("    ],\n    redundancy: {redundancy:.4},\n}};");
}

/// Oracle label rate by position and by length (for feature design).
fn print_stats(stories: &[Story]) {
    let mut by_rank = [(0.0, 0.0); 12];
    let mut by_len = [(0.0, 0.0); 10];
    for s in stories {
        for (rank, (x, y)) in s.rows.iter().enumerate() {
            let r = rank.min(11);
            by_rank[r].0 += y;
            by_rank[r].1 += 1.0;
            let words = x[6].exp();
            let b = ((words / 5.0) as usize).min(9);
            by_len[b].0 += y;
            by_len[b].1 += 1.0;
        }
    }
    for (r, (a, n)) in by_rank.iter().enumerate() {
        eprintln!("rank {r}: {:.3} of {n}", a / n);
    }
    for (b, (a, n)) in by_len.iter().enumerate() {
        eprintln!("words {}-{}: {:.3} of {n}", b * 5, b * 5 + 4, a / n);
    }
}

/// Ridge regression of unigram precision (density) on the features.
fn ridge(stories: &[&Story], l2: f64) -> [f64; FEATURES] {
    let mut a = vec![vec![0.0; FEATURES]; FEATURES];
    let mut b = vec![0.0; FEATURES];
    for s in stories {
        for ((x, _), y) in s.rows.iter().zip(&s.fast.density) {
            for i in 0..FEATURES {
                b[i] += x[i] * y;
                for j in 0..FEATURES {
                    a[i][j] += x[i] * x[j];
                }
            }
        }
    }
    for i in 1..FEATURES {
        a[i][i] += l2;
    }
    let w = solve(a, b);
    let mut out = [0.0; FEATURES];
    out.copy_from_slice(&w);
    out
}

/// (R1 F, R2 F) when sentences are valued `words * (density * (1 - red * sim) - cost)`.
fn density_eval(s: &Story, w: &[f64; FEATURES], cost: f64, red: f64) -> (f64, f64) {
    let m = s.rows.len();
    let dens: Vec<f64> = s
        .rows
        .iter()
        .map(|(x, _)| x.iter().zip(w).map(|(a, b)| a * b).sum())
        .collect();
    let words: Vec<f64> = s.rows.iter().map(|(x, _)| x[6].exp()).collect();
    let mut picked: Vec<usize> = Vec::new();
    let mut max_sim = vec![0.0f64; m];
    while picked.len() < SUMMARY_SENTENCES.min(m) {
        let best = (0..m)
            .filter(|k| !picked.contains(k))
            .map(|k| (k, words[k] * (dens[k] * (1.0 - red * max_sim[k]) - cost)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((k, _)) = best else { break };
        picked.push(k);
        for (j, sim) in max_sim.iter_mut().enumerate() {
            *sim = sim.max(s.fast.sim[k * m + j]);
        }
    }
    let (a, b, l) = rouge_of(s, &picked);
    (a, r2_weight() * b + lsum_weight() * l)
}

fn density_objective(stories: &[&Story], w: &[f64; FEATURES], cost: f64, red: f64) -> (f64, f64) {
    let (mut a, mut b) = (0.0, 0.0);
    for s in stories {
        let (x, y) = density_eval(s, w, cost, red);
        a += x;
        b += y;
    }
    let n = stories.len().max(1) as f64;
    (100.0 * a / n, 100.0 * b / n)
}

/// Density model: ridge weights, then the best (cost, redundancy) on the training set.
fn fit_density(set: &[&Story], l2: f64) -> ([f64; FEATURES], f64, f64) {
    let w = ridge(set, l2);
    let mut best = (0.0, 0.0, f64::MIN);
    for ci in 0..=20 {
        let cost = 0.02 * f64::from(ci);
        for red in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let (a, b) = density_objective(set, &w, cost, red);
            if a + b > best.2 {
                best = (cost, red, a + b);
            }
        }
    }
    (w, best.0, best.1)
}

/// Cross-validates the density model and prints it.
fn run_density(stories: &[Story], folds: usize, l2: f64) {
    let (mut r1, mut r2) = (0.0, 0.0);
    for f in 0..folds {
        let train_set: Vec<&Story> = stories
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != f)
            .map(|(_, s)| s)
            .collect();
        let test: Vec<&Story> = stories
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds == f)
            .map(|(_, s)| s)
            .collect();
        let (w, cost, red) = fit_density(&train_set, l2);
        let (a, b) = density_objective(&test, &w, cost, red);
        eprintln!("density fold {f}: cost {cost:.2} red {red} held-out R1 {a:.2} R2 {b:.2}");
        r1 += a * test.len() as f64;
        r2 += b * test.len() as f64;
    }
    let n = stories.len() as f64;
    eprintln!("density cross-validated: R1 {:.2} R2 {:.2}", r1 / n, r2 / n);
    let all: Vec<&Story> = stories.iter().collect();
    let (w, cost, red) = fit_density(&all, l2);
    let (a, b) = density_objective(&all, &w, cost, red);
    eprintln!("density on all: R1 {a:.2} R2 {b:.2} cost {cost} red {red}");
    for (name, x) in FEATURE_NAMES.iter().zip(w) {
        eprintln!("  {x:.4} {name}");
    }
}
