//! The labelled texts the trainers learn from (cargo feature `train` only).
//!
//! Two sources, one shape ([`Labelled`]):
//! - the bench's labelled set (`bench/status/articles.jsonl`: `{id, title, text, kind,
//!   status, actors}`), with its fixed folds (`folds.json` beside it, `{id: fold}`);
//! - texts labelled later under the same guideline (`data/status-extra.jsonl`). Those
//!   records carry labels, their own fold and a reference to their source text but not the
//!   text itself (third-party copyright): the text is the first `text_len` bytes of record
//!   `source_id` in a source file (default: the bench's
//!   `summarization/cnndm_val1000_dev.jsonl`, beside the labelled set's folder). Each one is
//!   checked against its own evidence sentences, so a changed source fails loudly instead of
//!   training on the wrong text.
//!
//! A record may name another source file with `text_source` (a path relative to the bench
//! folder, e.g. `status/pool/fnc1-train-bodies.jsonl` for texts drawn from the bench's
//! unlabelled rumour pool), and `story_folds`: the dev folds that hold a text about the same
//! story, so cross-validation can keep the story on one side.
//!
//! Extra texts are trained on but not scored in the headline figures: the trainers report
//! those on the bench set's texts, so runs with and without them compare.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// One labelled text.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The record's id.
    pub id: String,
    /// The page address, where known.
    pub url: Option<String>,
    /// The headline; `None` when the set derived it from the text ("(title derived ...").
    pub title: Option<String>,
    /// The text that was labelled.
    pub text: String,
    /// `news` or `non-news`.
    pub kind: String,
    /// The status labels.
    pub status: Vec<String>,
    /// The key actors, most central first.
    pub actors: Vec<String>,
    /// The cross-validation fold.
    pub fold: usize,
    /// Labelled later: trained on, not scored in the headline figures.
    pub extra: bool,
    /// Dev folds that hold a text about the same story: when one of them is held out, this
    /// text is not trained on.
    pub story_folds: Vec<usize>,
    /// The file it was read from (for extra texts), so a trainer can treat sets apart.
    pub set: String,
}

impl Labelled {
    /// Whether the record carries status label `label`.
    #[must_use]
    pub fn has(&self, label: &str) -> bool {
        self.status.iter().any(|s| s == label)
    }
}

/// Where the labelled texts come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The bench's labelled set.
    pub data: PathBuf,
    /// Its folds (default: `folds.json` beside `data`).
    pub folds: Option<PathBuf>,
    /// Files of texts labelled later (`data/status-extra*.jsonl`).
    pub extra: Vec<PathBuf>,
    /// Where their texts come from when a record names no `text_source` (default: see the
    /// module docs).
    pub extra_texts: Option<PathBuf>,
}

#[derive(Deserialize)]
struct BenchRecord {
    id: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    text: String,
    kind: String,
    status: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
}

#[derive(Deserialize)]
struct ExtraRecord {
    id: String,
    fold: usize,
    kind: String,
    status: Vec<String>,
    #[serde(default)]
    status_evidence: Vec<Evidence>,
    #[serde(default)]
    actors: Vec<String>,
    source_id: String,
    text_len: usize,
    #[serde(default)]
    text_source: Option<String>,
    #[serde(default)]
    story_folds: Vec<usize>,
}

#[derive(Deserialize)]
struct Evidence {
    label: String,
    sentences: Vec<String>,
}

#[derive(Deserialize)]
struct SourceText {
    id: String,
    text: String,
}

