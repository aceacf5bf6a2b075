//! Learns the status model (`prompts/status_model.toml`) from labelled articles, and
//! measures it by k-fold cross-validation on a fixed split.
//!
//! ```text
//! cargo run --release --features train --bin train -- status \
//!     ../shared/bench/status/articles.jsonl [--folds FOLDS.json] [--alpha A] \
//!     [--write prompts/status_model.toml] [--report docs/status-model.md] [--cv-out FILE] \
//!     [--dump FEATURES.jsonl] [--extra data/status-extra.jsonl [--extra-texts SOURCE.jsonl]]
//! ```
//!
//! DATA: JSON Lines `{id, title, text, kind, status: [labels]}` (the bench/status format;
//! a title containing "(title derived" is ignored). FOLDS: `{id: fold}` (default: the
//! `folds.json` beside DATA). For each fold the five heads (news, early-stage, denied,
//! unconfirmed, confirmed) are fitted on the other folds with L2-regularised logistic
//! regression (`linfa-logistic`) over standardised features and the held-out fold is judged
//! by the same code the binary runs ([`newsbrief::status::decide`]). The report prints each
//! figure per fold, its mean and spread, and the fit on all data beside it (a gap over 0.05
//! means the model memorises). `--write` saves the model fitted on all data; `--cv-out`
//! writes each text's held-out brief as `newsbrief batch` would, so the bench scorer can
//! check the figures (`score_status.py GOLD CV-OUT --fold K`); `--dump` writes every text's
//! feature vector, fold and targets, for exploring features outside Rust.
//!
//! `--extra` adds texts labelled later under the same guideline (`data/status-extra.jsonl`:
//! labels, fold and a reference to the source text, no article text, since the texts are
//! third-party copyright). Each record's text is the first `text_len` bytes of the record
//! `source_id` in `--extra-texts` (default: the bench's
//! `../summarization/cnndm_val1000_dev.jsonl` beside DATA's folder). Extra texts are trained
//! on but never scored: every figure stays on DATA's texts, so it compares with runs without
//! them.
//!
//! One file on purpose: its steps (loading, inner cross-validation, calibration, thresholds,
//! the report) run once, top to bottom, over one `Item` type; the shared loader is `data.rs`.

use std::fmt::Write as _;

use crate::data::{self as train_data, Labelled, Sources};
use anyhow::{bail, Context, Result};
use linfa::prelude::*;
use linfa::Dataset;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use newsbrief::status::model::{Calibration, Head, StatusModel, HEADS};
use newsbrief::status::{self, Features, StatusRules, FEATURE_COUNT, FEATURE_NAMES};
use newsbrief::text::Document;
use newsbrief::{ArticleKind, BriefOptions, Rules};

