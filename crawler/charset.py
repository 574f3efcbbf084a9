"""Bytes of a fetched page → text, when the site is wrong about its own encoding.

Scrapy picks an encoding from the BOM, the Content-Type header, then a ``<meta>``
tag, and only sniffs when none is declared. Sites get this wrong: a header says
UTF-8 over a windows-1251 body, a page holds a few invalid bytes, a CMS leaves
NUL bytes in. :func:`decode_html` trusts a declared encoding only when the body
actually decodes with it (a handful of bad bytes are forgiven), and otherwise
sniffs with charset_normalizer (Scrapy's own detector). NUL characters are
dropped: no HTML text needs them, and PostgreSQL refuses them in text columns.
"""

from __future__ import annotations

import codecs
import logging

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

# A body that decodes with the declared encoding except for this share of
# replacement characters is the declared encoding with a few bad bytes.
MAX_BAD_SHARE = 0.01
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_html(body: bytes, declared: str | None = None) -> str:
    """The text of ``body``: BOM, then the declared encoding if it fits, then a sniffed one."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _clean(body[len(bom):].decode(encoding, errors="replace"))
    encoding = _known(declared) or "utf-8"
    try:
        return _clean(body.decode(encoding))
    except UnicodeDecodeError:
        pass
    text = body.decode(encoding, errors="replace")
    if text.count("\ufffd") <= MAX_BAD_SHARE * max(len(text), 1):
        return _clean(text)  # a few broken bytes: the label is right, the page is damaged
    match = from_bytes(body).best()
    if match is None:
        return _clean(text)
    log.debug("body declared %s decodes as %s", declared, match.encoding)
    return _clean(str(match))


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _clean(text: str) -> str:
    return text.replace("\x00", "")
