"""Several writer processes on one archive never duplicate or lose rows."""

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from storage.archive import Archive
from storage.models import Blob, Capture, Page, Version
from tests.support.databases import REPO
from tests.support.writer_process import OWN, SHARED


@pytest.mark.slow
def test_two_processes_recording_the_same_new_pages(db_url):
    Archive.open(db_url).engine.dispose()  # migrate once, before the writers race
    start = time.time() + 2.0
    writers = [subprocess.Popen([sys.executable, "-m", "tests.support.writer_process", db_url, name, str(start)],
                                cwd=REPO, env=os.environ.copy(), stderr=subprocess.PIPE, text=True)
               for name in ("alpha", "beta")]
    for writer in writers:
        _, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err[-2000:]
    archive = Archive.open(db_url)
    with archive.session() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(Page) == SHARED + 2 * OWN  # no page twice
        assert count(Version) == SHARED + 2 * OWN  # one version per page, none duplicated
        assert count(Capture) == 2 * (SHARED + OWN)  # every fetch kept
        assert count(Blob) == SHARED + OWN  # each body once (both writers own pages with equal bodies)
        per_page = s.execute(select(Version.page_id, func.count()).group_by(Version.page_id)).all()
        assert {n for _, n in per_page} == {1}
        outcomes = dict(s.execute(select(Capture.outcome, func.count()).group_by(Capture.outcome)).all())
    assert outcomes == {"new-version": SHARED + 2 * OWN, "unchanged": SHARED}
    archive.engine.dispose()
