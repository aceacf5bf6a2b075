//! The learned part of status: one logistic model per decision over the document features.
//!
//! For turning the named rules' outputs (see [`super::features`](mod@super::features)) into decisions with weights
//! learned from labelled articles rather than set by hand. The weights live in
//! `prompts/status_model.toml`, written by the trainer (`train status`, `src/bin/train/status.rs`) and
//! compiled in; inference is one dot product per head, no runtime dependency. Not for
//! editing by hand: re-run the trainer (docs/quality.md, "Re-training the status and actor models").

use std::collections::BTreeMap;

use serde::Deserialize;

use super::features::{FEATURE_COUNT, FEATURE_NAMES};
use crate::error::{Error, Result};

/// The heads of the model, in file order: the page kind, then the four labels.
pub const HEADS: [&str; 5] = ["news", "early-stage", "denied", "unconfirmed", "confirmed"];

/// The model compiled into the binary.
pub const BUILTIN_STATUS_MODEL_TOML: &str = include_str!("../../prompts/status_model.toml");

/// One logistic head: `p = 1 / (1 + e^-(bias + w · x))`, mapped to a calibrated probability
/// by `calibration` and decided at `threshold` (on the calibrated probability).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The intercept.
    pub bias: f64,
    /// One weight per feature, in [`FEATURE_NAMES`] order.
    pub weights: Vec<f64>,
    /// Calibrated probability at or above which the head says yes.
    pub threshold: f64,
    /// Maps the raw logistic output to a probability that means what it says.
    pub calibration: Calibration,
    /// The confidence of this label when one of the status rules forces it on (the rules'
    /// out-of-fold precision, measured by the trainer). The rules force a label only when
    /// this reaches [`Self::threshold`]: a rule is trusted no more than the model.
    pub forced: f64,
}

/// A map from a head's raw probability to a calibrated one, fitted by the trainer on
/// out-of-fold predictions (so it corrects the optimism of a model scored on its own data).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Calibration {
    /// The raw probability as it is.
    #[default]
    Identity,
    /// Platt scaling: `q = 1 / (1 + e^-(a · logit(p) + b))`.
    Platt {
        /// Slope on the raw log-odds.
        a: f64,
        /// Intercept.
        b: f64,
    },
    /// Isotonic regression: a non-decreasing step function, linearly interpolated between
    /// the points `(x[i], y[i])` (`x` ascending raw probabilities, `y` calibrated ones),
    /// flat beyond the ends.
    Isotonic {
        /// Raw probabilities, ascending.
        x: Vec<f64>,
        /// Calibrated probabilities, non-decreasing.
        y: Vec<f64>,
    },
}

impl Calibration {
    /// The calibrated probability of raw probability `p`.
    #[must_use]
    pub fn apply(&self, p: f64) -> f64 {
        match self {
            Self::Identity => p,
            Self::Platt { a, b } => {
                let p = p.clamp(1e-9, 1.0 - 1e-9);
                let z = a * (p / (1.0 - p)).ln() + b;
                1.0 / (1.0 + (-z).exp())
            }
            Self::Isotonic { x, y } => {
                if x.is_empty() || x.len() != y.len() {
                    return p;
                }
                let i = x.partition_point(|&v| v <= p);
                if i == 0 {
                    return y[0];
                }
                if i == x.len() {
                    return y[x.len() - 1];
                }
                let (x0, x1, y0, y1) = (x[i - 1], x[i], y[i - 1], y[i]);
                if x1 - x0 <= f64::EPSILON {
                    y1
                } else {
                    y0 + (y1 - y0) * (p - x0) / (x1 - x0)
                }
            }
        }
    }

    /// Whether the map is usable: finite numbers, `x` ascending and `y` non-decreasing in
    /// [0, 1] for isotonic.
    fn valid(&self) -> bool {
        match self {
            Self::Identity => true,
            Self::Platt { a, b } => a.is_finite() && b.is_finite(),
            Self::Isotonic { x, y } => {
                x.len() == y.len()
                    && !x.is_empty()
                    && x.iter()
                        .chain(y)
                        .all(|v| v.is_finite() && (0.0..=1.0).contains(v))
                    && x.windows(2).all(|w| w[0] <= w[1])
                    && y.windows(2).all(|w| w[0] <= w[1])
            }
        }
    }
}

impl Head {
    /// A head that always answers `p`-ish 0 (used as the fallback of an unusable file).
    #[must_use]
    pub fn never() -> Self {
        Self {
            bias: -50.0,
            weights: vec![0.0; FEATURE_COUNT],
            threshold: 0.5,
            calibration: Calibration::Identity,
            forced: 1.0,
        }
    }

    /// The head's raw (uncalibrated) probability for feature vector `x`.
    #[must_use]
    pub fn probability(&self, x: &[f64]) -> f64 {
        let z: f64 = self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// The head's calibrated probability for feature vector `x`: what [`Self::threshold`]
    /// is compared with and what a brief shows as `confidence`.
    #[must_use]
    pub fn confidence(&self, x: &[f64]) -> f64 {
        self.calibration.apply(self.probability(x))
    }
}

/// The five heads of the status model.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusModel {
    /// Heads in [`HEADS`] order.
    pub heads: Vec<Head>,
    /// Free text kept at the top of the file (how it was trained, the CV figures).
    pub header: String,
}

