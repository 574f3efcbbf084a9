"""Boilerplate is learned per source."""

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
