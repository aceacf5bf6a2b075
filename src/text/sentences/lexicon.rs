//! Word lists behind the sentence splitter's decisions.
//!
//! Each list is a sorted slice searched with `binary_search` (the unit tests check the order).
//! Lower-case lists are matched against the word lower-cased; the others as written.

/// Abbreviations written before a name (`Dr. Smith`, `Sen. Warren`, `St. Louis`): a full stop
/// after them ends a sentence only before a word that cannot start a name (see [`STRONG_STARTERS`]).
/// `sec` is here for `Sec. Blinken`; `ft` and `mt` for Fort and Mount.
pub(super) const TITLES: &[&str] = &[
    "adm", "amb", "atty", "brig", "capt", "cdr", "cmdr", "col", "comdr", "cpl", "det", "dr", "drs",
    "fr", "ft", "gen", "gens", "gov", "govs", "hon", "insp", "lieut", "lt", "maj", "messrs",
    "mlle", "mme", "mr", "mrs", "ms", "msgr", "mssrs", "mt", "mts", "mx", "pfc", "pres", "prof",
    "profs", "pvt", "rep", "reps", "rev", "revs", "rt", "sec", "sen", "sens", "sgt", "spc", "sr",
    "sra", "srta", "st", "ste", "supt", "surg",
];

/// Abbreviations that introduce what follows (`e.g.`, `vs.`, `approx.`): never the end of a
/// sentence in news copy.
pub(super) const NEVER_END: &[&str] = &["approx", "appx", "cf", "esp", "incl", "viz", "vs"];

/// Abbreviations written before a number (`No. 3`, `Jan. 15`, `p. 55`, `Rs. 500`): no break
/// before a digit; before a word they are ordinary words (`in Jan. Officials said`).
pub(super) const NUMERIC: &[&str] = &[
    "apr", "apt", "art", "arts", "aug", "bldg", "ch", "chap", "dec", "eq", "eqs", "ex", "ext",
    "feb", "fig", "figs", "hwy", "jan", "jul", "jun", "mar", "no", "nos", "nov", "nr", "oct", "op",
    "para", "paras", "pp", "pt", "pts", "ref", "rm", "rs", "rte", "sep", "sept", "tab", "tel",
    "vol", "vols",
];

/// Abbreviations that often stand inside a sentence but may end one (`Apple Inc.`, `King Jr.`,
/// `etc.`): a full stop after them ends the sentence only before a likely sentence starter.
pub(super) const GENERIC: &[&str] = &[
    "al", "assn", "assoc", "ave", "bln", "blvd", "bn", "bros", "btw", "co", "corp", "cos", "ct",
    "cts", "dept", "depts", "dist", "div", "ed", "eds", "esq", "est", "etc", "gal", "govt", "hosp",
    "hr", "hrs", "ibid", "inc", "intl", "jr", "lb", "lbs", "ln", "ltd", "med", "mfg", "mgr", "min",
    "mins", "misc", "mln", "mn", "mo", "mos", "natl", "oz", "pct", "pkwy", "pl", "rd", "sq", "sts",
    "tn", "univ", "wk", "wks", "yr", "yrs",
];

/// AP-style state and province abbreviations (`Springfield, Ill.`, `D-Mass.`), matched as
/// written because several are also ordinary words in lower case (`ill`, `miss`); they behave
/// like [`GENERIC`].
pub(super) const STATES: &[&str] = &[
    "Ala", "Alta", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
    "Kans", "Ky", "La", "Mass", "Md", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nebr", "Nev",
    "Okla", "Ont", "Ore", "Pa", "Penn", "Que", "Sask", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis",
    "Wyo",
];

/// Words that begin a new sentence and can never follow a title as a name (`Mr. The`):
/// pronouns and determiners.
pub(super) const STRONG_STARTERS: &[&str] = &[
    "A", "An", "He", "Her", "His", "I", "It", "Its", "My", "Our", "She", "That", "The", "Their",
    "There", "These", "They", "This", "Those", "We", "You", "Your",
];

/// Capitalised words that usually begin a sentence, so after an ambiguous abbreviation
/// (`Inc.`, `U.S.`, an initial) they signal a boundary: pronouns, determiners, conjunctions,
/// sentence adverbs and the subjects news copy often opens with (`Officials`, `Millions`).
/// A capitalised word not listed here is taken as part of a name (`U.S. Government`).
pub(super) const STARTERS: &[&str] = &[
    "A",
    "According",
    "After",
    "Also",
    "Although",
    "An",
    "Analysts",
    "And",
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
    "Experts",
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
];

/// Openers of a leading prepositional phrase (`At 5 a.m. Mr. Smith left`): a sentence of at
/// most [`super::FRAGMENT_MAX_WORDS`] words that starts with one of these is not complete yet.
pub(super) const PREPOSITIONS: &[&str] = &[
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
];

/// Words that continue a clock time (`4 p.m. Tuesday`, `9 a.m. Eastern`); any other capitalised
/// word after `a.m.`/`p.m.` starts a new sentence.
pub(super) const TIME_CONTINUATIONS: &[&str] = &[
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
];

/// Month names (English, German, French, Spanish): a number with a full stop before one is a
/// date ordinal (`am 3. Oktober`), not a sentence end.
pub(super) const MONTHS: &[&str] = &[
    "Abril",
    "Agosto",
    "Août",
    "April",
    "August",
    "Avril",
    "December",
    "Dezember",
    "Diciembre",
    "Décembre",
    "Enero",
    "Febrero",
    "Februar",
    "February",
    "Février",
    "Januar",
    "January",
    "Janvier",
    "Juillet",
    "Juin",
    "Juli",
    "Julio",
    "July",
    "June",
    "Juni",
    "Junio",
    "Mai",
    "March",
    "Mars",
    "Marzo",
    "May",
    "Mayo",
    "März",
    "November",
    "Novembre",
    "Noviembre",
    "October",
    "Octobre",
    "Octubre",
    "Oktober",
    "September",
    "Septembre",
    "Septiembre",
];

/// Names spelt with an exclamation mark (`Yahoo! Research`): it ends nothing.
pub(super) const EXCLAMATION_NAMES: &[&str] = &["jeopardy", "joomla", "wham", "yahoo"];
