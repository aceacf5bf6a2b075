//! Word lists behind the sentence splitter's decisions.
//!
//! Each list is written sorted (the unit tests check it) and searched as packed integer keys:
//! a word of up to [`MAX_LISTED_WORD`] bytes becomes one `u128`, so a lookup is a binary search
//! over integers with no string comparison. Lower-case lists are matched against the word
//! lower-cased ([`WordList::contains_lower`]); the others as written ([`WordList::contains`]).

/// Longest word a list may hold, in bytes: words are packed one byte each into a `u128`.
pub(super) const MAX_LISTED_WORD: usize = 16;

/// A sorted word list with its packed lookup keys.
pub(super) struct WordList {
    /// The words, sorted by bytes (read by the tests that check the order).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) words: &'static [&'static str],
    keys: [u128; MAX_LIST_LEN],
    len: usize,
}

/// Room for the longest list (checked at compile time by [`WordList::new`]).
const MAX_LIST_LEN: usize = 160;

impl WordList {
    /// Packs `words` (sorted, each at most [`MAX_LISTED_WORD`] bytes) at compile time.
    const fn new(words: &'static [&'static str]) -> Self {
        assert!(words.len() <= MAX_LIST_LEN, "word list too long");
        let mut keys = [0u128; MAX_LIST_LEN];
        let mut i = 0;
        while i < words.len() {
            let b = words[i].as_bytes();
            assert!(b.len() <= MAX_LISTED_WORD, "listed word too long");
            keys[i] = pack(b);
            i += 1;
        }
        Self {
            words,
            keys,
            len: words.len(),
        }
    }

    /// Whether `word`, as written, is in the list.
    pub(super) fn contains(&self, word: &str) -> bool {
        key(word, false).is_some_and(|k| self.contains_key(k))
    }

    /// Whether `word`, lower-cased (ASCII), is in the list.
    pub(super) fn contains_lower(&self, word: &str) -> bool {
        key(word, true).is_some_and(|k| self.contains_key(k))
    }

    /// Whether a word packed by [`key`] is in the list.
    pub(super) fn contains_key(&self, key: u128) -> bool {
        self.keys[..self.len].binary_search(&key).is_ok()
    }
}

/// The lookup key of `word` (lower-cased when `lower`), or `None` if it is empty or longer
/// than any listed word.
pub(super) fn key(word: &str, lower: bool) -> Option<u128> {
    let b = word.as_bytes();
    if b.is_empty() || b.len() > MAX_LISTED_WORD {
        return None;
    }
    let mut buf = [0u8; MAX_LISTED_WORD];
    buf[..b.len()].copy_from_slice(b);
    if lower {
        buf.make_ascii_lowercase();
    }
    Some(u128::from_be_bytes(buf))
}

/// Packs up to 16 bytes big-endian, zero-padded, so integer order is byte order (the
/// compile-time twin of [`key`]).
const fn pack(b: &[u8]) -> u128 {
    let mut k = 0u128;
    let mut i = 0;
    while i < MAX_LISTED_WORD {
        k <<= 8;
        if i < b.len() {
            k |= b[i] as u128;
        }
        i += 1;
    }
    k
}

/// Abbreviations written before a name (`Dr. Smith`, `Sen. Warren`, `St. Louis`): a full stop
/// after them ends a sentence only before a word that cannot start a name (see [`STRONG_STARTERS`]).
/// `sec` is here for `Sec. Blinken`; `ft` and `mt` for Fort and Mount.
pub(super) static TITLES: WordList = WordList::new(&[
    "adm", "amb", "atty", "brig", "capt", "cdr", "cmdr", "col", "comdr", "cpl", "det", "dr", "drs",
    "fr", "ft", "gen", "gens", "gov", "govs", "hon", "insp", "lieut", "lt", "maj", "messrs",
    "mlle", "mme", "mr", "mrs", "ms", "msgr", "mssrs", "mt", "mts", "mx", "pfc", "pres", "prof",
    "profs", "pvt", "rep", "reps", "rev", "revs", "rt", "sec", "sen", "sens", "sgt", "spc", "sr",
    "sra", "srta", "st", "ste", "supt", "surg",
]);

