"""A new ``[[source]]`` written into sources.toml, the rest of the file as it was (tomlkit).

Comments, blank lines, key order and the order of the tables are kept; the new table goes
after the last source. The whole new file is validated (``crawler.sources.load_config``)
before it replaces the old one, atomically, so a failed ``sources add`` leaves the file as it
was. A missing file is created.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import tomlkit

from crawler.sources import SourcesError, load_config

HEADER = "mirrorwatch sources: one [[source]] table per site (every key: sources.example.toml)"
_ORDER = ("name", "role", "start_urls", "sitemaps", "feeds", "allow", "deny")


def check_new_name(path: str | Path, name: str) -> None:
    """SourcesError when the file already has a source ``name`` or is broken; absent is fine."""
    path = Path(path)
    if not path.exists():
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {"source": None}  # load_config says what is wrong, in its words
    if "source" in data:
        if name in load_config(path).sources:
            raise SourcesError(f"{path}: a source named {name!r} exists already (pick another name)")


def entry_text(entry: dict, *, comment: str | None = None) -> str:
    """The entry alone, as a sources file of one source."""
    doc = tomlkit.document()
    doc.append("source", _aot(entry, comment))
    return tomlkit.dumps(doc)


def add_entry(path: str | Path, entry: dict, *, comment: str | None = None) -> None:
    """Append ``entry`` as a ``[[source]]`` table of the file at ``path`` (created if missing)."""
    path = Path(path)
    target = path.resolve()  # a symlinked sources file stays a symlink
    try:
        old = target.read_text(encoding="utf-8") if target.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from None
    if old is None:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
        doc.add(tomlkit.nl())
    else:
        # A last line without its newline would glue the new table onto it.
        doc = tomlkit.parse(old.rstrip("\n") + "\n\n" if old.strip() else "")
    if "source" in doc:
        doc["source"].append(_table(entry, comment))
    else:
        doc.append("source", _aot(entry, comment))
    text = tomlkit.dumps(doc).rstrip("\n") + "\n"
    _replace(target, text, display=path)


def _aot(entry: dict, comment: str | None) -> tomlkit.items.AoT:
    tables = tomlkit.aot()
    tables.append(_table(entry, comment))
    return tables


def _table(entry: dict, comment: str | None) -> tomlkit.items.Table:
    table = tomlkit.table()
    if comment:
        table.add(tomlkit.comment(comment))
    for key in sorted(entry, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER)):
        value = entry[key]
        if key in ("allow", "deny"):  # regexes read best as literal strings: no doubled backslashes
            value = [tomlkit.string(p, literal="'" not in p and "\n" not in p) for p in value]
        table.add(key, value)
    table.add(tomlkit.nl())
    return table


def _replace(target: Path, text: str, *, display: Path) -> None:
    """Write next to the file, validate what was written, then rename it over the file."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".new")
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_config(temp)
        except SourcesError as exc:  # name the user's file, not the temporary one
            raise SourcesError(str(exc).replace(str(temp), str(display))) from None
        if target.exists():
            shutil.copymode(target, temp)
        else:  # as open() would have made it, not mkstemp's owner-only mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except OSError as exc:
        raise SourcesError(f"{display}: cannot write: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
