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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusItem {
    /// The label.
    pub label: StatusLabel,
    /// A verbatim sentence of the text that shows the label.
    pub evidence: String,
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
