"""Short diffs for reports and notifications: what changed, in a few lines.

``short_diff(old, new)`` lists the title change, then each paragraph added
(``+``), removed (``-``) or edited (``~``, with ``[-old-]{+new+}`` word marks
and a few words of context), each line at most ``width`` characters, at most
``max_lines`` lines (the last one saying how many more there are).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.copies.align import word_diff
from storage.text.diff import diff_paragraphs
from storage.text.normalize import normalize_text

CONTEXT_WORDS = 4
MAX_LINES = 6
WIDTH = 160


def short_diff(old: Sequence[str], new: Sequence[str], *, old_title: str | None = None,
               new_title: str | None = None, max_lines: int = MAX_LINES, width: int = WIDTH) -> list[str]:
    lines: list[str] = []
    if normalize_text(old_title or "") != normalize_text(new_title or ""):
        lines.append(f"title: {old_title or '-'} → {new_title or '-'}")
    for d in diff_paragraphs(old, new):
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


def _word_marks(old: str, new: str) -> str:
    """The edited words marked, with a few words of context around each edit."""
    ops = word_diff(old, new)
    out: list[str] = []
    n = CONTEXT_WORDS
    for i, (op, text) in enumerate(ops):
        if op == "-":
            out.append(f"[-{text}-]")
        elif op == "+":
            out.append(f"{{+{text}+}}")
        else:
            words = text.split()
            first, last = i == 0, i == len(ops) - 1
            if first and not last and len(words) > n:
                words = ["…", *words[-n:]]
            elif last and not first and len(words) > n:
                words = [*words[:n], "…"]
            elif not first and not last and len(words) > 2 * n:
                words = [*words[:n], "…", *words[-n:]]
            out.append(" ".join(words))
    return " ".join(out)


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
