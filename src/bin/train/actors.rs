//! Trains the key-actor cut-off (`prompts/actor_model.toml`) from a labelled set.
//!
//! ```text
//! cargo run --release --features train --bin train -- actors \
//!     ../shared/bench/status/articles.jsonl [--folds FOLDS.json] [--out prompts/actor_model.toml] \
//!     [--extra data/status-extra.jsonl [--extra-texts SOURCE.jsonl]] [--misses] [--dump FILE]
//! ```
//!
//! Reads records `{id, title, text, actors}` (the status bench format), finds each text's
//! candidate actors with the rules (`newsbrief::actors::actor_candidates_with`), labels a
//! candidate positive when it matches a gold actor (the bench scorer's matching: case,
//! "the", possessives, containment, acronyms), and fits a logistic regression
//! (`linfa-logistic`) on the features. For each fold of `folds.json` (default: beside the
//! input) it trains on the other folds, picks the threshold and the floor there, and scores
//! the held-out fold: recall and precision of the top-8 names, as the bench scorer counts
//! them. It prints the per-fold figures, their mean and spread, and the fit on the whole
//! set, then writes the model trained on the whole set to `--out`. `--extra` adds texts
//! labelled later (see `data.rs` beside this file): trained on, never scored.
//!
//! First it prints the candidate recall: the share of gold actors that match any candidate
//! at all, the ceiling of what the cut-off can reach (`--misses` lists the gold actors no
//! candidate matches). `--dump FILE` writes each text's candidates (name, features, whether
//! it matches a gold actor), its gold actors and its fold as JSON Lines, for trying other
//! models or features outside the trainer.

use std::path::PathBuf;

use crate::data::{self as train_data, Sources};
use anyhow::{bail, Context, Result};
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use newsbrief::actors::{actor_candidates_with, ActorModel, ActorRules, Features, N_FEATURES};
use newsbrief::text::Document;

/// L2 penalty of the logistic regression (on standardised features).
const ALPHA: f64 = 1.0;
/// Thresholds tried, in hundredths.
const THRESHOLDS: std::ops::RangeInclusive<u32> = 10..=80;
/// Floors tried (fewest actors shown).
const FLOORS: [usize; 3] = [1, 2, 3];
/// Most actors shown, as in the brief.
const MAX_ACTORS: usize = 8;

/// One text: its candidates (name, features, matches a gold actor) and its gold actors.
struct Item {
    fold: usize,
    /// Labelled later: trained on, never scored.
    extra: bool,
    gold: Vec<String>,
    cands: Vec<(String, Features, bool)>,
}

/// Runs the actor cut-off trainer with its arguments (after `train actors`).
pub fn main(args: Vec<String>) -> Result<()> {
    let Some(input) = args.first().map(PathBuf::from) else {
        bail!("usage: train actors ARTICLES.jsonl [--folds FOLDS.json] [--out MODEL.toml] [--extra EXTRA.jsonl [--extra-texts SOURCE.jsonl]] [--misses] [--dump FILE]");
    };
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let out = flag("--out").unwrap_or_else(|| PathBuf::from("prompts/actor_model.toml"));
    let sources = Sources {
        data: input,
        folds: flag("--folds"),
        extra: args
            .iter()
            .zip(args.iter().skip(1))
            .filter(|(a, _)| *a == "--extra")
            .map(|(_, v)| PathBuf::from(v))
            .collect(),
        extra_texts: flag("--extra-texts"),
    };
    let items = load(&sources)?;
    let k = items.iter().map(|i| i.fold).max().map_or(0, |m| m + 1);
    candidate_recall(&items, args.iter().any(|a| a == "--misses"));
    if let Some(dump) = flag("--dump") {
        let lines: Vec<String> = items
            .iter()
            .map(|i| {
                serde_json::json!({"fold": i.fold, "extra": i.extra, "gold": i.gold,
                    "cands": i.cands.iter().map(|c| serde_json::json!([c.0, c.1.to_vec(), c.2])).collect::<Vec<_>>()})
                .to_string()
            })
            .collect();
        std::fs::write(dump, lines.join("\n"))?;
    }

    println!("fold  texts  R@8    P@8    threshold floor");
    let mut rs = Vec::new();
    let mut ps = Vec::new();
    for f in 0..k {
        let train: Vec<&Item> = items.iter().filter(|i| i.fold != f).collect();
        let test: Vec<&Item> = items.iter().filter(|i| i.fold == f && !i.extra).collect();
        let model = fit(&train)?;
        let (r, p) = score(&test, &model);
        println!(
            "{f:>4}  {:>5}  {r:.3}  {p:.3}  {:.2}      {}",
            test.len(),
            model.threshold,
            model.min_actors
        );
        rs.push(r);
        ps.push(p);
    }
    let all: Vec<&Item> = items.iter().collect();
    let model = fit(&all)?;
    let dev: Vec<&Item> = items.iter().filter(|i| !i.extra).collect();
    let (fr, fp) = score(&dev, &model);
    let extra = all.len() - dev.len();
    let (rm, rsd) = mean_sd(&rs);
    let (pm, psd) = mean_sd(&ps);
    println!("CV   R@8 {rm:.3} ± {rsd:.3}   P@8 {pm:.3} ± {psd:.3}   ({k} folds, mean ± sd)");
    println!(
        "fit  R@8 {fr:.3}   P@8 {fp:.3}   (trained on all {} texts, scored on the {} of the dev set)",
        all.len(),
        dev.len()
    );
    let extra_note = if extra > 0 {
        format!(" (+ {extra} extra texts trained on, never scored)")
    } else {
        String::new()
    };
    let extra_arg: String = sources
        .extra
        .iter()
        .map(|e| format!(" --extra {}", e.display()))
        .collect();
    let header = format!(
        "# Key-actor cut-off (src/actors/cut.rs): p = 1 / (1 + e^-(bias + sum of weight x feature)).\n\
         # Candidates with p >= threshold are shown, best first, at least min_actors, at most 8.\n\
         # Written by the trainer, do not edit by hand; re-train with\n\
         #   cargo run --release --features train --bin train -- actors ../shared/bench/status/articles.jsonl{extra_arg}\n\
         #   (or: tools/train.sh)\n\
         # {k}-fold CV on {} texts{extra_note}: R@8 {rm:.3} ± {rsd:.3}, P@8 {pm:.3} ± {psd:.3}; fit R@8 {fr:.3}, P@8 {fp:.3}.\n\n",
        dev.len()
    );
    std::fs::write(&out, model.to_toml(&header))
        .with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(())
}