/// One line of the report: its name and how to read it off the scores.
type Row = (&'static str, fn(&Scores) -> f64);

/// Default L2 strength of the news / non-news head (more texts, noisier genre features).
const DEFAULT_NEWS_ALPHA: f64 = 3.0;
/// Optimiser iterations (L-BFGS); far more than these small problems need.
const MAX_ITERATIONS: u64 = 500;
const LABELS: [&str; 4] = ["early-stage", "denied", "unconfirmed", "confirmed"];

struct Item {
    rec: Labelled,
    doc: Document,
    feats: Features,
    fold: usize,
    /// An extra text that the second CV figure also scores (and holds out of its fold).
    scored_extra: bool,
    /// Its out-of-fold prediction tunes the heads (see `--calibrate-on`).
    calib: bool,
    /// Targets per head, in [`HEADS`] order.
    y: [bool; 5],
}

struct Args {
    data: String,
    folds: Option<String>,
    /// Fixes the label heads' L2 strength (default: chosen by inner CV).
    alpha: Option<f64>,
    news_alpha: f64,
    write: Option<String>,
    report: Option<String>,
    cv_out: Option<String>,
    dump: Option<String>,
    extra: Vec<String>,
    /// Extra texts that are also scored, in the second CV figure (over dev + these).
    also_score: Vec<String>,
    extra_texts: Option<String>,
    /// How many re-deals of the extra texts' folds to score (spread of the CV figure).
    redeal: usize,
    /// Least precision (on out-of-fold predictions) a core label's threshold aims at.
    precision: f64,
    /// The same for `confirmed`.
    precision_confirmed: f64,
    /// Print the learning curve (25/50/75/100 % of the training texts).
    curve: bool,
    /// Which texts' out-of-fold predictions pick the L2 strength, the calibration and the
    /// threshold: `all`, `dev` (the bench set only) or `no-pool` (all but the `--also-score`
    /// texts, whose label mix differs from what people paste).
    calibrate_on: String,
    /// Heads (by name) that train on the `--also-score` texts; the others leave them out.
    pool_heads: Vec<String>,
    /// The news head's threshold: `targets` (meet both kind targets on out-of-fold
    /// predictions) or a number.
    kind_threshold: String,
}

const USAGE: &str = "usage: train status DATA.jsonl [--folds F.json] [--alpha A] [--news-alpha A] [--write MODEL.toml] [--report REPORT.md] [--cv-out CV.jsonl] [--dump FEATURES.jsonl] [--extra EXTRA.jsonl]... [--also-score EXTRA.jsonl]... [--extra-texts SOURCE.jsonl] [--redeal N (default 5)] [--precision P (default 0.85)] [--precision-confirmed P (default 0.90)] [--curve]";

impl Args {
    fn targets(&self) -> Targets {
        let mut pool_heads = [false; 5];
        for (i, h) in HEADS.iter().enumerate() {
            pool_heads[i] = self.pool_heads.iter().any(|p| p == h);
        }
        Targets {
            core: self.precision,
            confirmed: self.precision_confirmed,
            pool_heads,
            kind_threshold: self.kind_threshold.parse().ok(),
        }
    }
}

fn parse_args(args: Vec<String>) -> Result<Args> {
    let mut it = args.into_iter();
    let mut a = Args {
        data: String::new(),
        folds: None,
        alpha: None,
        news_alpha: DEFAULT_NEWS_ALPHA,
        write: None,
        report: None,
        cv_out: None,
        dump: None,
        extra: Vec::new(),
        also_score: Vec::new(),
        extra_texts: None,
        redeal: 5,
        precision: 0.85,
        precision_confirmed: 0.90,
        curve: false,
        calibrate_on: "all".into(),
        pool_heads: HEADS.iter().map(|h| (*h).to_string()).collect(),
        kind_threshold: "targets".into(),
    };
    while let Some(x) = it.next() {
        let mut val = || it.next().with_context(|| format!("{x} needs a value"));
        match x.as_str() {
            "--folds" => a.folds = Some(val()?),
            "--alpha" => a.alpha = Some(val()?.parse().context("--alpha")?),
            "--news-alpha" => a.news_alpha = val()?.parse().context("--news-alpha")?,
            "--write" => a.write = Some(val()?),
            "--report" => a.report = Some(val()?),
            "--cv-out" => a.cv_out = Some(val()?),
            "--dump" => a.dump = Some(val()?),
            "--extra" => a.extra.push(val()?),
            "--also-score" => a.also_score.push(val()?),
            "--precision" => a.precision = val()?.parse().context("--precision")?,
            "--precision-confirmed" => {
                a.precision_confirmed = val()?.parse().context("--precision-confirmed")?;
            }
            "--curve" => a.curve = true,
            "--pool-heads" => {
                a.pool_heads = val()?
                    .split(',')
                    .filter(|h| !h.is_empty())
                    .map(str::to_string)
                    .collect();
                if let Some(h) = a.pool_heads.iter().find(|h| !HEADS.contains(&h.as_str())) {
                    bail!("--pool-heads: no head {h} (heads: {})", HEADS.join(","));
                }
            }
            "--kind-threshold" => a.kind_threshold = val()?,
            "--calibrate-on" => {
                a.calibrate_on = val()?;
                if !matches!(a.calibrate_on.as_str(), "all" | "dev" | "no-pool") {
                    bail!("--calibrate-on takes all, dev or no-pool");
                }
            }
            "--extra-texts" => a.extra_texts = Some(val()?),
            "--redeal" => a.redeal = val()?.parse().context("--redeal")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ if a.data.is_empty() && !x.starts_with("--") => a.data = x,
            _ => bail!("unknown argument {x} (try --help)"),
        }
    }
    if a.data.is_empty() {
        bail!("{USAGE}");
    }
    Ok(a)
}

fn document(rec: &Labelled) -> Document {
    // The same preparation as `Engine::brief_text` (what `newsbrief batch` does with text).
    let language = newsbrief::extract::detect_language(&rec.text);
    let text = newsbrief::truncate_text(
        newsbrief::normalize_text(&rec.text),
        newsbrief::MAX_TEXT_BYTES,
    );
    Document::new(rec.title.clone(), language, text)
}

fn load(args: &Args, rules: &StatusRules) -> Result<Vec<Item>> {
    let sources = Sources {
        data: args.data.clone().into(),
        folds: args.folds.clone().map(Into::into),
        extra: args
            .extra
            .iter()
            .chain(&args.also_score)
            .map(Into::into)
            .collect(),
        extra_texts: args.extra_texts.clone().map(Into::into),
    };
    Ok(train_data::load(&sources)?
        .into_iter()
        .map(|rec| {
            let doc = document(&rec);
            let feats = status::features(&doc, rules);
            let y = [
                rec.kind == "news",
                rec.has("early-stage"),
                rec.has("denied"),
                rec.has("unconfirmed"),
                rec.has("confirmed"),
            ];
            let scored_extra = args.also_score.contains(&rec.set);
            Item {
                fold: rec.fold,
                calib: match args.calibrate_on.as_str() {
                    "dev" => !rec.extra,
                    "no-pool" => !scored_extra,
                    _ => true,
                },
                scored_extra,
                rec,
                doc,
                feats,
                y,
            }
        })
        .collect())
}

/// Whether head `head` may use feature `name`: a structural prior that keeps each label on
/// its own cues, the cues that rule it out, and the page-level signals (fewer weights to
/// learn from few positives).
fn allowed(head: usize, name: &str) -> bool {
    let group = name.split('.').next().unwrap_or_default();
    let page = matches!(group, "genre" | "speech" | "quote");
    match HEADS[head] {
        "early-stage" => page || matches!(group, "process" | "outcome" | "stage"),
        "denied" => page || matches!(group, "denied" | "unconfirmed"),
        "unconfirmed" => {
            page || matches!(
                group,
                "unconfirmed" | "confirmed" | "denied" | "named_source"
            )
        }
        "confirmed" => {
            page || matches!(
                group,
                "confirmed" | "unconfirmed" | "outcome" | "named_source"
            )
        }
        _ => true,
    }
}

/// Each fold's dev-text count and scores.
type FoldScores = Vec<(usize, Scores)>;

/// L2 strengths a label head may get when `--alpha` does not fix one: the inner
/// cross-validation picks among them (few positives per label: strong shrinkage often wins).
const ALPHA_GRID: [f64; 7] = [1.0, 3.0, 10.0, 30.0, 60.0, 100.0, 300.0];

/// Recall below which a threshold is not chosen for precision alone (when the precision
/// target is out of reach, the most precise threshold that still shows this share).
const MIN_RECALL: f64 = 0.25;

/// No label is shown under this calibrated probability (in percent), whatever else: a label
/// more likely wrong than right is not a bet.
const MIN_THRESHOLD_PERCENT: u8 = 50;

/// What the trainer aims each head's threshold at.
#[derive(Clone, Copy)]
struct Targets {
    /// Least precision for early-stage, denied, unconfirmed.
    core: f64,
    /// Least precision for confirmed.
    confirmed: f64,
    /// Per head: trains on the `--also-score` texts.
    pool_heads: [bool; 5],
    /// A fixed threshold for the news head (else tuned for both kind targets).
    kind_threshold: Option<f64>,
}

impl Targets {
    fn of(self, head: usize) -> f64 {
        if HEADS[head] == "confirmed" {
            self.confirmed
        } else {
            self.core
        }
    }
}

/// Out-of-fold raw probabilities of head `head` over `train` (inner CV on `train`'s own
/// folds), with `alpha`; each item's inner fold alongside.
/// Only the texts that tune (`--calibrate-on`) are returned.
fn inner_oof(train: &[&Item], head: usize, alpha: f64) -> Result<Vec<OutOfFold>> {
    let folds: std::collections::BTreeSet<usize> = train.iter().map(|i| i.fold).collect();
    let mut oof = Vec::with_capacity(train.len());
    for &f in &folds {
        let inner: Vec<&Item> = train.iter().copied().filter(|i| i.fold != f).collect();
        let h = fit_head(&inner, head, alpha, 0.5)?;
        oof.extend(
            train
                .iter()
                .filter(|i| i.fold == f && i.calib)
                .map(|i| (h.probability(&i.feats.values), i.y[head], f)),
        );
    }
    Ok(oof)
}

fn log_loss(pairs: impl Iterator<Item = (f64, bool)>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (p, y) in pairs {
        let p = p.clamp(1e-3, 1.0 - 1e-3);
        sum -= if y { p.ln() } else { (1.0 - p).ln() };
        n += 1;
    }
    sum / n.max(1) as f64
}

/// Platt scaling fitted by Newton's method on the raw log-odds (a tiny L2 keeps it finite
/// on separable data).
fn fit_platt(pairs: &[(f64, bool)]) -> Calibration {
    let z: Vec<f64> = pairs
        .iter()
        .map(|&(p, _)| {
            let p = p.clamp(1e-9, 1.0 - 1e-9);
            (p / (1.0 - p)).ln()
        })
        .collect();
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) =
            (1e-3 * (a - 1.0), 1e-3 * b, 1e-3, 0.0, 1e-3);
        for (zi, &(_, y)) in z.iter().zip(pairs) {
            let q = 1.0 / (1.0 + (-(a * zi + b)).exp());
            let r = q - f64::from(u8::from(y));
            let w = q * (1.0 - q);
            ga += r * zi;
            gb += r;
            haa += w * zi * zi;
            hab += w * zi;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-9 {
            break;
        }
    }
    if a.is_finite() && b.is_finite() {
        Calibration::Platt { a, b }
    } else {
        Calibration::Identity
    }
}

