//! The Discord embed of a brief, and the wording of everything the bot says.
//!
//! [`Prompts`] holds the bot's templates (built in from `prompts/bot.toml`, overridable from
//! a folder at run time). [`brief_embed`] turns a [`Brief`] into a plain [`Embed`] value that
//! always stays inside Discord's limits, with page text escaped so that it can never ping
//! anyone, hide a link or change the formatting; [`plan_messages`] packs embeds and text lines
//! into as few messages as Discord allows.
//!
//! This module is pure: it knows nothing of serenity or the network. The bot turns
//! [`OutMessage`]s into API calls.

use std::collections::HashMap;
use std::path::Path;

use minijinja::{context, Environment, Value};

use crate::brief::{Brief, StatusLabel};

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
/// Longest evidence quote shown in the Status field: the field is a list of short quotes,
/// and four full sentences of a long-winded article would not fit in 1024 characters.
pub const EVIDENCE_QUOTE_MAX: usize = 200;
/// Actors shown at most: beyond this the field stops being a quick read.
pub const ACTORS_SHOWN_MAX: usize = 10;
/// The side colour of brief embeds (a calm blue).
pub const EMBED_COLOUR: u32 = 0x002B_6CB0;
/// Inserted after every `@` of page text so that no mention (`@everyone`, `<@id>`) forms.
pub const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// The bot's built-in templates (`prompts/bot.toml`).
pub const BUILTIN_PROMPTS: &str = include_str!("../../prompts/bot.toml");
/// The file name looked for in a prompts folder.
pub const PROMPTS_FILE: &str = "bot.toml";

/// Length as Discord counts it. Counting UTF-16 code units is never less than counting
/// code points, so a text within the limit by this measure is within it by either.
#[must_use]
pub fn discord_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Errors loading templates.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The prompts file could not be read.
    #[error("could not read prompts file {path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The prompts file is not valid TOML.
    #[error("prompts file {path} is not valid TOML: {reason}")]
    Toml {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A template does not compile.
    #[error("prompt `{key}` in {path} is not a valid template: {reason}")]
    Template {
        /// The file.
        path: String,
        /// The template's key (`section.name`).
        key: String,
        /// Why.
        reason: String,
    },
}

/// Prefix of the built-in copy of every template in [`Prompts`]' environment: an override
/// that fails to render falls back to it.
const BUILTIN_PREFIX: &str = "builtin:";

/// The bot's wording: templates by key (`section.name`, e.g. `embed.footer`).
///
/// Every template is compiled once, when the prompts are loaded, into one shared
/// environment: rendering is then a lookup and an evaluation (an embed renders some twenty
/// templates, and compiling them per call cost more than everything else in it).
#[derive(Debug, Clone)]
pub struct Prompts {
    templates: HashMap<String, String>,
    env: std::sync::Arc<Environment<'static>>,
}

impl Default for Prompts {
    fn default() -> Self {
        Self::builtin()
    }
}

/// A template environment without auto-escaping (the texts are Discord markdown, escaped by
/// this module, never HTML), as `render_str` on a fresh environment would render.
fn new_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

impl Prompts {
    /// The built-in templates.
    #[must_use]
    pub fn builtin() -> Self {
        // The built-in file is tested to parse (see tests); an empty map would only make
        // the bot fall back to template keys, never panic.
        let templates = flatten_toml(BUILTIN_PROMPTS, "prompts/bot.toml").unwrap_or_default();
        let mut env = new_environment();
        for (key, template) in &templates {
            // Built-in templates are tested to compile; one that did not would render as
            // its key, like a missing one.
            if let Err(e) = env.add_template_owned(key.clone(), template.clone()) {
                tracing::error!("built-in prompt `{key}` does not compile: {e}");
            }
            let _ = env.add_template_owned(format!("{BUILTIN_PREFIX}{key}"), template.clone());
        }
        Self {
            templates,
            env: std::sync::Arc::new(env),
        }
    }

    /// The built-in templates, overridden by `dir/bot.toml` when `dir` is given and the
    /// file exists.
    ///
    /// # Errors
    /// When the override file cannot be read, is not TOML, or holds a broken template.
    pub fn load(dir: Option<&Path>) -> Result<Self, PromptError> {
        let mut prompts = Self::builtin();
        let Some(dir) = dir else {
            return Ok(prompts);
        };
        let path = dir.join(PROMPTS_FILE);
        if !path.exists() {
            return Ok(prompts);
        }
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| PromptError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let overrides = flatten_toml(&text, &shown)?;
        let mut env = (*prompts.env).clone();
        for (key, template) in &overrides {
            env.add_template_owned(key.clone(), template.clone())
                .map_err(|e| PromptError::Template {
                    path: shown.clone(),
                    key: key.clone(),
                    reason: e.to_string(),
                })?;
        }
        prompts.templates.extend(overrides);
        prompts.env = std::sync::Arc::new(env);
        Ok(prompts)
    }

