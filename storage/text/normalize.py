"""Text normalisation and the hash of a normalised text.

Two texts that differ only in typography (curly vs straight quotes, dash
kinds, white space, case, Unicode compatibility forms) normalise to the same
string and so to the same hash: such a change is not a new version.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
        "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u00ad": None, "\u200b": None,
        "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Fold typography, white space and case: the form used for comparisons."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return _SPACE.sub(" ", text).strip().casefold()


def text_sha256(paragraphs: Iterable[str]) -> str:
    """Hash of the normalised text: equal for texts that differ only in typography."""
    normalized = (normalize_text(p) for p in paragraphs)
    return hashlib.sha256("\n".join(p for p in normalized if p).encode()).hexdigest()
