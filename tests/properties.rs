//! Properties of the two pure steps that face chat users: finding links in a message and
//! rendering a brief as Discord embeds.
//!
//! Inputs are built from pieces that stress the code: markdown and mention syntax, emoji
//! (astral, ZWJ sequences, flags, skin tones), combining marks, bidirectional overrides,
//! control characters, and texts up to 10,000 characters.

use newsbrief::links::{find_article_links, find_links, is_article_candidate, normalize_url};
use newsbrief::render::embed::{self, Embed};
use newsbrief::render::escape::{discord_len, ZERO_WIDTH_SPACE};
use newsbrief::render::pack::plan_messages;
use newsbrief::render::prompts::Prompts;
use newsbrief::{Actor, ActorKind, Brief, Stats, StatusItem, StatusLabel};
use proptest::prelude::*;

/// Longest generated text, in characters.
const MAX_CHARS: usize = 10_000;
/// The seed of every run, so `cargo test` is deterministic; set `PROPTEST_RNG_SEED` to
/// explore other cases.
const SEED: u64 = 0x6E65_7773_6272_6566;

/// `cases` cases from [`SEED`], unless `PROPTEST_RNG_SEED` is set.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::with_cases(cases);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(SEED);
    }
    c
}

/// Fragments that mean something to Discord markdown, mentions or Unicode rendering.
const ATOMS: &[&str] = &[
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&42>",
    "<#1>",
    "**",
    "__",
    "||",
    "~~",
    "`",
    "```",
    "> ",
    "# ",
    "-# ",
    "[link](https://evil.example/x)",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{7}",
    "\u{200B}",
    "\u{200D}",
    "\u{202E}",
    "\u{2066}",
    "\u{FEFF}",
    "👩‍👩‍👧‍👦",
    "🇫🇷",
    "👍🏽",
    "🟡",
    "e\u{301}",
    "\u{301}\u{302}\u{303}",
    "Z\u{36B}\u{36C}\u{36D}\u{489}",
    "中文新闻",
    "עברית",
    "…",
    "https://example.com/a?b=c#d",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 .,'-]{1,12}",
        2 => proptest::sample::select(ATOMS).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "[\u{0300}-\u{036F}]{1,4}",
        1 => "[\u{1F300}-\u{1FAFF}]{1,3}",
    ]
}

fn short_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..30).prop_map(|v| v.concat())
}

/// A text of any length up to [`MAX_CHARS`]: mostly short, sometimes a long repetition.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => short_text(),
        1 => (short_text(), 1..2_000usize).prop_map(|(s, n)| {
            s.repeat(n).chars().take(MAX_CHARS).collect()
        }),
    ]
}

fn label() -> impl Strategy<Value = StatusLabel> {
    proptest::sample::select(vec![
        StatusLabel::EarlyStage,
        StatusLabel::Denied,
        StatusLabel::Unconfirmed,
        StatusLabel::Confirmed,
    ])
}

fn kind() -> impl Strategy<Value = ActorKind> {
    proptest::sample::select(vec![
        ActorKind::Person,
        ActorKind::Organization,
        ActorKind::Place,
        ActorKind::Other,
    ])
}

fn brief() -> impl Strategy<Value = Brief> {
    let url = proptest::option::of(prop_oneof![
        "https?://[a-z]{1,10}\\.example/[a-z0-9/]{0,30}",
        text(),
    ]);
    let published = proptest::option::of(prop_oneof![
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?",
        text(),
    ]);
    let minutes = prop_oneof![0.0..1e7f64, Just(f64::NAN), Just(f64::INFINITY), Just(-1.0)];
    (
        (
            url,
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            published,
        ),
        proptest::collection::vec(text(), 0..15),
        proptest::collection::vec((text(), kind(), any::<u32>()), 0..40),
        proptest::collection::vec((label(), text()), 0..8),
        (any::<usize>(), any::<usize>(), minutes),
    )
        .prop_map(
            |((url, title, site, byline, published), summary, actors, status, stats)| Brief {
                url,
                title,
                site,
                byline,
                published,
                summary,
                actors: actors
                    .into_iter()
                    .map(|(name, kind, mentions)| Actor {
                        name,
                        kind,
                        mentions,
                    })
                    .collect(),
                status: status
                    .into_iter()
                    .map(|(label, evidence)| StatusItem {
                        label,
                        evidence,
                        confidence: 0.5,
                    })
                    .collect(),
                stats: Stats {
                    words: stats.0,
                    sentences: 0,
                    summary_words: stats.1,
                    reading_minutes: stats.2,
                },
                ..Brief::default()
            },
        )
}

