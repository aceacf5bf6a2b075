//! Text structure: paragraphs, sentences and tokens of a main text.
//!
//! Pure and allocation-light: everything here works on byte ranges into one string, so
//! every sentence handed downstream is a verbatim slice of the article text. No I/O.

pub mod sentences;
pub mod tokens;

use std::ops::Range;

pub use sentences::split_sentences;

/// One sentence of a [`Document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range of the sentence in [`Document::text`] (trimmed of surrounding space).
    pub range: Range<usize>,
    /// Index of the paragraph that holds it.
    pub paragraph: usize,
    /// Position of the sentence inside its paragraph (0 = first).
    pub index_in_paragraph: usize,
}

/// An article's text split into paragraphs and sentences, the input of every analyser.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The headline, if known.
    pub title: Option<String>,
    /// Language code of the text if known ("en", "de", ...).
    pub language: Option<String>,
    /// The main text; paragraphs separated by blank lines.
    pub text: String,
    /// Byte ranges of the paragraphs in `text`.
    pub paragraphs: Vec<Range<usize>>,
    /// The sentences, in text order.
    pub sentences: Vec<Sentence>,
}

impl Document {
    /// Splits `text` into paragraphs (on blank lines) and sentences.
    #[must_use]
    pub fn new(title: Option<String>, language: Option<String>, text: String) -> Self {
        let paragraphs = paragraph_ranges(&text);
        let mut sentences = Vec::new();
        for (p, range) in paragraphs.iter().enumerate() {
            let para = &text[range.clone()];
            for (i, s) in split_sentences(para).into_iter().enumerate() {
                sentences.push(Sentence {
                    range: range.start + s.start..range.start + s.end,
                    paragraph: p,
                    index_in_paragraph: i,
                });
            }
        }
        Self {
            title,
            language,
            text,
            paragraphs,
            sentences,
        }
    }

    /// The text of sentence `i`.
    ///
    /// # Panics
    /// If `i` is out of range.
    #[must_use]
    pub fn sentence(&self, i: usize) -> &str {
        &self.text[self.sentences[i].range.clone()]
    }

    /// Whether the text is in English (or of unknown language, taken as English).
    #[must_use]
    pub fn is_english(&self) -> bool {
        self.language
            .as_deref()
            .is_none_or(|l| l == "en" || l.starts_with("en-"))
    }
}

/// Byte ranges of the paragraphs of `text`: runs of lines separated by blank lines,
/// trimmed of surrounding whitespace, empty ones dropped.
#[must_use]
pub fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if blank {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(offset + lead);
            }
            end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// Counts words: runs of alphanumeric characters (as in the reading-time estimate).
#[must_use]
pub fn word_count(text: &str) -> usize {
    tokens::words(text).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "  First para.\nsame para.\n\n\n Second.  \n";
        let r = paragraph_ranges(t);
        assert_eq!(r.len(), 2);
        assert_eq!(&t[r[0].clone()], "First para.\nsame para.");
        assert_eq!(&t[r[1].clone()], "Second.");
    }

    #[test]
    fn document_sentences_are_slices() {
        let d = Document::new(None, None, "One here. Two there.\n\nThree.".into());
        let all: Vec<&str> = (0..d.sentences.len()).map(|i| d.sentence(i)).collect();
        assert_eq!(all, ["One here.", "Two there.", "Three."]);
        assert_eq!(d.sentences[2].paragraph, 1);
    }
}