    /// The raw template of `key`, if any.
    #[must_use]
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.templates.get(key).map(String::as_str)
    }

    /// Renders the template `key` with `ctx`. A missing or failing template renders as the
    /// built-in one, and failing that as the key itself: wording problems never stop a reply.
    #[must_use]
    pub fn render(&self, key: &str, ctx: Value) -> String {
        if let Ok(t) = self.env.get_template(key) {
            match t.render(ctx.clone()) {
                Ok(s) => return s,
                Err(e) => tracing::warn!("prompt `{key}` failed to render: {e}"),
            }
        }
        self.env
            .get_template(&format!("{BUILTIN_PREFIX}{key}"))
            .and_then(|t| t.render(ctx))
            .unwrap_or_else(|_| key.to_string())
    }

    /// Renders a template that takes no values.
    #[must_use]
    pub fn text(&self, key: &str) -> String {
        self.render(key, context! {})
    }

    /// Badge, label and meaning of a status label.
    #[must_use]
    pub fn status(&self, label: StatusLabel) -> (String, String, String) {
        let base = format!("status.{}", label.as_str());
        (
            self.text(&format!("{base}.badge")),
            self.text(&format!("{base}.label")),
            self.text(&format!("{base}.meaning")),
        )
    }

    /// The friendly reason for an error kind (see [`crate::Error::kind`]).
    #[must_use]
    pub fn error_reason(&self, kind: &str, http_status: Option<u16>) -> String {
        let key = format!("errors.{kind}");
        let key = if self.templates.contains_key(&key) {
            key
        } else {
            "errors.other".to_string()
        };
        self.render(&key, context! { status => http_status })
    }
}

/// Flattens a TOML document of (nested) tables of strings into `a.b.c -> string`.
fn flatten_toml(text: &str, path: &str) -> Result<HashMap<String, String>, PromptError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| PromptError::Toml {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
    let mut out = HashMap::new();
    flatten_into(&table, "", &mut out);
    Ok(out)
}

fn flatten_into(table: &toml::Table, prefix: &str, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten_into(t, &key, out),
            // Numbers, booleans and arrays are not templates; they are ignored.
            _ => {}
        }
    }
}

// ---- escaping and shortening --------------------------------------------------------------

/// Collapses every run of whitespace (newlines included) into one space and drops control
/// characters: page text becomes one clean line.
#[must_use]
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            // Control and bidirectional-override characters could reorder or hide text.
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Makes page text safe for Discord markdown: one line, every markdown control character
/// escaped (so no bold, spoilers, code, quotes, headings or masked links `[x](url)`), and a
/// zero-width space after every `@` (so no `@everyone`, `@here`, user or role mention forms).
#[must_use]
pub fn escape_discord(s: &str) -> String {
    let line = one_line(s);
    let mut out = String::with_capacity(line.len() + line.len() / 8);
    for (i, c) in line.chars().enumerate() {
        match c {
            '\\' | '*' | '_' | '`' | '~' | '|' | '>' | '<' | '#' | '[' | ']' | '(' | ')' | ':' => {
                out.push('\\');
                out.push(c);
            }
            // A leading `-` or `+` would start a list (`-# ` a subtext line).
            '-' | '+' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push(ZERO_WIDTH_SPACE);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Cleans text for places Discord shows as plain text (author line, footer): one line, with
/// `@` neutralised all the same.
#[must_use]
pub fn plain_discord(s: &str) -> String {
    one_line(s).replace('@', &format!("@{ZERO_WIDTH_SPACE}"))
}

/// Shortens `s` to at most `max` (by [`discord_len`]), cutting at a word boundary when one
/// is near and ending with `ellipsis`. Text already short enough is returned unchanged.
#[must_use]
pub fn shorten(s: &str, max: usize, ellipsis: &str) -> String {
    if discord_len(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(discord_len(ellipsis));
    if room == 0 {
        return take_prefix(ellipsis, max).to_string();
    }
    let hard = take_prefix(s, room);
    // Prefer the last space in the second half of the kept text; a cut mid-word is only
    // used when the text has no space late enough (one huge token).
    let cut = match hard.rfind(char::is_whitespace) {
        Some(i) if i >= hard.len() / 2 => &hard[..i],
        _ => hard,
    };
    let mut cut = cut.trim_end().to_string();
    // An odd number of trailing backslashes would escape the ellipsis' first character.
    let trailing = cut.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        cut.pop();
    }
    // A cut between `@` and its neutralising zero-width space would leave a bare `@`
    // before the ellipsis: drop the `@` as well, so every `@` kept stays neutralised.
    while cut.ends_with('@') {
        cut.pop();
    }
    cut.push_str(ellipsis);
    cut
}

/// The longest prefix of `s` whose [`discord_len`] is at most `max` (on a char boundary).
fn take_prefix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

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
}

/// One message to send: optional content and up to ten embeds.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OutMessage {
    /// Text content (at most [`CONTENT_MAX`]).
    pub content: Option<String>,
    /// Embeds (at most [`EMBEDS_MAX`], [`MESSAGE_EMBEDS_TOTAL_MAX`] characters together).
    pub embeds: Vec<Embed>,
}

/// Formats a publication time: `YYYY-MM-DD...` as the `embed.date` template, anything else
/// as given (cleaned and short).
fn format_date(published: &str, prompts: &Prompts) -> String {
    let b = published.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = published.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            let months = prompts.text("embed.months");
            let month = months.split_whitespace().nth((m as usize).wrapping_sub(1));
            if let (Some(month), true) = (month, (1..=31).contains(&d)) {
                return prompts.render(
                    "embed.date",
                    context! { day => d, month => month, year => y },
                );
            }
        }
    }
    shorten(&plain_discord(published), 40, "…")
}

