"""What a sitemap or a feed lists: (URL, date) pairs, read from a Scrapy response.

The spider (``crawler.crawl.spider``) decides what to do with each; this module only reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap


def sitemap_entries(response: Response, max_size: int) -> tuple[bool, Iterator[tuple[str, str | None]]]:
    """(whether the sitemap is an index, its (loc, lastmod) pairs); a gzipped sitemap is unpacked
    up to ``max_size`` bytes (``DOWNLOAD_MAXSIZE``)."""
    body = response.body
    if gzip_magic_number(response):
        body = gunzip(body, max_size=max_size)
    sitemap = Sitemap(body)
    entries = ((entry["loc"], entry.get("lastmod")) for entry in sitemap if entry.get("loc"))
    return sitemap.type == "sitemapindex", entries


def feed_entries(response: Response) -> list[tuple[str, str | None]]:
    """The (absolute link, date) of each RSS item and Atom entry that has a link."""
    entries = [(item.xpath("link/text()").get(), item.xpath("pubDate/text()").get())
               for item in response.xpath("//item")]  # RSS
    entries += [  # Atom
        (entry.xpath("*[local-name()='link'][not(@rel) or @rel='alternate']/@href").get(),
         entry.xpath("*[local-name()='updated']/text()").get()
         or entry.xpath("*[local-name()='published']/text()").get())
        for entry in response.xpath("//*[local-name()='entry']")
    ]
    return [(response.urljoin(link.strip()), date.strip() if date else None) for link, date in entries if link]
