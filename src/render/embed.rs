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

use crate::brief::{Brief, StatusItem, StatusLabel};

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

/// The bot's wording: templates by key (`section.name`, e.g. `embed.bullet`).
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

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Unix time of a publication date in the forms the engine gives (`published` is RFC
/// 3339 where the page's date parses): `YYYY-MM-DD` alone, or with `THH:MM[:SS[.f]]` and an
/// optional `Z` / `±HH:MM` offset. A date without a time is taken at noon UTC, so that it
/// shows as the same day in nearly every time zone. `None` for anything else.
#[must_use]
pub fn unix_time(published: &str) -> Option<i64> {
    let s = published.trim();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    let days = days_from_civil(i64::from(y), m, d);
    if b.len() == 10 {
        return Some(days * 86_400 + 12 * 3600);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut ss = 0;
    if b.get(i) == Some(&b':') {
        ss = num(17..19)?;
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset = match s.get(i..)? {
        "" | "Z" | "z" => 0,
        rest if rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':' =>
        {
            let oh = i64::from(num(i + 1..i + 3)?);
            let om = i64::from(num(i + 4..i + 6)?);
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss) - offset)
}

/// Formats a publication time for a Discord message: a Discord timestamp (`<t:UNIX:D>`, shown
/// in each reader's own locale and time zone) when the date parses, else the text as given,
/// escaped and short.
fn format_date(published: &str, prompts: &Prompts) -> String {
    match unix_time(published) {
        Some(unix) => prompts.render("embed.date", context! { unix => unix }),
        None => shorten(&escape_discord(published), 40, "…"),
    }
}

/// Whether `s` is an http(s) URL Discord will accept as an embed link.
fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

// ---- metadata ------------------------------------------------------------------------------

/// Names that are sections of a news site, never the site itself (a page's `og:site_name` or
/// first breadcrumb is sometimes the section: "U.S.", "World").
const SECTION_NAMES: &[&str] = &[
    "us",
    "uk",
    "world",
    "news",
    "latestnews",
    "breakingnews",
    "topnews",
    "business",
    "politics",
    "technology",
    "tech",
    "science",
    "health",
    "sport",
    "sports",
    "opinion",
    "markets",
    "economy",
    "finance",
    "money",
    "entertainment",
    "culture",
    "arts",
    "lifestyle",
    "style",
    "travel",
    "europe",
    "asia",
    "africa",
    "americas",
    "middleeast",
    "australia",
    "home",
    "latest",
    "local",
    "national",
    "international",
    "environment",
    "climate",
    "education",
    "media",
    "investigations",
    "analysis",
    "video",
    "live",
    "weather",
];

/// Lower-case letters and digits only: "U.S." and "us" compare equal, "BBC News" and
/// "bbcnews" too.
fn squash(s: &str) -> String {
    #[cfg(test)]
    work::add(s.len());
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The host of a web URL without a leading `www.`.
fn host_name(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// Whether a site name is really a section of the site: a known section word, or the same
/// as one of the article URL's path segments ("/us/..." and "U.S.").
fn is_section(site: &str, url: Option<&str>) -> bool {
    let s = squash(site);
    if s.is_empty() {
        return true;
    }
    if SECTION_NAMES.contains(&s.as_str()) {
        return true;
    }
    url.and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.path_segments()
                .map(|segs| segs.take(3).any(|seg| squash(seg) == s))
        })
        .unwrap_or(false)
}

/// The site name and byline to show, cleaned: one line each, a section name is never taken
/// for the site (the URL's host is shown instead), a "By " lead is dropped, and a byline
/// that only repeats the site (or ends with ", Site") loses that part. Empty parts are
/// `None`.
#[must_use]
pub fn clean_meta(brief: &Brief) -> (Option<String>, Option<String>) {
    let url = brief.url.as_deref();
    let host = host_name(url);
    let site = brief
        .site
        .as_deref()
        .map(one_line)
        .filter(|s| !s.is_empty() && !is_section(s, url))
        .or_else(|| host.clone());
    let site_key = site.as_deref().map(squash).unwrap_or_default();
    let host_key = host.as_deref().map(squash).unwrap_or_default();
    let byline = brief.byline.as_deref().map(one_line).and_then(|b| {
        let b = b.trim();
        let b = b
            .strip_prefix("By ")
            .or_else(|| b.strip_prefix("by "))
            .unwrap_or(b);
        // Split on the usual joiners, drop parts naming the site, drop repeats: each part is
        // squashed once and looked up in a set, so the work grows with the byline's length
        // (comparing every part with every other stalled a worker for seconds on a 100 KB
        // byline).
        let mut kept: Vec<&str> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for part in b.split([',', '|', '·']).map(str::trim) {
            let k = squash(part);
            if k.is_empty() || k == site_key || k == host_key || !seen.insert(k) {
                continue;
            }
            kept.push(part);
        }
        let out = kept.join(", ");
        (!out.is_empty()).then_some(out)
    });
    (site, byline)
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
fn shows_status(brief: &Brief) -> bool {
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
fn card_title(brief: &Brief, prompts: &Prompts, ell: &str) -> String {
    let title = brief
        .title
        .as_deref()
        .map(escape_discord)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| prompts.text("embed.untitled"));
    shorten(&title, TITLE_MAX, ell)
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
/// label is given on demand ([`why_text`]).
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
                ..OutMessage::default()
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
            ..OutMessage::default()
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

/// A count of the bytes [`squash`] reads on this thread, with a budget: the metadata
/// clean-up's work is counted, not timed (a budget blown stops the test at once, so a
/// quadratic loop fails in milliseconds instead of running for minutes).
#[cfg(test)]
mod work {
    use std::cell::Cell;

    thread_local! {
        static USED: Cell<usize> = const { Cell::new(0) };
        static BUDGET: Cell<usize> = const { Cell::new(usize::MAX) };
    }

    pub(super) fn add(bytes: usize) {
        let used = USED.with(|u| {
            u.set(u.get().saturating_add(bytes));
            u.get()
        });
        let budget = BUDGET.with(Cell::get);
        assert!(
            used <= budget,
            "the metadata clean-up read {used} bytes, over its budget of {budget}"
        );
    }

    /// Runs `f` with a budget of `budget` bytes read; returns what it read.
    pub(super) fn measure<T>(budget: usize, f: impl FnOnce() -> T) -> (T, usize) {
        USED.with(|u| u.set(0));
        BUDGET.with(|b| b.set(budget));
        let out = f();
        BUDGET.with(|b| b.set(usize::MAX));
        (out, USED.with(Cell::get))
    }
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
        assert!(map.contains_key("embed.meta_line"));
        assert!(map.contains_key("why.item"));
        // Keys the bot builds from parts.
        for key in [
            "settings.mode_auto",
            "settings.mode_reaction",
            "settings.mode_off",
            "settings.ignore_added",
            "settings.ignore_removed",
            "settings.allow_added",
            "settings.allow_removed",
            "quiet.not_article",
            "quiet.too_short",
            "quiet.little_reduction",
        ] {
            assert!(map.contains_key(key), "{key} missing from prompts/bot.toml");
        }
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
            "[embed]\nreading = \"{{ minutes }} min de lecture\"\n",
        )
        .unwrap();
        let p = Prompts::load(Some(dir.path())).unwrap();
        assert_eq!(
            p.render("embed.reading", context! { minutes => 5 }),
            "5 min de lecture"
        );
        assert_eq!(
            p.text("embed.actors_name"),
            "Key actors",
            "other keys stay built in"
        );
        std::fs::write(
            dir.path().join(PROMPTS_FILE),
            "[embed]\nreading = \"{{ oops\"\n",
        )
        .unwrap();
        let err = Prompts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("embed.reading"), "{err}");
    }

    fn example_brief() -> Brief {
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

    #[test]
    fn a_compact_card_has_one_sentence_and_no_actors() {
        let e = brief_card(&example_brief(), &Prompts::builtin(), CardStyle::Compact);
        let d = e.description.unwrap();
        assert_eq!(d.lines().count(), 2, "{d}");
        assert!(!d.contains("Key actors"));
        assert!(e.author.is_some());
    }

    #[test]
    fn metadata_is_cleaned() {
        let mut b = example_brief();
        // A section taken for the site, and the site repeated as the author.
        b.site = Some("U.S.".into());
        b.byline = Some("BBC News".into());
        b.url = Some("https://www.bbc.com/news/world-us-canada-1".into());
        let (site, byline) = clean_meta(&b);
        assert_eq!(site.as_deref(), Some("bbc.com"));
        assert_eq!(byline.as_deref(), Some("BBC News"));
        b.site = Some("BBC News".into());
        let (site, byline) = clean_meta(&b);
        assert_eq!(site.as_deref(), Some("BBC News"));
        assert_eq!(byline, None, "the site is not repeated as the author");
        b.byline = Some("By Jane Doe | BBC News | Jane Doe".into());
        assert_eq!(clean_meta(&b).1.as_deref(), Some("Jane Doe"));
        b.site = Some("World".into());
        b.url = None;
        assert_eq!(clean_meta(&b).0, None, "a section is never the site");
        // A site equal to a segment of the article's path is that section.
        b.site = Some("Technology".into());
        b.url = Some("https://news.example.org/technology/ai-rules".into());
        assert_eq!(clean_meta(&b).0.as_deref(), Some("news.example.org"));
    }

    #[test]
    fn a_100_kb_byline_is_cleaned_in_linear_work() {
        let mut b = example_brief();
        b.site = Some("BBC News".into());
        // 100 KB of distinct short names: the worst case for comparing every part with
        // every other (some 16,000 parts).
        let names: Vec<String> = (0..16_000).map(|i| format!("N{i:05}")).collect();
        let byline = names.join(", ");
        assert!(byline.len() >= 100_000, "{}", byline.len());
        b.byline = Some(byline.clone());
        // A few passes over the byline are allowed; comparing parts pairwise reads some
        // 16,000² / 2 parts, hundreds of megabytes.
        let budget = 8 * byline.len();
        let ((_, cleaned), used) = work::measure(budget, || clean_meta(&b));
        let cleaned = cleaned.unwrap();
        assert!(cleaned.starts_with("N00000, N00001"), "{}", &cleaned[..40]);
        assert!(used <= budget, "{used}");
        // Repeats and the site are still dropped.
        b.byline = Some(format!("{byline}, BBC News, N00000, n00001"));
        let ((_, again), _) = work::measure(budget * 2, || clean_meta(&b));
        assert_eq!(again.unwrap(), cleaned);
        let card = brief_card(&b, &Prompts::builtin(), CardStyle::Full);
        assert!(card.total_len() <= MESSAGE_EMBEDS_TOTAL_MAX);
    }

    #[test]
    fn an_override_that_fails_at_render_time_falls_back_to_the_builtin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROMPTS_FILE),
            "[embed]\nreading = \"{{ minutes | no_such_filter }}\"\n",
        )
        .unwrap();
        let p = Prompts::load(Some(dir.path())).unwrap();
        let ctx = || context! { minutes => 1 };
        assert_eq!(p.render("embed.reading", ctx()), "1 min read");
        assert_eq!(p.text("no.such.key"), "no.such.key");
        assert_eq!(
            p.raw("embed.reading"),
            Some("{{ minutes | no_such_filter }}")
        );
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

    #[test]
    fn dates_become_discord_timestamps() {
        let p = Prompts::builtin();
        assert_eq!(format_date("2024-03-27T09:30:00Z", &p), "<t:1711531800:D>");
        assert_eq!(
            format_date("2024-03-27T11:30:00+02:00", &p),
            "<t:1711531800:D>"
        );
        assert_eq!(
            format_date("2024-03-27T09:30:00.123Z", &p),
            "<t:1711531800:D>"
        );
        assert_eq!(format_date("2024-03-27", &p), "<t:1711540800:D>");
        assert_eq!(unix_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_time("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(format_date("yesterday", &p), "yesterday");
        assert_eq!(format_date("2024-13-01", &p), "2024-13-01");
        for bad in [
            "",
            "2024-03-2",
            "2024-03-27T9",
            "2024-03-27T09:30:00+0200x",
            "２０２４-03-27",
        ] {
            assert_eq!(unix_time(bad), None, "{bad}");
        }
    }
}
