#!/usr/bin/env python3
"""Writes the dev pages and articles of a benchmark folder as `newsbrief batch` input.

usage: bench_inputs.py BENCH_DIR OUT_DIR [N]
  OUT_DIR/pages.jsonl:    {"id","url","html","sentences":3} from extraction/ (html/*.html.gz)
  OUT_DIR/articles.jsonl: {"id","text","sentences":3} from summarization/cnndm_val1000_dev.jsonl
  N: keep only the first N of each (default: all).
Used by tools/compare.sh and tools/profile.sh, so both run the same inputs.
"""
import gzip
import json
import os
import sys


def main():
    bench, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else None
    gt = json.load(open(os.path.join(bench, "extraction", "ground-truth.json")))
    with open(os.path.join(out, "pages.jsonl"), "w") as f:
        for k, v in sorted(gt.items())[:n]:
            path = os.path.join(bench, "extraction", "html", k + ".html.gz")
            html = gzip.open(path).read().decode("utf8", "replace")
            f.write(json.dumps({"id": k, "url": v["url"], "html": html, "sentences": 3}) + "\n")
    with open(os.path.join(out, "articles.jsonl"), "w") as f:
        src = os.path.join(bench, "summarization", "cnndm_val1000_dev.jsonl")
        for i, line in enumerate(open(src)):
            if n is not None and i >= n:
                break
            r = json.loads(line)
            f.write(json.dumps({"id": r["id"], "text": r["text"], "sentences": 3}) + "\n")


if __name__ == "__main__":
    main()
