//! # newsbrief
//!
//! Turns a news article into a brief: its key sentences (verbatim, in article order), its
//! key actors, and the status of its main claim (early-stage, denied, unconfirmed,
//! confirmed), each status backed by the sentence that shows it.
//!
//! ```
//! use newsbrief::{BriefOptions, Engine, Settings};
//!
//! let engine = Engine::new(&Settings::default()).unwrap();
//! let text = "Acme Corp denied the report on Monday. The company said the claims were false.";
//! let brief = engine.brief_text(text, Some("Acme denies report"), None, &BriefOptions::default()).unwrap();
//! assert_eq!(brief.summary[0], "Acme Corp denied the report on Monday.");
//! ```
//!
//! The library is the product; the `newsbrief` binary (CLI and Discord bot) is a thin shell
//! over [`Engine`]. Data flows `links -> fetch -> extract -> text -> analyse -> Brief -> render`;
//! nothing after `extract` touches the network.

#![warn(missing_docs)]

pub mod actors;
pub mod bot;
pub mod brief;
pub mod cache;
pub mod config;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod links;
pub mod metrics;
pub mod redact;
pub mod render;
pub mod shared;
pub mod status;
pub mod store;
pub mod summarize;
pub mod text;

use std::sync::Arc;

pub use brief::{Actor, ActorKind, ArticleKind, Brief, Stats, StatusItem, StatusLabel};
pub use config::Settings;
pub use error::{Error, Result};

use text::Document;

/// Words read per minute, for the reading-time estimate.
pub const READING_WORDS_PER_MINUTE: f64 = 238.0;

/// Longest main text analysed, in bytes (about 170,000 English words, many times the longest
/// news feature). Longer texts are cut at the last paragraph (else sentence, else word) break
/// before it, so a hostile page cannot make one brief cost seconds of CPU.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Cuts `text` to at most `max` bytes at the last paragraph break, else line or sentence
/// end, else space, before the limit; texts within the limit are returned unchanged.
#[must_use]
pub fn truncate_text(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let cut = head
        .rfind("\n\n")
        .or_else(|| head.rfind('\n'))
        .or_else(|| head.rfind(". ").map(|i| i + 1))
        .or_else(|| head.rfind(' '))
        .filter(|&i| i > 0)
        .unwrap_or(end);
    text.truncate(cut);
    text.truncate(text.trim_end().len());
    text
}

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct BriefOptions {
    /// Sentences in the summary (default: 3 for short articles, up to 5 for long ones).
    pub sentences: Option<usize>,
}

/// The engine: fetches, extracts and analyses. Cheap to clone and share across threads.
#[derive(Debug, Clone)]
pub struct Engine {
    fetcher: fetch::Fetcher,
    rules: Arc<Rules>,
}

/// The editable rules of the analysers: status cues and actor word lists.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Status cue phrases, weights, negation and attribution words.
    pub status: status::StatusRules,
    /// Actor titles, generic words, demonyms and aliases.
    pub actors: actors::ActorRules,
}

impl Rules {
    /// The rules compiled in from `prompts/`.
    #[must_use]
    pub fn builtin() -> Self {
        Self {
            status: status::StatusRules::builtin(),
            actors: actors::ActorRules::builtin(),
        }
    }

    /// Rules from `dir` where it holds `status.toml` / `actors.toml`, built-in ones otherwise.
    ///
    /// # Errors
    /// [`Error::BadInput`] when a file exists but cannot be read or parsed.
    pub fn load(dir: &std::path::Path) -> Result<Self> {
        Ok(Self {
            status: status::StatusRules::load(dir)?,
            actors: actors::ActorRules::load(dir)?,
        })
    }
}

impl Engine {
    /// Builds an engine from settings.
    ///
    /// # Errors
    /// If the HTTP client cannot be built or the status rules cannot be loaded.
    pub fn new(settings: &Settings) -> Result<Self> {
        Ok(Self {
            fetcher: fetch::Fetcher::new(settings.fetch.clone())?,
            rules: Arc::new(match &settings.prompts_dir {
                Some(dir) => Rules::load(dir)?,
                None => Rules::builtin(),
            }),
        })
    }

    /// The engine's fetcher.
    #[must_use]
    pub fn fetcher(&self) -> &fetch::Fetcher {
        &self.fetcher
    }

