"""Fingerprints of a text for finding copies: sampled word-shingle hashes.

Each run of ``SHINGLE`` normalised words is hashed to a signed 64-bit integer
(the width of a database BIGINT); only hashes ``≡ 0 (mod SAMPLE)`` are kept.
Sampling by value (not by position) keeps the same shingles in every text that
contains them, so the share of a short excerpt's hashes found in a long
article estimates its containment, which resemblance (Jaccard) cannot: a
3-paragraph excerpt of a 15-paragraph article has a Jaccard similarity near
0.2 but a containment near 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from storage.align import tokens

SHINGLE = 5
SAMPLE = 4


def hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def fingerprints(paragraphs: Iterable[str]) -> set[int]:
    words = [w for p in paragraphs for w in tokens(p)]
    if len(words) < SHINGLE:
        return {hash64(" ".join(words))} if words else set()
    out = set()
    for i in range(len(words) - SHINGLE + 1):
        h = hash64(" ".join(words[i : i + SHINGLE]))
        if h % SAMPLE == 0:
            out.add(h)
    return out