/// Isotonic regression by pool-adjacent-violators; each block's value is shrunk a little
/// towards one half ((positives + 0.5) / (n + 1)), so no block claims certainty.
fn fit_isotonic(pairs: &[(f64, bool)]) -> Calibration {
    let mut v: Vec<(f64, bool)> = pairs.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    // blocks: (sum of y, count, min x, max x)
    let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (p, y) in v {
        blocks.push((f64::from(u8::from(y)), 1.0, p, p));
        while blocks.len() > 1 {
            let n = blocks.len();
            let (s1, c1, _, _) = blocks[n - 2];
            let (s2, c2, _, _) = blocks[n - 1];
            if s1 / c1 <= s2 / c2 {
                break;
            }
            let last = blocks.pop().unwrap_or_default();
            let prev = blocks.last_mut().expect("two blocks");
            prev.0 += last.0;
            prev.1 += last.1;
            prev.3 = last.3;
        }
    }
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (s, c, lo, hi) in blocks {
        let val = (s + 0.5) / (c + 1.0);
        // Both ends of a block, so values between blocks are interpolated.
        for point in [lo, hi] {
            if x.last().is_some_and(|&l: &f64| (point - l).abs() < 1e-12) {
                continue;
            }
            x.push(point.clamp(0.0, 1.0));
            y.push(val);
        }
    }
    // Shrinking can break monotonicity between blocks of different sizes: restore it.
    for i in 1..y.len() {
        if y[i] < y[i - 1] {
            y[i] = y[i - 1];
        }
    }
    if x.is_empty() {
        Calibration::Identity
    } else {
        Calibration::Isotonic { x, y }
    }
}

/// Platt or isotonic, chosen by cross-fitting on the out-of-fold pairs (fit on the other
/// inner folds' pairs, log-loss on this one's), then fitted on all of them.
fn choose_calibration(oof: &[(f64, bool, usize)]) -> (Calibration, &'static str) {
    let folds: std::collections::BTreeSet<usize> = oof.iter().map(|o| o.2).collect();
    let mut loss = [0.0f64; 2];
    for &f in &folds {
        let fit_on: Vec<(f64, bool)> = oof
            .iter()
            .filter(|o| o.2 != f)
            .map(|o| (o.0, o.1))
            .collect();
        let test: Vec<(f64, bool)> = oof
            .iter()
            .filter(|o| o.2 == f)
            .map(|o| (o.0, o.1))
            .collect();
        for (k, cal) in [fit_platt(&fit_on), fit_isotonic(&fit_on)]
            .iter()
            .enumerate()
        {
            loss[k] += log_loss(test.iter().map(|&(p, y)| (cal.apply(p), y))) * test.len() as f64;
        }
    }
    let all: Vec<(f64, bool)> = oof.iter().map(|o| (o.0, o.1)).collect();
    if loss[1] < loss[0] {
        (fit_isotonic(&all), "isotonic")
    } else {
        (fit_platt(&all), "platt")
    }
}

/// Precision and recall of saying yes at `t` over calibrated pairs; the precision is the
/// cautious `tp / (tp + fp + 1)`, so a threshold that a handful of texts clear does not look
/// perfect.
fn precision_recall(q: &[(f64, bool)], t: f64) -> (f64, f64, f64) {
    let tp = q.iter().filter(|(p, y)| *p >= t && *y).count() as f64;
    let fp = q.iter().filter(|(p, y)| *p >= t && !*y).count() as f64;
    let pos = q.iter().filter(|(_, y)| *y).count() as f64;
    let cautious = tp / (tp + fp + 1.0);
    let f1 = if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (tp + fp + pos)
    };
    (cautious, if pos > 0.0 { tp / pos } else { 0.0 }, f1)
}

/// The threshold of a label head, precision first: the one that shows the most true labels
/// while its (cautious) precision on the out-of-fold pairs reaches `target`; if none does,
/// the most precise one that still shows [`MIN_RECALL`] of them; failing that, the best F1.
fn precision_threshold(q: &[(f64, bool)], target: f64) -> f64 {
    let grid: Vec<f64> = (MIN_THRESHOLD_PERCENT..=95)
        .map(|i| f64::from(i) / 100.0)
        .collect();
    let pr: Vec<(f64, f64, f64, f64)> = grid
        .iter()
        .map(|&t| {
            let (p, r, f) = precision_recall(q, t);
            (t, p, r, f)
        })
        .collect();
    if let Some(best) = pr
        .iter()
        .filter(|x| x.1 >= target && x.2 > 0.0)
        .max_by(|a, b| a.2.total_cmp(&b.2).then(b.0.total_cmp(&a.0)))
    {
        return best.0;
    }
    if let Some(best) = pr
        .iter()
        .filter(|x| x.2 >= MIN_RECALL)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.total_cmp(&a.0)))
    {
        return best.0;
    }
    pr.iter()
        .max_by(|a, b| a.3.total_cmp(&b.3))
        .map_or(0.5, |x| x.0)
}

