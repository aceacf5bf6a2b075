#!/usr/bin/env python3
"""Draws texts to label from the unlabelled rumour pool (bench/status/pool), across rumours.

The pool's 1,356 bodies are about a few hundred rumours, many with dozens of texts. Bodies are
grouped by rumour: TF-IDF cosine over word uni- and bigrams, single-link groups at similarity
>= THRESH. The draw then deals round-robin over the groups in a seeded random order, at most
CAP texts from any one group, until N texts are drawn. Dev texts of the same source (the bench's
39 FNC-1 texts) are grouped with the pool too, and each drawn text records its group and, where
a dev text shares it, that dev text's fold (so cross-validation can keep a rumour on one side).

usage: tools/draw_pool.py POOL.jsonl DEV.jsonl FOLDS.json N > draw.jsonl
"""
import json
import random
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

THRESH = 0.35
CAP = 3
SEED = 20261207


def main():
    pool_path, dev_path, folds_path, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pool = [json.loads(l) for l in open(pool_path)]
    dev = [json.loads(l) for l in open(dev_path)]
    dev = [d for d in dev if d.get("source", "").lower().startswith("fnc") or "FNC" in d.get("source", "")]
    folds = json.load(open(folds_path))
    texts = [r["text"] for r in pool] + [d["text"] for d in dev]
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words="english", sublinear_tf=True)
    x = vec.fit_transform(texts)
    sim = (x @ x.T).toarray()
    m = len(texts)
    parent = list(range(m))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ii, jj = np.nonzero(np.triu(sim, 1) >= THRESH)
    for i, j in zip(ii, jj):
        a, b = find(i), find(j)
        if a != b:
            parent[a] = b
    groups = {}
    for i in range(m):
        groups.setdefault(find(i), []).append(i)
    # group number by size order, for stable names
    order = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    gid = {}
    for k, g in enumerate(order):
        for i in g:
            gid[i] = k
    dev_fold = {}
    for j, d in enumerate(dev):
        dev_fold.setdefault(gid[len(pool) + j], set()).add(folds.get(d["id"]))
    rng = random.Random(SEED)
    pool_groups = [[i for i in g if i < len(pool)] for g in order]
    pool_groups = [g for g in pool_groups if g]
    for g in pool_groups:
        rng.shuffle(g)
    rng.shuffle(pool_groups)
    drawn = []
    rnd = 0
    while len(drawn) < n and rnd < CAP:
        for g in pool_groups:
            if rnd < len(g) and len(drawn) < n:
                drawn.append(g[rnd])
        rnd += 1
    sys.stderr.write(
        f"{m} texts, {len(order)} groups ({sum(1 for g in order if len(g) > 1)} with more than one), "
        f"{len(pool_groups)} with pool texts; drew {len(drawn)}, from "
        f"{len({gid[i] for i in drawn})} groups\n"
    )
    for i in drawn:
        r = pool[i]
        folds_of = sorted(f for f in dev_fold.get(gid[i], ()) if f is not None)
        print(json.dumps({"id": r["id"], "source_body_id": r["source_body_id"], "group": gid[i],
                          "dev_folds": folds_of, "chars": len(r["text"])}))


if __name__ == "__main__":
    main()