/// Reads the labelled texts and finds their candidates with the built-in word lists.
fn load(sources: &Sources) -> Result<Vec<Item>> {
    let rules = ActorRules::builtin();
    Ok(train_data::load(sources)?
        .into_iter()
        .map(|r| {
            // As the batch command reads a record (titles the bench derived are no titles).
            let language = newsbrief::extract::detect_language(&r.text);
            let doc = Document::new(r.title, language, newsbrief::normalize_text(&r.text));
            let cands = actor_candidates_with(&doc, &rules)
                .into_iter()
                .map(|c| {
                    let hit = r.actors.iter().any(|g| actor_match(g, &c.actor.name));
                    (c.actor.name, c.features, hit)
                })
                .collect();
            Item {
                fold: r.fold,
                extra: r.extra,
                gold: r.actors,
                cands,
            }
        })
        .collect())
}

/// Fits the weights on `items`, then the threshold and floor that give the best F1 of
/// recall and precision at 8 on the same items.
fn fit(items: &[&Item]) -> Result<ActorModel> {
    let rows: Vec<&(String, Features, bool)> = items.iter().flat_map(|i| &i.cands).collect();
    let n = rows.len();
    let mut x = Array2::<f64>::zeros((n, N_FEATURES));
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.1.iter().enumerate() {
            x[[r, c]] = *v;
        }
    }
    // Standardised for the fit, folded back into plain weights below.
    let mean = x.mean_axis(ndarray::Axis(0)).context("no candidates")?;
    let sd = x
        .std_axis(ndarray::Axis(0), 0.0)
        .mapv(|s| if s > 1e-9 { s } else { 1.0 });
    let z = (&x - &mean) / &sd;
    let y: Array1<bool> = rows.iter().map(|r| r.2).collect();
    let fitted = LogisticRegression::default()
        .alpha(ALPHA)
        .max_iterations(500)
        .fit(&Dataset::new(z, y))?;
    let mut model = ActorModel::default();
    // The fitted weights are for the class linfa calls positive: turn them to "is a key
    // actor" when that is the other one.
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    let params = fitted.params();
    let mut bias = sign * fitted.intercept();
    for c in 0..N_FEATURES {
        model.weights[c] = sign * params[c] / sd[c];
        bias -= sign * params[c] * mean[c] / sd[c];
    }
    model.bias = bias;
    let mut best = (f64::MIN, 0.0, 0);
    for t in THRESHOLDS {
        for floor in FLOORS {
            model.threshold = f64::from(t) / 100.0;
            model.min_actors = floor;
            let (r, p) = score(items, &model);
            let f1 = if r + p > 0.0 {
                2.0 * r * p / (r + p)
            } else {
                0.0
            };
            if f1 > best.0 {
                best = (f1, model.threshold, floor);
            }
        }
    }
    model.threshold = best.1;
    model.min_actors = best.2;
    Ok(model)
}

