"""Stories and stock phrases on more pages than MAX_DF: frequent hashes of the copy index."""

from tests.support.harbour import MIRROR, ORIGIN, archive, put  # noqa: F401 (a fixture)
from tests.support.records import ARTICLE


def test_a_story_on_more_pages_than_max_df_still_finds_its_original(archive, monkeypatch):
    # Once a story is on more than MAX_DF pages every hash of it is "frequent": its next copy
    # must still be linked, through the pages that are already the original of a link.
    from storage.copies import (
        match as copies,  # MAX_DF and MAX_CANDIDATES live in storage.copies.match
    )

    monkeypatch.setattr(copies, "MAX_DF", 2)
    for n in range(3):
        archive.ensure_source(f"relay-{n}", role="mirror", origin=f"http://127.0.0.1:{9010 + n}")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=1)
    for n in range(3):  # on 3, 4 and 5 pages: beyond MAX_DF
        put(archive, f"relay-{n}", f"http://127.0.0.1:{9010 + n}/story/", ARTICLE[: 5 - n], minutes=2 + n)
    rows = archive.copies(f"{ORIGIN}/a.html")
    assert sorted((r["url"], r["relation"], r["original_url"]) for r in rows) == [
        (f"{MIRROR}/copy/", "identical", f"{ORIGIN}/a.html"),
        *((f"http://127.0.0.1:{9010 + n}/story/", "excerpt", f"{ORIGIN}/a.html") for n in range(3)),
    ]


def test_stock_phrases_on_more_pages_than_max_df_find_nothing(archive, monkeypatch):
    # A text that shares only a frequent phrase with linked originals is no syndicated story:
    # not even a candidate, unless the share of frequent hashes that makes one is lowered.
    from storage.copies import (
        match as copies,  # MAX_DF and MAX_CANDIDATES live in storage.copies.match
    )

    monkeypatch.setattr(copies, "MAX_DF", 2)
    # (a sentence, not a short line: one of those on three sources is boilerplate, see test_boilerplate)
    stock = ("Subscribe to our newsletter to receive the latest harbour news, the ferry timetables and the "
             "tide tables every morning in your inbox, free of charge.")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [stock])
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE + [stock], minutes=1)
    other = ["The ferry timetable changes on Sunday, with two extra crossings in the evening and an earlier first boat.",
             "Ticket prices stay the same, the operator said, although season passes will cost slightly more from May.",
             stock]
    put(archive, "other-news", "http://127.0.0.1:9003/ferry.html", other, minutes=2)
    ferry = archive.page("http://127.0.0.1:9003/ferry.html")
    with archive.session() as s:
        assert copies.candidates(s, ferry.id, ferry.source_id) == []
        monkeypatch.setattr(copies, "SYNDICATED_SHARE", 0.2)  # a quarter of its hashes are the phrase's
        assert copies.candidates(s, ferry.id, ferry.source_id) == [archive.page(f"{ORIGIN}/a.html").id]
    assert archive.copies("http://127.0.0.1:9003/ferry.html") == []
