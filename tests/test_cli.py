"""The command line as a user runs it: JSON shapes, exit codes, one-line errors."""

import json
import sqlite3

from tests.conftest import PARAGRAPHS

A = "/articles/tram.html"


def test_history_and_diff_json_shapes(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.article(A, "Tram line extended to the north", PARAGRAPHS + ["A correction was appended on Friday."])
    ws.crawl()
    history = ws.json("history", site.url + A)
    assert set(history) == {"url", "versions"}
    assert history["url"] == site.url + A
    first, second = history["versions"]
    assert set(first) >= {"number", "captured_at", "title", "text_sha256", "change"}
    assert (first["number"], first["change"], second["number"]) == (1, None, 2)
    assert second["title"] == "Tram line extended to the north"
    assert second["change"]["paragraphs_added"] == 1
    assert len(second["text_sha256"]) == 64 and second["text_sha256"] != first["text_sha256"]

    diff = ws.json("diff", site.url + A, "--from", "1", "--to", "2")
    assert {"url", "from", "to", "paragraphs"} <= set(diff)
    assert (diff["from"], diff["to"]) == (1, 2)
    assert all(set(p) == {"status", "old", "new"} for p in diff["paragraphs"])
    assert diff["paragraphs"][-1] == {"status": "added", "old": None, "new": "A correction was appended on Friday."}
    statuses = [p["status"] for p in diff["paragraphs"]]
    assert statuses.count("same") >= len(PARAGRAPHS) and "removed" not in statuses

    text = ws.run("diff", site.url + A).stdout
    assert "+ A correction was appended on Friday." in text
    assert "version 1 → 2" in text


def test_unknown_url_and_version_are_one_line_errors(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    result = ws.run("history", site.url + "/nothing.html", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: no page in the archive for {site.url}/nothing.html"
    result = ws.run("diff", site.url + A, "--from", "1", "--to", "7", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {site.url}{A}: no version 7 (versions: 1)"


def test_bad_sources_file_is_one_line_and_crawls_nothing(ws):
    ws.sources('[[source]]\nname = "x"\nrole = "copy"\nstart_urls = ["http://127.0.0.1:1/"]\n')
    result = ws.run("crawl", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: sources.toml: source 'x': field 'role': must be 'origin' or 'mirror', not 'copy'"
    assert not ws.db.exists()
    result = ws.run("sources", "--check", check=False)
    assert result.returncode == 1 and "field 'role'" in result.stderr


def test_sources_listing(site, ws):
    ws.source(site, name="gazette", schedule="1h")
    assert ws.run("sources", "--check").stdout.strip() == "sources.toml: 1 source, all valid"
    data = ws.json("sources")
    (row,) = data["sources"]
    assert (row["name"], row["role"], row["origin"], row["schedule"]) == ("gazette", "origin", site.url, "1h")


def test_unreachable_database_is_one_line(ws):
    result = ws.run("--db", "postgresql://nobody@127.0.0.1:1/nowhere", "history", "http://x/", check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot open database postgresql+psycopg://nobody@127.0.0.1:1/nowhere")


def test_db_upgrade_creates_then_reports_current(ws):
    from storage.db import head_revision

    head = head_revision()
    first = ws.run("--db", str(ws.db), "db", "upgrade").stdout
    assert f"empty -> {head}" in first
    assert f"already at {head}" in ws.run("--db", str(ws.db), "db", "upgrade").stdout
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


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
    assert json.loads(out)["sources"][0]["new_versions"] == 1
    assert (tmp_path / "env.db").exists() and not ws.db.exists()


def test_every_command_is_in_the_readme():
    from pathlib import Path

    from crawler.cli import cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name, command in cli.commands.items():
        assert f"mirrorwatch {name}" in readme, f"README.md does not describe `mirrorwatch {name}`"
        for sub in getattr(command, "commands", {}):
            assert f"mirrorwatch {name} {sub}" in readme


def test_runs_lists_each_crawl_with_its_outcomes(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    ws.crawl()
    ws.crawl()
    runs = ws.json("runs")["runs"]
    assert [r["id"] for r in runs] == [2, 1]
    latest, first = runs
    assert (first["source"], first["status"], first["finish_reason"]) == ("gazette", "finished", "finished")
    assert (first["fetched"], first["new_version"], first["extractions"]) == (1, 1, 1)
    assert (latest["fetched"], latest["not_modified"], latest["new_version"], latest["extractions"]) == (1, 1, 0, 0)
    assert ws.json("runs", "--source", "nothing")["runs"] == []
    assert "gazette" in ws.run("runs").stdout
