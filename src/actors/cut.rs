//! The learned cut-off: where the list of candidate actors stops.
//!
//! For deciding which of the candidates that passed the rules are key actors, and in what
//! order: a logistic score over a few features of each candidate (how often it is named,
//! whether in the headline or lead, as a subject or next to a role verb, how it ranks by
//! the rules). Inference is a dot product; the weights live in `prompts/actor_model.toml`,
//! written by the `train-actors` trainer (cargo feature `train`) from the labelled dev set.
//! Not for finding names: that is the rules of the steps before it (`mentions`, `aliases`,
//! `rank`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The features the model weighs, in the order of [`Features`].
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "log_mentions",
    "in_title",
    "in_lead",
    "subject",
    "role",
    "first_position",
    "person",
    "country",
    "place",
    "single_word",
    "acronym",
    "rule_rank",
    "score_share",
    "mention_share",
    "log_candidates",
    "org_word",
    "name_words",
];

/// How many features a candidate has.
pub const N_FEATURES: usize = 17;

/// One candidate's feature values, in the order of [`FEATURE_NAMES`].
pub type Features = [f64; N_FEATURES];

/// The text of `prompts/actor_model.toml` compiled into the binary.
pub const BUILTIN_ACTOR_MODEL_TOML: &str = include_str!("../../prompts/actor_model.toml");

/// A logistic cut-off: `p = 1 / (1 + e^-(bias + weights · features))`; candidates with
/// `p >= threshold` are kept, best first, at least `min_actors` of them when there are.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorModel {
    /// The intercept.
    pub bias: f64,
    /// One weight per feature, in the order of [`FEATURE_NAMES`].
    pub weights: Features,
    /// Lowest probability kept.
    pub threshold: f64,
    /// Fewest actors shown when the text has that many candidates.
    pub min_actors: usize,
}

impl Default for ActorModel {
    /// No weights and no threshold: every candidate is kept, in the rules' order.
    fn default() -> Self {
        Self {
            bias: 0.0,
            weights: [0.0; N_FEATURES],
            threshold: 0.0,
            min_actors: 0,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    bias: f64,
    threshold: f64,
    min_actors: usize,
    weights: BTreeMap<String, f64>,
}

impl ActorModel {
    /// The built-in model (compiled in from `prompts/actor_model.toml`).
    #[must_use]
    pub fn builtin() -> Self {
        // Checked by the `builtin_model_parses` test; keeping every candidate is the safe
        // fallback.
        Self::from_toml(BUILTIN_ACTOR_MODEL_TOML).unwrap_or_default()
    }

    /// Parses a model from the text of an `actor_model.toml` file.
    ///
    /// # Errors
    /// [`Error::BadInput`] when the TOML is malformed, misses a weight or names a feature
    /// that does not exist.
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: RawModel = toml::from_str(text)
            .map_err(|e| Error::BadInput(format!("actor model: {}", e.message())))?;
        let mut weights = [0.0; N_FEATURES];
        for (name, w) in &raw.weights {
            let i = FEATURE_NAMES
                .iter()
                .position(|f| f == name)
                .ok_or_else(|| Error::BadInput(format!("actor model: unknown feature {name}")))?;
            weights[i] = *w;
        }
        if let Some(missing) = FEATURE_NAMES
            .iter()
            .find(|f| !raw.weights.contains_key(**f))
        {
            return Err(Error::BadInput(format!(
                "actor model: no weight for {missing}"
            )));
        }
        Ok(Self {
            bias: raw.bias,
            weights,
            threshold: raw.threshold,
            min_actors: raw.min_actors,
        })
    }

    /// The model as `actor_model.toml` text, with `header` (comment lines) on top.
    #[must_use]
    pub fn to_toml(&self, header: &str) -> String {
        let mut out = String::from(header);
        out.push_str(&format!(
            "bias = {:.4}\nthreshold = {:.3}\nmin_actors = {}\n\n[weights]\n",
            self.bias, self.threshold, self.min_actors
        ));
        for (name, w) in FEATURE_NAMES.iter().zip(self.weights) {
            out.push_str(&format!("{name} = {w:.4}\n"));
        }
        out
    }

    /// The probability that a candidate with these features is a key actor.
    #[must_use]
    pub fn probability(&self, f: &Features) -> f64 {
        let z = self.bias + self.weights.iter().zip(f).map(|(w, x)| w * x).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// How many of `probs` (sorted best first) to keep: those at or over the threshold,
    /// at least `min_actors`, at most `max`.
    #[must_use]
    pub fn keep(&self, probs: &[f64], max: usize) -> usize {
        let over = probs.iter().take_while(|p| **p >= self.threshold).count();
        over.max(self.min_actors).min(probs.len()).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses() {
        let m = ActorModel::from_toml(BUILTIN_ACTOR_MODEL_TOML).unwrap();
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
    }

    #[test]
    fn round_trips_and_rejects_unknown_features() {
        let m = ActorModel {
            bias: -1.5,
            weights: [0.25; N_FEATURES],
            threshold: 0.4,
            min_actors: 2,
        };
        assert_eq!(ActorModel::from_toml(&m.to_toml("# x\n")).unwrap(), m);
        let bad = m.to_toml("") + "nonsense = 1.0\n";
        assert!(ActorModel::from_toml(&bad).is_err());
    }

    #[test]
    fn keeps_over_threshold_with_a_floor() {
        let m = ActorModel {
            threshold: 0.5,
            min_actors: 2,
            ..ActorModel::default()
        };
        assert_eq!(m.keep(&[0.9, 0.6, 0.4, 0.1], 8), 2);
        assert_eq!(m.keep(&[0.9, 0.2, 0.1], 8), 2);
        assert_eq!(m.keep(&[0.9], 8), 1);
        assert_eq!(m.keep(&[0.9; 10], 8), 8);
    }
}
