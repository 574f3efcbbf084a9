"""The scan on a Dask distributed cluster: the first pass on the workers, one writer here.

The first-pass index is built once from the archive here, then scattered to every
worker (``broadcast``: one copy each, not one per task). Each task is one whole WARC
file (``crawler.scan.files.first_pass_file``): a worker reads it (a local path must be
readable there too: a shared disk; an http(s) URL is fetched by the worker) and hands
back its candidates, the few pages sharing fingerprints with the archive, and its counts.
This process then extracts, verifies and records them, in the order files finish
(``Scanner.finish``). Workers hand results back rather than write to the database: one
writer keeps SQLite usable and the write path's ordering intact, workers need neither
database access nor credentials, and what comes back is small (most pages are no
candidates).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from crawler.scan.files import Candidate, FileCounts, first_pass_file
from crawler.scan.first_pass import FirstPassIndex
from crawler.scan import records
from crawler.scan.scanner import FileDone, Pending, ScanResult, Scanner
from storage.errors import StorageError

CONNECT_TIMEOUT = "10s"  # a scheduler answers within a second; an address nobody listens on fails here


def scan_on_cluster(scanner: Scanner, arguments: Sequence[str], address: str) -> ScanResult:
    """Scan the files of ``arguments`` on the Dask scheduler at ``address``."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise StorageError("Dask is not installed: pip install 'mirrorwatch[cluster]'") from None
    locations = scanner.to_scan(arguments)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise StorageError(f"{address}: no Dask scheduler answers there ({exc})") from None
    with client:
        index = client.scatter(scanner.index, broadcast=True)
        futures = [client.submit(scan_file, location, index, scanner.known, pure=False) for location in locations]
        return scanner.finish(_items(as_completed(futures), scanner))


def scan_file(location: str, index: FirstPassIndex, known: Collection[str]) -> tuple[FileDone, list[Candidate]]:
    """One whole file's first pass, on a worker: (its end, with counts and the worker, and its candidates)."""
    from distributed import get_worker

    counts = FileCounts()
    candidates = list(first_pass_file(location, index, known, counts))
    return FileDone(location, records.size_of(location), counts, get_worker().address), candidates


def _items(finished, scanner: Scanner) -> Iterator[Pending | FileDone]:
    for future in finished:
        done, candidates = future.result()
        future.release()
        for candidate in candidates:
            yield Pending(candidate, done.counts)
        if scanner.on_page is not None:
            scanner.on_page()
        yield done
