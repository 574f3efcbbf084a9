"""What a source adds to its requests: extra headers, a proxy, the longest Retry-After it waits for.

The checks take ``fail(field, message)`` from ``crawler.sources``, so every error names the file,
the source and the field in one line, as the rest of its checks do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

# Headers the crawl sets itself: the connection, compression, the re-checks' validators.
_OWN_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding", "if-none-match",
                "if-modified-since"}
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name (RFC 9110 token)
FIELD_VALUE = re.compile(r"^[\t\x20-\x7e]*$")  # printable ASCII: no line break can split a request


def check_rate_fields(entry: dict, fail: Callable[[str, str], Exception]) -> None:
    if entry.get("max_retry_after", 0) < 0:
        raise fail("max_retry_after", "must not be negative")
    if "proxy" in entry:
        parts = urlsplit(entry["proxy"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise fail("proxy", f"not an http(s) URL: {proxy_shown(entry['proxy'])!r}")


def proxy_shown(proxy: str | None) -> str | None:
    """The proxy URL with its password replaced by ``***``: what may be printed."""
    if not proxy:
        return proxy
    parts = urlsplit(proxy)
    if parts.password is None:
        return proxy
    netloc = f"{parts.username}:***@{parts.netloc.rsplit('@', 1)[1]}"
    return parts._replace(netloc=netloc).geturl()


def header_pairs(table: dict, fail: Callable[[str, str], Exception]) -> Iterator[tuple[str, str]]:
    """The ``headers`` table as (name, value) pairs: real header names, one-line string values."""
    seen = set()
    for name, value in table.items():
        if not _TOKEN.match(name):
            raise fail("headers", f"not a header name: {name!r}")
        if name.lower() == "user-agent":
            raise fail("headers", "set the User-Agent with the 'user_agent' field")
        if name.lower() in _OWN_HEADERS:
            raise fail("headers", f"{name!r} is set by the crawl itself")
        if name.lower() in seen:
            raise fail("headers", f"{name!r} given twice")
        seen.add(name.lower())
        if not isinstance(value, str) or not FIELD_VALUE.match(value):
            raise fail("headers", f"the value of {name!r} must be one line of printable ASCII text")
        yield name, value
