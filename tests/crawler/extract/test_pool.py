"""The extraction pool: workers forked from a forkserver that loaded the extractor once."""

from __future__ import annotations

import gc
import gzip
import multiprocessing
import os
import resource
import signal
from concurrent.futures import ProcessPoolExecutor

from crawler.extract.extractor import extract
from crawler.extract.pool import Job, extract_in_order, new_pool
from tests.support.databases import shared_path


def what_a_worker_holds() -> tuple[bool, bool, int]:
    """Run in a worker: is py3langid's model there before any page, is what was loaded frozen, whose child is it."""
    import py3langid.langid

    return py3langid.langid.IDENTIFIER is not None, gc.get_freeze_count() > 0, os.getppid()


def test_workers_start_with_the_extractor_and_language_model_loaded_in_the_forkserver():
    # Loaded once in the forkserver and shared copy-on-write: a spawned worker would load its
    # own copy of the 74 MB model on its first page (IDENTIFIER None until then).
    pool = new_pool(2)
    try:
        holds = [pool.submit(what_a_worker_holds).result(timeout=120) for _ in range(4)]
    finally:
        pool.shutdown()
    assert all(model and frozen for model, frozen, _ in holds)
    (parent,) = {ppid for _, _, ppid in holds}
    assert parent != os.getpid()  # the forkserver's children, not this process's forks


def sigint_is_ignored() -> bool:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_a_process_forked_from_the_forkserver_ignores_sigint_before_any_initializer_runs():
    # A Ctrl-C reaches the whole process group: a worker still starting must not die of it.
    pool = new_pool(1)
    try:
        pool.submit(os.getpid).result(timeout=120)  # the forkserver runs, with crawler.extract.preload
        bare = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))  # no initializer
        try:
            assert bare.submit(sigint_is_ignored).result(timeout=120)
        finally:
            bare.shutdown()
    finally:
        pool.shutdown()


def test_a_forked_worker_extracts_what_this_process_extracts():
    pages = sorted(shared_path("data/article-pages/html").glob("*.html.gz"))[:12]
    bodies = [gzip.decompress(path.read_bytes()) for path in pages]
    done = list(extract_in_order(range(len(bodies)), lambda i: Job(bodies[i], f"http://127.0.0.1/{i}"), workers=2))
    assert [d.item for d in done] == list(range(len(bodies)))
    assert [d.error for d in done] == [None] * len(bodies)
    assert [d.extracted for d in done] == [extract(body, url=f"http://127.0.0.1/{i}") for i, body in enumerate(bodies)]


def test_the_workers_cpu_is_counted_in_this_process_children_once_the_pool_is_done():
    # The forkserver forks and waits for the workers; stopped and waited for with its pool, their
    # CPU reaches this process's children, as a spawned worker's did (``time mirrorwatch crawl``,
    # the benchmarks). A forkserver left running would take it with it, counted nowhere.
    pages = sorted(shared_path("data/article-pages/html").glob("*.html.gz"))[:12]
    bodies = [gzip.decompress(path.read_bytes()) for path in pages]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = list(extract_in_order(bodies, lambda body: Job(body, "http://127.0.0.1/a.html"), workers=2))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert [d.error for d in done] == [None] * len(bodies)
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert children > 0.3  # the forkserver's imports and twelve real pages; 0.0 while the forkserver runs
