"""Fingerprints of a text for finding copies: sampled word-shingle hashes.

Each run of ``SHINGLE`` normalised words is hashed to a signed 64-bit integer
(the width of a database BIGINT) by a rolling hash over per-word hashes; only
hashes ``≡ 0 (mod SAMPLE)`` are kept.
Sampling by value (not by position) keeps the same shingles in every text that
contains them, so the share of a short excerpt's hashes found in a long
article estimates its containment, which resemblance (Jaccard) cannot: a
3-paragraph excerpt of a 15-paragraph article has a Jaccard similarity near
0.2 but a containment near 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

from storage.copies.align import tokens

SHINGLE = 5
SAMPLE = 4


def hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def fingerprints(paragraphs: Iterable[str]) -> set[int]:
    words = [w for p in paragraphs for w in tokens(p)]
    if len(words) < SHINGLE:
        return {hash64(" ".join(words))} if words else set()
    # A polynomial rolling hash over per-word hashes: O(1) per shingle, mixed
    # (splitmix64, inlined: this loop is most of the cost) so that sampling by value
    # picks an unbiased subset.
    word_hashes = [_word_hash(w) for w in words]
    mask, base, top, sample = _MASK, _BASE, _TOP, SAMPLE
    h = 0
    for x in word_hashes[:SHINGLE]:
        h = (h * base + x) & mask
    rolled = [h]
    for old, new in zip(word_hashes, word_hashes[SHINGLE:]):
        h = ((h - old * top) * base + new) & mask
        rolled.append(h)
    out = set()
    for z in rolled:
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        if z % sample == 0:
            out.add(z - _TWO64 if z >= _TWO63 else z)  # signed, for a BIGINT column
    return out


_MASK = (1 << 64) - 1
_TWO63, _TWO64 = 1 << 63, 1 << 64
_BASE = 0x100000001B3
_TOP = pow(_BASE, SHINGLE - 1, _TWO64)


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
