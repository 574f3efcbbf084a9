"""A version's language tag: primary subtag, lowercase; declaration, then header, then detector."""

import pytest

from storage.text.language import header_language, primary_subtag, version_language


@pytest.mark.parametrize(("tag", "primary"), [
    ("en-US", "en"), ("EN_gb", "en"), ("pt-BR", "pt"), ("de", "de"), (" fr ", "fr"), ("de, en", "de"),
    ("zh-Hant-TW", "zh"), ("fil", "fil"), ("und", None), ("mul", None), ("", None), (None, None),
    ("english", None), ("x-default", None), ("e", None), ("{{ lang }}", None),
])
def test_primary_subtag(tag, primary):
    assert primary_subtag(tag) == primary


def test_the_page_declaration_wins_then_the_header_then_the_detector():
    headers = [["Content-Type", "text/html"], ["content-language", "fr-CA"]]
    assert version_language("en-GB", headers, "de") == "en"
    assert version_language(None, headers, "de") == "fr"
    assert version_language("und", headers, "de") == "fr"
    assert version_language(None, [["Content-Type", "text/html"]], "de") == "de"
    assert version_language(None, None, None) is None
    assert header_language([["Content-Language", "*"]]) is None