/// Whether `s` is an http(s) URL Discord will accept as an embed link.
fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// Renders a brief as one embed that stays inside every Discord limit.
#[must_use]
pub fn brief_embed(brief: &Brief, prompts: &Prompts) -> Embed {
    let ell = prompts.text("embed.ellipsis");
    let title = brief
        .title
        .as_deref()
        .map(escape_discord)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| prompts.text("embed.untitled"));
    let title = shorten(&title, TITLE_MAX, &ell);

    let mut parts: Vec<String> = [brief.site.as_deref(), brief.byline.as_deref()]
        .into_iter()
        .flatten()
        .map(plain_discord)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(p) = brief.published.as_deref().filter(|p| !p.trim().is_empty()) {
        parts.push(format_date(p, prompts));
    }
    let author = (!parts.is_empty()).then(|| {
        shorten(
            &parts.join(&prompts.text("embed.author_separator")),
            AUTHOR_MAX,
            &ell,
        )
    });

    let mut fields = Vec::new();
    if let Some(v) = actors_value(brief, prompts, &ell) {
        fields.push(Field {
            name: shorten(&prompts.text("embed.actors_name"), FIELD_NAME_MAX, &ell),
            value: v,
            inline: false,
        });
    }
    if let Some(v) = status_value(brief, prompts, &ell) {
        fields.push(Field {
            name: shorten(&prompts.text("embed.status_name"), FIELD_NAME_MAX, &ell),
            value: v,
            inline: false,
        });
    }
    fields.truncate(FIELDS_MAX);

    let footer = prompts.render(
        "embed.footer",
        context! {
            words => brief.stats.words,
            summary_words => brief.stats.summary_words,
            minutes => brief.stats.reading_minutes.ceil().max(1.0) as u64,
        },
    );
    let footer = Some(shorten(
        &plain_discord(&footer),
        FOOTER_CAP.min(FOOTER_MAX),
        &ell,
    ))
    .filter(|f| !f.is_empty());

    let mut embed = Embed {
        title: Some(title),
        url: brief.url.clone().filter(|u| is_web_url(u)),
        author,
        description: None,
        fields,
        footer,
        colour: EMBED_COLOUR,
    };
    let room = MESSAGE_EMBEDS_TOTAL_MAX
        .saturating_sub(embed.total_len())
        .min(DESCRIPTION_MAX);
    embed.description = description(brief, prompts, room, &ell);
    embed
}

