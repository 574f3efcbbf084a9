"""`mirrorwatch export corpus` from the command line: output files, filters, one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from storage.archive import Archive
from storage.types import Extracted, Fetch
from tests.support.databases import REPO
from tests.support.workspace import Workspace
from tests.support.records import ARTICLE

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
ORIGIN, MIRROR, OTHER = "http://127.0.0.1:9001", "http://127.0.0.1:9002", "http://127.0.0.1:9003"
A, COPY, B = f"{ORIGIN}/a.html", f"{MIRROR}/copy/", f"{OTHER}/b.html"
CORRECTION = "Correction: the dredging will take three winters, not two as first reported."
FRENCH = ["Le conseil municipal a voté mardi le prolongement du tramway vers les quartiers nord."]


def put(archive, source, url, paragraphs, *, days=0, title="Harbour channel to be deepened", language="en"):
    extracted = Extracted(title, "A. Writer", "2026-03-01", None, language, None, tuple(paragraphs),
                          "trafilatura", "2.3.1", "test")
    body = ("<html>" + "|".join(paragraphs) + "</html>").encode()
    return archive.record(Fetch(source, url, T0 + timedelta(days=days), 200, body), extracted)


def build(url: str) -> Archive:
    """Origin article (2 versions), an excerpt of it on a mirror, a short French page elsewhere."""
    archive = Archive.open(url)
    archive.ensure_source("port-news", role="origin", origin=ORIGIN)
    archive.ensure_source("harbour-watch", role="mirror", origin=MIRROR)
    archive.ensure_source("autre", role="origin", origin=OTHER)
    put(archive, "port-news", A, ARTICLE)
    put(archive, "harbour-watch", COPY, ARTICLE[2:4], days=1, title="Dredging plan")
    put(archive, "port-news", A, ARTICLE + [CORRECTION], days=2)
    put(archive, "autre", B, FRENCH, days=3, title="Tramway", language="fr")
    return archive


@pytest.fixture
def archive(db_url):
    archive = build(db_url)
    yield archive
    archive.engine.dispose()


def test_cli_export_corpus(tmp_path):
    ws = Workspace(tmp_path)
    build(ws.db_url).engine.dispose()
    result = ws.cli("export", "corpus", "-o", "-", "--copies", "merge", "--min-words", "20")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["url"], r["copy_urls"]) for r in lines] == [(A, [COPY])]
    ws.cli("export", "corpus", "-o", "c.jsonl.gz", "--all-versions", "--lang", "en", "--since", "2026-03-02")
    assert [json.loads(x)["url"] for x in gzip.decompress((tmp_path / "c.jsonl.gz").read_bytes()).splitlines()] \
        == [COPY, A]
    bad = ws.cli("export", "corpus", "-o", "x.jsonl", "--since", "last tuesday", check=False)
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "Error: not a time: 'last tuesday' (a duration back from now such as 24h or 7d, or an ISO date or time such as 2026-01-31)")
    assert not (tmp_path / "x.jsonl").exists()


def test_parquet_without_pyarrow_is_one_clear_line(tmp_path):
    ws = Workspace(tmp_path)
    build(ws.db_url).engine.dispose()
    blocker = tmp_path / "blocker" / "pyarrow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'blocker'}{os.pathsep}{REPO}"}
    result = subprocess.run([sys.executable, "-m", "crawler", "export", "corpus", "-o", "c.parquet"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: Parquet export needs pyarrow: pip install 'mirrorwatch[parquet]'"
    assert not (tmp_path / "c.parquet").exists()
