"""The seed case end to end: both bundled sites crawled, the blog page an excerpt copy.

The demo sites (``crawler/demo/sites``) hold the seed article on a news site
and its excerpt on a WordPress-style blog, with realistic page furniture.
"""

import pytest

from tests.support.databases import shared_path
from tests.support.workspace import demo_sites

SEED_ORIGIN = "/articles/russian-belarusian-relations-back-to-being-brothers.html"
SEED_COPY = "/2020/08/18/russian-belarusian-relations-back-to-being-brothers-crimea-2-0-is-unlikely/"
SHARED = [
    "Some notable developments occurred since the author",
    "A casual observer might be inclined to think",
    "The Belarusian Crisis is still very serious",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with demo_sites(tmp_path_factory.mktemp("seed")) as (ws, origin, blog):
        data = ws.json("crawl")
        yield ws, origin.url, blog.url, data


@pytest.mark.slow
def test_both_sites_crawled(crawled):
    ws, origin, blog, data = crawled
    rows = {r["source"]: r for r in data["sources"]}
    assert rows["global-research"]["new_version"] >= 13 and rows["global-research"]["error"] == 0
    assert rows["tcttnews"]["new_version"] == 4 and rows["tcttnews"]["error"] == 0


@pytest.mark.slow
def test_blog_page_is_an_excerpt_of_the_original(crawled):
    ws, origin, blog, _ = crawled
    copies = ws.json("copies", origin + SEED_ORIGIN)
    assert copies["url"] == origin + SEED_ORIGIN
    (link,) = copies["copies"]
    assert (link["url"], link["source"], link["relation"]) == (blog + SEED_COPY, "tcttnews", "excerpt")
    assert (link["original_url"], link["original_reason"]) == (origin + SEED_ORIGIN, "source role")
    assert link["precision"] >= 0.95 and 0.1 < link["coverage"] < 0.35


@pytest.mark.slow
def test_comparison_keeps_three_paragraphs_and_adds_only_boilerplate(crawled):
    ws, origin, blog, _ = crawled
    report = ws.json("compare", blog + SEED_COPY, origin + SEED_ORIGIN)
    assert report["original"]["url"] == origin + SEED_ORIGIN and report["copy"]["url"] == blog + SEED_COPY
    assert report["relation"] == "excerpt"
    kept = [p for p in report["paragraphs"] if p["status"] in ("same", "cosmetic")]
    for start in SHARED:
        assert any(p["copy"].startswith(start) for p in kept), start
    # curly quotes in the copy against straight ones in the original: typography, not an edit
    casual = next(p for p in kept if p["copy"].startswith(SHARED[1]))
    assert casual["status"] == "cosmetic" and "\u201c" in casual["copy"] and '"' in casual["original"]
    statuses = [p["status"] for p in report["paragraphs"]]
    assert "added" not in statuses
    assert report["summary"]["omitted"] >= 10  # the lead and the other sections
    lead = next(p for p in report["paragraphs"] if (p["original"] or "").startswith("Several recent developments"))
    assert lead["status"] == "omitted"
    assert any(p["status"] == "boilerplate" and p["copy"] for p in report["paragraphs"])


@pytest.mark.slow
def test_declared_attribution_to_an_uncrawled_publisher(crawled):
    import sqlite3

    ws, origin, _, _ = crawled
    with sqlite3.connect(ws.db) as conn:
        (attribution,) = conn.execute(
            "select v.attribution from version v join page p on p.id = v.page_id where p.url = ?",
            (origin + SEED_ORIGIN,)).fetchone()
    assert '"OneWorld"' in attribution


@pytest.mark.slow
def test_seed_pages_extract_the_article_and_no_furniture(crawled):
    import re
    import sqlite3

    ws, origin, blog, _ = crawled
    with sqlite3.connect(ws.db) as conn:
        texts = dict(conn.execute("select p.url, v.text from version v join page p on p.id = v.page_id"))
    def ws_fold(text):  # extraction turns no-break spaces into plain ones
        return [" ".join(p.split()) for p in text]

    original = ws_fold(texts[origin + SEED_ORIGIN].split("\n"))
    copy = ws_fold(texts[blog + SEED_COPY].split("\n"))
    seeds = shared_path("seeds")  # every paragraph of both seed texts, from the lead to the conclusion
    lines = [l for l in (seeds / "001_243709d744910592.txt").read_text().split("\n") if l.strip()]
    body = ws_fold(re.sub(r"\[([^\]]*)\]\(#\)", r"\1", l) for l in lines[5:lines.index("*")])
    assert [p for p in body if p not in original] == []
    lines = [l for l in (seeds / "000_cf0fd60646d1cbbd.txt").read_text().split("\n") if l.strip()]
    excerpt = ws_fold(lines[1:lines.index("Published by TCTTNews") - 1])
    assert len(excerpt) == 5 and [p for p in excerpt if p not in copy] == []
    for start in SHARED:
        assert any(p.startswith(start) for p in original) and any(p.startswith(start) for p in copy)
    original_text, copy_text = "\n".join(original), "\n".join(copy)
    for furniture in ("Most popular", "Share this article", "Subscribe", "cookies", "PeterJ", "Leave a comment",
                      "Related articles", "Search"):
        assert furniture not in original_text, furniture
    for furniture in ("Recent Posts", "Archives", "Blog at WordPress.com", "Leave a Reply", "Like this", "Share this"):
        assert furniture not in copy_text, furniture
