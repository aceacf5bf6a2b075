//! Unit tests of the whole splitter: cases read through [`split_sentences`], and the word
//! lists checked for order.

use super::lexicon::{
    WordList, DANGLING, EXCLAMATION_NAMES, GENERIC, MONTHS, NEVER_END, NUMERIC, PREPOSITIONS,
    STARTERS, STATES, STRONG_STARTERS, TIME_CONTINUATIONS, TITLES,
};
use super::split_sentences;
use super::MAX_ABBREVIATION_BYTES;

fn split(text: &str) -> Vec<&str> {
    split_sentences(text)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

#[test]
fn word_lists_are_sorted_and_unique() {
    let lists: [&WordList; 12] = [
        &DANGLING,
        &TITLES,
        &NEVER_END,
        &NUMERIC,
        &GENERIC,
        &STATES,
        &STRONG_STARTERS,
        &STARTERS,
        &PREPOSITIONS,
        &TIME_CONTINUATIONS,
        &MONTHS,
        &EXCLAMATION_NAMES,
    ];
    for list in lists {
        let w = list.words;
        assert!(w.windows(2).all(|p| p[0] < p[1]), "unsorted: {w:?}");
        for word in w {
            assert!(list.contains(word), "{word} not found");
        }
    }
    for list in [&TITLES, &NEVER_END, &NUMERIC, &GENERIC] {
        for word in list.words {
            assert!(
                word.len() <= MAX_ABBREVIATION_BYTES,
                "{word} longer than the limit"
            );
            assert!(list.contains_lower(&word.to_ascii_uppercase()));
        }
    }
    for s in STRONG_STARTERS.words {
        assert!(STARTERS.contains(s), "{s} missing from STARTERS");
    }
    assert!(!STARTERS.contains("Th") && !STARTERS.contains(""));
}

#[test]
fn interim_cases_still_hold() {
    assert_eq!(split("One here. Two there."), ["One here.", "Two there."]);
    assert_eq!(split(""), Vec::<&str>::new());
    assert_eq!(split("   \n  "), Vec::<&str>::new());
}

#[test]
fn abbreviation_at_true_end() {
    assert_eq!(
        split("The firm cut 1,200 jobs in the U.S. The company employs 50,000 people."),
        [
            "The firm cut 1,200 jobs in the U.S.",
            "The company employs 50,000 people."
        ]
    );
    assert_eq!(
        split("I work for the U.S. Government in Virginia."),
        ["I work for the U.S. Government in Virginia."]
    );
}

#[test]
fn abbreviation_after_bracket() {
    assert_eq!(
        split("(CNN)Sen. Harry Reid will retire. He said so on Friday."),
        ["(CNN)Sen. Harry Reid will retire.", "He said so on Friday."]
    );
}

#[test]
fn long_standalone_quotation_is_split() {
    let t =
        "\"The first sentence of a long quote is here. The second one goes on for a while longer. \
             The third adds even more words to the quotation. A fourth one makes it longer \
             still. The fifth closes the quotation at last.\" The next sentence.";
    assert_eq!(split(t).len(), 6);
    let t =
        "\"The first sentence of a long quote is here. The second one goes on for a while longer. \
             The third adds even more words to the quotation. The fourth closes the quotation \
             at last,\" he said.";
    assert_eq!(split(t).len(), 1);
}

#[test]
fn headline_and_dateline_lines() {
    assert_eq!(
        split("Storm hits coast\nWASHINGTON (Reuters) -\nThe storm left thousands without power."),
        [
            "Storm hits coast",
            "WASHINGTON (Reuters) -",
            "The storm left thousands without power."
        ]
    );
}

#[test]
fn wrapped_lines_are_joined() {
    let t = "The committee said on Tuesday that the proposal would be\nreviewed again next month. It gave no reason.";
    assert_eq!(
        split(t),
        [
            "The committee said on Tuesday that the proposal would be\nreviewed again next month.",
            "It gave no reason."
        ]
    );
}

#[test]
fn quotations() {
    assert_eq!(
        split("He said \"Go.\" Then he left."),
        ["He said \"Go.\"", "Then he left."]
    );
    assert_eq!(
        split("\"We lost. We will appeal,\" a spokesman said."),
        ["\"We lost. We will appeal,\" a spokesman said."]
    );
    // An unclosed quotation does not swallow the paragraph.
    assert_eq!(
        split("\"We lost. We will appeal."),
        ["\"We lost.", "We will appeal."]
    );
}

#[test]
fn footnote_numbers_glued_to_the_full_stop() {
    assert_eq!(
        split("It can create a gap in a consultation.11 12 Take the example of a cold."),
        [
            "It can create a gap in a consultation.11 12",
            "Take the example of a cold."
        ]
    );
    assert_eq!(
        split("The rule was set in Smith v Jones (1987).1 According to the court, it holds."),
        [
            "The rule was set in Smith v Jones (1987).1",
            "According to the court, it holds."
        ]
    );
    // Decimals, versions, abbreviations before numbers and lower case go on.
    for one in [
        "Growth was 2.1 Percent higher, officials said.",
        "See No.1 Court for the result.",
        "The figure rose to 3.5 in May.",
        "Version v.2 Beta ships today.",
        "It ended at the consultation.11 after a pause.",
    ] {
        assert_eq!(split(one), [one], "{one}");
    }
}

#[test]
fn line_break_after_a_word_that_cannot_end_a_sentence() {
    assert_eq!(
        split("Officials met with the\nPresident on Monday to discuss the\nbudget. It passed."),
        [
            "Officials met with the\nPresident on Monday to discuss the\nbudget.",
            "It passed."
        ]
    );
    // Short lines that end in a content word still end: headlines, list lines, `Plan A`.
    assert_eq!(
        split("Storm hits coast\nThe storm left thousands without power."),
        [
            "Storm hits coast",
            "The storm left thousands without power."
        ]
    );
    assert_eq!(
        split("Choose Plan A\nThen wait."),
        ["Choose Plan A", "Then wait."]
    );
}

#[test]
fn parenthetical_sentence_after_a_closing_quote() {
    // The parenthesis comments on the quotation: one sentence, as Pragmatic Segmenter's
    // spec has it; the sentence after the parenthesis starts anew.
    assert_eq!(
        split("He called the plan \"a disaster!\" (The company disputes this.) Shares fell."),
        [
            "He called the plan \"a disaster!\" (The company disputes this.)",
            "Shares fell."
        ]
    );
    assert_eq!(
        split("She said: \u{201c}We will win.\u{201d} (She lost.) The count ended at dawn."),
        [
            "She said: \u{201c}We will win.\u{201d} (She lost.)",
            "The count ended at dawn."
        ]
    );
    // Without a quotation, or with a bracket that holds no sentence, nothing changes.
    assert_eq!(
        split("He left early. (She stayed.) The count ended."),
        ["He left early.", "(She stayed.)", "The count ended."]
    );
    assert_eq!(
        split("He said \"Go.\" (Reuters) Then he left."),
        ["He said \"Go.\"", "(Reuters) Then he left."]
    );
}

#[test]
fn quotation_of_several_sentences_before_its_attribution() {
    for t in [
        "\"We are shocked. We will appeal,\" she said.",
        "\u{201c}We are shocked. We will appeal. We expect to win,\u{201d} she said on Tuesday.",
        "\"We are shocked! Who would do this?\" she asked.",
    ] {
        assert_eq!(split(t), [t], "{t}");
    }
    assert_eq!(
        split("The ruling came late. \"We are shocked. We will appeal,\" she said. Then she left."),
        [
            "The ruling came late.",
            "\"We are shocked. We will appeal,\" she said.",
            "Then she left."
        ]
    );
}

#[test]
fn other_languages() {
    assert_eq!(
        split("今天天气很好。我们去公园吧！你去吗？"),
        ["今天天气很好。", "我们去公园吧！", "你去吗？"]
    );
    assert_eq!(
        split("「行くよ。」と彼は言った。"),
        ["「行くよ。」と彼は言った。"]
    );
    assert_eq!(
        split("यह एक वाक्य है। यह दूसरा है।"),
        ["यह एक वाक्य है।", "यह दूसरा है।"]
    );
    assert_eq!(split("هل أنت بخير؟ نعم."), ["هل أنت بخير؟", "نعم."]);
    assert_eq!(
        split("Er kam am 3. Oktober an. Dr. Müller war da."),
        ["Er kam am 3. Oktober an.", "Dr. Müller war da."]
    );
    assert_eq!(
        split("¿Qué pasa? ¡Nada! Bien."),
        ["¿Qué pasa?", "¡Nada!", "Bien."]
    );
    assert_eq!(split("Он пришёл. Она ушла."), ["Он пришёл.", "Она ушла."]);
    assert_eq!(
        split("Il est arrivé. « Bonjour. » Puis il est parti."),
        ["Il est arrivé.", "« Bonjour. »", "Puis il est parti."]
    );
}