/// Abbreviations that introduce what follows (`e.g.`, `vs.`, `approx.`): never the end of a
/// sentence in news copy.
pub(super) static NEVER_END: WordList =
    WordList::new(&["approx", "appx", "cf", "esp", "incl", "viz", "vs"]);

/// Abbreviations written before a number (`No. 3`, `Jan. 15`, `p. 55`, `Rs. 500`): no break
/// before a digit; before a word they are ordinary words (`in Jan. Officials said`).
pub(super) static NUMERIC: WordList = WordList::new(&[
    "apr", "apt", "art", "arts", "aug", "bldg", "ch", "chap", "dec", "dez", "eq", "eqs", "ex",
    "ext", "feb", "fig", "figs", "hwy", "jan", "jul", "jun", "jän", "mar", "mär", "no", "nos",
    "nov", "nr", "oct", "okt", "op", "para", "paras", "pp", "pt", "pts", "ref", "rm", "rs", "rte",
    "sep", "sept", "tab", "tel", "vol", "vols",
]);

/// Abbreviations that often stand inside a sentence but may end one (`Apple Inc.`, `King Jr.`,
/// `etc.`): a full stop after them ends the sentence only before a likely sentence starter.
pub(super) static GENERIC: WordList = WordList::new(&[
    "al", "assn", "assoc", "ave", "bln", "blvd", "bn", "bros", "btw", "co", "corp", "cos", "ct",
    "cts", "dept", "depts", "dist", "div", "ed", "eds", "esq", "est", "etc", "gal", "govt", "hosp",
    "hr", "hrs", "ibid", "inc", "intl", "jr", "lb", "lbs", "ln", "ltd", "med", "mfg", "mgr", "min",
    "mins", "misc", "mln", "mn", "mo", "mos", "natl", "oz", "pct", "pkwy", "pl", "rd", "sq", "sts",
    "tn", "univ", "wk", "wks", "yr", "yrs",
]);

/// AP-style state and province abbreviations (`Springfield, Ill.`, `D-Mass.`), matched as
/// written because several are also ordinary words in lower case (`ill`, `miss`); they behave
/// like [`GENERIC`].
pub(super) static STATES: WordList = WordList::new(&[
    "Ala", "Alta", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
    "Kans", "Ky", "La", "Mass", "Md", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nebr", "Nev",
    "Okla", "Ont", "Ore", "Pa", "Penn", "Que", "Sask", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis",
    "Wyo",
]);

/// Words that begin a new sentence and can never follow a title as a name (`Mr. The`):
/// pronouns and determiners.
pub(super) static STRONG_STARTERS: WordList = WordList::new(&[
    "A", "An", "He", "Her", "His", "I", "It", "Its", "My", "Our", "She", "That", "The", "Their",
    "There", "These", "They", "This", "Those", "We", "You", "Your",
]);

/// Capitalised words that usually begin a sentence, so after an ambiguous abbreviation
/// (`Inc.`, `U.S.`, an initial) they signal a boundary: pronouns, determiners, conjunctions,
/// sentence adverbs and the subjects news copy often opens with (`Officials`, `Millions`).
/// A capitalised word not listed here is taken as part of a name (`U.S. Government`).
pub(super) static STARTERS: WordList = WordList::new(&[
    "A",
    "According",
    "After",
    "All",
    "Also",
    "Although",
    "An",
    "Analysts",
    "And",
    "Any",
    "Are",
    "As",
    "Asked",
    "At",
    "Authorities",
    "Because",
    "Before",
    "Both",
    "But",
    "By",
    "Can",
    "Could",
    "Critics",
    "Despite",
    "Did",
    "Do",
    "Does",
    "Dozens",
    "During",
    "Each",
    "Earlier",
    "Even",
    "Every",
    "Experts",
    "Few",
    "For",
    "From",
    "Had",
    "Has",
    "Have",
    "He",
    "Her",
    "His",
    "How",
    "However",
    "Hundreds",
    "I",
    "If",
    "In",
    "Instead",
    "Investors",
    "Is",
    "It",
    "Its",
    "Last",
    "Later",
    "Lawmakers",
    "Many",
    "Meanwhile",
    "Millions",
    "More",
    "Most",
    "My",
    "Neither",
    "Nevertheless",
    "Next",
    "No",
    "Not",
    "Now",
    "Officials",
    "On",
    "Once",
    "One",
    "Only",
    "Other",
    "Others",
    "Our",
    "Police",
    "Prices",
    "Researchers",
    "Residents",
    "Sales",
    "Scientists",
    "Several",
    "Shares",
    "She",
    "Should",
    "Since",
    "So",
    "Some",
    "Still",
    "Such",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "Thousands",
    "Thus",
    "To",
    "Under",
    "Until",
    "Was",
    "We",
    "Were",
    "What",
    "When",
    "Where",
    "Whether",
    "Which",
    "While",
    "Who",
    "Why",
    "Will",
    "With",
    "Would",
    "Yet",
    "You",
    "Your",
]);

