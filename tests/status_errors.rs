//! One test per kind of status error found on unseen news (issue 12), each with a text
//! written for the test (not taken from any data set). Each failed on the hand-tuned rules
//! that came before the learned model.

use newsbrief::StatusLabel::{self, Confirmed, Denied, EarlyStage, Unconfirmed};
use newsbrief::{ArticleKind, BriefOptions, Engine, Settings};

fn judge(title: &str, text: &str) -> (Option<ArticleKind>, Vec<StatusLabel>) {
    let (kind, shown, _) = judge_all(title, text);
    (kind, shown)
}

/// The kind, the labels shown and the labels held back (seen, but under their threshold).
fn judge_all(title: &str, text: &str) -> (Option<ArticleKind>, Vec<StatusLabel>, Vec<StatusLabel>) {
    let engine = Engine::new(&Settings::default()).unwrap();
    let b = engine
        .brief_text(text, Some(title), None, &BriefOptions::default())
        .unwrap();
    for s in &b.status {
        assert!(
            b.text.contains(&s.evidence),
            "evidence not verbatim: {:?}",
            s.evidence
        );
    }
    (
        b.kind,
        b.status.iter().map(|s| s.label).collect(),
        b.held_back.iter().map(|s| s.label).collect(),
    )
}

/// A hedge in an aside ("who reportedly fled", "the alleged accomplice") is a side detail.
#[test]
fn a_hedge_in_a_side_detail_leaves_an_on_record_story_confirmed() {
    let (kind, labels) = judge(
        "Carver County jury convicts man of shop owner's murder",
        "A jury in Carver County found a 27-year-old man guilty of murder on Thursday for the stabbing of a shop owner last March.\n\nThe alleged accomplice, who reportedly fled the state after the attack, was not part of the trial.\n\nJudge Alan Rooke set sentencing for June 3, the court clerk said.\n\nThe victim's family said after the verdict that they were relieved the trial was over.\n\nProsecutors said the man faces life in prison.\n",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    assert_eq!(labels, [Confirmed]);
}

/// "according to the Defense Ministry" names its source.
#[test]
fn attribution_to_a_named_authority_is_not_anonymous_sourcing() {
    let (kind, labels) = judge(
        "Shelling kills four in border town of Kovrin",
        "Four civilians were killed overnight when shelling hit the border town of Kovrin, according to the Defense Ministry.\n\nAt least 20 people were wounded and a hospital was damaged, according to the regional governor's office.\n\nRescue crews worked through the night to clear rubble from the hospital's east wing.\n\nPower was cut to about 3,000 homes, according to the regional energy company.\n",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    // Never unconfirmed. Confirmed is shown only where the model would bet on it (precision
    // first), so a short story may show no label at all.
    assert!(labels.is_empty() || labels == [Confirmed], "{labels:?}");
}

/// "At first, she denied..." is background to an announcement.
#[test]
fn a_denial_in_background_does_not_make_the_story_denied() {
    let (kind, labels) = judge(
        "Mara Quill announces birth of her first child",
        "Singer Mara Quill announced on Monday that she has given birth to her first child, a daughter named Iris.\n\nQuill shared the news in a post on her official Instagram account on Monday morning, saying mother and baby were healthy.\n\nHer publicist confirmed the birth in a statement to reporters and said the baby was born on Saturday in Los Angeles.\n\nAt first, Quill denied she had been pregnant when fans noticed a change in her appearance last autumn.\n\nThe singer is due to start a world tour next spring, her label said on Monday.\n",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    assert_eq!(labels, [Confirmed]);
}

/// "dropped their investigation", "ended the talks", "preliminary data" are outcomes.
#[test]
fn process_words_on_outcomes_are_not_early_stage() {
    let (kind, labels) = judge(
        "Prosecutors drop investigation into former Brightwell chief",
        "Federal prosecutors have dropped their investigation into the former chief executive of Brightwell Energy, the Justice Department said on Thursday.\n\nThe department said in a statement that it had closed the case without filing charges.\n\nBrightwell's board ended the talks with a rival bidder on the same day and said it would remain independent.\n\nPreliminary data released by the company on Thursday showed a 4 percent rise in quarterly revenue.\n\nShares of Brightwell rose 6 percent in afternoon trading.\n",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    assert_eq!(labels, [Confirmed]);
}

/// "will sack ... according to people close to the club": a reported decision.
#[test]
fn a_decision_reported_by_unnamed_sources_is_unconfirmed_not_confirmed() {
    let (kind, labels, held) = judge_all(
        "Rovers to sack Kessel",
        "Rovers will sack manager Tom Kessel this week, according to people close to the club.\n\nThe board met on Tuesday and agreed to replace him before Saturday's match, the people said.\n\nRovers sit 19th in the table, two points above the relegation zone.\n\nKessel was appointed in June on a three-year contract.",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    // Never confirmed; the anonymous sourcing is shown, or held back as uncertain where the
    // model would not bet on it (precision first).
    assert!(!labels.contains(&Confirmed), "{labels:?}");
    assert!(
        labels == [Unconfirmed] || (labels.is_empty() && held.contains(&Unconfirmed)),
        "{labels:?} {held:?}"
    );
}

/// A court order stated as fact is on the record.
#[test]
fn a_court_ruling_is_confirmed() {
    let (kind, labels) = judge(
        "Court orders airline to refund passengers",
        "A court in Lyon ordered budget airline SkyBlu on Wednesday to refund 12,000 passengers whose flights were cancelled during a strike last summer.\n\nThe ruling follows a complaint filed by a consumer group in January.\n\nSkyBlu said it would study the decision before deciding whether to appeal.\n\nThe refunds are worth about 3 million euros in total.",
    );
    assert_eq!(kind, Some(ArticleKind::News));
    assert_eq!(labels, [Confirmed]);
}

/// An opinion column that mentions a rumour and a denial is not news: no status at all.
#[test]
fn a_page_that_is_not_news_gets_no_status() {
    let (kind, labels) = judge(
        "Why I stopped believing every rumour I read online",
        "I used to share every story that landed in my feed, and I suspect you did too.\n\nLast month a post claimed that my favourite bakery had reportedly closed for good, and I spread it to everyone I know before checking.\n\nThe owner denied it the next day, and I felt foolish.\n\nMy advice is simple: before you share, ask yourself who is actually saying it and whether you would bet your own name on it.\n\nWe all want to be first, but I would rather be right.\n",
    );
    assert_eq!(kind, Some(ArticleKind::NonNews));
    assert!(labels.is_empty(), "{labels:?}");
}

/// The example story keeps its three labels, and no sentence backs two of them.
#[test]
fn the_example_story_reads_right_and_shows_each_sentence_once() {
    let text = include_str!("fixtures/example-article.txt");
    let (title, body) = text.split_once("\n\n").unwrap();
    let engine = Engine::new(&Settings::default()).unwrap();
    let b = engine
        .brief_text(body, Some(title), None, &BriefOptions::default())
        .unwrap();
    let labels: Vec<_> = b.status.iter().map(|s| s.label).collect();
    assert_eq!(labels, [EarlyStage, Denied, Unconfirmed]);
    assert!(b.status[0].evidence.contains("early stages"));
    assert!(b.status[1].evidence.contains("denied any wrongdoing"));
    let mut ev: Vec<&str> = b.status.iter().map(|s| s.evidence.as_str()).collect();
    ev.sort_unstable();
    ev.dedup();
    assert_eq!(ev.len(), 3, "a sentence backs two labels: {ev:?}");
}
