"""Change classes on generated edits of real articles: accuracy per kind, and the cost.

For each of the real article texts of ``shared/data/article-pages`` (those of five
paragraphs or more), one edit of each kind is made: a typo fixed, a figure changed, a
paragraph retracted, a paragraph added, a correction appended, the text cut off inside
a paragraph, a paragraph rewritten. Prints, per kind, how often :func:`storage.text.classify.classify`
names it and the mean significance; then the time per version of the classification next
to the change summary the write path computed before (``storage.text.diff.change_summary``),
measured side by side in one run.

    python -m tests.bench.changes_eval
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, defaultdict

from storage.text.classify import classify
from storage.text.diff import change_summary
from tests.bench.copies_eval import load_texts


def edits(paragraphs: list[str], rng: random.Random) -> dict[str, list[str]]:
    i = rng.randrange(1, len(paragraphs) - 1)
    p = paragraphs[i]
    words = p.split()
    longest = max(range(len(words)), key=lambda k: (len(words[k]) if words[k].isalpha() else 0, -k))
    typo = words[:longest] + [words[longest][:-2] + words[longest][-1] + words[longest][-2]] + words[longest + 1:]
    figure = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), p, count=1) if re.search(r"\d", p) \
        else p.rstrip(".") + " in 2019."
    base_figure = p if re.search(r"\d", p) else p.rstrip(".") + " in 2018."
    cut = paragraphs[i][: len(paragraphs[i]) // 2]
    return {
        "typo": (paragraphs[:i] + [" ".join(typo)] + paragraphs[i + 1:], paragraphs),
        "numbers-or-dates": (paragraphs[:i] + [base_figure] + paragraphs[i + 1:],
                             paragraphs[:i] + [figure] + paragraphs[i + 1:]),
        "paragraphs-removed": (paragraphs, paragraphs[:i] + paragraphs[i + 1:]),
        "paragraphs-added": (paragraphs[:i] + paragraphs[i + 1:], paragraphs),
        "correction-appended": (paragraphs, paragraphs + [
            "Correction: an earlier version of this article misstated a figure in the third paragraph."]),
        "truncated": (paragraphs, paragraphs[:i] + [cut]),
        "rewrite": (paragraphs, paragraphs[:i] + [" ".join(reversed(words))] + paragraphs[i + 1:]),
    }


def main() -> None:
    rng = random.Random(4)
    texts = load_texts()
    confusion: dict[str, Counter] = defaultdict(Counter)
    significance: dict[str, list[float]] = defaultdict(list)
    pairs = []
    for paragraphs in texts:
        for kind, (old, new) in edits(paragraphs, rng).items():
            c = classify(old, new)
            confusion[kind][c.name] += 1
            significance[kind].append(c.significance)
            pairs.append((old, new))
    print(f"{len(texts)} articles, {len(pairs)} edits")
    print(f"{'edit':<22}{'named so':>9}{'mean sig.':>11}  otherwise")
    for kind, counts in confusion.items():
        total = sum(counts.values())
        others = ", ".join(f"{k} {n}" for k, n in counts.most_common() if k != kind)
        print(f"{kind:<22}{counts[kind] / total:>9.0%}{sum(significance[kind]) / total:>11.2f}  {others}")
    timings = {}
    for name, fn in (("change_summary", lambda o, n: change_summary(o, n)), ("classify", lambda o, n: classify(o, n))):
        started = time.perf_counter()
        for old, new in pairs:
            fn(old, new)
        timings[name] = (time.perf_counter() - started) / len(pairs)
    print(f"per version: change_summary {timings['change_summary'] * 1000:.2f} ms, "
          f"classify {timings['classify'] * 1000:.2f} ms "
          f"(classify / change_summary = {timings['classify'] / timings['change_summary']:.2f})")


if __name__ == "__main__":
    main()
