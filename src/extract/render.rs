//! Rendering: the chosen content subtree as text blocks, then line-level filtering.
//!
//! For: turning a DOM subtree into paragraphs (one per block element, `<br>` as a line
//! break, whitespace collapsed, `<pre>` kept) while measuring how much of each paragraph is
//! link text; then dropping the paragraphs that are furniture even inside the article
//! container: link lists, "Advertisement" / "Read more" lines, photo credits, date and
//! byline lines, repeats and the headline itself. Not for: choosing the container (the
//! readability scorer does that) or metadata (see `metadata`).
//!
//! One file on purpose: the paragraph filters read the link-text measure and the block
//! structure the rendering records, and each filter is a few lines over that shared record.

use std::sync::LazyLock;

use dom_query::{NodeData, NodeRef};
use regex::Regex;

/// Elements that start and end a paragraph.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is never text.
const SKIPPED_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "select", "textarea", "head", "title", "meta", "link",
];

/// Table cells: inline, but their contents are separated by a space.
const CELL_TAGS: &[&str] = &["td", "th"];

/// A paragraph with more than this share of its characters inside links is a link list
/// ("Related: ...", menus, tag clouds), not prose.
const MAX_LINK_DENSITY: f64 = 0.5;

/// Lines up to this length are checked against the boilerplate phrases; longer ones are
/// prose that merely mentions them.
const MAX_BOILERPLATE_CHARS: usize = 200;

/// Lines up to this length are checked for photo credits ("(Image: Getty)").
const MAX_CAPTION_CHARS: usize = 400;

/// Lines up to this length are checked for being only a date / time stamp.
const MAX_DATELINE_CHARS: usize = 120;

/// "By Jane Doe" lines of at most this many words are bylines, not prose.
const MAX_BYLINE_WORDS: usize = 7;

/// A paragraph that repeats the one just before it, and is at least this long (in letters
/// and digits), is dropped: it is a caption or teaser shown twice. Repeats further apart
/// are kept (interview questions, recipe lines), and so are short ones ("Buy now").
const MIN_DEDUP_CHARS: usize = 40;

/// One paragraph of rendered text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    /// The text: whitespace collapsed, lines joined by `\n` where the page had `<br>`.
    pub text: String,
    /// Non-whitespace characters.
    pub chars: usize,
    /// Non-whitespace characters inside `<a>`.
    pub link_chars: usize,
    /// Opened by `<h1>`..`<h6>`.
    pub heading: bool,
    /// The last character is inside a link (`... Read more...` as a link).
    pub ends_in_link: bool,
}

impl Block {
    fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }
}

enum Op<'a> {
    Enter(NodeRef<'a>),
    Exit {
        block: bool,
        link: bool,
        pre: bool,
        cell: bool,
    },
}

/// Accumulates the text of the current paragraph.
#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    cur: String,
    chars: usize,
    link_chars: usize,
    pending_space: bool,
    last_in_link: bool,
    link_depth: usize,
    pre_depth: usize,
    /// Open block elements: whether each is a heading.
    open: Vec<bool>,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if self.pre_depth > 0 && c == '\n' {
                self.line_break();
                continue;
            }
            if c.is_whitespace() || c == '\u{a0}' {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.cur.is_empty() && !self.cur.ends_with('\n') {
                self.cur.push(' ');
            }
            self.pending_space = false;
            self.cur.push(c);
            self.chars += 1;
            self.last_in_link = self.link_depth > 0;
            if self.last_in_link {
                self.link_chars += 1;
            }
        }
    }

    fn line_break(&mut self) {
        if !self.cur.is_empty() && !self.cur.ends_with('\n') {
            self.cur.push('\n');
        }
        self.pending_space = false;
    }

    fn flush(&mut self) {
        let heading = self.open.last().copied().unwrap_or(false);
        let mut text = String::with_capacity(self.cur.len());
        for line in self.cur.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
        if !text.is_empty() {
            self.blocks.push(Block {
                text,
                chars: self.chars,
                link_chars: self.link_chars,
                heading,
                ends_in_link: self.last_in_link,
            });
        }
        self.last_in_link = false;
        self.cur.clear();
        self.chars = 0;
        self.link_chars = 0;
        self.pending_space = false;
    }
}

