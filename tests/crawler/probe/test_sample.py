"""`sources test` samples a few articles over HTTP and suggests render = "browser" when they are
application shells (crawler.probe.sample, deciding with crawler.extract.shell as the crawl does)."""

from tests.support.sites import PARAGRAPHS
from tests.support.spa import spa_article

SHELLS = ["/articles/tram.html", "/articles/bridge.html"]
PLAIN = "/articles/budget.html"


def spa_site(site):
    spa_article(site, "tram", "Tram line to be extended", PARAGRAPHS)
    spa_article(site, "bridge", "Bridge to close for repairs", PARAGRAPHS)
    site.article(PLAIN, "Council budget approved", PARAGRAPHS)
    site.article("/articles/late.html", "Late article", PARAGRAPHS)
    site.index(*SHELLS, PLAIN, "/articles/late.html")
    return site


def test_sources_test_suggests_rendering_when_sampled_articles_are_app_shells(site, ws):
    spa_site(site)
    ws.source(site, name="spa", allow=["/articles/"])
    out = ws.cli("sources", "test", "spa").stdout
    u = site.url
    assert out.startswith("Source 'spa' (origin): its listings and 3 sampled articles read now.\n")
    assert out.endswith(f"""Sampled articles: 3 pages fetched over HTTP, 2 of them application shells (the text is built by JavaScript):
  {u}/articles/tram.html
  {u}/articles/bridge.html
Try render = "browser" for this source (its articles are built in the browser).
""")
    data = ws.json("sources", "test", "spa")
    assert data["sampled"] == [{"url": u + path, "status": 200, "problem": None, "shell": path in SHELLS}
                               for path in (*SHELLS, PLAIN)]
    assert data["suggestion"] == ('2 of 3 sampled articles fetched over HTTP are application shells (the text is '
                                  'built by JavaScript): try render = "browser" for this source')
    assert "/articles/late.html" not in site.server.paths_requested()  # three samples, no more


def test_a_source_that_renders_already_is_not_sampled(site, ws):
    spa_site(site)
    ws.source(site, name="spa", allow=["/articles/"], render="browser")
    out = ws.cli("sources", "test", "spa").stdout
    assert out.startswith("Source 'spa' (origin): its listings read now; no article fetched.\n")
    assert "Sampled" not in out and "Try render" not in out
    data = ws.json("sources", "test", "spa")
    assert (data["render"], data["sampled"], data["suggestion"]) == ("browser", [], None)
    assert not [p for p in site.server.paths_requested() if p.startswith("/articles/")]


def test_a_sample_without_an_answer_is_said_and_is_no_shell(site, ws):
    site.article("/articles/a.html", "A", PARAGRAPHS)
    site.write("_status", "/articles/b.html 500\n")
    site.index("/articles/a.html", "/articles/b.html")
    ws.source(site, name="plain", allow=["/articles/"])
    data = ws.json("sources", "test", "plain")
    assert [(s["status"], s["problem"], s["shell"]) for s in data["sampled"]] == [(200, None, False),
                                                                                  (500, "HTTP 500", False)]
    assert data["suggestion"] is None
    assert ws.cli("sources", "test", "plain").stdout.endswith(
        "Sampled articles: 2 pages fetched over HTTP, none an application shell (1 without an answer)\n")
