//! Learns the status model (`prompts/status_model.toml`) from labelled articles, and
//! measures it by k-fold cross-validation on a fixed split.
//!
//! ```text
//! cargo run --release --features train --example train_status -- \
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

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use linfa::prelude::*;
use linfa::Dataset;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use newsbrief::status::model::{Head, StatusModel, HEADS};
use newsbrief::status::{self, Features, StatusRules, FEATURE_COUNT, FEATURE_NAMES};
use newsbrief::text::Document;
use newsbrief::train_data::{self, Labelled, Sources};
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
    extra: Option<String>,
    extra_texts: Option<String>,
    /// How many re-deals of the extra texts' folds to score (spread of the CV figure).
    redeal: usize,
}

const USAGE: &str = "usage: train_status DATA.jsonl [--folds F.json] [--alpha A] [--news-alpha A] [--write MODEL.toml] [--report REPORT.md] [--cv-out CV.jsonl] [--dump FEATURES.jsonl] [--extra EXTRA.jsonl [--extra-texts SOURCE.jsonl]] [--redeal N (default 5)]";

fn parse_args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        data: String::new(),
        folds: None,
        alpha: None,
        news_alpha: DEFAULT_NEWS_ALPHA,
        write: None,
        report: None,
        cv_out: None,
        dump: None,
        extra: None,
        extra_texts: None,
        redeal: 5,
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
            "--extra" => a.extra = Some(val()?),
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
        extra: args.extra.clone().map(Into::into),
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
            Item {
                fold: rec.fold,
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

/// Out-of-fold (probability, truth) pairs of one head.
type Oof = Vec<(f64, bool)>;
/// Each fold's dev-text count and scores.
type FoldScores = Vec<(usize, Scores)>;

/// Candidate decision thresholds for the label heads.
const THRESHOLDS: [f64; 15] = [
    0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
];

/// L2 strengths a label head may get when `--alpha` does not fix one: the inner
/// cross-validation picks among them (few positives per label: strong shrinkage often wins).
const ALPHA_GRID: [f64; 7] = [1.0, 3.0, 10.0, 30.0, 60.0, 100.0, 300.0];

/// The L2 strength and threshold of a label head: the pair with the best F1 on out-of-fold
/// probabilities of an inner cross-validation over `train`'s own folds (the held-out fold is
/// never seen). Ties go to the stronger L2, then to the threshold nearer 0.5.
fn tune(train: &[&Item], head: usize, alphas: &[f64]) -> Result<(f64, f64)> {
    let folds: std::collections::BTreeSet<usize> = train.iter().map(|i| i.fold).collect();
    // (log-loss, alpha, out-of-fold probabilities)
    let mut best: Option<(f64, f64, Oof)> = None;
    for &alpha in alphas {
        let mut oof: Vec<(f64, bool)> = Vec::with_capacity(train.len());
        for &f in &folds {
            let inner: Vec<&Item> = train.iter().copied().filter(|i| i.fold != f).collect();
            let h = fit_head(&inner, head, alpha, 0.5)?;
            oof.extend(
                train
                    .iter()
                    .filter(|i| i.fold == f)
                    .map(|i| (h.probability(&i.feats.values), i.y[head])),
            );
        }
        let loss = oof
            .iter()
            .map(|&(p, y)| {
                let p = p.clamp(1e-6, 1.0 - 1e-6);
                -(if y { p.ln() } else { (1.0 - p).ln() })
            })
            .sum::<f64>()
            / oof.len() as f64;
        if best.as_ref().is_none_or(|b| loss < b.0 - 1e-12) {
            best = Some((loss, alpha, oof));
        }
    }
    let (_, alpha, oof) = best.context("no alpha to try")?;
    let f1 = |t: f64| {
        let tp = oof.iter().filter(|(p, y)| *p >= t && *y).count() as f64;
        let fp = oof.iter().filter(|(p, y)| *p >= t && !*y).count() as f64;
        let fneg = oof.iter().filter(|(p, y)| *p < t && *y).count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fneg)
        }
    };
    let raw: Vec<f64> = THRESHOLDS.iter().map(|&t| f1(t)).collect();
    // Smoothed over neighbouring thresholds: a lone spike of a few texts is not a choice.
    let smooth = |i: usize| {
        let lo = i.saturating_sub(1);
        let hi = (i + 1).min(raw.len() - 1);
        raw[lo..=hi].iter().sum::<f64>() / (hi - lo + 1) as f64
    };
    let mut bt = (f64::MIN, 0.5);
    for (i, &t) in THRESHOLDS.iter().enumerate() {
        let v = smooth(i);
        if v > bt.0 + 1e-9 || ((v - bt.0).abs() <= 1e-9 && (t - 0.5).abs() < (bt.1 - 0.5f64).abs())
        {
            bt = (v, t);
        }
    }
    Ok((alpha, bt.1))
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

