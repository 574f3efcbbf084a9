"""`mirrorwatch scan --dask`: a real `dask scheduler` and two `dask worker` processes on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from crawler.cli import cli
from storage.archive import Archive
from storage.models import CopyLink, Page
from tests.crawler.scan.planted import EXPECTED_RELATION, KINDS, archive_articles, articles, plant, unrelated, write_warc
from tests.crawler.scan.local_cluster import free_port, local_cluster
from tests.support.databases import unavailable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, each its own process."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        unavailable("Dask is not installed (pip install -e '.[cluster]')")
    with local_cluster(2, tmp_path_factory.mktemp("dask")) as address:
        yield address


def test_scan_on_two_dask_workers_records_the_planted_copies_once(cluster, sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORWATCH_EXTRACT_WORKERS", "1")
    chosen = articles(20)
    archive = Archive.open(sqlite_url)
    archive_articles(archive, chosen)
    archive.engine.dispose()
    planted = {f"https://copies-{n}.example.net/news/{kind}.html": kind for n, kind in enumerate(KINDS)}
    files = []
    bodies = list(unrelated(80))
    for n, (url, kind) in enumerate(planted.items()):  # four files, one planted copy in each
        pages = [(f"https://site-{n}.example.org/{i}.html", body) for i, body in enumerate(bodies[20 * n:20 * n + 20])]
        pages.insert(5, (url, plant(chosen[n], kind, site=n)[1]))
        files.append(tmp_path / f"part-{n}.warc.gz")
        write_warc(files[-1], pages)
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "scan", *map(str, files), "--dask", cluster, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert sorted(data["files"]) == sorted(map(str, files))
    assert (data["records"], data["html_pages"], data["recorded"]) == (84, 84, 4)
    assert data["matches"] == {"cosmetic": 2, "edited": 1, "excerpt": 1}
    assert sum(data["workers"].values()) == 4 and set(data["workers"]) <= _workers(cluster)
    archive = Archive.open(sqlite_url)
    with archive.session() as s:
        assert s.scalar(select(func.count(Page.id))) == 20 + 4
        relations = dict(s.execute(select(Page.url, CopyLink.relation).join(CopyLink, CopyLink.copy_page_id == Page.id)).all())
    archive.engine.dispose()
    assert relations == {url: EXPECTED_RELATION[kind] for url, kind in planted.items()}
    # Run again through MIRRORWATCH_DASK: every file was scanned to its end, nothing is sent.
    again = CliRunner(env={"MIRRORWATCH_DASK": cluster}).invoke(cli, ["--db", sqlite_url, "scan", *map(str, files),
                                                                      "--format", "json"])
    assert json.loads(again.stdout)["files_skipped"] == [str(f) for f in files]


def _workers(address: str) -> set[str]:
    import distributed

    with distributed.Client(address, timeout="30s") as client:
        return set(client.scheduler_info()["workers"])


def test_an_address_where_no_scheduler_listens_is_one_line(sqlite_url, tmp_path):
    warc = tmp_path / "one.warc.gz"
    write_warc(warc, [("https://x.example/", b"<html><body><p>hello</p></body></html>")])
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "scan", str(warc), "--dask", f"tcp://127.0.0.1:{free_port()}"])
    assert out.exit_code == 1
    assert out.output.startswith(f"Error: tcp://127.0.0.1:") and "no Dask scheduler answers there" in out.output
    assert len(out.output.strip().splitlines()) == 1
