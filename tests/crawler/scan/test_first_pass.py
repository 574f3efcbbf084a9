"""The first pass: visible text, its keys, and which archived pages a page is a candidate of."""

from __future__ import annotations

import numpy as np

from crawler.scan.first_pass import MAX_DF, FirstPassIndex, keys_of, page_keys, visible_text
from storage.copies.fingerprints import fingerprints
from tests.support.records import ARTICLE


def _entries(page_id: int, paragraphs) -> list[tuple[int, int]]:
    return [(h, page_id) for h in fingerprints(paragraphs)]


def test_visible_text_leaves_out_script_style_and_head():
    html = ("<html><head><title>T</title><style>p{color:red}</style></head><body><script>var x = 'hidden';</script>"
            "<p>Harbour <b>plan</b> approved</p><noscript>enable js</noscript><p>second</p></body></html>")
    assert visible_text(html).split() == ["Harbour", "plan", "approved", "second"]


def test_page_keys_are_the_archive_fingerprints_sampled_again_and_cut_to_32_bits():
    text = " ".join(ARTICLE)
    expected = sorted({h >> 32 for h in fingerprints([text]) if h % 16 == 0})
    assert page_keys(text).tolist() == expected
    assert page_keys(text).dtype == np.int32


def test_a_page_carrying_an_archived_article_is_a_candidate_and_an_unrelated_one_is_not():
    index = FirstPassIndex.build(_entries(7, ARTICLE) + _entries(8, ["An unrelated text about the weather in the "
                                                                       "mountains, where snow fell all night long."]))
    page = visible_text("<nav>Home News</nav><p>" + "</p><p>".join(ARTICLE[1:4]) + "</p><footer>(c) blog</footer>")
    assert index.candidates(page_keys(page)) == [7]
    assert index.candidates(page_keys("Nothing of the sort was ever written here, not a single word of it.")) == []


def test_three_shared_keys_make_a_candidate_or_all_keys_of_a_short_archived_page():
    entries = [((k << 32) * 16, 1) for k in range(1, 11)] + [((k << 32) * 16, 2) for k in (20, 21)]
    index = FirstPassIndex.build(entries)
    assert index.sizes.tolist() == [10, 2]
    keys = lambda *ks: keys_of((k << 32) * 16 for k in ks)  # noqa: E731
    assert index.candidates(keys(1, 2)) == []
    assert index.candidates(keys(1, 2, 3)) == [1]
    assert index.candidates(keys(20)) == []
    assert index.candidates(keys(20, 21, 1, 2, 3, 4)) == [1, 2]  # most shared first


def test_three_shared_keys_are_not_enough_between_two_long_texts():
    index = FirstPassIndex.build([((k << 32) * 16, 1) for k in range(1, 101)])
    keys = keys_of((k << 32) * 16 for k in [1, 2, 3, *range(200, 297)])  # 3 of 100 each way
    assert index.candidates(keys) == []
    more = keys_of((k << 32) * 16 for k in [*range(1, 16), *range(200, 285)])  # 15 of 100 each way
    assert index.candidates(more) == [1]


def test_stock_phrases_are_dropped_from_the_index():
    common = 16 << 32
    entries = [(common, page) for page in range(MAX_DF + 1)] + [(32 << 32, 0)]
    index = FirstPassIndex.build(entries)
    assert index.keys.tolist() == [32]  # the upper 32 bits of the one key left
    assert index.nbytes == index.keys.nbytes + index.numbers.nbytes + index.page_ids.nbytes + index.sizes.nbytes
