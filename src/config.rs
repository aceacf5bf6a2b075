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
