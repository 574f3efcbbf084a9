"""The benchmark workload: the 181 real article pages and their ground truth.

``/work/shared/data/article-pages`` (or ``MIRRORWATCH_BENCH_PAGES``) holds
``html/<id>.html.gz`` and ``ground-truth.json``; see its README for the metric
implemented by :func:`score` (word 4-gram precision and recall, averaged over pages).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PAGES_DIR = Path(os.environ.get("MIRRORWATCH_BENCH_PAGES", "/work/shared/data/article-pages"))


@dataclass(frozen=True)
class Page:
    id: str
    html: bytes
    truth: str


@cache
def load_pages() -> tuple[Page, ...]:
    truth = json.loads((PAGES_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((PAGES_DIR / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        pages.append(Page(page_id, gzip.decompress(path.read_bytes()), truth[page_id]["articleBody"]))
    return tuple(pages)


def _shingles(text: str) -> Counter:
    tokens = re.findall(r"\w+", text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def page_scores(truth: str, output: str) -> tuple[float, float, float, float]:
    """TP, FP, FN scaled to sum to 1 on the page, and the unscaled total."""
    t, o = _shingles(truth), _shingles(output)
    tp = sum((t & o).values())
    fp = sum((o - t).values())
    fn = sum((t - o).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total, total


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Corpus precision, recall and F1 of ``(truth, output)`` pairs with the benchmark's metric."""
    precisions, recalls = [], []
    for truth, output in pairs:
        tp, fp, fn, _ = page_scores(truth, output)
        if tp + fp > 0:  # an empty output has no precision to average
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
