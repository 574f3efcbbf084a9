"""The relation of a copy to its original, judged on the article's body rather than on the page.

A republisher copies the article as a person reads it; the original's extraction also carries
its page's furniture. So what decides the relation is what the copy keeps and drops of the
original's *body*, weighed by what the dropped text is and where it sits:

* only running text counts: a line that is no prose paragraph (under ``MINOR_TOKENS``: a
  subheading, a caption, "Read the full article"; a list item, a table row, a reference; a line
  with a web address) is page structure, whether one side leaves it out or the other adds it,
  unless such lines are more than ``STRUCTURE_SHARE`` of what the copy keeps (a text of short
  lines or of list items: then they are the text); a paragraph repeated on its side counts once;
* merged or split paragraphs and typography are no change at all (the alignment pairs them),
  and neither is a short sentence that a paragraph gains or loses whole (a line merged into it);
* ``excerpt``: the copy leaves out more than ``1 - KEEPS`` of the body (a head, a middle, a
  tail, all but a few paragraphs: up to ``EDGE`` of it before its first or after its last
  paragraph of running text, in whole paragraphs, can be the original page's furniture), or
  stops inside a paragraph, and adds little;
* ``edited``: words of the body replaced (``EDITED_TOKENS`` and more; a retitled title, the
  first line of either side when it is no sentence, is no edit) or, with part of the body left
  out, paragraphs rewritten or more text of the copy's own than of the original's;
* ``extended``: the whole body plus running text of the copy's own (an editor's note, a closing
  paragraph), at least ``MINOR_TOKENS`` and ``EXTENDED_SHARE`` of the copy;
* ``identical``: the whole text as it is; ``cosmetic``: the whole body, with differences a
  reader does not see (structure left out or added among them).

The figures are token counts over paragraphs that are not learned boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

MINOR_TOKENS = 20  # tokens: a shorter line a side drops or adds is furniture
STRUCTURE_SHARE = 0.5  # ... unless lines that are no prose are more than this share of what the copy keeps
KEEPS = 0.96  # share of the body a copy keeps to carry the whole article
EDGE = 0.12  # ... not counting at most this share of it left out at its edges
WHOLE_PARAGRAPH = 0.9  # share of a paragraph kept for the copy to keep it whole
CUT = 0.6  # ... and below which a copy that ends there is cut short (truncated)
EXTENDED_SHARE = 0.01  # share of the copy that a whole copy adds of its own to be extended
EDITED_TOKENS = 1  # words replaced in the body from which a copy is edited
EDITED_SHARE = 0.03  # ... and, with part of the body left out, the share of rewrites
ADDED_SHARE = 0.5  # share of its own text above which a partial copy is no excerpt but a new text

# A list item ("- ", "• ", "1. ", "[2] "), a table row ("| a | b |"), or a line with an address.
_STRUCTURE = re.compile(r"^\W*(?:[-\u2013\u2014\u2022\u00b7*\u25aa\u25ba|]|\[\d+\]|\d{1,3}[.)](?!\d))|https?://|www\.",
                        re.I)
_SENTENCE = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]")
_WORDS = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?:;\u2026\"\u201d)]$")


def line(text: str | None) -> bool:
    """A short line with no sentence in it (a subheading, a caption, a label)."""
    return text is not None and len(_WORDS.findall(text)) < MINOR_TOKENS and not _SENTENCE.search(text)


def listed(text: str) -> bool:
    """Is a paragraph a list item, a table row, a line with an address or a line with no
    sentence in it (a run of links, a table of contents): page structure?"""
    return bool(_STRUCTURE.search(text)) or not _SENTENCE.search(text)


@dataclass(frozen=True)
class Side:
    """One text as the relation sees it: per paragraph, its tokens, its tokens matched on the other
    side, whether the alignment pairs it, and whether it is a list item or the like (``listed``)."""

    sizes: Sequence[int]
    matched: Mapping[int, int]
    kept: Collection[int]  # paragraphs the alignment pairs with the other side
    listed: Sequence[bool]
    skip: Collection[int]  # learned boilerplate, and repeats of a paragraph of the same side

    def runs(self) -> list[list[int]]:
        """Runs of consecutive paragraphs the alignment leaves unpaired (skipped ones do not end a run)."""
        runs: list[list[int]] = [[]]
        for i, size in enumerate(self.sizes):
            if i in self.skip or not size:
                continue
            if i in self.kept:
                runs.append([])
            else:
                runs[-1].append(i)
        return [run for run in runs if run]

    def kept_order(self) -> list[int]:
        return sorted(i for i in self.kept if i not in self.skip and self.sizes[i])

    def prose(self, i: int) -> bool:
        return self.sizes[i] >= MINOR_TOKENS and not self.listed[i]

    def kinds(self) -> tuple[bool, bool]:
        """Are short lines, and list items, the text itself (more than ``STRUCTURE_SHARE`` of the
        paragraphs paired: a poem, a list) rather than the page's structure?"""
        kept = self.kept_order()
        total = STRUCTURE_SHARE * sum(self.sizes[i] for i in kept)
        return (sum(self.sizes[i] for i in kept if self.sizes[i] < MINOR_TOKENS) > total,
                sum(self.sizes[i] for i in kept if self.sizes[i] >= MINOR_TOKENS and self.listed[i]) > total)

    def counts(self, short: bool, items: bool) -> list[bool]:
        """Which paragraphs count as text when left unpaired: running text; short lines and list
        items when they are the text (``kinds`` of the original: a copy split into sentences is
        still an article of paragraphs)."""
        return [short if size < MINOR_TOKENS else items or not item for size, item in zip(self.sizes, self.listed)]


