"""App-shell detection on real pages: the article pages are never shells; the SPA pages of the
WCXB set whose HTML is an empty mount point with scripts are (``tests/bench/shell_eval.py``
runs the whole WCXB set)."""

import gzip
from pathlib import Path

import pytest

from crawler.extract.shell import SHELL_REASON, shell_reason
from tests.support.sites import PARAGRAPHS, article_html
from tests.support.spa import shell_html

DATA = Path("/work/shared/data")


def test_the_local_spa_page_is_a_shell_and_an_article_is_not():
    assert shell_reason(shell_html().encode(), None) == SHELL_REASON
    assert shell_reason(article_html("Tram", PARAGRAPHS).encode(), None) is None
    no_script = shell_html().replace('<script src="/app.js?rev=1"></script>', "")
    assert shell_reason(no_script.encode(), None) is None  # no script: nothing builds the text


@pytest.mark.skipif(not (DATA / "article-pages/html").is_dir(), reason="the shared article pages are not here")
def test_no_real_article_page_is_taken_for_a_shell():
    pages = sorted((DATA / "article-pages/html").iterdir())
    assert len(pages) == 181
    assert [p.name for p in pages if shell_reason(p.read_bytes(), None)] == []


@pytest.mark.skipif(not (DATA / "wcxb-dev/html").is_dir(), reason="the WCXB pages are not here")
def test_wcxb_spa_pages_built_on_an_empty_mount_point_are_shells():
    def body(key):
        return gzip.decompress((DATA / f"wcxb-dev/html/{key}.html.gz").read_bytes())

    assert [k for k in ("0585", "4577") if shell_reason(body(k), None)] == ["0585", "4577"]
    # SPA pages served with their text in the HTML (server-side rendering) are not shells.
    assert [k for k in ("2966", "3008", "2840") if shell_reason(body(k), None)] == []
