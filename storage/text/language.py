"""A version's language: what the page declares, else what a detector reads in its text.

A language is stored as its primary subtag, lowercase (``en-US``, ``EN_gb`` → ``en``;
``pt-BR`` → ``pt``): the region is dropped, so that ``export corpus --lang en`` finds every
English page whatever region it names. The first of these that names a language wins:

1. the document's own declaration: ``<html lang>`` (or ``xml:lang``), else a
   ``<meta http-equiv="Content-Language">`` (read by ``crawler.extract``);
2. the response's ``Content-Language`` header (its first language);
3. the detector's guess on the extracted text (``crawler.extract.extractor``).

``und``, ``mul``, ``zxx`` and anything that is not a language tag count as no declaration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")
NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})


def primary_subtag(tag: str | None) -> str | None:
    """``"en-US"`` → ``"en"``; the first of a list (``"de, en"`` → ``"de"``); None for no language."""
    if not tag:
        return None
    match = _TAG.fullmatch(tag.split(",")[0].strip())
    if match is None:
        return None
    code = match.group(1).lower()
    return None if code in NOT_A_LANGUAGE else code


def header_language(headers: Iterable[Sequence[str]] | None) -> str | None:
    """The language of a ``Content-Language`` response header, from ``[[name, value], ...]``."""
    for name, value in headers or ():
        if name.lower() == "content-language":
            return primary_subtag(value)
    return None


def version_language(declared: str | None, headers: Iterable[Sequence[str]] | None,
                     detected: str | None) -> str | None:
    """The language a new version is stored with (the rule above)."""
    return primary_subtag(declared) or header_language(headers) or primary_subtag(detected)