    /// Fetches `url` and briefs it.
    ///
    /// # Errors
    /// Any fetch error, or [`Error::EmptyPage`].
    pub async fn brief_url(&self, url: &str, opts: &BriefOptions) -> Result<Brief> {
        let page = self.fetcher.fetch(url).await?;
        let final_url = page.url.to_string();
        match page.body {
            fetch::Body::Html(html) => self.brief_html(&html, Some(&final_url), opts),
            fetch::Body::Text(text) => self.brief_text(&text, None, Some(&final_url), opts),
        }
    }

    /// Extracts and briefs an HTML page. `url` names the page (for metadata and links).
    ///
    /// # Errors
    /// [`Error::EmptyPage`] when the page has no readable text.
    pub fn brief_html(&self, html: &str, url: Option<&str>, opts: &BriefOptions) -> Result<Brief> {
        let article = extract::extract(html, url)?;
        let mut brief = self.analyse(
            article.title.clone(),
            article.language.clone(),
            article.text,
            opts,
        )?;
        brief.url = url.map(str::to_string);
        brief.site = article.site;
        brief.byline = article.byline;
        brief.published = article.published;
        brief.enforce_limits();
        Ok(brief)
    }

    /// Briefs plain text (paragraphs separated by blank lines).
    ///
    /// # Errors
    /// [`Error::EmptyPage`] when the text is empty.
    pub fn brief_text(
        &self,
        text: &str,
        title: Option<&str>,
        url: Option<&str>,
        opts: &BriefOptions,
    ) -> Result<Brief> {
        let language = extract::detect_language(text);
        let mut brief = self.analyse(
            title.map(str::to_string),
            language,
            normalize_text(text),
            opts,
        )?;
        brief.url = url.map(str::to_string);
        brief.enforce_limits();
        Ok(brief)
    }

    /// Runs the pure analysis passes over a main text.
    fn analyse(
        &self,
        mut title: Option<String>,
        language: Option<String>,
        text: String,
        opts: &BriefOptions,
    ) -> Result<Brief> {
        if text.trim().is_empty() {
            return Err(Error::EmptyPage);
        }
        // Capped before the analysis too: the summarizer compares every sentence with it.
        if let Some(t) = &mut title {
            brief::cap_chars(t, brief::TITLE_MAX_CHARS);
        }
        let doc = Document::new(title, language, truncate_text(text, MAX_TEXT_BYTES));
        Ok(brief_document(&doc, &self.rules, opts))
    }
}

/// Builds a brief from an already split document (pure: no I/O).
#[must_use]
pub fn brief_document(doc: &Document, rules: &Rules, opts: &BriefOptions) -> Brief {
    let wanted = opts.sentences.map(|n| n.min(brief::SUMMARY_MAX_SENTENCES));
    let picked = summarize::summarize(doc, wanted);
    let summary: Vec<String> = picked
        .iter()
        .map(|r| doc.text[r.clone()].to_string())
        .collect();
    let words = text::word_count(&doc.text);
    let judgement = status::judge(doc, &rules.status);
    let mut brief = Brief {
        url: None,
        title: doc.title.clone(),
        site: None,
        byline: None,
        published: None,
        language: doc.language.clone(),
        kind: judgement.kind,
        text: doc.text.clone(),
        summary,
        actors: actors::key_actors_with(doc, &rules.actors),
        status: judgement.status,
        held_back: judgement.held_back,
        stats: Stats {
            words,
            sentences: doc.sentences.len(),
            summary_words: 0,
            reading_minutes: (words as f64 / READING_WORDS_PER_MINUTE * 10.0).round() / 10.0,
        },
    };
    brief.enforce_limits();
    brief.stats.summary_words = brief.summary.iter().map(|s| text::word_count(s)).sum();
    brief
}

/// Normalises plain text: unifies line endings, trims trailing spaces on lines and
/// collapses runs of blank lines into one, so paragraphs are separated by one blank line.
#[must_use]
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, r) in text::paragraph_ranges(&unified).into_iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let para = &unified[r];
        let mut first = true;
        for line in para.lines() {
            if !first {
                out.push('\n');
            }
            out.push_str(line.trim_end());
            first = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_short_texts_and_cuts_long_ones_at_breaks() {
        assert_eq!(truncate_text("short".into(), 10), "short");
        assert_eq!(
            truncate_text("One para.\n\nTwo para here.".into(), 20),
            "One para."
        );
        assert_eq!(truncate_text("One. Two three four".into(), 12), "One.");
        assert_eq!(truncate_text("abcdefghij".into(), 4), "abcd");
        // Never splits a character.
        assert_eq!(truncate_text("ééééé".into(), 3), "é");
    }
}
