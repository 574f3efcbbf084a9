"""What the crawl reads of a Scrapy response without parsing or decoding its body: the headers
as a list, one header, the encoding the page declares."""

from __future__ import annotations

from scrapy.http import Response

from crawler.extract.decode import page_encoding


def header_list(headers) -> list[tuple[str, str]]:
    """Every response header as (name, value), repeated names kept, in the order received
    (names as Scrapy spells them: it folds them to Title-Case, so ``ETag`` reads ``Etag``)."""
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def declared_encoding(response: Response, content_type: str | None) -> str | None:
    """The encoding the page declares (a BOM, its header, ``<meta charset>``), read as a WARC
    import reads it; None when it declares none, and the worker reads UTF-8 or sniffs. Not
    ``TextResponse.encoding``: for a page that declares none, that decodes the whole body in the
    reactor's thread to guess one, and keeps the text as long as the response lives. A rendered
    page's body was encoded by the browser's handler, which says in what."""
    if "playwright" in response.flags:
        return getattr(response, "encoding", None)
    return page_encoding(content_type, response.body)


def header(headers, name: bytes) -> str | None:
    """One header's value, or None."""
    value = headers.get(name)
    return value.decode("latin-1") if value else None
