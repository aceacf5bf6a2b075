use super::*;
use proptest::prelude::*;

fn doc(text: &str) -> Document {
    Document::new(None, Some("en".into()), text.to_string())
}

fn picked(d: &Document, n: Option<usize>) -> Vec<&str> {
    summarize(d, n).into_iter().map(|r| &d.text[r]).collect()
}

/// A CNN-like story: dateline, lead, furniture, and a padding of less relevant sentences.
const STORY: &str = "(CNN)Firefighters in Northern California battled a wildfire that destroyed \
    forty homes near the town of Paradise on Tuesday, officials said. The Camp Fire spread \
    across nine thousand acres of dry forest in less than six hours, the state fire agency said. \
    Residents of Paradise were ordered to leave their homes as the fire approached the town. \
    CNN's Jane Doe and John Roe contributed to this report. The weather was warm. \
    A local bakery owner said she had lived in the area for many years and loved the hills. \
    The wildfire in Paradise is the most destructive fire in California this year, officials said. \
    Some people watched the smoke from a nearby football field during the evening game. \
    Read more: Five things to know about wildfire season in the western United States.";

#[test]
fn picks_ordered_whole_sentences_and_trims_the_dateline() {
    let d = doc(STORY);
    let got = picked(&d, Some(3));
    assert_eq!(got.len(), 3);
    assert!(
        got[0].starts_with("Firefighters in Northern California"),
        "{got:?}"
    );
    let ranges = summarize(&d, Some(3));
    assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
}

#[test]
fn furniture_and_fragments_are_not_picked() {
    let d = doc(STORY);
    for n in 1..=6 {
        for s in picked(&d, Some(n)) {
            assert!(!s.contains("contributed to this report"), "{s}");
            assert!(!s.starts_with("Read more"), "{s}");
            assert_ne!(s, "The weather was warm.");
        }
    }
}

#[test]
fn summary_prefers_central_sentences_over_side_remarks() {
    let d = doc(STORY);
    let got = picked(&d, Some(3));
    assert!(
        !got.iter().any(|s| s.contains("football field")),
        "a side remark was picked: {got:?}"
    );
}

#[test]
fn title_overlap_promotes_a_sentence() {
    let text = "The council met on Monday to discuss the annual budget for the city. \
        Members argued for hours about parking fees in the old town centre. \
        Several residents spoke about noise from the new stadium near the river. \
        The mayor announced that the bridge over the river will close for repairs in May. \
        Local shops said the closure of the bridge would hurt their trade badly.";
    let plain = Document::new(None, Some("en".into()), text.into());
    let titled = Document::new(
        Some("Mayor closes river bridge for repairs".into()),
        Some("en".into()),
        text.into(),
    );
    let mayor = |d: &Document| {
        summarize(d, Some(1))
            .into_iter()
            .any(|r| d.text[r].starts_with("The mayor"))
    };
    assert!(!mayor(&plain));
    assert!(mayor(&titled));
}

#[test]
fn asked_count_or_all_sentences() {
    let d = doc(STORY);
    for n in 0..=12 {
        assert_eq!(summarize(&d, Some(n)).len(), n.min(d.sentences.len()));
    }
}

#[test]
fn empty_and_single_sentence_inputs() {
    assert!(summarize(&doc(""), Some(3)).is_empty());
    assert!(summarize(&doc(""), None).is_empty());
    let d = doc("(CNN) -- Only one short line here.");
    assert_eq!(picked(&d, None), ["Only one short line here."]);
}

#[test]
fn default_length_grows_with_the_article() {
    let sentence = "This sentence has exactly ten words in it for counting. ";
    let short = doc(&sentence.repeat(20));
    let medium = doc(&sentence.repeat(100));
    let long = doc(&sentence.repeat(200));
    assert_eq!(default_length(&short), 3);
    assert_eq!(default_length(&medium), 4);
    assert_eq!(default_length(&long), 5);
    assert_eq!(summarize(&long, None).len(), 5);
}

