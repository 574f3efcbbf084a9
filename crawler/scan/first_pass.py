"""The first pass of a scan: a page's visible text, hashed as the archive's fingerprints are,
looked up in a compact in-memory index of the archive.

Most pages of a web crawl are not copies of anything archived, and full extraction
(trafilatura, ~35 ms a page) would cost more than everything else together. So every
HTML page first goes through this cheap pass: its visible text (selectolax's lexbor
parser, script and style dropped, no main-content extraction: ~0.8 ms a page against
lxml's 3.6 and resiliparse's 1.6, measured side by side) is cut into the same sampled
word-shingle hashes as ``storage.copies.fingerprints``. Only pages sharing enough of
them with an archived page are extracted and aligned (``crawler.scan.verify``).

The index (:class:`FirstPassIndex`) keeps one in ``FIRST_PASS_SAMPLE / SAMPLE`` of the
archive's fingerprint hashes (those ≡ 0 mod 16: a quarter of what the database index
holds), each as its upper 32 bits next to a dense page number: two sorted numpy arrays,
8 bytes an entry, built once from the fingerprint table. A 32-bit key collides by chance
with about ``entries / 2**32`` of the keys looked up: at 100 million entries a page of
1,000 hashes finds ~25 chance hits spread over unrelated pages, which
the shared-keys rules (:data:`MIN_SHARED`, :data:`MIN_CONTAINMENT`) and the alignment after them reject. Keys found on more than
``MAX_DF`` pages are stock phrases, as in the database's matching, and are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from storage.copies.fingerprints import SAMPLE, fingerprints

FIRST_PASS_SAMPLE = 16  # a multiple of SAMPLE: hashes ≡ 0 mod 16 of those ≡ 0 mod 4
MAX_DF = 50  # pages a key may occur on before it counts as a stock phrase (storage.copies.match)
# Keys a page must share with an archived page to be a candidate, or all of that page's keys when
# it has fewer (a short archived excerpt). Two let through one unrelated real page in ten (a stock
# sentence, a shared quote: measured on the wcxb pages against the scan benchmark's archive), three
# one in thirty-five, and a planted copy shares five and more (one paragraph of ~80 words: ~5 keys).
MIN_SHARED = 3
# ... and that share at least of the smaller key set: the archived page's (the page carries it) or
# the page's own (it is mostly the archived text). A copy link needs a coverage of 0.2 or a
# precision of 0.5 (storage.copies.align); 0.15 leaves room for sampling noise in small counts.
# Measured on the benchmark's pages: unrelated pages sharing three keys or more share 0.01-0.15
# mostly (a stock sentence against a long text); planted copies 0.5-1.0. From 94 such pairs to 14.
MIN_CONTAINMENT = 0.15
MAX_CANDIDATES = 25  # archived pages aligned against one scanned page, most shared first
_INVISIBLE = ["script", "style", "noscript", "template", "svg", "head"]

assert FIRST_PASS_SAMPLE % SAMPLE == 0


def visible_text(html: str | bytes) -> str:
    """The text a reader sees in the page, words separated by spaces (no main-content choice)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_INVISIBLE)
    root = tree.body or tree.root
    return root.text(separator=" ") if root is not None else ""


def page_keys(text: str) -> np.ndarray:
    """The first-pass keys of a text: its sampled fingerprints, cut to 32 bits, unique and sorted."""
    return keys_of(fingerprints([text]))


def keys_of(hashes: Iterable[int]) -> np.ndarray:
    sampled = np.fromiter((h for h in hashes if h % FIRST_PASS_SAMPLE == 0), dtype=np.int64)
    return np.unique((sampled >> 32).astype(np.int32))


@dataclass(frozen=True)
class FirstPassIndex:
    """Sorted 32-bit keys of the archive's sampled fingerprints, each with a dense page number."""

    keys: np.ndarray  # int32, sorted
    numbers: np.ndarray  # int32, the page number of each key
    page_ids: np.ndarray  # int64, page number → page id
    sizes: np.ndarray  # int32, keys per page number

    @classmethod
    def build(cls, entries: Iterable[tuple[int, int]]) -> FirstPassIndex:
        """From (fingerprint hash, page id) pairs: the archive's fingerprint table, any order."""
        pairs = np.fromiter(((h, p) for h, p in entries if h % FIRST_PASS_SAMPLE == 0),
                            dtype=np.dtype((np.int64, 2)))
        hashes, ids = pairs[:, 0], pairs[:, 1]
        page_ids, numbers = np.unique(ids, return_inverse=True)
        keys = (hashes >> 32).astype(np.int32)
        keyed = np.unique(np.stack([keys.astype(np.int64), numbers.astype(np.int64)], axis=1), axis=0)
        keys, numbers = keyed[:, 0].astype(np.int32), keyed[:, 1].astype(np.int32)
        # Stock phrases: a key on more than MAX_DF pages says nothing about which page is copied.
        unique, starts, counts = np.unique(keys, return_index=True, return_counts=True)
        keep = np.repeat(counts <= MAX_DF, counts)
        keys, numbers = keys[keep], numbers[keep]
        sizes = np.bincount(numbers, minlength=len(page_ids)).astype(np.int32)
        return cls(keys, numbers, page_ids.astype(np.int64), sizes)

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.numbers.nbytes + self.page_ids.nbytes + self.sizes.nbytes

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(self, keys: np.ndarray) -> list[int]:
        """Page ids sharing enough keys with a page's ``keys`` (:func:`page_keys`), most shared first."""
        if not len(keys) or not len(self.keys):
            return []
        left = np.searchsorted(self.keys, keys, side="left")
        right = np.searchsorted(self.keys, keys, side="right")
        hit = right > left
        if not hit.any():
            return []
        left, right = left[hit], right[hit]
        spans = right - left
        positions = np.repeat(left - np.cumsum(spans) + spans, spans) + np.arange(spans.sum())
        numbers, shared = np.unique(self.numbers[positions], return_counts=True)
        sizes = self.sizes[numbers]
        wanted = (shared >= np.minimum(MIN_SHARED, sizes)) & (shared >= MIN_CONTAINMENT * np.minimum(sizes, len(keys)))
        numbers, shared = numbers[wanted], shared[wanted]
        order = np.lexsort((numbers, -shared))[:MAX_CANDIDATES]
        return [int(i) for i in self.page_ids[numbers[order]]]
