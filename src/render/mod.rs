//! Renderers: a brief as plain text, Markdown or JSON (here), and for Discord in the steps
//! of a reply: [`quiet`] (whether to post at all), [`prompts`] (the wording), [`escape`] (page
//! text made safe and short), [`meta`] (date, site and byline cleaned), [`embed`] (the card
//! and Discord's limits), [`why`] (the "Why?" button's answer), [`pack`] (cards and lines
//! into messages). None of it touches the network: the bot turns the result into API calls.

use crate::brief::Brief;

pub mod embed;
pub mod escape;
#[cfg(test)]
mod fixtures;
pub mod meta;
pub mod pack;
pub mod prompts;
pub mod quiet;
pub mod why;

/// Output formats of the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// Markdown.
    Markdown,
    /// The JSON form of a brief (one object).
    Json,
}

/// Renders `brief` in `format`.
#[must_use]
pub fn render(brief: &Brief, format: Format) -> String {
    match format {
        Format::Text => text(brief),
        Format::Markdown => markdown(brief),
        Format::Json => json(brief),
    }
}

/// The JSON form of a brief, pretty-printed.
#[must_use]
pub fn json(brief: &Brief) -> String {
    // Serialising a struct of strings, numbers and vectors cannot fail.
    serde_json::to_string_pretty(brief).unwrap_or_default()
}

fn meta_line(brief: &Brief) -> String {
    [
        brief.site.as_deref(),
        brief.byline.as_deref(),
        brief.published.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

fn status_badge(label: crate::StatusLabel) -> (&'static str, &'static str) {
    use crate::StatusLabel::*;
    match label {
        EarlyStage => ("🟡", "Early-stage"),
        Denied => ("🔴", "Denied"),
        Unconfirmed => ("⚪", "Unconfirmed"),
        Confirmed => ("🟢", "Confirmed"),
    }
}

fn footer(brief: &Brief) -> String {
    format!(
        "{} words → {} · {} min read",
        brief.stats.words,
        brief.stats.summary_words,
        brief.stats.reading_minutes.ceil().max(1.0)
    )
}

/// Plain text for a terminal.
#[must_use]
pub fn text(brief: &Brief) -> String {
    let mut out = String::new();
    if let Some(t) = &brief.title {
        out.push_str(t);
        out.push('\n');
    }
    let meta = meta_line(brief);
    if !meta.is_empty() {
        out.push_str(&meta);
        out.push('\n');
    }
    if let Some(u) = &brief.url {
        out.push_str(u);
        out.push('\n');
    }
    out.push('\n');
    for s in &brief.summary {
        out.push_str("• ");
        out.push_str(&s.replace('\n', " "));
        out.push('\n');
    }
    if !brief.actors.is_empty() {
        let names: Vec<&str> = brief.actors.iter().map(|a| a.name.as_str()).collect();
        out.push_str(&format!("\nKey actors: {}\n", names.join(" · ")));
    }
    if !brief.status.is_empty() {
        out.push_str("Status:\n");
        for s in &brief.status {
            let (badge, name) = status_badge(s.label);
            out.push_str(&format!(
                "  {badge} {name}: \"{}\"\n",
                s.evidence.replace('\n', " ")
            ));
        }
    }
    out.push_str(&format!("\n{}\n", footer(brief)));
    out
}

/// Markdown.
#[must_use]
pub fn markdown(brief: &Brief) -> String {
    let mut out = String::new();
    let title = brief.title.as_deref().unwrap_or("Untitled");
    match &brief.url {
        Some(u) => out.push_str(&format!("## [{}]({u})\n\n", escape_md(title))),
        None => out.push_str(&format!("## {}\n\n", escape_md(title))),
    }
    let meta = meta_line(brief);
    if !meta.is_empty() {
        out.push_str(&format!("*{}*\n\n", escape_md(&meta)));
    }
    for s in &brief.summary {
        out.push_str(&format!("- {}\n", escape_md(&s.replace('\n', " "))));
    }
    if !brief.actors.is_empty() {
        let names: Vec<String> = brief.actors.iter().map(|a| escape_md(&a.name)).collect();
        out.push_str(&format!("\n**Key actors:** {}\n", names.join(" · ")));
    }
    if !brief.status.is_empty() {
        out.push_str("\n**Status:**\n\n");
        for s in &brief.status {
            let (badge, name) = status_badge(s.label);
            out.push_str(&format!(
                "- {badge} {name}: “{}”\n",
                escape_md(&s.evidence.replace('\n', " "))
            ));
        }
    }
    out.push_str(&format!("\n*{}*\n", footer(brief)));
    out
}

/// Escapes Markdown control characters so page text renders literally.
#[must_use]
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '(' | ')' | '#' | '<' | '>' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
