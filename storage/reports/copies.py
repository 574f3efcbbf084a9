"""Copy reports: where a page was republished, and how a copy differs from its original.

copies  → ``{"url", "copies": [{"url", "source", "relation", "original_url", "original_reason", "coverage", "precision"}]}``
compare → ``{"original": {"url", "source", "title"}, "copy": {...}, "pages": [{...}, {...}], "is_copy", "verdict",
            "relation", "original_reason", "titles_differ", "coverage", "precision", "shared_words",
            "paragraphs": [{"status", "original", "copy", "words"?, "typography"?}], "summary": {status: n}}``

``verdict`` is the comparison in one line. Two pages that are no copies (``is_copy`` false)
have no original: ``original``, ``copy``, ``relation`` and ``original_reason`` are null, and
``pages`` (always the original, then the copy, for a copy) are the two pages in the order
asked for, the first on the rows' ``original`` side. ``words`` (edited rows) are word-diff
pieces; ``typography`` (cosmetic rows) the pieces of each side that changed, character-exact
(``{"op": "=" | "-" | "+", "text"}``: the original's text is the ``=`` and ``-`` pieces joined).

``crawler.render`` turns both into text and HTML.
"""

from __future__ import annotations

from storage.copies.align import Alignment
from storage.text.diff import typography
from storage.text.normalize import normalize_text


def copies_report(url: str, rows: list[dict]) -> dict:
    return {"url": url, "copies": rows}


def compare_report(original, copy, reason: str | None, alignment: Alignment) -> dict:
    paragraphs = []
    for row in alignment.rows:
        item = {"status": row.status, "original": row.original, "copy": row.copy}
        if row.words:
            item["words"] = [{"op": op, "text": text} for op, text in row.words]
        elif row.status == "cosmetic":
            item["typography"] = [{"op": op, "text": text} for op, text in typography(row.original, row.copy)]
        paragraphs.append(item)
    pages = [_page(original), _page(copy)]
    is_copy = alignment.is_copy
    return {
        "original": pages[0] if is_copy else None,
        "copy": pages[1] if is_copy else None,
        "pages": pages,
        "is_copy": is_copy,
        "verdict": _verdict(alignment),
        "relation": alignment.relation if is_copy else None,
        "original_reason": reason if is_copy else None,
        "titles_differ": normalize_text(pages[0]["title"] or "") != normalize_text(pages[1]["title"] or ""),
        "coverage": alignment.coverage,
        "precision": alignment.precision,
        "shared_words": alignment.matched_tokens,
        "paragraphs": paragraphs,
        "summary": alignment.summary,
    }


def _page(side) -> dict:
    return {"url": side.page.url, "source": side.source.name, "title": side.version.title}


def _verdict(a: Alignment) -> str:
    if a.is_copy:
        return (f"{a.relation}: the copy carries {a.coverage:.0%} of the original; "
                f"{a.precision:.0%} of the copy comes from it")
    if not a.matched_tokens:
        return "not copies: the two pages share nothing beyond boilerplate"
    return (f"not copies: the two pages share only {a.matched_tokens} words beyond boilerplate "
            f"({a.coverage:.0%} of the first, {a.precision:.0%} of the second)")
