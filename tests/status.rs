//! Status rules, each checked with short sentences, plus the example story end to end.

use newsbrief::status::{classify, judge, StatusRules};
use newsbrief::text::Document;
use newsbrief::StatusLabel::{self, Confirmed, Denied, EarlyStage, Unconfirmed};

fn doc(title: Option<&str>, text: &str) -> Document {
    Document::new(
        title.map(str::to_string),
        Some("en".into()),
        text.to_string(),
    )
}

fn labels(title: Option<&str>, text: &str) -> Vec<StatusLabel> {
    let d = doc(title, text);
    let items = classify(&d, &StatusRules::builtin());
    let sentences: Vec<&str> = (0..d.sentences.len()).map(|i| d.sentence(i)).collect();
    for it in &items {
        assert!(
            sentences.contains(&it.evidence.as_str()),
            "evidence is not a sentence of the text: {:?}",
            it.evidence
        );
    }
    items.into_iter().map(|i| i.label).collect()
}

#[test]
fn named_party_denial_is_denied() {
    let text = "Acme Corp denied on Monday that it had hidden losses from investors. \
                The company said the allegations made by a former employee were false.";
    let l = labels(Some("Acme denies hiding losses"), text);
    assert!(l.contains(&Denied), "{l:?}");
}

#[test]
fn negated_denial_is_not_denied() {
    let l = labels(None, "Acme Corp did not deny the allegations on Monday.");
    assert!(!l.contains(&Denied), "{l:?}");
}

#[test]
fn silence_is_never_a_denial() {
    let text = "Acme declined to comment on the allegations made in the lawsuit. \
                A spokeswoman for the bank did not respond to requests for comment.";
    assert!(!labels(None, text).contains(&Denied));
}

#[test]
fn refusal_of_bail_is_not_a_denial() {
    let l = labels(
        None,
        "The former banker was denied bail at a hearing on Friday.",
    );
    assert!(!l.contains(&Denied), "{l:?}");
}

#[test]
fn reported_denial_still_counts_and_rests_on_a_report() {
    let l = labels(
        None,
        "Acme has reportedly denied plans to close its largest factory.",
    );
    assert!(l.contains(&Denied) && l.contains(&Unconfirmed), "{l:?}");
}

#[test]
fn confirming_a_denial_is_not_a_confirmation() {
    let text = "Minister Jane Roe confirmed that the list of cabinet changes is totally false.";
    let l = labels(None, text);
    assert!(!l.contains(&Confirmed), "{l:?}");
    // The denial is seen: shown, or (on so short a text) held back as uncertain.
    let j = judge(&doc(None, text), &StatusRules::builtin());
    assert!(
        j.status
            .iter()
            .chain(&j.held_back)
            .any(|s| s.label == Denied),
        "{j:?}"
    );
}

#[test]
fn not_confirmed_is_unconfirmed_not_confirmed() {
    let text = "The ministry has not confirmed the report of a second outbreak in the north.";
    let l = labels(None, text);
    assert!(l.contains(&Unconfirmed) && !l.contains(&Confirmed), "{l:?}");
}

#[test]
fn conditional_confirmation_is_not_a_confirmation() {
    let text = "If confirmed, the appointment would make her the first woman to lead the bank.";
    assert!(!labels(None, text).contains(&Confirmed));
}

#[test]
fn anonymous_sources_on_talks_are_early_stage_and_unconfirmed() {
    let text = "Acme is in talks to buy Beta Ltd, according to people familiar with the matter. \
                The talks are at an early stage and may not lead to a deal.";
    assert_eq!(labels(None, text), [EarlyStage, Unconfirmed]);
}

#[test]
fn on_record_announcement_beats_an_earlier_media_report() {
    let text = "Acme announced on Monday that it has signed a deal to buy Beta Ltd for $2 billion. \
                The chief executive said in a statement that the deal was good for shareholders.\n\n\
                The talks had first been reported by Bloomberg last month.";
    assert_eq!(labels(None, text), [Confirmed]);
}

#[test]
fn confirming_the_media_report_makes_it_confirmed() {
    let text = "Acme Corp on Tuesday confirmed media reports that it is in talks to buy Beta Ltd. \
                The talks are at an early stage, the company said in a statement.";
    let l = labels(None, text);
    assert!(l.contains(&Confirmed), "{l:?}");
    assert!(!l.contains(&Unconfirmed), "{l:?}");
    assert!(l.contains(&EarlyStage), "{l:?}");
}

#[test]
fn formal_outcome_beats_the_process_behind_it() {
    let text = "Prosecutors charged the former chief executive with fraud on Tuesday. \
                The charges follow a two-year investigation by the regulator, the prosecutors said in a statement.";
    let l = labels(None, text);
    assert!(!l.contains(&EarlyStage), "{l:?}");
    assert!(l.contains(&Confirmed), "{l:?}");
}