/// Fits every head on `train`; returns the model and each label head's L2 strength.
fn fit(train: &[&Item], alpha: Option<f64>, news_alpha: f64) -> Result<(StatusModel, Vec<f64>)> {
    let alphas: Vec<f64> = alpha.map_or_else(|| ALPHA_GRID.to_vec(), |a| vec![a]);
    let mut chosen = Vec::new();
    let heads = (0..HEADS.len())
        .map(|h| {
            if h == 0 {
                return fit_head(train, h, news_alpha, 0.5);
            }
            let (a, t) = tune(train, h, &alphas)?;
            chosen.push(a);
            fit_head(train, h, a, t)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((
        StatusModel {
            heads,
            header: String::new(),
        },
        chosen,
    ))
}

/// The figures `score_status.py` reports, over `items` judged by `model`.
#[derive(Default, Clone)]
struct Scores {
    f1: [f64; 4],
    macro_core: f64,
    exact_core: f64,
    kind_acc: f64,
}

fn score(items: &[&Item], model: &StatusModel) -> Scores {
    let (mut tp, mut fp, mut fneg) = ([0u32; 4], [0u32; 4], [0u32; 4]);
    let (mut exact, mut kind_ok) = (0u32, 0u32);
    for it in items {
        let j = status::decide(&it.doc, model, &it.feats);
        let pred: Vec<&str> = j.status.iter().map(|s| s.label.as_str()).collect();
        let mut same_core = true;
        for (l, name) in LABELS.iter().enumerate() {
            let p = pred.contains(name);
            let g = it.y[l + 1];
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
        kind_ok += u32::from((j.kind == Some(ArticleKind::News)) == it.y[0]);
    }
    let mut s = Scores::default();
    for l in 0..4 {
        let d = 2 * tp[l] + fp[l] + fneg[l];
        s.f1[l] = if d == 0 {
            1.0
        } else {
            f64::from(2 * tp[l]) / f64::from(d)
        };
    }
    s.macro_core = s.f1[..3].iter().sum::<f64>() / 3.0;
    s.exact_core = f64::from(exact) / items.len() as f64;
    s.kind_acc = f64::from(kind_ok) / items.len() as f64;
    s
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64;
    (m, var.sqrt())
}

/// Scores of each fold's model on that fold's dev texts, and the models. Extra texts are
/// trained on in every fold (they are never scored, so no fold's texts leak).
fn cross_validate(items: &[Item], k: usize, args: &Args) -> Result<(FoldScores, Vec<StatusModel>)> {
    let mut per_fold = Vec::new();
    let mut fold_models = Vec::new();
    for f in 0..k {
        let train: Vec<&Item> = items
            .iter()
            .filter(|i| i.fold != f || i.rec.extra)
            .collect();
        let test: Vec<&Item> = items
            .iter()
            .filter(|i| i.fold == f && !i.rec.extra)
            .collect();
        let (model, _) = fit(&train, args.alpha, args.news_alpha)?;
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

fn main() -> Result<()> {
    let args = parse_args()?;
    let rules = StatusRules::from_toml(status::BUILTIN_STATUS_TOML)
        .context("the built-in prompts/status.toml does not parse")?;
    let items = load(&args, &rules)?;
    if let Some(path) = &args.dump {
        let mut out = String::new();
        for it in &items {
            let v = serde_json::json!({"id": it.rec.id, "fold": it.fold, "y": it.y, "x": it.feats.values});
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
    let (per_fold, fold_models) = cross_validate(&items, k, &args)?;
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
        let (pf, _) = cross_validate(&items, k, &args)?;
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
    let (mut model, chosen) = fit(&all, args.alpha, args.news_alpha)?;
    let alpha_desc = match args.alpha {
        Some(a) => format!("alpha {a}"),
        None => format!(
            "alpha per label head by inner CV from {ALPHA_GRID:?} (shipped: {})",
            HEADS[1..]
                .iter()
                .zip(&chosen)
                .map(|(h, a)| format!("{h} {a}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let alpha_arg = args
        .alpha
        .map(|a| format!(" --alpha {a}"))
        .unwrap_or_default();
    let dev: Vec<&Item> = items.iter().filter(|i| !i.rec.extra).collect();
    let fit_scores = score(&dev, &model);
    let extra_count = items.len() - dev.len();

    let metric = |name: &str, get: &dyn Fn(&Scores) -> f64| -> (String, f64, f64, f64) {
        let v: Vec<f64> = per_fold.iter().map(|(_, s)| get(s)).collect();
        let (m, sd) = mean_sd(&v);
        let cells: Vec<String> = v.iter().map(|x| format!("{x:.3}")).collect();
        (
            format!(
                "| {name} | {} | **{m:.3}** ± {sd:.3} | {:.3} | {:+.3} |",
                cells.join(" | "),
                get(&fit_scores),
                get(&fit_scores) - m
            ),
            m,
            sd,
            get(&fit_scores),
        )
    };
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
    writeln!(report, "|---|{}---|---|---|", "---|".repeat(k))?;
    let rows: [Row; 7] = [
        ("macro-F1 (early-stage, denied, unconfirmed)", |s| {
            s.macro_core
        }),
        ("exact core-label set", |s| s.exact_core),
        ("F1 early-stage", |s| s.f1[0]),
        ("F1 denied", |s| s.f1[1]),
        ("F1 unconfirmed", |s| s.f1[2]),
        ("F1 confirmed", |s| s.f1[3]),
        ("kind accuracy (news / non-news)", |s| s.kind_acc),
    ];
    let mut summary = Vec::new();
    for (name, get) in &rows {
        let (line, m, sd, fitv) = metric(name, get);
        writeln!(report, "{line}")?;
        summary.push(format!("{name}: CV {m:.3} ± {sd:.3}, fit {fitv:.3}"));
    }
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
    let texts = if extra_count > 0 {
        format!(
            "{} texts + {extra_count} extra texts (trained on, never scored)",
            dev.len()
        )
    } else {
        format!("{} texts", dev.len())
    };
    let extra_arg = args
        .extra
        .as_deref()
        .map(|e| format!(" --extra {e}"))
        .unwrap_or_default();
    println!(
        "{texts}, {k} folds, {alpha_desc}, news alpha {}\n\n{report}",
        args.news_alpha
    );

    model.header = format!(
        "# The status model: one logistic head per decision over the features of\n\
         # src/status/features.rs. p = 1 / (1 + exp(-(bias + sum of weight * feature)));\n\
         # the head says yes when p >= threshold.\n\
         # Written by the trainer; do not edit by hand. Re-train with:\n\
         #   cargo run --release --features train --example train_status -- \\\n\
         #     ../shared/bench/status/articles.jsonl{extra_arg}{alpha_arg} --news-alpha {} \\\n\
         #     --write prompts/status_model.toml   (or: tools/train.sh)\n\
         # Trained on {texts}, {alpha_desc}.\n\
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
             Written by `cargo run --release --features train --example train_status -- \
             ../shared/bench/status/articles.jsonl{extra_arg}{alpha_arg} --news-alpha {} --report {path}` on {texts}, {alpha_desc}, \
             with the {k} fixed folds of `folds.json`. Each fold's column is a model fitted on \
             the other folds, judged on that fold's texts of the dev set by the code the binary \
             runs; \"fit\" is the model fitted on all texts judged on the dev set's texts.\n\n{report}\n\
             ## Heaviest weights of the shipped model (raw feature scale)\n\n{top}",
            args.news_alpha,
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
