//! Whether a brief is worth posting: the bot stays quiet when it cannot help.
//!
//! A page that is not an article (a section front, a navigation menu, a listing of
//! headlines: its "sentences" are short lines without a closing mark), an article too short
//! to need a summary, and a text whose summary would not be much shorter than itself all get
//! no auto-reply. The threshold on the reduction is the one the summary bots of Reddit use:
//! below about 65 % fewer words, a summary only repeats the article.
//!
//! The judgement reads only the brief's summary and figures (never its `text`, which the
//! bot's cache drops), so it is pure and the same for every way a link reaches the bot;
//! commands report it privately instead of posting.

use crate::brief::Brief;

/// Words an article needs at least.
pub const MIN_ARTICLE_WORDS: usize = 80;
/// Average words per sentence below which the text is a list of menu items, headlines or
/// links rather than prose (news prose averages 20 to 25).
pub const MIN_WORDS_PER_SENTENCE: f64 = 10.0;
/// Least reduction of words from text to summary for a brief to be posted (0.65: the
/// summary has at most 35 % of the text's words).
pub const MIN_REDUCTION: f64 = 0.65;

/// Why a brief is not posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quiet {
    /// Not an article: navigation, a listing of headlines, mostly link text, no summary.
    NotArticle,
    /// An article too short to need a brief.
    TooShort,
    /// The summary would not be much shorter than the text.
    LittleReduction,
}

impl Quiet {
    /// The key of the private explanation in `prompts/bot.toml`.
    #[must_use]
    pub fn prompt_key(self) -> &'static str {
        match self {
            Self::NotArticle => "quiet.not_article",
            Self::TooShort => "quiet.too_short",
            Self::LittleReduction => "quiet.little_reduction",
        }
    }
}

/// Whether a sentence ends as prose does (a closing mark, perhaps inside quotes).
fn ends_sentence(s: &str) -> bool {
    let end = s
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*']);
    end.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Summary sentences the reduction is judged on: a longer summary asked for on purpose
/// (`length: long`) is judged by its first sentences, as a default one would be.
pub const REDUCTION_SENTENCES: usize = 3;

/// Why `brief` should not be posted, or `None` when it is worth posting.
#[must_use]
pub fn quiet_reason(brief: &Brief) -> Option<Quiet> {
    let words = brief.stats.words;
    if brief.summary.is_empty() || words == 0 {
        return Some(Quiet::NotArticle);
    }
    let sentences = brief.stats.sentences.max(1);
    if (words as f64) < MIN_WORDS_PER_SENTENCE * sentences as f64 {
        return Some(Quiet::NotArticle);
    }
    let closed = brief.summary.iter().filter(|s| ends_sentence(s)).count();
    if closed * 2 < brief.summary.len() {
        return Some(Quiet::NotArticle);
    }
    if words < MIN_ARTICLE_WORDS {
        return Some(Quiet::TooShort);
    }
    let judged = &brief.summary[..brief.summary.len().min(REDUCTION_SENTENCES)];
    let summary_words: usize =
        if brief.summary.len() <= REDUCTION_SENTENCES && brief.stats.summary_words > 0 {
            brief.stats.summary_words
        } else {
            judged.iter().map(|s| s.split_whitespace().count()).sum()
        };
    if (summary_words as f64) > (1.0 - MIN_REDUCTION) * words as f64 {
        return Some(Quiet::LittleReduction);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::Stats;

    fn brief(paragraphs: &[&str], summary: &[&str]) -> Brief {
        let text = paragraphs.join("\n\n");
        let words = text.split_whitespace().count();
        let summary: Vec<String> = summary.iter().map(|s| (*s).to_string()).collect();
        let summary_words = summary.iter().map(|s| s.split_whitespace().count()).sum();
        Brief {
            text,
            summary,
            stats: Stats {
                words,
                sentences: paragraphs.len(),
                summary_words,
                ..Stats::default()
            },
            ..Brief::default()
        }
    }

    const SENTENCE: &str =
        "The council said on Monday that the budget plan would be published next week after a long debate.";

    #[test]
    fn a_long_article_with_a_short_summary_is_posted() {
        let paras = vec![SENTENCE; 12];
        assert_eq!(quiet_reason(&brief(&paras, &[SENTENCE, SENTENCE])), None);
    }

    #[test]
    fn a_menu_or_headline_list_is_not_an_article() {
        // Menu items: a few words a "sentence".
        let mut menu = vec![
            "Home",
            "World",
            "Business",
            "Technology",
            "Sport",
            "Opinion",
        ];
        menu.extend(vec![SENTENCE; 4]);
        assert_eq!(
            quiet_reason(&brief(&menu, &[SENTENCE])),
            Some(Quiet::NotArticle)
        );
        // Headlines: long enough, but none ends as a sentence does.
        let headline =
            "European leaders meet in Brussels to discuss the energy crisis and gas prices";
        let list = vec![headline; 12];
        assert_eq!(
            quiet_reason(&brief(&list, &[headline])),
            Some(Quiet::NotArticle)
        );
        assert_eq!(quiet_reason(&brief(&list, &[])), Some(Quiet::NotArticle));
    }

    #[test]
    fn a_short_article_is_too_short() {
        let paras = vec![SENTENCE; 3];
        assert_eq!(
            quiet_reason(&brief(&paras, &[SENTENCE])),
            Some(Quiet::TooShort)
        );
    }

    #[test]
    fn a_summary_nearly_as_long_as_the_text_is_below_the_threshold() {
        let paras = vec![SENTENCE; 6];
        // Two of six sentences: 67 % reduction, posted; three of six: 50 %, quiet.
        assert_eq!(quiet_reason(&brief(&paras, &[SENTENCE, SENTENCE])), None);
        assert_eq!(
            quiet_reason(&brief(&paras, &[SENTENCE, SENTENCE, SENTENCE])),
            Some(Quiet::LittleReduction)
        );
    }

    #[test]
    fn a_long_summary_asked_for_is_judged_by_its_first_sentences() {
        let paras = vec![SENTENCE; 12];
        // Seven of twelve sentences (length: long): judged on the first three, 75 % reduction.
        assert_eq!(quiet_reason(&brief(&paras, &[SENTENCE; 7])), None);
    }
}
