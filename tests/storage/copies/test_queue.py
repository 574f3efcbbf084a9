"""The match stage: versions queued in their own transaction, drained in batches, by a matcher process."""

import multiprocessing
import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from storage.archive import Archive
from storage.archive.write import leave_queued
from storage.copies import queue
from storage.models import CopyLink, Fingerprint, MatchQueue, Page
from storage.types import Fetch
from tests.support.harbour import MIRROR, ORIGIN, T0, archive, put  # noqa: F401 (a fixture)
from tests.support.records import ARTICLE


def _links(archive) -> list[tuple[str, str, str]]:
    with archive.session() as s:
        rows = s.execute(select(CopyLink.original_page_id, CopyLink.copy_page_id, CopyLink.relation)).all()
        url = {p.id: p.url for p in s.scalars(select(Page))}
    return [(url[a], url[b], relation) for a, b, relation in rows]


def _wait_for_links(archive, seconds: float) -> float:
    started = time.monotonic()
    while not _links(archive):
        assert time.monotonic() - started < seconds, f"no copy link {seconds} s after both versions were stored"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_library_write_matches_before_record_returns(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
    assert _links(archive) == [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")]
    assert archive.pending_matches() == 0


def test_a_deferred_write_only_queues_and_a_drain_matches(archive):
    archive.writer.matcher = leave_queued  # as beside a matcher process
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
    with archive.session() as s:
        assert s.scalar(select(func.count()).select_from(Fingerprint)) == 0  # not even fingerprinted
    assert (archive.pending_matches(), _links(archive)) == (2, [])
    assert queue.drain_batch(archive.session, batch=1) == 1  # one batch, one transaction, in queue order
    assert (archive.pending_matches(), _links(archive)) == (1, [])
    assert archive.drain_matches() == 1
    assert archive.pending_matches() == 0
    assert _links(archive) == [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")]


def test_a_version_replaced_before_its_turn_is_dequeued_without_matching(archive):
    archive.writer.matcher = leave_queued
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE[:1] + ["An unrelated second paragraph here."], minutes=5)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=10)  # version 2 replaces version 1
    assert archive.drain_matches() == 3
    assert _links(archive) == [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")]
    with archive.session() as s:  # the page's fingerprints are its current version's only
        (copy_id,) = s.scalars(select(Page.id).where(Page.url == f"{MIRROR}/copy/"))
        by_version = {v for v in s.scalars(select(CopyLink.copy_version_id))}
        assert len(by_version) == 1
        assert s.scalar(select(func.count()).select_from(MatchQueue)) == 0
        assert s.scalar(select(func.count()).select_from(Fingerprint).where(Fingerprint.page_id == copy_id)) > 0


def test_a_running_matcher_links_copies_within_the_guarantee(archive, db_url):
    archive.start_matching()
    try:
        assert queue.running(archive.url) is None  # nothing queued yet: no process
        put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)  # the first version queued starts it
        assert queue.running(archive.url).wait_ready(120)  # its start-up is not what the guarantee bounds
        put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
        assert _wait_for_links(archive, queue.GUARANTEE_SECONDS) < queue.GUARANTEE_SECONDS
    finally:
        assert archive.finish_matching() == 0  # the process had drained it all
    assert archive.pending_matches() == 0 and archive.writer.matcher is None


def test_a_run_that_stores_no_new_version_starts_no_matcher_process(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)  # matched at once: nothing left queued
    archive.start_matching()  # a re-check of unchanged pages: it records, but no new version
    try:
        assert archive.record(Fetch("port-news", f"{ORIGIN}/a.html", T0 + timedelta(hours=1), 304, b"",
                                    "text/html")).outcome == "not-modified"
        assert queue.running(archive.url) is None
    finally:
        assert archive.finish_matching() == 0
    assert archive.writer.matcher is None


def test_finish_matching_drains_what_the_process_left(archive, monkeypatch):
    # A matcher that never drains (its process died at once): the command's own drain matches.
    monkeypatch.setattr(queue, "serve", _serve_nothing)
    archive.start_matching()
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
    assert _links(archive) == []
    assert archive.finish_matching() == 2
    assert _links(archive) == [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")]


def _serve_nothing(url, stopping, poll):
    return None


def test_what_a_crash_left_queued_the_next_writers_matcher_drains(archive, db_url):
    archive.writer.matcher = leave_queued  # the run that wrote these was killed before draining
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
    archive.engine.dispose()
    later = Archive.open(db_url)
    later.start_matching()  # a crawl or an import starting: no write of its own yet
    try:
        assert queue.running(later.url).wait_ready(120)
        _wait_for_links(later, queue.GUARANTEE_SECONDS)
    finally:
        later.finish_matching()
        later.engine.dispose()
    assert _links(archive) == [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")]


def _start_a_matcher_and_die(url: str, path: str) -> None:
    matcher = queue.Matcher(url).start()
    Path(path).write_text(str(matcher.process.pid))
    os._exit(0)  # killed: the matcher is never stopped


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_a_matcher_ends_when_the_command_that_started_it_is_killed(db_url, tmp_path):
    pid_file = tmp_path / "matcher.pid"
    command = multiprocessing.get_context("spawn").Process(target=_start_a_matcher_and_die,
                                                           args=(db_url, str(pid_file)))
    command.start()
    command.join(60)
    pid = int(pid_file.read_text())
    started = time.monotonic()
    while not _gone(pid):
        assert time.monotonic() - started < 60, "the matcher outlived its command"  # (its start-up included)
        time.sleep(0.1)


def test_a_matcher_started_from_a_writer_thread_outlives_ctrl_c_while_it_starts(archive, db_url, capfd):
    # A crawl starts its matcher from the writer thread (with the first version queued), where no
    # handler can be set: a Ctrl-C to the process group while the child imports must not kill it.
    started = []
    writer = threading.Thread(target=lambda: started.append(queue.Matcher(db_url).start()))
    writer.start()
    writer.join()
    (matcher,) = started
    for _ in range(20):  # during its spawn and imports
        os.kill(matcher.process.pid, signal.SIGINT)
        time.sleep(0.05)
    assert matcher.wait_ready(120) and matcher.process.is_alive()
    matcher.stop()
    assert matcher.process.exitcode == 0
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_a_matcher_whose_database_cannot_be_opened_ends_quietly(tmp_path, capfd):
    # It starts with the first version queued, which may be after the database went away: the
    # command says so in its one Error line, and the matcher's stderr (the terminal's) stays quiet.
    matcher = queue.Matcher(f"sqlite:///{tmp_path / 'no-such-folder' / 'archive.db'}").start()
    matcher.process.join(120)
    assert matcher.process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err
