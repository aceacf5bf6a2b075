#!/usr/bin/env bash
# Instruction-level profile of `newsbrief batch` with valgrind's callgrind.
#
# usage: tools/profile.sh BENCH_DIR [articles|pages] [N] [path/to/newsbrief]
#   articles: the first N (default 200) texts of summarization/cnndm_val1000_dev.jsonl
#   pages:    the first N dev pages of extraction/ (html/*.html.gz + ground-truth.json)
# Prints the total instruction count and the pipeline steps' inclusive counts; the full
# profile stays in /tmp/newsbrief-profile.<set>.out for callgrind_annotate or kcachegrind.
# Instruction counts do not depend on machine load, so two builds can be compared on a busy
# machine; see docs/profiling.md for what the last profile found.
set -euo pipefail
BENCH=${1:?usage: tools/profile.sh BENCH_DIR [articles|pages] [N] [path/to/newsbrief]}
SET=${2:-articles}
N=${3:-200}
NB=${4:-target/release/newsbrief}
case $SET in articles|pages) ;; *) echo "the set is articles or pages, not $SET" >&2; exit 2 ;; esac
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
python3 "$(dirname "$0")/bench_inputs.py" "$BENCH" "$W" "$N"
OUT=/tmp/newsbrief-profile.$SET.out
# One worker thread: the per-thread stem caches then warm the same way on every run.
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$OUT" "$NB" batch --input "$W/$SET.jsonl" --output "$W/out.jsonl" 2>&1 | grep -E "I +refs"
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null \
  | grep -E "newsbrief::(extract::extract|brief_document|summarize::summarize_with|actors::key_actors_with|status::classify|extract::detect_language|text::Document::new) \[|TendrilSink::one \[|Readability::parse \[|Regex::new \[|malloc.c:(malloc|free) \[" \
  | sed -E 's/ \[.*//; s/  +/ /g'
