"""What every command shares: the context, common options, error handling, output and progress.

Every command prints through :func:`emit` (JSON on stdout, HTML, or text on a terminal) and
shows long work through :func:`progress`, so that ``--format``, ``-o``, the one-line errors
and the progress line behave alike everywhere.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from storage.errors import StorageError

if TYPE_CHECKING:  # rich, SQLAlchemy and the archive load when a command uses them, not at start-up
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from storage.archive import Archive

FORMATS = click.Choice(["text", "json"])
REPORT_FORMATS = click.Choice(["text", "json", "html"])


class Context:
    """The global options, handed to every command by ``pass_ctx``."""

    def __init__(self, db: str, sources: str, verbose: int):
        self.db = db
        self.sources = sources
        self.verbose = verbose

    def archive(self, *, write: bool = False) -> Archive:
        """The archive at ``--db``. Only a command that writes (``write=True``) creates or
        migrates it; any other finds it as it is, or stops in one line (no archive there,
        another application's database, an older or newer schema)."""
        from storage.archive import Archive

        return Archive.open(self.db, read_only=not write)


pass_ctx = click.pass_obj


def user_errors(func):
    """Turn the library's user-facing errors into one line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except StorageError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            if _loaded_error(exc, "crawler.sources", "SourcesError"):
                raise click.ClickException(str(exc)) from None
            if not _loaded_error(exc, "sqlalchemy.exc", "SQLAlchemyError"):
                raise
            # Locked past the busy timeout, disk full, connection lost.
            from storage.db import SQLITE_BUSY_TIMEOUT_MS, database_url
            from storage.dbfaults import describe

            ctx = click.get_current_context().find_object(Context)
            url = database_url(ctx.db) if ctx else None
            raise click.ClickException(describe(exc, url, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)) from None

    return wrapper


def _loaded_error(exc: Exception, module: str, name: str) -> bool:
    """Whether ``exc`` is a ``module.name``; a command that never loaded the module cannot have raised one
    (so that a command's start-up does not load SQLAlchemy or the sources parser only to name their errors)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, getattr(loaded, name))


def format_option(func):
    return click.option("--format", "fmt", type=FORMATS, default="text", show_default=True,
                        help="Output format; json is machine-readable, on stdout.")(func)


def report_format_option(func):
    return click.option("--format", "fmt", type=REPORT_FORMATS, default="text", show_default=True,
                        help="Output format.")(func)


output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write the report to this file instead of stdout.")

Text = "Callable[[Console, dict], None] | str"


def emit(fmt: str, data: dict, text: Text, html: Callable[[dict], str] | None = None,
         output: Path | None = None) -> None:
    """Write ``data`` as JSON, HTML or text (a rendering function, or a ready line), to ``output`` or stdout.

    ``output`` is written as every ``-o`` is (``storage.interchange.atomic``): whole or not at all."""
    if fmt == "json":
        render: Callable[[Console], None] | str = json.dumps(data, indent=2, ensure_ascii=False)
    elif fmt == "html" and html is not None:
        render = html(data)
    elif isinstance(text, str):
        render = text
    else:
        def render(console: Console) -> None:
            text(console, data)
    if output:
        from storage.interchange.atomic import written_atomically

        with written_atomically(output) as target, target.open("w", encoding="utf-8") as fh:
            if callable(render):
                from rich.console import Console

                render(Console(file=fh))
            else:
                fh.write(render + "\n")
    elif callable(render):
        from rich.console import Console

        render(Console())
    else:
        click.echo(render)


def on_terminal(fmt: str = "text") -> bool:
    """Whether to show progress: text output, and a person watching stderr."""
    return fmt == "text" and sys.stderr.isatty()


class Ticker:
    """The progress lines of one command on stderr: ``tick(key)`` counts on the line ``key``,
    ``tick.show(key, text)`` sets its whole text (several lines if need be: a URL is never cut),
    ``tick.note(text)`` prints a line above them."""

    def __init__(self, bar: Progress, label: str, unit: str):
        self.bar, self.label, self.unit = bar, label, unit
        self.tasks: dict[str, TaskID] = {}
        self.counts: dict[str, int] = {}

    def _task(self, key: str) -> TaskID:
        if key not in self.tasks:
            self.tasks[key] = self.bar.add_task(key, total=None, line=key)
        return self.tasks[key]

    def __call__(self, key: str | None = None) -> None:
        key = key or self.label
        self.counts[key] = self.counts.get(key, 0) + 1
        self.show(key, f"{key}: {self.counts[key]:,}" + (f" {self.unit}" if self.unit else ""))

    def show(self, key: str, text: str) -> None:
        self.bar.update(self._task(key), line=text)

    def note(self, text: str) -> None:
        from rich.text import Text

        self.bar.console.print(Text(text))


@contextlib.contextmanager
def progress(label: str, *, enabled: bool, unit: str = "") -> Iterator[Ticker | None]:
    """A :class:`Ticker` on stderr, one line per key (a crawl of several sources shows one per
    source); None when not on a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Column

    columns = [SpinnerColumn(), TextColumn("{task.fields[line]}", markup=False, table_column=Column(overflow="fold")),
               TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield Ticker(bar, label, unit)
