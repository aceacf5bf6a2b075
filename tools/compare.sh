#!/usr/bin/env bash
# Side-by-side speed comparison: the same dev pages and articles through the Python stack
# (trafilatura + pySBD + sumy LexRank) and through `newsbrief batch`, in one run.
#
# usage: tools/compare.sh BENCH_DIR [path/to/newsbrief]
#   BENCH_DIR holds extraction/ (html/*.html.gz + ground-truth.json) and
#   summarization/cnndm_val1000_dev.jsonl, e.g. ../shared/bench.
# The Python packages go into a virtual environment (default /tmp/newsbrief-compare-venv,
# override with COMPARE_VENV). Both sides are timed on one core (taskset -c 0) so the ratio
# compares work, not parallelism; set COMPARE_ALL_CORES=1 to let newsbrief use every core.
set -euo pipefail
BENCH=${1:?usage: tools/compare.sh BENCH_DIR [path/to/newsbrief]}
NB=${2:-target/release/newsbrief}
HERE=$(cd "$(dirname "$0")" && pwd)
V=${COMPARE_VENV:-/tmp/newsbrief-compare-venv}
if [ ! -x "$V/bin/python" ]; then
  python3 -m venv "$V"
  "$V/bin/pip" install -q trafilatura pysbd sumy numpy
fi
PY="$V/bin/python"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$PY" "$HERE/bench_inputs.py" "$BENCH" "$W"
PIN="taskset -c 0"
[ "${COMPARE_ALL_CORES:-0}" = 1 ] && PIN=""
now() { date +%s.%N; }
for set in pages articles; do
  py=$($PIN "$PY" "$HERE/compare_python.py" "$set" "$W/$set.jsonl")
  pys=$(echo "$py" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
  n=$(echo "$py" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["items"])')
  s=$(now)
  $PIN "$NB" batch --input "$W/$set.jsonl" --output "$W/$set.out" 2>/dev/null || true
  e=$(now)
  nbs=$(echo "$e - $s" | bc -l)
  "$PY" - "$set" "$n" "$pys" "$nbs" <<'PYEOF'
import sys
s, n, py, nb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"{s}: {n} items | python {py:.2f} s ({py / n * 1000:.2f} ms/item) | newsbrief {nb:.2f} s ({nb / n * 1000:.2f} ms/item, process start and I/O included) | ratio {py / nb:.1f}x")
PYEOF
done
