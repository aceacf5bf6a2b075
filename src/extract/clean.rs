//! Pre-cleaning: drops page furniture from the DOM before the readability scorer sees it.
//!
//! For: removing, in one pass over the parsed document, what is never article text (scripts,
//! forms, navigation, sidebars, footers, hidden elements) and elements whose
//! class, id or role names boilerplate (share bars, newsletter boxes, related links, comment
//! sections, ads, bylines, image credits). A guard keeps any element that holds the
//! headline, the `<article>` / `articleBody`, or half of the page's text, so a badly named
//! wrapper never takes the story with it. Not for: choosing the main content (that is the
//! readability scorer's job) or line-level filtering (see `render`).

use dom_query::{Document, LocalName, NodeRef};

/// Tags removed wherever they are: they never hold article prose.
const ALWAYS_REMOVED_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "option", "label", "dialog", "link", "meta",
];

/// Tags that usually hold furniture, removed unless the guard protects them (some sites
/// wrap the whole page in a `<form>`, or put the story in an `<aside>`).
/// Figures and their captions stay: a caption describes the story's picture (photo
/// credits in it are dropped line by line, see `render`).
const FURNITURE_TAGS: &[&str] = &["nav", "aside", "footer", "form", "menu"];

/// ARIA roles of furniture landmarks.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "dialog",
    "alertdialog",
    "banner",
    "search",
    "menu",
    "menubar",
    "toolbar",
];

/// Class / id words (after splitting on `-`, `_` and spaces) that name furniture exactly.
const FURNITURE_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "advertisement",
    "advertising",
    "adslot",
    "adunit",
    "dfp",
    "gpt",
    "sponsored",
    "promo",
    "promotion",
    "promoted",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "follow",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "related",
    "recommended",
    "recommendations",
    "recirc",
    "trending",
    "popular",
    "outbrain",
    "taboola",
    "zergnet",
    "comment",
    "comments",
    "disqus",
    "respond",
    "reply",
    "breadcrumb",
    "breadcrumbs",
    "caption",
    "captions",
    "credit",
    "credits",
    "byline",
    "bylines",
    "author",
    "authors",
    "bio",
    "tags",
    "tag",
    "tagged",
    "topics",
    "keywords",
    "sidebar",
    "widget",
    "widgets",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "toolbar",
    "tools",
    "pagination",
    "pager",
    "popup",
    "modal",
    "overlay",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "skip",
    "print",
    "meta",
    "date",
    "dateline-time",
    "timestamp",
    "published",
    "updated",
    "slideshow",
    "carousel",
    "gallery",
    "lightbox",
    "rating",
    "reactions",
    "login",
    "signin",
    "paywall-prompt",
    "disclaimer",
    "sronly",
];

/// Whole class names that hide an element (a bare "hidden", unlike "hidden-xs", which only
/// hides it on small screens).
const HIDING_CLASSES: &[&str] = &["hidden", "is-hidden", "d-none", "hide", "invisible"];

/// Class / id word prefixes that name furniture ("sharedaddy", "newsletterbox").
const FURNITURE_PREFIXES: &[&str] = &[
    "advert",
    "sponsor",
    "promo",
    "share",
    "social",
    "newsletter",
    "subscri",
    "signup",
    "related",
    "recommend",
    "outbrain",
    "taboola",
    "comment",
    "disqus",
    "breadcrumb",
    "caption",
    "byline",
    "sidebar",
    "widget",
    "navbar",
    "popup",
    "cookie",
    "slideshow",
    "carousel",
    "lightbox",
    "pagination",
    "readmore",
    "morestories",
    "mostread",
    "mostpopular",
    "youmay",
    "alsolike",
];

/// Words that look like furniture prefixes but name article parts.
const ARTICLE_WORDS: &[&str] = &["commentary", "commentator"];

/// Multi-word furniture names, matched on the joined class/id words.
const FURNITURE_PHRASES: &[&str] = &[
    "read more",
    "more stories",
    "more from",
    "most read",
    "most popular",
    "you may like",
    "also like",
    "sign up",
    "screen reader",
    "visually hidden",
    "sr only",
    "about the author",
    "author box",
    "post meta",
    "entry meta",
    "article meta",
    "inline ad",
    "ad slot",
    "ad container",
    "ad wrapper",
    "see also",
    "also read",
    "read also",
    "further reading",
    "image credit",
    "photo credit",
    "image caption",
    "media caption",
];

