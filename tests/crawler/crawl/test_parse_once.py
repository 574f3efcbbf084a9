"""Parse once: the crawl process never builds a tree of an article page (``crawler.extract.page``),
nor decodes one.

The crawl runs in a process where every lxml tree built from markup holding an ``<article>``
element fails (parsel's selectors, ``lxml.html`` and the link extractor all build theirs through
``lxml.etree``), and so does decoding such a body to text (Scrapy's ``TextResponse`` decodes
through ``html_to_unicode``: for a page that declares no encoding, asking a response its
``encoding`` decodes the whole body to guess one); its extraction workers are forked from a
fresh forkserver, without the patch. It still stores
the same versions, the canonical alias and the soft 404, and follows the links of article pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.support.sites import PARAGRAPHS

# Run as `python -c GUARDED crawl ...`: the patch is in the crawl process only.
GUARDED = """
import sys
import lxml.etree as etree

def guarded(real):
    def build(text, *args, **kwargs):
        marker = b"<article>" if isinstance(text, bytes) else "<article>"
        if isinstance(text, (str, bytes)) and marker in text:
            raise AssertionError("the crawl process built a tree of an article page")
        return real(text, *args, **kwargs)
    return build

for name in ("fromstring", "HTML", "XML"):
    setattr(etree, name, guarded(getattr(etree, name)))
import scrapy.http.response.text as text_response
real_decode = text_response.html_to_unicode
def decode(content_type, body, *args, **kwargs):
    if b"<article>" in body:
        raise AssertionError("the crawl process decoded an article page")
    return real_decode(content_type, body, *args, **kwargs)
text_response.html_to_unicode = decode
from scrapy.http import HtmlResponse
try:
    HtmlResponse("http://x/", body=b"<html><body><article><p>x</p></article></body></html>").xpath("//p")
except AssertionError:
    pass
else:
    sys.exit("the guard does not stop a tree being built")
sys.argv = ["mirrorwatch", *sys.argv[1:]]
from crawler.cli import main
main()
"""


def _crawl(ws, *, guarded: bool) -> dict:
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    env.pop("MIRRORWATCH_DB", None)
    env.pop("MIRRORWATCH_SOURCES", None)
    command = [sys.executable, "-c", GUARDED] if guarded else [sys.executable, "-m", "crawler"]
    result = subprocess.run([*command, "crawl", "--format", "json"], cwd=ws.dir, env=env, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "built a tree of an article page" not in result.stderr
    assert "decoded an article page" not in result.stderr
    return json.loads(result.stdout)


def _stored(db) -> dict:
    with sqlite3.connect(db) as conn:
        q = lambda sql: sorted(conn.execute(sql).fetchall())  # noqa: E731
        return {
            "versions": q("select p.url, v.number, v.title, v.text, v.canonical_url from version v"
                          " join page p on p.id = v.page_id"),
            "captures": q("select p.url, c.outcome, c.error from capture c join page p on p.id = c.page_id"),
            "aliases": q("select a.url, p.url, a.kind from page_alias a join page p on p.id = a.page_id"),
        }


@pytest.mark.slow
def test_an_article_crawl_needs_no_tree_in_the_crawl_process(site, ws, tmp_path):
    a0, a1, a2, gone = (f"/articles/{name}.html" for name in ("a0", "a1", "a2", "gone"))
    site.article(a0, "First", ["Story one. " + p for p in PARAGRAPHS], links=[a1, gone],
                 canonical=site.url + "/articles/first.html")
    site.article(a1, "Second", ["Story two. " + p for p in PARAGRAPHS], links=[a2, "/files/report.pdf"])
    # No charset in its header or its markup: the worker reads it as UTF-8; the crawl process never guesses.
    site.write(a2, "<html><head><title>Third</title></head><body><article><h1>Third</h1>"
                   f"<p>Only linked from the second. {PARAGRAPHS[0]}</p></article></body></html>")
    site.write(gone, "<html><head><title>Page not found</title></head><body><article><h1>Sorry</h1>"
                     "<p>Nothing here.</p></article></body></html>")
    site.index(a0)
    ws.source(site, max_depth=4)  # no sitemap: the links of articles are followed

    data = _crawl(ws, guarded=True)
    (row,) = data["sources"]
    stored = _stored(ws.db)
    url = site.url
    assert [(u, n, t) for u, n, t, *_ in stored["versions"]] == [
        (url + a0, 1, "First"), (url + a1, 1, "Second"), (url + a2, 1, "Third")]
    first = stored["versions"][0]
    assert first[3] == "\n".join(["First"] + ["Story one. " + p for p in PARAGRAPHS])
    assert first[4] == url + "/articles/first.html"
    assert (url + gone, "error", "soft 404: the page says 'Page not found'") in stored["captures"]
    assert stored["aliases"] == [(url + "/articles/first.html", url + a0, "canonical")]
    assert "/files/report.pdf" not in site.server.paths_requested()  # the link extractor's extensions
    assert row["new_version"] == 3 and row["error"] == 1

    # The same crawl in a plain process stores the same.
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    (plain_dir / "sources.toml").write_text((ws.dir / "sources.toml").read_text(encoding="utf-8"), encoding="utf-8")
    plain = type(ws)(plain_dir)
    (plain_row,) = _crawl(plain, guarded=False)["sources"]
    assert _stored(plain.db) == stored
    assert {k: plain_row[k] for k in ("new_version", "error", "fetched", "requests")} == \
        {k: row[k] for k in ("new_version", "error", "fetched", "requests")}
