"""HTML → :class:`Extracted`: main text and metadata through trafilatura; for a crawl, the
whole :class:`~crawler.extract.page.Parsed` page from the same one parse (:func:`parse`).

Pure functions with no Scrapy imports, so that they run in a worker process
(see ``crawler.extract.pool``).

The options are fixed and hashed into every version (``OPTIONS_HASH``), so a
change of extractor settings is visible in the archive:

* ``deduplicate`` is off: trafilatura keeps a process-wide cache for it, which
  makes the output of two identical calls differ.
* comments are off: they are not the article, and they change all the time.
* tables are kept, images and links are not.

Language (``storage.text.language`` has the whole rule): the page's own declaration
(``<html lang>``, ``<meta http-equiv=Content-Language>``, trafilatura's metadata) is
``language``; a page that declares none gets ``detected_language`` from py3langid over its
text (the detector trafilatura itself uses for ``target_language``), and the write path
prefers a ``Content-Language`` header to that guess.
"""

from __future__ import annotations

import hashlib
import json

import py3langid
import trafilatura
from trafilatura.settings import use_config

from trafilatura.utils import load_html

from crawler.extract import page
from crawler.extract.decode import clean_text, decode_html
from crawler.extract.markup import absolute, canonical_link, declared_language, outbound_links
from crawler.extract.page import Parsed
from crawler.extract.shell import shell_of
from storage.text.language import primary_subtag
from storage.types import Extracted

EXTRACTOR = "trafilatura"
EXTRACTOR_VERSION: str = trafilatura.__version__

# Everything passed to trafilatura.bare_extraction, and hashed into every version (its output
# format is bare_extraction's own default, a document with the text as paragraphs). Migration
# 0007 renamed the hash of the same options spelled with "output_format": "txt" to this one.
OPTIONS: dict[str, object] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
    "favor_precision": False,
    "favor_recall": False,
    "with_metadata": True,
}
OPTIONS_HASH = hashlib.sha256(json.dumps(OPTIONS, sort_keys=True).encode()).hexdigest()[:16]

# trafilatura's own config: no time budget (a slow machine must not give a
# different text) and no minimum size below which it returns nothing.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")

# The detector reads the start of the text (enough for a stable guess, at a bounded cost) and
# guesses nothing for a text too short to tell (a caption, a cookie notice).
DETECT_CHARS = 2000
DETECT_MIN_CHARS = 20


def extract(html: str | bytes, *, url: str | None = None, encoding: str | None = None) -> Extracted:
    """Extract the main text and metadata of one page.

    Returns an ``Extracted`` with no paragraphs when the page holds no main
    text; never raises on odd markup.
    """
    html = decode_html(html, encoding) if isinstance(html, bytes) else clean_text(html)
    return _extract(html, load_html(html), url)


def parse(body: bytes, *, url: str, encoding: str | None = None, follow: bool = False,
          shell: bool = False) -> Parsed:
    """Everything the crawl needs of an article page, from one parse of it (``crawler.extract.page``):
    the extraction (unless the page is a soft 404), the canonical link, the links to follow (with
    ``follow``) and whether it is an application shell (with ``shell``)."""
    html = decode_html(body, encoding)
    tree = load_html(html)  # trafilatura's own parse of it: extracting from this tree gives the same text
    base = page.base_url(html, url, encoding)
    found = {"canonical": page.canonical(canonical_link(html), base)}
    if tree is not None and follow:
        found["links"] = page.follow_links(tree, base, url, encoding)
    if tree is not None and (not_found := page.soft_404(tree)):
        return Parsed(None, soft_404=not_found, **found)
    extracted = _extract(html, tree, url)  # trafilatura works on a copy: the tree stays as parsed
    if tree is not None and shell:
        found["shell"] = shell_of(tree, extracted)
    return Parsed(extracted, **found)


def _extract(html: str, tree, url: str | None) -> Extracted:
    doc = trafilatura.bare_extraction(tree, url=url, config=_CONFIG, **OPTIONS) if tree is not None else None
    if doc is None:
        return _extracted(canonical_url=absolute(canonical_link(html), url))
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    raw = data.get("raw_text") or data.get("text") or ""
    paragraphs = tuple(p for p in (line.strip() for line in (data.get("text") or raw).split("\n")) if p)
    declared = primary_subtag(declared_language(html)) or primary_subtag(_clean(data.get("language")))
    return _extracted(
        title=_clean(data.get("title")),
        author=_clean(data.get("author")),
        published=_clean(data.get("date")),
        site_name=_clean(data.get("sitename")),
        language=declared,
        canonical_url=absolute(canonical_link(html), url),
        paragraphs=paragraphs,
        links=outbound_links(html, url=url),
        detected_language=None if declared else detect_language(paragraphs),
    )


def detect_language(paragraphs: tuple[str, ...]) -> str | None:
    """py3langid's guess (an ISO 639-1 code) from the start of the text; None when too short."""
    text = " ".join(paragraphs)[:DETECT_CHARS]
    if len(text) < DETECT_MIN_CHARS:
        return None
    return primary_subtag(py3langid.classify(text)[0])


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _extracted(**fields) -> Extracted:
    values = dict.fromkeys(
        ("title", "author", "published", "site_name", "language", "canonical_url", "detected_language"), None
    )
    values.update(fields)
    values.setdefault("paragraphs", ())
    return Extracted(
        **values, extractor=EXTRACTOR, extractor_version=EXTRACTOR_VERSION, options_hash=OPTIONS_HASH
    )
