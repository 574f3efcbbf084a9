"""Differences between two versions of one page, paragraph by paragraph.

Paragraphs are aligned on their normalised form (``storage.text.normalize``), so a
change of quotes or spacing is ``same``. Inside a replaced block, paragraphs
that still resemble each other are ``changed``; the rest are ``removed`` or
``added``.

Then what a reader needs to find a change: :func:`text_end`, where a shortened text now
ends (one wording, ``TextEnd.describe``); :func:`in_context`, the unchanged paragraphs
kept around the changes (the others are collapsed by the renderers); :func:`typography`,
what a change of typography only (quotes, dashes, spacing, case) changed, character by character
(:func:`marked`, the loop it shares with the word diff of copies).
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from storage.text.normalize import normalize_text

# Two paragraphs at least this similar (difflib ratio on normalised words) are
# one paragraph that changed rather than one removed and one added.
CHANGED_MIN_RATIO = 0.5


@dataclass(frozen=True)
class ParagraphDiff:
    status: str  # same | changed | added | removed
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ChangeSummary:
    chars_added: int
    chars_removed: int
    paragraphs_added: int
    paragraphs_removed: int
    paragraphs_changed: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def describe(self) -> str:
        parts = [f"+{self.chars_added}/-{self.chars_removed} chars"]
        for label, n in (
            ("added", self.paragraphs_added),
            ("removed", self.paragraphs_removed),
            ("changed", self.paragraphs_changed),
        ):
            if n:
                parts.append(f"{n} paragraph{'s' if n != 1 else ''} {label}")
        return ", ".join(parts)


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[ParagraphDiff]:
    old_keys = [normalize_text(p) for p in old]
    new_keys = [normalize_text(p) for p in new]
    out: list[ParagraphDiff] = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(ParagraphDiff("same", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2)))
        elif op == "delete":
            out.extend(ParagraphDiff("removed", old[i], None) for i in range(i1, i2))
        elif op == "insert":
            out.extend(ParagraphDiff("added", None, new[j]) for j in range(j1, j2))
        else:
            out.extend(_pair_block(old[i1:i2], old_keys[i1:i2], new[j1:j2], new_keys[j1:j2]))
    return out


def _pair_block(old, old_keys, new, new_keys) -> list[ParagraphDiff]:
    """Within a replaced block, keep order and pair paragraphs that still resemble."""
    out: list[ParagraphDiff] = []
    j = 0
    for i, key in enumerate(old_keys):
        match = next(
            (k for k in range(j, len(new)) if _similar(key, new_keys[k]) >= CHANGED_MIN_RATIO), None
        )
        if match is None:
            out.append(ParagraphDiff("removed", old[i], None))
            continue
        out.extend(ParagraphDiff("added", None, new[k]) for k in range(j, match))
        out.append(ParagraphDiff("changed", old[i], new[match]))
        j = match + 1
    out.extend(ParagraphDiff("added", None, new[k]) for k in range(j, len(new)))
    return out


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def summarize(diff: Sequence[ParagraphDiff]) -> ChangeSummary:
    added = removed = 0
    counts = {"added": 0, "removed": 0, "changed": 0}
    for d in diff:
        if d.status == "added":
            added += len(d.new or "")
        elif d.status == "removed":
            removed += len(d.old or "")
        elif d.status == "changed":
            a, r = _char_delta(d.old or "", d.new or "")
            added += a
            removed += r
        if d.status in counts:
            counts[d.status] += 1
    return ChangeSummary(added, removed, counts["added"], counts["removed"], counts["changed"])


def _char_delta(old: str, new: str) -> tuple[int, int]:
    added = removed = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += i2 - i1
        if op in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def change_summary(old: Sequence[str], new: Sequence[str]) -> ChangeSummary:
    return summarize(diff_paragraphs(old, new))


@dataclass(frozen=True)
class TextEnd:
    """Where a shortened text now ends: after (or inside) paragraph ``paragraph`` of the ``of``
    paragraphs it had, on the words ``last_words``."""

    paragraph: int
    of: int
    inside: bool
    last_words: str

    def as_dict(self) -> dict:
        return {**asdict(self), "text": self.describe()}

    def describe(self) -> str:
        where = "inside" if self.inside else "after"
        return f"text now ends {where} paragraph {self.paragraph} of {self.of}: \u201c{self.last_words}\u201d"


LAST_WORDS = 8
_ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.|\[\u2026\]|\[\.\.\.\])\s*$")


def text_end(diff: Sequence[ParagraphDiff]) -> TextEnd | None:
    """Where the new text ends, when the old text's end is gone and nothing came in its place:
    every paragraph after the new text's last one was removed (a cut at a paragraph break), or
    the last one is the start of an old paragraph (a cut inside it, ``…`` allowed)."""
    positions: list[int | None] = []  # each entry's paragraph number in the old text
    count = 0
    for d in diff:
        count += d.old is not None
        positions.append(count if d.old is not None else None)
    last = max((k for k, d in enumerate(diff) if d.new is not None), default=None)
    if last is None or any(d.status != "removed" for d in diff[last + 1:]):
        return None
    d = diff[last]
    if d.status == "added":  # cut inside a paragraph, too short to pair with its old self
        cut = next((k for k in range(last - 1, -1, -1) if diff[k].status != "removed"), -1) + 1
        if cut == last or not _starts(diff[cut].old, d.new):
            return None
        return TextEnd(positions[cut], count, True, _last_words(d.new))
    if last == len(diff) - 1:
        return None
    return TextEnd(positions[last], count, d.status == "changed" and _starts(d.old, d.new), _last_words(d.new))


def _starts(old: str, new: str) -> bool:
    start = normalize_text(_ELLIPSIS.sub("", new))
    return bool(start) and normalize_text(old).startswith(start) and len(start) < len(normalize_text(old))


def _last_words(text: str) -> str:
    words = text.split()
    return " ".join(words) if len(words) <= LAST_WORDS else "\u2026" + " ".join(words[-LAST_WORDS:])


def in_context(statuses: Sequence[str], context: int) -> list[int | range]:
    """The paragraphs to show: each index within ``context`` paragraphs of a change, and the
    ranges of ``same`` paragraphs further away, to show as one marker each."""
    near = set()
    for k, status in enumerate(statuses):
        if status != "same":
            near.update(range(max(0, k - context), min(len(statuses), k + context + 1)))
    out: list[int | range] = []
    start = None
    for k in range(len(statuses) + 1):
        hidden = k < len(statuses) and k not in near
        if hidden and start is None:
            start = k
        elif not hidden and start is not None:
            out.append(range(start, k))
            start = None
        if k < len(statuses) and not hidden:
            out.append(k)
    return out


_PIECES = re.compile(r"\w+|\s+|[^\w\s]")


def typography(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Two spellings of one text (equal once normalised) as ("=", text) / ("-", old) / ("+", new)
    pieces that join back into each side exactly: what changed, and nothing else."""
    return marked(_PIECES.findall(old), _PIECES.findall(new), "")


def marked(old: Sequence[str], new: Sequence[str], sep: str, key=None) -> tuple[tuple[str, str], ...]:
    """Two sequences of pieces (words, characters) as ("=", text) / ("-", old) / ("+", new), each
    run of pieces joined by ``sep``; ``key``: what pieces are compared by (equal runs show the new
    side's spelling). One loop for ``typography`` and ``storage.copies.align.word_diff``."""
    a, b = (old, new) if key is None else ([key(p) for p in old], [key(p) for p in new])
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", sep.join(new[j1:j2])))
            continue
        if i2 > i1:
            out.append(("-", sep.join(old[i1:i2])))
        if j2 > j1:
            out.append(("+", sep.join(new[j1:j2])))
    return tuple(out)
