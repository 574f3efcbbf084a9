"""``diff``, ``copies`` and ``compare`` as text at 80 columns: the changed words marked, unchanged
paragraphs collapsed, URLs whole on lines of their own (so they paste), no column left out."""

import io

from rich.console import Console

from crawler.render.text import compare_text, copies_text, diff_text
from storage.models import Version
from storage.reports.diff import version_diff
from tests.support.records import ARTICLE

URL = "http://127.0.0.1:41234/articles/harbour-authorities-approve-plan-to-deepen-the-main-shipping-channel.html"
COPY = "http://127.0.0.1:41235/2026/03/01/harbour-authorities-approve-a-plan-to-deepen-the-channel-by-two-metres/"


def render(show, data: dict, **kw) -> str:
    out = io.StringIO()
    show(Console(file=out, width=80), data, **kw)
    return out.getvalue()


def page(url: str, source: str, title: str) -> dict:
    return {"url": url, "source": source, "title": title}


def test_diff_marks_the_changed_words_says_where_the_text_ends_and_collapses_the_rest():
    old = Version(number=1, title="Harbour channel", text="\n".join(ARTICLE))
    edited = ARTICLE[:1] + [ARTICLE[1].replace("four million", "five million")] + ARTICLE[2:4]
    new = Version(number=2, title="Harbour channel to be deepened", text="\n".join(edited))
    assert render(diff_text, version_diff(URL, old, new), context=0) == f"""\
{URL}
version 1 → 2: +3/-320 chars, 2 paragraphs removed, 1 paragraph changed
title: Harbour channel → Harbour channel to be deepened
text now ends after paragraph 4 of 6: “…stop the work whenever agreed limits
were exceeded.”
  … 1 unchanged paragraph …
~ The dredging will remove roughly [-four-] {{+five+}} million cubic metres of
  sediment over three winters, when fewer ships use the port and fish spawning
  grounds are less disturbed.
  … 2 unchanged paragraphs …
- Shipping lines have warned for years that the port would lose traffic to its
  neighbours unless the channel was deepened for the newest generation of
  vessels.
- Local fishermen asked for compensation, arguing that the work would close
  their best grounds for most of three seasons and that no alternative had been
  offered.
"""
    wider = render(diff_text, version_diff(URL, old, new), context=1)  # every paragraph is next to a change
    assert "unchanged" not in wider and all("  " + p[:40] in wider for p in ARTICLE[:4] if p != ARTICLE[1])


def test_copies_print_every_figure_and_each_url_whole():
    data = {"url": URL, "copies": [{"url": COPY, "source": "harbour-watch", "relation": "excerpt", "original_url": URL,
                                    "original_reason": "source role", "coverage": 0.23, "precision": 1.0}]}
    assert render(copies_text, data) == f"""\
{URL}
1 linked page:
excerpt on harbour-watch: coverage 23%, precision 100%; this page is the
original (source role)
  {COPY}
"""


def test_compare_names_both_pages_whole_and_their_titles_when_they_differ():
    original, copy = page(URL, "port-news", "Harbour channel"), page(COPY, "harbour-watch", "Harbour channel – Watch")
    data = {"original": original, "copy": copy, "pages": [original, copy], "is_copy": True, "relation": "excerpt",
            "verdict": "excerpt: the copy carries 50% of the original; 100% of the copy comes from it",
            "original_reason": "source role", "titles_differ": True, "coverage": 0.5, "precision": 1.0,
            "shared_words": 80, "summary": {"cosmetic": 1, "omitted": 1},
            "paragraphs": [{"status": "omitted", "original": ARTICLE[0], "copy": None},
                           {"status": "cosmetic", "original": 'the "estuary\'s" mudflats', "copy": "the “estuary’s” mudflats",
                            "typography": [{"op": "=", "text": "the "}, {"op": "-", "text": '"'},
                                           {"op": "+", "text": "“"}, {"op": "=", "text": "estuary"},
                                           {"op": "-", "text": "'"}, {"op": "+", "text": "’"}, {"op": "=", "text": "s"},
                                           {"op": "-", "text": '"'}, {"op": "+", "text": "”"},
                                           {"op": "=", "text": " mudflats"}]}]}
    assert render(compare_text, data) == f"""\
excerpt: the copy carries 50% of the original; 100% of the copy comes from it
original  port-news, chosen by source role
          Harbour channel
  {URL}
copy      harbour-watch
          Harbour channel – Watch
  {COPY}
omitted     Harbour authorities approved a plan on Monday to deepen the main
            shipping channel by two metres, all…
cosmetic    the “estuary’s” mudflats (quotes ×3)
1 cosmetic, 1 omitted
"""


def test_two_pages_that_are_no_copies_are_said_to_be_none_with_no_original():
    first, second = page(URL, "port-news", "Harbour channel"), page(COPY, "port-news", "Ferry timetable")
    data = {"original": None, "copy": None, "pages": [first, second], "is_copy": False, "relation": None,
            "verdict": "not copies: the two pages share nothing beyond boilerplate", "original_reason": None,
            "titles_differ": True, "coverage": 0.0, "precision": 0.0, "shared_words": 0, "summary": {"added": 1},
            "paragraphs": [{"status": "omitted", "original": ARTICLE[0], "copy": None},
                           {"status": "added", "original": None, "copy": "The winter ferry timetable starts."}]}
    text = render(compare_text, data)
    assert text == f"""\
not copies: the two pages share nothing beyond boilerplate
first     port-news
          Harbour channel
  {URL}
second    port-news
          Ferry timetable
  {COPY}
"""
    assert "original" not in text