@dataclass(frozen=True)
class Body:
    """What a copy keeps, replaces and adds of its original's body, in tokens."""

    body: int  # tokens of the original's body
    kept: int  # ... that the copy carries, as they are or with words replaced
    replaced: int  # tokens of the body replaced by others in the copy (word edits)
    added: int  # tokens of the copy's own paragraphs, and of words added to paragraphs
    copy_body: int  # tokens of the copy that count (its body and its additions)
    edge: int = 0  # tokens of the body before its first and after its last kept paragraph of running text
    cut: bool = False  # the copy stops inside a paragraph, before the rest of the original

    @property
    def whole(self) -> bool:
        """Does the copy carry the whole article? Paragraphs a copy leaves out inside the article
        are a part of it it drops; a few at its edges can be the original page's (a byline, an
        author's bio, a promotion) when they are at most ``EDGE`` of it."""
        edge = self.edge if self.edge <= EDGE * self.body else 0
        return self.body > 0 and not self.cut and (self.kept + edge) / self.body >= KEEPS

    @property
    def coverage(self) -> float:
        return self.kept / self.body if self.body else 0.0

    @property
    def precision(self) -> float:
        return (self.copy_body - self.added - self.replaced) / self.copy_body if self.copy_body else 0.0


def body(original: Side, copy: Side, edits: Sequence[tuple[int, int]], in_rows: int = 0,
         trimmed: tuple[int, int] = (0, 0)) -> Body:
    """``edits``: (tokens removed, tokens added) of each paragraph group the alignment found
    edited; ``in_rows``: tokens of the original that the alignment's paired rows keep (words
    replaced count as kept: a word replaced breaks the runs around it, which the diff of its
    paragraph gives back); ``trimmed``: tokens its first and last paired paragraphs lose at the
    body's edges, which count as left out at the edges (and not against keeping them whole, nor
    as the copy stopping inside its last paragraph)."""
    kinds = original.kinds()
    o_counts, c_counts = original.counts(*kinds), copy.counts(False, kinds[1])  # a line added is no text of its own
    o_runs = original.runs()
    o_kept = original.kept_order()
    left_out = sum(original.sizes[i] for run in o_runs for i in run if o_counts[i])
    own = sum(copy.sizes[j] for run in copy.runs() for j in run if c_counts[j])
    counted = left_out + sum(original.sizes[i] for i in o_kept)
    kept = sum(original.matched.get(i, 0) for i in o_kept)
    replaced = sum(min(removed, added) for removed, added in edits)
    inserted = sum(max(0, added - removed) for removed, added in edits)
    matched = sum(copy.sizes[j] for j in copy.kept_order())
    last = o_kept[-1] if o_kept else -1
    cut = bool(o_kept) and original.matched.get(last, 0) + trimmed[1] < CUT * original.sizes[last] and any(
        r[0] > last for r in o_runs)
    return Body(counted, min(counted, max(kept + replaced, in_rows)), replaced, own + inserted, own + matched,
                _edge(original, o_runs, o_counts, trimmed) + sum(trimmed), cut)


def _edge(side: Side, runs: list[list[int]], counts: list[bool], trimmed: tuple[int, int] = (0, 0)) -> int:
    """Tokens that count of the runs before the first and after the last kept paragraph of running
    text (a title kept above the article does not make what follows it the article's middle), at
    an edge where the copy keeps that paragraph whole (a copy cut inside a paragraph is truncated)."""
    kept = side.kept_order()
    text = [i for i in kept if side.prose(i)] or kept
    if not text:
        return 0
    head, tail = text[0], text[-1]
    whole = {k for k, lost in ((head, trimmed[0]), (tail, trimmed[1]))
             if side.matched.get(k, 0) + lost >= WHOLE_PARAGRAPH * side.sizes[k]}
    return sum(side.sizes[i] for run in runs
               if (run[-1] < head and head in whole) or (run[0] > tail and tail in whole) for i in run if counts[i])


def sentence_end(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def minor(piece: str, size: int, before: str | None, after: str | None) -> bool:
    """Is a piece of text that a paragraph gains or loses whole (nothing in its place) a line
    merged into the paragraph, rather than words changed: a short piece at the paragraph's start
    or end, or a short sentence of its own? ``before`` and ``after``: the text next to it on its
    side, None at the paragraph's edges."""
    if size >= MINOR_TOKENS:
        return False
    starts = before is None or sentence_end(before)
    ends = after is None or bool(_SENTENCE_END.search(piece.rstrip())) or after[:1].isupper()
    return before is None or after is None or (starts and ends)


def relation(b: Body, statuses: Collection[str]) -> str:
    """``statuses``: those of the alignment's rows other than boilerplate."""
    if b.whole:
        if b.replaced >= EDITED_TOKENS:
            return "edited"
        if b.added >= max(MINOR_TOKENS, EXTENDED_SHARE * b.copy_body):
            return "extended"
        if set(statuses) <= {"same"}:
            return "identical"
        return "cosmetic"
    if b.replaced > EDITED_SHARE * b.body or b.added > ADDED_SHARE * b.copy_body:
        return "edited"
    return "excerpt"
