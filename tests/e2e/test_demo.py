"""`mirrorwatch demo` end to end, as `make demo` runs it."""

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_demo_crawls_edits_and_reports(tmp_path):
    result = subprocess.run([sys.executable, "-m", "crawler", "demo", "--workdir", str(tmp_path)],
                            capture_output=True, text=True, timeout=300,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "MIRRORWATCH_EXTRACT_WORKERS": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Crawl 1" in out and "Crawl 2" in out
    assert "global-research" in out and "tcttnews" in out
    assert "version 1 → 2" in out  # the edited article's diff
    assert "+ Correction, 21 August 2020" in out
    assert "excerpt" in out  # the seed copy comparison
    html = (tmp_path / "compare.html").read_text()
    assert "<h1>excerpt:" in html and "russian-belarusian-relations" in html
