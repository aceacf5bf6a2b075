//! The brief: the single product of the engine, and its JSON form.
//!
//! Field names here are part of the public contract (see README "The JSON form"):
//! the benchmarks and outside tools read them. Do not rename them.

use serde::{Deserialize, Serialize};

/// A brief of one article: metadata, main text, summary, key actors and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Brief {
    /// The article's URL (after redirects), when it came from or names one.
    pub url: Option<String>,
    /// The article's headline, without a trailing " | Site" part.
    pub title: Option<String>,
    /// The publication's name.
    pub site: Option<String>,
    /// The author line.
    pub byline: Option<String>,
    /// Publication time, RFC 3339 where it could be parsed, else as the page gave it.
    pub published: Option<String>,
    /// Language code (ISO 639-1 where known, e.g. "en").
    pub language: Option<String>,
    /// News or not (opinion, review, guide, listing); `None` when not judged (text not in
    /// English). Non-news gets no status.
    #[serde(default)]
    pub kind: Option<ArticleKind>,
    /// The main text; paragraphs are separated by a blank line.
    pub text: String,
    /// Key sentences, verbatim slices of `text`, in article order.
    pub summary: Vec<String>,
    /// Key actors, most central first.
    pub actors: Vec<Actor>,
    /// Status labels of the story's main claim, each with its evidence.
    pub status: Vec<StatusItem>,
    /// Size figures.
    pub stats: Stats,
    /// Labels the model leaned to but would not show (below their threshold); for the
    /// "Why?" answer only. Not part of the JSON form.
    #[serde(skip)]
    pub held_back: Vec<StatusItem>,
}

/// What kind of page a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArticleKind {
    /// A news report about a claim or event.
    #[serde(rename = "news")]
    News,
    /// Opinion, review, guide, feature, listing, product or deals page.
    #[serde(rename = "non-news")]
    NonNews,
}

impl ArticleKind {
    /// The kind as it appears in JSON ("news", "non-news").
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::NonNews => "non-news",
        }
    }
}

/// A person, organisation, place or other party that the story is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The actor's canonical name (the fullest form seen in the text).
    pub name: String,
    /// What kind of party this is.
    pub kind: ActorKind,
    /// How many times the text mentions it (all forms, aliases merged).
    pub mentions: u32,
}

/// The kind of a key actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A named person.
    Person,
    /// A company, agency, government, party or other organisation.
    Organization,
    /// A country, city or region.
    Place,
    /// Anything else.
    Other,
}

/// One status label with the sentence that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusItem {
    /// The label.
    pub label: StatusLabel,
    /// A verbatim sentence of the text that shows the label.
    pub evidence: String,
    /// How likely the label is right: the model's calibrated probability, 0 to 1, rounded
    /// to three places (a shown label is at or above its head's threshold). Missing in
    /// briefs of older versions, read as 0.
    #[serde(default)]
    pub confidence: f64,
}

/// How solid the story's main claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusLabel {
    /// A process with no outcome yet: probe, talks, plans.
    #[serde(rename = "early-stage")]
    EarlyStage,
    /// A named party explicitly rejects the claim.
    #[serde(rename = "denied")]
    Denied,
    /// The claim rests on anonymous sources, reports or rumour.
    #[serde(rename = "unconfirmed")]
    Unconfirmed,
    /// The responsible party or an authority states the claim on the record.
    #[serde(rename = "confirmed")]
    Confirmed,
}

impl StatusLabel {
    /// The label as it appears in JSON ("early-stage", "denied", ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EarlyStage => "early-stage",
            Self::Denied => "denied",
            Self::Unconfirmed => "unconfirmed",
            Self::Confirmed => "confirmed",
        }
    }
}

/// Size figures of a brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Stats {
    /// Words in the main text.
    pub words: usize,
    /// Sentences in the main text.
    pub sentences: usize,
    /// Words in the summary.
    pub summary_words: usize,
    /// Estimated reading time of the main text, in minutes (238 words a minute).
    pub reading_minutes: f64,
}

// ---- caps on every field a page controls -----------------------------------------------------

/// Longest title kept, in characters: real headlines stay under 200; a page whose `<title>`
/// holds megabytes must not make a brief (or the cache holding it) megabytes large.
pub const TITLE_MAX_CHARS: usize = 400;
/// Longest summary sentence or status evidence kept, in characters: ten times a long news
/// sentence. A run-on "sentence" beyond it is cut at a word boundary and ends with `…`.
pub const SENTENCE_MAX_CHARS: usize = 2_000;
/// Longest byline or site name kept, in characters.
pub const BYLINE_MAX_CHARS: usize = 200;
/// Longest actor name kept, in characters (names are at most a few words).
pub const ACTOR_NAME_MAX_CHARS: usize = 100;
/// Longest `published` or `language` value kept, in characters (a date or a code).
pub const SHORT_FIELD_MAX_CHARS: usize = 64;
/// Summary sentences kept at most, whatever `--sentences` asks for.
pub const SUMMARY_MAX_SENTENCES: usize = 20;
/// Actors kept at most.
pub const ACTORS_MAX: usize = 20;
/// Status labels kept at most (there are four labels).
pub const STATUS_MAX: usize = 4;
/// What ends a field cut by a cap.
pub const CUT_MARK: &str = "…";

