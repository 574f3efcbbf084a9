"""``mirrorwatch demo``: the bundled sample sites crawled twice (``crawler.demo``)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from crawler.cli.common import user_errors


@click.command()
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo's sites, sources and database here (default: a temporary folder).")
@user_errors
def demo(workdir: Path | None) -> None:
    """Crawl the bundled sample sites twice and show what changed.

    \b
    Example:
      mirrorwatch demo --workdir /tmp/mw-demo
    """
    from crawler.demo.run import DemoError, run_demo

    try:
        run_demo(Console(), workdir)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