#[test]
fn non_english_text_is_summarised() {
    let text = "Die Bundesregierung hat am Montag ein neues Klimagesetz beschlossen, das strenge Ziele setzt. \
        Das Gesetz verpflichtet alle Bundesländer, ihre Emissionen bis 2030 deutlich zu senken. \
        Kritiker sagen, dass die Ziele des Klimagesetzes nicht ausreichen werden. \
        Am Abend regnete es in Berlin, und viele Menschen blieben zu Hause bei ihren Familien.";
    let d = Document::new(None, Some("de".into()), text.into());
    let got = picked(&d, Some(2));
    assert_eq!(got.len(), 2);
    assert!(got[0].starts_with("Die Bundesregierung"));
    // A script without case or spaces, in a language without a stemmer.
    let zh = Document::new(None, Some("zh".into()), "今天北京下雨。明天会晴天。".into());
    assert!(summarize(&zh, Some(1)).len() == 1);
}

#[test]
fn huge_input_does_not_blow_up() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "Sentence number {i} talks about topic {} at length here. ",
            i % 97
        ));
    }
    let d = doc(&text);
    let got = summarize(&d, Some(5));
    assert_eq!(got.len(), 5);
}

/// Checks every property a summary must have; returns a description of a violation.
fn check(d: &Document, n: usize) -> Result<(), String> {
    let ranges = summarize(d, Some(n));
    if ranges.len() != n.min(d.sentences.len()) {
        return Err(format!("{} ranges for n = {n}", ranges.len()));
    }
    for w in ranges.windows(2) {
        if w[0].end > w[1].start {
            return Err(format!("out of order or overlapping: {w:?}"));
        }
    }
    for r in &ranges {
        if d.text.get(r.clone()).is_none_or(str::is_empty) {
            return Err(format!("not a slice: {r:?}"));
        }
        let whole = d
            .sentences
            .iter()
            .find(|s| s.range.end == r.end && s.range.start <= r.start);
        let Some(s) = whole else {
            return Err(format!("not on a sentence boundary: {r:?}"));
        };
        let cut = r.start - s.range.start;
        if cut != 0 && cut != filter::dateline_len(&d.text[s.range.clone()]) {
            return Err(format!("trimmed more than a dateline: {r:?}"));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn summaries_are_verbatim_ordered_slices(
        parts in prop::collection::vec(
            prop_oneof![
                "[A-Z][a-z]{1,8}",
                "[a-z]{1,10}",
                "[0-9]{1,4}",
                Just("(CNN) -- ".to_string()),
                Just("WASHINGTON (Reuters) - ".to_string()),
                Just(". ".to_string()),
                Just("! ".to_string()),
                Just("? ".to_string()),
                Just("\n\n".to_string()),
                Just("\"".to_string()),
                Just("Zürich".to_string()),
                Just("ß€😀".to_string()),
                Just("東京".to_string()),
                Just(" ".to_string()),
            ],
            0..200,
        ),
        n in 0usize..8,
        lang in prop_oneof![Just("en"), Just("de"), Just("xx")],
    ) {
        let text = parts.join(" ");
        let d = Document::new(Some(parts.iter().take(5).cloned().collect::<Vec<_>>().join(" ")), Some(lang.into()), text);
        if let Err(e) = check(&d, n) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn near_duplicate_sentences_are_not_both_picked() {
    let text = "Acme Corp, a technology company, has informed its customers about the data breach that occurred in March and confirmed that customer data was stolen.\n\n\
        Acme Corp, a technology company, has notified its customers after the March data breach and confirmed that the customer data was stolen.\n\n\
        The exact number of affected customers has not been disclosed by the company so far.\n\n\
        Security researchers said the attackers had used a flaw in an old web server.";
    let d = doc(text);
    let got = picked(&d, Some(2));
    assert_eq!(got.len(), 2);
    assert!(
        !(got[0].starts_with("Acme Corp") && got[1].starts_with("Acme Corp")),
        "{got:?}"
    );
}
