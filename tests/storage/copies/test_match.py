"""Copy detection in the archive: relations, paragraph statuses, quotations, links across new versions."""

import pytest

from storage.reports.copies import compare_report
from tests.support.harbour import (  # noqa: F401 (a fixture)
    BLOG_FURNITURE,
    MIRROR,
    ORIGIN,
    archive,
    blog_history,
    only_copy,
    put,
)
from tests.support.records import ARTICLE


@pytest.mark.parametrize(
    ("copy_text", "relation"),
    [
        (ARTICLE + BLOG_FURNITURE, "identical"),
        ([p.replace("'", "\u2019") .replace("  ", " ") for p in ARTICLE] + BLOG_FURNITURE, "cosmetic"),
        ([ARTICLE[0] + " " + ARTICLE[1]] + ARTICLE[2:] + BLOG_FURNITURE, "cosmetic"),
        (ARTICLE[2:4] + BLOG_FURNITURE, "excerpt"),
        (ARTICLE[:2] + [ARTICLE[2][:70]] + BLOG_FURNITURE, "excerpt"),
        ([ARTICLE[0].replace("two metres", "three metres")] + ARTICLE[1:] + BLOG_FURNITURE, "edited"),
        (ARTICLE + ["Our comment: the city council should publish the full environmental assessment before any contract is signed, and hold a public hearing in the harbour district so that residents can put their questions to the engineers.",
                    "We will follow the story and report on every council meeting where the dredging plan is discussed, starting with next month's budget session."]
         + BLOG_FURNITURE, "extended"),
    ],
)
def test_relations(archive, copy_text, relation):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", copy_text, minutes=5)
    row = only_copy(archive, f"{ORIGIN}/a.html")
    assert (row["url"], row["relation"], row["original_url"]) == (f"{MIRROR}/copy/", relation, f"{ORIGIN}/a.html")
    assert row == only_copy(archive, f"{MIRROR}/copy/") | {"url": f"{MIRROR}/copy/", "source": "harbour-watch"}


def test_seed_style_excerpt_reports_paragraph_statuses(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    curly = [ARTICLE[2].replace("estuary's", "estuary\u2019s"), ARTICLE[3], ARTICLE[4]]
    put(archive, "harbour-watch", f"{MIRROR}/copy/", curly + BLOG_FURNITURE, minutes=5)
    original, copy, reason, alignment = archive.compare(f"{MIRROR}/copy/", f"{ORIGIN}/a.html")
    assert (original.page.url, reason, alignment.relation) == (f"{ORIGIN}/a.html", "source role", "excerpt")
    statuses = [r.status for r in alignment.rows]
    assert statuses == ["omitted", "omitted", "cosmetic", "same", "same", "omitted"] + ["boilerplate"] * 4
    report = compare_report(original, copy, reason, alignment)
    assert report["summary"] == {"boilerplate": 4, "cosmetic": 1, "omitted": 3, "same": 2}
    assert report["precision"] == 1.0 and 0.4 < report["coverage"] < 0.6


def test_shared_quotation_is_not_a_copy(archive):
    quote = "\u201cWe will not accept a plan that sacrifices the estuary for a few hours saved by shipping lines,\u201d said the spokeswoman of the coalition."
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [quote])
    other = [
        "A coalition of twelve environmental groups announced a legal challenge against three infrastructure projects along the coast on Thursday.",
        quote,
        "The coalition's lawyers said the hearings could begin in the autumn, and that they would ask the court to suspend all work until a ruling is made.",
    ]
    put(archive, "other-news", "http://127.0.0.1:9003/b.html", other, minutes=5)
    assert archive.copies(f"{ORIGIN}/a.html") == []


def test_links_follow_new_versions(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE + BLOG_FURNITURE, minutes=1)
    assert only_copy(archive, f"{ORIGIN}/a.html")["relation"] == "identical"
    # the original grows: the copy is now an excerpt of it
    longer = ARTICLE + ["An appeal is expected. " + ARTICLE[0], "The minister will decide by June. " + ARTICLE[1],
                        "Both sides have asked for a mediator. " + ARTICLE[3][::-1]]
    put(archive, "port-news", f"{ORIGIN}/a.html", longer, minutes=2)
    assert only_copy(archive, f"{ORIGIN}/a.html")["relation"] == "excerpt"
    # the copy is replaced by something else entirely: the link goes
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ["Nothing to do with the port at all, just a recipe for plum cake with cinnamon and a crumble top."] + BLOG_FURNITURE, minutes=3)
    assert archive.copies(f"{ORIGIN}/a.html") == []


def test_links_beyond_the_candidate_limit_survive_a_new_version(archive, monkeypatch):
    from storage.copies import (
        match as copies,  # MAX_DF and MAX_CANDIDATES live in storage.copies.match
    )

    archive.ensure_source("relay-2", role="mirror", origin="http://127.0.0.1:9004")
    archive.ensure_source("relay-3", role="mirror", origin="http://127.0.0.1:9005")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    for n, source in enumerate(("harbour-watch", "relay-2", "relay-3")):
        put(archive, source, f"http://127.0.0.1:{9002 + n if n == 0 else 9003 + n}/copy/", ARTICLE, minutes=n + 1)
    assert len(archive.copies(f"{ORIGIN}/a.html")) == 3
    monkeypatch.setattr(copies, "MAX_CANDIDATES", 1)
    # (an update of the article's own, not a short line: the copies now leave out a part of it)
    update = ("Update at noon: the council will vote on the dredging contract next Thursday, after a public "
              "hearing in the harbour district where residents, fishermen and shipping lines can put their "
              "questions to the engineers and to the port's director.")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [update], minutes=10)
    assert sorted(r["relation"] for r in archive.copies(f"{ORIGIN}/a.html")) == ["excerpt"] * 3
