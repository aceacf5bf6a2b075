//! Article extraction: the readable main text of an HTML page, plus its metadata.
//!
//! Pure: takes HTML that is already decoded to a string, never touches the network. The
//! page is parsed once; then, in order:
//! 1. `metadata` reads headline, site, byline, date and language from the whole page;
//! 2. `clean` removes page furniture (navigation, share bars, newsletter boxes, related
//!    links, comment sections, photo credits, hidden elements) from the DOM;
//! 3. the readability scorer (`dom_smoothie`) picks the main content container;
//! 4. `render` turns it into paragraphs and drops furniture lines left inside it;
//! 5. when that leaves too little, fallbacks take over (JSON-LD `articleBody`, the largest
//!    `<article>` / `<main>`, the page body), so a page with text never gives an empty
//!    article.
//!
//! Not for: fetching, charset decoding (see `fetch`) or sentence splitting (see `text`).

mod clean;
mod date;
mod metadata;
mod nesting;
mod render;
mod text;

use dom_query::Document;

use crate::error::{Error, Result};

pub use date::parse_date;

use render::{filter_blocks, join_blocks, render_blocks, Block, FilterContext};

/// A main text shorter than this (in characters) after filtering sends extraction to the
/// fallbacks: real articles are longer, and a short result means the scorer picked a
/// teaser or a caption.
const MIN_MAIN_TEXT_CHARS: usize = 250;

/// Texts of at least this many bytes may override the declared language when detection is
/// reliable; shorter ones leave too few trigrams to overrule the page.
const MIN_CHARS_TO_OVERRIDE_LANG: usize = 400;

/// Bytes of text the override check reads: enough for a reliable guess, half the cost of
/// a full detection.
const LANG_OVERRIDE_SAMPLE: usize = 1000;

/// The readable part of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Headline, without a " | Site" tail.
    pub title: Option<String>,
    /// Publication name.
    pub site: Option<String>,
    /// Author line, without "By " or dates.
    pub byline: Option<String>,
    /// Publication time (RFC 3339 where it parses).
    pub published: Option<String>,
    /// Language code ("en"): the page's declared language, else detected from the text.
    pub language: Option<String>,
    /// Main text, paragraphs separated by a blank line.
    pub text: String,
}

