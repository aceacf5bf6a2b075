//! Tokens: words, lower-casing, stems and stop words, for every analyser.
//!
//! What it is for: turning a sentence into comparable terms ("The officers said" ->
//! `offic`, `said`) so analysers can count, match and weigh words in any language the
//! splitter handles. Stemming uses the Snowball stemmers of `rust-stemmers` and stop words
//! come from the NLTK lists of the `stop-words` crate; a language without a stemmer (or
//! stop-word list) simply keeps whole lower-cased words.
//!
//! What it is not for: sentence splitting (see [`super::sentences`]) or recognising
//! names; tokens here are plain runs of letters and digits.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

use rust_stemmers::Algorithm;

/// Iterates over the words of `text`: maximal runs of alphanumeric characters
/// (apostrophes inside a word kept, as in "don't").
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
}

/// Lower-cases a word and writes its typographic apostrophe as `'`, so "Don’t" and
/// "don't" are one token. Borrows when nothing changes (the common case).
#[must_use]
pub fn normalize(word: &str) -> Cow<'_, str> {
    if word.chars().any(|c| c.is_uppercase() || c == '’') {
        Cow::Owned(word.to_lowercase().replace('’', "'"))
    } else {
        Cow::Borrowed(word)
    }
}

/// [`normalize`] without allocating: the changed form is written into `buf` (cleared
/// first) and borrowed from there; an unchanged word is borrowed as is.
pub fn normalize_into<'a>(word: &'a str, buf: &'a mut String) -> &'a str {
    if !word.chars().any(|c| c.is_uppercase() || c == '’') {
        return word;
    }
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        // `str::to_lowercase` knows context rules (a final Σ is ς); rare enough to allocate.
        buf.push_str(&word.to_lowercase().replace('’', "'"));
    }
    buf
}

/// The primary ISO 639-1 code of a language tag: "en-US" -> "en", "DE" -> "de".
/// Borrows when the tag is already a lower-case code (the common case).
#[must_use]
pub fn primary_language(tag: &str) -> Cow<'_, str> {
    let code = tag.split(['-', '_']).next().unwrap_or_default().trim();
    if code.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(code.to_ascii_lowercase())
    } else {
        Cow::Borrowed(code)
    }
}

/// The language assumed when none is known (news text of unknown language is most
/// often English, and [`super::Document::is_english`] makes the same choice).
pub const DEFAULT_LANGUAGE: &str = "en";

/// A Snowball stemmer chosen from a language code, or no stemming when the language has
/// none (the word is then returned unchanged).
///
/// Stems are remembered per thread (see [`STEM_CACHE_WORDS`]): a Snowball stem costs
/// thousands of instructions, and news articles share most of their words, so a batch or
/// a long-running bot stems each word about once.
pub struct Stemmer {
    inner: Option<(rust_stemmers::Stemmer, Algorithm)>,
}

/// Most words whose stems one thread remembers per language; past this the memory is
/// cleared and filled again. At most about 2 MiB per thread and language (the table, the
/// words and their stems); the bot briefs on at most `fetch_concurrency` threads at once.
pub const STEM_CACHE_WORDS: usize = 16_384;

/// Remembered stems, per Snowball algorithm: word -> its stem, or `None` when the stem is
/// the word itself.
type StemCache = HashMap<Box<str>, Option<Box<str>>>;

thread_local! {
    static STEM_CACHE: std::cell::RefCell<Vec<StemCache>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stemmer")
            .field("active", &self.inner.is_some())
            .finish()
    }
}

impl Stemmer {
    /// The stemmer for an ISO 639-1 code ("en", "de", "pt-BR", ...); `None` means
    /// [`DEFAULT_LANGUAGE`].
    #[must_use]
    pub fn for_language(code: Option<&str>) -> Self {
        let code = primary_language(code.unwrap_or(DEFAULT_LANGUAGE));
        Self {
            inner: snowball_algorithm(&code).map(|a| (rust_stemmers::Stemmer::create(a), a)),
        }
    }

    /// Whether this language has a stemmer (otherwise [`Stemmer::stem`] is the identity).
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.inner.is_some()
    }

    /// The stem of a lower-cased word.
    #[must_use]
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.with_stem(word, |stem| {
            if stem == word {
                Cow::Borrowed(word)
            } else {
                Cow::Owned(stem.to_string())
            }
        })
    }

    /// Calls `f` with the stem of a lower-cased word, without copying a remembered stem.
    pub fn with_stem<R>(&self, word: &str, f: impl FnOnce(&str) -> R) -> R {
        let Some((stemmer, algorithm)) = &self.inner else {
            return f(word);
        };
        // Fieldless enum: its discriminant indexes the per-language caches.
        let slot = *algorithm as usize;
        STEM_CACHE.with_borrow_mut(|caches| {
            if caches.len() <= slot {
                caches.resize_with(slot + 1, StemCache::default);
            }
            let cache = &mut caches[slot];
            if let Some(known) = cache.get(word) {
                return f(known.as_deref().unwrap_or(word));
            }
            let stem = stemmer.stem(word);
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            let remembered = (stem != word).then(|| Box::from(stem.as_ref()));
            cache.insert(Box::from(word), remembered);
            f(&stem)
        })
    }
}

