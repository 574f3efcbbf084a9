"""The comparison report (``storage.reports.copies.compare_report``): a verdict in one line, no
original named for two pages that are no copies, the typography a cosmetic paragraph changed."""

from storage.reports.copies import compare_report
from tests.support.harbour import (  # noqa: F401 (a fixture)
    BLOG_FURNITURE,
    MIRROR,
    ORIGIN,
    archive,
    blog_history,
    put,
)
from tests.support.records import ARTICLE


def test_two_posts_sharing_only_the_blogs_furniture_are_not_copies_and_name_no_original(archive):
    blog_history(archive)  # the furniture is learned as boilerplate
    first, second = f"{MIRROR}/tides/", f"{MIRROR}/ferry/"
    put(archive, "harbour-watch", first, ["Spring tides flooded the quay twice this week, and the harbour master "
                                          "closed the slipway to cars until the sea wall is inspected."] + BLOG_FURNITURE)
    put(archive, "harbour-watch", second, ["The winter ferry timetable starts in November, with one crossing less "
                                           "on Sundays and a new early boat for commuters."] + BLOG_FURNITURE, minutes=1)
    for a, b in ((first, second), (second, first)):
        report = compare_report(*archive.compare(a, b))
        assert report["verdict"] == "not copies: the two pages share nothing beyond boilerplate"
        assert (report["is_copy"], report["original"], report["copy"], report["relation"],
                report["original_reason"], report["shared_words"]) == (False, None, None, None, None, 0)
        assert [p["url"] for p in report["pages"]] == [a, b]  # as asked, since neither is the original
        assert {p["status"] for p in report["paragraphs"]} == {"omitted", "added", "boilerplate"}


def test_a_shared_quotation_is_no_copy_and_says_how_little_is_shared(archive):
    quote = ("\u201cWe will not accept a plan that sacrifices the estuary for a few hours saved by shipping "
             "lines,\u201d said the spokeswoman of the coalition.")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [quote])
    put(archive, "other-news", "http://127.0.0.1:9003/b.html",
        ["A coalition of environmental groups announced a legal challenge on Thursday.", quote], minutes=5)
    report = compare_report(*archive.compare("http://127.0.0.1:9003/b.html", f"{ORIGIN}/a.html"))
    assert report["is_copy"] is False and report["original"] is None
    assert report["verdict"] == (f"not copies: the two pages share only {report['shared_words']} words beyond "
                                 f"boilerplate ({report['coverage']:.0%} of the first, {report['precision']:.0%} "
                                 f"of the second)")
    assert report["shared_words"] == 24  # the quotation's words, one short of a copy (LINK_MIN_TOKENS)
    assert [p["url"] for p in report["pages"]] == ["http://127.0.0.1:9003/b.html", f"{ORIGIN}/a.html"]


def test_a_copy_keeps_its_original_and_marks_the_typography_of_cosmetic_paragraphs(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    curly = [ARTICLE[2].replace("estuary's", "estuary\u2019s"), ARTICLE[3], ARTICLE[4]]
    put(archive, "harbour-watch", f"{MIRROR}/copy/", curly + BLOG_FURNITURE, minutes=5)
    report = compare_report(*archive.compare(f"{MIRROR}/copy/", f"{ORIGIN}/a.html"))
    assert report["verdict"] == (f"excerpt: the copy carries {report['coverage']:.0%} of the original; "
                                 "100% of the copy comes from it")
    assert (report["original"]["url"], report["copy"]["url"]) == (f"{ORIGIN}/a.html", f"{MIRROR}/copy/")
    assert report["pages"] == [report["original"], report["copy"]] and report["titles_differ"] is False
    (cosmetic,) = [p for p in report["paragraphs"] if p["status"] == "cosmetic"]
    assert [w for w in cosmetic["typography"] if w["op"] != "="] == [{"op": "-", "text": "'"},
                                                                       {"op": "+", "text": "\u2019"}]
