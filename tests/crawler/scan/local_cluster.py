"""A real Dask cluster on 127.0.0.1: one `dask scheduler` and N single-threaded `dask worker` processes."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_cluster(workers: int, folder: Path) -> Iterator[str]:
    """The scheduler's address, once ``workers`` workers have joined; every process stopped after."""
    import distributed

    dask = Path(sys.executable).parent / "dask"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  **quiet)]
    try:
        for n in range(workers):
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--memory-limit", "0",
                 "--no-dashboard", "--local-directory", str(folder / f"worker-{n}")], **quiet))
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
