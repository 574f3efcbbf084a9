"""``export corpus|warc`` and ``import warc``: the archive out as files, and captures in from them.

``export corpus`` and ``export warc`` write files (``storage.interchange``); ``import warc``
goes through the crawl's extraction pool and write path (``crawler.ingest.warc``).
Long work shows a progress line on a terminal.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import Context, emit, format_option, on_terminal, pass_ctx, progress, user_errors
from crawler.sources import load_sources
from storage.interchange.corpus import COPY_POLICIES, CorpusQuery, corpus_records, write_corpus
from storage.interchange.warc_out import export_warc
from storage.when import WHEN_HELP, parse_when


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
    with progress("exporting corpus", enabled=on_terminal() and output != "-") as tick:
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
    start, end = parse_when(since), parse_when(until)
    archive = ctx.archive()
    with progress("exporting captures", enabled=on_terminal(fmt)) as tick:
        result = export_warc(archive.session, output, sources=sources, since=start, until=end, on_record=tick)
    data = {"output": str(output), "responses": result.responses, "skipped_no_response": result.skipped_no_response}
    emit(fmt, data, f"{result.responses} captures written to {output}"
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
    from crawler.ingest.warc import WarcImporter  # Scrapy is slow to import
    from storage.interchange.warc_in import check_warc

    for path in files:
        check_warc(path)
    configured = load_sources(ctx.sources).values() if Path(ctx.sources).exists() else ()
    importer = WarcImporter(ctx.archive(write=True), configured=list(configured), role=role)
    with progress("importing responses", enabled=on_terminal(fmt)) as tick:
        result = importer.run(files, on_response=tick)
    data = result.as_dict()
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in data["outcomes"].items()) or "nothing recorded"
    skipped = "; ".join(f"{n} {reason}" for reason, n in data["skipped"].items())
    text = f"{data['responses']} responses read from {data['files']} file(s): {outcomes}"
    if skipped:
        text += f"\nskipped: {skipped}"
    if data["sources_created"]:
        text += f"\nnew sources: {', '.join(data['sources_created'])}"
    emit(fmt, data, text)
