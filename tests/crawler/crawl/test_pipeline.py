"""Real crawls of a local site through the CLI: write v1, crawl, edit, crawl again; what each fetch
stores (versions, not-modified, gone, errors)."""


import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


@pytest.mark.slow
def test_edit_between_crawls_gives_exactly_two_versions(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    first = ws.crawl()
    assert first["summary"]["new_version"] == 1
    edited = PARAGRAPHS[:2] + ["Opponents warned that the cost estimate of 410 million euros was optimistic."] + PARAGRAPHS[3:]
    site.article(A, "Tram line extended", edited)
    second = ws.crawl()
    assert (second["summary"]["new_version"], second["summary"]["unchanged"]) == (1, 0)
    history = ws.json("history", site.url + A)
    assert [v["number"] for v in history["versions"]] == [1, 2]
    change = history["versions"][1]["change"]
    assert (change["paragraphs_changed"], change["paragraphs_added"], change["paragraphs_removed"]) == (1, 0, 0)
    diff = ws.json("diff", site.url + A)
    changed = [p for p in diff["paragraphs"] if p["status"] == "changed"]
    assert [(p["old"], p["new"]) for p in changed] == [(PARAGRAPHS[2], edited[2])]


@pytest.mark.slow
def test_unchanged_recrawl_without_validators_skips_extraction(make_site, ws):
    site = make_site(validators=False)  # the server always answers 200 with the body
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    assert ws.crawl()["stats"]["mirrorwatch/extract/calls"] == 1
    again = ws.crawl()
    assert again["summary"]["unchanged"] == 1 and again["summary"]["new_version"] == 0
    assert "mirrorwatch/extract/calls" not in again["stats"]
    assert again["stats"]["mirrorwatch/extract/skipped_same_body"] == 1
    assert again["stats"]["mirrorwatch/fetch/known_body"] == 1  # its wall check skipped too: the body was accepted
    assert len(ws.json("history", site.url + A)["versions"]) == 1


@pytest.mark.slow
def test_recrawl_sends_validators_and_records_not_modified(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.server.requests.clear()
    again = ws.crawl()
    assert again["summary"]["not_modified"] == 1
    assert "mirrorwatch/extract/calls" not in again["stats"]
    (headers,) = [h for _, path, h in site.server.requests if path == A]
    assert headers["If-None-Match"].startswith('"') and "If-Modified-Since" in headers
    assert ws.captures()[-1][1:] == ("not-modified", 304)


@pytest.mark.slow
def test_revert_names_the_version_it_returns_to(site, ws):
    site.index(A)
    ws.source(site)
    site.article(A, "Tram", PARAGRAPHS)
    ws.crawl()
    site.article(A, "Tram", PARAGRAPHS[:3])
    ws.crawl()
    site.article(A, "Tram", PARAGRAPHS)
    ws.crawl()
    versions = ws.json("history", site.url + A)["versions"]
    assert [(v["number"], v["reverts_to"]) for v in versions] == [(1, None), (2, None), (3, 1)]


@pytest.mark.slow
def test_deleted_page_is_gone_without_a_version(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.remove(A)
    result = ws.crawl()
    assert result["summary"]["gone"] == 1
    assert ws.captures()[-1][1:] == ("gone", 404)
    assert len(ws.json("history", site.url + A)["versions"]) == 1


@pytest.mark.slow
def test_server_errors_are_error_captures(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.write("_status", f"{A} 503\n")
    result = ws.crawl()
    assert result["summary"]["error"] == 1
    assert ws.captures()[-1][1:] == ("error", 503)
    assert len(ws.json("history", site.url + A)["versions"]) == 1


@pytest.mark.slow
def test_an_extractor_that_cannot_load_fails_the_crawl_in_one_line_naming_the_cause(site, ws, tmp_path):
    # What a plain install without lxml_html_clean did: trafilatura failed to import in every
    # extraction worker, each page became an error capture, and the crawl said "finished", exit 0.
    broken = tmp_path / "broken"
    (broken / "trafilatura").mkdir(parents=True)
    (broken / "trafilatura" / "__init__.py").write_text(
        'raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\\n'
        'Install lxml[html-clean] or lxml_html_clean directly.")\n')
    site.index(A, "/articles/bridge.html")
    site.article(A, "Tram", PARAGRAPHS)
    site.article("/articles/bridge.html", "Bridge", PARAGRAPHS[::-1])
    ws.source(site)
    crawl = ws.run("crawl", check=False, env={"PYTHONPATH": str(broken)})
    cause = ("the extractor cannot be loaded: ImportError: lxml.html.clean module is now a separate project "
             "lxml_html_clean. Install lxml[html-clean] or lxml_html_clean directly.")
    assert crawl.returncode == 1
    assert crawl.stderr.strip().splitlines() == [f"Error: test: extraction failed for 2 of 2 pages: {cause}"]
    report = ws.json("report", "--since", "1h")
    (health,) = report["health"]
    assert f"the last crawl's extraction failed for 2 of 2 pages: {cause}" in health["warnings"]
    assert [outcome for _, outcome, _ in ws.captures()] == ["error", "error"]  # no version made of nothing
