//! Page metadata: headline, site name, byline, publication date and declared language.
//!
//! For: reading what a page says about itself, from (best first) JSON-LD (`NewsArticle` and
//! friends, `@graph` arrays, `@id` references), OpenGraph / `article:` / named `<meta>`
//! tags, microdata (`itemprop`), `<time datetime>`, `<title>` and `<h1>`, all gathered in one
//! pass over the document before any cleaning. Not for: the main text (see `clean` and
//! `render`) or guessing the language from the text (see `detect_language`).

use std::collections::HashMap;
use std::sync::LazyLock;

use dom_query::{Document, NodeRef};
use regex::Regex;
use serde_json::Value;

use super::date::parse_date;
use super::text::{collapse_whitespace, decode_entities};

/// JSON-LD `@type`s that describe an article (schema.org `Article` and its subtypes).
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "AdvertiserContentArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "Review",
];

/// Separators sites put between a headline and their name in `<title>`, longest first.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " || ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ",
];

/// A tail after " | " of at most this many words is taken as a site or section name even
/// when it does not match a known site name: headlines are longer, site names short.
const MAX_SITE_TAIL_WORDS: usize = 4;

/// The headline left after stripping a tail must keep at least this many words, so a
/// short headline such as "Brexit | Analysis" is not cut to one word.
const MIN_HEADLINE_WORDS: usize = 3;

/// Bylines longer than this are page furniture picked up by mistake, not author lists.
const MAX_BYLINE_CHARS: usize = 120;

/// Raw publication date strings longer than this are not kept when they do not parse.
const MAX_RAW_DATE_CHARS: usize = 40;

/// What the page says about itself.
#[derive(Debug, Default, Clone)]
pub(crate) struct PageMeta {
    /// Headline without the site tail.
    pub title: Option<String>,
    /// Publication name.
    pub site: Option<String>,
    /// Clean author line.
    pub byline: Option<String>,
    /// RFC 3339 where it parses.
    pub published: Option<String>,
    /// Declared language, normalised to its primary subtag ("en").
    pub language: Option<String>,
    /// The JSON-LD `articleBody`, a fallback main text.
    pub article_body: Option<String>,
    /// The first `<h1>`'s text, to drop the headline from the main text.
    pub h1: Option<String>,
}

/// Everything gathered in the single pass, before choosing.
#[derive(Debug, Default)]
struct Raw {
    html_lang: Option<String>,
    /// `<meta>` key (property, name or itemprop; lower case) to content, first one wins.
    metas: HashMap<String, String>,
    title_tag: Option<String>,
    h1: Option<String>,
    /// `datetime` of a `<time>` marked as the publication time (itemprop / pubdate).
    time_published: Option<String>,
    /// `datetime` of the first `<time>`.
    time_first: Option<String>,
    /// Text of the first author-marked element (rel=author, itemprop=author, .byline).
    byline_dom: Option<String>,
    ld: LdInfo,
}

/// The JSON-LD fields used.
#[derive(Debug, Default)]
struct LdInfo {
    found_article: bool,
    headline: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    date_published: Option<String>,
    in_language: Option<String>,
    article_body: Option<String>,
    website_name: Option<String>,
    page_date: Option<String>,
}

/// Collects the metadata of `doc` (call before the document is cleaned). `url` gives the
/// host as the site name of last resort.
pub(crate) fn collect(doc: &Document, url: Option<&str>) -> PageMeta {
    let raw = gather(doc);
    choose(raw, url)
}

