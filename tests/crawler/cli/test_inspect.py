"""`mirrorwatch history`, `captures`, `show` and `search` on one page looked at closely, on an
archive written through the archive's own write path (SQLite and PostgreSQL): the exact lines
and JSON a user sees, and one-line errors."""

from __future__ import annotations

import json

import pytest

from storage.archive import Archive
from tests.support.records import ARTICLE, URL, extracted, fetch

HOSTILE = "<html><head><meta charset='windows-1252'></head><body><p>caf\xe9</p><script>alert(1)</script></body></html>"
CORRECTION = "Correction: an earlier version of this article said three metres; the channel will be deepened by two."
OTHER = "http://127.0.0.1:9/articles/museum.html"
NOTHING = "http://127.0.0.1:9/nothing.html"


@pytest.fixture
def db(db_url):
    """A page with two versions, an error capture between them, then gone; and a second page."""
    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin="http://127.0.0.1:9")
    archive.record(fetch(HOSTILE.encode("cp1252"), content_type="text/html"), extracted(ARTICLE))
    archive.record(fetch(None, status=503, minutes=5, error="HTTP 503"))
    archive.record(fetch(b"<html><p>second</p></html>", minutes=10, content_type="text/html; charset=utf-8"),
                   extracted(ARTICLE + [CORRECTION]))
    archive.record(fetch(None, status=404, minutes=20))
    archive.record(fetch(b"<html>museum</html>", url=OTHER, minutes=30),
                   extracted(["The museum reopens its harbour wing on Saturday after two years of works."],
                             title="Museum reopens"))
    archive.engine.dispose()
    return db_url


def test_history_shows_class_significance_and_gone(ws, db):
    data = ws.json("--db", db, "history", URL)
    assert data["gone_at"] == "2026-01-01T12:20:00+00:00"
    assert [(v["number"], v["change_class"], v["significance"], v["language"]) for v in data["versions"]] == [
        (1, None, None, "en"), (2, "correction-appended", pytest.approx(data["versions"][1]["significance"]), "en")]
    assert data["versions"][1]["significance"] > 0
    out = ws.cli("--db", db, "history", URL).stdout
    assert "gone since 2026-01-01 12:20:00 UTC (answered 404 or 410)" in out
    sig = f"{data['versions'][1]['significance']:.2f}"
    assert out.splitlines()[2:5] == [
        "  #  captured (UTC)       class                sig.  change",
        "  1  2026-01-01 12:00:00  new                     -  first version",
        "     Tram line extended"]
    assert out.splitlines()[5].startswith(f"  2  2026-01-01 12:10:00  correction-appended  {sig}  +")
    assert ws.json("--db", db, "history", OTHER)["gone_at"] is None
    assert "gone since" not in ws.cli("--db", db, "history", OTHER).stdout


def test_captures_lists_every_fetch(ws, db):
    data = ws.json("--db", db, "captures", URL)
    assert data["url"] == URL and data["gone_at"] == "2026-01-01T12:20:00+00:00"
    assert [(c["fetched_at"][11:16], c["status"], c["outcome"], c["version"], c["error"])
            for c in data["captures"]] == [
        ("12:00", 200, "new-version", 1, None),
        ("12:05", 503, "error", None, "HTTP 503"),
        ("12:10", 200, "new-version", 2, None),
        ("12:20", 404, "gone", None, None),
    ]
    assert data["captures"][0]["size"] == len(HOSTILE)
    lines = ws.cli("--db", db, "captures", URL).stdout.splitlines()
    assert lines[0] == URL
    assert lines[1] == "gone since 2026-01-01 12:20:00 UTC (answered 404 or 410)"
    rows = [line.split() for line in lines if line.startswith(" 2026-")]
    assert rows == [["2026-01-01", "12:00:00", "200", "new-version", "1", "-"],
                    ["2026-01-01", "12:05:00", "503", "error", "-", "HTTP", "503"],
                    ["2026-01-01", "12:10:00", "200", "new-version", "2", "-"],
                    ["2026-01-01", "12:20:00", "404", "gone", "-", "-"]]