#[test]
fn a_signed_deal_after_long_talks_is_not_early_stage() {
    let text = "After months of talks and negotiations, Acme and Beta Ltd have signed a merger \
                agreement, the companies announced on Monday. The talks had been difficult.";
    let l = labels(None, text);
    assert!(!l.contains(&EarlyStage), "{l:?}");
    assert!(l.contains(&Confirmed), "{l:?}");
}

#[test]
fn an_open_probe_is_early_stage() {
    let text = "Regulators have opened an investigation into the accounts of Acme Corp. \
                No decision has been made on whether to bring charges.";
    assert!(labels(None, text).contains(&EarlyStage));
}

#[test]
fn a_background_probe_does_not_make_the_story_early_stage() {
    let text = "Acme Corp reported a record profit on Tuesday, the company said in a statement. \
                Sales rose 12 percent in the quarter, helped by strong demand in Asia.\n\n\
                Shares rose 4 percent in early trading on the news.\n\n\
                Analysts had expected a smaller gain after a weak first half of the year.\n\n\
                Last year, regulators opened a probe into the accounts of a subsidiary.";
    let l = labels(None, text);
    assert!(!l.contains(&EarlyStage), "{l:?}");
    assert!(l.contains(&Confirmed), "{l:?}");
}

#[test]
fn named_accuser_on_record_is_an_allegation_not_unconfirmed() {
    let text = "A lawyer for the senator said the accusation is not true. \
                The accuser, John Smith, claims the senator insulted him at a meeting in 2019.";
    assert_eq!(labels(None, text), [Denied]);
}

#[test]
fn headline_only_cue_gives_no_label_without_evidence_in_the_text() {
    let text = "The firm issued a short statement on Friday about its future plans for staff.";
    let l = labels(Some("Acme denies report"), text);
    assert!(!l.contains(&Denied), "{l:?}");
}

#[test]
fn non_english_gets_an_empty_status() {
    let d = Document::new(
        None,
        Some("de".into()),
        "Die Firma hat die Vorwürfe dementiert und bestreitet jede Schuld.".into(),
    );
    assert!(classify(&d, &StatusRules::builtin()).is_empty());
}

#[test]
fn the_trainers_decision_path_also_gives_non_english_text_no_status() {
    // The trainer scores with `decide` over features it computed once; it must apply the
    // same language rule as `classify`, or its figures differ from the binary's.
    let text = "Acme Corp on Tuesday denied a report that it plans to close its factory. \
                \"The report is untrue,\" a company spokesman said.";
    let rules = StatusRules::builtin();
    let judge = |lang: &str| {
        let d = Document::new(None, Some(lang.into()), text.into());
        let f = newsbrief::status::features(&d, &rules);
        newsbrief::status::decide(&d, rules.model(), &f)
    };
    let en = judge("en");
    assert!(en.status.iter().any(|i| i.label == Denied), "{en:?}");
    let de = judge("de");
    assert!(de.status.is_empty() && de.kind.is_none(), "{de:?}");
}

#[test]
fn rules_can_be_tuned_from_toml() {
    let title = Some("Acme weighs sale of garden tools unit");
    let text = "Acme Corp is weighing a sale of its garden tools unit, the company said on \
                Tuesday. The unit employs 300 people in two factories.";
    assert!(labels(title, text).contains(&EarlyStage));
    // Without the cue phrase, nothing in the text shows a process.
    let tuned = newsbrief::status::BUILTIN_STATUS_TOML.replace("\"weighing\" = 1.0\n", "");
    assert_ne!(tuned, newsbrief::status::BUILTIN_STATUS_TOML);
    let tuned = tuned.replace("\"weighs\" = 1.0\n", "");
    let rules = StatusRules::from_toml(&tuned).unwrap();
    let got = classify(&doc(title, text), &rules);
    assert!(got.iter().all(|i| i.label != EarlyStage), "{got:?}");
}

#[test]
fn load_reads_the_prompts_folder_or_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Acme Corp denied on Monday that it had hidden losses from investors. \
                The company said the allegations made by a former employee were false.";
    let has_denied = |r: &StatusRules| {
        classify(&doc(None, text), r)
            .iter()
            .any(|i| i.label == Denied)
    };
    assert!(has_denied(&StatusRules::load(dir.path()).unwrap()));
    std::fs::create_dir(dir.path().join("prompts")).unwrap();
    // A model whose news head never says yes: nothing is news, so nothing is denied.
    let model = newsbrief::status::BUILTIN_STATUS_MODEL_TOML
        .replace("[\"news\"]\nbias = ", "[\"news\"]\nbias = -1000.0 + ");
    assert_ne!(model, newsbrief::status::BUILTIN_STATUS_MODEL_TOML);
    let strict = model.replace("bias = -1000.0 + ", "bias = -1000.0\n# ");
    std::fs::write(dir.path().join("prompts/status_model.toml"), strict).unwrap();
    assert!(!has_denied(&StatusRules::load(dir.path()).unwrap()));
    // Cue phrases load from the same folder: without "denied" and "false" nothing denies.
    let words = newsbrief::status::BUILTIN_STATUS_TOML;
    std::fs::remove_file(dir.path().join("prompts/status_model.toml")).unwrap();
    let no_cues = words
        .replace("\"denied\" = 1.2\n", "")
        .replace("\"false\" = 1.0\n", "");
    std::fs::write(dir.path().join("prompts/status.toml"), no_cues).unwrap();
    assert!(!has_denied(&StatusRules::load(dir.path()).unwrap()));
    std::fs::write(dir.path().join("prompts/status.toml"), "not = [valid").unwrap();
    assert!(StatusRules::load(dir.path()).is_err());
    std::fs::write(dir.path().join("prompts/status.toml"), words).unwrap();
    std::fs::write(
        dir.path().join("prompts/status_model.toml"),
        "[news]\nbias = 1",
    )
    .unwrap();
    assert!(StatusRules::load(dir.path()).is_err());
}