/// Cuts `s` to at most `max` characters (the mark included), at the last space before the
/// limit when there is one in its second half, else mid-word, and ends it with [`CUT_MARK`].
/// Text within the limit is left unchanged.
pub fn cap_chars(s: &mut String, max: usize) {
    let Some((limit, _)) = s.char_indices().nth(max) else {
        return;
    };
    // Room for the mark (one character).
    let keep = max.saturating_sub(1);
    let end = s.char_indices().nth(keep).map_or(limit, |(i, _)| i);
    let head = &s[..end];
    let cut = head
        .rfind(char::is_whitespace)
        .filter(|&i| head[..i].chars().count() >= keep / 2)
        .unwrap_or(end);
    s.truncate(cut);
    s.truncate(s.trim_end().len());
    s.push_str(CUT_MARK);
    // The cut text must also stop holding the memory of the long one.
    s.shrink_to_fit();
}

fn cap_opt(field: &mut Option<String>, max: usize) {
    if let Some(s) = field {
        cap_chars(s, max);
    }
}

impl Brief {
    /// Applies every cap above to the fields a page controls, so no page can make a brief
    /// larger than a few dozen KiB (plus its main `text`, bounded by
    /// [`crate::MAX_TEXT_BYTES`]). The engine calls this on every brief it makes; the CLI,
    /// the JSON form and the bot all show capped briefs.
    pub fn enforce_limits(&mut self) {
        cap_opt(&mut self.title, TITLE_MAX_CHARS);
        cap_opt(&mut self.site, BYLINE_MAX_CHARS);
        cap_opt(&mut self.byline, BYLINE_MAX_CHARS);
        cap_opt(&mut self.published, SHORT_FIELD_MAX_CHARS);
        cap_opt(&mut self.language, SHORT_FIELD_MAX_CHARS);
        self.summary.truncate(SUMMARY_MAX_SENTENCES);
        for s in &mut self.summary {
            cap_chars(s, SENTENCE_MAX_CHARS);
        }
        self.actors.truncate(ACTORS_MAX);
        for a in &mut self.actors {
            cap_chars(&mut a.name, ACTOR_NAME_MAX_CHARS);
        }
        self.status.truncate(STATUS_MAX);
        self.held_back.truncate(STATUS_MAX);
        for s in self.status.iter_mut().chain(&mut self.held_back) {
            cap_chars(&mut s.evidence, SENTENCE_MAX_CHARS);
            s.confidence = if s.confidence.is_finite() {
                s.confidence.clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        self.summary.shrink_to_fit();
        self.actors.shrink_to_fit();
        self.status.shrink_to_fit();
        self.held_back.shrink_to_fit();
    }

    /// About how many bytes this brief holds in memory (its strings and vectors plus the
    /// struct itself): the weight of a cache entry.
    #[must_use]
    pub fn approx_bytes(&self) -> usize {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::capacity);
        std::mem::size_of::<Self>()
            + opt(&self.url)
            + opt(&self.title)
            + opt(&self.site)
            + opt(&self.byline)
            + opt(&self.published)
            + opt(&self.language)
            + self.text.capacity()
            + self.summary.capacity() * std::mem::size_of::<String>()
            + self.summary.iter().map(String::capacity).sum::<usize>()
            + self.actors.capacity() * std::mem::size_of::<Actor>()
            + self.actors.iter().map(|a| a.name.capacity()).sum::<usize>()
            + (self.status.capacity() + self.held_back.capacity())
                * std::mem::size_of::<StatusItem>()
            + self
                .status
                .iter()
                .chain(&self.held_back)
                .map(|s| s.evidence.capacity())
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_chars_cuts_at_a_word_with_a_mark_and_keeps_short_text() {
        let mut s = "short".to_string();
        cap_chars(&mut s, 10);
        assert_eq!(s, "short");
        let mut s = "one two three four".to_string();
        cap_chars(&mut s, 10);
        assert_eq!(s, "one two…");
        let mut s = "x".repeat(50);
        cap_chars(&mut s, 10);
        assert_eq!(s.chars().count(), 10);
        assert!(s.ends_with(CUT_MARK));
        let mut s = "é".repeat(50);
        cap_chars(&mut s, 5);
        assert_eq!(s, "éééé…");
    }

    #[test]
    fn limits_bound_every_page_controlled_field() {
        let huge = "word ".repeat(400_000);
        let mut b = Brief {
            title: Some(huge.clone()),
            site: Some(huge.clone()),
            byline: Some(huge.clone()),
            published: Some(huge.clone()),
            language: Some(huge.clone()),
            summary: vec![huge.clone(); 50],
            actors: vec![
                Actor {
                    name: huge.clone(),
                    kind: ActorKind::Other,
                    mentions: 1
                };
                50
            ],
            status: vec![
                StatusItem {
                    label: StatusLabel::Denied,
                    evidence: huge.clone(),
                    confidence: 0.9,
                };
                10
            ],
            ..Brief::default()
        };
        b.enforce_limits();
        assert!(b.title.as_ref().unwrap().chars().count() <= TITLE_MAX_CHARS);
        assert!(b.summary.len() <= SUMMARY_MAX_SENTENCES);
        assert!(b.summary[0].chars().count() <= SENTENCE_MAX_CHARS);
        assert!(b.summary[0].ends_with(CUT_MARK));
        assert!(b.approx_bytes() < 200 * 1024, "{}", b.approx_bytes());
    }
}