/// The news head's threshold: the one that best meets both kind targets at once (news
/// recognised [`NEWS_TARGET`] of the time, non-news [`NON_NEWS_TARGET`]), by the smaller of
/// the two margins.
fn kind_threshold(q: &[(f64, bool)]) -> f64 {
    let news = q.iter().filter(|(_, y)| *y).count().max(1) as f64;
    let other = q.iter().filter(|(_, y)| !*y).count().max(1) as f64;
    let mut best = (f64::MIN, 0.5);
    for i in 5..=95 {
        let t = f64::from(i) / 100.0;
        let rn = q.iter().filter(|(p, y)| *y && *p >= t).count() as f64 / news;
        let ro = q.iter().filter(|(p, y)| !*y && *p < t).count() as f64 / other;
        let margin = (rn - NEWS_TARGET).min(ro - NON_NEWS_TARGET);
        if margin > best.0 + 1e-9 {
            best = (margin, t);
        }
    }
    best.1
}

/// The kind targets of the issue: news recognised this often...
const NEWS_TARGET: f64 = 0.95;
/// ... and non-news this often.
const NON_NEWS_TARGET: f64 = 0.85;

/// How one head was tuned (for the report).
#[derive(Clone, Debug)]
struct Tuned {
    alpha: f64,
    calibration: Calibration,
    method: &'static str,
    threshold: f64,
}

/// One out-of-fold prediction: the head's probability, the target, and the fold it was held
/// out in.
type OutOfFold = (f64, bool, usize);

/// Tunes head `head` on `train` by inner cross-validation: the L2 strength by out-of-fold
/// log-loss, the calibration (Platt or isotonic) by cross-fitting, and the threshold on the
/// calibrated out-of-fold probabilities (precision first for labels, both kind targets for
/// the news head). The held-out outer fold is never seen.
fn tune(train: &[&Item], head: usize, alphas: &[f64], targets: Targets) -> Result<Tuned> {
    let mut best: Option<(f64, f64, Vec<OutOfFold>)> = None;
    for &alpha in alphas {
        let oof = inner_oof(train, head, alpha)?;
        let loss = log_loss(oof.iter().map(|o| (o.0, o.1)));
        if best.as_ref().is_none_or(|b| loss < b.0 - 1e-12) {
            best = Some((loss, alpha, oof));
        }
    }
    let (_, alpha, oof) = best.context("no alpha to try")?;
    let (calibration, method) = choose_calibration(&oof);
    let q: Vec<(f64, bool)> = oof.iter().map(|o| (calibration.apply(o.0), o.1)).collect();
    let threshold = if head == 0 {
        kind_threshold(&q)
    } else {
        precision_threshold(&q, targets.of(head))
    };
    Ok(Tuned {
        alpha,
        calibration,
        method,
        threshold,
    })
}

/// Fits one head on `train` (standardised inside, weights returned on the raw scale).
fn fit_head(train: &[&Item], head: usize, alpha: f64, threshold: f64) -> Result<Head> {
    let cols: Vec<usize> = (0..FEATURE_COUNT)
        .filter(|&j| allowed(head, FEATURE_NAMES[j]))
        .collect();
    let n = train.len();
    let mut mean = vec![0.0; FEATURE_COUNT];
    let mut sd = vec![0.0; FEATURE_COUNT];
    for it in train {
        for (m, v) in mean.iter_mut().zip(&it.feats.values) {
            *m += v / n as f64;
        }
    }
    for it in train {
        for ((s, v), m) in sd.iter_mut().zip(&it.feats.values).zip(&mean) {
            *s += (v - m).powi(2) / n as f64;
        }
    }
    let sd: Vec<f64> = sd
        .iter()
        .map(|s| if *s > 1e-12 { s.sqrt() } else { 1.0 })
        .collect();
    let x = Array2::from_shape_fn((n, cols.len()), |(i, c)| {
        let j = cols[c];
        (train[i].feats.values[j] - mean[j]) / sd[j]
    });
    let y = Array1::from_iter(train.iter().map(|it| it.y[head]));
    let ds = Dataset::new(x.clone(), y);
    let fitted = LogisticRegression::default()
        .alpha(alpha)
        .max_iterations(MAX_ITERATIONS)
        .fit(&ds)
        .with_context(|| format!("fitting head {}", HEADS[head]))?;
    let w_std = fitted.params();
    let mut weights = vec![0.0; FEATURE_COUNT];
    let mut bias = fitted.intercept();
    for (c, &j) in cols.iter().enumerate() {
        weights[j] = w_std[c] / sd[j];
        bias -= w_std[c] * mean[j] / sd[j];
    }
    // linfa's "positive" class is whichever it chose when fitting; the head must give the
    // probability of `true`.
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    for w in &mut weights {
        *w *= sign;
    }
    bias *= sign;
    let h = Head {
        bias,
        weights,
        threshold,
        calibration: Calibration::Identity,
        forced: 1.0,
    };
    // The raw-scale head must give linfa's own probabilities (and for the positive class).
    let p = fitted.predict_probabilities(&x);
    for (i, it) in train.iter().enumerate().take(5) {
        let mine = h.probability(&it.feats.values);
        let mine = if sign > 0.0 { mine } else { 1.0 - mine };
        if (mine - p[i]).abs() > 1e-6 {
            bail!(
                "head {}: weight conversion is off ({mine} vs {})",
                HEADS[head],
                p[i]
            );
        }
    }
    Ok(h)
}

