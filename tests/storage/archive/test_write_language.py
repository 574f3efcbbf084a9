"""The language a new version is stored with: the page's declaration, else its Content-Language
header, else the detector's guess; always the primary subtag (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.records import ARTICLE, extracted, fetch


@pytest.mark.parametrize(("declared", "header", "detected", "stored"), [
    ("en-GB", "fr", "de", "en"),
    (None, "fr-CA, en", "de", "fr"),
    (None, None, "de", "de"),
    (None, None, None, None),
    ("und", None, "pt", "pt"),
])
def test_stored_language(archive, declared, header, detected, stored):
    headers = (("Content-Type", "text/html"),) + ((("Content-Language", header),) if header else ())
    archive.record(fetch(b"<html>a</html>", headers=headers),
                   replace(extracted(ARTICLE), language=declared, detected_language=detected))
    (version,) = archive.versions(fetch(b"").url)
    assert version.language == stored
