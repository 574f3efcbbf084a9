"""Copy reports: where a page was republished, and how a copy differs from its original.

copies  → ``{"url", "copies": [{"url", "source", "relation", "original_url", "original_reason", "coverage", "precision"}]}``
compare → ``{"original": {"url", "source"}, "copy": {"url", "source"}, "relation", "original_reason", "is_copy",
            "coverage", "precision", "paragraphs": [{"status", "original", "copy", "words"?}], "summary": {status: n}}``

``crawler.render`` turns both into text and HTML.
"""

from __future__ import annotations

from storage.copies.align import Alignment


def copies_report(url: str, rows: list[dict]) -> dict:
    return {"url": url, "copies": rows}


def compare_report(original, copy, reason: str, alignment: Alignment) -> dict:
    paragraphs = []
    for row in alignment.rows:
        item = {"status": row.status, "original": row.original, "copy": row.copy}
        if row.words:
            item["words"] = [{"op": op, "text": text} for op, text in row.words]
        paragraphs.append(item)
    return {
        "original": {"url": original.page.url, "source": original.source.name, "title": original.version.title},
        "copy": {"url": copy.page.url, "source": copy.source.name, "title": copy.version.title},
        "relation": alignment.relation,
        "original_reason": reason,
        "is_copy": alignment.is_copy,
        "coverage": alignment.coverage,
        "precision": alignment.precision,
        "paragraphs": paragraphs,
        "summary": alignment.summary,
    }