/// Fits every head on `train` (each tuned by [`tune`]); returns the model and how each
/// head was tuned.
fn fit(
    train: &[&Item],
    alpha: Option<f64>,
    news_alpha: f64,
    targets: Targets,
) -> Result<(StatusModel, Vec<Tuned>)> {
    let alphas: Vec<f64> = alpha.map_or_else(|| ALPHA_GRID.to_vec(), |a| vec![a]);
    let mut tuned = Vec::new();
    let mut heads = Vec::new();
    for h in 0..HEADS.len() {
        let grid = if h == 0 {
            vec![news_alpha]
        } else {
            alphas.clone()
        };
        let own: Vec<&Item> = train
            .iter()
            .copied()
            .filter(|i| !i.scored_extra || targets.pool_heads[h])
            .collect();
        let mut t = tune(&own, h, &grid, targets)?;
        if h == 0 {
            if let Some(fixed) = targets.kind_threshold {
                t.threshold = fixed;
            }
        }
        let mut head = fit_head(&own, h, t.alpha, t.threshold)?;
        head.calibration = t.calibration.clone();
        tuned.push(t);
        heads.push(head);
    }
    // How often the denial rules are right where they fire, over the news texts: the
    // confidence of a label they force (the binary trusts them only when this reaches the
    // denied head's threshold).
    let fired: Vec<&&Item> = train
        .iter()
        .filter(|i| i.y[0] && status::denial_rules_fire(&i.feats))
        .collect();
    let right = fired.iter().filter(|i| i.y[2]).count() as f64;
    heads[2].forced = if fired.is_empty() {
        0.0
    } else {
        right / (fired.len() as f64 + 1.0)
    };
    Ok((
        StatusModel {
            heads,
            header: String::new(),
        },
        tuned,
    ))
}

