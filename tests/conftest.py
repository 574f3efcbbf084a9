"""Shared fixtures: databases, local sites, and the CLI run as a user runs it.

``db_url`` is parametrised over SQLite and PostgreSQL (127.0.0.1:5432, one
fresh database per test). Without a reachable server the PostgreSQL cases
skip with a reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer

PG_ADMIN_URL = os.environ.get("MIRRORWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # the seed case and the real article pages, beside the repository


def shared_path(relative: str) -> Path:
    """A file or folder of ``shared/``; a test that needs it fails under CI when it is missing."""
    path = SHARED / relative
    if not path.exists():
        (pytest.fail if IN_CI else pytest.skip)(f"{path} not found (shared/ must sit beside the repository)")
    return path


def _pg_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any failure to connect
        reason = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"mw_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None,
                 links: list[str] = ()) -> str:
    """A realistic article page: the text inside page furniture."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    link_html = "".join(f'<li><a href="{html.escape(u)}">related</a></li>' for u in links)
    head_canonical = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>{head_canonical}</head><body>
<header><nav><a href="/">Home</a> <a href="/about.html">About us</a> <a href="/contact.html">Contact</a></nav></header>
<main><article><h1>{html.escape(title)}</h1>
{body}
</article>
<aside><h3>Share this article</h3><ul>{link_html}</ul></aside></main>
<footer><p>Copyright 2026 Test Gazette. All rights reserved.</p></footer>
</body></html>"""


PARAGRAPHS = [
    "The city council voted on Tuesday to extend the tram line to the northern districts, ending a debate that had lasted almost a decade.",
    "Supporters said the extension would cut commuting times by a third for some forty thousand residents who now rely on crowded buses.",
    "Opponents warned that the cost estimate of 310 million euros was optimistic and that construction would disrupt local shops for years.",
    "The first trams are expected to run on the new section in the spring of 2029, according to the transport authority.",
]


@dataclass
class Site:
    """A local site in its own folder: write pages, serve, crawl, edit, crawl again."""

    root: Path
    server: SiteServer

    @property
    def url(self) -> str:
        return self.server.url

    def write(self, path: str, content: str) -> None:
        file = self.root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(content, encoding="utf-8")

    def remove(self, path: str) -> None:
        (self.root / path.lstrip("/")).unlink()

    def article(self, path: str, title: str, paragraphs: list[str], **kw) -> None:
        self.write(path, article_html(title, paragraphs, **kw))

    def index(self, *paths: str, extra: str = "") -> None:
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
        self.write("index.html", f"<html><body><nav><a href='/'>Home</a></nav><ul>{links}</ul>{extra}</body></html>")


@pytest.fixture
def make_site(tmp_path) -> Iterator:
    servers: list[SiteServer] = []

    def make(name: str = "site", *, validators: bool = True) -> Site:
        root = tmp_path / name
        root.mkdir()
        server = SiteServer(root, validators=validators).start()
        servers.append(server)
        return Site(root, server)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


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

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
        env.pop("MIRRORWATCH_DB", None)
        env.pop("MIRRORWATCH_SOURCES", None)
        result = subprocess.run([sys.executable, "-m", "crawler", *args], cwd=self.dir, env=env,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"mirrorwatch {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def json(self, *args: str) -> dict:
        return json.loads(self.run(*args, "--format", "json").stdout)

    def crawl(self, *names: str) -> dict:
        """One crawl; returns {"summary": row of the only source, "stats": its stats}."""
        data = self.json("crawl", *names)
        row = data["sources"][0]
        return {"summary": row, "stats": data["stats"][row["source"]]}


@pytest.fixture
def ws(tmp_path) -> Workspace:
    d = tmp_path / "ws"
    d.mkdir()
    return Workspace(d)


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
