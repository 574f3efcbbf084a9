"""Align a copy with its original: which paragraphs it keeps, edits, omits or adds.

Pure functions on paragraph lists. Texts are compared as word tokens of their
normalised form (``storage.text.normalize``), so typography never counts as an edit.
Matching is by runs of at least ``MIN_RUN`` tokens in order (``storage.copies.runs``),
repeated on what is left so that moved paragraphs are found too; runs shorter than that
(stock phrases, a shared quotation's fragments) do not count.

Paragraph statuses: ``same`` (identical text), ``cosmetic`` (differs only in
typography, white space or paragraph breaks), ``edited`` (with a word diff),
``omitted`` (original only), ``added`` (copy only), ``boilerplate`` (a paragraph
learned as site furniture, on either side). The relation (``identical``,
``cosmetic``, ``excerpt``, ``edited``, ``extended``) is decided on the article's body by
``storage.copies.relation``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from storage.copies import relation
from storage.copies.runs import MIN_RUN, absorb, flatten, match, tokens
from storage.text.diff import marked
from storage.text.normalize import normalize_text

__all__ = ["MIN_RUN", "Alignment", "Row", "align", "tokens", "word_diff"]

# A pair of texts is a copy when they share at least LINK_MIN_TOKENS tokens in
# runs and either side is substantially made of the other.
LINK_MIN_TOKENS = 25
LINK_MIN_COVERAGE = 0.2
LINK_MIN_PRECISION = 0.5

_MARKER = re.compile(r"(?<!\S)\d{1,3}[.)](?!\S)")  # a list item's number


@dataclass(frozen=True)
class Row:
    """One line of a comparison: original text, copy text, and how they relate."""

    status: str
    original: str | None
    copy: str | None
    words: tuple[tuple[str, str], ...] = ()  # for edited rows: ("=" | "-" | "+", text)


@dataclass(frozen=True)
class Alignment:
    rows: tuple[Row, ...]
    coverage: float  # share of the original's text that the copy carries
    precision: float  # share of the copy's text that comes from the original
    matched_tokens: int
    relation: str
    summary: dict[str, int] = field(default_factory=dict)
    body_coverage: float = 0.0  # coverage and precision on the article's body (storage.copies.relation)
    body_precision: float = 0.0

    @property
    def is_copy(self) -> bool:
        return self.matched_tokens >= LINK_MIN_TOKENS and (
            self.coverage >= LINK_MIN_COVERAGE or self.precision >= LINK_MIN_PRECISION
        )


def align(original: Sequence[str], copy: Sequence[str], *,
          original_boilerplate: Collection[int] = (), copy_boilerplate: Collection[int] = ()) -> Alignment:
    """Compare two paragraph lists; boilerplate arguments are paragraph indexes to leave out."""
    o_tok, o_par, o_spans = flatten(original, original_boilerplate)
    c_tok, c_par, c_spans = flatten(copy, copy_boilerplate)
    links = match(o_tok, c_tok, o_spans, c_spans)  # copy token index -> original token index
    c_matched = Counter(c_par[j] for j in links)
    # Each copy paragraph is tied to the original paragraphs that give it a fair share of its words.
    edges: dict[int, dict[int, int]] = {}
    for (c, o), n in Counter((c_par[j], o_par[i]) for j, i in links.items()).items():
        edges.setdefault(c, {})[o] = n
    ties = {
        c: {o for o, n in counter.items() if n >= 0.3 * c_matched[c] or n >= 0.5 * _size(original, o)}
        for c, counter in edges.items()
        if c_matched[c] >= min(MIN_RUN, 0.3 * _size(copy, c))
    }
    absorb(links, ties, o_tok, c_tok, o_spans, c_spans)
    c_matched = Counter(c_par[j] for j in links)
    groups = _components(ties)
    rows = _rows(original, copy, groups, set(original_boilerplate), set(copy_boilerplate))
    o_total, c_total, matched = len(o_tok), len(c_tok), len(links)
    coverage = matched / o_total if o_total else 0.0
    precision = matched / c_total if c_total else 0.0
    summary = Counter(r.status for r in rows)
    edits = {k: _edit(r) for k, r in enumerate(rows) if r.words}
    in_rows = sum(len(tokens(r.original)) - max(0, edits[k][0] - edits[k][1]) if k in edits else len(tokens(r.original))
                  for k, r in enumerate(rows) if r.status in ("same", "cosmetic", "edited"))
    sides = [_side(paragraphs, Counter(owner[i] for i in matched_tokens), {p for g in groups for p in g[side]}, skip)
             for side, (paragraphs, owner, matched_tokens, skip) in enumerate((
                 (original, o_par, links.values(), original_boilerplate), (copy, c_par, links, copy_boilerplate)))]
    kept = relation.body(*sides, _edits(rows, edits), in_rows, _trimmed(rows))
    return Alignment(tuple(rows), round(coverage, 4), round(precision, 4), matched,
                     relation.relation(kept, summary.keys() - {"boilerplate"}), dict(sorted(summary.items())),
                     round(kept.coverage, 4), round(kept.precision, 4))


def _side(paragraphs: Sequence[str], matched: Counter, kept: set[int], boilerplate: Collection[int]) -> relation.Side:
    """A text as ``storage.copies.relation`` weighs it; a paragraph left unpaired that repeats one
    kept or an earlier one of the same text is skipped (an extraction may carry the article twice)."""
    sizes = [len(tokens(p)) for p in paragraphs]
    seen = {tokens(paragraphs[i]) for i in kept}
    repeats = set()
    for i, p in enumerate(paragraphs):
        if i not in kept and tokens(p) in seen:
            repeats.add(i)
        seen.add(tokens(p))
    return relation.Side(sizes, matched, kept, [relation.listed(p) for p in paragraphs],
                         set(boilerplate) | repeats)


def _edits(rows: Sequence[Row], edits: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """(removed, added) tokens of the rows with words changed, but a retitled title (the first
    line of either side, when it is a line that is no sentence) and a short line that is no
    sentence paired with another (a subheading, a caption: page structure, not the body's words)."""
    titles = {next((k for k, r in enumerate(rows) if getattr(r, side) is not None and r.status != "boilerplate"), -1)
              for side in ("original", "copy")}
    out = [e for k, e in edits.items() if not (k in titles and _heading(rows[k].original))
           and not (relation.line(rows[k].original) and relation.line(rows[k].copy))]
    # An original sentence omitted where the copy adds one sharing half its words: a short
    # paragraph with words replaced, too changed for runs of MIN_RUN tokens to pair it.
    for k, (a, b) in enumerate(zip(rows, rows[1:])):
        if {a.status, b.status} == {"omitted", "added"} and not ({k, k + 1} & titles and _heading(a.original or b.original)):
            o, c = Counter(tokens(a.original or b.original)), Counter(tokens(a.copy or b.copy))
            if sum((o & c).values()) >= 0.5 * min(sum(o.values()), sum(c.values())):
                out.append((sum((o - c).values()), sum((c - o).values())))
    return out


def _trimmed(rows: Sequence[Row]) -> tuple[int, int]:
    """Tokens the first and the last paired rows lose at the body's start and end (a byline, an
    author's bio, a promotion run into the original's first or last paragraph by its
    extraction): before the first piece they keep that is running text (a title kept above it
    does not end the edge), and after the last, in whole sentences; where the copy adds nothing."""
    paired = [r for r in rows if r.status in ("same", "cosmetic", "edited")]
    if not paired:
        return 0, 0
    return _lost_before_text(paired[0].words), _lost_before_text(paired[-1].words[::-1], after=True)


def _lost_before_text(words: Sequence[tuple[str, str]], after: bool = False) -> int:
    """Tokens lost before the first piece kept that is running text or follows a piece lost
    (a short line kept before any is lost is a title); ``after``: read from the end."""
    lost = 0
    for sign, text in words:
        if sign == "+":
            return 0
        if sign == "=" and (lost or len(tokens(text)) >= relation.MINOR_TOKENS):
            return lost if not after or relation.sentence_end(text) else 0
        lost += len(tokens(text)) if sign == "-" else 0
    return 0


def _heading(text: str) -> bool:
    """A title or subheading: a short line that is no sentence (a retitled copy is no edit)."""
    return len(tokens(text)) < relation.MINOR_TOKENS and not re.search(r"[.!?:;\"\u201d]\W*$", text)


def _edit(row: Row) -> tuple[int, int]:
    """Tokens an edited row removes and adds: words run together or apart, moved, or cut, or
    differing only in their accents, are no edit, nor is a short sentence gained or lost whole
    (a line merged into the paragraph), nor one short line of the page in the place of another."""
    words = row.words
    if "".join(t for sign, text in words if sign == "-" for t in tokens(text)) == "".join(
            t for sign, text in words if sign == "+" for t in tokens(text)):
        return 0, 0
    removed: list[str] = []
    added: list[str] = []
    lines = _lines(words)
    numbers = set()  # of list items: a list renumbered ("- " for "1. ") is no edit
    for k, (sign, text) in enumerate(words):
        if sign == "=" or k in lines:
            continue
        numbers.update(m.group().rstrip(".)") for m in _MARKER.finditer(text))
        pieces = tokens(text)
        replaces = (sign == "-" and k + 1 < len(words) and words[k + 1][0] == "+") or (
            sign == "+" and k > 0 and words[k - 1][0] == "-")
        if not replaces and _merged(words, k, len(pieces)):
            continue
        (removed if sign == "-" else added).extend(pieces)
    r, a = Counter(removed), Counter(added)
    gone, new = [w for w in (r - a).elements() if w not in numbers], [w for w in (a - r).elements() if w not in numbers]
    for word in list(gone):  # a word that markup cut (a drop cap: "D" + "uring") is no edit
        if part := next((w for w in new if word in w or w in word or _bare(w) == _bare(word)), None):
            gone.remove(word)
            new.remove(part)
    return len(gone), len(new)


def _merged(words: Sequence[tuple[str, str]], k: int, size: int) -> bool:
    """Is piece ``k`` of a word diff a short line run into the paragraph (``relation.minor``)?"""
    sign = words[k][0]
    before = [t for s, t in words[:k] if s in ("=", sign)]
    after = [t for s, t in words[k + 1:] if s in ("=", sign)]
    return relation.minor(words[k][1], size, before[-1] if before else None, after[0] if after else None)


def _lines(words: Sequence[tuple[str, str]]) -> set[int]:
    """Pieces removed and added in one place that are each a short line run into the paragraph
    and share no word (a running head of the original, a subheading merged into the copy):
    a line lost and a line gained, not words replaced."""
    out = set()
    for k in range(len(words) - 1):
        (s1, t1), (s2, t2) = words[k], words[k + 1]
        if (s1, s2) == ("-", "+") and not set(tokens(t1)) & set(tokens(t2)):
            rest = [w for n, w in enumerate(words) if n not in (k, k + 1)]
            if _merged(rest[:k] + [words[k]] + rest[k:], k, len(tokens(t1))) and _merged(
                    rest[:k] + [words[k + 1]] + rest[k:], k, len(tokens(t2))):
                out |= {k, k + 1}
    return out


def _bare(word: str) -> str:
    """A word without its accents and modifier letters ("qurʾān": "quran")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch) and unicodedata.category(ch) != "Lm")


def _size(paragraphs: Sequence[str], index: int) -> int:
    return len(tokens(paragraphs[index]))


def _rows(original, copy, groups: list[tuple[list[int], list[int]]], o_bp: set[int], c_bp: set[int]) -> list[Row]:
    group_of_copy = {c: g for g in groups for c in g[1]}
    emitted: set[int] = set()
    rows: list[Row] = []

    def flush_originals(upto: int) -> None:
        for i in range(upto):
            if i not in emitted and i not in covered:
                emitted.add(i)
                rows.append(Row("boilerplate" if i in o_bp else "omitted", original[i], None))

    covered = {o for g in groups for o in g[0]}
    # For each copy position, the first original paragraph of the next matched group:
    # omitted originals before it are shown before an unmatched copy paragraph.
    next_original = [len(original)] * (len(copy) + 1)
    for c in range(len(copy) - 1, -1, -1):
        group = group_of_copy.get(c)
        next_original[c] = min(group[0]) if group else next_original[c + 1]
    done: set[int] = set()
    for c in range(len(copy)):
        if c in done:
            continue
        group = group_of_copy.get(c)
        if group is None:
            flush_originals(next_original[c])
            rows.append(Row("boilerplate" if c in c_bp else "added", None, copy[c]))
            continue
        o_idx, c_idx = group
        flush_originals(min(o_idx))
        emitted.update(o_idx)
        done.update(c_idx)
        rows.append(_compare([original[i] for i in o_idx], [copy[j] for j in c_idx]))
    flush_originals(len(original))
    return rows


def _components(ties: dict[int, set[int]]) -> list[tuple[list[int], list[int]]]:
    """Connected groups of original and copy paragraphs (merges and splits)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c, originals in ties.items():
        for o in originals:
            parent[find(("c", c))] = find(("o", o))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for node in list(parent):
        o_list, c_list = groups.setdefault(find(node), ([], []))
        (o_list if node[0] == "o" else c_list).append(node[1])
    return sorted(((sorted(o), sorted(c)) for o, c in groups.values() if o and c), key=lambda g: g[1][0])


def _compare(originals: list[str], copies: list[str]) -> Row:
    o_text, c_text = " ".join(originals), " ".join(copies)
    if len(originals) == len(copies) == 1 and o_text.strip() == c_text.strip():
        return Row("same", o_text, c_text)
    if tokens(o_text) == tokens(c_text):
        return Row("cosmetic", o_text, c_text)
    return Row("edited", o_text, c_text, word_diff(o_text, c_text))


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff; words equal after normalisation count as equal."""
    return marked(old.split(), new.split(), " ", key=normalize_text)