fn gather(doc: &Document) -> Raw {
    let mut raw = Raw::default();
    for node in doc.root().descendants_it() {
        let Some(name) = node.qual_name_ref().map(|q| q.local.clone()) else {
            continue;
        };
        let name: &str = &name;
        match name {
            "html" if raw.html_lang.is_none() => {
                raw.html_lang = node
                    .attr("lang")
                    .or_else(|| node.attr("xml:lang"))
                    .map(|s| s.to_string());
            }
            "meta" => gather_meta(&node, &mut raw),
            "title" if raw.title_tag.is_none() => {
                raw.title_tag = non_empty(collapse_whitespace(&node.text()));
            }
            "h1" if raw.h1.is_none() => raw.h1 = non_empty(collapse_whitespace(&node.text())),
            "script" => {
                let is_ld = node
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if is_ld {
                    read_json_ld(&node.text(), &mut raw.ld);
                }
            }
            "time" => gather_time(&node, &mut raw),
            _ => {}
        }
        if raw.byline_dom.is_none() && is_author_element(&node, name) {
            let text = node
                .descendants_it()
                .find(|d| d.attr("itemprop").is_some_and(|p| p.as_ref() == "name"))
                .map_or_else(|| node.text(), |n| n.text());
            raw.byline_dom = non_empty(collapse_whitespace(&text));
        }
        if let Some(prop) = node.attr("itemprop") {
            if prop.as_ref() == "datePublished" && name != "meta" && raw.time_published.is_none() {
                raw.time_published = node
                    .attr("content")
                    .or_else(|| node.attr("datetime"))
                    .map(|s| s.to_string())
                    .or_else(|| non_empty(collapse_whitespace(&node.text())));
            }
        }
    }
    raw
}

fn gather_meta(node: &NodeRef<'_>, raw: &mut Raw) {
    let Some(content) = node.attr("content") else {
        return;
    };
    let content = collapse_whitespace(&content);
    if content.is_empty() {
        return;
    }
    for key_attr in ["property", "name", "itemprop", "http-equiv"] {
        if let Some(key) = node.attr(key_attr) {
            raw.metas
                .entry(key.trim().to_ascii_lowercase())
                .or_insert_with(|| content.clone());
        }
    }
}

fn gather_time(node: &NodeRef<'_>, raw: &mut Raw) {
    let Some(dt) = node.attr("datetime").map(|s| s.trim().to_string()) else {
        return;
    };
    if dt.is_empty() {
        return;
    }
    let marked = node.has_attr("pubdate")
        || node
            .attr("itemprop")
            .is_some_and(|p| p.as_ref() == "datePublished")
        || node
            .attr("class")
            .is_some_and(|c| c.to_ascii_lowercase().contains("publish"));
    if marked && raw.time_published.is_none() {
        raw.time_published = Some(dt.clone());
    }
    if raw.time_first.is_none() {
        raw.time_first = Some(dt);
    }
}

/// Elements that hold the author's name: `rel=author` links, `itemprop=author`, and
/// elements whose class says byline / author name.
fn is_author_element(node: &NodeRef<'_>, name: &str) -> bool {
    if name == "meta" || name == "link" || name == "script" {
        return false;
    }
    if node
        .attr("rel")
        .is_some_and(|r| r.split_whitespace().any(|t| t == "author"))
    {
        return true;
    }
    if node
        .attr("itemprop")
        .is_some_and(|p| p.split_whitespace().any(|t| t == "author"))
    {
        return true;
    }
    node.attr("class").is_some_and(|c| {
        c.split_whitespace().any(|t| {
            let t = t.to_ascii_lowercase();
            t == "byline"
                || t == "author"
                || t == "author-name"
                || t.ends_with("__author")
                || t.ends_with("-byline")
        })
    })
}

