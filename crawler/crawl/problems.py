"""What went wrong with a fetch, in words a capture can keep.

* :func:`soft_404`: a 200 HTML page that is a "page not found" page after all (what
  is not an HTML page at all is ``crawler.extract.decode.not_html``'s rule).
* :func:`failure_reason`: one line for a failed download (time-outs, resets,
  truncated bodies, size limits, redirect loops, statuses the spider refuses),
  where Scrapy's own message is often empty.
* :func:`is_fetch_failure`: which of Scrapy's ``IgnoreRequest`` refusals are
  failed fetches of a page (recorded as error captures) rather than requests the
  crawl chose not to make (robots.txt, off-site: counted in stats only).
* :class:`RedirectLoop`: raised by ``RedirectAliasMiddleware`` when a redirect
  leads back to a URL of its own chain.
"""

from __future__ import annotations

import re

from scrapy.exceptions import (DownloadCancelledError, DownloadFailedError, DownloadTimeoutError, IgnoreRequest,
                               ResponseDataLossError)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract.markup import ascii_compatible
from crawler.extract.page import soft_404 as not_found

# Only a page whose first title or first h1 holds one of these words can be a soft 404:
# any other page is not parsed for the check (a parse costs more than the rest of its handling).
_NOT_FOUND_WORDS = re.compile(rb"404|found|exist|available", re.IGNORECASE)
_TITLE_OR_H1 = re.compile(rb"<(title|h1)\b", re.IGNORECASE)
_LOOK_AHEAD = 1000  # bytes after the tag searched for those words (the tag's text and then some)

# Scrapy's IgnoreRequest messages that mean "this page could not be fetched".
_FAILED_REFUSALS = ("max redirections reached", "DOWNLOAD_MAXSIZE")


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already in the request's redirect chain."""


def soft_404(response: Response) -> str | None:
    """Why a 200 HTML page is a "page not found" page after all, or None (``crawler.extract.page``'s
    rule; a crawled article page is judged in the extraction worker, on its one parse: this is
    for a page of a rendered source, before it is rendered)."""
    if isinstance(response, TextResponse) and _may_say_not_found(response):
        return not_found(response.selector.root)
    return None


def _may_say_not_found(response: TextResponse) -> bool:
    """False when neither the first <title> nor the first <h1> can say "not found", read
    on the raw body; True when they might, or when the body cannot be read undecoded."""
    if not ascii_compatible(response.encoding):
        return True
    body, seen = response.body, set()
    for tag in _TITLE_OR_H1.finditer(body):
        name = tag.group(1).lower()
        if name in seen:
            continue
        if _NOT_FOUND_WORDS.search(body, tag.end(), tag.end() + _LOOK_AHEAD):
            return True
        seen.add(name)
        if len(seen) == 2:
            break
    return False


def is_fetch_failure(failure) -> bool:
    """True for failures to record as an error capture of the page requested."""
    if failure.check(HttpError, RedirectLoop):
        return True
    if failure.check(IgnoreRequest):
        return any(marker in failure.getErrorMessage() for marker in _FAILED_REFUSALS)
    return True


def failure_reason(failure, *, max_size: int | None = None) -> str:
    """One line saying why the download failed."""
    message = failure.getErrorMessage().strip()
    response = getattr(failure.value, "response", None)
    request = getattr(failure, "request", None)
    if request is not None and (said := request.meta.get("mirrorwatch_error")):  # e.g. a Retry-After over the cap
        return said
    if failure.check(HttpError) and response is not None:
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            return f"HTTP {response.status}: redirect to {location.decode('latin-1')[:300]!r} not followed"
        return f"HTTP {response.status}"
    if failure.check(DownloadTimeoutError):
        return f"timed out: {message}"
    if failure.check(DownloadCancelledError):
        return f"download cancelled: {message or f'body larger than DOWNLOAD_MAXSIZE ({max_size} bytes)'}"
    if failure.check(ResponseDataLossError):
        return "connection lost before the whole body arrived (reset, or a truncated body)"
    if failure.check(DownloadFailedError):
        return f"download failed: {message or 'the connection broke'}"
    if failure.check(RedirectLoop):
        return message
    if failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in message:
        return f"body too large once decompressed: {message}"
    if failure.check(IgnoreRequest) and "max redirections" in message:
        return "too many redirects (an endless redirect chain)"
    return f"{failure.type.__name__}: {message}" if message else failure.type.__name__
