"""Short diffs for reports and notifications: what changed, in a few lines.

``short_diff(old, new)`` lists the title change, where a shortened text now ends, then
each paragraph added (``+``), removed (``-``) or edited (``~``, with ``[-old-]{+new+}``
word marks and a few words of context), each line at most ``width`` characters, at most
``max_lines`` lines (the last one saying how many more there are).

The marks and the title line are the ones every text output uses (``crawler.render``'s
``diff`` and ``compare`` too): :func:`word_marks`, :func:`marked`, :func:`title_change`.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.copies.align import word_diff
from storage.text.diff import diff_paragraphs, text_end
from storage.text.normalize import normalize_text

CONTEXT_WORDS = 4
MAX_LINES = 6
WIDTH = 160


def short_diff(old: Sequence[str], new: Sequence[str], *, old_title: str | None = None,
               new_title: str | None = None, max_lines: int = MAX_LINES, width: int = WIDTH) -> list[str]:
    lines: list[str] = []
    if (title := title_change(old_title, new_title)) is not None:
        lines.append(title)
    diff = diff_paragraphs(old, new)
    if (end := text_end(diff)) is not None:
        lines.append(end.describe())
    for d in diff:
        if d.status == "added":
            lines.append("+ " + d.new)
        elif d.status == "removed":
            lines.append("- " + d.old)
        elif d.status == "changed":
            lines.append("~ " + _word_marks(d.old, d.new))
    lines = [_clip(line, width) for line in lines]
    if len(lines) > max_lines:
        more = len(lines) - (max_lines - 1)
        lines = lines[: max_lines - 1] + [f"… and {more} more"]
    return lines


def title_change(old: str | None, new: str | None) -> str | None:
    """``title: A → B`` when the title changed beyond typography, else None."""
    if normalize_text(old or "") == normalize_text(new or ""):
        return None
    return f"title: {old or '-'} → {new or '-'}"


MARKS = {"-": ("[-", "-]"), "+": ("{+", "+}")}


def marked(op: str, text: str) -> str:
    """One piece of a word diff in the marks every text output uses: ``[-old-]``, ``{+new+}``."""
    if op not in MARKS:
        return text
    start, end = MARKS[op]
    return start + text + end


def word_marks(old: str, new: str, *, context: int | None = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """An edited paragraph as word-diff pieces ``("=" | "-" | "+", text)``; with ``context``,
    each run of equal words is cut to that many words next to an edit (``…`` for the rest)."""
    ops = list(word_diff(old, new))
    if context is None:
        return ops
    out: list[tuple[str, str]] = []
    n = context
    for i, (op, text) in enumerate(ops):
        words = text.split()
        if op == "=":
            first, last = i == 0, i == len(ops) - 1
            if first and not last and len(words) > n:
                words = ["…", *words[-n:]]
            elif last and not first and len(words) > n:
                words = [*words[:n], "…"]
            elif not first and not last and len(words) > 2 * n:
                words = [*words[:n], "…", *words[-n:]]
        out.append((op, " ".join(words)))
    return out


def _word_marks(old: str, new: str) -> str:
    """The edited words marked, with a few words of context around each edit."""
    return " ".join(marked(op, text) for op, text in word_marks(old, new))


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
