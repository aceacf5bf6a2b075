//! Tokens: words, lower-casing, stems and stop words.

/// Iterates over the words of `text`: maximal runs of alphanumeric characters
/// (apostrophes inside a word kept, as in "don't").
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
}
