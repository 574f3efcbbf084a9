"""The command group as a user runs it: database and sources chosen by option or environment; one-line errors."""

import json

import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


def test_unreachable_database_is_one_line(ws):
    result = ws.cli("--db", "postgresql://nobody@127.0.0.1:1/nowhere", "history", "http://x/", check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot open database postgresql://nobody@127.0.0.1:1/nowhere")


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


NO_ARCHIVE = "Error: no archive at typo.db (run `mirrorwatch crawl` to create one, or check --db)\n"
READ_COMMANDS = [
    ["report"], ["runs"], ["history", "http://x/"], ["diff", "http://x/"], ["copies", "http://x/"],
    ["compare", "http://x/", "http://y/"], ["export", "corpus", "-o", "c.jsonl"], ["export", "warc", "-o", "c.warc.gz"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_read_command_creates_no_archive(ws, args):
    result = ws.cli("--db", "typo.db", *args, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", NO_ARCHIVE)
    assert sorted(p.name for p in ws.dir.iterdir()) == []


@pytest.mark.slow
def test_report_on_a_mistyped_database_says_there_is_none(ws):
    result = ws.run("--db", "typo.db", "report", check=False)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", NO_ARCHIVE)
    assert not (ws.dir / "typo.db").exists()


def test_a_read_command_does_not_fill_another_applications_database(ws):
    import sqlite3

    with sqlite3.connect(ws.dir / "notes.db") as conn:
        conn.execute("create table note (id integer primary key, body text)")
    result = ws.cli("--db", "notes.db", "report", check=False)
    assert (result.returncode, result.stderr) == (
        1, "Error: notes.db is not a mirrorwatch archive: it holds another application's tables (note); "
           "give another --db\n")
    with sqlite3.connect(ws.dir / "notes.db") as conn:
        assert conn.execute("select name from sqlite_master where type = 'table'").fetchall() == [("note",)]


def test_runs_of_an_unknown_source_is_an_error_as_in_report(ws, sqlite_url):
    import shutil

    shutil.copy(sqlite_url.removeprefix("sqlite:///"), ws.db)
    for command in ("runs", "report"):
        result = ws.cli(command, "--source", "nosuch", check=False)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", "Error: unknown source 'nosuch'\n")


def test_postgresql_without_the_extra_names_it(ws, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra was not installed
    result = ws.cli("--db", "postgresql://127.0.0.1/mirrorwatch", "report", check=False)
    assert (result.returncode, result.stderr) == (
        1, "Error: PostgreSQL support is not installed: pip install 'mirrorwatch[postgres]'\n")
