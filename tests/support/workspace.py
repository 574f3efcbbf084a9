"""A workspace: a working directory with a sources file and an archive, and the CLI to drive
them, in a subprocess (``Workspace.run``) or, for read-only commands, in this process
(``Workspace.cli``, with click's ``CliRunner``)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from crawler.demo.server import SiteServer
from tests.support.sites import Site

# Commands that must run in a subprocess: a crawl starts the Twisted reactor (which cannot
# restart in one process) and extraction pools.
SUBPROCESS_ONLY = {"crawl", "schedule", "serve", "demo", "import", "reextract"}


def command_of(args) -> str | None:
    """The command of a mirrorwatch command line (after the group's options)."""
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg in ("--db", "--sources"):
            args = args[1:]
        elif not arg.startswith("-"):
            return arg
    return None


@dataclass
class CliResult:
    """What ``subprocess.run(..., capture_output=True, text=True)`` would give."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_in_process(args: list[str], *, cwd: Path) -> CliResult:
    """``mirrorwatch ARGS`` through click's CliRunner in ``cwd``. Click 8.2+ keeps stdout and
    stderr apart (``result.stdout``/``result.stderr``; there is no ``mix_stderr`` any more)."""
    from click.testing import CliRunner

    from crawler.cli import cli

    env = {"MIRRORWATCH_EXTRACT_WORKERS": "1", "MIRRORWATCH_DB": None, "MIRRORWATCH_SOURCES": None}
    with working_directory(cwd):
        result = CliRunner().invoke(cli, args, prog_name="mirrorwatch", env=env)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # an uncaught exception: what the interpreter would print before exiting 1
        stderr += "".join(traceback.format_exception(result.exception))
    gc.collect()  # engines the command opened: close their SQLite connections now
    return CliResult(["mirrorwatch", *args], result.exit_code, result.stdout, stderr)


def source_table(site: Site, *, name: str = "test", role: str = "origin", **fields) -> str:
    """One ``[[source]]`` table for a local site (all of its pages under /articles/ by default)."""
    fields.setdefault("start_urls", [site.url + "/"])
    fields.setdefault("allow", ["/articles/"])
    lines = [f'name = "{name}"', f'role = "{role}"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    return "[[source]]\n" + "\n".join(lines) + "\n"


@dataclass
class Workspace:
    """A working directory with a sources file and an archive, and the CLI to drive them."""

    dir: Path

    @property
    def db(self) -> Path:
        return self.dir / "mirrorwatch.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db}"

    def sources(self, text: str) -> None:
        (self.dir / "sources.toml").write_text(text, encoding="utf-8")

    def source(self, site: Site, *, name: str = "test", role: str = "origin", **fields) -> None:
        self.sources(source_table(site, name=name, role=role, **fields))

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None,
            script: str | None = None) -> subprocess.CompletedProcess:
        """``mirrorwatch ARGS`` in a subprocess (or ``python -c SCRIPT ARGS``: a probe that runs the command)."""
        env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", **(env or {})}
        env.pop("MIRRORWATCH_DB", None)
        env.pop("MIRRORWATCH_SOURCES", None)
        program = ["-c", script] if script else ["-m", "crawler"]
        result = subprocess.run([sys.executable, *program, *args], cwd=self.dir, env=env,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"mirrorwatch {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def cli(self, *args: str, check: bool = True) -> CliResult:
        """A read-only command run in this process with click's runner, as ``run`` runs it in a
        subprocess: the workspace as working directory, MIRRORWATCH_DB/SOURCES cleared; the
        result has ``returncode``, ``stdout`` and ``stderr`` like a CompletedProcess. Not for
        ``crawl``, ``schedule``, ``serve``, ``demo``, ``import warc`` or ``reextract`` (the
        Twisted reactor cannot restart, and they start process pools)."""
        if command_of(args) in SUBPROCESS_ONLY:
            raise ValueError(f"mirrorwatch {args[0]} must run in a subprocess: use Workspace.run")
        result = run_in_process(list(args), cwd=self.dir)
        if check and result.returncode != 0:
            raise AssertionError(f"mirrorwatch {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def json(self, *args: str) -> dict:
        runner = self.run if command_of(args) in SUBPROCESS_ONLY else self.cli
        return json.loads(runner(*args, "--format", "json").stdout)

    def captures(self) -> list[tuple[str, str, int | None]]:
        """Every capture of the archive as (page URL, outcome, status), in the order stored."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute("select p.url, c.outcome, c.status from capture c join page p on p.id = c.page_id"
                                " order by c.id").fetchall()

    def crawl(self, *names: str) -> dict:
        """One crawl; returns {"summary": row of the only source, "stats": its stats}."""
        data = self.json("crawl", *names)
        row = data["sources"][0]
        return {"summary": row, "stats": data["stats"][row["source"]]}


@contextmanager
def demo_sites(tmp: Path) -> Iterator[tuple[Workspace, SiteServer, SiteServer]]:
    """The bundled demo sites (the seed article's news site and blog) copied into ``tmp`` and
    served, with a workspace whose sources file names them; yields (ws, origin, blog)."""
    from crawler.demo.run import SOURCES

    shutil.copytree(files("crawler.demo") / "sites", tmp / "sites")
    ws = Workspace(tmp)
    with SiteServer(tmp / "sites" / "origin") as origin, SiteServer(tmp / "sites" / "blog") as blog:
        ws.sources(SOURCES.format(origin=origin.url, blog=blog.url))
        yield ws, origin, blog
