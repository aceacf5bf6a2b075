//! The Discord card of a brief: Discord's limits, the plain values the bot sends
//! ([`Embed`], [`Field`], [`OutMessage`], [`Button`]), and [`brief_card`], which turns a
//! [`Brief`] into one embed, verdict first (status line, linked title, key sentences, a line
//! of actors, a small line of metadata), that always stays inside those limits.
//!
//! The wording comes from [`super::prompts`], page text is made safe by [`super::escape`],
//! site, byline and date are cleaned by [`super::meta`]. Not for the "Why?" answer
//! ([`super::why`]) or packing cards into messages ([`super::pack`]), and not for I/O: this
//! module is pure and knows nothing of serenity or the network; the bot turns
//! [`OutMessage`]s into API calls.

use minijinja::context;

use super::escape::{discord_len, escape_discord, one_line, plain_discord, shorten};
use super::meta::{clean_meta, format_date};
use super::prompts::Prompts;
use crate::brief::Brief;

/// Discord's limit on an embed title, in characters.
pub const TITLE_MAX: usize = 256;
/// Discord's limit on an embed description.
pub const DESCRIPTION_MAX: usize = 4096;
/// Discord's limit on a field name.
pub const FIELD_NAME_MAX: usize = 256;
/// Discord's limit on a field value.
pub const FIELD_VALUE_MAX: usize = 1024;
/// Discord's limit on fields per embed.
pub const FIELDS_MAX: usize = 25;
/// Discord's limit on an embed footer.
pub const FOOTER_MAX: usize = 2048;
/// Discord's limit on an embed author name.
pub const AUTHOR_MAX: usize = 256;
/// Discord's limit on the characters of all embeds of one message together.
pub const MESSAGE_EMBEDS_TOTAL_MAX: usize = 6000;
/// Discord's limit on embeds per message.
pub const EMBEDS_MAX: usize = 10;
/// Discord's limit on message content.
pub const CONTENT_MAX: usize = 2000;

/// Our own cap on the footer (Discord allows 2048): a footer is one line of figures, and a
/// short cap guarantees the description always keeps most of its room in the 6000 budget.
pub const FOOTER_CAP: usize = 256;
/// Actors shown at most: beyond this the field stops being a quick read.
pub const ACTORS_SHOWN_MAX: usize = 10;
/// The side colour of brief embeds (a calm blue).
pub const EMBED_COLOUR: u32 = 0x002B_6CB0;

// ---- the embed ----------------------------------------------------------------------------

/// A field of an embed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Field value.
    pub value: String,
    /// Whether Discord may show it beside other fields.
    pub inline: bool,
}

/// A Discord embed as plain data, already inside every per-embed limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Embed {
    /// Title (the headline).
    pub title: Option<String>,
    /// Link of the title (the article).
    pub url: Option<String>,
    /// Author line: site, byline, date.
    pub author: Option<String>,
    /// Summary bullets.
    pub description: Option<String>,
    /// Key actors and status.
    pub fields: Vec<Field>,
    /// Figures line.
    pub footer: Option<String>,
    /// Side colour.
    pub colour: u32,
}

impl Embed {
    /// Characters that count toward Discord's 6000 per-message embed budget.
    #[must_use]
    pub fn total_len(&self) -> usize {
        let opt = |s: &Option<String>| s.as_deref().map_or(0, discord_len);
        opt(&self.title)
            + opt(&self.author)
            + opt(&self.description)
            + opt(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| discord_len(&f.name) + discord_len(&f.value))
                .sum::<usize>()
    }

    /// The first of Discord's embed limits this embed breaks (`None`: it is inside all of
    /// them): each part's length, the field count, empty field names or values, and the
    /// per-message total. For checking what the card code builds, in tests and fuzzing.
    #[must_use]
    pub fn limit_broken(&self) -> Option<&'static str> {
        let over = |s: &Option<String>, max: usize| s.as_deref().map_or(0, discord_len) > max;
        if over(&self.title, TITLE_MAX) {
            return Some("title");
        }
        if over(&self.description, DESCRIPTION_MAX) {
            return Some("description");
        }
        if over(&self.author, AUTHOR_MAX) {
            return Some("author");
        }
        if over(&self.footer, FOOTER_MAX) {
            return Some("footer");
        }
        if self.fields.len() > FIELDS_MAX {
            return Some("field count");
        }
        for f in &self.fields {
            if f.name.is_empty() || discord_len(&f.name) > FIELD_NAME_MAX {
                return Some("field name");
            }
            if f.value.is_empty() || discord_len(&f.value) > FIELD_VALUE_MAX {
                return Some("field value");
            }
        }
        (self.total_len() > MESSAGE_EMBEDS_TOTAL_MAX).then_some("total")
    }
}