/// The summary bullets, whole sentences while they fit, the first one cut if it alone is
/// too long, and an ellipsis line when sentences were left out.
fn description(brief: &Brief, prompts: &Prompts, room: usize, ell: &str) -> Option<String> {
    let mut out = String::new();
    for (i, sentence) in brief.summary.iter().enumerate() {
        let bullet = prompts.render(
            "embed.bullet",
            context! { sentence => escape_discord(sentence) },
        );
        let sep = usize::from(!out.is_empty());
        // Keep room for a closing ellipsis line unless this is the last bullet.
        let reserve = if i + 1 < brief.summary.len() {
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

fn actors_value(brief: &Brief, prompts: &Prompts, ell: &str) -> Option<String> {
    let sep = prompts.text("embed.actors_separator");
    let mut out = String::new();
    for actor in brief.actors.iter().take(ACTORS_SHOWN_MAX) {
        let name = shorten(&escape_discord(&actor.name), FIELD_VALUE_MAX / 4, ell);
        if name.is_empty() {
            continue;
        }
        let add = if out.is_empty() { 0 } else { discord_len(&sep) };
        if discord_len(&out) + add + discord_len(&name) + discord_len(&sep) + discord_len(ell)
            > FIELD_VALUE_MAX
        {
            out.push_str(&sep);
            out.push_str(ell);
            break;
        }
        if !out.is_empty() {
            out.push_str(&sep);
        }
        out.push_str(&name);
    }
    (!out.is_empty()).then_some(out)
}

fn status_value(brief: &Brief, prompts: &Prompts, ell: &str) -> Option<String> {
    let mut out = String::new();
    for item in &brief.status {
        let (badge, label, _) = prompts.status(item.label);
        let evidence = shorten(&escape_discord(&item.evidence), EVIDENCE_QUOTE_MAX, ell);
        let line = prompts.render(
            "embed.status_line",
            context! { badge => badge, label => label, evidence => evidence },
        );
        let line = shorten(&line, FIELD_VALUE_MAX, ell);
        let sep = usize::from(!out.is_empty());
        if discord_len(&out) + sep + discord_len(&line) > FIELD_VALUE_MAX {
            break;
        }
        if sep == 1 {
            out.push('\n');
        }
        out.push_str(&line);
    }
    (!out.is_empty()).then_some(out)
}

/// Packs text lines and embeds into messages inside Discord's limits: lines go into the
/// content of the first message(s) (at most [`CONTENT_MAX`] each), embeds fill messages in
/// order up to [`EMBEDS_MAX`] embeds and [`MESSAGE_EMBEDS_TOTAL_MAX`] characters each.
#[must_use]
pub fn plan_messages(lines: &[String], embeds: Vec<Embed>) -> Vec<OutMessage> {
    let mut messages: Vec<OutMessage> = Vec::new();
    let mut content = String::new();
    for line in lines {
        let line = shorten(line, CONTENT_MAX, "…");
        if !content.is_empty() && discord_len(&content) + 1 + discord_len(&line) > CONTENT_MAX {
            messages.push(OutMessage {
                content: Some(std::mem::take(&mut content)),
                embeds: Vec::new(),
            });
        }
        if !content.is_empty() {
            content.push('\n');
        }
        content.push_str(&line);
    }
    if !content.is_empty() {
        messages.push(OutMessage {
            content: Some(content),
            embeds: Vec::new(),
        });
    }
    // Embeds join the last content message, then fill new ones.
    let mut current = messages.pop().unwrap_or_default();
    let mut total: usize = 0;
    for embed in embeds {
        let len = embed.total_len();
        if !current.embeds.is_empty()
            && (current.embeds.len() >= EMBEDS_MAX || total + len > MESSAGE_EMBEDS_TOTAL_MAX)
        {
            messages.push(std::mem::take(&mut current));
            total = 0;
        }
        total += len;
        current.embeds.push(embed);
    }
    if current.content.is_some() || !current.embeds.is_empty() {
        messages.push(current);
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_share_one_wording_and_every_new_kind_has_its_own_reason() {
        let p = Prompts::builtin();
        let refusals: Vec<String> = ["blocked_address", "blocked_port", "unsupported_scheme"]
            .iter()
            .map(|k| p.error_reason(k, None))
            .collect();
        let lead = "I won't fetch it: ";
        for r in &refusals {
            assert!(r.starts_with(lead), "{r}");
        }
        let other = p.error_reason("other", None);
        for kind in ["blocked_port", "rate_limited", "busy"] {
            assert_ne!(p.error_reason(kind, None), other, "{kind} has no wording");
        }
    }

    #[test]
    fn builtin_prompts_parse_and_compile() {
        let map = flatten_toml(BUILTIN_PROMPTS, "builtin").unwrap();
        let env = Environment::new();
        for (k, t) in &map {
            env.template_from_str(t)
                .unwrap_or_else(|e| panic!("{k}: {e}"));
        }
        assert!(map.contains_key("embed.footer"));
        assert!(map.contains_key("status.early-stage.badge"));
    }

    #[test]
    fn escape_neutralises_mentions_and_markdown() {
        let s = escape_discord("@everyone see [x](http://e.vil) **now** <@123>");
        assert!(!s.contains("@everyone"));
        assert!(!s.contains("<@1"), "{s}");
        assert!(s.contains("\\[x\\]\\(http\\:"));
        assert!(s.contains("\\*\\*now\\*\\*"));
    }

    #[test]
    fn shorten_never_leaves_a_bare_at_sign() {
        // Found by the `embed` fuzz target: the cut fell between `@` and its zero-width space.
        let s = format!("n1{}", format!("@{ZERO_WIDTH_SPACE}").repeat(40));
        for max in 3..40 {
            let out = shorten(&s, max, "…");
            let mut chars = out.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '@' {
                    assert_eq!(chars.peek(), Some(&ZERO_WIDTH_SPACE), "{out:?}");
                }
            }
        }
    }

    #[test]
    fn shorten_cuts_at_word_and_respects_max() {
        let s = shorten("alpha beta gamma delta", 13, "…");
        assert_eq!(s, "alpha beta…");
        assert!(discord_len(&s) <= 13);
        assert_eq!(shorten("short", 10, "…"), "short");
        let long = "é".repeat(300);
        let cut = shorten(&long, 256, "…");
        assert_eq!(discord_len(&cut), 256);
    }

    #[test]
    fn a_prompts_folder_overrides_some_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROMPTS_FILE),
            "[embed]\nfooter = \"{{ words }} mots\"\n",
        )
        .unwrap();
        let p = Prompts::load(Some(dir.path())).unwrap();
        assert_eq!(p.render("embed.footer", context! { words => 5 }), "5 mots");
        assert_eq!(
            p.text("embed.actors_name"),
            "Key actors",
            "other keys stay built in"
        );
        std::fs::write(
            dir.path().join(PROMPTS_FILE),
            "[embed]\nfooter = \"{{ oops\"\n",
        )
        .unwrap();
        let err = Prompts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("embed.footer"), "{err}");
    }

    #[test]
    fn actors_and_status_follow_the_design_layout() {
        use crate::brief::{Actor, ActorKind, StatusItem};
        let brief = Brief {
            title: Some("U.S. probing China Telecom".into()),
            summary: vec!["One sentence.".into()],
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
                    evidence: "the investigation is still in its early stages".into(),
                },
                StatusItem {
                    label: StatusLabel::Denied,
                    evidence: "Both companies have denied any wrongdoing".into(),
                },
            ],
            ..Brief::default()
        };
        let e = brief_embed(&brief, &Prompts::builtin());
        assert_eq!(e.fields[0].name, "Key actors");
        assert_eq!(e.fields[0].value, "China Telecom · China Mobile");
        assert_eq!(e.fields[1].name, "Status");
        assert_eq!(
            e.fields[1].value,
            "🟡 Early-stage: “the investigation is still in its early stages”\n🔴 Denied: “Both companies have denied any wrongdoing”"
        );
        assert_eq!(e.description.as_deref(), Some("• One sentence."));
        assert_eq!(e.footer.as_deref(), Some("0 words → 0 · 1 min read"));
    }

    #[test]
    fn an_override_that_fails_at_render_time_falls_back_to_the_builtin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROMPTS_FILE),
            "[embed]\nfooter = \"{{ words | no_such_filter }}\"\n",
        )
        .unwrap();
        let p = Prompts::load(Some(dir.path())).unwrap();
        let ctx = || context! { words => 5, summary_words => 2, minutes => 1 };
        assert_eq!(
            p.render("embed.footer", ctx()),
            Prompts::builtin().render("embed.footer", ctx())
        );
        assert_eq!(p.text("no.such.key"), "no.such.key");
        assert_eq!(p.raw("embed.footer"), Some("{{ words | no_such_filter }}"));
    }

    #[test]
    fn dates_are_formatted() {
        let p = Prompts::builtin();
        assert_eq!(format_date("2024-03-27T10:00:00Z", &p), "27 Mar 2024");
        assert_eq!(format_date("yesterday", &p), "yesterday");
        assert_eq!(format_date("2024-13-01", &p), "2024-13-01");
    }
}
