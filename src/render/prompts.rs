//! The bot's wording: [`Prompts`] holds every template of `prompts/bot.toml` by key
//! (`section.name`), built in and overridable from a folder at run time, each compiled once
//! into one shared environment.
//!
//! Not for making page text safe (see [`super::escape`]): templates are given values already
//! escaped for Discord, and the environment never HTML-escapes them.

use std::collections::HashMap;
use std::path::Path;

use minijinja::{context, Environment, Value};

use crate::brief::StatusLabel;

/// The bot's built-in templates (`prompts/bot.toml`).
pub const BUILTIN_PROMPTS: &str = include_str!("../../prompts/bot.toml");
/// The file name looked for in a prompts folder.
pub const PROMPTS_FILE: &str = "bot.toml";

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
/// the `escape` step, never HTML), as `render_str` on a fresh environment would render.
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
}
