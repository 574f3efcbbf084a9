"""`pip install .` into a clean virtual environment, with no extras, gives a working tool: it crawls a
local site and finds the articles' text (a plain install once extracted nothing, because a
dependency of trafilatura's fallback extractor came only with the test extras)."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.support.databases import REPO
from tests.support.sites import PARAGRAPHS
from tests.support.workspace import source_table


@pytest.mark.slow
@pytest.mark.timeout(900)  # the install resolves every dependency
def test_a_plain_install_crawls_and_extracts(tmp_path, site):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          str(REPO)], capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr[-2000:]
    site.index("/articles/tram.html", "/articles/bridge.html")
    site.article("/articles/tram.html", "Tram line extended", PARAGRAPHS)
    site.article("/articles/bridge.html", "Bridge repairs", PARAGRAPHS[::-1])
    work = tmp_path / "work"
    work.mkdir()
    (work / "sources.toml").write_text(source_table(site), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIRRORWATCH_", "PYTHON"))}
    crawl = subprocess.run([str(venv / "bin" / "mirrorwatch"), "crawl", "--format", "json"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=300)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    (row,) = json.loads(crawl.stdout)["sources"]
    assert (row["new_version"], row["error"]) == (2, 0)
    with sqlite3.connect(work / "mirrorwatch.db") as conn:
        texts = [text for (text,) in conn.execute("select v.text from version v join page p on p.id = v.page_id"
                                                  " order by p.url")]
    assert [t.split("\n") for t in texts] == [["Bridge repairs", *PARAGRAPHS[::-1]], ["Tram line extended", *PARAGRAPHS]]
