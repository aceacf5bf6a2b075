#!/usr/bin/env bash
# Re-trains every learned weight file from a labelled status set, printing 5-fold
# cross-validation figures (folds from folds.json beside the data) and the fit:
#   prompts/status_model.toml  (status labels and news / non-news; report in docs/status-model.md)
#   prompts/actor_model.toml   (where the actor list stops)
# usage: tools/train.sh [../shared/bench/status/articles.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/bench/status/articles.jsonl}
cargo build --release --features train --example train_status --bin train-actors
target/release/examples/train_status "$DATA" \
  --write prompts/status_model.toml --report docs/status-model.md
target/release/train-actors "$DATA"
echo "rebuild (cargo build --release) to compile the new weights in"
