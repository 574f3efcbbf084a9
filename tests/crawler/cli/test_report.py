"""``mirrorwatch report`` on archives built by real crawls of local sites, with edits between them."""

import json
import time
from datetime import UTC, datetime

import pytest

from tests.support.sites import PARAGRAPHS
from tests.support.workspace import source_table

A, B, C, D = (f"/articles/{n}.html" for n in ("tram", "budget", "bridge", "parks"))
BUDGET = [
    "The city's budget for next year was presented to the council on Monday by the finance director.",
    "It foresees a modest rise in spending on schools and a freeze on most other departments.",
    "The mayor said the city had been forced to borrow to cover the shortfall left by the pandemic.",
    "A final vote on the budget is scheduled for the last week of December.",
]


def write_v1(site):
    site.article(A, "Tram line extended", PARAGRAPHS)
    site.article(B, "Budget presented", BUDGET)
    site.article(D, "Parks to close early", [p.replace("tram", "park") for p in PARAGRAPHS])
    site.index(A, B, D)


@pytest.mark.slow
def test_report_after_an_edit_names_each_change_with_class_significance_and_diff(site, ws):
    write_v1(site)
    ws.source(site)
    ws.crawl()
    time.sleep(1.1)
    between = datetime.now(UTC).isoformat(timespec="seconds")
    time.sleep(1.1)
    site.article(A, "Tram line extended", PARAGRAPHS[:2] + [PARAGRAPHS[2].replace("310", "410")] + PARAGRAPHS[3:])
    site.article(B, "Budget presented", BUDGET[:2] + BUDGET[3:])  # the borrowing paragraph retracted
    site.article(C, "Bridge repairs delayed", [p.replace("tram", "bridge") for p in BUDGET])
    site.remove(D)
    site.index(A, B, C, D)
    ws.crawl()

    data = ws.json("report", "--since", between)
    assert set(data) >= {"since", "until", "new", "changed", "gone", "new_copies", "diverged_copies", "health"}
    assert data["since"].startswith(between[:19])
    assert [(n["url"], n["source"], n["title"]) for n in data["new"]] == [(site.url + C, "test", "Bridge repairs delayed")]
    assert [(g["url"], g["source"]) for g in data["gone"]] == [(site.url + D, "test")]
    changed = [(c["url"], c["source"], c["class"], c["version"]) for c in data["changed"]]
    assert changed == [(site.url + B, "test", "paragraphs-removed", 2), (site.url + A, "test", "numbers-or-dates", 2)]
    budget, tram = data["changed"]
    assert budget["significance"] >= 0.6 and tram["significance"] == 0.4
    assert budget["diff"] == ["- " + BUDGET[2]]
    assert tram["diff"] == ["~ … the cost estimate of [-310-] {+410+} million euros was optimistic …"]
    (health,) = data["health"]
    assert (health["source"], health["url"], health["status"], health["warnings"]) == ("test", site.url, "ok", [])
    assert (health["last_run"]["new_version"], health["last_run"]["gone"]) == (3, 1)

    significant = ws.json("report", "--since", between, "--min-significance", "0.5")
    assert [c["url"] for c in significant["changed"]] == [site.url + B]
    everything = ws.json("report", "--since", "1h", "--source", "test")["new"]
    assert sorted(n["url"] for n in everything) == sorted(site.url + p for p in (A, B, C, D))
    assert everything[-1]["url"] == site.url + C  # in the order they were first stored

    text = ws.cli("report", "--since", between).stdout
    assert "paragraphs-removed 0." in text and "numbers-or-dates 0.40" in text
    assert "[-310-] {+410+}" in text and "Bridge repairs delayed" in text
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.slow
def test_report_bad_since_and_unknown_source_are_one_line_errors(site, ws):
    write_v1(site)
    ws.source(site)
    ws.crawl()
    for args, message in [
        (("--since", "yesterday"), "Error: not a time: 'yesterday' (a duration back from now such as 24h or 7d, "
                                   "or an ISO date or time such as 2026-01-31)"),
        (("--source", "nope"), "Error: unknown source 'nope'"),
    ]:
        result = ws.cli("report", *args, check=False)
        assert (result.returncode, result.stderr.strip()) == (1, message)


@pytest.mark.slow
def test_report_html_escapes_planted_script(site, ws):
    site.article(A, "Tram <script>alert('title')</script>", PARAGRAPHS)
    site.index(A)
    ws.source(site)
    ws.crawl()
    site.article(A, "Tram <script>alert('title')</script>",
                 PARAGRAPHS + ["Update: <script>document.location='http://evil.invalid/'</script> was added."])
    ws.crawl()
    out = ws.dir / "report.html"
    ws.cli("report", "--since", "1h", "--format", "html", "-o", str(out))
    page = out.read_text()
    assert "<script" not in page
    assert "&lt;script&gt;document.location=" in page
    assert "Tram &lt;script&gt;alert(" in page
    data = ws.json("report", "--since", "1h")
    assert data["changed"][0]["class"] == "correction-appended"
    assert "<script>document.location='http://evil.invalid/'</script>" in data["changed"][0]["diff"][0]


@pytest.mark.slow
def test_report_lists_new_and_diverged_copies(make_site, ws):
    origin, mirror = make_site("origin"), make_site("mirror")
    origin.article(A, "Tram line extended", PARAGRAPHS)
    origin.index(A)
    mirror.article("/articles/copied-tram.html", "Tram line extended", PARAGRAPHS)
    mirror.index("/articles/copied-tram.html")
    ws.sources(source_table(origin, name="news") + source_table(mirror, name="blog", role="mirror"))
    ws.run("crawl")
    time.sleep(1.1)
    between = datetime.now(UTC).isoformat(timespec="seconds")
    time.sleep(1.1)
    origin.article(A, "Tram line extended", PARAGRAPHS[:3] + ["The first trams are expected in 2030."])
    ws.run("crawl")
    first = ws.json("report", "--since", "1h")
    (link,) = first["new_copies"]
    assert (link["url"], link["source"], link["original_url"], link["original_source"]) == (
        mirror.url + "/articles/copied-tram.html", "blog", origin.url + A, "news")
    assert first["diverged_copies"] == []  # found in the period: new, not changed
    later = ws.json("report", "--since", between)
    assert later["new_copies"] == []
    (diverged,) = later["diverged_copies"]
    assert (diverged["url"], diverged["changed"], diverged["diverged"]) == (
        mirror.url + "/articles/copied-tram.html", "original", True)
    assert json.dumps(later)  # plain JSON all the way down