fn read_json_ld(text: &str, ld: &mut LdInfo) {
    let cleaned = text
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .trim();
    // serde_json's recursion limit bounds hostile nesting; bad JSON is simply skipped.
    let Ok(value) = serde_json::from_str::<Value>(cleaned) else {
        return;
    };
    let mut objects = Vec::new();
    flatten_ld(&value, &mut objects, 0);
    let ids: HashMap<&str, &Value> = objects
        .iter()
        .filter_map(|o| Some((o.get("@id")?.as_str()?, *o)))
        .collect();
    for obj in &objects {
        if has_type(obj, &["WebSite"]) && ld.website_name.is_none() {
            ld.website_name = str_field(obj, "name");
        }
        if has_type(obj, &["WebPage"]) && ld.page_date.is_none() {
            ld.page_date = str_field(obj, "datePublished");
        }
        if ld.in_language.is_none() {
            ld.in_language = str_field(obj, "inLanguage");
        }
        if ld.found_article || !has_type(obj, ARTICLE_TYPES) {
            continue;
        }
        ld.found_article = true;
        ld.headline = str_field(obj, "headline").or_else(|| str_field(obj, "name"));
        if let Some(author) = obj.get("author").or_else(|| obj.get("creator")) {
            collect_names(author, &ids, &mut ld.authors, 0);
        }
        if let Some(publisher) = obj.get("publisher") {
            let mut names = Vec::new();
            collect_names(publisher, &ids, &mut names, 0);
            ld.publisher = names.into_iter().next();
        }
        ld.date_published =
            str_field(obj, "datePublished").or_else(|| str_field(obj, "dateCreated"));
        // Kept raw: its line breaks are the paragraph breaks.
        ld.article_body = obj
            .get("articleBody")
            .and_then(Value::as_str)
            .filter(|b| !b.trim().is_empty())
            .map(str::to_string);
        if let Some(lang) = str_field(obj, "inLanguage") {
            ld.in_language = Some(lang);
        }
    }
}