/// One message to send: optional content, up to ten embeds and a row of buttons.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OutMessage {
    /// Text content (at most [`CONTENT_MAX`]).
    pub content: Option<String>,
    /// Embeds (at most [`EMBEDS_MAX`], [`MESSAGE_EMBEDS_TOTAL_MAX`] characters together).
    pub embeds: Vec<Embed>,
    /// Buttons under the message (at most [`BUTTONS_MAX`]).
    pub buttons: Vec<Button>,
}

/// A button under a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Button {
    /// What the bot receives when it is pressed (at most 100 characters).
    pub custom_id: String,
    /// The text on the button (at most 80 characters).
    pub label: String,
}

/// Buttons on one row (Discord's limit).
pub const BUTTONS_MAX: usize = 5;

/// Whether `s` is an http(s) URL Discord will accept as an embed link.
fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

// ---- the card ------------------------------------------------------------------------------

/// How much of a brief a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardStyle {
    /// The reply to one link: status line, linked title, the key sentences, one line of
    /// actors and a small line of metadata.
    #[default]
    Full,
    /// One of several links in a message: status line, linked title, the first key sentence
    /// and the metadata line.
    Compact,
    /// Asked for at length (`/summarize length:long`): as [`CardStyle::Full`], with every
    /// key sentence.
    Long,
}

/// Characters of key sentences a full card shows at most (whole sentences, in article
/// order, at least one): with the status line, title, actors, metadata and the "Why?"
/// button, this keeps the default reply within 350 px on a desktop client.
pub const FULL_SUMMARY_CHARS: usize = 400;

/// Visible characters at most on the line of actors, so that it stays one line on a
/// desktop client (an embed is some 520 px wide; at least one actor is always shown).
pub const ACTORS_LINE_CHARS: usize = 72;

/// Whether a brief may show a status: news, or not judged (non-news pages never get one).
pub(super) fn shows_status(brief: &Brief) -> bool {
    brief.kind != Some(crate::brief::ArticleKind::NonNews)
}

/// The status line shown first: each label's badge and word, e.g. "🟡 Early-stage · 🔴
/// Denied", or `None` when the brief has no status (or is not news).
#[must_use]
pub fn status_line(brief: &Brief, prompts: &Prompts) -> Option<String> {
    if !shows_status(brief) {
        return None;
    }
    let mut seen = Vec::new();
    let items: Vec<String> = brief
        .status
        .iter()
        .filter(|s| {
            let new = !seen.contains(&s.label);
            seen.push(s.label);
            new
        })
        .map(|s| {
            let (badge, label, _) = prompts.status(s.label);
            prompts.render(
                "embed.status_item",
                context! { badge => badge, label => label },
            )
        })
        .collect();
    (!items.is_empty()).then(|| plain_discord(&items.join(&prompts.text("embed.status_separator"))))
}

/// The headline, escaped and within Discord's title limit ("Untitled article" when none).
pub(super) fn card_title(brief: &Brief, prompts: &Prompts, ell: &str) -> String {
    let title = brief
        .title
        .as_deref()
        .map(escape_discord)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| prompts.text("embed.untitled"));
    shorten(&title, TITLE_MAX, ell)
}

/// The one line of key actors (most central first, as many as fit on one line).
fn actors_line(brief: &Brief, prompts: &Prompts, ell: &str) -> Option<String> {
    let sep = prompts.text("embed.actors_separator");
    let mut names: Vec<String> = Vec::new();
    let mut visible = 0;
    for actor in brief.actors.iter().take(ACTORS_SHOWN_MAX) {
        let plain = one_line(&actor.name);
        if plain.is_empty() {
            continue;
        }
        let add = discord_len(&plain)
            + if names.is_empty() {
                0
            } else {
                discord_len(&sep)
            };
        if !names.is_empty() && visible + add > ACTORS_LINE_CHARS {
            break;
        }
        visible += add;
        names.push(shorten(
            &escape_discord(&actor.name),
            ACTORS_LINE_CHARS,
            ell,
        ));
    }
    (!names.is_empty()).then(|| {
        prompts.render(
            "embed.actors_line",
            context! { name => prompts.text("embed.actors_name"), actors => names.join(&sep) },
        )
    })
}