/// Renders the subtree under `root` as paragraphs. Iterative: safe on any depth.
pub(crate) fn render_blocks(root: &NodeRef<'_>) -> Vec<Block> {
    let mut b = Builder::default();
    let mut ops = vec![Op::Enter(*root)];
    while let Some(op) = ops.pop() {
        match op {
            Op::Enter(node) => enter(&mut b, &mut ops, node),
            Op::Exit {
                block,
                link,
                pre,
                cell,
            } => {
                if link {
                    b.link_depth -= 1;
                }
                if pre {
                    b.pre_depth -= 1;
                }
                if cell {
                    b.pending_space = true;
                }
                if block {
                    b.flush();
                    b.open.pop();
                }
            }
        }
    }
    b.flush();
    b.blocks
}

/// What an element does to the rendering.
#[derive(Clone, Copy)]
struct ElementKind {
    skip: bool,
    br: bool,
    block: bool,
    heading: bool,
    link: bool,
    pre: bool,
    cell: bool,
}

fn element_kind(name: &str) -> ElementKind {
    ElementKind {
        skip: SKIPPED_TAGS.contains(&name),
        br: name == "br",
        block: BLOCK_TAGS.contains(&name),
        heading: matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
        link: name == "a",
        pre: name == "pre",
        cell: CELL_TAGS.contains(&name),
    }
}

fn enter<'a>(b: &mut Builder, ops: &mut Vec<Op<'a>>, node: NodeRef<'a>) {
    let kind = node.query(|n| match &n.data {
        NodeData::Element(el) => Some(element_kind(el.name.local.as_ref())),
        NodeData::Text { contents } => {
            b.push_text(contents);
            None
        }
        _ => None,
    });
    let Some(Some(kind)) = kind else {
        if node.is_document() || node.is_fragment() {
            push_children(ops, &node);
        }
        return;
    };
    if kind.skip {
        return;
    }
    if kind.br {
        b.line_break();
        return;
    }
    if kind.block {
        b.flush();
        b.open.push(kind.heading);
    }
    let kind = ElementKind {
        link: kind.link && navigates(&node),
        ..kind
    };
    if kind.link {
        b.link_depth += 1;
    }
    if kind.pre {
        b.pre_depth += 1;
    }
    if kind.cell {
        b.pending_space = true;
    }
    ops.push(Op::Exit {
        block: kind.block,
        link: kind.link,
        pre: kind.pre,
        cell: kind.cell,
    });
    push_children(ops, &node);
}

/// Whether a link leads to another page or a place in this one: only such links make a
/// paragraph a link list. A target-less anchor (`<a name>`), a script hook
/// (`javascript:`), a mail or phone link are words of the sentence they sit in.
fn navigates(node: &NodeRef<'_>) -> bool {
    let Some(href) = node.attr("href") else {
        return false;
    };
    let href = href.trim();
    let scheme = href
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    !(href.is_empty()
        || href == "#"
        || matches!(
            scheme.as_str(),
            "javascript" | "mailto" | "tel" | "sms" | "data"
        ))
}

fn push_children<'a>(ops: &mut Vec<Op<'a>>, node: &NodeRef<'a>) {
    for child in node.children_it(true) {
        ops.push(Op::Enter(child));
    }
}

/// What the filters know about the page.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FilterContext<'a> {
    /// The headline.
    pub title: Option<&'a str>,
    /// The first `<h1>`.
    pub h1: Option<&'a str>,
    /// The author line.
    pub byline: Option<&'a str>,
}

