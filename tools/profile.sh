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
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
python3 - "$BENCH" "$SET" "$N" "$W/in.jsonl" <<'PYEOF'
import gzip, json, os, sys
b, s, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(out, "w") as f:
    if s == "pages":
        gt = json.load(open(os.path.join(b, "extraction", "ground-truth.json")))
        for k, v in sorted(gt.items())[:n]:
            html = gzip.open(os.path.join(b, "extraction", "html", k + ".html.gz")).read().decode("utf8", "replace")
            f.write(json.dumps({"id": k, "url": v["url"], "html": html}) + "\n")
    else:
        for i, l in enumerate(open(os.path.join(b, "summarization", "cnndm_val1000_dev.jsonl"))):
            if i >= n:
                break
            r = json.loads(l)
            f.write(json.dumps({"id": r["id"], "text": r["text"], "sentences": 3}) + "\n")
PYEOF
OUT=/tmp/newsbrief-profile.$SET.out
# One worker thread: the per-thread stem caches then warm the same way on every run.
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$OUT" "$NB" batch --input "$W/in.jsonl" --output "$W/out.jsonl" 2>&1 | grep -E "I +refs"
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null \
  | grep -E "newsbrief::(extract::extract|brief_document|summarize::summarize_with|actors::key_actors_with|status::classify|extract::detect_language|text::Document::new) \[|TendrilSink::one \[|Readability::parse \[|Regex::new \[|malloc.c:(malloc|free) \[" \
  | sed -E 's/ \[.*//; s/  +/ /g'