/// Words that never end a sentence, a headline or a list line (articles, conjunctions,
/// possessives, prepositions that always take an object): a line break after one
/// is inside a sentence. Matched as written, so `Plan A` ends a line. `in`, `on`, `up` and `out` are left out (`Sign in`,
/// `Log on`, `Sold out`).
pub(super) static DANGLING: WordList = WordList::new(&[
    "a", "an", "and", "as", "at", "because", "but", "by", "from", "his", "into", "its", "my",
    "nor", "of", "or", "our", "than", "that", "the", "their", "to", "which", "whose", "with",
    "your",
]);

/// Openers of a leading prepositional phrase (`At 5 a.m. Mr. Smith left`): a sentence of at
/// most [`super::FRAGMENT_MAX_WORDS`] words that starts with one of these is not complete yet.
pub(super) static PREPOSITIONS: WordList = WordList::new(&[
    "About",
    "After",
    "Around",
    "At",
    "Before",
    "Beginning",
    "By",
    "From",
    "In",
    "Near",
    "On",
    "Since",
    "Starting",
    "Through",
    "Till",
    "Until",
]);

/// Words that continue a clock time (`4 p.m. Tuesday`, `9 a.m. Eastern`); any other capitalised
/// word after `a.m.`/`p.m.` starts a new sentence.
pub(super) static TIME_CONTINUATIONS: WordList = WordList::new(&[
    "April",
    "Atlantic",
    "August",
    "Central",
    "December",
    "Eastern",
    "February",
    "Friday",
    "Greenwich",
    "January",
    "July",
    "June",
    "Local",
    "March",
    "May",
    "Monday",
    "Mountain",
    "November",
    "October",
    "Pacific",
    "Saturday",
    "September",
    "Sunday",
    "Thursday",
    "Tuesday",
    "Wednesday",
]);

/// Month names and their abbreviations (English, German, French, Spanish): a number with a full
/// stop before one is a date ordinal (`am 3. Oktober`, `13. Jän. 2006`), not a sentence end.
pub(super) static MONTHS: WordList = WordList::new(&[
    "Abril",
    "Agosto",
    "Août",
    "Apr",
    "April",
    "Aug",
    "August",
    "Avril",
    "Dec",
    "December",
    "Dez",
    "Dezember",
    "Diciembre",
    "Décembre",
    "Enero",
    "Feb",
    "Febrero",
    "Februar",
    "February",
    "Février",
    "Jan",
    "Januar",
    "January",
    "Janvier",
    "Juillet",
    "Juin",
    "Jul",
    "Juli",
    "Julio",
    "July",
    "Jun",
    "June",
    "Juni",
    "Junio",
    "Jän",
    "Mai",
    "March",
    "Mars",
    "Marzo",
    "May",
    "Mayo",
    "Mär",
    "März",
    "Nov",
    "November",
    "Novembre",
    "Noviembre",
    "Oct",
    "October",
    "Octobre",
    "Octubre",
    "Okt",
    "Oktober",
    "Sep",
    "Sept",
    "September",
    "Septembre",
    "Septiembre",
]);

/// Names spelt with an exclamation mark (`Yahoo! Research`): it ends nothing.
pub(super) static EXCLAMATION_NAMES: WordList =
    WordList::new(&["jeopardy", "joomla", "wham", "yahoo"]);
