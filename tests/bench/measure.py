"""Run a command and measure it: wall time, CPU time of its whole process tree, peak memory.

Peak memory is the largest sum of resident set sizes of the process and all its
descendants (the crawl and its extraction workers), sampled every 50 ms from /proc.
CPU time is user + system of the process tree, from ``RUSAGE_CHILDREN``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float
    peak_rss_mb: float
    stdout: str


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def _rss_mb(pids: list[int]) -> float:
    return _proc_mb(pids, "status", "VmRSS:")


def _pss_mb(pids: list[int]) -> float:
    """The proportional set size of the processes together: each page they share counted once
    (split among the processes that map it), where the sum of resident sizes counts it in each.
    It is what the processes together take from the machine's memory."""
    return _proc_mb(pids, "smaps_rollup", "Pss:")


def _proc_mb(pids: list[int], name: str, field: str) -> float:
    """The sum over ``pids`` of a ``/proc/<pid>/<name>`` field given in kB; gone processes count 0."""
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/{name}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass
    return total / 1024


def run(cmd: list[str], *, cwd: str | Path | None = None, env: dict | None = None, timeout: float = 1800,
        check: bool = True, on_sample: Callable[[list[int]], None] | None = None) -> Measured:
    """``on_sample``: called with the process tree's pids at each sample (every 50 ms)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            pids = _tree(proc.pid)
            peak = max(peak, _rss_mb(pids))
            if on_sample is not None:
                on_sample(pids)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{err[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak, out)


def own_peak_rss_kib() -> int:
    """This process's own peak resident size, in KiB. Not ``ru_maxrss`` alone: Linux carries
    the parent's size at fork over the exec into it (a crawl started by a 500 MB pytest
    process reports 500 MB whatever it used), while ``VmHWM`` belongs to the memory map
    the exec made new."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def med(values) -> float:
    return median(list(values))
