"""A small run of the copy-detection quality benchmark (``tests/bench/copies_eval.py``)
as a test: every kind of copy found with the right original, no negative linked."""

import random

import pytest

from tests.bench import copies_eval
from tests.support.databases import SHARED, shared_path


@pytest.mark.slow
def test_generated_pairs_meet_the_quality_targets():
    shared_path(str(copies_eval.DATA.relative_to(SHARED)))
    cases = copies_eval.build_cases(copies_eval.load_texts(), random.Random(7), per_kind=3)
    out = copies_eval.evaluate(cases)
    assert out["positives"] == 24 and out["cases"] - out["positives"] == 18
    precision = out["tp"] / (out["tp"] + out["fp"])
    recall = out["tp"] / (out["tp"] + out["fn"])
    assert precision >= 0.99 and recall >= 0.98, out["failures"]
    for reason, counts in out["by_reason"].items():
        assert counts["ok"] == counts["n"], (reason, counts)
    wrong_relations = [f for f in out["failures"] if f[1] is not None and f[2] is not None]
    assert len(wrong_relations) <= 1, wrong_relations
