#!/usr/bin/env python3
"""Builds data/status-pool.jsonl from the annotators' label files, and reports the blind
second label's agreement.

usage: tools/pool_labels.py DRAW.jsonl POOL.jsonl OUT.jsonl LABELS.jsonl... [--blind BLIND.jsonl]

DRAW is tools/draw_pool.py's output (id, group, dev_folds); POOL the bench's
status/pool/fnc1-train-bodies.jsonl; LABELS the first annotators' files. Records keep no
article text: `source_id` + `text_len` + `text_source` point into the pool (data/README.md).
Folds: sorted by the rarest label a text carries, then kind, then id, dealt round-robin
(as the bench's folds are stratified); a text whose rumour group holds a dev text takes that
text's fold, and `story_folds` names it (never trained on when that fold is held out).
"""
import json
import sys

ORDER = ["early-stage", "denied", "unconfirmed", "confirmed"]
RARITY = {"early-stage": 0, "denied": 1, "unconfirmed": 2, "confirmed": 3}


def main():
    args = sys.argv[1:]
    blind = None
    if "--blind" in args:
        i = args.index("--blind")
        blind = args[i + 1]
        del args[i:i + 2]
    draw_path, pool_path, out_path, *label_paths = args
    draw = {json.loads(l)["id"]: json.loads(l) for l in open(draw_path)}
    pool = {json.loads(l)["id"]: json.loads(l) for l in open(pool_path)}
    labels = {}
    for p in label_paths:
        for l in open(p):
            if l.strip():
                r = json.loads(l)
                labels[r["id"]] = r
    recs = []
    for i, r in labels.items():
        text = pool[i]["text"]
        for e in r["status_evidence"]:
            for s in e["sentences"]:
                assert s in text, (i, s)
        d = draw[i]
        recs.append({
            "id": i,
            "kind": r["kind"],
            "status": [l for l in ORDER if l in r["status"]],
            "status_evidence": r["status_evidence"],
            "actors": r["actors"],
            "notes": r.get("notes", ""),
            "source": "FNC-1 stance dataset (article body, Emergent rumour articles), bench status pool",
            "source_id": i,
            "text_source": "status/pool/fnc1-train-bodies.jsonl",
            "text_len": len(text.encode("utf-8")),
            "story_folds": d["dev_folds"],
            "draw": f"rumour-group round-robin (group {d['group']})",
        })

    def rarest(r):
        return min([RARITY[l] for l in r["status"]] or [4])

    free = sorted((r for r in recs if not r["story_folds"]),
                  key=lambda r: (rarest(r), r["kind"], r["id"]))
    for n, r in enumerate(free):
        r["fold"] = n % 5
    for r in recs:
        if r["story_folds"]:
            r["fold"] = r["story_folds"][0]
    keys = ["id", "fold", "kind", "status", "status_evidence", "actors", "notes", "source",
            "source_id", "text_source", "text_len", "story_folds", "draw"]
    order = sorted(recs, key=lambda r: r["id"])
    with open(out_path, "w") as f:
        for r in order:
            f.write(json.dumps({k: r[k] for k in keys}, ensure_ascii=False) + "\n")
    news = sum(r["kind"] == "news" for r in recs)
    counts = {l: sum(l in r["status"] for r in recs) for l in ORDER}
    print(f"{len(recs)} texts: {news} news, {len(recs) - news} non-news; {counts}")
    if blind:
        second = {json.loads(l)["id"]: json.loads(l) for l in open(blind) if l.strip()}
        both = [i for i in second if i in labels]
        core = lambda r: {l for l in r["status"] if l != "confirmed"}
        exact_core = sum(core(labels[i]) == core(second[i]) for i in both)
        exact_full = sum(set(labels[i]["status"]) == set(second[i]["status"]) for i in both)
        kind = sum(labels[i]["kind"] == second[i]["kind"] for i in both)
        print(f"blind second label on {len(both)} texts: exact core set {exact_core}/{len(both)} "
              f"({exact_core / len(both):.2f}), full set {exact_full}/{len(both)}, kind {kind}/{len(both)}")
        for l in ORDER:
            a = {i for i in both if l in labels[i]["status"]}
            b = {i for i in both if l in second[i]["status"]}
            f1 = 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0
            print(f"  {l}: first {len(a)}, second {len(b)}, both {len(a & b)}, F1 {f1:.2f}")


if __name__ == "__main__":
    main()
