"""Real pages with their language declarations taken out, for the tests of language detection."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

_HTML_LANG = re.compile(r"(<html\b[^>]*?)\s(?:xml:)?lang\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]*)", re.IGNORECASE)
_META = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-language[^>]*>", re.IGNORECASE)


def undeclared(html: str) -> str:
    """``html`` without ``<html lang>``/``xml:lang`` and ``<meta http-equiv=Content-Language>``."""
    while (stripped := _HTML_LANG.sub(r"\1", html, count=1)) != html:
        html = stripped
    return _META.sub("", html)


def read_page(path: Path) -> str:
    return gzip.open(path).read().decode("utf-8", "replace")
