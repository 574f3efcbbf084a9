"""The dashboard's diff view: the changes in context (``context`` query parameter), the changed
words marked, the title change, where a cut text ends; its compare view of two pages that are
no copies; scraped text escaped."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import escape

from storage.types import Fetch
from tests.crawler.web.test_app import HARBOUR, NEWS, T0, TRAM, archive, client, ex  # noqa: F401 (fixtures)
from tests.support.sites import PARAGRAPHS

PLANT = "<script>document.title='pwned'</script>"


def test_the_diff_view_collapses_unchanged_paragraphs_by_its_context_parameter(client, archive):
    # version 3 of the tram page: the third paragraph's figure edited, everything else as in version 2
    v3 = PARAGRAPHS[:2] + [PARAGRAPHS[2].replace("310", "410")] + ["Trams will run every six minutes."]
    archive.record(Fetch("news", TRAM, T0 + timedelta(hours=3), 200, b"v3"), ex("Tram line extended north", v3))
    html = client.get("/diff", params={"url": TRAM, "from": 2, "to": 3}).text
    assert '<div class="para unchanged">… 1 unchanged paragraph …</div>' in html  # the first, with context 1
    assert "<del>310</del>" in html and "<ins>410</ins>" in html
    assert escape(PARAGRAPHS[1]) in html and escape(PARAGRAPHS[0]) not in html
    assert 'name="context" min="0" value="1"' in html
    wide = client.get("/diff", params={"url": TRAM, "from": 2, "to": 3, "context": 3}).text
    assert "unchanged paragraph" not in wide and escape(PARAGRAPHS[0]) in wide
    none = client.get("/diff", params={"url": TRAM, "from": 2, "to": 3, "context": 0}).text
    assert '<div class="para unchanged">… 2 unchanged paragraphs …</div>' in none
    assert client.get("/api/diff", params={"url": TRAM, "from": 2, "to": 3, "context": 0}).json()["paragraphs"][0] == {
        "status": "same", "old": PARAGRAPHS[0], "new": PARAGRAPHS[0]}  # the JSON keeps every paragraph
    bad = client.get("/api/diff", params={"url": TRAM, "context": -1})
    assert bad.status_code == 400 and bad.json() == {"error": "context must be 0 or more, not -1"}


def test_the_diff_view_shows_the_title_change_and_where_a_cut_text_ends_escaped(client, archive):
    whole = [PARAGRAPHS[0] + " " + PLANT, *PARAGRAPHS[1:]]
    archive.record(Fetch("news", f"{NEWS}/cut.html", T0, 200, b"c1"), ex("Cut", whole))
    archive.record(Fetch("news", f"{NEWS}/cut.html", T0 + timedelta(hours=1), 200, b"c2"), ex("Cut " + PLANT, whole[:2]))
    html = client.get("/diff", params={"url": f"{NEWS}/cut.html"}).text
    assert "<script>" not in html
    assert '<p class="title-change">title: Cut → Cut &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;</p>' in html
    assert ('<p class="ends">text now ends after paragraph 2 of 4: '
            '\u201c…thousand residents who now rely on crowded buses.\u201d</p>') in html


def test_the_compare_view_of_two_pages_that_are_no_copies_names_no_original(client):
    html = client.get("/compare", params={"a": HARBOUR, "b": TRAM}).text
    assert "<h1>Not copies</h1>" in html
    assert '<p class="verdict">not copies: the two pages share nothing beyond boilerplate</p>' in html
    assert f'pages: <a href="/page?url={HARBOUR.replace(":", "%3A").replace("/", "%2F")}">first</a>' in html
    data = client.get("/api/compare", params={"a": HARBOUR, "b": TRAM}).json()
    assert (data["is_copy"], data["original"], data["copy"]) == (False, None, None)
