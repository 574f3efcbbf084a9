"""Differences between two versions of one page, paragraph by paragraph.

Paragraphs are aligned on their normalised form (``storage.text.normalize``), so a
change of quotes or spacing is ``same``. Inside a replaced block, paragraphs
that still resemble each other are ``changed``; the rest are ``removed`` or
``added``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