/// An element holding more than this share of the page's text is never removed by a
/// class or tag rule: it is the story's container, whatever its name says.
const MAX_REMOVED_TEXT_SHARE: f64 = 0.5;

/// Likewise for the page's paragraph (`<p>`) text, the better measure of prose: a wrapper
/// named "l-sidebar-fixed l-article-body" that holds a third of the paragraphs is the
/// story, while share bars, related links and newsletter boxes hold little `<p>` text.
const MAX_REMOVED_PARA_SHARE: f64 = 0.3;

/// Deeper documents skip the readability scorer (whose passes may recurse) and use the
/// iterative fallback renderer instead.
pub(crate) const MAX_SCORED_DEPTH: usize = 1000;

/// Subtree facts gathered bottom-up.
#[derive(Clone, Copy, Default)]
struct Facts {
    /// Non-whitespace bytes of text below (scripts and styles excluded).
    text: usize,
    /// Non-whitespace bytes of text inside `<p>` below: prose, not menus.
    para: usize,
    /// Holds the headline (`<h1>`), the article body (`<article>`, `itemprop=articleBody`)
    /// or a post (an element with a post class, see [`POST_CLASSES`]).
    protected: bool,
}

/// What the pass saw.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CleanReport {
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Elements removed.
    pub removed: usize,
}