/// Whole lines that are furniture ("Advertisement", "Image 1 of 9", "Share this article").
static BOILERPLATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          advertisement|advertising|advert|ad|sponsored(?:\s+content)?|story\s+continues(?:\s+below)?(?:\s+advertisement)?
        | continue\s+reading(?:\s+below|\s+the\s+main\s+story)?|(?:read|see|view|show|load)\s+(?:more|less|all|next)(?:\s+\w+){0,3}
        | share(?:\s+this)?(?:\s+(?:article|story|post|page))?(?:\s+on\s+\w+)?|sharing\s+is\s+caring!?|shares?|tweet|email|print|copy\s+link|comments?(?:\s*\(\d+\))?|\d+\s+comments?
        | caption|close|expand|collapse|loading(?:\s+content)?(?:\s*\.\.\.|…)?|image\s+\d+\s+of\s+\d+|\d+\s*of\s*\d+|photos?|videos?|gallery|enlarge\s+this\s+image|hide\s+caption|toggle\s+caption
        | media\s+playback\s+is\s+unsupported\s+on\s+your\s+device|this\s+slideshow\s+requires\s+javascript\.?|you\s+may\s+also\s+like|related(?:\s+(?:articles?|stories|content|coverage|posts?|links?|topics?|news))?
        | (?:most\s+)?(?:popular|read|trending)(?:\s+(?:now|stories|articles))?|latest(?:\s*/\s*popular)?|top\s+stories|don'?t\s+miss|must\s+read|highlights|subscribe|sign\s+up|log\s*in|sign\s+in|register
        | follow\s+us(?:\s+on\s+\w+)?|tell\s+us\s+what\s+you\s+think\.*|like\s+this\s+story\??\s*share\s+it\s+with\s+a\s+friend!?|breaking\s+news\s+emails|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|topics?:?|tags?:?
        | home|menu|search|_{2,}|-{2,}|\*{3,}|#+|•+
        )[.!:]?$",
    )
    .expect("static regex") // infallible: a constant pattern, exercised by the tests
});

/// Lines that open with a furniture lead-in ("READ MORE: ...", "Related: ...").
static BOILERPLATE_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          (?:read|see)\s+(?:more|also|next)\s*[:|>»-]|related\s*(?:articles?|stories|coverage)?\s*:|also\s+(?:read|see|on\s+\S+)\b|more\s*:|watch\s*:|listen\s*:|click\s+here\s+to\b|recommended\s*:
        | sign\s+up\s+(?:for|to)\s+(?:our|the)\b|get\s+(?:our|the)\s+\w+(?:\s+\w+)?\s+newsletter|subscribe\s+to\s+(?:our|the)\b|follow\s+(?:us|him|her|them)\s+on\b|get\s+breaking\s+news\s+alerts
        | you\s+can\s+follow\s+any\s+responses\s+to\s+this\b|you\s+may\s+use\s+these\s+html\s+tags\b|you\s+can\s+leave\s+a\s+response\b
        | this\s+post\s+may\s+contain\s+affiliate|copyright\s*©|©\s*\d{4}|all\s+rights\s+reserved
        )",
    )
    .expect("static regex")
});

/// Phrases of a legal footer (see [`is_legal_line`]).
static LEGAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)©\s*(?:\d{4}|copyright)|\(c\)\s*\d{4}|\bcopyright\s*(?:©\s*)?(?:\(c\)\s*)?\d{4}|\ball\s+rights\s+reserved\b|\b(?:are|is\s+a)\s+(?:registered\s+)?trademarks?\s+of\b",
    )
    .expect("static regex")
});

/// Photo credits inside a caption line: "(Image: GETTY)", "(AP Photo/...)", "Photo: ...".
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
          \((?:image|images|photo|photos|photograph|picture|pic|credit|foto|video|source)\s*(?::|by|credit)[^)]*\)\s*$
        | \([^()]*\b(?:ap|afp|reuters|getty\s+images|epa|dpa|shutterstock|istock|bloomberg)\b[^()]*\)\s*$
        | ^in\s+this\s+[^.]{0,80}\b(?:file\s+)?(?:photo|image|picture)\b
        | \bap\s+photo\s*/
        | ^(?:image|photo|picture|credit|foto)s?\s*(?:copyright|credit)?\s*:
        | ^image\s+(?:copyright|caption)\b
        | \bphotograph:\s
        | (?:photo|image)\s*(?:credit)?\s*:\s*[^.]{0,60}$
        ",
    )
    .expect("static regex")
});

/// Words of a date / time stamp line ("PUBLISHED: 10:48, Tue, Nov 19, 2019").
static DATE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december
        | mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday
        | am|pm|a|p|m|utc|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|cet|cest|et|pt|ist
        | published|updated|posted|modified|last|on|at|original|originally|date|time|st|nd|rd|th|of|and|by|today|yesterday|ago|hours?|minutes?|min|hrs?
        )$",
    )
    .expect("static regex")
});

