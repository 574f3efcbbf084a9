"""``reextract``, ``prune``, ``db upgrade`` and ``db match``: keeping an archive current and lean.

``reextract`` runs today's extractor over stored bodies (``crawler.ingest.reextract``);
``prune`` drops identical old captures (``storage.retention``); ``db upgrade`` migrates;
``db match`` matches the versions a killed run left queued for copy matching (``storage.copies.queue``).
"""

from __future__ import annotations

import click

from crawler.cli.common import Context, emit, format_option, on_terminal, pass_ctx, progress, user_errors
from storage.db import open_engine, shown, upgrade
from storage.retention import prune as prune_archive
from storage.types import utcnow
from storage.when import DURATION_HELP, parse_duration


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
    from crawler.ingest.reextract import reextract as run_reextract  # the extraction pool is slow to import

    with progress("re-extracting", enabled=on_terminal(fmt)) as tick:
        counts = run_reextract(ctx.archive(write=True), sources=sources, everything=everything, on_page=tick)
    emit(fmt, counts, f"{counts['pages']} pages re-extracted: {counts['new_version']} new versions "
         f"(extractor-changed), {counts['unchanged']} unchanged, {counts['no_text']} without text, "
         f"{counts['failed']} failed")


@click.command()
@click.option("--older-than", default="90d", show_default=True,
              help=f"Only captures fetched longer ago than this age: {DURATION_HELP}.")
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
    before = utcnow() - parse_duration(older_than, allow_zero=True)
    result = prune_archive(ctx.archive(write=not dry_run).session, before=before, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    emit(fmt, {**result.as_dict(), "before": before.isoformat()},
         f"{verb} {result.captures} identical captures older than {older_than} and "
         f"{result.blobs} unused bodies ({result.blob_bytes:,} bytes stored)")


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_ctx
@user_errors
def db_upgrade(ctx: Context) -> None:
    """Create the database or migrate it to the latest schema.

    \b
    Example:
      mirrorwatch --db postgresql://localhost/mirrorwatch db upgrade
    """
    engine = open_engine(ctx.db, migrate=False)
    where = shown(ctx.db)
    before, after = upgrade(engine, where)
    click.echo(f"{where}: already at {after}" if before == after else f"{where}: {before or 'empty'} -> {after}")


@db.command("match")
@format_option
@pass_ctx
@user_errors
def db_match(ctx: Context, fmt: str) -> None:
    """Match the copies of versions still queued (a crawl or an import that was killed left them).

    Any crawl or import drains the queue first as well; this does it without one.

    \b
    Example:
      mirrorwatch db match
    """
    matched = ctx.archive(write=True).drain_matches()
    emit(fmt, {"matched": matched}, f"{matched} queued versions matched for copies")