/// Removes furniture from `doc` (see the module doc). Iterative: safe on any depth.
pub(crate) fn preclean(doc: &Document) -> CleanReport {
    let mut report = CleanReport::default();
    // Pre-order list of nodes with their parent's index.
    let mut nodes: Vec<(NodeRef<'_>, usize)> = Vec::new();
    let mut stack: Vec<(NodeRef<'_>, usize, usize)> = vec![(doc.root(), usize::MAX, 0)];
    while let Some((node, parent, depth)) = stack.pop() {
        report.max_depth = report.max_depth.max(depth);
        let idx = nodes.len();
        nodes.push((node, parent));
        // The text of scripts and styles is neither counted nor searched: they go anyway.
        let opaque = node
            .qual_name_ref()
            .is_some_and(|q| ALWAYS_REMOVED_TAGS.contains(&q.local.as_ref()));
        if (node.is_element() || node.is_document()) && !opaque {
            for child in node.children_it(true) {
                if child.is_element() || child.is_text() {
                    stack.push((child, idx, depth + 1));
                }
            }
        }
    }

    let mut facts = vec![Facts::default(); nodes.len()];
    // Interned tag names: cloning one is a copy, not an allocation.
    let names: Vec<Option<LocalName>> = nodes
        .iter()
        .map(|(node, _)| node.qual_name_ref().map(|q| q.local.clone()))
        .collect();
    for i in (0..nodes.len()).rev() {
        let (node, parent) = &nodes[i];
        if node.is_text() {
            facts[i].text += node.query_or(0, |n| match &n.data {
                dom_query::NodeData::Text { contents } => {
                    // Bytes, not chars: only ratios of these counts are used.
                    contents
                        .bytes()
                        .filter(|b| !b.is_ascii_whitespace())
                        .count()
                }
                _ => 0,
            });
        } else if let Some(name) = &names[i] {
            if name == "p" {
                facts[i].para = facts[i].text;
            }
            if name == "h1"
                || node.attr("class").as_deref().is_some_and(names_a_post)
                || name == "article"
                || node
                    .attr("itemprop")
                    .is_some_and(|p| p.as_ref() == "articleBody")
            {
                facts[i].protected = true;
            }
        }
        if *parent != usize::MAX {
            let f = facts[i];
            facts[*parent].text += f.text;
            facts[*parent].para += f.para;
            facts[*parent].protected |= f.protected;
        }
    }

    // Whether each node sits inside a paragraph: the words there belong to a sentence.
    let mut in_para = vec![false; nodes.len()];
    for i in 1..nodes.len() {
        let parent = nodes[i].1;
        if parent != usize::MAX {
            in_para[i] = in_para[parent] || names[parent].as_ref().is_some_and(|n| n == "p");
        }
    }
    let total = facts.first().map_or(0, |f| f.text);
    let total_para = facts.first().map_or(0, |f| f.para);
    let mut removed = vec![false; nodes.len()];
    for i in 0..nodes.len() {
        let (node, parent) = &nodes[i];
        if *parent != usize::MAX && removed[*parent] {
            removed[i] = true;
            continue;
        }
        let Some(name) = &names[i] else { continue };
        let verdict = if let Some(tag) = ALWAYS_REMOVED_TAGS.iter().find(|t| **t == name) {
            Some(*tag)
        } else {
            let small = (facts[i].text as f64) <= MAX_REMOVED_TEXT_SHARE * total as f64
                && (facts[i].para as f64) <= MAX_REMOVED_PARA_SHARE * total_para as f64;
            if small && !facts[i].protected {
                furniture_reason(node, name, in_para[i])
            } else {
                None
            }
        };
        if let Some(reason) = verdict {
            if tracing::enabled!(tracing::Level::DEBUG) {
                tracing::debug!(reason, text = %super::text::collapse_whitespace(&node.text()), "removed element");
            }
            removed[i] = true;
            report.removed += 1;
            node.remove_from_parent();
        }
    }
    report
}

/// Why an element is furniture, if it is: the tag, role, visibility rule or class / id
/// word that marks it.
fn furniture_reason(node: &NodeRef<'_>, name: &str, in_para: bool) -> Option<&'static str> {
    if let Some(tag) = FURNITURE_TAGS.iter().find(|t| **t == name) {
        return Some(tag);
    }
    if name == "html" || name == "body" || name == "main" {
        return None;
    }
    if node.has_attr("hidden")
        || node
            .attr("aria-hidden")
            .is_some_and(|v| v.as_ref() == "true")
    {
        return Some("hidden attribute");
    }
    if let Some(style) = node.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return Some("hidden style");
        }
    }
    if let Some(role) = node.attr("role") {
        let role = role.trim().to_ascii_lowercase();
        if let Some(r) = FURNITURE_ROLES.iter().find(|r| **r == role) {
            return Some(r);
        }
    }
    let class = node.attr("class");
    if let Some(c) = class.as_deref().and_then(|c| {
        c.split_whitespace()
            .find_map(|t| HIDING_CLASSES.iter().find(|h| **h == t))
    }) {
        return Some(c);
    }
    if in_para && INLINE_TAGS.contains(&name) {
        // A word inside a sentence ("... heard of, <a class=popup-note>Bartleby</a> was
        // ..."): its class names what it does on click, and removing it cuts the sentence.
        return None;
    }
    if class.as_deref().is_some_and(names_a_post) {
        return None;
    }
    let id = node.attr("id");
    if class.is_none() && id.is_none() {
        return None;
    }
    let mut names = String::new();
    for part in [class.as_deref(), id.as_deref()].into_iter().flatten() {
        names.push_str(part);
        names.push(' ');
    }
    let found = furniture_name(&names)?;
    if let Some(id) = id.as_deref() {
        if class.as_deref().and_then(furniture_name).is_none() && is_heading_anchor(id, node) {
            return None;
        }
    }
    Some(found)
}

/// Words an id needs before it may be a heading's anchor rather than a design name.
const MIN_ANCHOR_WORDS: usize = 3;

/// Characters of the element's text searched for the words of its id.
const ANCHOR_TEXT_CHARS: usize = 200;

/// Whether `id` is an anchor made from the element's own opening text, as documentation
/// and blog engines name sections ("sharing-with-a-single-developer" on the section that
/// opens with that heading): it names the section's subject, not its role on the page.
fn is_heading_anchor(id: &str, node: &NodeRef<'_>) -> bool {
    let words: Vec<String> = id
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < MIN_ANCHOR_WORDS {
        return false;
    }
    let text = node.text();
    let opening: String = text
        .chars()
        .take(ANCHOR_TEXT_CHARS)
        .flat_map(char::to_lowercase)
        .collect();
    let opening_words: Vec<&str> = opening
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().all(|w| opening_words.contains(&w.as_str()))
}

/// Phrasing elements: inside a paragraph, their class or id never removes them.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "cite", "code", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Whole class names that mark an element as a post or story itself. Blog engines add the
/// post's taxonomy beside them (`post hentry tag-economics author-admin`, `entry-author-garr
/// entry`, `widget Blog`), so furniture words in the other classes name what the post is
/// about, not what the element is.
const POST_CLASSES: &[&str] = &[
    "article", "blog", "entry", "h-entry", "hentry", "post", "story",
];

/// Whether a class attribute holds one of [`POST_CLASSES`] as a whole class name (unlike
/// `post-meta` or `entry-tags`, which name parts of a post).
fn names_a_post(class: &str) -> bool {
    class
        .split_whitespace()
        .any(|c| POST_CLASSES.iter().any(|p| p.eq_ignore_ascii_case(c)))
}

/// The furniture word, prefix or phrase that class / id text holds, if any.
pub(crate) fn furniture_name(names: &str) -> Option<&'static str> {
    let lower = split_camel_case(names).to_ascii_lowercase();
    if ARTICLE_WORDS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for w in &words {
        if let Some(f) = FURNITURE_WORDS.iter().find(|f| *f == w) {
            return Some(f);
        }
        if let Some(p) = FURNITURE_PREFIXES.iter().find(|p| w.starts_with(*p)) {
            return Some(p);
        }
    }
    let joined = words.join(" ");
    FURNITURE_PHRASES
        .iter()
        .find(|p| contains_phrase(&joined, p))
        .copied()
}

