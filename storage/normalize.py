"""Text and URL normalisation, paragraph hashes.

Two texts that differ only in typography (curly vs straight quotes, dash
kinds, white space, case, Unicode compatibility forms) normalise to the same
string and so to the same hash: such a change is not a new version.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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

# Query parameters that only say where a visitor came from.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "yclid", "_ga", "ref_src"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_text(text: str) -> str:
    """Fold typography, white space and case: the form used for comparisons."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return _SPACE.sub(" ", text).strip().casefold()


def text_sha256(paragraphs: Iterable[str]) -> str:
    """Hash of the normalised text: equal for texts that differ only in typography."""
    normalized = (normalize_text(p) for p in paragraphs)
    return hashlib.sha256("\n".join(p for p in normalized if p).encode()).hexdigest()


def split_paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def normalize_url(url: str) -> str:
    """The form a page URL is stored under.

    Scheme and host folded to lower case, default port and fragment dropped,
    ``utm_*`` and click-id parameters removed, remaining parameters sorted,
    an empty path made ``/``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the port always written: sites are told apart by it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"
