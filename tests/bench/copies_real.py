"""Copy relations on real pages: copies made the way republishers make them, through the archive.

    python -m tests.bench.copies_real [--per-kind N] [--seed S] [--failures N] [--previous-sample]

The pairs are ``tests.bench.copies_build``'s. Every page (the real original with its own
markup, the copy under its foreign template) goes through the product's path: extraction
(``crawler.extract.extractor``), ``Archive.record``, matching, ``refresh_links``; the links are
read back with ``Archive.copies``. Each pair gets its own archive, a copy of one in which a dozen
other blogs on the same templates posted once or twice (so furniture can be learned across
sources while the copy's own source has only the copy). Reports by kind of change: relation
agreement (the relation a reader would give: ``identical`` and ``cosmetic`` both read as the
whole article), links found and original right; link precision and recall over the negatives.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from crawler.extract import decode
from crawler.extract.extractor import extract
from storage.archive import Archive
from storage.types import Extracted, Fetch
from tests.bench.copies_build import LEFT_OUT, WHOLE, Case, background, build, load_articles

COPY = "http://127.0.0.1:9102"
T0 = datetime(2026, 5, 1, tzinfo=UTC)
TARGETS = {"relation": 0.95, "precision": 0.99, "recall": 0.98, "original": 0.98}


@lru_cache(maxsize=4096)
def _extract(page: str | bytes, url: str) -> Extracted:
    return extract(page, url=url)


def _record(archive: Archive, source: str, url: str, page: str | bytes, minutes: int) -> None:
    body = page.encode() if isinstance(page, str) else page
    archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, body, "text/html"), _extract(page, url))


def base_archive(tmp: Path) -> Path:
    path = tmp / "base.db"
    archive = Archive.open(f"sqlite:///{path}")
    for n, (site, url_path, page) in enumerate(background(random.Random(7))):
        name = "bg-" + "".join(ch for ch in site.lower() if ch.isalnum())
        origin = f"http://127.0.0.1:{9200 + sum(map(ord, name)) % 700}"
        archive.ensure_source(name, role="origin", origin=origin)
        _record(archive, name, origin + url_path, page, n)
    archive.engine.dispose()
    return path


def run_case(case: Case, base: Path, tmp: Path, index: int) -> dict:
    path = tmp / f"case{index}.db"
    shutil.copyfile(base, path)
    archive = Archive.open(f"sqlite:///{path}")
    o_url = case.original.url if case.original_html is None else "http://127.0.0.1:9101/2026/04/20/post/"
    host = urlsplit(o_url).hostname or "original"
    by_role = index % 3 == 0  # else the pages' dates, then the first capture, decide
    archive.ensure_source(host, role="origin", origin=f"{urlsplit(o_url).scheme}://{urlsplit(o_url).netloc}")
    archive.ensure_source("relay", role="mirror" if by_role else "origin", origin=COPY)
    c_url = f"{COPY}/2026/05/02/post-{index}/"
    original = case.original.html if case.original_html is None else case.original_html
    if index % 2:
        _record(archive, host, o_url, original, 100)
        _record(archive, "relay", c_url, case.copy_html, 200)
    else:  # the copy captured first
        _record(archive, "relay", c_url, case.copy_html, 100)
        _record(archive, host, o_url, original, 200)
    archive.refresh_links("relay")
    links = [link for link in archive.copies(o_url) if link["url"] == c_url]
    archive.engine.dispose()
    path.unlink()
    link = links[0] if links else None
    return {"linked": link is not None, "relation": link and link["relation"],
            "original_ok": link is not None and link["original_url"] == o_url,
            "coverage": link and link["coverage"], "precision": link and link["precision"]}


def usable(article) -> bool:
    """At least 97% of the article's words are in its page's extraction."""
    words = Counter(re.findall(r"\w+", " ".join(article.body).casefold()))
    found = Counter(re.findall(r"\w+", _extract(article.html, article.url).text.casefold()))
    return sum((words & found).values()) >= 0.97 * sum(words.values())


def half(article_id: str) -> str:
    """A or B, by a stable hash of the original: a check of the relation rule on two disjoint halves."""
    return "AB"[hashlib.blake2b(article_id.encode(), digest_size=2).digest()[0] % 2]


def reader(relation: str | None) -> str | None:
    return "whole" if relation in WHOLE else relation


def evaluate(cases: list[Case]) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="mw-real-"))
    try:
        base = base_archive(tmp)
        results = [(case, run_case(case, base, tmp, i)) for i, case in enumerate(cases)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    halves: dict[str, Counter] = defaultdict(Counter)
    failures = []
    for case, r in results:
        k = by_kind[case.kind]
        k["n"] += 1
        if case.expect is None:
            k["false"] += r["linked"]
            continue
        k["linked"] += r["linked"]
        k["relation"] += reader(r["relation"]) == case.expect
        h = halves[half(case.original.id)]
        h["n"] += 1
        h["relation"] += reader(r["relation"]) == case.expect
        k["original"] += r["original_ok"]
        if reader(r["relation"]) != case.expect or not r["original_ok"]:
            failures.append((case.kind, case.original.id, r["relation"], r["coverage"], r["precision"],
                             r["original_ok"]))
    positives = [k for kind, k in by_kind.items() if not kind.startswith("negative")]
    tp = sum(k["linked"] for k in positives)
    fp = sum(k["false"] for kind, k in by_kind.items() if kind.startswith("negative"))
    n = sum(k["n"] for k in positives)
    return {"by_kind": by_kind, "failures": failures, "halves": dict(sorted(halves.items())), "positives": n, "negatives": len(cases) - n, "fp": fp,
            "relation": sum(k["relation"] for k in positives) / n if n else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / n if n else 0.0,
            "original": sum(k["original"] for k in positives) / tp if tp else 0.0}


def table(out: dict) -> list[str]:
    lines = [f"{'kind of change':<40}{'pairs':>6}{'relation':>10}{'links':>8}{'original':>10}"]
    for kind, k in out["by_kind"].items():
        if kind.startswith("negative"):
            lines.append(f"{kind:<40}{k['n']:>6}{'-':>10}{k['false']:>5} fp{'-':>10}")
        else:
            lines.append(f"{kind:<40}{k['n']:>6}{k['relation']:>10}{k['linked']:>8}{k['original']:>10}")
    met = {key: out[key] >= target for key, target in TARGETS.items()}
    lines.append(" ".join(f"{key} {out[key]:.3f} (target {TARGETS[key]}: {'met' if met[key] else 'NOT met'})"
                          for key in TARGETS))
    lines.append("relation agreement by half of the originals (stable hash): " + ", ".join(
        f"{name} {h['relation']}/{h['n']} = {h['relation'] / h['n']:.3f}" for name, h in out["halves"].items() if h["n"]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=28, help="pairs per kind of change (15 kinds; 8x negatives)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--failures", type=int, default=30, help="wrong pairs to list")
    parser.add_argument("--previous-sample", action="store_true",
                        help="choose the originals as before the repair of mangled text (crawler.extract.decode), "
                             "which changes which extractions hold their article; pairs are then run as usual")
    args = parser.parse_args()
    started = time.perf_counter()
    repair = decode.unmangled
    if args.previous_sample:
        decode.unmangled = lambda text: text
    try:
        cases = build(load_articles(), random.Random(args.seed), args.per_kind, usable)
    finally:
        decode.unmangled = repair
        _extract.cache_clear()
    out = evaluate(cases)
    print(f"{len(cases)} pairs ({out['positives']} copies, {out['negatives']} negatives, "
          f"{out['fp']} false links), {time.perf_counter() - started:.0f} s")
    print("\n".join(table(out)))
    print(f"left out: {len(LEFT_OUT)} originals whose extraction misses over 3% of their article's words")
    for failure in out["failures"][: args.failures]:
        print("  wrong:", failure)


if __name__ == "__main__":
    main()