/// Every text of an embed, with where it goes.
fn texts(e: &Embed) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    for (place, s) in [
        ("title", &e.title),
        ("author", &e.author),
        ("description", &e.description),
        ("footer", &e.footer),
    ] {
        if let Some(s) = s {
            out.push((place, s.as_str()));
        }
    }
    for f in &e.fields {
        out.push(("field name", f.name.as_str()));
        out.push(("field value", f.value.as_str()));
    }
    out
}

fn check_embed(e: &Embed) -> Result<(), TestCaseError> {
    prop_assert_eq!(e.limit_broken(), None, "{:?}", e);
    prop_assert!(
        e.title.as_deref().is_some_and(|t| !t.is_empty()),
        "a title always"
    );
    if let Some(u) = &e.url {
        let parsed = url::Url::parse(u);
        prop_assert!(
            parsed.is_ok_and(|p| matches!(p.scheme(), "http" | "https")),
            "embed link {u:?}"
        );
    }
    for (place, s) in texts(e) {
        // Every `@` is followed by a zero-width space, so no mention of any kind can form.
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '@' {
                prop_assert_eq!(
                    chars.peek().copied(),
                    Some(ZERO_WIDTH_SPACE),
                    "a mention may form in the {}: {:?}",
                    place,
                    s
                );
            }
        }
        prop_assert!(
            !s.chars().any(|c| c.is_control() && c != '\n'
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "a control or bidi character in the {place}: {s:?}"
        );
        prop_assert!(
            place == "description" || place == "field value" || !s.contains('\n'),
            "the {place} is one line: {s:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn any_brief_renders_inside_discord_limits(b in brief()) {
        let e = embed::brief_embed(&b, &Prompts::builtin());
        check_embed(&e)?;
    }
}

proptest! {
    // Fewer cases: each one renders up to 14 briefs.
    #![proptest_config(config(24))]

    #[test]
    fn any_set_of_briefs_and_failure_lines_is_packed_inside_limits(
        briefs in proptest::collection::vec(brief(), 0..14),
        lines in proptest::collection::vec(text(), 0..30),
    ) {
        let prompts = Prompts::builtin();
        let embeds: Vec<Embed> = briefs.iter().map(|b| embed::brief_embed(b, &prompts)).collect();
        let messages = plan_messages(&lines, embeds.clone());
        let mut seen = Vec::new();
        for m in &messages {
            prop_assert!(m.content.is_some() || !m.embeds.is_empty(), "no empty message");
            if let Some(c) = &m.content {
                prop_assert!(discord_len(c) <= embed::CONTENT_MAX);
            }
            prop_assert!(m.embeds.len() <= embed::EMBEDS_MAX);
            prop_assert!(
                m.embeds.iter().map(Embed::total_len).sum::<usize>()
                    <= embed::MESSAGE_EMBEDS_TOTAL_MAX
            );
            seen.extend(m.embeds.iter().cloned());
        }
        prop_assert_eq!(seen, embeds, "every embed once, in order");
        prop_assert_eq!(messages.is_empty(), briefs.is_empty() && lines.is_empty());
    }
}

// ---- link finding ------------------------------------------------------------------------

/// Fragments of chat messages around links: schemes, markup, hosts, separators, tricks.
const LINK_ATOMS: &[&str] = &[
    "http://",
    "https://",
    "HTTPS://",
    "hTtP://",
    "ftp://",
    "javascript:",
    "mailto:",
    "file:///",
    "www.",
    "example.com",
    "127.0.0.1",
    "[::1]",
    "0x7f.1",
    "xn--bcher-kva.example",
    "bücher.example",
    "user:pass@",
    "@",
    ":",
    ":80",
    ":99999",
    "/",
    "//",
    "?",
    "&",
    "=",
    "#",
    "%",
    "%zz",
    "%00",
    "..",
    ".",
    "utm_source=x",
    "fbclid=1",
    "<",
    ">",
    "||",
    "**",
    "[x](",
    ")",
    "(",
    "\"",
    "'",
    " ",
    "\n",
    "\u{200B}",
    "\u{202E}",
    "🟡",
    "e\u{301}",
    "a.png",
    "tenor.com/view/x",
];

fn chat() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(LINK_ATOMS).prop_map(str::to_string),
            2 => "[a-zA-Z0-9._~-]{1,10}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..80,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn links_found_are_distinct_normalised_web_urls(text in chat()) {
        let links = find_links(&text);
        let mut seen = std::collections::HashSet::new();
        for link in &links {
            prop_assert!(seen.insert(link.clone()), "duplicate {link}");
            let u = url::Url::parse(link).map_err(|e| TestCaseError::fail(format!("{link}: {e}")))?;
            prop_assert!(matches!(u.scheme(), "http" | "https"), "{link}");
            prop_assert!(u.host_str().is_some_and(|h| !h.is_empty()), "{link}");
            prop_assert!(u.fragment().is_none(), "{link}");
            prop_assert!(!link.chars().any(char::is_whitespace), "{link:?}");
            let again = normalize_url(link).map(|u| u.to_string());
            prop_assert_eq!(again.as_deref(), Some(link.as_str()), "normalisation is idempotent");
        }
        let articles = find_article_links(&text);
        let mut rest = links.iter();
        for a in &articles {
            prop_assert!(rest.any(|l| l == a), "{a} is one of the links, in order");
            prop_assert!(is_article_candidate(&url::Url::parse(a).unwrap()));
        }
    }

    #[test]
    fn normalising_a_url_twice_changes_nothing(
        scheme in "(?i)https?://",
        userinfo in "([a-z]{1,4}(:[a-z]{0,4})?@)?",
        host in "[a-zA-Z0-9_-]{0,6}(\\.[a-zA-Z0-9_-]{0,6}){0,3}\\.{0,3}",
        port in "(:[0-9]{1,5})?",
        path in "(/[a-zA-Z0-9._%~-]{0,6}){0,3}",
        query in "(\\?((utm_[a-z]{1,4}|fbclid|id|q|_ga)=[a-z0-9%]{0,4}&?){0,4})?",
        fragment in "(#[a-z]{0,4})?",
    ) {
        let raw = format!("{scheme}{userinfo}{host}{port}{path}{query}{fragment}");
        if let Some(once) = normalize_url(&raw) {
            let twice = normalize_url(once.as_str());
            prop_assert_eq!(twice.as_ref(), Some(&once), "from {:?}", raw);
            prop_assert!(once.fragment().is_none());
            prop_assert!(!once.host_str().unwrap_or("").ends_with('.'), "{}", once);
        }
    }

    #[test]
    fn a_plain_link_between_spaces_is_always_found(
        before in chat(),
        after in chat(),
        scheme in "https?",
        host in "[a-z][a-z0-9]{0,10}\\.(com|org|example)",
        path in "(/[a-zA-Z0-9_-]{0,7}[a-zA-Z0-9]){0,4}",
    ) {
        let link = format!("{scheme}://{host}{path}");
        let text = format!("{before} {link} {after}");
        let want = normalize_url(&link).unwrap().to_string();
        prop_assert!(find_links(&text).contains(&want), "{want} not found in {text:?}");
    }
}
