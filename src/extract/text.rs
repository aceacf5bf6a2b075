//! Small string helpers shared by the extraction passes.
//!
//! For: whitespace collapsing and the few HTML entities that survive in JSON-LD strings.
//! Not for: HTML parsing (the DOM parser decodes entities in markup itself).

/// Collapses every run of whitespace (including non-breaking spaces) to one space and
/// trims both ends.
#[must_use]
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Decodes the HTML entities commonly left in JSON-LD and `<meta>` strings (`&amp;`,
/// `&quot;`, `&#39;`, `&#x27;`, ...). Unknown entities are kept as they are.
#[must_use]
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let ch = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some(' '),
                "rsquo" | "lsquo" => Some('\''),
                "rdquo" | "ldquo" => Some('"'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((ch, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_whitespace("  a \n\t b\u{a0}c  "), "a b c");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn decodes_common_entities() {
        assert_eq!(
            decode_entities("A &amp; B &#39;C&#x27; &quot;D&quot;"),
            "A & B 'C' \"D\""
        );
        assert_eq!(
            decode_entities("AT&T &unknown; & more"),
            "AT&T &unknown; & more"
        );
        assert_eq!(decode_entities("tail &"), "tail &");
        assert_eq!(decode_entities("&#99999999;"), "&#99999999;");
    }
}
