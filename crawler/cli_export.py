"""Commands that move the archive in and out and keep it lean: export, import, reextract, prune.

``export corpus`` and ``export warc`` write files (``storage.export``,
``storage.warc``); ``import warc`` and ``reextract`` go through the crawl's
extraction pool (``crawler.warc_import``, ``crawler.reextract``); ``prune``
is ``storage.retention``. Long work shows a rich progress line on a terminal.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crawler.cliutil import Context, format_option, pass_ctx, user_errors
from crawler.sources import load_sources
from storage.errors import StorageError
from storage.export import COPY_POLICIES, CorpusQuery, corpus_records, write_corpus
from storage.retention import parse_age, prune as prune_archive
from storage.types import utcnow
from storage.warc import export_warc

WHEN_HELP = "an ISO date or time (UTC unless it says), or an age such as 24h or 7d"


@contextlib.contextmanager
def progress(label: str, *, enabled: bool) -> Iterator[Callable[[], None] | None]:
    """A callback advancing a progress line on stderr (count and time), or None when not on a terminal."""
    if not enabled:
        yield None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}: {task.completed:,}"), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda: bar.advance(task)


def _on_terminal(fmt: str = "text") -> bool:
    return fmt == "text" and sys.stderr.isatty()


def parse_when(text: str | None) -> datetime | None:
    """``--since``/``--until``: an ISO date or time, or an age before now."""
    if text is None:
        return None
    if re.fullmatch(r"\s*\d+\s*[smhdw]\s*", text):
        return utcnow() - parse_age(text)
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise StorageError(f"{text!r} is not a date: give {WHEN_HELP}") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _summary(fmt: str, data: dict, text: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(text)


# -- export -------------------------------------------------------------------------


@click.group("export")
def export_group() -> None:
    """Write the archive out: a text corpus, or the raw captures as WARC."""


@export_group.command("corpus")
@click.option("-o", "--output", required=True, help="File to write (.jsonl, .jsonl.gz, .parquet), or - for stdout.")
@click.option("--format", "file_format", type=click.Choice(["jsonl", "parquet"]), default=None,
              help="File format [default: from the file name, else jsonl].")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help=f"Versions captured at or after this: {WHEN_HELP}.")
@click.option("--until", help=f"Versions captured before this: {WHEN_HELP}.")
@click.option("--lang", "languages", multiple=True, help="Only this language, as extracted, e.g. en (repeatable).")
@click.option("--min-words", type=click.IntRange(0), default=0, show_default=True, help="Leave out shorter texts.")
@click.option("--latest/--all-versions", default=True, show_default=True,
              help="One record per page (its current version), or one per version.")
@click.option("--copies", type=click.Choice(COPY_POLICIES), default="keep", show_default=True,
              help="keep every page; drop copies (only originals); merge: drop copies, list their URLs on the original.")
@pass_ctx
@user_errors
def export_corpus(ctx: Context, output: str, file_format: str | None, sources: tuple[str, ...], since: str | None,
                  until: str | None, languages: tuple[str, ...], min_words: int, latest: bool, copies: str) -> None:
    """Write a de-duplicated text corpus with provenance, as JSONL or Parquet.

    \b
    Example:
      mirrorwatch export corpus -o corpus.jsonl --copies merge --lang en --min-words 100
      mirrorwatch export corpus -o corpus.parquet --all-versions --since 2026-01-01
    """
    fmt = file_format or ("parquet" if output.endswith(".parquet") else "jsonl")
    query = CorpusQuery(sources=sources, since=parse_when(since), until=parse_when(until), languages=languages,
                        min_words=min_words, latest=latest, copies=copies)
    archive = ctx.archive()
    with progress("exporting corpus", enabled=_on_terminal() and output != "-") as tick:
        count = write_corpus(corpus_records(archive.session, query), output, fmt=fmt, on_record=tick)
    click.echo(f"{count} record{'s' if count != 1 else ''} written to {output} ({fmt})", err=True)


@export_group.command("warc")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="WARC file to write (gzip, e.g. captures.warc.gz).")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help=f"Captures fetched at or after this: {WHEN_HELP}.")
@click.option("--until", help=f"Captures fetched before this: {WHEN_HELP}.")
@format_option
@pass_ctx
@user_errors
def export_warc_command(ctx: Context, output: Path, sources: tuple[str, ...], since: str | None, until: str | None,
                        fmt: str) -> None:
    """Write the stored captures as WARC response records, each with a metadata record.

    \b
    Example:
      mirrorwatch export warc -o captures.warc.gz --source example-news
    """
    archive = ctx.archive()
    with progress("exporting captures", enabled=_on_terminal(fmt)) as tick:
        result = export_warc(archive.session, output, sources=sources, since=parse_when(since),
                             until=parse_when(until), on_record=tick)
    data = {"output": str(output), "responses": result.responses, "skipped_no_response": result.skipped_no_response}
    _summary(fmt, data, f"{result.responses} captures written to {output}"
             + (f"; {result.skipped_no_response} without a response left out" if result.skipped_no_response else ""))


# -- import ---------------------------------------------------------------------------


@click.group("import")
def import_group() -> None:
    """Bring captures in from other tools."""


@import_group.command("warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--role", type=click.Choice(["origin", "mirror"]), default="origin", show_default=True,
              help="Role of the sources created for sites the archive and sources file do not know.")
@format_option
@pass_ctx
@user_errors
def import_warc(ctx: Context, files: tuple[Path, ...], role: str, fmt: str) -> None:
    """Import the HTTP responses of WARC files through the crawl's pipeline.

    Each response becomes a capture of its page (extracted, versioned and matched
    for copies as a crawled page is). Malformed records are counted and skipped.

    \b
    Example:
      mirrorwatch import warc CC-NEWS-20260101000000-00001.warc.gz
    """
    from crawler.warc_import import WarcImporter  # Scrapy is slow to import
    from storage.warc_read import check_warc

    for path in files:
        check_warc(path)
    configured = load_sources(ctx.sources).values() if Path(ctx.sources).exists() else ()
    importer = WarcImporter(ctx.archive(), configured=list(configured), role=role)
    with progress("importing responses", enabled=_on_terminal(fmt)) as tick:
        result = importer.run(files, on_response=tick)
    data = result.as_dict()
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in data["outcomes"].items()) or "nothing recorded"
    skipped = "; ".join(f"{n} {reason}" for reason, n in data["skipped"].items())
    text = f"{data['responses']} responses read from {data['files']} file(s): {outcomes}"
    if skipped:
        text += f"\nskipped: {skipped}"
    if data["sources_created"]:
        text += f"\nnew sources: {', '.join(data['sources_created'])}"
    _summary(fmt, data, text)


# -- reextract and prune -----------------------------------------------------------------


@click.command()
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--all", "everything", is_flag=True,
              help="Every page, not only those extracted by another extractor version or options.")
@format_option
@pass_ctx
@user_errors
def reextract(ctx: Context, sources: tuple[str, ...], everything: bool, fmt: str) -> None:
    """Run extraction again on the stored raw bodies, after the extractor or its options changed.

    A text that differs only because of the extractor becomes a version of class
    extractor-changed, never reported as an edit by the site.

    \b
    Example:
      mirrorwatch reextract --source example-news
    """
    from crawler.reextract import reextract as run_reextract  # Scrapy is slow to import

    with progress("re-extracting", enabled=_on_terminal(fmt)) as tick:
        counts = run_reextract(ctx.archive(), sources=sources, everything=everything, on_page=tick)
    _summary(fmt, counts, f"{counts['pages']} pages re-extracted: {counts['new_version']} new versions "
             f"(extractor-changed), {counts['unchanged']} unchanged, {counts['no_text']} without text, "
             f"{counts['failed']} failed")


@click.command()
@click.option("--older-than", default="90d", show_default=True,
              help="Only captures fetched longer ago than this age (s, m, h, d, w).")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@format_option
@pass_ctx
@user_errors
def prune(ctx: Context, older_than: str, dry_run: bool, fmt: str) -> None:
    """Remove old identical captures (every version and its first capture stay) and unused bodies.

    \b
    Example:
      mirrorwatch prune --older-than 30d --dry-run
    """
    before = utcnow() - parse_age(older_than)
    result = prune_archive(ctx.archive().session, before=before, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    _summary(fmt, {**result.as_dict(), "before": before.isoformat()},
             f"{verb} {result.captures} identical captures older than {older_than} and "
             f"{result.blobs} unused bodies ({result.blob_bytes:,} bytes stored)")

