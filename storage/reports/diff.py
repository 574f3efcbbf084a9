"""The diff of two versions of one page, as ``mirrorwatch diff`` and the dashboard show it.

diff → ``{"url", "from", "to", "title": {"old", "new", "change"}, "paragraphs": [{"status", "old", "new",
         "words"?}], "ends", "summary"}``

``words`` (changed paragraphs only) are the word-diff pieces ``{"op": "=" | "-" | "+", "text"}``
that the monitoring report marks too (``storage.reports.snippets``); ``title.change`` is the
report's ``title: A → B`` line, or null; ``ends`` says where a shortened text now ends
(``{"paragraph", "of", "inside", "last_words", "text"}``), or is null. The JSON keeps every
paragraph; :func:`collapsed` is what the text and HTML show of them with ``--context N``.
"""

from __future__ import annotations

from storage.models import Version
from storage.reports.snippets import title_change, word_marks
from storage.text.diff import diff_paragraphs, in_context, summarize, text_end

CONTEXT = 1  # unchanged paragraphs shown around each change, unless asked otherwise


def version_diff(url: str, old: Version, new: Version) -> dict:
    diff = diff_paragraphs(old.paragraphs, new.paragraphs)
    paragraphs = []
    for d in diff:
        item = {"status": d.status, "old": d.old, "new": d.new}
        if d.status == "changed":
            item["words"] = [{"op": op, "text": text} for op, text in word_marks(d.old, d.new, context=None)]
        paragraphs.append(item)
    end = text_end(diff)
    return {
        "url": url,
        "from": old.number,
        "to": new.number,
        "title": {"old": old.title, "new": new.title, "change": title_change(old.title, new.title)},
        "paragraphs": paragraphs,
        "ends": end.as_dict() if end else None,
        "summary": summarize(diff).as_dict(),
    }


def collapsed(report: dict, context: int = CONTEXT) -> list[dict]:
    """The report's paragraphs to show: the changes with ``context`` unchanged paragraphs
    around each, every other run of unchanged ones as ``{"status": "unchanged", "count": n,
    "text": "… n unchanged paragraphs …"}`` (the marker every output shows)."""
    paragraphs = report["paragraphs"]
    return [_unchanged(len(item)) if isinstance(item, range) else paragraphs[item]
            for item in in_context([p["status"] for p in paragraphs], context)]


def _unchanged(count: int) -> dict:
    return {"status": "unchanged", "count": count, "text": f"… {count} unchanged paragraph{'s' if count != 1 else ''} …"}
