"""Output files: a regular file replaced whole or not at all, a symlink followed, a device or
FIFO written in place, and every failure one line."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from storage.errors import StorageError
from storage.interchange.atomic import written_atomically, written_directly


def write(path: Path, data: bytes) -> None:
    with written_atomically(path) as target, target.open("wb") as out:
        out.write(data)


def test_a_regular_file_is_replaced_whole_keeping_its_permissions(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    write(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_failure_half_way_leaves_the_old_file_and_no_part(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"old\n")
    with pytest.raises(StorageError) as err, written_atomically(path) as target, target.open("wb") as out:
        out.write(b"x" * 4096)
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(err.value) == f"{path}: cannot write: No space left on device"
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_symlink_is_followed_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.html"
    target.write_bytes(b"old")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    write(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["report.html"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "target.html")
    write(link, b"new")
    assert link.is_symlink() and (tmp_path / "target.html").read_bytes() == b"new"


def test_a_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write(fifo, b"through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_devices_and_dev_paths_are_written_in_place():
    # Only the decision is checked on the real /dev: a wrong answer here, in a test run as root,
    # would replace the machine's /dev/full with a regular file (which is how it was found).
    assert written_directly(Path("/dev/full")) and written_directly(Path("/dev/stdout"))
    assert written_directly(Path("/proc/self/fd/1"))


def test_a_device_behind_a_link_is_written_in_place_and_a_full_one_is_one_line(tmp_path):
    (tmp_path / "null").symlink_to("/dev/null")
    (tmp_path / "full").symlink_to("/dev/full")
    write(tmp_path / "null", b"gone")
    with pytest.raises(StorageError) as err:
        write(tmp_path / "full", b"x" * 100_000)
    assert str(err.value) == f"{tmp_path / 'full'}: cannot write: No space left on device"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert all(p.is_symlink() for p in tmp_path.iterdir()) and len(list(tmp_path.iterdir())) == 2


def test_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(StorageError) as err:
        write(tmp_path / "nowhere" / "out.jsonl", b"x")
    assert str(err.value) == f"{tmp_path / 'nowhere' / 'out.jsonl'}: cannot write: No such file or directory"
