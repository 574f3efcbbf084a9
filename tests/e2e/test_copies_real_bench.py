"""A slice of the real-page copy benchmark (``tests/bench/copies_real.py``) as a test: one pair of
every kind of change, real originals with their own markup, through extraction and the archive."""

import random

import pytest

from tests.bench import copies_build, copies_real
from tests.support.databases import SHARED, shared_path


@pytest.mark.slow
def test_a_slice_of_real_page_copies_reads_as_a_reader_would():
    for data in (copies_build.WCXB, copies_build.PAGES):
        shared_path(str(data.relative_to(SHARED)))
    cases = copies_build.build(copies_build.load_articles(), random.Random(11), 1, copies_real.usable)
    out = copies_real.evaluate(cases)
    assert (out["positives"], out["negatives"]) == (len(copies_build.KINDS), 8)
    assert out["fp"] == 0 and out["recall"] == 1.0, out["failures"]
    assert out["original"] == 1.0, out["failures"]
    # every kind but at most one reads as a reader would call it
    assert out["relation"] >= (len(copies_build.KINDS) - 1) / len(copies_build.KINDS), out["failures"]
