"""The diff report of two versions (``storage.reports.diff``): word marks shared with the monitoring
report, the title change, where a cut text ends, and the paragraphs kept in context."""

from storage.models import Version
from storage.reports.diff import collapsed, version_diff
from storage.reports.snippets import short_diff
from tests.support.records import ARTICLE

URL = "http://127.0.0.1:9/harbour.html"


def version(number: int, title: str, paragraphs: list[str]) -> Version:
    return Version(number=number, title=title, text="\n".join(paragraphs))


def test_a_changed_paragraph_carries_the_reports_word_marks_in_full():
    edited = ARTICLE[:1] + [ARTICLE[1].replace("four million", "five million")] + ARTICLE[2:]
    data = version_diff(URL, version(1, "Harbour", ARTICLE), version(2, "Harbour", edited))
    (changed,) = [p for p in data["paragraphs"] if p["status"] == "changed"]
    assert changed["words"] == [
        {"op": "=", "text": "The dredging will remove roughly"}, {"op": "-", "text": "four"},
        {"op": "+", "text": "five"},
        {"op": "=", "text": " ".join(ARTICLE[1].split()[6:])}]
    assert all("words" not in p for p in data["paragraphs"] if p["status"] != "changed")
    # the monitoring report marks the same words, cut to a few words of context
    assert short_diff(ARTICLE, edited) == ["~ … dredging will remove roughly [-four-] {+five+} million cubic metres of …"]
    assert (data["title"], data["ends"]) == ({"old": "Harbour", "new": "Harbour", "change": None}, None)


def test_a_title_change_and_a_cut_text_are_said_in_one_wording_everywhere():
    old, new = version(3, "Harbour channel", ARTICLE), version(4, "Harbour channel \u2013 deepened", ARTICLE[:2])
    data = version_diff(URL, old, new)
    assert (data["from"], data["to"]) == (3, 4)
    assert data["title"]["change"] == "title: Harbour channel → Harbour channel \u2013 deepened"
    ending = "text now ends after paragraph 2 of 6: \u201c…port and fish spawning grounds are less disturbed.\u201d"
    assert data["ends"] == {"paragraph": 2, "of": 6, "inside": False,
                            "last_words": "…port and fish spawning grounds are less disturbed.", "text": ending}
    assert short_diff(ARTICLE, ARTICLE[:2], old_title=old.title, new_title=new.title)[:3] == [
        data["title"]["change"], ending, "- " + ARTICLE[2]]
    # typography alone is no title change
    assert version_diff(URL, version(1, "Harbour's channel", ARTICLE),
                        version(2, "Harbour\u2019s channel", ARTICLE))["title"]["change"] is None


def test_unchanged_paragraphs_collapse_to_one_marker_outside_the_context():
    paragraphs = [f"Paragraph {n} of the harbour story, told at some length." for n in range(1, 13)]
    edited = paragraphs[:6] + ["Paragraph 7 of the harbour story, told at great length."] + paragraphs[7:]
    data = version_diff(URL, version(1, "H", paragraphs), version(2, "H", edited))
    shown = collapsed(data, 1)
    assert [p["status"] for p in shown] == ["unchanged", "same", "changed", "same", "unchanged"]
    assert (shown[0]["count"], shown[0]["text"]) == (5, "… 5 unchanged paragraphs …")
    assert (shown[-1]["count"], shown[-1]["text"]) == (4, "… 4 unchanged paragraphs …")
    assert [p["status"] for p in collapsed(data, 0)] == ["unchanged", "changed", "unchanged"]
    assert collapsed(data, 20) == data["paragraphs"]
    assert collapsed(version_diff(URL, version(1, "H", paragraphs[:1]), version(2, "H", paragraphs[:1])), 1) == [
        {"status": "unchanged", "count": 1, "text": "… 1 unchanged paragraph …"}]