def test_show_prints_a_version_text_or_its_raw_body(ws, db):
    assert ws.cli("--db", db, "show", URL).stdout == "\n".join(ARTICLE + [CORRECTION]) + "\n"
    assert ws.cli("--db", db, "show", URL, "--version", "1").stdout == "\n".join(ARTICLE) + "\n"
    data = ws.json("--db", db, "show", URL, "--version", "1")
    assert (data["version"], data["versions"], data["title"], data["language"]) == (1, 2, "Tram line extended", "en")
    raw = ws.json("--db", db, "show", URL, "--version", "1", "--raw")
    assert raw["encoding"] == "cp1252" and raw["body"] == HOSTILE and raw["size"] == len(HOSTILE)
    # To a pipe, the bytes as stored (here windows-1252, not UTF-8).
    from click.testing import CliRunner

    from crawler.cli import cli
    piped = CliRunner().invoke(cli, ["--db", db, "show", URL, "--version", "1", "--raw"])
    assert piped.exit_code == 0 and piped.stdout_bytes == HOSTILE.encode("cp1252")


@pytest.mark.parametrize(("args", "message"), [
    (["show", URL, "--version", "7"], f"Error: {URL}: no version 7 (versions: 1, 2)"),
    (["show", NOTHING], f"Error: no page in the archive for {NOTHING}"),
    (["captures", NOTHING], f"Error: no page in the archive for {NOTHING}"),
    (["show", URL, "--raw", "--version", "3"], f"Error: {URL}: no version 3 (versions: 1, 2)"),
    (["search", "harbour", "--source", "nosuch"], "Error: unknown source 'nosuch'"),
    (["search", "  "], "Error: the query is empty"),
])
def test_unknown_url_version_or_source_is_one_line(ws, db, args, message):
    result = ws.cli("--db", db, *args, check=False)
    assert (result.returncode, result.stderr, result.stdout) == (1, message + "\n", "")


def test_search_prints_whole_urls_titles_sources_and_passages(ws, db):
    data = ws.json("--db", db, "search", "harbour")
    assert sorted(t["url"] for t in data["texts"]) == [OTHER, URL]
    out = ws.cli("--db", db, "search", "museum harbour").stdout.splitlines()
    assert out[0] == OTHER
    assert out[1] == "  Museum reopens · gazette"
    assert "harbour wing on Saturday" in out[2]
    by_title = ws.json("--db", db, "search", "museum", "--limit", "1")
    assert [p["url"] for p in by_title["pages"]] == [OTHER] and len(by_title["texts"]) == 1
    assert ws.json("--db", db, "search", "harbour", "--source", "gazette")["source"] == "gazette"


def test_search_is_the_dashboards_search(ws, db):
    from starlette.testclient import TestClient

    from crawler.web import create_app

    app = create_app(db)
    with TestClient(app) as client:
        api = [client.get("/api/search", params=params).json()
               for params in ({"q": "harbour"}, {"q": "harbour", "source": "gazette"}, {"q": "museum re"})]
    app.state.archive.engine.dispose()
    cli = [ws.json("--db", db, "search", "harbour"), ws.json("--db", db, "search", "harbour", "--source", "gazette"),
           ws.json("--db", db, "search", "museum re")]
    assert cli == api
    assert [p["title"] for p in cli[2]["pages"]] == ["Museum reopens"]


def test_search_url_longer_than_the_terminal_is_printed_whole(ws, db_url):
    long_url = "http://127.0.0.1:9/articles/" + "very-long-slug-" * 8 + "end.html"
    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin="http://127.0.0.1:9")
    archive.record(fetch(b"<html>x</html>", url=long_url), extracted(["Lighthouse keepers return to the cape."]))
    archive.engine.dispose()
    out = ws.cli("--db", db_url, "search", "lighthouse").stdout
    assert long_url in out.splitlines()
    data = json.loads(ws.cli("--db", db_url, "search", "lighthouse", "--format", "json").stdout)
    assert data["texts"][0]["url"] == long_url


def on_a_terminal(ws, *args: str) -> str:
    """What ``mirrorwatch ARGS`` prints when its stdout is a terminal (a pseudo-terminal here)."""
    import os
    import subprocess
    import sys

    main, child = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ws.dir, stdout=child,
                          stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end is closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.returncode == 0, proc.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_show_on_a_terminal_names_the_version_and_decodes_the_raw_body(ws, db):
    text = on_a_terminal(ws, "--db", db, "show", URL, "--version", "1")
    assert text.splitlines()[:3] == [URL, "version 1 of 2, captured 2026-01-01 12:00:00 UTC, language en",
                                     "Tram line extended"]
    assert ARTICLE[0][:60] in text
    raw = on_a_terminal(ws, "--db", db, "show", URL, "--version", "1", "--raw")
    assert raw.splitlines()[0] == (f"{URL} · version 1 · raw body, {len(HOSTILE)} bytes, text/html, read as cp1252")
    assert "<p>café</p><script>alert(1)</script>" in raw  # windows-1252 bytes shown as text
