"""First crawl, before and after, side by side: pages/s against the extraction ceiling and
``trafilatura -i``, and the CPU of each process of the crawl (#18 items 1 and 2).

    git archive main | tar -x -C /tmp/mw-before
    python -m tests.bench.crawl_split --before /tmp/mw-before [--pages 1000] [--runs 1]

Each run crawls the bench site (``tests.bench.site``: the 181 real pages under N URLs) into a
fresh SQLite archive with the code of ``--before`` (put first on ``PYTHONPATH``) and with this
tree's, then measures the ceiling (trafilatura alone, one process per core) and trafilatura's
command line on the same URLs (``tests.bench.crawl_speed``); medians over the runs. The CPU
split reads ``/proc/<pid>/stat`` of every process of the crawl's tree every 50 ms: the crawl
process itself, the extraction workers, the copy matcher (``mw-matcher`` in ``/proc``; a
crawl without one matches in the crawl process). Without ``--before``, only this tree's.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from tests.bench import measure
from tests.bench.crawl_speed import PY, Workspace, _sources, extraction_ceiling, note, trafilatura_cli
from tests.bench.site import BenchSite

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> tuple[str, float] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return comm, (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def crawl_split(ws: Workspace, site: BenchSite, env: dict) -> dict:
    """One first crawl: wall, CPU of the tree, and CPU by process kind (last seen of each pid)."""
    _sources(ws.dir, site)
    seen: dict[int, tuple[str, float]] = {}
    root: list[int] = []

    def sample(pids: list[int]) -> None:
        root[:] = pids[:1]  # the crawl process itself, the root of the tree
        for pid in pids:
            if (found := _cpu_of(pid)) is not None:
                seen[pid] = found

    result = measure.run([PY, "-m", "crawler", "--db", str(ws.db), "--sources", "sources.toml", "crawl",
                          "--format", "json"], cwd=ws.dir, env=env, on_sample=sample, timeout=3600)
    summary = json.loads(result.stdout)["sources"][0]
    assert summary["new_version"] == site.pages, summary
    split = {"crawl process": 0.0, "extraction workers": 0.0, "matcher": 0.0}
    for pid, (comm, cpu) in seen.items():
        kind = "crawl process" if pid in root else "matcher" if comm == "mw-matcher" else "extraction workers"
        split[kind] += cpu
    return {"wall": result.wall, "cpu": result.cpu, "pages_per_s": site.pages / result.wall,
            "cpu_by_process": {k: round(v, 1) for k, v in split.items()}}


def series(root: Path, pages: int, runs: int, before: Path | None) -> dict:
    sides = {"after": {}} if before is None else {"before": {"PYTHONPATH": str(before)}, "after": {}}
    rows: dict[str, list] = {k: [] for k in (*sides, "ceiling", "cli")}
    for run in range(runs):
        with BenchSite(pages) as site:
            for name, env in sides.items():
                result = crawl_split(Workspace(root, f"{name}-{run}"), site, env)
                note(f"{name}: {result['pages_per_s']:.1f} pages/s, CPU {result['cpu_by_process']}")
                rows[name].append(result)
            cli, _ = trafilatura_cli(site, Workspace(root, f"cli-{run}").dir)
            rows["cli"].append(pages / cli.wall)
        rows["ceiling"].append(extraction_ceiling(pages))
        note(f"ceiling {rows['ceiling'][-1]:.1f} pages/s, trafilatura -i {rows['cli'][-1]:.1f} pages/s")
    ceiling, cli = measure.med(rows["ceiling"]), measure.med(rows["cli"])
    report = {"pages": pages, "runs": runs, "ceiling_pages_per_s": round(ceiling, 1),
              "trafilatura_cli_pages_per_s": round(cli, 1)}
    for name in sides:
        speed = measure.med(r["pages_per_s"] for r in rows[name])
        split = {k: measure.med(r["cpu_by_process"][k] for r in rows[name]) for k in rows[name][0]["cpu_by_process"]}
        report[name] = {"pages_per_s": round(speed, 1), "x_ceiling": round(speed / ceiling, 2),
                        "x_trafilatura_cli": round(speed / cli, 2), "cpu_by_process_s": split}
    return report


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--before", type=Path, help="a source tree of the code to compare with (e.g. main's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mw-split-") as tmp:
        print(json.dumps(series(Path(tmp), args.pages, args.runs, args.before), indent=2))


if __name__ == "__main__":
    sys.exit(main())
