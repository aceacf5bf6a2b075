//! Arbitrary briefs through the Discord embed renderer and the message packer: never a
//! panic, every embed and message inside Discord's limits, and no mention can form.
#![no_main]
use libfuzzer_sys::fuzz_target;
use newsbrief::render::embed::{self, Embed};
use newsbrief::render::escape::{discord_len, ZERO_WIDTH_SPACE};
use newsbrief::render::pack::plan_messages;
use newsbrief::render::prompts::Prompts;

type Meta<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fuzz_target!(|input: (
    Meta<'_>,
    Vec<&str>,
    Vec<(&str, u8)>,
    Vec<(u8, &str)>,
    (u32, u32, f64),
    Vec<&str>,
)| {
    let ((url, title, site, byline, published), summary, actors, status, stats, lines) = input;
    let owned = |s: Option<&str>| s.map(str::to_string);
    let brief = newsbrief::Brief {
        url: owned(url),
        title: owned(title),
        site: owned(site),
        byline: owned(byline),
        published: owned(published),
        summary: summary.into_iter().map(str::to_string).collect(),
        actors: actors
            .into_iter()
            .map(|(name, k)| newsbrief::Actor {
                name: name.to_string(),
                kind: [
                    newsbrief::ActorKind::Person,
                    newsbrief::ActorKind::Organization,
                    newsbrief::ActorKind::Place,
                    newsbrief::ActorKind::Other,
                ][usize::from(k % 4)],
                mentions: u32::from(k),
            })
            .collect(),
        status: status
            .into_iter()
            .map(|(l, evidence)| newsbrief::StatusItem {
                label: [
                    newsbrief::StatusLabel::EarlyStage,
                    newsbrief::StatusLabel::Denied,
                    newsbrief::StatusLabel::Unconfirmed,
                    newsbrief::StatusLabel::Confirmed,
                ][usize::from(l % 4)],
                evidence: evidence.to_string(),
                confidence: f64::from(l) / f64::from(u8::MAX),
            })
            .collect(),
        stats: newsbrief::Stats {
            words: stats.0 as usize,
            sentences: 0,
            summary_words: stats.1 as usize,
            reading_minutes: stats.2,
        },
        ..newsbrief::Brief::default()
    };
    let e = embed::brief_embed(&brief, prompts());
    check(&e);
    let lines: Vec<String> = lines.into_iter().map(str::to_string).collect();
    let n = 1 + lines.len() % 12;
    let messages = plan_messages(&lines, vec![e; n]);
    let mut embeds = 0;
    for m in &messages {
        assert!(m.content.is_some() || !m.embeds.is_empty(), "no empty message");
        assert!(m.content.as_deref().map_or(0, discord_len) <= embed::CONTENT_MAX);
        assert!(m.embeds.len() <= embed::EMBEDS_MAX);
        let total: usize = m.embeds.iter().map(Embed::total_len).sum();
        assert!(total <= embed::MESSAGE_EMBEDS_TOTAL_MAX);
        embeds += m.embeds.len();
    }
    assert_eq!(embeds, n, "every embed sent once");
});

fn check(e: &Embed) {
    assert_eq!(e.limit_broken(), None, "{e:?}");
    let texts = [&e.title, &e.author, &e.description, &e.footer]
        .into_iter()
        .flatten()
        .chain(e.fields.iter().flat_map(|f| [&f.name, &f.value]));
    for s in texts {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '@' {
                assert_eq!(chars.peek(), Some(&ZERO_WIDTH_SPACE), "a mention may form: {s:?}");
            }
        }
    }
}

fn prompts() -> &'static Prompts {
    static P: std::sync::OnceLock<Prompts> = std::sync::OnceLock::new();
    P.get_or_init(Prompts::builtin)
}
