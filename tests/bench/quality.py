"""Extraction quality on the real pages: mirrorwatch's extraction vs trafilatura's defaults.

    python -m tests.bench.quality

Both run on the same 181 pages and are scored with the benchmark's own metric
(``tests.bench.pages.score``). mirrorwatch's text is its stored paragraphs
joined by newlines, as ``export`` and the reports see it.
"""

from __future__ import annotations

import trafilatura

from crawler.extract.extractor import extract
from tests.bench.pages import load_pages, score


def mirrorwatch_text(page) -> str:
    return "\n".join(extract(page.html, url=None).paragraphs)


def trafilatura_text(page) -> str:
    return trafilatura.extract(page.html.decode("utf-8", errors="replace")) or ""


def measure() -> dict[str, dict[str, float]]:
    pages = load_pages()
    return {
        "mirrorwatch": score([(p.truth, mirrorwatch_text(p)) for p in pages]),
        "trafilatura defaults": score([(p.truth, trafilatura_text(p)) for p in pages]),
    }


if __name__ == "__main__":
    for name, s in measure().items():
        print(f"{name:<24} F1 {s['f1']:.3f}  P {s['precision']:.3f}  R {s['recall']:.3f}")
