"""The original of a copy: the choice between two origins, attribution to an uncrawled publisher."""

import pytest

from tests.support.harbour import ORIGIN, archive, only_copy, put  # noqa: F401 (a fixture)
from tests.support.records import ARTICLE


@pytest.mark.parametrize("reason", ["declared attribution (link)", "declared attribution (name)", "canonical",
                                    "earlier published date", "earlier first capture"])
def test_original_choice_between_two_origins(archive, reason):
    # Both sources are origins, so the role cannot decide; the copy is recorded FIRST
    # unless the rule under test is the first capture.
    a_url, b_url = f"{ORIGIN}/a.html", "http://127.0.0.1:9003/b.html"
    copy_kw, original_kw = {}, {}
    if reason == "declared attribution (link)":
        copy_kw["links"] = [a_url]
    elif reason == "declared attribution (name)":
        copy_kw["extra"] = ["This article was originally published on Port News."]
        original_kw["site"] = "Port News"
    elif reason == "canonical":
        copy_kw["canonical"] = a_url
    elif reason == "earlier published date":
        original_kw["published"], copy_kw["published"] = "2026-02-01", "2026-02-03"
    extra = copy_kw.pop("extra", [])
    if reason == "earlier first capture":
        put(archive, "port-news", a_url, ARTICLE, **original_kw)
        put(archive, "other-news", b_url, ARTICLE + extra, minutes=5, **copy_kw)
    else:
        put(archive, "other-news", b_url, ARTICLE + extra, **copy_kw)
        put(archive, "port-news", a_url, ARTICLE, minutes=5, **original_kw)
    row = only_copy(archive, b_url)
    assert row["original_url"] == a_url
    assert row["original_reason"] == reason.split(" (")[0]


def test_attribution_is_stored_even_for_an_uncrawled_publisher(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + ["This article was originally published on OneWorld."])
    (version,) = archive.versions(f"{ORIGIN}/a.html")
    assert version.attribution == {"names": ["OneWorld"], "links": []}