/// Drops furniture paragraphs (see the module doc) and returns the rest.
pub(crate) fn filter_blocks(blocks: Vec<Block>, ctx: FilterContext<'_>) -> Vec<Block> {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let title_keys: Vec<String> = [ctx.title, ctx.h1]
        .into_iter()
        .flatten()
        .map(key)
        .filter(|k| !k.is_empty())
        .collect();
    let byline_key = ctx.byline.map(key).filter(|k| !k.is_empty());
    let mut previous: Option<String> = None;
    let mut out = Vec::with_capacity(blocks.len());
    let lone: Vec<bool> = (0..blocks.len())
        .map(|i| is_lone_link_line(&blocks, i))
        .collect();
    for (i, block) in blocks.into_iter().enumerate() {
        let k = key(&block.text);
        if let Some(reason) = drop_reason(
            &block,
            &k,
            &title_keys,
            byline_key.as_deref(),
            previous.as_deref(),
            lone[i],
        ) {
            tracing::debug!(reason, text = %block.text, "dropped paragraph");
            continue;
        }
        if is_teaser(&block) {
            // A teaser of another story: its headline (a heading or a lone link line just
            // before it) goes with it.
            tracing::debug!(reason = "teaser", text = %block.text, "dropped paragraph");
            if out
                .last()
                .is_some_and(|b: &Block| b.heading || b.link_density() > MAX_LINK_DENSITY)
            {
                out.pop();
            }
            previous = None;
            continue;
        }
        previous = Some(k);
        out.push(block);
    }
    drop_furniture_tail(&mut out);
    // A heading with nothing after it titled a section that was furniture ("Related").
    while out.last().is_some_and(|b| b.heading) {
        if let Some(b) = out.pop() {
            tracing::debug!(reason = "trailing heading", text = %b.text, "dropped paragraph");
        }
    }
    out
}

/// A link line opening with a label: "Also: ...", "SEE MORE: ...", "Related - ...".
static LABELLED_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\W*(?:\w+\W?\s*){1,3}?(?::|\s[-|»>])\s").expect("static regex"));

/// Prose: a paragraph of running text, not a heading or a link line.
fn is_prose(block: &Block) -> bool {
    !block.heading && block.link_density() <= MAX_LINK_DENSITY && block.chars >= MIN_PROSE_CHARS
}

/// Non-whitespace characters of a paragraph that counts as prose around a lone link line.
const MIN_PROSE_CHARS: usize = 80;

/// Words a lone link line needs ("Learn more about the grant"); a bare "Next" is not one.
const MIN_LONE_LINK_WORDS: usize = 3;

/// A single linked line after a prose paragraph and before more of the article (prose or
/// a section heading followed by prose): a "Learn more about ..." line closing a section,
/// part of the article. Link lists have several link lines in a row, and a link line
/// after the last paragraph has no article after it.
fn is_lone_link_line(blocks: &[Block], i: usize) -> bool {
    let b = &blocks[i];
    if b.heading || b.link_density() <= MAX_LINK_DENSITY || b.text.contains('\n') {
        return false;
    }
    if b.text.split_whitespace().count() < MIN_LONE_LINK_WORDS
        || !b.text.chars().any(char::is_lowercase)
        || LABELLED_LINK.is_match(&b.text)
    {
        // Shouted headlines ("CLICK HERE TO ...") and labelled links ("Also: ...",
        // "SEE MORE: ...") promote other pages.
        return false;
    }
    let before = i > 0 && is_prose(&blocks[i - 1]);
    let after = match blocks.get(i + 1) {
        Some(n) if n.heading => blocks.get(i + 2).is_some_and(is_prose),
        Some(n) => is_prose(n),
        None => false,
    };
    before && after
}

/// A paragraph of at least this many non-whitespace characters (not a link line) is a
/// full paragraph of the story: the furniture tail starts after the last one.
const TAIL_ANCHOR_CHARS: usize = 100;
/// Fewest blocks a furniture tail has; fewer short lines may close the story.
const MIN_TAIL_BLOCKS: usize = 4;
/// At most this share of a furniture tail reads as sentences.
const TAIL_PROSE_SHARE: f64 = 0.5;
/// A furniture tail has at least this share of link text ...
const TAIL_LINK_SHARE: f64 = 0.3;
/// ... or at least this share of headings (lists of facts, results and recipes have
/// neither).
const TAIL_HEADING_SHARE: f64 = 0.34;

