"""`mirrorwatch sources`, `crawl` and `runs` as a user runs them: JSON shapes, exit codes, one-line errors."""

import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


@pytest.mark.slow
def test_bad_sources_file_is_one_line_and_crawls_nothing(ws):
    ws.sources('[[source]]\nname = "x"\nrole = "copy"\nstart_urls = ["http://127.0.0.1:1/"]\n')
    result = ws.run("crawl", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: sources.toml: source 'x': field 'role': must be 'origin' or 'mirror', not 'copy'"
    assert not ws.db.exists()
    result = ws.cli("sources", "--check", check=False)
    assert result.returncode == 1 and "field 'role'" in result.stderr


def test_sources_listing(site, ws):
    ws.source(site, name="gazette", schedule="1h")
    assert ws.cli("sources", "--check").stdout.strip() == "sources.toml: 1 source, all valid"
    data = ws.json("sources")
    (row,) = data["sources"]
    assert (row["name"], row["role"], row["origin"], row["schedule"]) == ("gazette", "origin", site.url, "1h")


@pytest.mark.slow
def test_runs_lists_each_crawl_with_its_outcomes(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    ws.crawl()
    ws.crawl()
    runs = ws.json("runs")["runs"]
    assert [r["id"] for r in runs] == [2, 1]
    latest, first = runs
    assert (first["source"], first["status"], first["finish_reason"]) == ("gazette", "finished", "finished")
    assert (first["fetched"], first["new_version"], first["extractions"]) == (1, 1, 1)
    assert (latest["fetched"], latest["not_modified"], latest["new_version"], latest["extractions"]) == (1, 1, 0, 0)
    unknown = ws.cli("runs", "--source", "nothing", check=False)  # an error, as in report (not "no runs")
    assert (unknown.returncode, unknown.stdout, unknown.stderr) == (1, "", "Error: unknown source 'nothing'\n")
    assert "gazette" in ws.cli("runs").stdout