/// Recall and precision of the top-8 names the model keeps, counted as the bench scorer
/// counts them.
fn score(items: &[&Item], model: &ActorModel) -> (f64, f64) {
    let (mut hit, mut gold, mut phit, mut pred) = (0, 0, 0, 0);
    for item in items {
        let mut order: Vec<(f64, usize)> = item
            .cands
            .iter()
            .enumerate()
            .map(|(i, c)| (model.probability(&c.1), i))
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let probs: Vec<f64> = order.iter().map(|o| o.0).collect();
        let keep = model.keep(&probs, MAX_ACTORS);
        let names: Vec<&str> = order[..keep]
            .iter()
            .map(|(_, i)| item.cands[*i].0.as_str())
            .collect();
        for g in &item.gold {
            gold += 1;
            hit += usize::from(names.iter().any(|n| actor_match(g, n)));
        }
        for n in &names {
            pred += 1;
            phit += usize::from(item.cands.iter().any(|c| c.0 == *n && c.2));
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    (ratio(hit, gold), ratio(phit, pred))
}

/// Prints how many gold actors match any candidate at all (the ceiling of the cut-off's
/// recall) and, with `misses`, each gold actor no candidate matches.
fn candidate_recall(items: &[Item], misses: bool) {
    let (mut hit, mut gold) = (0, 0);
    for item in items.iter().filter(|i| !i.extra) {
        for (gi, g) in item.gold.iter().enumerate() {
            gold += 1;
            if item.cands.iter().any(|c| actor_match(g, &c.0)) {
                hit += 1;
            } else if misses {
                let names: Vec<&str> = item.cands.iter().map(|c| c.0.as_str()).collect();
                println!("miss #{gi} {g:?} among {names:?}");
            }
        }
    }
    let ratio = if gold == 0 {
        0.0
    } else {
        f64::from(hit) / f64::from(gold)
    };
    println!("candidate recall {ratio:.3} ({hit} of {gold} gold actors match a candidate)");
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    (m, var.sqrt())
}

// ---- The bench scorer's name matching (score_status.py), ported. ----

fn norm(s: &str) -> String {
    let s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let s = s
        .strip_prefix("the ")
        .map_or(s.as_str(), str::trim_start)
        .to_string();
    let s = s.replace('’', "'").replace("'s", "");
    let s: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || matches!(c, '&' | '.' | ' ' | '-'))
        .collect();
    s.trim_matches(|c| c == ' ' || c == '.').to_string()
}

fn acronyms(s: &str) -> Vec<String> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let initials = |skip: &dyn Fn(&str) -> bool| -> String {
        words
            .iter()
            .filter(|w| !skip(&w.to_lowercase()))
            .filter_map(|w| w.chars().next())
            .collect::<String>()
            .to_lowercase()
    };
    let short = initials(&|w| matches!(w, "of" | "the" | "and" | "for" | "&"));
    let full = initials(&|w| w == "the");
    [short, full]
        .into_iter()
        .filter(|a| a.chars().count() >= 2)
        .collect()
}

const GENERIC: &[&str] = &[
    "department",
    "ministry",
    "government",
    "company",
    "agency",
    "office",
    "house",
    "party",
    "council",
    "court",
    "police",
    "committee",
    "commission",
    "administration",
    "union",
    "group",
    "university",
    "state",
    "states",
    "bank",
    "army",
    "club",
    "team",
    "board",
    "authorities",
    "officials",
];

/// Whether `short` occurs in `long` between non-word characters or the ends.
fn contains_word(long: &str, short: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    long.match_indices(short).any(|(i, _)| {
        !is_word(long[..i].chars().next_back()) && !is_word(long[i + short.len()..].chars().next())
    })
}

fn actor_match(gold: &str, pred: &str) -> bool {
    let (g, p) = (norm(gold), norm(pred));
    if g.is_empty() || p.is_empty() {
        return false;
    }
    if g == p {
        return true;
    }
    let (short, long) = if g.chars().count() <= p.chars().count() {
        (&g, &p)
    } else {
        (&p, &g)
    };
    if short.chars().count() >= 3
        && contains_word(long, short)
        && (short.split(' ').count() >= 2 || !GENERIC.contains(&short.replace('.', "").as_str()))
    {
        return true;
    }
    let (gp, pp) = (g.replace('.', ""), p.replace('.', ""));
    if gp == pp || acronyms(gold).contains(&pp) || acronyms(pred).contains(&gp) {
        return true;
    }
    let gt: std::collections::HashSet<&str> = g.split_whitespace().collect();
    let pt: std::collections::HashSet<&str> = p.split_whitespace().collect();
    let inter = gt.intersection(&pt).count();
    let union = gt.union(&pt).count().max(1);
    inter as f64 / union as f64 >= 0.5
}