/// The small last line: site, byline, date (a Discord timestamp) and reading time.
fn meta_line(brief: &Brief, prompts: &Prompts) -> Option<String> {
    let (site, byline) = clean_meta(brief);
    let mut parts: Vec<String> = [site, byline]
        .into_iter()
        .flatten()
        .map(|s| shorten(&escape_discord(&s), 80, "…"))
        .collect();
    if let Some(p) = brief.published.as_deref().filter(|p| !p.trim().is_empty()) {
        parts.push(format_date(p, prompts));
    }
    if brief.stats.words > 0 {
        let minutes = brief.stats.reading_minutes.ceil().max(1.0) as u64;
        parts.push(prompts.render("embed.reading", context! { minutes => minutes }));
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| {
        prompts.render(
            "embed.meta_line",
            context! { parts => parts.join(&prompts.text("embed.author_separator")) },
        )
    })
}

/// Renders a brief with every key sentence (see [`brief_card`], [`CardStyle::Long`]): the
/// form for callers that want the whole brief in one embed.
#[must_use]
pub fn brief_embed(brief: &Brief, prompts: &Prompts) -> Embed {
    brief_card(brief, prompts, CardStyle::Long)
}

/// Renders a brief as one embed that stays inside every Discord limit, verdict first: the
/// status line (badges and words; none for non-news or without status) as the embed's top
/// line, then the linked title, the key sentences (up to [`FULL_SUMMARY_CHARS`] for
/// [`CardStyle::Full`], all for [`CardStyle::Long`], the first for [`CardStyle::Compact`]),
/// one line of actors (not on compact cards), and a small line of site, byline, date and
/// reading time. No sentence is shown twice: the evidence of each
/// label is given on demand ([`why_text`](super::why::why_text)).
#[must_use]
pub fn brief_card(brief: &Brief, prompts: &Prompts, style: CardStyle) -> Embed {
    let ell = prompts.text("embed.ellipsis");
    let title = card_title(brief, prompts, &ell);
    let author = status_line(brief, prompts).map(|s| shorten(&s, AUTHOR_MAX, &ell));

    let mut tail = Vec::new();
    if style != CardStyle::Compact {
        if let Some(a) = actors_line(brief, prompts, &ell) {
            tail.push(shorten(&a, FIELD_VALUE_MAX, &ell));
        }
    }
    if let Some(m) = meta_line(brief, prompts) {
        tail.push(shorten(&m, FOOTER_CAP, &ell));
    }
    let tail = tail.join("\n");

    let mut embed = Embed {
        title: Some(title),
        url: brief.url.clone().filter(|u| is_web_url(u)),
        author,
        description: None,
        fields: Vec::new(),
        footer: None,
        colour: EMBED_COLOUR,
    };
    let room = MESSAGE_EMBEDS_TOTAL_MAX
        .saturating_sub(embed.total_len())
        .min(DESCRIPTION_MAX)
        .saturating_sub(discord_len(&tail) + 1);
    let shown = match style {
        CardStyle::Long => brief.summary.len(),
        CardStyle::Compact => 1,
        CardStyle::Full => {
            let mut used = 0;
            let n = brief
                .summary
                .iter()
                .take_while(|s| {
                    used += discord_len(&one_line(s));
                    used <= FULL_SUMMARY_CHARS
                })
                .count();
            n.max(1)
        }
    };
    let bullets = description(
        &brief.summary[..shown.min(brief.summary.len())],
        prompts,
        room,
        &ell,
    );
    let description = match (bullets, tail.is_empty()) {
        (Some(b), false) => format!("{b}\n{tail}"),
        (Some(b), true) => b,
        (None, false) => tail,
        (None, true) => String::new(),
    };
    embed.description = (!description.is_empty()).then_some(description);
    embed
}

