#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's fixtures (corpora are not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/{extract,sentences,text_to_brief,links,embed}
cp tests/fixtures/pages/*.html examples/example-article.html fuzz/corpus/extract/
cp examples/example-article.txt tests/fixtures/example-article.txt fuzz/corpus/text_to_brief/ 2>/dev/null || true
python3 - <<'PY'
import json, os
n = 0
for name in ("golden_rules", "hard_cases"):
    for line in open(f"tests/data/sentences/{name}.jsonl", encoding="utf8"):
        if line.strip():
            text = json.loads(line)["text"]
            open(f"fuzz/corpus/sentences/{name}-{n}.txt", "w", encoding="utf8").write(text)
            open(f"fuzz/corpus/links/{name}-{n}.txt", "w", encoding="utf8").write(text + " https://example.com/a?utm_source=x")
            n += 1
PY
echo "seeded fuzz/corpus"
