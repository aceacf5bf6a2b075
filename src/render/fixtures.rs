//! The brief the renderers' unit tests share (test builds only): a news article with two
//! status labels, two actors and full metadata.

use crate::brief::{Brief, StatusItem, StatusLabel};

pub(crate) fn example_brief() -> Brief {
    use crate::brief::{Actor, ActorKind, Stats};
    Brief {
        url: Some("https://www.example.com/us/china-telecom".into()),
        title: Some("U.S. probing China Telecom".into()),
        site: Some("Example News".into()),
        byline: Some("By Jane Doe, Example News".into()),
        published: Some("2024-03-27T09:30:00Z".into()),
        kind: Some(crate::brief::ArticleKind::News),
        summary: vec![
            "The probe is in its early stages.".into(),
            "Both companies have denied any wrongdoing.".into(),
        ],
        actors: ["China Telecom", "China Mobile"]
            .iter()
            .map(|n| Actor {
                name: (*n).into(),
                kind: ActorKind::Organization,
                mentions: 2,
            })
            .collect(),
        status: vec![
            StatusItem {
                label: StatusLabel::EarlyStage,
                evidence: "The probe is in its early stages.".into(),
                confidence: 0.9,
            },
            StatusItem {
                label: StatusLabel::Denied,
                evidence: "Both companies have denied any wrongdoing.".into(),
                confidence: 0.88,
            },
        ],
        stats: Stats {
            words: 400,
            sentences: 16,
            summary_words: 13,
            reading_minutes: 1.7,
        },
        ..Brief::default()
    }
}