/// Top-level objects, array items and `@graph` members, in document order.
fn flatten_ld<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten_ld(i, out, depth + 1)),
        Value::Object(map) => {
            out.push(v);
            if let Some(graph) = map.get("@graph") {
                flatten_ld(graph, out, depth + 1);
            }
            // Some sites nest the article as `mainEntity` of a WebPage.
            if let Some(main) = map.get("mainEntity").filter(|m| m.is_object()) {
                flatten_ld(main, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn has_type(obj: &Value, types: &[&str]) -> bool {
    let matches = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        types.contains(&t)
    };
    match obj.get("@type") {
        Some(Value::String(t)) => matches(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

fn str_field(obj: &Value, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => non_empty(collapse_whitespace(&decode_entities(s))),
        Value::Array(items) => items
            .iter()
            .find_map(|i| i.as_str())
            .and_then(|s| non_empty(collapse_whitespace(&decode_entities(s)))),
        _ => None,
    }
}

/// Names from a JSON-LD person / organisation value: a string, an object with `name`, an
/// `@id` reference into the same block, or an array of those.
fn collect_names(v: &Value, ids: &HashMap<&str, &Value>, out: &mut Vec<String>, depth: usize) {
    if depth > 3 {
        return;
    }
    match v {
        Value::String(s) => {
            if let Some(s) = non_empty(collapse_whitespace(&decode_entities(s))) {
                if !s.starts_with("http") {
                    out.push(s);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_names(i, ids, out, depth + 1)),
        Value::Object(map) => {
            if let Some(name) = map.get("name") {
                collect_names(name, ids, out, depth + 1);
            } else if let Some(target) = map
                .get("@id")
                .and_then(Value::as_str)
                .and_then(|id| ids.get(id))
            {
                if let Some(name) = target.get("name") {
                    collect_names(name, ids, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn choose(raw: Raw, url: Option<&str>) -> PageMeta {
    let meta = |k: &str| raw.metas.get(k).cloned();
    let host = url.and_then(|u| url::Url::parse(u).ok()).and_then(|u| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_string())
    });

    let declared_site = meta("og:site_name")
        .or_else(|| raw.ld.publisher.clone())
        .or_else(|| raw.ld.website_name.clone())
        .or_else(|| meta("application-name"));
    let mut hints: Vec<String> = declared_site.iter().cloned().collect();
    hints.extend(raw.ld.website_name.iter().cloned());
    hints.extend(host.iter().cloned());

    let mut title_tail = None;
    let title = [
        meta("og:title"),
        raw.ld.headline.clone(),
        meta("twitter:title"),
        raw.title_tag.clone(),
        raw.h1.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|t| {
        let (head, tail) = strip_site_tail(&t, &hints, raw.h1.as_deref());
        if title_tail.is_none() {
            title_tail = tail;
        }
        head
    })
    .find(|t| !t.is_empty());

    let site = declared_site.or(title_tail).or(host);

    let byline = byline_from_ld(&raw.ld.authors)
        .or_else(|| meta("author").and_then(|a| clean_byline(&a)))
        .or_else(|| meta("article:author").and_then(|a| clean_byline(&a)))
        .or_else(|| meta("dc.creator").and_then(|a| clean_byline(&a)))
        .or_else(|| meta("parsely-author").and_then(|a| clean_byline(&a)))
        .or_else(|| meta("sailthru.author").and_then(|a| clean_byline(&a)))
        .or_else(|| raw.byline_dom.as_deref().and_then(clean_byline));

    let published = published_date(&raw);

    let language = raw
        .html_lang
        .as_deref()
        .and_then(normalize_lang)
        .or_else(|| meta("content-language").as_deref().and_then(normalize_lang))
        .or_else(|| meta("og:locale").as_deref().and_then(normalize_lang))
        .or_else(|| raw.ld.in_language.as_deref().and_then(normalize_lang));

    PageMeta {
        title,
        site,
        byline,
        published,
        language,
        article_body: raw.ld.article_body,
        h1: raw.h1,
    }
}

fn byline_from_ld(authors: &[String]) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    for a in authors {
        if let Some(c) = clean_byline(a) {
            if !names.contains(&c) {
                names.push(c);
            }
        }
    }
    non_empty(names.join(", "))
}

/// The publication date, from the most to the least specific source. Parsed to RFC 3339
/// where possible; a short raw string from a structured source otherwise.
fn published_date(raw: &Raw) -> Option<String> {
    const META_KEYS: &[&str] = &[
        "article:published_time",
        "og:published_time",
        "article:published",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "published_time",
        "date",
        "dc.date.issued",
        "dc.date",
        "dcterms.created",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "citation_publication_date",
    ];
    let structured: Vec<&str> = raw
        .ld
        .date_published
        .iter()
        .map(String::as_str)
        .chain(
            META_KEYS
                .iter()
                .filter_map(|k| raw.metas.get(*k).map(String::as_str)),
        )
        .chain(raw.time_published.as_deref())
        .chain(raw.ld.page_date.as_deref())
        .collect();
    structured
        .iter()
        .chain(raw.time_first.as_deref().iter())
        .find_map(|s| parse_date(s))
        .or_else(|| {
            structured
                .first()
                .filter(|s| s.len() <= MAX_RAW_DATE_CHARS)
                .map(|s| s.trim().to_string())
        })
}

/// "en-US" / "en_GB" / "EN" -> "en"; `None` for values that are not language tags.
pub(crate) fn normalize_lang(raw: &str) -> Option<String> {
    let primary = raw.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then_some(primary)
}

/// Compares names loosely: letters and digits only, lower case ("The Verge" ~ "theverge").
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn matches_site(part: &str, hints: &[String]) -> bool {
    let key = name_key(part);
    if key.is_empty() {
        return false;
    }
    hints.iter().any(|h| {
        let hk = name_key(h);
        // "nytimes.com" vs "The New York Times" will not match; "bbc.com" vs "BBC" does.
        let hk_host = name_key(h.split('.').next().unwrap_or(h));
        !hk.is_empty()
            && (key == hk
                || key == hk_host
                || hk.contains(&key)
                || key.contains(&hk)
                || (hk_host.len() > 2 && key.contains(&hk_host)))
    })
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Splits a " | Site" (or " - Site", ...) tail off `title`. Returns the headline and the
/// tail when one was removed. A tail goes when it names the site (`hints`), or after " | "
/// when it is short, or when what precedes it is the page's own `headline` (its `<h1>`); a
/// leading "Site | " goes when it names the site.
pub(crate) fn strip_site_tail(
    title: &str,
    hints: &[String],
    headline: Option<&str>,
) -> (String, Option<String>) {
    let headline_key = headline.map(name_key).filter(|k| !k.is_empty());
    let title = collapse_whitespace(title);
    let mut head = title.as_str();
    let mut removed = None;
    // Two rounds: "Headline - Section | Site".
    for _ in 0..2 {
        let Some((pos, sep)) = TITLE_SEPARATORS
            .iter()
            .filter_map(|sep| head.rfind(sep).map(|p| (p, *sep)))
            .max_by_key(|(p, _)| *p)
        else {
            break;
        };
        let (before, after) = (&head[..pos], &head[pos + sep.len()..]);
        let site_named = matches_site(after, hints);
        let short_pipe_tail = sep.contains('|') && word_count(after) <= MAX_SITE_TAIL_WORDS;
        let is_headline = headline_key.as_deref() == Some(name_key(before).as_str());
        if is_headline
            || (word_count(before) >= MIN_HEADLINE_WORDS
                && (site_named || (short_pipe_tail && removed.is_none())))
        {
            if removed.is_none() {
                removed = Some(after.trim().to_string());
            }
            head = before.trim_end();
        } else {
            break;
        }
    }
    if removed.is_none() {
        // "Site | Headline"
        if let Some((pos, sep)) = TITLE_SEPARATORS
            .iter()
            .filter_map(|sep| head.find(sep).map(|p| (p, *sep)))
            .min_by_key(|(p, _)| *p)
        {
            let (before, after) = (&head[..pos], &head[pos + sep.len()..]);
            if matches_site(before, hints) && word_count(after) >= MIN_HEADLINE_WORDS {
                removed = Some(before.trim().to_string());
                head = after.trim_start();
            }
        }
    }
    (head.trim().to_string(), removed)
}

/// Words that open an author line and are not part of the name.
static BYLINE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:written|posted|reported|published|words|text|story|photos?)\s+)?(?:by|von|par|por|door|di|av)\s*[:\-]?\s+")
        .expect("static regex") // infallible: constant pattern, exercised by the tests
});

/// Where an author line turns into a date or a role note.
static BYLINE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:\b(?:updated|published|posted|last\s+modified|on)\b\s*:?\s*)?(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?\b(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b.*$|\s*\b(?:updated|published|posted)\b.*$|\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*$|\s*\d{1,2}:\d{2}.*$")
        .expect("static regex")
});

/// An e-mail address or @handle inside an author line.
static CONTACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\S+@\S+|@\w+").expect("static regex"));

/// Cleans an author line: no "By ", no dates, no contact handles; `None` when nothing
/// name-like is left.
pub(crate) fn clean_byline(raw: &str) -> Option<String> {
    let text = collapse_whitespace(&decode_entities(raw));
    if text.starts_with("http") || text.contains("://") {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    for seg in text.split(['|', '·', '•', '\n', '—', '–']) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let seg = BYLINE_PREFIX.replace(seg, "");
        let seg = BYLINE_TAIL.replace(&seg, "");
        let seg = CONTACT.replace_all(&seg, "");
        let seg = collapse_whitespace(&seg);
        let seg = seg.trim_matches(|c: char| c.is_whitespace() || ",;:-/".contains(c));
        if seg.is_empty() || !seg.chars().any(char::is_alphabetic) {
            continue;
        }
        if BYLINE_PREFIX.is_match(&format!("{seg} x")) && word_count(seg) == 1 {
            // A lone "By" left from "By | Name".
            continue;
        }
        let seg = seg.to_string();
        if !parts.contains(&seg) {
            parts.push(seg);
        }
    }
    let out = parts.join(", ");
    (!out.is_empty() && out.len() <= MAX_BYLINE_CHARS).then_some(out)
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn strips_site_tails_and_heads() {
        let h = hints(&["The Daily Wire Desk", "dailywire.example"]);
        assert_eq!(
            strip_site_tail("U.S. probing China Telecom | The Daily Wire Desk", &h, None).0,
            "U.S. probing China Telecom"
        );
        assert_eq!(
            strip_site_tail(
                "Markets rally on rate hopes - Business - The Daily Wire Desk",
                &h,
                None
            )
            .0,
            "Markets rally on rate hopes - Business"
        );
        assert_eq!(
            strip_site_tail("The Daily Wire Desk: Markets rally on rate hopes", &h, None).0,
            "The Daily Wire Desk: Markets rally on rate hopes"
        );
        assert_eq!(
            strip_site_tail(
                "The Daily Wire Desk | Markets rally on rate hopes",
                &h,
                None
            )
            .0,
            "Markets rally on rate hopes"
        );
        // Unknown site, short tail after a pipe: still a site name.
        assert_eq!(
            strip_site_tail(
                "Storm closes schools across the valley | Valley Post",
                &[],
                None
            )
            .0,
            "Storm closes schools across the valley"
        );
        // A tail after the page's own headline goes, whatever the separator.
        assert_eq!(
            strip_site_tail(
                "Bell tower reopens - Parish Notes",
                &[],
                Some("Bell tower reopens")
            ),
            (
                "Bell tower reopens".to_string(),
                Some("Parish Notes".to_string())
            )
        );
        // A dash inside a headline is kept when the tail is not the site.
        assert_eq!(
            strip_site_tail("Biden - the early years of a senator", &h, None).0,
            "Biden - the early years of a senator"
        );
    }

    #[test]
    fn cleans_bylines() {
        assert_eq!(
            clean_byline("By Paul Takahashi").as_deref(),
            Some("Paul Takahashi")
        );
        assert_eq!(
            clean_byline("By Jane Doe | March 27, 2024").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            clean_byline("by Regan September 15, 2014").as_deref(),
            Some("Regan")
        );
        assert_eq!(
            clean_byline("Greg Beacham, AP Sports Writer Updated 1:33 am CST").as_deref(),
            Some("Greg Beacham, AP Sports Writer")
        );
        assert_eq!(
            clean_byline("Jane Doe jane@example.com @janedoe").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(clean_byline("https://facebook.com/someone"), None);
        assert_eq!(clean_byline("By"), None);
        assert_eq!(clean_byline("Nov. 20, 2019"), None);
    }

    #[test]
    fn normalizes_language_tags() {
        assert_eq!(normalize_lang("en-US").as_deref(), Some("en"));
        assert_eq!(normalize_lang("pt_BR").as_deref(), Some("pt"));
        assert_eq!(normalize_lang(" DE ").as_deref(), Some("de"));
        assert_eq!(normalize_lang(""), None);
        assert_eq!(normalize_lang("{{lang}}"), None);
    }

    #[test]
    fn reads_json_ld_graph_with_id_references() {
        let html = r#"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","@id":"https://x.example/#site","name":"X Daily"},
          {"@type":"Person","@id":"https://x.example/#jane","name":"Jane Roe"},
          {"@type":["NewsArticle"],"headline":"Council votes &amp; budget passes",
           "author":{"@id":"https://x.example/#jane"},
           "publisher":{"@id":"https://x.example/#site"},
           "datePublished":"2021-05-04T10:00:00+01:00","articleBody":"Body text."}]}
        </script></head><body></body></html>"#;
        let meta = collect(&Document::from(html), Some("https://x.example/a"));
        assert_eq!(meta.title.as_deref(), Some("Council votes & budget passes"));
        assert_eq!(meta.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(meta.site.as_deref(), Some("X Daily"));
        assert_eq!(meta.published.as_deref(), Some("2021-05-04T10:00:00+01:00"));
        assert_eq!(meta.article_body.as_deref(), Some("Body text."));
    }
}
