"""What kind of change a new version is, and how much it matters.

:func:`classify` compares a version with its parent (paragraphs and titles)
and returns a :class:`ChangeClass`: one of :data:`CLASSES` and a significance
from 0 (nothing a reader would notice) to 1 (the article says something else
now). A fixed typo scores about 0.05, a changed figure 0.4, a retracted
paragraph 0.6 or more. :func:`flapping` finds a page going back and forth
between two texts (A → B → A → B) in its version history.

The rules, first match wins:

- ``extractor-changed``: the raw body is the one the parent came from, or the
  extractor (name, version, options) changed and the words did not (moved
  paragraph breaks, a caption picked up or dropped): not the site's doing;
- ``revert``: the text equals an older version's (the archive finds it);
- ``title``: the title changed and the text at most by a typo;
- ``truncated``: the new text is the start of the old one, cut inside a
  paragraph, or at a paragraph break with at least half of the text lost;
- ``correction-appended``: a paragraph was added that reads as a correction,
  update, clarification or editor's note;
- ``paragraphs-added`` / ``paragraphs-removed``: whole paragraphs, with at most
  typos elsewhere;
- ``typo``: a few words, each spelled a little differently (or punctuation);
- ``numbers-or-dates``: only figures, month or weekday names changed;
- ``rewrite``: anything else.

Pure functions over strings: no database, no Scrapy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from storage.text.diff import diff_paragraphs
from storage.text.normalize import normalize_text

CLASSES = ("typo", "numbers-or-dates", "title", "paragraphs-added", "paragraphs-removed", "rewrite",
           "truncated", "correction-appended", "extractor-changed", "revert")

# Word sequences at least this similar are "the same words" when only the extractor changed.
EXTRACTOR_SAME_WORDS = 0.9
# A cut at a paragraph break is a truncation, not a retraction, once this share of the text is lost.
TRUNCATED_MIN_LOST = 0.5
# Two spellings of one word at least this similar (letters) are a typo fix, not another word.
TYPO_MIN_RATIO = 0.6
TYPO_MAX_WORDS = 3  # differing words per paragraph that can still be a typo fix

_NUMBER_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday one two three four five six seven eight nine ten eleven twelve hundred "
    "thousand million billion trillion percent per cent".split()
)
# Words whose appearance or disappearance turns a statement around: never a typo.
_NEGATIONS = frozenset("not no never nor none nothing neither without cannot isn't wasn't didn't "
                       "doesn't don't won't can't aren't weren't hasn't haven't".split())
_CORRECTION = re.compile(
    r"^(?:correction|clarification|update|updated|editor's note|editors' note)\b"
    r"|\ban earlier version of this (?:article|story|report|piece)\b"
    r"|\bthis (?:article|story|report|piece) (?:has been|was) (?:updated|corrected|amended|changed)\b"
    r"|\bwe (?:have )?(?:corrected|regret the error)\b"
)
_WORD = re.compile(r"[^\W_]+(?:['.,][^\W_]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")

# Significance of each class; the ranges are scaled by the share of the text touched.
SIGNIFICANCE = {
    "extractor-changed": 0.0,
    "typo": 0.05,
    "numbers-or-dates": 0.4,
    "title": 0.5,
    "correction-appended": 0.6,
}


@dataclass(frozen=True)
class ChangeClass:
    """The class of one change, its significance (0..1) and a short reason."""

    name: str
    significance: float
    detail: str = ""


def classify(old: Sequence[str], new: Sequence[str], *, old_title: str | None = None,
             new_title: str | None = None, same_body: bool = False, extractor_changed: bool = False,
             reverts: bool = False) -> ChangeClass:
    """Classify the change from ``old`` to ``new`` (paragraphs of a parent and its child version).

    ``same_body``: both were extracted from the same raw body. ``extractor_changed``: the
    extractor's name, version or options differ. ``reverts``: the new text equals an older
    version's (the caller knows the history).
    """
    if same_body:
        return ChangeClass("extractor-changed", 0.0, "same raw body, another extraction")
    if extractor_changed and _word_ratio(old, new) >= EXTRACTOR_SAME_WORDS:
        return ChangeClass("extractor-changed", 0.0, "another extractor, the same words")
    title_changed = _key(old_title) != _key(new_title)
    body = _classify_text(_without(old, old_title), _without(new, new_title))
    if reverts:
        base = (body or ChangeClass("title", SIGNIFICANCE["title"])) if title_changed else body
        return ChangeClass("revert", base.significance if base else 0.0,
                           f"back to an earlier text ({base.name})" if base else "back to an earlier text")
    if title_changed and (body is None or body.name == "typo"):
        return ChangeClass("title", SIGNIFICANCE["title"], f"{old_title!r} → {new_title!r}")
    if body is None:  # only paragraph breaks or the repeated title moved
        return ChangeClass("typo", 0.0, "only layout")
    if title_changed:
        return ChangeClass(body.name, max(body.significance, SIGNIFICANCE["title"]), body.detail + "; title changed")
    return body


def classify_version(parent, child, *, same_body: bool, reverts: bool) -> ChangeClass:
    """The class of the change from a stored version to its child (a new extraction or a
    stored version); both carry ``paragraphs``, ``title``, ``extractor``,
    ``extractor_version`` and ``options_hash``. ``same_body``: both came from one raw body."""
    extractor_changed = (parent.extractor, parent.extractor_version, parent.options_hash) != (
        child.extractor, child.extractor_version, child.options_hash)
    return classify(parent.paragraphs, child.paragraphs, old_title=parent.title, new_title=child.title,
                    same_body=same_body, extractor_changed=extractor_changed, reverts=reverts)


def _classify_text(old: Sequence[str], new: Sequence[str]) -> ChangeClass | None:
    diff = diff_paragraphs(old, new)
    added = [d.new for d in diff if d.status == "added"]
    removed = [d.old for d in diff if d.status == "removed"]
    changed = [(d.old, d.new, _edit_kind(d.old, d.new)) for d in diff if d.status == "changed"]
    edits = [(o, n) for o, n, kind in changed if kind == "edit"]
    if not (added or removed or changed):
        return None
    total = max(1, _chars(old))
    if (lost := _truncation(old, new)) is not None:
        return ChangeClass("truncated", _scale(0.4, 0.4, lost), f"{lost:.0%} of the text cut off")
    corrections = [p for p in added if _CORRECTION.search(normalize_text(p))]
    if corrections:
        return ChangeClass("correction-appended", SIGNIFICANCE["correction-appended"], corrections[0][:80])
    if added and not removed and not edits:
        share = _chars(added) / total
        return ChangeClass("paragraphs-added", _scale(0.2, 0.5, share), f"{len(added)} added")
    if removed and not added and not edits:
        share = _chars(removed) / total
        return ChangeClass("paragraphs-removed", _scale(0.6, 0.4, share), f"{len(removed)} removed")
    if not added and not removed:
        kinds = {kind for _, _, kind in changed}
        if kinds == {"typo"}:
            return ChangeClass("typo", min(0.15, SIGNIFICANCE["typo"] * len(changed)), f"{len(changed)} paragraph(s)")
        if kinds <= {"typo", "numbers"}:
            return ChangeClass("numbers-or-dates", SIGNIFICANCE["numbers-or-dates"], f"{len(changed)} paragraph(s)")
    touched = _chars(added) + _chars(removed) + sum(max(len(o), len(n)) for o, n in edits)
    return ChangeClass("rewrite", _scale(0.3, 0.6, touched / total),
                       f"{len(added)} added, {len(removed)} removed, {len(edits)} rewritten")


def _edit_kind(old: str, new: str) -> str:
    """``typo``, ``numbers`` or ``edit``: what kind of edit turned one paragraph into the other."""
    a, b = _words(old), _words(new)
    if a == b:
        return "typo"  # punctuation or typography only
    differing: list[tuple[list[str], list[str]]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            differing.append((a[i1:i2], b[j1:j2]))
    words = [w for gone, came in differing for w in gone + came]
    if any(w in _NEGATIONS for w in words):
        return "edit"
    if all(any(c.isdigit() for c in w) or w in _NUMBER_WORDS for w in words):
        return "numbers"
    if sum(max(len(gone), len(came)) for gone, came in differing) > TYPO_MAX_WORDS:
        return "edit"
    for gone, came in differing:
        if not _respelled(" ".join(gone), " ".join(came)):
            return "edit"
    return "typo"


def _respelled(gone: str, came: str) -> bool:
    """One spelling of a word (or two words run together) turned into another."""
    if not gone or not came:
        return False  # a word added or dropped changes what is said
    if gone.replace(" ", "") == came.replace(" ", "") or sorted(gone) == sorted(came):
        return True
    return SequenceMatcher(None, gone, came, autojunk=False).ratio() >= TYPO_MIN_RATIO


def _truncation(old: Sequence[str], new: Sequence[str]) -> float | None:
    """The share of the old text lost if ``new`` is its beginning, cut off; else None."""
    old_n = [normalize_text(p) for p in old]
    new_n = [normalize_text(p) for p in new]
    if not new_n or len(new_n) > len(old_n) or old_n[: len(new_n) - 1] != new_n[:-1]:
        return None
    last, full = _ELLIPSIS.sub("", new_n[-1]), old_n[len(new_n) - 1]
    if not full.startswith(last) or (last == full and len(new_n) == len(old_n)):
        return None
    kept = sum(len(p) for p in new_n[:-1]) + len(last)
    lost = 1 - kept / max(1, sum(len(p) for p in old_n))
    cut_inside = last != full
    return lost if cut_inside or lost >= TRUNCATED_MIN_LOST else None


def flapping(states: Sequence[str]) -> tuple[str, str, int] | None:
    """``(a, b, flips)`` when the latest versions alternate between two states, A → B → A → B
    at least (three changes or more); ``states`` are the versions' text keys, oldest first."""
    if len(states) < 4 or states[-1] == states[-2]:
        return None
    a, b = states[-2], states[-1]
    run = 0
    for k, state in enumerate(reversed(states)):
        if state != (b if k % 2 == 0 else a):
            break
        run += 1
    return (a, b, run - 1) if run - 1 >= 3 else None


def _key(title: str | None) -> str:
    return normalize_text(title or "")


def _without(paragraphs: Sequence[str], title: str | None) -> list[str]:
    """The paragraphs without the one repeating the title (extractors keep the headline)."""
    key = _key(title)
    return [p for p in paragraphs if not key or normalize_text(p) != key]


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize_text(text))


def _word_ratio(old: Sequence[str], new: Sequence[str]) -> float:
    a, b = _words(" ".join(old)), _words(" ".join(new))
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a or b else 1.0


def _chars(paragraphs) -> int:
    return sum(len(normalize_text(p)) for p in paragraphs)


def _scale(base: float, span: float, share: float) -> float:
    return round(min(1.0, base + span * min(1.0, share)), 3)