/// Whether `phrase` occurs in space-separated `words` on word boundaries.
fn contains_phrase(words: &str, phrase: &str) -> bool {
    words.match_indices(phrase).any(|(at, _)| {
        let end = at + phrase.len();
        (at == 0 || words.as_bytes()[at - 1] == b' ')
            && (end == words.len() || words.as_bytes()[end] == b' ')
    })
}

/// "newsCaption InlineImage-imageEmbedCredit" -> "news Caption Inline Image-image Embed Credit":
/// camel-case class names hold the same words as hyphenated ones.
fn split_camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev_lower = false;
    for c in s.chars() {
        if prev_lower && c.is_ascii_uppercase() {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_names() {
        for yes in [
            "share-bar",
            "sharedaddy sd-sharing-enabled",
            "newsletter-signup",
            "c-related-links",
            "comments-area",
            "ad-slot",
            "wp-caption-text",
            "read-more",
            "sr-only",
            "post-meta",
            "newsCaption",
            "InlineImage-imageEmbedCredit",
            "RelatedContent",
        ] {
            assert!(furniture_name(yes).is_some(), "{yes}");
        }
        for no in [
            "article-body",
            "story-content",
            "entry-content",
            "commentary-body",
            "headline",
            "header",
            "lead",
            "shadow",
            "add-to-list",
        ] {
            assert_eq!(furniture_name(no), None, "{no}");
        }
    }

    #[test]
    fn a_post_wrapper_is_not_furniture_for_its_taxonomy_classes() {
        let doc = Document::from(
            r#"<div class="post-7 post type-post hentry tag-news author-jo" id="a">x</div>
               <div class="entry-author-garr entry-type-post entry" id="b">x</div>
               <div class="widget Blog" id="c">x</div>
               <div class="widget BlogArchive" id="d">x</div>
               <div class="post-meta" id="e">x</div>"#,
        );
        let reason = |id: &str| {
            let sel = doc.select(&format!("#{id}"));
            let node = sel.nodes()[0];
            furniture_reason(&node, "div", false)
        };
        assert_eq!(reason("a"), None);
        assert_eq!(reason("b"), None);
        assert_eq!(reason("c"), None);
        assert!(reason("d").is_some());
        assert!(reason("e").is_some());
    }

    #[test]
    fn a_heading_anchor_id_is_not_a_furniture_name() {
        let doc = Document::from(
            r#"<div id="sharing-with-a-single-developer"><h2>Sharing with a single developer</h2>
               <p>x</p></div>
               <div id="share-this-post-now"><a href="/x">Facebook</a></div>"#,
        );
        let reason = |sel: &str| {
            let found = doc.select(sel);
            furniture_reason(&found.nodes()[0], "div", false)
        };
        assert_eq!(reason("#sharing-with-a-single-developer"), None);
        assert!(reason("#share-this-post-now").is_some());
    }

    #[test]
    fn guard_keeps_the_story_container() {
        let html = r#"<html><body><div class="page has-sidebar share-enabled">
            <h1>Headline here</h1><p>A long paragraph of story text that is the article.</p>
            <div class="share-bar">Share on Facebook</div></div></body></html>"#;
        let doc = Document::from(html);
        preclean(&doc);
        let text = doc.root().text();
        assert!(text.contains("story text"));
        assert!(!text.contains("Share on Facebook"));
    }
}
