//! A guard against pathologically deep markup, applied to the HTML text before parsing.
//!
//! For: keeping extraction fast on hostile input. The HTML parser's scope checks walk the
//! stack of open elements, so a page of 100 000 nested `<div>`s costs minutes; this pass
//! estimates the nesting with a light tag scan and, only when it exceeds [`MAX_NESTING`],
//! drops the tags beyond that depth (their text is kept). Ordinary pages come back
//! untouched and borrowed. Not for: validating or repairing HTML.

use std::borrow::Cow;

/// Markup nested deeper than this is flattened before parsing. Real pages stay far below
/// (a few dozen levels, rarely more than two hundred).
pub(crate) const MAX_NESTING: usize = 512;

/// Elements without an end tag.
const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command", "basefont", "frame", "isindex",
];

/// Elements whose end tag is often omitted: not counted, so unclosed `<p>`s do not look
/// like nesting.
const OPTIONAL_END_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "rt", "rp", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT_TAGS: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];

/// One tag found by the scan.
struct Tag<'a> {
    /// Byte range of the whole tag in the source.
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
    self_closing: bool,
}

/// Returns `html` unchanged when its nesting stays within [`MAX_NESTING`], else a copy
/// without the start and end tags beyond that depth.
pub(crate) fn limit_nesting(html: &str) -> Cow<'_, str> {
    let mut depth = 0usize;
    let mut too_deep = false;
    scan(html, |tag| {
        if let Some(d) = depth_change(tag) {
            if d {
                depth += 1;
                too_deep |= depth > MAX_NESTING;
            } else {
                depth = depth.saturating_sub(1);
            }
        }
        !too_deep
    });
    if !too_deep {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut depth = 0usize;
    let mut excess = 0usize;
    scan(html, |tag| {
        let drop = match depth_change(tag) {
            Some(true) if depth >= MAX_NESTING => {
                excess += 1;
                true
            }
            Some(true) => {
                depth += 1;
                false
            }
            Some(false) if excess > 0 => {
                excess -= 1;
                true
            }
            Some(false) => {
                depth = depth.saturating_sub(1);
                false
            }
            None => false,
        };
        if drop {
            out.push_str(&html[copied..tag.start]);
            copied = tag.end;
        }
        true
    });
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// `Some(true)` for a start tag that opens a level, `Some(false)` for an end tag that
/// closes one, `None` for tags that do not nest.
fn depth_change(tag: &Tag<'_>) -> Option<bool> {
    if tag.self_closing {
        return None;
    }
    let name = tag.name.as_bytes();
    let mut lower = [0u8; 10];
    let Some(buf) = lower.get_mut(..name.len()) else {
        // Longer than any void or optional-end tag name.
        return Some(!tag.closing);
    };
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    let name = std::str::from_utf8(buf).unwrap_or("");
    if VOID_TAGS.contains(&name) || OPTIONAL_END_TAGS.contains(&name) {
        return None;
    }
    Some(!tag.closing)
}

/// Calls `visit` for each start and end tag, skipping comments, doctypes and raw text.
/// Stops when `visit` returns false.
fn scan<'a>(html: &'a str, mut visit: impl FnMut(&Tag<'a>) -> bool) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(bytes.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let Some(gt) = html[name_start..].find('>') else {
            return;
        };
        let end = name_start + gt + 1;
        let self_closing = !closing && html[..end].ends_with("/>");
        let tag = Tag {
            start,
            end,
            name,
            closing,
            self_closing,
        };
        if !visit(&tag) {
            return;
        }
        i = end;
        if !closing && RAW_TEXT_TAGS.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            i = find_end_tag(html, end, name).unwrap_or(bytes.len());
        }
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'<')
}

/// The byte index where the raw text of `name` ends (at its `</name`).
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let at = i + off;
        let candidate = bytes.get(at + 2..at + 2 + name.len());
        if bytes.get(at + 1) == Some(&b'/')
            && candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_borrowed() {
        let html = "<html><body><div><p>One<p>Two<br><img src=x></div><script>if (a<b) {}</script></body></html>";
        assert!(matches!(limit_nesting(html), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_markup_is_flattened_keeping_text() {
        let n = MAX_NESTING * 3;
        let html = format!("{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = limit_nesting(&html);
        assert!(out.contains("deep text"));
        assert_eq!(out.matches("<div>").count(), MAX_NESTING);
        assert_eq!(out.matches("</div>").count(), MAX_NESTING);
    }

    #[test]
    fn handles_truncated_and_odd_markup() {
        for html in [
            "<",
            "<div",
            "</",
            "<!--",
            "<<<>>>",
            "<a\u{e9}>",
            "<1>",
            "<script>x",
        ] {
            let _ = limit_nesting(html);
        }
    }
}
