"""``-o`` as every command writes it: whole or not at all, through a symlink, onto a device,
and a failure is one line that leaves no partial file (``storage.interchange.atomic``)."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from storage.interchange.atomic import written_directly
from tests.support.corpus import COPY, A, build
from tests.support.workspace import Workspace

# Every command with -o, as a user runs it on the corpus of tests.support.corpus.
WRITERS = {
    "report html": ["report", "--since", "2026-01-01", "--format", "html"],
    "report text": ["report", "--since", "2026-01-01"],
    "compare html": ["compare", A, COPY, "--format", "html"],
    "copies html": ["copies", A, "--format", "html"],
    "export corpus": ["export", "corpus"],
    "export warc": ["export", "warc"],
}


@pytest.fixture
def corpus_ws(tmp_path) -> Workspace:
    ws = Workspace(tmp_path)
    build(ws.db_url).engine.dispose()
    return ws


class FullDisk:
    """A file on a disk that fills after ``room`` bytes: writes fail there with ENOSPC."""

    def __init__(self, real, room: int):
        self.real, self.room = real, room

    def write(self, data):
        if len(data) > self.room:
            self.real.write(data[:self.room])
            self.real.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


@pytest.mark.parametrize("name", WRITERS)
def test_a_full_disk_is_one_line_and_leaves_no_partial_file(corpus_ws, monkeypatch, name):
    ws = corpus_ws
    real_open = Path.open

    def open_on_a_small_disk(self, mode="r", *args, **kwargs):
        fh = real_open(self, mode, *args, **kwargs)
        return FullDisk(fh, 100) if "w" in mode and self.parent == ws.dir else fh

    monkeypatch.setattr(Path, "open", open_on_a_small_disk)
    result = ws.cli(*WRITERS[name], "-o", "out", check=False)
    assert (result.returncode, result.stderr) == (1, f"Error: out: cannot write: No space left on device\n")
    assert sorted(p.name for p in ws.dir.iterdir() if not p.name.startswith("mirrorwatch.db")) == []


@pytest.mark.parametrize("name", WRITERS)
def test_a_full_device_is_one_line_and_stays_a_device(corpus_ws, name):
    # Through a link of the test's own, so that a regression replaces the link, never /dev/full.
    (corpus_ws.dir / "full").symlink_to("/dev/full")
    result = corpus_ws.cli(*WRITERS[name], "-o", "full", check=False)
    assert (result.returncode, result.stderr) == (1, "Error: full: cannot write: No space left on device\n")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and (corpus_ws.dir / "full").is_symlink()


@pytest.mark.parametrize("name", WRITERS)
def test_a_missing_folder_is_one_line(corpus_ws, name):
    result = corpus_ws.cli(*WRITERS[name], "-o", "nowhere/out", check=False)
    assert (result.returncode, result.stderr) == (1, "Error: nowhere/out: cannot write: No such file or directory\n")


def test_a_symlinked_output_replaces_its_target(corpus_ws):
    ws = corpus_ws
    (ws.dir / "reports").mkdir()
    (ws.dir / "reports" / "today.html").write_text("yesterday's")
    (ws.dir / "latest.html").symlink_to(ws.dir / "reports" / "today.html")
    ws.cli(*WRITERS["report html"], "-o", "latest.html")
    assert (ws.dir / "latest.html").is_symlink()
    assert (ws.dir / "reports" / "today.html").read_text().startswith("<!doctype html>")
    assert sorted(p.name for p in (ws.dir / "reports").iterdir()) == ["today.html"]


@pytest.mark.slow
def test_export_to_dev_stdout_and_dev_full_in_a_process(corpus_ws):
    ws = corpus_ws
    # Written in place, never replaced: asserted first, as root a regression would replace /dev/full.
    assert written_directly(Path("/dev/stdout")) and written_directly(Path("/dev/full"))
    out = ws.run("export", "corpus", "-o", "/dev/stdout", "--min-words", "20")
    assert [json.loads(line)["url"] for line in out.stdout.splitlines()] == [COPY, A]
    full = ws.run("export", "corpus", "-o", "/dev/full", check=False)
    assert (full.returncode, full.stdout, full.stderr) == (
        1, "", "Error: /dev/full: cannot write: No space left on device\n")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_report_since_a_future_time_is_refused(corpus_ws):
    result = corpus_ws.cli("report", "--since", "2999-01-01", check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: not a time in the past: '2999-01-01' is after now (")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["report", "--since", "2026-01-01"], ["report", "--since", "2026-01-01", "--format", "json"],
    ["export", "corpus", "-o", "-"], ["export", "corpus", "-o", "/dev/stdout"], ["runs"],
], ids=lambda args: " ".join(args))
def test_a_reader_that_goes_away_ends_the_output_quietly(corpus_ws, args):
    """``mirrorwatch report | head``: the pipe is closed before the command writes a byte."""
    import subprocess
    import sys

    assert written_directly(Path("/dev/stdout"))  # never replaced by a file, even by a regression
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORWATCH_")}
    proc = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=corpus_ws.dir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert (proc.wait(timeout=60), stderr) == (1, "")
