//! Settings: one struct built from the environment (and `.env`) plus command-line flags.
//!
//! Every knob is documented in `.env.example`.

use crate::fetch::FetchConfig;

/// Default settings database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://newsbrief.db";

/// Everything the engine and the bot can be configured with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Fetch limits and address policy.
    pub fetch: FetchConfig,
    /// A folder whose `status.toml` / `actors.toml` (or `prompts/status.toml`, ...) replace the
    /// built-in cue lists, so wording can be tuned without a rebuild (`NEWSBRIEF_PROMPTS_DIR`).
    pub prompts_dir: Option<std::path::PathBuf>,
}

/// Reads the editable rules file `name` from `dir/prompts/name` or `dir/name`, whichever
/// exists first; `None` when neither does (the caller then keeps its built-in rules).
///
/// # Errors
/// [`crate::Error::Io`] when the file exists but cannot be read.
pub(crate) fn read_rules_file(dir: &std::path::Path, name: &str) -> crate::Result<Option<String>> {
    for path in [dir.join("prompts").join(name), dir.join(name)] {
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .map(Some)
                .map_err(|e| crate::Error::Io {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                });
        }
    }
    Ok(None)
}
