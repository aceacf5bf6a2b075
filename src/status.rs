//! Status of the story's main claim, each label backed by a sentence of the text.
//!
//! (Interim: empty; lands with issue 4.)

use crate::brief::StatusItem;
use crate::text::Document;

/// Cue phrases and weights used by [`classify`], loaded from `prompts/`.
#[derive(Debug, Clone, Default)]
pub struct StatusRules {}

impl StatusRules {
    /// The built-in rules (compiled in from `prompts/status.toml`).
    #[must_use]
    pub fn builtin() -> Self {
        Self {}
    }
}

/// The status labels of `doc` with their evidence.
#[must_use]
pub fn classify(_doc: &Document, _rules: &StatusRules) -> Vec<StatusItem> {
    Vec::new()
}