/// Drops the furniture tail after the article: when the text after its last full
/// paragraph is a run of short lines that mostly do not read as sentences and are link
/// text or section headings ("Most Viewed Stories", headline lists, "Print this
/// article"), the story has ended and the page's trailing blocks were taken with it.
fn drop_furniture_tail(out: &mut Vec<Block>) {
    let Some(last) = out.iter().rposition(|b| {
        !b.heading && b.chars >= TAIL_ANCHOR_CHARS && b.link_density() <= MAX_LINK_DENSITY
    }) else {
        return;
    };
    let tail = &out[last + 1..];
    if tail.len() < MIN_TAIL_BLOCKS {
        return;
    }
    let prose = tail
        .iter()
        .filter(|b| !b.heading && is_sentence(&b.text) && b.chars >= 40)
        .count();
    let chars: usize = tail.iter().map(|b| b.chars).sum();
    let links: usize = tail.iter().map(|b| b.link_chars).sum();
    let headings = tail.iter().filter(|b| b.heading).count();
    let furniture = links as f64 >= TAIL_LINK_SHARE * chars as f64
        || (headings as f64) >= TAIL_HEADING_SHARE * tail.len() as f64;
    if (prose as f64) <= TAIL_PROSE_SHARE * tail.len() as f64 && furniture {
        for b in out.drain(last + 1..) {
            tracing::debug!(reason = "furniture tail", text = %b.text, "dropped paragraph");
        }
    }
}

/// Why a paragraph is furniture, if it is.
fn drop_reason(
    block: &Block,
    k: &str,
    title_keys: &[String],
    byline_key: Option<&str>,
    previous: Option<&str>,
    lone_link_line: bool,
) -> Option<&'static str> {
    if k.is_empty() && block.chars < 3 {
        return Some("no text");
    }
    if title_keys.iter().any(|t| t == k) {
        return Some("headline");
    }
    if byline_key == Some(k) {
        return Some("byline");
    }
    if block.link_density() > MAX_LINK_DENSITY
        && !lone_link_line
        && !is_sentence(&block.text)
        && !is_url(&block.text)
    {
        return Some("link density");
    }
    if is_boilerplate_line(&block.text) {
        return Some("boilerplate line");
    }
    if is_legal_line(&block.text) {
        return Some("legal line");
    }
    if is_credit_line(&block.text) {
        return Some("photo credit");
    }
    if is_dateline(&block.text) {
        return Some("date line");
    }
    if is_byline_line(&block.text) {
        return Some("byline line");
    }
    if k.chars().count() >= MIN_DEDUP_CHARS && previous == Some(k) {
        return Some("repeat");
    }
    None
}

/// A link to the rest of another story at the end of a paragraph: "Read more...",
/// "Continue reading →", "Full story »".
static READ_MORE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:\bread\s+(?:more|on|the\s+(?:full|rest)(?:\s+\w+)?)|\bcontinue\s+reading(?:\s+\w+){0,3}|\bfull\s+(?:story|article))\s*(?:\.{2,}|…|»|>>?|→|\]|\))?|\bmore\s*(?:\.{2,}|…|»|>>?|→))\s*$",
    )
    .expect("static regex")
});

/// A teaser: a paragraph that ends in a "Read more" link to another page.
fn is_teaser(block: &Block) -> bool {
    block.ends_in_link
        && block.text.len() <= MAX_TEASER_CHARS
        && READ_MORE_TAIL.is_match(&block.text)
}

/// Teasers are short; a long paragraph that ends in a "more" link is prose.
const MAX_TEASER_CHARS: usize = 400;

/// Ends like a sentence: linked prose ("... was convicted last Thursday.") is kept, while
/// link lists and teaser headlines have no final stop.
fn is_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', '"', '\u{201d}', '\u{3002}', ')'])
}

/// A bare address, printed as a source note ("www.example.com").
fn is_url(text: &str) -> bool {
    let t = text.trim();
    !t.contains(' ') && (t.starts_with("http") || t.starts_with("www."))
}

