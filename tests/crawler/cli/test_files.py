"""`mirrorwatch export corpus` from the command line: output files, filters, one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

from tests.support.corpus import COPY, A, archive, build  # noqa: F401 (a fixture)
from tests.support.databases import REPO
from tests.support.workspace import Workspace


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
