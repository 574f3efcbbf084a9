"""Text normalisation: typography folds away; idempotent (hypothesis)."""

from storage.text.normalize import normalize_text, text_sha256


def test_typography_folds_away():
    straight = "Minsk doesn't have \"balancing\" - options..."
    curly = "Minsk doesn\u2019t  have \u201cbalancing\u201d \u2013 options\u2026"
    assert normalize_text(straight) == normalize_text(curly)
    assert text_sha256([straight, ""]) == text_sha256([curly])
    assert text_sha256(["a"]) != text_sha256(["b"])


# -- properties (hypothesis)

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- text ----------------------------------------------------------------------------------

_TYPO = {"'": ["\u2018", "\u2019", "\u201b", "`"], '"': ["\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb"],
         "-": ["\u2010", "\u2013", "\u2014", "\u2212"], " ": ["\u00a0", "\t", "  ", "\n", "\u2003"]}


@SETTINGS
@given(st.text(max_size=200))
def test_text_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@SETTINGS
@given(st.lists(st.tuples(st.text("abcdefghijXYZ0123", min_size=1, max_size=8), st.sampled_from(sorted(_TYPO)),
                          st.integers(0, 4)), min_size=1, max_size=20))
def test_typography_is_folded(pieces):
    plain = "".join(word + sep for word, sep, _ in pieces)
    fancy = "".join(word + _TYPO[sep][n % len(_TYPO[sep])] for word, sep, n in pieces)
    assert normalize_text(fancy) == normalize_text(plain)
    assert normalize_text(plain.upper()) == normalize_text(plain)
