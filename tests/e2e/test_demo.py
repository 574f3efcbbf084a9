"""`mirrorwatch demo` end to end, as `make demo` runs it, on an 80-column terminal."""

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_demo_crawls_edits_and_reports_and_its_suggested_commands_paste_as_printed(tmp_path):
    bin_dir = str(Path(sys.executable).parent)  # where `mirrorwatch` is installed
    env = {"COLUMNS": "80", "PATH": f"{bin_dir}:/usr/bin:/bin", "MIRRORWATCH_EXTRACT_WORKERS": "2"}
    result = subprocess.run([sys.executable, "-m", "crawler", "demo", "--workdir", str(tmp_path)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Crawl 1" in out and "Crawl 2" in out
    assert "global-research" in out and "tcttnews" in out
    assert "version 1 → 2" in out  # the edited article's diff
    assert "~ By the end of 2020, at least [-60-] {+86+} central banks" in out  # the changed words marked
    assert "+ Correction, 21 August 2020" in out
    assert "  … 9 unchanged paragraphs …" in out
    assert "excerpt" in out  # the seed copy comparison
    html = (tmp_path / "compare.html").read_text()
    assert "<h1>excerpt:" in html and "russian-belarusian-relations" in html

    lines = out.splitlines()
    commands = [line.strip() for line in lines[lines.index(f"The archive is kept in {tmp_path / 'mirrorwatch.db'}; try:"):]
                if line.startswith("  mirrorwatch ")]
    assert [c.split()[3] for c in commands] == ["history", "diff", "copies", "compare", "report"]
    for command in commands:  # each line as a user pastes it into a shell
        run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, env=env)
        assert run.returncode == 0, (command, run.stderr[-2000:])
        assert run.stdout.strip(), command
