"""Bot walls, block pages, consent and subscription walls and a site's error template met
by real crawls of a local site: a ``blocked`` capture each, never a version."""

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.scripted import Answer, scripted  # noqa: F401 (a fixture)
from tests.support.sites import PARAGRAPHS, article_html

WALLS = Path(__file__).parents[1] / "data" / "walls"
SPEC = json.loads((WALLS / "walls.json").read_text())
A, B, C = "/articles/tram.html", "/articles/bridge.html", "/articles/park.html"
LONG = PARAGRAPHS * 2
SUBSCRIBE = """<!doctype html><html><head><title>Tram line extended</title></head><body>
<main><article><h1>Tram line extended</h1>
<p>This article is for subscribers only. Subscribe today to continue reading, or sign in if you are already a subscriber.</p>
</article></main></body></html>"""
MAINTENANCE = """<!doctype html><html><head><title>Test Gazette</title></head><body><main>
<h1>Service temporarily unavailable</h1>
<p>The Test Gazette is down for scheduled maintenance. Please try again in a few minutes.</p>
</main></body></html>"""


def sources(ws, site, **extra):
    lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in extra.items())
    ws.sources(f'[[source]]\nname = "test"\nrole = "origin"\nstart_urls = ["{site.url}/"]\n'
               f'allow = ["/articles/"]\n{lines}')


def versions(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select p.url, v.number, v.text from version v join page p on p.id = v.page_id"
                            " order by p.url, v.number").fetchall()


def captures(ws, outcome):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select p.url, c.status, c.error, c.body_sha256 from capture c join page p"
                            " on p.id = c.page_id where c.outcome = ? order by c.id", (outcome,)).fetchall()


def crawl(ws):
    """One crawl whatever its exit status (every page blocked exits 1); its summary row and stats."""
    data = json.loads(ws.run("crawl", "--format", "json", check=False).stdout)
    return {"summary": data["sources"][0], "stats": data["stats"]["test"]}


def article(title, paragraphs=LONG):
    return article_html(title, paragraphs)


def first_crawl(ws, scripted, *paths):
    scripted.index(*paths)
    for path in paths:
        scripted.answer(path, article(path))
    sources(ws, scripted)
    assert ws.crawl()["summary"]["new_version"] == len(paths)
    scripted.requests.clear()


@pytest.mark.slow
def test_a_cloudflare_challenge_is_a_blocked_capture_and_the_page_keeps_its_version(ws, scripted):
    first_crawl(ws, scripted, A)
    spec = SPEC["cloudflare-challenge.html"]
    scripted.answer(A, Answer((WALLS / "cloudflare-challenge.html").read_bytes(), spec["status"], spec["headers"]))
    result = ws.run("crawl", "--format", "json", check=False)
    row = json.loads(result.stdout)["sources"][0]
    assert (row["blocked"], row["new_version"], row["gone"], row["error"]) == (1, 0, 0, 0)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "Error: test: blocked by the site: 1 page"
    assert scripted.count(A) == 1  # a challenge is not retried
    assert captures(ws, "blocked") == [(scripted.url + A, 403, spec["says"], None)]
    assert [(url, n) for url, n, _ in versions(ws)] == [(scripted.url + A, 1)]
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select gone_at from page").fetchall() == [(None,)]
    text = ws.run("crawl", check=False)
    assert "test: blocked by the site (1 page)" in text.stdout
    assert "run 3 (test): blocked by the site (1 page)" in ws.cli("runs").stdout


@pytest.mark.slow
def test_a_subscription_wall_is_fetched_once_and_its_lifting_is_no_new_version(ws, scripted):
    first_crawl(ws, scripted, A, B)
    scripted.answer(A, SUBSCRIBE)
    scripted.answer(B, SUBSCRIBE.replace("Tram line extended", "Bridge reopens"))
    result = crawl(ws)
    assert (result["summary"]["blocked"], result["summary"]["new_version"]) == (2, 0)
    assert (scripted.count(A), scripted.count(B)) == (1, 1)  # no partial-fetch re-check of a wall
    assert "mirrorwatch/fetch/partial_refetched" not in result["stats"]
    [(url, status, error, body)] = captures(ws, "blocked")[:1]
    assert error.startswith("blocked by the site: a wall replaces the article (")
    assert "says already a subscriber, continue reading, sign in)" in error
    scripted.answer(A, article(A))  # the wall lifts: the same article as before
    scripted.answer(B, article(B))
    result = ws.crawl()
    assert result["summary"]["new_version"] == 0
    assert result["summary"]["unchanged"] + result["summary"]["not_modified"] == 2
    assert [(url, n) for url, n, _ in versions(ws)] == [(scripted.url + B, 1), (scripted.url + A, 1)]


@pytest.mark.slow
def test_a_site_answering_its_maintenance_text_everywhere_keeps_its_versions(ws, scripted):
    paths = [f"/articles/story-{i}.html" for i in range(5)]
    first_crawl(ws, scripted, *paths)
    new = "/articles/new.html"  # an article first seen during the outage
    scripted.index(*paths, new)
    for path in (*paths, new):
        scripted.answer(path, MAINTENANCE)
    result = crawl(ws)
    assert result["summary"]["new_version"] <= 1  # the new page, only when it came before two others
    assert result["summary"]["blocked"] >= 5
    assert [n for _, n, _ in versions(ws) if _ != scripted.url + new] == [1] * 5
    errors = {error.split(" (")[0] for _, _, error, _ in captures(ws, "blocked")}
    assert errors <= {"blocked by the site: a wall replaces the article",
                      "blocked by the site: its error template, the same text on 3 pages",
                      "blocked by the site: its error template, the same text on 4 pages",
                      "blocked by the site: its error template, the same text on 5 pages",
                      "blocked by the site: its error template, the same text on 6 pages"}


@pytest.mark.slow
def test_real_articles_that_mention_walls_are_stored(ws, site):
    from tests.crawler.crawl.test_walls import ARTICLES, MENTIONS, mention

    paths = []
    for i, (path, edit) in enumerate(zip(ARTICLES[:6], [None, None, *MENTIONS])):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        paths.append(f"/articles/{i}.html")
        site.write(paths[-1], html if edit is None else mention(html, edit))
    site.index(*paths)
    ws.source(site)
    result = ws.crawl()
    assert result["summary"]["blocked"] == 0
    assert result["summary"]["new_version"] == 6
