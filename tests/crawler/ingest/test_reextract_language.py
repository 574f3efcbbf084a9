"""Versions stored without a language (archives from before languages were detected) get one
from `reextract`: same text, same version number, the language filled in (both backends)."""

from __future__ import annotations

from dataclasses import replace

from crawler.extract.extractor import EXTRACTOR_VERSION, OPTIONS_HASH, extract
from tests.support.reextraction import SITE, fetch

GERMAN = ["Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie in die nördlichen Stadtteile zu "
          "verlängern. Damit endet eine Debatte, die fast zehn Jahre gedauert hat."]


def page(lang_attr: str) -> bytes:
    return (f"<!doctype html><html{lang_attr}><head><title>Bahn</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in GERMAN) + "</article></body></html>").encode()


def test_reextract_fills_the_language_of_old_versions(archive):
    from crawler.ingest.reextract import reextract

    for name, body in (("a", page("")), ("b", page(' lang="de-AT"'))):
        today = extract(body)
        # As stored before: today's extractor and options, no language at all.
        archive.record(fetch(f"{SITE}/{name}.html", body, 0), replace(today, language=None, detected_language=None))
    archive.record(fetch(f"{SITE}/c.html", page(""), 0), replace(extract(page("")), language="DE-ch"))
    assert [archive.versions(f"{SITE}/{n}.html")[0].language for n in "abc"] == [None, None, "de"]
    counts = reextract(archive, workers=1)
    assert (counts["pages"], counts["unchanged"], counts["new_version"]) == (2, 2, 0)  # c had a language
    for name in "ab":
        (version,) = archive.versions(f"{SITE}/{name}.html")
        assert (version.number, version.language, version.extractor_version, version.options_hash) == (
            1, "de", EXTRACTOR_VERSION, OPTIONS_HASH)
    assert reextract(archive, workers=1)["pages"] == 0  # nothing left without a language
