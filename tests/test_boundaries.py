"""The house's boundaries, read from the import statements of every source file (lazy imports
inside functions included): which package may import what.

- ``storage`` imports neither ``crawler``, Scrapy, Jinja2, click nor rich: it returns data;
- only ``crawler.extract`` imports trafilatura;
- only ``crawler.crawl`` imports Scrapy (or Twisted, or scrapy-redis), and of it not the modules
  that the scheduler reads a crawl's result through (``result``, ``items``);
- the dashboard (``crawler.web``) reaches no module that imports Scrapy, directly or through others.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRAPY = ("scrapy", "scrapy_redis", "twisted")


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module named by an import in the file (``from a import b`` names ``a`` and ``a.b``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


SOURCES = {_module(p): _imports(p) for package in ("crawler", "storage") for p in sorted((REPO / package).rglob("*.py"))}


def _top(name: str) -> str:
    return name.split(".")[0]


def offenders(where: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules under ``where`` that import one of ``forbidden`` (top-level names), and what."""
    out = {}
    for module, names in SOURCES.items():
        if module == where or module.startswith(where + "."):
            bad = sorted(n for n in names if _top(n) in forbidden or n in forbidden)
            if bad:
                out[module] = bad
    return out


def importers_of(top: str) -> set[str]:
    return {module for module, names in SOURCES.items() if any(_top(n) == top for n in names)}


def test_the_import_reader_sees_the_imports_it_checks():
    # If the reader found nothing, every rule below would hold for nothing.
    assert "crawler.crawl.spider" in importers_of("scrapy")
    assert importers_of("trafilatura") == {"crawler.extract.extractor"}
    assert "storage.archive.write" in SOURCES and "storage.copies" in SOURCES["storage.archive.write"]


def test_storage_imports_no_crawler_scrapy_jinja_click_or_rich():
    assert offenders("storage", ("crawler", "jinja2", "click", "rich", *SCRAPY)) == {}


def test_only_the_extraction_package_imports_trafilatura():
    assert {m for m in importers_of("trafilatura") if not m.startswith("crawler.extract.")} == set()


def test_only_the_crawl_package_imports_scrapy():
    users = set().union(*(importers_of(top) for top in SCRAPY))
    assert {m for m in users if not m.startswith("crawler.crawl.")} == set()
    # What the scheduler and the CLI read of a crawl needs no Scrapy.
    assert users.isdisjoint({"crawler.crawl", "crawler.crawl.result", "crawler.crawl.items"})


def _reached(start: str) -> set[str]:
    """The project's modules that ``start`` imports, directly or through others (packages included)."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module in seen or module not in SOURCES:
            continue
        seen.add(module)
        for name in SOURCES[module]:
            parts = name.split(".")
            todo += [".".join(parts[:i]) for i in range(1, len(parts) + 1)]  # a.b.c imports a and a.b too
    return seen


@pytest.mark.parametrize("start", ["crawler.web", "crawler.web.app", "crawler.web.views"])
def test_the_dashboard_reaches_no_module_that_imports_scrapy(start):
    scrapy_users = set().union(*(importers_of(top) for top in SCRAPY))
    assert _reached(start) & scrapy_users == set()


def test_importing_the_dashboard_loads_no_scrapy():
    code = "import sys, crawler.web; print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_module_is_over_350_lines():
    long = {str(p.relative_to(REPO)): n for package in ("crawler", "storage") for p in (REPO / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 350}
    assert long == {}
