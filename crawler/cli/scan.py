"""``scan``: copies of the archive in WARC files of the web at large (``crawler.scan``)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import Context, emit, format_option, on_terminal, pass_ctx, progress, user_errors
from crawler.sources import load_sources
from storage.archive import Archive
from storage.db import NoArchive
from storage.errors import StorageError


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--again", is_flag=True, help="Scan files already scanned to their end, too.")
@click.option("--dask", "dask_address", envvar="MIRRORWATCH_DASK", metavar="tcp://HOST:8786",
              help="Run the first pass on this Dask scheduler's workers [env MIRRORWATCH_DASK].")
@format_option
@pass_ctx
@user_errors
def scan(ctx: Context, files: tuple[str, ...], again: bool, dask_address: str | None, fmt: str) -> None:
    """Find copies of archived pages in WARC files: local .warc/.warc.gz, http(s) URLs, or listings of them.

    Each HTML page goes through a cheap first pass against the archive's fingerprints;
    only candidates are extracted and aligned. A match is recorded on a discovered
    source (role mirror, never crawled until added with `sources add`); other pages are
    counted, not stored. Files scanned to their end are skipped next time, unless --again.

    \b
    Example:
      mirrorwatch scan CC-NEWS-20261201000000-00001.warc.gz
      mirrorwatch scan warc.paths --dask tcp://10.0.0.5:8786
    """
    from crawler.scan.scanner import Scanner  # numpy, selectolax and the extraction pool are slow to import

    try:
        ctx.archive().engine.dispose()  # a scan looks for copies of an archive: there must be one
    except NoArchive:
        raise
    except StorageError:
        pass  # an older schema: migrated by the writer below
    configured = [s.origin for s in load_sources(ctx.sources).values()] if Path(ctx.sources).exists() else []
    scanner = Scanner(Archive.open(ctx.db), configured=configured, again=again)
    with progress("scanning pages", enabled=on_terminal(fmt)) as tick:
        scanner.on_page = tick
        if dask_address:
            from crawler.scan.cluster import scan_on_cluster

            result = scan_on_cluster(scanner, files, dask_address)
        else:
            result = scanner.run(files)
    emit(fmt, result.as_dict(), _text)


def _text(console, data: dict) -> None:
    files = f"{len(data['files'])} file(s) scanned"
    if data["files_skipped"]:
        files += f", {len(data['files_skipped'])} skipped (scanned before; --again to rescan)"
    console.print(files, markup=False)
    console.print(f"{data['records']:,} records, {data['html_pages']:,} HTML pages "
                  f"({data['left_to_import']:,} of sites the archive follows, left to `import warc`), "
                  f"{data['candidates']:,} candidates, {data['matched_pages']:,} pages matched, "
                  f"{data['recorded']:,} recorded", markup=False)
    matches = ", ".join(f"{n} {relation}" for relation, n in data["matches"].items()) or "none"
    console.print(f"verified matches by relation: {matches}", markup=False)
    if data["hosts"]:
        console.print("hosts with most matches: " + ", ".join(f"{h['host']} ({h['pages']})" for h in data["hosts"]),
                      markup=False)
    for source in data["sources_created"]:
        console.print(f"discovered source {source['name']}: to crawl it, {source['promote']}", markup=False)