/// "Advertisement", "Read more: ...", "Sign up for our newsletter ..." and the like.
pub(crate) fn is_boilerplate_line(text: &str) -> bool {
    if text.len() > MAX_BOILERPLATE_CHARS {
        return false;
    }
    let t = text.trim();
    BOILERPLATE_LINE.is_match(t) || BOILERPLATE_LEAD.is_match(t)
}

/// A site's legal footer: "© 2012 ...", "All rights reserved", "... are registered
/// trademarks of ...".
pub(crate) fn is_legal_line(text: &str) -> bool {
    (text.len() <= MAX_CAPTION_CHARS && LEGAL.is_match(text))
        || (text.len() <= MAX_LEGAL_CHARS && LEGAL.find_iter(text).count() >= MIN_LEGAL_PHRASES)
}

/// A long legal footer (trademark lists) is told by several legal phrases.
const MAX_LEGAL_CHARS: usize = 3000;
/// Legal phrases a long paragraph needs to be a legal footer.
const MIN_LEGAL_PHRASES: usize = 3;

/// A caption with a photo credit.
pub(crate) fn is_credit_line(text: &str) -> bool {
    text.len() <= MAX_CAPTION_CHARS && CREDIT.is_match(text.trim())
}

/// A line made only of date and time words and numbers.
pub(crate) fn is_dateline(text: &str) -> bool {
    if text.len() > MAX_DATELINE_CHARS {
        return false;
    }
    let mut dateish = 0;
    let mut other = 0;
    for token in alnum_runs(text) {
        if token.bytes().all(|b| b.is_ascii_digit()) {
            dateish += 1;
        } else if DATE_WORD.is_match(token) {
            if token.len() > 2 {
                dateish += 1;
            }
        } else {
            other += 1;
        }
    }
    dateish >= 2 && other == 0
}

/// Runs of ASCII letters or of digits ("2019Updated" -> "2019", "Updated").
fn alnum_runs(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
            if bytes[i] >= 0x80 {
                // Non-ASCII letters count as "other" words: return them as one run.
                let start = i;
                while i < bytes.len() && bytes[i] >= 0x80 {
                    i += 1;
                }
                return text.get(start..i);
            }
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        let digit = bytes[i].is_ascii_digit();
        while i < bytes.len()
            && bytes[i].is_ascii_alphanumeric()
            && bytes[i].is_ascii_digit() == digit
        {
            i += 1;
        }
        text.get(start..i)
    })
}

/// "By Jane Doe", "By Jane Doe and John Roe, Reuters": a short line opening with "By"
/// followed by capitalised words.
pub(crate) fn is_byline_line(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    if !first.eq_ignore_ascii_case("by") && !first.eq_ignore_ascii_case("by:") {
        return false;
    }
    let rest: Vec<&str> = words.collect();
    rest.len() <= MAX_BYLINE_WORDS
        && rest.iter().all(|w| {
            w.chars().next().is_some_and(|c| !c.is_lowercase())
                || matches!(*w, "and" | "&" | "in" | "for" | "of" | "de" | "van" | "von")
        })
}

