"""Boilerplate is learned per source, and short lines across sources."""

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


def test_boilerplate_is_learned_per_source(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE[:3] + BLOG_FURNITURE, minutes=1)
    before = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert before.summary.get("added") == 4 and "boilerplate" not in before.summary
    blog_history(archive)
    archive.refresh_links("harbour-watch")
    after = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert after.summary["boilerplate"] == 4 and "added" not in after.summary
    assert only_copy(archive, f"{ORIGIN}/a.html")["precision"] == 1.0
    # the furniture stays in the stored text
    assert archive.versions(f"{MIRROR}/copy/")[0].paragraphs[-4:] == BLOG_FURNITURE


SHARED_FURNITURE = ["Share this:", "Like this: Like Loading...", "Related"]


def _other_blogs(archive, names, lines):
    for n, name in enumerate(names):
        origin = f"http://127.0.0.1:{9011 + n}"
        archive.ensure_source(name, role="origin", origin=origin)
        put(archive, name, f"{origin}/note/", [f"Note {n} from {name}: the tide tables for the week, "
                                               f"the pier's opening hours and the new bins at the car park."] + lines)


def test_short_lines_that_many_sources_share_are_boilerplate_on_a_source_with_one_page(archive):
    # The copy's source has only the copy: nothing to learn from it. Two other blogs carry the
    # same share lines, and "Leave a Reply" only one other: three sources make a line furniture.
    _other_blogs(archive, ["gull-blog", "pier-diary"], SHARED_FURNITURE)
    _other_blogs(archive, ["quay-notes"], ["Leave a Reply"])
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE + SHARED_FURNITURE + ["Leave a Reply"], minutes=1)
    alignment = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert [(r.status, r.copy) for r in alignment.rows[-4:]] == [
        ("boilerplate", "Share this:"), ("boilerplate", "Like this: Like Loading..."), ("boilerplate", "Related"),
        ("added", "Leave a Reply")]
    row = only_copy(archive, f"{ORIGIN}/a.html")
    # the article is all there: the short line the copy adds makes it no other relation
    assert (row["relation"], row["coverage"]) == ("cosmetic", 1.0) and row["precision"] < 1.0


def test_an_article_that_many_sources_republish_is_no_furniture(archive):
    # Its paragraphs are on four sources, but they are sentences, not short lines: still a copy.
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    _other_blogs(archive, ["gull-blog", "pier-diary"], ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=1)
    alignment = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert "boilerplate" not in alignment.summary and alignment.relation == "identical"
    assert {r["url"] for r in archive.copies(f"{MIRROR}/copy/")} >= {f"{ORIGIN}/a.html"}
