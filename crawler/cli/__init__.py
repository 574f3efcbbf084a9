"""The ``mirrorwatch`` command line: parse, call the library, format.

Commands, one module per group:

* ``sources``   sources, sources add, sources test
* ``crawl``     crawl, runs
* ``pages``     history, diff, copies, compare
* ``inspect``   captures, show, search
* ``report``    report
* ``discover``  discover
* ``schedule``  schedule
* ``files``     export corpus|warc, import warc
* ``scan``      scan (copies of the archive in WARC files)
* ``upkeep``    reextract, prune, db upgrade
* ``serve``     serve
* ``demo``      demo

Each parses its options, calls ``storage`` or ``crawler`` and prints through
``common.emit``. Errors a user can cause (bad sources file, unknown URL, unreachable
database) become one line on stderr and exit status 1; nothing here prints a traceback.
"""

from __future__ import annotations

import logging
import os
import sys

import importlib

import click

from crawler.cli.common import Context

# storage.db.DEFAULT_DB and crawler.sources.DEFAULT_SOURCES, written here so that start-up does
# not load SQLAlchemy, Alembic and APScheduler (tests/crawler/cli/test_startup.py checks they agree).
DEFAULT_DB = "mirrorwatch.db"
DEFAULT_SOURCES = "sources.toml"
_LOG_HANDLER_NAME = "mirrorwatch-cli"

# Each command's module is imported when the command is used: ``mirrorwatch crawl`` does not
# load the report, export or scheduler code (nor Jinja2, APScheduler, ...) before it starts.
COMMANDS = {
    "sources": "sources:sources",
    "crawl": "crawl:crawl", "runs": "crawl:runs",
    "history": "pages:history", "diff": "pages:diff", "copies": "pages:copies", "compare": "pages:compare",
    "report": "report:report", "schedule": "schedule:schedule",
    "export": "files:export_group", "import": "files:import_group",
    "reextract": "upkeep:reextract", "prune": "upkeep:prune", "db": "upkeep:db",
    "serve": "serve:serve", "demo": "demo:demo",
    "captures": "inspect:captures", "show": "inspect:show", "search": "inspect:search",
    "scan": "scan:scan", "discover": "discover:discover",
}


class LazyGroup(click.Group):
    """A group whose commands (``COMMANDS``: name → module:attribute) load when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(f"crawler.cli.{module}"), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="MIRRORWATCH_DB", default=DEFAULT_DB, show_default=True,
              help="Archive database: an SQLAlchemy URL or a SQLite file path [env MIRRORWATCH_DB].")
@click.option("--sources", envvar="MIRRORWATCH_SOURCES", default=DEFAULT_SOURCES, show_default=True,
              help="Sources file [env MIRRORWATCH_SOURCES].")
@click.option("-v", "--verbose", count=True, help="More log output (-v: info, -vv: debug).")
@click.version_option(package_name="mirrorwatch")
@click.pass_context
def cli(ctx: click.Context, db: str, sources: str, verbose: int) -> None:
    """mirrorwatch: a versioned archive of articles and of the sites that copy them.

    \b
    Example:
      mirrorwatch --sources sources.toml crawl
      mirrorwatch history https://example.org/news/article.html
    """
    ctx.obj = Context(db, sources, verbose)
    _log_to_stderr([logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)])


def _log_to_stderr(level: int) -> None:
    """One handler of ours on the root logger, however often the group runs in one process."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _LOG_HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.set_name(_LOG_HANDLER_NAME)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic names each of its plugins at INFO when it is first imported, which (commands load
    # lazily) now happens after this: eight lines of noise before any -v output that matters.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(level, logging.WARNING))


def main() -> None:
    """The console script. A reader that went away (``mirrorwatch report | head``) ends the
    output quietly, exit status 1: click stops the command at the broken pipe, and what is still
    buffered for stdout goes to /dev/null rather than to an "Exception ignored" message at exit."""
    try:
        cli(prog_name="mirrorwatch")
    except SystemExit:
        _flush_stdout()
        raise
    except BrokenPipeError:
        _discard_stdout()
        raise SystemExit(1) from None


def _flush_stdout() -> None:
    try:
        sys.__stdout__.flush()  # what is still buffered fails here, when the reader went away
    except BrokenPipeError:
        _discard_stdout()
        raise SystemExit(1) from None


def _discard_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.__stdout__.fileno())
    os.close(devnull)


__all__ = ["COMMANDS", "cli", "main"]