/// Joins blocks into the main text: paragraphs separated by exactly one blank line.
pub(crate) fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn blocks_of(html: &str) -> Vec<String> {
        let doc = Document::from(html);
        render_blocks(&doc.root())
            .into_iter()
            .map(|b| b.text)
            .collect()
    }

    #[test]
    fn renders_paragraphs_and_inline_text() {
        let b = blocks_of(
            "<div><p>One <b>bold</b>  word.</p>Loose text<p>Line<br>break</p><ul><li>a</li><li>b</li></ul></div>",
        );
        assert_eq!(b, ["One bold word.", "Loose text", "Line\nbreak", "a", "b"]);
    }

    fn texts(blocks: &[Block]) -> Vec<&str> {
        blocks.iter().map(|b| b.text.as_str()).collect()
    }

    const PROSE: &str = "The council met on Thursday to agree the plan for the new roof, which has leaked over the stage since the storms of last winter.";

    #[test]
    fn a_lone_link_line_inside_the_story_stays_and_link_lists_go() {
        let html = format!(
            "<p>{PROSE}</p><p><a href=/g>Learn more about the grant</a></p><h2>Next</h2><p>{PROSE} Again.</p>\
             <p><a href=/a>Other story one</a></p><p><a href=/b>Other story two</a></p>\
             <p><a href=/c>Also: see the gallery</a></p><p>{PROSE} Third.</p>"
        );
        let doc = Document::from(html.as_str());
        let kept = filter_blocks(render_blocks(&doc.root()), FilterContext::default());
        let kept = texts(&kept);
        assert!(kept.contains(&"Learn more about the grant"), "{kept:?}");
        assert!(
            !kept
                .iter()
                .any(|t| t.contains("Other story") || t.contains("gallery")),
            "{kept:?}"
        );
    }

    #[test]
    fn the_furniture_tail_goes_and_a_list_of_facts_stays() {
        let tail = "<h3>Most Viewed</h3><p><a href=/a>One headline</a></p><h3>Business Resources</h3><p>Print this article</p><p><a href=/b>Two headline</a></p><p>E-mail this article</p><p>Larger text | Smaller text</p>";
        let doc = Document::from(format!("<p>{PROSE}</p>{tail}").as_str());
        let kept = filter_blocks(render_blocks(&doc.root()), FilterContext::default());
        assert_eq!(texts(&kept), [PROSE]);
        let facts = "<h3>Results</h3><p>Viera 1, Melbourne 0</p><p>Merritt Island 2, Titusville 1</p><p>Astronaut 3, Palm Bay 2</p><p>Cocoa 0, Rockledge 0</p>";
        let doc = Document::from(format!("<p>{PROSE}</p>{facts}").as_str());
        let kept = filter_blocks(render_blocks(&doc.root()), FilterContext::default());
        assert_eq!(kept.len(), 6);
    }

    #[test]
    fn measures_link_density() {
        let doc = Document::from("<p><a href=x>Related story here</a> ok</p>");
        let b = render_blocks(&doc.root());
        assert_eq!(b.len(), 1);
        assert!(b[0].link_density() > 0.8);
        // Links that lead nowhere else are words, not link text.
        let doc = Document::from(
            "<p><a name=x>Term</a> <a href='javascript:void(0)'>one</a> <a href='mailto:a@b.c'>two</a> <a href='#'>three</a></p>",
        );
        assert_eq!(render_blocks(&doc.root())[0].link_chars, 0);
    }

    #[test]
    fn recognises_furniture_lines() {
        for yes in [
            "Advertisement",
            "READ MORE: China plague outbreak confirmed",
            "Image 1 of 9",
            "Sharing is caring!",
            "Like this story? Share it with a friend!",
            "Sign up for our newsletter to get the top stories",
        ] {
            assert!(is_boilerplate_line(yes), "{yes}");
        }
        assert!(!is_boilerplate_line("Read more about the case in the court filing, which runs to 40 pages and was released on Monday by the clerk of the court in the district."));
        assert!(!is_boilerplate_line(
            "Related companies saw their shares fall."
        ));
        assert!(is_credit_line("Protesters have worn masks (Image: GETTY )"));
        assert!(is_credit_line(
            "A long row of unsold vehicles. (AP Photo/David Zalubowski)"
        ));
        assert!(is_credit_line(
            "Photo: David Zalubowski, STF / Associated Press"
        ));
        assert!(!is_credit_line("The photo agency said it would appeal."));
        assert!(is_credit_line("In this Dec. 12, 2006, file photo, made available by NASA, astronauts work. (NASA via AP, File)"));
        assert!(is_dateline("PUBLISHED: 10:48, Tue, Nov 19, 2019"));
        assert!(is_dateline("Nov. 20, 2019Updated: Nov. 20, 2019 1:35 a.m."));
        assert!(!is_dateline("On Nov 19, 2019 the council met"));
        assert!(!is_dateline("2019"));
        assert!(is_legal_line(&format!(
            "{} are registered trademarks of the League. {} are trademarks of the League. © League 2012. All Rights Reserved.",
            "Name and logo, ".repeat(20),
            "Word mark, ".repeat(20)
        )));
        assert!(is_boilerplate_line(
            "You can follow any responses to this entry through the RSS 2.0 feed."
        ));
        assert!(is_byline_line("By Paul Takahashi"));
        assert!(!is_byline_line("By 2030 the plan aims to cut costs"));
    }
}