/// Extracts the main text and metadata of `html`. `url` is the page's address, used to
/// name the site when the page does not (its host, without "www.").
///
/// # Errors
/// [`Error::EmptyPage`] when the page holds no readable text.
pub fn extract(html: &str, url: Option<&str>) -> Result<Article> {
    if html.trim().is_empty() {
        return Err(Error::EmptyPage);
    }
    let url =
        url.filter(|u| url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https")));
    let html = nesting::limit_nesting(html);
    let html = html.as_ref();
    let doc = Document::from(html);
    if is_section_front(&doc) {
        return Err(Error::SectionFront);
    }
    let meta = metadata::collect(&doc, url);
    let report = clean::preclean(&doc);
    let ctx = FilterContext {
        title: meta.title.as_deref(),
        h1: meta.h1.as_deref(),
        byline: meta.byline.as_deref(),
    };

    let mut text = if report.max_depth <= clean::MAX_SCORED_DEPTH {
        scored_text(doc, ctx).unwrap_or_default()
    } else {
        String::new()
    };
    if text.chars().count() < MIN_MAIN_TEXT_CHARS {
        tracing::debug!(
            chars = text.chars().count(),
            "short main text: trying fallbacks"
        );
        let fallback = fallback_text(html, meta.article_body.as_deref(), ctx);
        if fallback.chars().count() > text.chars().count() {
            text = fallback;
        }
    }
    if text.is_empty() {
        return Err(Error::EmptyPage);
    }

    let language = choose_language(meta.language.clone(), &text);
    Ok(Article {
        title: meta.title,
        site: meta.site,
        byline: meta.byline,
        published: meta.published,
        language,
        text,
    })
}

/// Marked-up stories: `<article>` elements and elements with a post class.
const STORY_SELECTOR: &str = "article, .post, .hentry, .h-entry, .entry, .story";

/// Fewest stories of similar weight that make a page a section front.
const MIN_FRONT_STORIES: usize = 3;

/// A story counts when it holds at least this many characters of text.
const MIN_FRONT_STORY_CHARS: usize = 80;

/// The largest story stands out (the page is its article, the rest teasers) when it holds
/// this many times the text of the next one.
const STANDS_OUT_RATIO: usize = 3;

/// A section front: several marked-up stories (outermost `<article>` / post elements,
/// each with a heading) of similar weight, none standing out. Summarising one of them
/// would brief a random item, so the page is not an article. An article page with a
/// list of related-story teasers has one story far larger than the rest.
fn is_section_front(doc: &Document) -> bool {
    let found = doc.select(STORY_SELECTOR);
    let nodes = found.nodes();
    if nodes.len() < MIN_FRONT_STORIES {
        return false;
    }
    let ids: std::collections::HashSet<_> = nodes.iter().map(|n| n.id).collect();
    let mut sizes: Vec<usize> = nodes
        .iter()
        .filter(|n| !n.ancestors_it(None).any(|a| ids.contains(&a.id)))
        .filter(|n| {
            n.descendants_it().any(|d| {
                d.qual_name_ref()
                    .is_some_and(|q| matches!(q.local.as_ref(), "h1" | "h2" | "h3" | "h4"))
            })
        })
        .map(|n| n.normalized_char_count())
        .filter(|len| *len >= MIN_FRONT_STORY_CHARS)
        .collect();
    if sizes.len() < MIN_FRONT_STORIES {
        return false;
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes[0] < STANDS_OUT_RATIO * sizes[1]
}

/// The page's declared language, unless the text clearly says otherwise: templates often
/// carry a site-wide `lang="en"` on pages in other languages, and the reverse. Detection is
/// trusted over the declaration only on a long enough text with a reliable guess.
fn choose_language(declared: Option<String>, text: &str) -> Option<String> {
    let long_enough = text.len() >= MIN_CHARS_TO_OVERRIDE_LANG;
    match declared {
        Some(lang) if long_enough => {
            Some(detect_language(prefix(text, LANG_OVERRIDE_SAMPLE)).unwrap_or(lang))
        }
        Some(lang) => Some(lang),
        None => detect_language(text),
    }
}

/// The first `max` bytes of `text`, cut back to a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The main text as the readability scorer sees it, filtered.
fn scored_text(doc: Document, ctx: FilterContext<'_>) -> Option<String> {
    let cfg = dom_smoothie::Config {
        // We render the content ourselves; the cheapest text mode and no class clean-up.
        text_mode: dom_smoothie::TextMode::Raw,
        keep_classes: true,
        // Our metadata pass reads JSON-LD already.
        disable_json_ld: true,
        ..Default::default()
    };
    // No URL: it only serves to rewrite links to absolute form, and we keep no links.
    let mut readability = dom_smoothie::Readability::with_document(doc, None, Some(cfg)).ok()?;
    readability.parse().ok()?;
    let root_sel = readability.doc.select_single("#readability-page-1");
    let root = root_sel.nodes().first()?;
    let blocks = filter_blocks(render_blocks(root), ctx);
    Some(join_blocks(&blocks))
}

/// The best text the fallbacks find: the JSON-LD `articleBody`, the largest article-like
/// container, or the whole body, filtered; unfiltered body text as the last resort.
fn fallback_text(html: &str, article_body: Option<&str>, ctx: FilterContext<'_>) -> String {
    let from_json_ld = article_body
        .map(paragraphs_of_plain_text)
        .unwrap_or_default();
    let doc = Document::from(html);
    clean::preclean(&doc);
    let candidates: Vec<String> = [
        "article",
        "[itemprop=articleBody]",
        "main",
        "[role=main]",
        "body",
    ]
    .iter()
    .filter_map(|sel| {
        let found = doc.select(sel);
        found
            .nodes()
            .iter()
            .map(|n| (n.normalized_char_count(), *n))
            .max_by_key(|(len, _)| *len)
            .map(|(_, n)| join_blocks(&filter_blocks(render_blocks(&n), ctx)))
    })
    .collect();
    let container = candidates
        .iter()
        .find(|t| t.chars().count() >= MIN_MAIN_TEXT_CHARS)
        .or_else(|| candidates.iter().max_by_key(|t| t.chars().count()))
        .cloned()
        .unwrap_or_default();
    let best = if from_json_ld.chars().count() >= container.chars().count() {
        from_json_ld
    } else {
        container
    };
    if !best.is_empty() {
        return best;
    }
    // Last resort: everything readable, unfiltered, from a fresh parse.
    let doc = Document::from(html);
    let root = doc.root();
    let blocks: Vec<Block> = render_blocks(&root);
    join_blocks(&blocks)
}

/// Plain text with line breaks as paragraphs: one blank line between them, whitespace
/// collapsed.
fn paragraphs_of_plain_text(s: &str) -> String {
    let decoded = text::decode_entities(s);
    let mut out = String::new();
    for line in decoded.lines() {
        let line = text::collapse_whitespace(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&line);
    }
    out
}

/// Guesses the language of `text` (ISO 639-1 code) when the guess is reliable.
#[must_use]
pub fn detect_language(text: &str) -> Option<String> {
    let mut end = text.len().min(LANGUAGE_SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    if looks_english(sample) {
        return Some("en".to_string());
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    Some(iso639_1(info.lang()).to_string())
}

/// Function words that are frequent in English prose and rare in other languages written
/// in Latin script ("to", "for", "was", "have" are left out: Polish, Danish and German
/// use them too).
const ENGLISH_MARKERS: &[&str] = &[
    "the", "of", "and", "that", "with", "from", "which", "were", "said", "they", "this", "would",
    "been", "their", "about",
];

/// Share of [`ENGLISH_MARKERS`] among a sample's words above which it is English. On the
/// dev pages and articles, 95% of English texts score over 0.10 and every other language 0.
const ENGLISH_MARKER_SHARE: f64 = 0.08;

/// Fewest words a sample needs before the marker count is trusted.
const ENGLISH_MIN_WORDS: usize = 20;

/// A quick test for plain English prose, tried before the trigram detector: most texts
/// are English, and counting a few function words costs a tenth of the detector.
fn looks_english(sample: &str) -> bool {
    let mut words = 0usize;
    let mut markers = 0usize;
    for w in crate::text::tokens::words(sample) {
        words += 1;
        if w.len() <= 5 && ENGLISH_MARKERS.iter().any(|m| m.eq_ignore_ascii_case(w)) {
            markers += 1;
        }
    }
    words >= ENGLISH_MIN_WORDS && markers as f64 >= words as f64 * ENGLISH_MARKER_SHARE
}

/// Bytes of text given to language detection: a few sentences are enough for a reliable
/// answer, and detection time grows with the sample (it was a tenth of a text brief at 2000).
const LANGUAGE_SAMPLE_BYTES: usize = 800;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_prose_is_recognised_without_the_detector() {
        let en = "The council approved the budget on Tuesday after a long debate about \
                  schools and roads, which officials said would be the largest in a decade \
                  and that they had been planning for years.";
        assert!(looks_english(en));
        assert_eq!(detect_language(en).as_deref(), Some("en"));
    }

    #[test]
    fn other_languages_go_to_the_detector() {
        // Danish and German share "for", "to", "was", "have" with English: not markers.
        let da = "Regeringen har i dag fremlagt et forslag til en ny lov, som skal gøre det \
                  lettere for unge at finde en bolig i de store byer, og partierne vil have \
                  svar inden sommerferien, siger ministeren til avisen.";
        let de = "Was die Regierung am Dienstag beschlossen hat, wird nach Angaben der \
                  Opposition die Mieten in den Städten kaum senken, sagte die Sprecherin \
                  \"The Left\" am Abend in Berlin vor Journalisten.";
        assert!(!looks_english(da));
        assert!(!looks_english(de));
        // Danish and Norwegian are too close for a reliable guess; never English, though.
        assert_ne!(detect_language(da).as_deref(), Some("en"));
        assert_eq!(detect_language(de).as_deref(), Some("de"));
    }

    #[test]
    fn too_few_words_are_not_judged_by_markers() {
        assert!(!looks_english("The state of the art of the day."));
    }
}
