//! Page text made safe and short for Discord: [`one_line`] turns it into one clean line,
//! [`escape_discord`] escapes every markdown control character and neutralises mentions,
//! [`plain_discord`] neutralises mentions where Discord shows plain text, and [`shorten`]
//! cuts a text to a limit as Discord counts length ([`discord_len`]).
//!
//! Not for Discord's limits or what a card holds (see [`super::embed`]): plain text in, text
//! out.

/// Inserted after every `@` of page text so that no mention (`@everyone`, `<@id>`) forms.
pub const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Length as Discord counts it. Counting UTF-16 code units is never less than counting
/// code points, so a text within the limit by this measure is within it by either.
#[must_use]
pub fn discord_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Collapses every run of whitespace (newlines included) into one space and drops control
/// characters: page text becomes one clean line.
#[must_use]
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            // Control and bidirectional-override characters could reorder or hide text.
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Makes page text safe for Discord markdown: one line, every markdown control character
/// escaped (so no bold, spoilers, code, quotes, headings or masked links `[x](url)`), and a
/// zero-width space after every `@` (so no `@everyone`, `@here`, user or role mention forms).
#[must_use]
pub fn escape_discord(s: &str) -> String {
    let line = one_line(s);
    let mut out = String::with_capacity(line.len() + line.len() / 8);
    for (i, c) in line.chars().enumerate() {
        match c {
            '\\' | '*' | '_' | '`' | '~' | '|' | '>' | '<' | '#' | '[' | ']' | '(' | ')' | ':' => {
                out.push('\\');
                out.push(c);
            }
            // A leading `-` or `+` would start a list (`-# ` a subtext line).
            '-' | '+' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push(ZERO_WIDTH_SPACE);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Cleans text for places Discord shows as plain text (author line, footer): one line, with
/// `@` neutralised all the same.
#[must_use]
pub fn plain_discord(s: &str) -> String {
    one_line(s).replace('@', &format!("@{ZERO_WIDTH_SPACE}"))
}

/// Shortens `s` to at most `max` (by [`discord_len`]), cutting at a word boundary when one
/// is near and ending with `ellipsis`. Text already short enough is returned unchanged.
#[must_use]
pub fn shorten(s: &str, max: usize, ellipsis: &str) -> String {
    if discord_len(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(discord_len(ellipsis));
    if room == 0 {
        return take_prefix(ellipsis, max).to_string();
    }
    let hard = take_prefix(s, room);
    // Prefer the last space in the second half of the kept text; a cut mid-word is only
    // used when the text has no space late enough (one huge token).
    let cut = match hard.rfind(char::is_whitespace) {
        Some(i) if i >= hard.len() / 2 => &hard[..i],
        _ => hard,
    };
    let mut cut = cut.trim_end().to_string();
    // An odd number of trailing backslashes would escape the ellipsis' first character.
    let trailing = cut.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        cut.pop();
    }
    // A cut between `@` and its neutralising zero-width space would leave a bare `@`
    // before the ellipsis: drop the `@` as well, so every `@` kept stays neutralised.
    while cut.ends_with('@') {
        cut.pop();
    }
    cut.push_str(ellipsis);
    cut
}

/// The longest prefix of `s` whose [`discord_len`] is at most `max` (on a char boundary).
fn take_prefix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_mentions_and_markdown() {
        let s = escape_discord("@everyone see [x](http://e.vil) **now** <@123>");
        assert!(!s.contains("@everyone"));
        assert!(!s.contains("<@1"), "{s}");
        assert!(s.contains("\\[x\\]\\(http\\:"));
        assert!(s.contains("\\*\\*now\\*\\*"));
    }

    #[test]
    fn shorten_never_leaves_a_bare_at_sign() {
        // Found by the `embed` fuzz target: the cut fell between `@` and its zero-width space.
        let s = format!("n1{}", format!("@{ZERO_WIDTH_SPACE}").repeat(40));
        for max in 3..40 {
            let out = shorten(&s, max, "…");
            let mut chars = out.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '@' {
                    assert_eq!(chars.peek(), Some(&ZERO_WIDTH_SPACE), "{out:?}");
                }
            }
        }
    }

    #[test]
    fn shorten_cuts_at_word_and_respects_max() {
        let s = shorten("alpha beta gamma delta", 13, "…");
        assert_eq!(s, "alpha beta…");
        assert!(discord_len(&s) <= 13);
        assert_eq!(shorten("short", 10, "…"), "short");
        let long = "é".repeat(300);
        let cut = shorten(&long, 256, "…");
        assert_eq!(discord_len(&cut), 256);
    }
}