#[test]
fn example_story_is_early_stage_denied_unconfirmed() {
    let text = include_str!("fixtures/example-article.txt");
    let (title, body) = text.split_once("\n\n").unwrap();
    let t = format!("{title}\n\n{body}");
    assert_eq!(labels(Some(title), &t), [EarlyStage, Denied, Unconfirmed]);
}

/// A short story, written here, whose denial is plain: the company denies the report.
const DENIAL_TITLE: &str = "Acme Corp denies report it is in talks to buy Widget Ltd";
const DENIAL_STORY: &str = "Acme Corp is in talks to buy Widget Ltd, according to people \
familiar with the matter.

Acme Corp denied the report on Tuesday, calling it completely untrue. \"There are no talks and \
there is no deal,\" a spokeswoman for the company said in a statement.

Widget Ltd did not respond to a request for comment. Shares of Widget Ltd rose 12 percent on the \
report before falling back after the denial.

The people said the talks were at an early stage and might not lead to a deal.";

/// The built-in rules with the denied head's threshold moved to `threshold`.
fn with_denied_threshold(threshold: f64) -> StatusRules {
    let rules = StatusRules::builtin();
    let mut model = rules.model().clone();
    model.heads[2].threshold = threshold;
    // The denial rules may force the label only when their measured precision reaches the
    // threshold; keep them out of this test.
    model.heads[2].forced = 0.0;
    rules.with_model(model)
}

#[test]
fn every_shown_label_carries_a_confidence_at_or_above_its_threshold() {
    let rules = StatusRules::builtin();
    let d = doc(Some(DENIAL_TITLE), DENIAL_STORY);
    let j = judge(&d, &rules);
    assert!(!j.status.is_empty());
    for item in &j.status {
        let i = [EarlyStage, Denied, Unconfirmed, Confirmed]
            .iter()
            .position(|l| *l == item.label)
            .unwrap();
        let head = rules.model().label(i);
        assert!((0.0..=1.0).contains(&item.confidence));
        assert!(
            item.confidence + 5e-4 >= head.threshold.min(head.forced.max(head.threshold)),
            "{:?} shown at {} under its threshold {}",
            item.label,
            item.confidence,
            head.threshold
        );
    }
    for item in &j.held_back {
        assert!(j.status.iter().all(|s| s.label != item.label));
    }
}

#[test]
fn a_label_below_its_threshold_is_held_back_not_shown() {
    let d = doc(Some(DENIAL_TITLE), DENIAL_STORY);
    // Where the model stands on this denial, whatever the shipped threshold is.
    let q = judge(&d, &with_denied_threshold(0.0))
        .status
        .iter()
        .find(|s| s.label == Denied)
        .map(|s| s.confidence)
        .expect("with no threshold the plain denial is shown");
    assert!(q > 0.4, "the denial is a strong signal here: {q}");
    // Just above it: not shown, but held back for the Why? answer, with its evidence.
    let above = judge(&d, &with_denied_threshold((q + 0.01).min(1.0)));
    assert!(above.status.iter().all(|s| s.label != Denied));
    let held = above
        .held_back
        .iter()
        .find(|s| s.label == Denied)
        .expect("a strong denial under its threshold is held back");
    assert!(held.evidence.contains("denied the report"));
    // Just under it: shown.
    let below = judge(&d, &with_denied_threshold((q - 0.01).max(0.0)));
    assert!(below.status.iter().any(|s| s.label == Denied));
    assert!(below.held_back.iter().all(|s| s.label != Denied));
}

#[test]
fn a_weak_signal_far_under_its_threshold_is_neither_shown_nor_held_back() {
    // No denial word at all: nothing about denial may surface anywhere.
    let d = doc(
        None,
        "The city council approved the new budget on Monday. The mayor said the plan would \
         fund two new schools. The vote was 7 to 2.",
    );
    let j = judge(&d, &with_denied_threshold(0.99));
    assert!(j
        .status
        .iter()
        .chain(&j.held_back)
        .all(|s| s.label != Denied));
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,300}", t in proptest::option::of("\\PC{0,40}")) {
        let d = Document::new(t, None, s);
        let _ = classify(&d, &StatusRules::builtin());
    }
}
