"""The relation of a copy to its original, judged on the article's body rather than on the page.

A republisher copies the article as a person reads it; the original's extraction also carries
its page's furniture. So what decides the relation is what the copy keeps and drops of the
original's *body*:

* a run of short paragraphs only (under ``MINOR_TOKENS``: subheadings, captions, list items,
  "Read the full article", "Subscribe") that one side leaves out or the other adds is furniture,
  not a part of the article, unless such runs make up more than ``MINOR_SHARE`` of the text (a
  text of short paragraphs: then they are the text); a run with a longer paragraph counts whole;
* merged or split paragraphs and typography are no change at all (the alignment pairs them);
* ``excerpt``: the copy leaves out more than ``1 - KEEPS`` of the body (a head, a middle, a
  tail, all but a few paragraphs: up to ``EDGE`` of it at its edges in whole paragraphs can be
  the original page's furniture), or stops inside a paragraph, and adds little;
* ``edited``: words of the body replaced (``EDITED_TOKENS`` and more; a retitled title, the
  first line of either side when it is no sentence, is no edit) or, with part of the body left out, paragraphs rewritten
  or more text of the copy's own than of the original's;
* ``extended``: the whole body plus paragraphs of the copy's own (an editor's note, a closing
  line), ``EXTENDED_SHARE`` of the body at least;
* ``identical``: the whole text as it is; ``cosmetic``: the whole body, with differences a
  reader does not see (short lines left out or added among them).

The figures are token counts over paragraphs that are not learned boilerplate.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

MINOR_TOKENS = 20  # tokens: a shorter line a side drops or adds is furniture
MINOR_SHARE = 0.5  # ... unless such lines are more than this share of the text
KEEPS = 0.96  # share of the body a copy keeps to carry the whole article
EDGE = 0.12  # ... not counting at most this share of it left out at its edges
WHOLE_PARAGRAPH = 0.9  # share of a paragraph kept for the copy to keep it whole
CUT = 0.6  # ... and below which a copy that ends there is cut short (truncated)
EXTENDED_SHARE = 0.02  # share of the body a whole copy adds of its own to be extended
EDITED_TOKENS = 1  # words replaced in the body from which a copy is edited
EDITED_SHARE = 0.03  # ... and, with part of the body left out, the share of rewrites
ADDED_SHARE = 0.5  # share of its own text above which a partial copy is no excerpt but a new text


@dataclass(frozen=True)
class Body:
    """What a copy keeps, replaces and adds of its original's body, in tokens."""

    body: int  # tokens of the original's body
    kept: int  # ... that the copy carries, as they are or with words replaced
    replaced: int  # tokens of the body replaced by others in the copy (word edits)
    added: int  # tokens of the copy's own paragraphs, and of words added to paragraphs
    copy_body: int  # tokens of the copy that count (its body and its additions)
    edge: int = 0  # tokens of the body's first and last paragraphs that the copy leaves out whole
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


def body(o_sizes: Sequence[int], o_matched: Mapping[int, int], c_sizes: Sequence[int],
         c_matched: Mapping[int, int], o_skip: Collection[int], c_skip: Collection[int],
         edits: Sequence[tuple[int, int]], in_rows: int = 0) -> Body:
    """Sizes and matched tokens per paragraph of both sides; ``edits``: (tokens removed, tokens
    added) of each paragraph group the alignment found edited; ``in_rows``: tokens of the
    original that the alignment's paired rows keep (words replaced count as kept: a word
    replaced breaks the runs around it, which the diff of its paragraph gives back)."""
    o_runs, o_kept = _unmatched_runs(o_sizes, o_matched, o_skip)
    c_runs, c_kept = _unmatched_runs(c_sizes, c_matched, c_skip)
    left_out = _counted(o_runs, o_sizes, o_kept)
    own = sum(c_sizes[j] for run in _counted(c_runs, c_sizes, c_kept) for j in run)
    counted = sum(o_sizes[i] for run in left_out for i in run) + sum(o_sizes[i] for i in o_kept)
    kept = sum(o_matched[i] for i in o_kept)
    replaced = sum(min(removed, added) for removed, added in edits)
    inserted = sum(max(0, added - removed) for removed, added in edits)
    matched = sum(c_sizes[j] for j in c_kept)
    cut = bool(o_kept) and o_matched[o_kept[-1]] < CUT * o_sizes[o_kept[-1]] and any(r[0] > o_kept[-1] for r in o_runs)
    return Body(counted, min(counted, max(kept + replaced, in_rows)), replaced, own + inserted, own + matched,
                _edge(left_out, o_sizes, o_matched, o_kept), cut)


def _unmatched_runs(sizes: Sequence[int], matched: Mapping[int, int], skip: Collection[int]
                    ) -> tuple[list[list[int]], list[int]]:
    """Runs of consecutive paragraphs with nothing matched (boilerplate between them does not
    end a run), and the paragraphs with something matched."""
    runs: list[list[int]] = [[]]
    kept = []
    for i, size in enumerate(sizes):
        if i in skip or not size:
            continue
        if matched.get(i):
            kept.append(i)
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run], kept


def _counted(runs: list[list[int]], sizes: Sequence[int], kept: list[int]) -> list[list[int]]:
    """The runs that count: a run of short lines only (subheadings, captions, list items, share
    prompts between kept paragraphs) does not, unless such runs are ``MINOR_SHARE`` of the text."""
    counted = [run for run in runs if any(sizes[i] >= MINOR_TOKENS for i in run)]
    minor = sum(sizes[i] for run in runs if run not in counted for i in run)
    if minor > MINOR_SHARE * (sum(sizes[i] for run in runs for i in run) + sum(sizes[i] for i in kept)):
        return runs
    return counted


def _edge(runs: list[list[int]], sizes: Sequence[int], matched: Mapping[int, int], kept: list[int]) -> int:
    """Tokens of the counted runs before the first and after the last paragraph the copy keeps,
    at an edge where it keeps that paragraph whole (a copy cut inside a paragraph is truncated)."""
    if not kept:
        return 0
    head, tail = kept[0], kept[-1]
    whole = {k for k in (head, tail) if matched[k] >= WHOLE_PARAGRAPH * sizes[k]}
    return sum(sizes[i] for run in runs
               if (run[-1] < head and head in whole) or (run[0] > tail and tail in whole) for i in run)


def relation(b: Body, statuses: Collection[str]) -> str:
    """``statuses``: those of the alignment's rows other than boilerplate."""
    if b.whole:
        if b.replaced >= EDITED_TOKENS:
            return "edited"
        if b.added >= max(MINOR_TOKENS, EXTENDED_SHARE * b.body):
            return "extended"
        if set(statuses) <= {"same"}:
            return "identical"
        return "cosmetic"
    if b.replaced > EDITED_SHARE * b.body or b.added > ADDED_SHARE * b.copy_body:
        return "edited"
    return "excerpt"
