"""The language extraction hands over: the page's declaration, else the detector's guess, on
real pages (shared/data/article-pages) and small literal ones."""

from __future__ import annotations

import pytest

from crawler.extract.extractor import detect_language, extract
from crawler.extract.markup import declared_language
from tests.support.databases import shared_path
from tests.support.languages import read_page, undeclared

GERMAN = ("Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie in die nördlichen Stadtteile zu "
          "verlängern. Damit endet eine Debatte, die fast zehn Jahre gedauert hat.")
ENGLISH = ("The city council voted on Tuesday to extend the tram line to the northern districts, ending a "
           "debate that had lasted almost a decade.")


def page(body: str, html_attrs: str = "", head: str = "") -> str:
    return f"<!doctype html><html{html_attrs}><head><title>T</title>{head}</head><body><article><p>{body}</p></article></body></html>"


@pytest.mark.parametrize(("html", "declared"), [
    (page("x", ' lang="en-US"'), "en-US"),
    (page("x", " xml:lang='de-AT' xmlns='http://www.w3.org/1999/xhtml'"), "de-AT"),
    (page("x", ' class="no-js" lang=fr'), "fr"),
    (page("x", "", '<meta http-equiv="Content-Language" content="es-MX">'), "es-MX"),
    (page("x", ' lang=""'), None),
    (page("x"), None),
    (page("x", ' data-lang="en"'), None),
])
def test_declared_language_in_markup(html, declared):
    assert declared_language(html) == declared


def test_a_declared_language_is_kept_as_its_primary_subtag_and_not_detected():
    got = extract(page(GERMAN, ' lang="en-GB"'))
    assert (got.language, got.detected_language) == ("en", None)  # declared wins, even when wrong


def test_an_undeclared_page_gets_the_detector_guess():
    assert (extract(page(GERMAN)).language, extract(page(GERMAN)).detected_language) == (None, "de")
    assert extract(page(ENGLISH)).detected_language == "en"
    assert detect_language(("Too short.",)) is None


def test_real_pages_without_their_lang_attribute_are_detected_as_declared():
    folder = shared_path("data/article-pages/html")
    checked = 0
    for file in sorted(folder.glob("*.html.gz"))[:20]:
        html = read_page(file)
        declared = extract(html).language
        if declared is None:
            continue
        got = extract(undeclared(html))
        assert got.language is None, file.name
        assert got.detected_language == declared, file.name
        checked += 1
    assert checked >= 10