#[derive(Debug, Deserialize)]
struct RawHead {
    bias: f64,
    #[serde(default = "half")]
    threshold: f64,
    weights: BTreeMap<String, f64>,
    #[serde(default)]
    calibration: Option<RawCalibration>,
    #[serde(default = "one")]
    forced: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
enum RawCalibration {
    Identity,
    Platt { a: f64, b: f64 },
    Isotonic { x: Vec<f64>, y: Vec<f64> },
}

fn half() -> f64 {
    0.5
}

impl StatusModel {
    /// The model compiled in from `prompts/status_model.toml`.
    #[must_use]
    pub fn builtin() -> Self {
        // Checked by the `builtin_model_parses` test; an inert model is the safe fallback.
        Self::from_toml(BUILTIN_STATUS_MODEL_TOML).unwrap_or_else(|_| Self::inert())
    }

    /// A model whose heads never fire.
    #[must_use]
    pub fn inert() -> Self {
        Self {
            heads: HEADS.iter().map(|_| Head::never()).collect(),
            header: String::new(),
        }
    }

    /// Parses a model file.
    ///
    /// # Errors
    /// [`Error::BadInput`] when the TOML is malformed, a head is missing, or a weight names a
    /// feature this build does not compute.
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: BTreeMap<String, RawHead> = toml::from_str(text)
            .map_err(|e| Error::BadInput(format!("status model: {}", e.message())))?;
        let mut heads = Vec::with_capacity(HEADS.len());
        for name in HEADS {
            let h = raw
                .get(name)
                .ok_or_else(|| Error::BadInput(format!("status model: no [{name}] head")))?;
            let mut weights = vec![0.0; FEATURE_COUNT];
            for (f, &w) in &h.weights {
                let i = FEATURE_NAMES.iter().position(|n| n == f).ok_or_else(|| {
                    Error::BadInput(format!("status model: [{name}] unknown feature `{f}`"))
                })?;
                weights[i] = w;
            }
            let calibration = match &h.calibration {
                None | Some(RawCalibration::Identity) => Calibration::Identity,
                Some(RawCalibration::Platt { a, b }) => Calibration::Platt { a: *a, b: *b },
                Some(RawCalibration::Isotonic { x, y }) => Calibration::Isotonic {
                    x: x.clone(),
                    y: y.clone(),
                },
            };
            if !calibration.valid() {
                return Err(Error::BadInput(format!(
                    "status model: [{name}] calibration is not a valid map (isotonic: x \
                     ascending, y non-decreasing, both in 0..1 and of equal length)"
                )));
            }
            if !(0.0..=1.0).contains(&h.threshold) || !(0.0..=1.0).contains(&h.forced) {
                return Err(Error::BadInput(format!(
                    "status model: [{name}] threshold and forced must be in 0..1"
                )));
            }
            heads.push(Head {
                bias: h.bias,
                weights,
                threshold: h.threshold,
                calibration,
                forced: h.forced,
            });
        }
        let header = text
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Self { heads, header })
    }

    /// The news / non-news head.
    #[must_use]
    pub fn news(&self) -> &Head {
        &self.heads[0]
    }

    /// The head of label `i` (0 early-stage, 1 denied, 2 unconfirmed, 3 confirmed).
    #[must_use]
    pub fn label(&self, i: usize) -> &Head {
        &self.heads[1 + i]
    }

    /// The model as a TOML file, `header` (comment lines) first; what [`Self::from_toml`]
    /// reads back.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for line in self.header.lines() {
            out.push_str(line);
            out.push('\n');
        }
        for (name, h) in HEADS.iter().zip(&self.heads) {
            out.push_str(&format!(
                "\n[\"{name}\"]\nbias = {:.6}\nthreshold = {:.3}\nforced = {:.3}\n",
                h.bias, h.threshold, h.forced
            ));
            let list = |v: &[f64]| {
                v.iter()
                    .map(|x| format!("{x:.6}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &h.calibration {
                Calibration::Identity => {}
                Calibration::Platt { a, b } => out.push_str(&format!(
                    "calibration = {{ kind = \"platt\", a = {a:.6}, b = {b:.6} }}\n"
                )),
                Calibration::Isotonic { x, y } => out.push_str(&format!(
                    "calibration = {{ kind = \"isotonic\", x = [{}], y = [{}] }}\n",
                    list(x),
                    list(y)
                )),
            }
            out.push_str(&format!("\n[\"{name}\".weights]\n"));
            for (f, w) in FEATURE_NAMES.iter().zip(&h.weights) {
                out.push_str(&format!("\"{f}\" = {w:.6}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses_and_round_trips() {
        let m = StatusModel::from_toml(BUILTIN_STATUS_MODEL_TOML).unwrap();
        assert_eq!(m.heads.len(), HEADS.len());
        let again = StatusModel::from_toml(&m.to_toml()).unwrap();
        for (a, b) in m.heads.iter().zip(&again.heads) {
            assert!((a.bias - b.bias).abs() < 1e-5);
            for (x, y) in a.weights.iter().zip(&b.weights) {
                assert!((x - y).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn unknown_feature_and_missing_head_are_errors() {
        let bad = BUILTIN_STATUS_MODEL_TOML.replacen("\"process.title\"", "\"no.such\"", 1);
        assert!(StatusModel::from_toml(&bad).is_err());
        assert!(StatusModel::from_toml("[news]\nbias = 0.0\n[news.weights]\n").is_err());
    }

    #[test]
    fn probability_is_the_logistic_of_the_dot_product() {
        let mut h = Head::never();
        h.bias = 0.0;
        assert!((h.probability(&[0.0; FEATURE_COUNT]) - 0.5).abs() < 1e-12);
        h.weights[0] = 2.0;
        let mut x = vec![0.0; FEATURE_COUNT];
        x[0] = 1.0;
        assert!((h.probability(&x) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-12);
    }
}