/// Reads every labelled text of `sources`, bench texts first.
///
/// # Errors
/// A file that cannot be read or parsed, a bench record with no fold, an extra record whose
/// id repeats a bench id, whose source is missing, or whose evidence is not in its rebuilt
/// text.
pub fn load(sources: &Sources) -> Result<Vec<Labelled>> {
    let folds_path = sources
        .folds
        .clone()
        .unwrap_or_else(|| sources.data.with_file_name("folds.json"));
    let folds: BTreeMap<String, usize> = serde_json::from_str(
        &std::fs::read_to_string(&folds_path).with_context(|| folds_path.display().to_string())?,
    )
    .with_context(|| format!("{}: not a JSON object of id -> fold", folds_path.display()))?;
    let data_name = sources.data.display().to_string();
    let mut out = Vec::new();
    for (n, line) in lines(&sources.data)? {
        let r: BenchRecord =
            serde_json::from_str(&line).with_context(|| format!("{data_name}:{n}"))?;
        let fold = *folds
            .get(&r.id)
            .with_context(|| format!("{} has no fold in {}", r.id, folds_path.display()))?;
        out.push(Labelled {
            id: r.id,
            url: r.url,
            title: r.title.filter(|t| !t.contains("(title derived")),
            text: r.text,
            kind: r.kind,
            status: r.status,
            actors: r.actors,
            fold,
            extra: false,
            story_folds: Vec::new(),
            set: data_name.clone(),
        });
    }
    let mut cache = HashMap::new();
    for extra in &sources.extra {
        load_extra(sources, extra, &mut out, &mut cache)?;
    }
    Ok(out)
}

fn lines(path: &Path) -> Result<Vec<(usize, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (n + 1, l.to_string()))
        .collect())
}

/// Source texts by id, per source file (read once).
type TextCache = HashMap<PathBuf, HashMap<String, String>>;

fn source_texts<'a>(
    cache: &'a mut TextCache,
    path: &Path,
    of: &Path,
) -> Result<&'a HashMap<String, String>> {
    if !cache.contains_key(path) {
        let mut texts = HashMap::new();
        for (n, line) in lines(path)
            .with_context(|| format!("the texts of {} (see --extra-texts)", of.display()))?
        {
            let s: SourceText =
                serde_json::from_str(&line).with_context(|| format!("{}:{n}", path.display()))?;
            texts.insert(s.id, s.text);
        }
        cache.insert(path.to_path_buf(), texts);
    }
    Ok(&cache[path])
}

fn load_extra(
    sources: &Sources,
    path: &Path,
    out: &mut Vec<Labelled>,
    cache: &mut TextCache,
) -> Result<()> {
    let bench = sources.data.parent().unwrap_or(Path::new(".")).join("..");
    let default_source = sources
        .extra_texts
        .clone()
        .unwrap_or_else(|| bench.join("summarization/cnndm_val1000_dev.jsonl"));
    let mut seen: HashSet<String> = out.iter().map(|l| l.id.clone()).collect();
    let name = path.display().to_string();
    for (n, line) in lines(path)? {
        let e: ExtraRecord = serde_json::from_str(&line).with_context(|| format!("{name}:{n}"))?;
        if !seen.insert(e.id.clone()) {
            bail!("{name}:{n}: id {} is read twice", e.id);
        }
        let source_path = e
            .text_source
            .as_ref()
            .map_or_else(|| default_source.clone(), |t| bench.join(t));
        let texts = source_texts(cache, &source_path, path)?;
        let full = texts.get(&e.source_id).with_context(|| {
            format!(
                "{name}:{n}: source {} is not in {}",
                e.source_id,
                source_path.display()
            )
        })?;
        let text = full
            .get(..e.text_len)
            .with_context(|| {
                format!(
                    "{name}:{n}: text_len {} is past the end or inside a character of {}",
                    e.text_len, e.source_id
                )
            })?
            .to_string();
        for ev in &e.status_evidence {
            for s in &ev.sentences {
                if !text.contains(s.as_str()) {
                    bail!(
                        "{name}:{n}: {} evidence is not in the rebuilt text: {s}",
                        ev.label
                    );
                }
            }
        }
        out.push(Labelled {
            id: e.id,
            url: None,
            title: None,
            text,
            kind: e.kind,
            status: e.status,
            actors: e.actors,
            fold: e.fold,
            extra: true,
            story_folds: e.story_folds,
            set: name.clone(),
        });
    }
    Ok(())
}
