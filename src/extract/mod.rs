//! Article extraction: the readable main text of an HTML page, plus its metadata.
//!
//! Pure: takes HTML that is already decoded to a string, never touches the network.

use crate::error::{Error, Result};

/// The readable part of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Headline, without a " | Site" tail.
    pub title: Option<String>,
    /// Publication name.
    pub site: Option<String>,
    /// Author line.
    pub byline: Option<String>,
    /// Publication time (RFC 3339 where it parses).
    pub published: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Main text, paragraphs separated by a blank line.
    pub text: String,
}

/// Extracts the main text and metadata of `html`. `url` is the page's address, used to
/// resolve relative links and as a hint for the site name.
///
/// # Errors
/// [`Error::EmptyPage`] when the page holds no readable text.
pub fn extract(html: &str, url: Option<&str>) -> Result<Article> {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let url = url.filter(|u| url::Url::parse(u).is_ok());
    let mut r = dom_smoothie::Readability::new(html, url, Some(cfg))
        .map_err(|e| Error::BadInput(e.to_string()))?;
    let a = r.parse().map_err(|_| Error::EmptyPage)?;
    let text = a.text_content.to_string();
    if text.trim().is_empty() {
        return Err(Error::EmptyPage);
    }
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(Article {
        title: non_empty(Some(a.title)),
        site: non_empty(a.site_name),
        byline: non_empty(a.byline),
        published: non_empty(a.published_time),
        language: non_empty(a.lang),
        text,
    })
}

/// Guesses the language of `text` (ISO 639-1 code) when the guess is reliable.
#[must_use]
pub fn detect_language(text: &str) -> Option<String> {
    // A sample is enough and keeps this fast on long texts.
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    if !info.is_reliable() {
        return None;
    }
    Some(iso639_1(info.lang()).to_string())
}

/// Maps whatlang's ISO 639-3 code to ISO 639-1 where one exists.
fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Deu => "de",
        Fra => "fr",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Nld => "nl",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Ces => "cs",
        Slk => "sk",
        Hun => "hu",
        Ron => "ro",
        Tur => "tr",
        Ell => "el",
        Bul => "bg",
        Hrv => "hr",
        Srp => "sr",
        Slv => "sl",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Ara => "ar",
        Heb => "he",
        Hin => "hi",
        Ben => "bn",
        Tha => "th",
        Vie => "vi",
        Ind => "id",
        Pes => "fa",
        Urd => "ur",
        Cat => "ca",
        Epo => "eo",
        other => other.code(),
    }
}