/// The figures `score_status.py` reports, over `items` judged by `model`, and more.
#[derive(Default, Clone)]
struct Scores {
    f1: [f64; 4],
    precision: [f64; 4],
    recall: [f64; 4],
    /// Labels shown, per label.
    shown: [u32; 4],
    /// (true positives, false positives, false negatives) per label.
    counts: [[u32; 3]; 4],
    macro_core: f64,
    exact_core: f64,
    kind_acc: f64,
    /// Share of news texts judged news.
    news_recall: f64,
    /// Share of non-news texts judged non-news.
    nonnews_recall: f64,
    /// (confidence, right) of every shown label.
    shown_pairs: Vec<(f64, bool)>,
    /// (calibrated probability, truth) of every label head on every text.
    head_pairs: Vec<(f64, bool)>,
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

fn score(items: &[&Item], model: &StatusModel) -> Scores {
    let (mut tp, mut fp, mut fneg) = ([0u32; 4], [0u32; 4], [0u32; 4]);
    let (mut exact, mut kind_ok) = (0u32, 0u32);
    let (mut news_ok, mut news_n, mut other_ok, mut other_n) = (0u32, 0u32, 0u32, 0u32);
    let mut s = Scores::default();
    for it in items {
        let j = status::decide(&it.doc, model, &it.feats);
        let mut same_core = true;
        for (l, name) in LABELS.iter().enumerate() {
            let shown = j.status.iter().find(|x| x.label.as_str() == *name);
            let p = shown.is_some();
            let g = it.y[l + 1];
            if let Some(x) = shown {
                s.shown_pairs.push((x.confidence, g));
            }
            s.head_pairs
                .push((model.label(l).confidence(&it.feats.values), g));
            match (p, g) {
                (true, true) => tp[l] += 1,
                (true, false) => fp[l] += 1,
                (false, true) => fneg[l] += 1,
                _ => {}
            }
            if l < 3 && p != g {
                same_core = false;
            }
        }
        exact += u32::from(same_core);
        let said_news = j.kind == Some(ArticleKind::News);
        kind_ok += u32::from(said_news == it.y[0]);
        if it.y[0] {
            news_n += 1;
            news_ok += u32::from(said_news);
        } else {
            other_n += 1;
            other_ok += u32::from(!said_news);
        }
    }
    for l in 0..4 {
        let d = 2 * tp[l] + fp[l] + fneg[l];
        s.f1[l] = if d == 0 {
            1.0
        } else {
            f64::from(2 * tp[l]) / f64::from(d)
        };
        s.precision[l] = ratio(tp[l], tp[l] + fp[l]);
        s.recall[l] = ratio(tp[l], tp[l] + fneg[l]);
        s.shown[l] = tp[l] + fp[l];
        s.counts[l] = [tp[l], fp[l], fneg[l]];
    }
    s.macro_core = s.f1[..3].iter().sum::<f64>() / 3.0;
    s.exact_core = f64::from(exact) / items.len() as f64;
    s.kind_acc = f64::from(kind_ok) / items.len() as f64;
    s.news_recall = ratio(news_ok, news_n);
    s.nonnews_recall = ratio(other_ok, other_n);
    s
}

/// Pooled precision and recall of each label over all folds' held-out texts (the per-fold
/// figures are too small to read alone).
fn pooled(per_fold: &FoldScores) -> ([f64; 4], [f64; 4]) {
    let mut p = [0.0; 4];
    let mut r = [0.0; 4];
    for l in 0..4 {
        let [tp, fp, fneg] = per_fold.iter().fold([0u32; 3], |acc, (_, s)| {
            [
                acc[0] + s.counts[l][0],
                acc[1] + s.counts[l][1],
                acc[2] + s.counts[l][2],
            ]
        });
        p[l] = ratio(tp, tp + fp);
        r[l] = ratio(tp, tp + fneg);
    }
    (p, r)
}

/// Expected calibration error over (probability, truth) pairs in ten equal-width bins,
/// and the bins (lower edge, count, mean probability, share true).
fn calibration_table(pairs: &[(f64, bool)]) -> (f64, Vec<(f64, usize, f64, f64)>) {
    let mut bins = vec![(0usize, 0.0f64, 0.0f64); 10];
    for &(p, y) in pairs {
        let b = ((p * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += p;
        bins[b].2 += f64::from(u8::from(y));
    }
    let n = pairs.len().max(1) as f64;
    let mut ece = 0.0;
    let mut rows = Vec::new();
    for (i, (c, sp, sy)) in bins.into_iter().enumerate() {
        if c == 0 {
            continue;
        }
        let (mp, my) = (sp / c as f64, sy / c as f64);
        ece += c as f64 / n * (mp - my).abs();
        rows.push((i as f64 / 10.0, c, mp, my));
    }
    (ece, rows)
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64;
    (m, var.sqrt())
}

/// Which texts a cross-validation trains on and scores.
#[derive(Clone, Copy)]
struct Mode {
    /// Also score the `--also-score` texts (held out of their own fold); otherwise they are
    /// trained on in every fold, like the other extra texts.
    second: bool,
    /// Share of the training texts kept (the learning curve), by a fixed hash of each id.
    share: f64,
}

const HEADLINE: Mode = Mode {
    second: false,
    share: 1.0,
};

/// A fixed hash of `id` in 0..1 (FNV-1a), for subsampling the same texts in every run.
fn unit_hash(id: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain(*b"curve") {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 10_000) as f64 / 10_000.0
}

/// Scores of each fold's model on that fold's held-out texts, and the models. Extra texts
/// are trained on in every fold, except in the fold that holds a dev text of the same story
/// (`story_folds`); with `mode.second` the `--also-score` texts are held out of their own
/// fold and scored there too.
fn cross_validate(
    items: &[Item],
    k: usize,
    args: &Args,
    mode: Mode,
) -> Result<(FoldScores, Vec<StatusModel>)> {
    let mut per_fold = Vec::new();
    let mut fold_models = Vec::new();
    let targets = args.targets();
    for f in 0..k {
        let held_out = |i: &Item| {
            if !i.rec.extra || (mode.second && i.scored_extra) {
                i.fold == f
            } else {
                i.rec.story_folds.contains(&f)
            }
        };
        let train: Vec<&Item> = items
            .iter()
            .filter(|i| !held_out(i))
            .filter(|i| mode.share >= 1.0 || unit_hash(&i.rec.id) < mode.share)
            .collect();
        let test: Vec<&Item> = items
            .iter()
            .filter(|i| i.fold == f && (!i.rec.extra || (mode.second && i.scored_extra)))
            .collect();
        let (model, _) = fit(&train, args.alpha, args.news_alpha, targets)?;
        per_fold.push((test.len(), score(&test, &model)));
        fold_models.push(model);
    }
    Ok((per_fold, fold_models))
}

/// A fold for an extra text in re-deal `round`: a fixed hash of its id (FNV-1a), so every
/// run re-deals the same way.
fn redeal_fold(id: &str, round: usize, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain(round.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % k as u64) as usize
}

/// One figure of the report: its name and how to read it off the scores.
fn rows() -> [Row; 17] {
    [
        ("macro-F1 (early-stage, denied, unconfirmed)", |s| {
            s.macro_core
        }),
        ("exact core-label set", |s| s.exact_core),
        ("F1 early-stage", |s| s.f1[0]),
        ("F1 denied", |s| s.f1[1]),
        ("F1 unconfirmed", |s| s.f1[2]),
        ("F1 confirmed", |s| s.f1[3]),
        ("precision early-stage", |s| s.precision[0]),
        ("recall early-stage", |s| s.recall[0]),
        ("precision denied", |s| s.precision[1]),
        ("recall denied", |s| s.recall[1]),
        ("precision unconfirmed", |s| s.precision[2]),
        ("recall unconfirmed", |s| s.recall[2]),
        ("precision confirmed", |s| s.precision[3]),
        ("recall confirmed", |s| s.recall[3]),
        ("kind accuracy (news / non-news)", |s| s.kind_acc),
        ("news judged news", |s| s.news_recall),
        ("non-news judged non-news", |s| s.nonnews_recall),
    ]
}

/// The per-fold table of `per_fold` beside the fit; returns it and one summary line per row.
fn table(per_fold: &FoldScores, fit_scores: &Scores) -> Result<(String, Vec<String>)> {
    let mut report = String::new();
    let folds_hdr: Vec<String> = per_fold
        .iter()
        .enumerate()
        .map(|(f, (n, _))| format!("fold {f} (n={n})"))
        .collect();
    writeln!(
        report,
        "| figure | {} | CV mean ± sd | fit (all) | fit - CV |",
        folds_hdr.join(" | ")
    )?;
    writeln!(report, "|---|{}---|---|---|", "---|".repeat(per_fold.len()))?;
    let mut summary = Vec::new();
    for (name, get) in rows() {
        let v: Vec<f64> = per_fold.iter().map(|(_, s)| get(s)).collect();
        let (m, sd) = mean_sd(&v);
        let cells: Vec<String> = v.iter().map(|x| format!("{x:.3}")).collect();
        let fitv = get(fit_scores);
        writeln!(
            report,
            "| {name} | {} | **{m:.3}** ± {sd:.3} | {fitv:.3} | {:+.3} |",
            cells.join(" | "),
            fitv - m
        )?;
        summary.push(format!("{name}: CV {m:.3} ± {sd:.3}, fit {fitv:.3}"));
    }
    Ok((report, summary))
}

/// Pooled out-of-fold precision / recall per label and the calibration of the shown
/// confidences, as report text.
fn calibration_report(per_fold: &FoldScores) -> Result<String> {
    let mut out = String::new();
    let (p, r) = pooled(per_fold);
    writeln!(
        out,
        "| label | shown (all folds) | precision | recall |\n|---|---|---|---|"
    )?;
    for (l, name) in LABELS.iter().enumerate() {
        let shown: u32 = per_fold.iter().map(|(_, s)| s.shown[l]).sum();
        writeln!(out, "| {name} | {shown} | {:.3} | {:.3} |", p[l], r[l])?;
    }
    // What the heads' ranking allows: the best precision at each recall, over the pooled
    // out-of-fold head probabilities (before the rules and thresholds).
    writeln!(
        out,
        "\nWhat each head's ranking allows (pooled out-of-fold probabilities, before the \
         rules): the best precision at a recall of at least 0.3, 0.5, 0.7, and the average \
         precision (area under the precision-recall curve)\n\n| label | 0.3 | 0.5 | 0.7 | average precision |\n|---|---|---|---|---|"
    )?;
    for (l, name) in LABELS.iter().enumerate() {
        let mut v: Vec<(f64, bool)> = per_fold
            .iter()
            .flat_map(|(_, s)| s.head_pairs.iter().skip(l).step_by(4).copied())
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        let pos = v.iter().filter(|x| x.1).count().max(1) as f64;
        let mut best = [0.0f64; 3];
        let mut tp = 0.0;
        let mut ap = 0.0;
        for (n, (_, y)) in v.iter().enumerate() {
            tp += f64::from(u8::from(*y));
            let (p, r) = (tp / (n + 1) as f64, tp / pos);
            if *y {
                ap += p / pos;
            }
            for (b, want) in best.iter_mut().zip([0.3, 0.5, 0.7]) {
                if r >= want {
                    *b = b.max(p);
                }
            }
        }
        writeln!(
            out,
            "| {name} | {:.3} | {:.3} | {:.3} | {ap:.3} |",
            best[0], best[1], best[2]
        )?;
    }
    let shown: Vec<(f64, bool)> = per_fold
        .iter()
        .flat_map(|(_, s)| s.shown_pairs.iter().copied())
        .collect();
    let heads: Vec<(f64, bool)> = per_fold
        .iter()
        .flat_map(|(_, s)| s.head_pairs.iter().copied())
        .collect();
    let (ece_shown, rows_shown) = calibration_table(&shown);
    let (ece_all, rows_all) = calibration_table(&heads);
    writeln!(
        out,
        "\nExpected calibration error (ten equal bins, out-of-fold): **{ece_shown:.3}** over the \
         {} shown labels' confidences; {ece_all:.3} over every label head's calibrated \
         probability on every text ({}).\n",
        shown.len(),
        heads.len()
    )?;
    for (title, rows) in [
        ("Shown labels", rows_shown),
        ("Every label head on every text", rows_all),
    ] {
        writeln!(
            out,
            "{title}:\n\n| confidence | labels | mean confidence | right |\n|---|---|---|---|"
        )?;
        for (lo, c, mp, my) in rows {
            writeln!(out, "| {lo:.1}-{:.1} | {c} | {mp:.3} | {my:.3} |", lo + 0.1)?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

/// Runs the status trainer with its arguments (after `train status`).
pub fn main(args: Vec<String>) -> Result<()> {
    let args = parse_args(args)?;
    let rules = StatusRules::from_toml(status::BUILTIN_STATUS_TOML)
        .context("the built-in prompts/status.toml does not parse")?;
    let items = load(&args, &rules)?;
    if let Some(path) = &args.dump {
        let mut out = String::new();
        for it in &items {
            let v = serde_json::json!({"id": it.rec.id, "fold": it.fold, "y": it.y, "x": it.feats.values, "extra": it.rec.extra});
            out.push_str(&v.to_string());
            out.push('\n');
        }
        std::fs::write(path, out)?;
        eprintln!("wrote {path} (features: {})", FEATURE_NAMES.join(","));
    }
    let k = items.iter().map(|i| i.fold).max().map_or(0, |m| m + 1);
    if k < 2 {
        bail!("need at least two folds");
    }
    let (per_fold, fold_models) = cross_validate(&items, k, &args, HEADLINE)?;
    // The extra texts' folds only steer the inner tuning (they are trained on in every outer
    // fold), yet the figure moves with them: re-deal them to show how much.
    let mut items = items;
    let dealt: Vec<usize> = items.iter().map(|i| i.fold).collect();
    let mut redeals = Vec::new();
    let extra_present = items.iter().any(|i| i.rec.extra);
    for r in (1..=args.redeal).filter(|_| extra_present) {
        for it in items.iter_mut().filter(|i| i.rec.extra) {
            it.fold = redeal_fold(&it.rec.id, r, k);
        }
        let (pf, _) = cross_validate(&items, k, &args, HEADLINE)?;
        let mean = |get: &dyn Fn(&Scores) -> f64| {
            pf.iter().map(|(_, s)| get(s)).sum::<f64>() / pf.len() as f64
        };
        redeals.push([
            mean(&|s| s.macro_core),
            mean(&|s| s.exact_core),
            mean(&|s| s.f1[3]),
        ]);
    }
    for (it, f) in items.iter_mut().zip(dealt) {
        it.fold = f;
    }
    let all: Vec<&Item> = items.iter().collect();
    let (mut model, tuned) = fit(&all, args.alpha, args.news_alpha, args.targets())?;
    let alpha_desc = match args.alpha {
        Some(a) => format!("alpha {a}"),
        None => format!(
            "alpha per label head by inner CV from {ALPHA_GRID:?} (shipped: {})",
            HEADS[1..]
                .iter()
                .zip(&tuned[1..])
                .map(|(h, t)| format!("{h} {}", t.alpha))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let tuning_desc = HEADS
        .iter()
        .zip(&tuned)
        .zip(&model.heads)
        .map(|((h, t), head)| {
            format!(
                "{h}: {} calibration, threshold {:.2}{}",
                t.method,
                t.threshold,
                if *h == "denied" {
                    format!(", denial rules' precision {:.2}", head.forced)
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let alpha_arg = args
        .alpha
        .map(|a| format!(" --alpha {a}"))
        .unwrap_or_default();
    let dev: Vec<&Item> = items.iter().filter(|i| !i.rec.extra).collect();
    let fit_scores = score(&dev, &model);
    let extra_count = items.len() - dev.len();
    let (report_table, summary) = table(&per_fold, &fit_scores)?;
    let mut report = report_table;
    if !redeals.is_empty() {
        let span = |j: usize| {
            let v: Vec<f64> = redeals.iter().map(|r| r[j]).collect();
            let (m, _) = mean_sd(&v);
            let lo = v.iter().copied().fold(f64::MAX, f64::min);
            let hi = v.iter().copied().fold(f64::MIN, f64::max);
            format!("{m:.3} ({lo:.3}-{hi:.3})")
        };
        writeln!(
            report,
            "\nThe same cross-validation with the extra texts' folds re-dealt {} times (they \
             steer only the inner tuning; a fixed hash of each id deals them): CV mean \
             (lowest-highest) macro-F1 {}, exact core-label set {}, F1 confirmed {}. Read the \
             figures above with that spread in mind.",
            redeals.len(),
            span(0),
            span(1),
            span(2)
        )?;
    }
    writeln!(
        report,
        "\n## Precision first: the labels shown, pooled over the folds\n\nEach head's \
         threshold is chosen inside the training folds, on calibrated out-of-fold \
         probabilities, for precision {:.2} ({:.2} for confirmed) before recall. Pooled over \
         the five held-out folds of the dev set:\n",
        args.precision, args.precision_confirmed
    )?;
    report.push_str(&calibration_report(&per_fold)?);

    if !args.also_score.is_empty() {
        let (pf2, _) = cross_validate(
            &items,
            k,
            &args,
            Mode {
                second: true,
                share: 1.0,
            },
        )?;
        let scored: Vec<&Item> = items
            .iter()
            .filter(|i| !i.rec.extra || i.scored_extra)
            .collect();
        let fit2 = score(&scored, &model);
        let (t2, _) = table(&pf2, &fit2)?;
        writeln!(
            report,
            "## Second figure: dev texts and the new texts scored together\n\nThe texts of {} \
             are held out of their own fold and scored there too ({} texts in all); every \
             other extra text is trained on in every fold. Not comparable with the headline \
             figures above (other texts), but steadier on the rare labels.\n\n{t2}",
            args.also_score.join(", "),
            scored.len()
        )?;
        let (p2, r2) = pooled(&pf2);
        writeln!(
            report,
            "Pooled precision / recall there: {}.\n",
            LABELS
                .iter()
                .enumerate()
                .map(|(l, n)| format!("{n} {:.3} / {:.3}", p2[l], r2[l]))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if args.curve {
        writeln!(
            report,
            "## Learning curve\n\nThe headline cross-validation (same folds, same scoring) \
             with each fold's training texts (dev and extra) subsampled to a share, by a fixed \
             hash of each id. Figures: CV mean over the folds; precision / recall pooled.\n\n\
             | training share | texts per fold (mean) | macro-F1 | exact core set | F1 early-stage | F1 denied | F1 unconfirmed | F1 confirmed | P / R early-stage | P / R denied | P / R unconfirmed | P / R confirmed |\n\
             |---|---|---|---|---|---|---|---|---|---|---|---|"
        )?;
        for share in [0.25, 0.5, 0.75, 1.0] {
            let (pf, _) = cross_validate(
                &items,
                k,
                &args,
                Mode {
                    second: false,
                    share,
                },
            )?;
            let m = |get: &dyn Fn(&Scores) -> f64| {
                pf.iter().map(|(_, s)| get(s)).sum::<f64>() / pf.len() as f64
            };
            let (p, r) = pooled(&pf);
            let train_n = (0..k)
                .map(|f| {
                    items
                        .iter()
                        .filter(|i| {
                            (if i.rec.extra {
                                !i.rec.story_folds.contains(&f)
                            } else {
                                i.fold != f
                            }) && (share >= 1.0 || unit_hash(&i.rec.id) < share)
                        })
                        .count()
                })
                .sum::<usize>() as f64
                / k as f64;
            writeln!(
                report,
                "| {:.0} % | {train_n:.0} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                share * 100.0,
                m(&|s| s.macro_core),
                m(&|s| s.exact_core),
                m(&|s| s.f1[0]),
                m(&|s| s.f1[1]),
                m(&|s| s.f1[2]),
                m(&|s| s.f1[3]),
                (0..4)
                    .map(|l| format!("{:.2} / {:.2}", p[l], r[l]))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )?;
        }
        writeln!(report)?;
    }
    let texts = if extra_count > 0 {
        format!(
            "{} texts + {extra_count} extra texts (trained on, not scored in the headline figures)",
            dev.len()
        )
    } else {
        format!("{} texts", dev.len())
    };
    let extra_arg: String = args
        .extra
        .iter()
        .map(|e| format!(" --extra {e}"))
        .chain(args.also_score.iter().map(|e| format!(" --also-score {e}")))
        .chain(
            (args.pool_heads.len() < HEADS.len())
                .then(|| format!(" --pool-heads {}", args.pool_heads.join(","))),
        )
        .chain(
            (args.calibrate_on != "all").then(|| format!(" --calibrate-on {}", args.calibrate_on)),
        )
        .chain(
            (args.kind_threshold != "targets")
                .then(|| format!(" --kind-threshold {}", args.kind_threshold)),
        )
        .collect();
    println!(
        "{texts}, {k} folds, {alpha_desc}, news alpha {}\n{tuning_desc}\n\n{report}",
        args.news_alpha
    );

    model.header = format!(
        "# The status model: one logistic head per decision over the features of\n\
         # src/status/features.rs. p = 1 / (1 + exp(-(bias + sum of weight * feature)));\n\
         # `calibration` maps p to a probability that means what it says (the brief's\n\
         # `confidence`), and the head says yes when that is >= threshold.\n\
         # Written by the trainer; do not edit by hand. Re-train with:\n\
         #   cargo run --release --features train --bin train -- status \\\n\
         #     ../shared/bench/status/articles.jsonl{extra_arg}{alpha_arg} --news-alpha {} \\\n\
         #     --write prompts/status_model.toml   (or: tools/train.sh)\n\
         # Trained on {texts}, {alpha_desc}.\n\
         # {tuning_desc}.\n\
         # {k}-fold cross-validation on the fixed folds:\n{}\n",
        args.news_alpha,
        summary
            .iter()
            .map(|s| format!("#   {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    if let Some(path) = &args.write {
        std::fs::write(path, model.to_toml()).with_context(|| path.clone())?;
        eprintln!("wrote {path}");
    }
    if let Some(path) = &args.report {
        let top = top_weights(&model);
        let text = format!(
            "# Status model: cross-validation report\n\n\
             Written by `cargo run --release --features train --bin train -- status \
             ../shared/bench/status/articles.jsonl{extra_arg}{alpha_arg} --news-alpha {}{} --report {path}` on {texts}, {alpha_desc}, \
             with the {k} fixed folds of `folds.json`. Each fold's column is a model fitted on \
             the other folds, judged on that fold's texts of the dev set by the code the binary \
             runs; \"fit\" is the model fitted on all texts judged on the dev set's texts. \
             Shipped heads: {tuning_desc}.\n\n{report}\n\
             ## Heaviest weights of the shipped model (raw feature scale)\n\n{top}",
            args.news_alpha,
            if args.curve { " --curve" } else { "" },
        );
        std::fs::write(path, text).with_context(|| path.clone())?;
        eprintln!("wrote {path}");
    }
    if let Some(path) = &args.cv_out {
        let mut out = String::new();
        for it in items.iter().filter(|i| !i.rec.extra) {
            let rules = Rules {
                status: rules.clone().with_model(fold_models[it.fold].clone()),
                actors: newsbrief::actors::ActorRules::builtin(),
            };
            let mut brief = newsbrief::brief_document(&it.doc, &rules, &BriefOptions::default());
            brief.url.clone_from(&it.rec.url);
            let mut v = serde_json::to_value(&brief)?;
            v["id"] = serde_json::Value::String(it.rec.id.clone());
            out.push_str(&serde_json::to_string(&v)?);
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| path.clone())?;
        eprintln!("wrote {path}");
    }
    Ok(())
}

/// The largest standardised weights of each head, for reading what the model learned.
fn top_weights(model: &StatusModel) -> String {
    let mut out = String::new();
    for (name, h) in HEADS.iter().zip(&model.heads) {
        let mut w: Vec<(usize, f64)> = h.weights.iter().copied().enumerate().collect();
        w.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let list: Vec<String> = w
            .iter()
            .take(8)
            .map(|(i, x)| format!("`{}` {x:+.2}", FEATURE_NAMES[*i]))
            .collect();
        let _ = writeln!(out, "- **{name}**: {}", list.join(", "));
    }
    out
}
