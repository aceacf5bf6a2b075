//! The "Why?" button and its answer: [`why_buttons`] puts one button under each card that
//! shows a status, [`why_index`] reads which card a press is for, and [`why_text`] is the
//! private answer: each label shown, what it means and the article's sentence that shows it,
//! then what was seen but held back as uncertain.
//!
//! Not for the card itself ([`super::embed`]), which never repeats the evidence.

use minijinja::context;

use super::embed::{card_title, shows_status, Button, Embed, BUTTONS_MAX, CONTENT_MAX};
use super::escape::{escape_discord, shorten};
use super::prompts::Prompts;
use crate::brief::{Brief, StatusItem};

/// Longest evidence quote shown in the Status field: the field is a list of short quotes,
/// and four full sentences of a long-winded article would not fit in 1024 characters.
pub const EVIDENCE_QUOTE_MAX: usize = 200;
/// Prefix of the custom id of a "Why?" button; the index of the embed follows.
pub const WHY_PREFIX: &str = "nb:why:";

/// The "Why?" buttons of a message: one per card with a status line (the embed's author),
/// naming the card by its number when the message holds several.
#[must_use]
pub fn why_buttons(embeds: &[Embed], prompts: &Prompts) -> Vec<Button> {
    let several = embeds.len() > 1;
    embeds
        .iter()
        .enumerate()
        .filter(|(_, e)| e.author.is_some() && e.url.is_some())
        .take(BUTTONS_MAX)
        .map(|(i, _)| Button {
            custom_id: format!("{WHY_PREFIX}{i}"),
            label: shorten(
                &if several {
                    prompts.render("why.button_numbered", context! { n => i + 1 })
                } else {
                    prompts.text("why.button")
                },
                80,
                "…",
            ),
        })
        .collect()
}

/// The embed index of a "Why?" button's custom id.
#[must_use]
pub fn why_index(custom_id: &str) -> Option<usize> {
    custom_id.strip_prefix(WHY_PREFIX)?.parse().ok()
}

/// The private answer of the "Why?" button: each label, what it means and the sentence of
/// the article that shows it.
#[must_use]
pub fn why_text(brief: &Brief, prompts: &Prompts) -> String {
    let ell = prompts.text("embed.ellipsis");
    let title = card_title(brief, prompts, &ell);
    let shown = shows_status(brief);
    let held: &[StatusItem] = if shown { &brief.held_back } else { &[] };
    if !shown || (brief.status.is_empty() && held.is_empty()) {
        return prompts.render("why.no_status", context! { title => title });
    }
    let quote = |e: &str| shorten(&escape_discord(e), EVIDENCE_QUOTE_MAX * 3, &ell);
    let mut lines = vec![if brief.status.is_empty() {
        prompts.render("why.no_status_held", context! { title => title })
    } else {
        prompts.render("why.head", context! { title => title })
    }];
    for item in &brief.status {
        let (badge, label, meaning) = prompts.status(item.label);
        let confidence = percent(item.confidence);
        lines.push(prompts.render(
            "why.item",
            context! { badge => badge, label => label, meaning => meaning,
            confidence => confidence, evidence => quote(&item.evidence) },
        ));
    }
    // RULE_HELD_BACK: a label not shown is said to be uncertain, never shown as a label
    // (the status pass never holds back a label it shows).
    if !held.is_empty() {
        lines.push(prompts.text("why.held_head"));
        for item in held {
            let (_, label, _) = prompts.status(item.label);
            let what = prompts.text(&format!("status.{}.held", item.label.as_str()));
            lines.push(prompts.render(
                "why.held_item",
                context! { label => label, held => what, evidence => quote(&item.evidence) },
            ));
        }
    }
    lines.push(prompts.text("why.tail"));
    shorten(&lines.join("\n"), CONTENT_MAX, &ell)
}

/// A probability as a whole percentage for people (0.874 -> 87), never 100 for a model's
/// guess.
fn percent(p: f64) -> u32 {
    let p = if p.is_finite() {
        p.clamp(0.0, 0.99)
    } else {
        0.0
    };
    (p * 100.0).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::StatusLabel;
    use crate::render::embed::brief_embed;
    use crate::render::fixtures::example_brief;

    #[test]
    fn a_non_news_page_gets_a_summary_but_never_a_status() {
        let mut brief = example_brief();
        brief.kind = Some(crate::brief::ArticleKind::NonNews);
        let e = brief_embed(&brief, &Prompts::builtin());
        assert_eq!(e.author, None);
        assert!(e.description.unwrap().contains("early stages"));
        assert!(why_buttons(
            &[brief_embed(&brief, &Prompts::builtin())],
            &Prompts::builtin()
        )
        .is_empty());
        assert!(why_text(&brief, &Prompts::builtin()).contains("has no status"));
    }

    #[test]
    fn a_held_back_label_is_only_called_uncertain_in_the_why_answer() {
        let mut brief = example_brief();
        brief.held_back = vec![StatusItem {
            label: StatusLabel::Unconfirmed,
            evidence: "Sources said the talks were serious.".into(),
            confidence: 0.6,
        }];
        let p = Prompts::builtin();
        // The card never shows it.
        let e = brief_embed(&brief, &p);
        assert_eq!(e.author.as_deref(), Some("🟡 Early-stage · 🔴 Denied"));
        assert!(!e.description.unwrap_or_default().contains("Unconfirmed"));
        // The Why? answer says what was seen, in plain words, not as a label with a badge.
        let t = why_text(&brief, &p);
        assert!(t.contains("not sure enough"), "{t}");
        assert!(
            t.contains("Unconfirmed: unnamed sources or reports are mentioned"),
            "{t}"
        );
        assert!(t.contains("> Sources said the talks were serious."), "{t}");
        assert!(!t.contains("⚪"), "{t}");
        // With nothing shown at all, the answer says so and still names what was seen.
        brief.status.clear();
        let t = why_text(&brief, &p);
        assert!(t.contains("nothing is clear enough"), "{t}");
        assert!(t.contains("Sources said the talks were serious."), "{t}");
        // Non-news never talks about status, held back or not.
        brief.kind = Some(crate::brief::ArticleKind::NonNews);
        assert!(!why_text(&brief, &p).contains("Sources said"));
    }

    #[test]
    fn why_gives_each_label_its_meaning_and_evidence() {
        let brief = example_brief();
        let p = Prompts::builtin();
        let t = why_text(&brief, &p);
        assert!(
            t.contains("**Early-stage** (90% likely): a process with no outcome yet"),
            "{t}"
        );
        assert!(
            t.contains("> Both companies have denied any wrongdoing."),
            "{t}"
        );
        let e = brief_embed(&brief, &p);
        let b = why_buttons(std::slice::from_ref(&e), &p);
        assert_eq!(b.len(), 1);
        assert_eq!(why_index(&b[0].custom_id), Some(0));
        assert_eq!(b[0].label, "Why?");
        let two = why_buttons(&[e.clone(), e], &p);
        assert_eq!(two[1].label, "Why? (2)");
        assert_eq!(why_index(&two[1].custom_id), Some(1));
        assert_eq!(why_index("other"), None);
    }
}
