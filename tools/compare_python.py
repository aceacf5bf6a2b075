#!/usr/bin/env python3
"""Runs the Python stack a user would otherwise pick over the same inputs as `newsbrief batch`.

usage: compare_python.py pages|articles INPUT.jsonl
  pages:    records {"id","html"}: trafilatura extraction, then pySBD sentences, then sumy LexRank (3 sentences)
  articles: records {"id","text"}: pySBD sentences, then sumy LexRank (3 sentences)
Prints one JSON object: {"items": n, "seconds": wall time of the processing loop}.
Reading the input is not timed, so the figure is the work alone, as for newsbrief.
"""
import json
import re
import sys
import time

import pysbd
import trafilatura
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

SEG = pysbd.Segmenter(language="en", clean=False)
WORD = re.compile(r"\w+", re.UNICODE)


class PySBDTokenizer:
    """sumy tokenizer backed by pySBD (sumy's default needs NLTK data from the internet)."""

    language = "english"

    def to_sentences(self, paragraph):
        return [s.strip() for s in SEG.segment(paragraph) if s.strip()]

    def to_words(self, sentence):
        return WORD.findall(sentence)


def summarize(text, summarizer, tok):
    parser = PlaintextParser.from_string(text, tok)
    return [str(s) for s in summarizer(parser.document, 3)]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    records = [json.loads(l) for l in open(path, encoding="utf8") if l.strip()]
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tok = PySBDTokenizer()
    start = time.perf_counter()
    for r in records:
        if mode == "pages":
            text = trafilatura.extract(r["html"]) or ""
        else:
            text = r["text"]
        if text.strip():
            summarize(text, summarizer, tok)
    print(json.dumps({"items": len(records), "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