/// The Snowball algorithm for an ISO 639-1 code, where `rust-stemmers` has one.
fn snowball_algorithm(code: &str) -> Option<Algorithm> {
    Some(match code {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Stop-word sets, one per language, built on first use from the `stop-words` crate
/// (immutable afterwards, so sharing them across threads is safe).
fn stop_word_sets() -> &'static HashMap<&'static str, HashSet<&'static str>> {
    static SETS: OnceLock<HashMap<&'static str, HashSet<&'static str>>> = OnceLock::new();
    SETS.get_or_init(|| {
        stop_words::available_languages()
            .iter()
            .filter_map(|&code| {
                stop_words::lookup(code).map(|list| (code, list.iter().copied().collect()))
            })
            .collect()
    })
}

/// The stop words of a language (ISO 639-1 code), if the crate has a list for it.
#[must_use]
pub fn stop_words(lang: &str) -> Option<&'static HashSet<&'static str>> {
    stop_word_sets().get(primary_language(lang).as_ref())
}

/// Whether the lower-cased `word` is a stop word of `lang` (false for a language
/// without a list).
#[must_use]
pub fn is_stop_word(lang: &str, word: &str) -> bool {
    stop_words(lang).is_some_and(|s| s.contains(word))
}

/// Words -> terms in one step: lower-case, drop stop words, stem. One per document
/// language; cheap to build.
#[derive(Debug)]
pub struct Analyzer {
    stemmer: Stemmer,
    stops: Option<&'static HashSet<&'static str>>,
}

impl Analyzer {
    /// The analyser for a language code (`None` = [`DEFAULT_LANGUAGE`]).
    #[must_use]
    pub fn new(lang: Option<&str>) -> Self {
        let lang = lang.unwrap_or(DEFAULT_LANGUAGE);
        Self {
            stemmer: Stemmer::for_language(Some(lang)),
            stops: stop_words(lang),
        }
    }

    /// Whether a lower-cased word is a stop word of this language.
    #[must_use]
    pub fn is_stop_word(&self, lower: &str) -> bool {
        self.stops.is_some_and(|s| s.contains(lower))
    }

    /// The stem of a lower-cased word.
    #[must_use]
    pub fn stem<'a>(&self, lower: &'a str) -> Cow<'a, str> {
        self.stemmer.stem(lower)
    }

    /// Calls `f` with the stem of a lower-cased word (no copy; see [`Stemmer::with_stem`]).
    pub fn with_stem<R>(&self, lower: &str, f: impl FnOnce(&str) -> R) -> R {
        self.stemmer.with_stem(lower, f)
    }

    /// The content terms of `text`: lower-cased, stop words dropped, stemmed.
    pub fn terms<'a>(&'a self, text: &'a str) -> impl Iterator<Item = String> + 'a {
        words(text).filter_map(move |w| {
            let lower = normalize(w);
            if self.is_stop_word(&lower) {
                None
            } else {
                Some(self.stem(&lower).into_owned())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unicode_runs() {
        let w: Vec<&str> = words("Don’t stop — Zürich's 2024 «café»!").collect();
        assert_eq!(w, ["Don’t", "stop", "Zürich's", "2024", "café"]);
    }

    #[test]
    fn normalize_lowercases_and_unifies_apostrophes() {
        assert_eq!(normalize("Don’t"), "don't");
        assert!(matches!(normalize("plain"), Cow::Borrowed(_)));
        assert_eq!(normalize("ÉCOLE"), "école");
    }

    #[test]
    fn normalize_into_matches_normalize() {
        let mut buf = String::from("left over");
        for w in [
            "Don’t",
            "plain",
            "ÉCOLE",
            "İstanbul",
            "ΣΟΦΟΣ",
            "McDonald’s",
            "",
        ] {
            assert_eq!(normalize_into(w, &mut buf), normalize(w), "{w}");
        }
    }

    #[test]
    fn language_tags() {
        assert_eq!(primary_language("en-US"), "en");
        assert_eq!(primary_language("DE"), "de");
        assert_eq!(primary_language("pt_BR"), "pt");
        assert_eq!(primary_language(""), "");
    }

    #[test]
    fn stemmer_follows_language() {
        assert_eq!(Stemmer::for_language(Some("en")).stem("running"), "run");
        assert_eq!(
            Stemmer::for_language(Some("en-GB")).stem("officers"),
            "offic"
        );
        assert_eq!(Stemmer::for_language(Some("de")).stem("häuser"), "haus");
        // The second call is answered from the cache, with the same result.
        let en = Stemmer::for_language(Some("en"));
        assert_eq!(en.stem("officers"), en.stem("officers"));
        assert_eq!(en.stem("police"), "polic");
        assert_eq!(en.stem("police"), "polic");
        assert_eq!(en.stem("the"), "the");
        assert_eq!(en.stem("the"), "the");
        let none = Stemmer::for_language(Some("zz"));
        assert!(!none.is_active());
        assert_eq!(none.stem("running"), "running");
    }

    #[test]
    fn stem_cache_stays_bounded_and_correct() {
        let en = Stemmer::for_language(Some("en"));
        for i in 0..STEM_CACHE_WORDS + 10 {
            let w = format!("walk{i}ing");
            assert_eq!(en.stem(&w), format!("walk{i}"));
        }
        let size = STEM_CACHE.with_borrow(|c| c.iter().map(HashMap::len).max().unwrap_or(0));
        assert!(size <= STEM_CACHE_WORDS, "{size} cached");
        assert_eq!(en.stem("walk3ing"), "walk3");
    }

    #[test]
    fn stop_words_by_language() {
        assert!(is_stop_word("en", "the"));
        assert!(!is_stop_word("en", "police"));
        assert!(is_stop_word("de", "und"));
        assert!(!is_stop_word("xx", "the"));
    }

    #[test]
    fn analyzer_terms() {
        let a = Analyzer::new(Some("en"));
        let t: Vec<String> = a.terms("The officers were running away").collect();
        assert_eq!(t, ["offic", "run", "away"]);
    }
}
