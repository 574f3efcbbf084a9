"""Token runs that two texts share: the matching under ``storage.copies.align``.

Texts are compared as word tokens of their normalised form (``storage.text.normalize``).
Matching is by runs of at least ``MIN_RUN`` tokens in order, repeated on what is left so that
moved paragraphs are found too; paragraphs equal on both sides are paired first, and lines too
short for a run that stand in the paragraph next to them on the other side join it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from storage.text.normalize import normalize_text

MIN_RUN = 6  # tokens: shorter common runs are coincidence
SHORT_PARAGRAPH = 20  # tokens: below this, a paragraph (title, heading) may well recur in one text

_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=1 << 14)  # a paragraph is tokenised for fingerprints, then for every alignment
def tokens(paragraph: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(normalize_text(paragraph)))


def flatten(paragraphs: Sequence[str], skip: Collection[int]
            ) -> tuple[list[str], list[int], dict[int, tuple[int, int]]]:
    """All tokens in order, the paragraph of each, and each paragraph's span of tokens."""
    flat: list[str] = []
    owner: list[int] = []
    spans: dict[int, tuple[int, int]] = {}
    for index, paragraph in enumerate(paragraphs):
        if index in skip or not (words := tokens(paragraph)):
            continue
        spans[index] = (len(flat), len(flat) + len(words))
        flat.extend(words)
        owner.extend([index] * len(words))
    return flat, owner, spans


def match(a: list[str], b: list[str], a_spans: dict[int, tuple[int, int]],
          b_spans: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Runs of >= MIN_RUN equal tokens; repeated on the leftovers to catch moved text.

    Paragraphs whose tokens are equal on both sides are paired first, directly:
    copies are mostly whole paragraphs, and difflib then only sees the rest.
    """
    links = _equal_paragraphs(a, b, a_spans, b_spans)
    used = set(links.values())
    free_a = [i for i in range(len(a)) if i not in used]
    free_b = [j for j in range(len(b)) if j not in links]
    for _ in range(4):
        sa = [a[i] for i in free_a]
        sb = [b[j] for j in free_b]
        blocks = [blk for blk in SequenceMatcher(None, sa, sb, autojunk=False).get_matching_blocks()
                  if blk.size >= MIN_RUN]
        if not blocks:
            break
        for blk in blocks:
            for k in range(blk.size):
                links[free_b[blk.b + k]] = free_a[blk.a + k]
        used_a = set(links.values())
        free_a = [i for i in free_a if i not in used_a]
        free_b = [j for j in free_b if j not in links]
    return links


def _equal_paragraphs(a, b, a_spans, b_spans) -> dict[int, int]:
    """Pair paragraphs with equal tokens, then their equal neighbours (short headings
    included, as a continuous run would have taken them); token index links."""
    a_order, b_order = list(a_spans), list(b_spans)
    text_a = {p: tuple(a[s:e]) for p, (s, e) in a_spans.items()}
    text_b = {q: tuple(b[s:e]) for q, (s, e) in b_spans.items()}
    by_text: dict[tuple[str, ...], list[int]] = {}
    for p in a_order:
        if len(text_a[p]) >= MIN_RUN:
            by_text.setdefault(text_a[p], []).append(p)
    pairs: dict[int, int] = {}  # copy paragraph position -> original paragraph position
    for qi, q in enumerate(b_order):
        if by_text.get(text_b[q]):
            pairs[qi] = a_order.index(by_text[text_b[q]].pop(0))
    # A short paragraph (a title, a heading) paired against the order that the other pairs
    # keep is more likely a repeat (a post's title again in its footer) than the same text:
    # the token matching after this pass pairs it, taking the earliest of equal runs.
    in_order = _in_order(pairs, lambda qi: len(text_b[b_order[qi]]))
    pairs = {qi: pi for qi, pi in pairs.items() if qi in in_order or len(text_b[b_order[qi]]) >= SHORT_PARAGRAPH}
    taken = set(pairs.values())
    grown = True
    while grown:
        grown = False
        for qi, pi in list(pairs.items()):
            for dq in (-1, 1):
                qn, pn = qi + dq, pi + dq
                if (qn not in pairs and pn not in taken and 0 <= qn < len(b_order) and 0 <= pn < len(a_order)
                        and text_b[b_order[qn]] and text_b[b_order[qn]] == text_a[a_order[pn]]):
                    pairs[qn] = pn
                    taken.add(pn)
                    grown = True
    links: dict[int, int] = {}
    for qi, pi in pairs.items():
        (b_start, b_end), a_start = b_spans[b_order[qi]], a_spans[a_order[pi]][0]
        links.update(zip(range(b_start, b_end), range(a_start, a_start + b_end - b_start)))
    return links


def _in_order(pairs: dict[int, int], weight) -> set[int]:
    """The copy positions of the heaviest chain of pairs in the same order on both sides."""
    order = sorted(pairs)
    best: list[tuple[int, int]] = []  # for each pair: (weight of the best chain ending there, previous)
    for k, qi in enumerate(order):
        prev = max((j for j in range(k) if pairs[order[j]] < pairs[qi]), key=lambda j: best[j][0], default=-1)
        best.append(((best[prev][0] if prev >= 0 else 0) + weight(qi), prev))
    chain: set[int] = set()
    k = max(range(len(order)), key=lambda j: best[j][0], default=-1)
    while k >= 0:
        chain.add(order[k])
        k = best[k][1]
    return chain


def absorb(links: dict[int, int], ties: dict[int, set[int]], o_tok: list[str], c_tok: list[str],
           o_spans: dict[int, tuple[int, int]], c_spans: dict[int, tuple[int, int]]) -> None:
    """A paragraph left unpaired whose words stand, unmatched, in a paragraph of the other side
    paired with its neighbour joins that pair: a line merged into a paragraph, or a sentence of
    a paragraph split up, too short for runs of ``MIN_RUN`` tokens (links and ties grow)."""
    o_ties: dict[int, set[int]] = {}
    for c, originals in ties.items():
        for o in originals:
            o_ties.setdefault(o, set()).add(c)
    for this, other, spans, other_spans, paired, is_copy in (
            (o_tok, c_tok, o_spans, c_spans, o_ties, False), (c_tok, o_tok, c_spans, o_spans, ties, True)):
        used = set(links) if is_copy else set(links.values())
        other_used = set(links.values()) if is_copy else set(links)
        order = list(spans)
        for k, p in enumerate(order):
            s, e = spans[p]
            if p in paired or any(i in used for i in range(s, e)):
                continue
            near = [q for n in order[max(0, k - 1):k] + order[k + 1:k + 2] for q in sorted(paired.get(n, ()))]
            for q in near:
                at = _find(this[s:e], other, other_spans[q], other_used)
                if at is None:
                    continue
                for d in range(e - s):
                    if is_copy:
                        links[s + d] = at + d
                    else:
                        links[at + d] = s + d
                    other_used.add(at + d)
                if is_copy:
                    ties[p] = {q}
                else:
                    ties[q].add(p)
                    o_ties[p] = {q}  # a line next to it may join the same pair
                break


def _find(needle: list[str], hay: list[str], span: tuple[int, int], used: set[int]) -> int | None:
    """The start of ``needle`` in ``hay[span]`` on tokens not yet matched, if it is there."""
    n = len(needle)
    for start in range(span[0], span[1] - n + 1):
        if hay[start] == needle[0] and hay[start:start + n] == needle and not any(i in used for i in range(start, start + n)):
            return start
    return None