/// The summary bullets, whole sentences while they fit, the first one cut if it alone is
/// too long, and an ellipsis line when sentences were left out.
fn description(summary: &[String], prompts: &Prompts, room: usize, ell: &str) -> Option<String> {
    let mut out = String::new();
    for (i, sentence) in summary.iter().enumerate() {
        let bullet = prompts.render(
            "embed.bullet",
            context! { sentence => escape_discord(sentence) },
        );
        let sep = usize::from(!out.is_empty());
        // Keep room for a closing ellipsis line unless this is the last bullet.
        let reserve = if i + 1 < summary.len() {
            1 + discord_len(ell)
        } else {
            0
        };
        if discord_len(&out) + sep + discord_len(&bullet) + reserve <= room {
            if sep == 1 {
                out.push('\n');
            }
            out.push_str(&bullet);
            continue;
        }
        if out.is_empty() {
            out = shorten(&bullet, room, ell);
        } else if discord_len(&out) + 1 + discord_len(ell) <= room {
            out.push('\n');
            out.push_str(ell);
        }
        break;
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::example_brief;
    use crate::render::meta::unix_time;
    use crate::render::why::why_text;

    #[test]
    fn limit_broken_names_the_first_limit_an_embed_breaks() {
        assert_eq!(Embed::default().limit_broken(), None);
        let long_title = Embed {
            title: Some("t".repeat(TITLE_MAX + 1)),
            ..Embed::default()
        };
        assert_eq!(long_title.limit_broken(), Some("title"));
        let field = |name: &str, value: &str| Field {
            name: name.into(),
            value: value.into(),
            inline: false,
        };
        let empty_name = Embed {
            fields: vec![field("", "v")],
            ..Embed::default()
        };
        assert_eq!(empty_name.limit_broken(), Some("field name"));
        let over_total = Embed {
            description: Some("d".repeat(DESCRIPTION_MAX)),
            fields: vec![field("n", &"v".repeat(FIELD_VALUE_MAX)); 2],
            ..Embed::default()
        };
        assert_eq!(over_total.limit_broken(), Some("total"));
    }

    #[test]
    fn the_card_is_verdict_first_and_shows_no_sentence_twice() {
        let brief = example_brief();
        let e = brief_embed(&brief, &Prompts::builtin());
        assert_eq!(e.author.as_deref(), Some("🟡 Early-stage · 🔴 Denied"));
        assert_eq!(e.title.as_deref(), Some("U.S. probing China Telecom"));
        assert_eq!(e.url.as_deref(), brief.url.as_deref());
        assert!(e.fields.is_empty() && e.footer.is_none());
        let d = e.description.unwrap();
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(
            lines,
            vec![
                "• The probe is in its early stages.",
                "• Both companies have denied any wrongdoing.",
                "**Key actors:** China Telecom · China Mobile",
                "-# Example News · Jane Doe · <t:1711531800:D> · 2 min read",
            ]
        );
        // Evidence sentences are in the summary, and shown once only.
        for item in &brief.status {
            assert_eq!(d.matches(item.evidence.as_str()).count(), 1);
        }
    }

    #[test]
    fn a_compact_card_has_one_sentence_and_no_actors() {
        let e = brief_card(&example_brief(), &Prompts::builtin(), CardStyle::Compact);
        let d = e.description.unwrap();
        assert_eq!(d.lines().count(), 2, "{d}");
        assert!(!d.contains("Key actors"));
        assert!(e.author.is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn no_metadata_or_date_text_makes_a_card_panic(
            published in "[0-9:TZ+\\-.é ]{0,30}|\\PC{0,30}",
            site in "\\PC{0,40}",
            byline in "\\PC{0,40}",
            url in "https?://[a-z0-9.é]{1,20}(/[a-zA-Z0-9.é%]{0,10}){0,4}|\\PC{0,30}",
        ) {
            let _ = unix_time(&published);
            let mut b = example_brief();
            b.published = Some(published);
            b.site = Some(site);
            b.byline = Some(byline);
            b.url = Some(url);
            let p = Prompts::builtin();
            for style in [CardStyle::Full, CardStyle::Compact, CardStyle::Long] {
                let e = brief_card(&b, &p, style);
                proptest::prop_assert!(e.total_len() <= MESSAGE_EMBEDS_TOTAL_MAX);
                proptest::prop_assert!(e.description.as_deref().map_or(0, discord_len) <= DESCRIPTION_MAX);
            }
            let _ = why_text(&b, &p);
            let _ = crate::render::quiet::quiet_reason(&b);
        }
    }
}
