"""Sources with ``render = "browser"``: articles built by JavaScript, crawled in headless Chromium
(real crawls of a local site), and app shells fetched over HTTP recorded as such."""

import sqlite3

import pytest

from crawler.crawl.browser import RAW_SHA256, RENDERED
from crawler.extract.shell import SHELL_REASON
from tests.support.sites import PARAGRAPHS
from tests.support.spa import json_hits, need_chromium, spa_article

pytestmark = pytest.mark.slow
TRAM = "Tram line to be extended"


def versions(ws, url_part: str) -> list[tuple[int, str, str]]:
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select v.number, v.title, v.text from version v join page p on p.id = v.page_id"
                            " where p.url like ? order by v.number", (f"%{url_part}%",)).fetchall()


def capture_headers(ws) -> list[dict]:
    import json

    with sqlite3.connect(ws.db) as conn:
        return [dict(json.loads(h or "[]")) for (h,) in conn.execute("select headers from capture order by id")]


@pytest.fixture
def spa(make_site, ws):
    need_chromium()
    site = make_site("spa")
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    return site


@pytest.mark.browser
def test_rendered_articles_become_versions_and_a_json_edit_a_new_one(spa, ws):
    ws.source(spa, render="browser", wait_for="article h1", render_timeout=10)
    first = ws.crawl()
    assert first["summary"]["new_version"] == 1, first
    assert versions(ws, "tram") == [(1, TRAM, "\n".join([TRAM, *PARAGRAPHS]))]
    headers = capture_headers(ws)[-1]
    assert headers[RENDERED] == "chromium" and len(headers[RAW_SHA256]) == 64
    assert json_hits(spa, "tram") == 1

    # Nothing changed: the plain GET answers 304, no rendering, no version, the JSON not asked for.
    again = ws.crawl()
    assert (again["summary"]["not_modified"], again["summary"]["new_version"]) == (1, 0)
    assert json_hits(spa, "tram") == 1
    assert again["stats"].get("mirrorwatch/render/requests") is None

    # The article edited: its data and the revision its HTML carries.
    edited = PARAGRAPHS[:3] + ["The first trams will now run in the autumn of 2029, the authority said."]
    spa_article(spa, "tram", TRAM, edited, rev=2)
    third = ws.crawl()
    assert third["summary"]["new_version"] == 1, third
    assert versions(ws, "tram")[-1] == (2, TRAM, "\n".join([TRAM, *edited]))
    assert json_hits(spa, "tram") == 2


@pytest.mark.browser
def test_same_raw_html_without_validators_is_not_rendered_again(make_site, ws):
    need_chromium()
    site = make_site("spa", validators=False)
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    ws.source(site, render="browser")  # waits for the network to go idle
    assert ws.crawl()["summary"]["new_version"] == 1
    again = ws.crawl()
    assert (again["summary"]["not_modified"], again["summary"]["new_version"]) == (1, 0)
    assert again["stats"]["mirrorwatch/render/raw_unchanged"] == 1
    assert json_hits(site, "tram") == 1
    assert [c[1:] for c in ws.captures()] == [("new-version", 200), ("not-modified", 200)]


@pytest.mark.browser
def test_a_page_that_never_settles_is_an_error_and_the_crawl_goes_on(spa, ws):
    spa.write("articles/stuck.html", spa.root.joinpath("articles/tram.html").read_text())  # no /api/stuck.json
    spa.index("/articles/stuck.html", "/articles/tram.html")
    ws.source(spa, render="browser", wait_for="article h1", render_timeout=2)
    result = ws.crawl()
    assert (result["summary"]["new_version"], result["summary"]["error"]) == (1, 1), result
    with sqlite3.connect(ws.db) as conn:
        errors = conn.execute("select p.url, c.error from capture c join page p on p.id = c.page_id"
                              " where c.outcome = 'error'").fetchall()
    assert errors == [(spa.url + "/articles/stuck.html",
                       "render timed out after 2 s (waiting for 'article h1')")]
    assert versions(ws, "tram")[0][1] == TRAM


def test_an_app_shell_over_http_is_recorded_as_such_with_the_suggestion(make_site, ws):
    site = make_site("spa")
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    ws.source(site, name="shells")
    result = ws.crawl()
    assert (result["summary"]["new_version"], result["summary"]["error"]) == (0, 1)
    assert result["summary"]["app_shells"] == 1
    assert result["summary"]["suggestion"] == ('1 page fetched over HTTP is an application shell (the text is built '
                                               'by JavaScript): try render = "browser" for this source')
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select error from capture").fetchall() == [(SHELL_REASON,)]
        assert conn.execute("select count(*) from version").fetchone() == (0,)
    text = ws.run("crawl").stdout
    assert 'shells: 1 page fetched over HTTP is an application shell' in " ".join(text.split())


@pytest.mark.browser
def test_browser_settings_launch_debian_chromium_and_may_abort_offsite_requests(tmp_path):
    from types import SimpleNamespace

    from crawler.crawl.browser import HANDLER, browser_settings
    from crawler.sources import load_sources

    need_chromium()
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:8001/"]\n'
                    'render = "browser"\nrender_offsite = false\nrender_concurrency = 3\n'
                    '[[source]]\nname = "b"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:8002/"]\n')
    sources = load_sources(path)
    settings = browser_settings(sources["a"])
    assert settings["DOWNLOAD_HANDLERS"] == {"http": HANDLER, "https": HANDLER}
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"].endswith(("chromium", "chromium-browser"))
    assert settings["PLAYWRIGHT_MAX_PAGES_PER_CONTEXT"] == 3
    abort = settings["PLAYWRIGHT_ABORT_REQUEST"]
    assert abort(SimpleNamespace(url="https://cdn.example/app.js")) is True
    assert abort(SimpleNamespace(url="http://127.0.0.1:8001/app.js")) is False
    assert browser_settings(sources["b"]) == {}
