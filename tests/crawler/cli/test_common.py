"""The command group as a user runs it: database and sources chosen by option or environment; one-line errors."""

import json

import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


def test_unreachable_database_is_one_line(ws):
    result = ws.cli("--db", "postgresql://nobody@127.0.0.1:1/nowhere", "history", "http://x/", check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot open database postgresql+psycopg://nobody@127.0.0.1:1/nowhere")


@pytest.mark.slow
def test_env_variables_choose_database_and_sources(site, ws, tmp_path):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    (ws.dir / "sources.toml").rename(tmp_path / "elsewhere.toml")
    import os
    import subprocess
    import sys

    env = {**os.environ, "MIRRORWATCH_DB": str(tmp_path / "env.db"),
           "MIRRORWATCH_SOURCES": str(tmp_path / "elsewhere.toml"), "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    out = subprocess.run([sys.executable, "-m", "crawler", "crawl", "--format", "json"], cwd=ws.dir, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["sources"][0]["new_version"] == 1
    assert (tmp_path / "env.db").exists() and not ws.db.exists()
