"""Extraction options side by side: the same pages, each scored and timed under every configuration.

    python -m tests.bench.extract_options [--limit N]

Two sets of real pages with human ground truth, each with its own metric:

* ``article-pages`` (181 articles): word 4-gram precision/recall (``tests.bench.pages.score``);
* ``wcxb-dev`` articles (page type ``article``): the benchmark's own word-level F1
  (``../shared/data/wcxb-dev/evaluate.py``, averaged over pages).

Every configuration runs through mirrorwatch's own ``extract`` (its config, decoding and paragraph
split), with ``OPTIONS`` patched for the run. Pages are visited once and every configuration is timed
on each page in turn, a different one first on each page (CPU time of this process), so the
machine's drift and any warm-up fall on all of them alike.
The figure to beat is the current configuration's F1; the ratio is CPU time against it.
Other extractors run beside them when installed (``pip install resiliparse``); they are not
dependencies of mirrorwatch.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import time
from pathlib import Path
from unittest import mock

from crawler.extract import extractor
from crawler.extract.decode import decode_html
from tests.bench.pages import PAGES_DIR, load_pages, score

WCXB_DIR = PAGES_DIR.parent / "wcxb-dev"

# name -> the options that differ from today's OPTIONS
CONFIGS: dict[str, dict[str, object]] = {
    "current": {},
    "fast (no fallback)": {"fast": True},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
    "fast + precision": {"fast": True, "favor_precision": True},
    "fast + recall": {"fast": True, "favor_recall": True},
}


def _wcxb_scorer():
    spec = importlib.util.spec_from_file_location("wcxb_evaluate", WCXB_DIR / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.word_f1


def wcxb_articles(limit: int | None) -> list[tuple[str, bytes, str]]:
    files = json.loads((WCXB_DIR / "metadata.json").read_text(encoding="utf-8"))["files"]
    chosen = sorted(fid for fid, meta in files.items() if meta.get("page_type") == "article")
    pages = []
    for fid in chosen[:limit]:
        html_path, truth_path = WCXB_DIR / "html" / f"{fid}.html.gz", WCXB_DIR / "ground-truth" / f"{fid}.json"
        if not (html_path.exists() and truth_path.exists()):
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8")).get("ground_truth") or {}
        if truth.get("main_content"):
            pages.append((fid, gzip.decompress(html_path.read_bytes()), truth["main_content"]))
    return pages


def _alternatives() -> dict[str, object]:
    """Other extractors, when installed (not dependencies of mirrorwatch): name -> html bytes -> text."""
    found = {}
    if importlib.util.find_spec("resiliparse"):
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        def resiliparse_main(html: bytes) -> str:
            tree = HTMLTree.parse(decode_html(html, None))
            return extract_plain_text(tree, main_content=True, alt_texts=False, links=False)

        found["resiliparse main_content"] = resiliparse_main
    return found


def _run(html: bytes, config) -> tuple[str, float]:
    started = time.process_time()
    if callable(config):
        text = config(html)
    else:
        with mock.patch.dict(extractor.OPTIONS, config):
            text = "\n".join(extractor.extract(html).paragraphs)
    return text, time.process_time() - started


def measure(limit: int | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """{set: {config: {f1, precision, recall, ms}}}."""
    sets = {
        "article-pages": [(p.id, p.html, p.truth) for p in load_pages()[:limit]],
        "wcxb-dev articles": wcxb_articles(limit),
    }
    word_f1 = _wcxb_scorer()
    configs = {**CONFIGS, **_alternatives()}
    results: dict[str, dict[str, dict[str, float]]] = {}
    for set_name, pages in sets.items():
        outputs = {name: [] for name in configs}
        seconds = dict.fromkeys(configs, 0.0)
        names = list(configs)
        for i, (_, html, truth) in enumerate(pages):
            for name in names[i % len(names):] + names[:i % len(names)]:  # each goes first in turn
                text, spent = _run(html, configs[name])
                outputs[name].append((truth, text))
                seconds[name] += spent
        results[set_name] = {}
        for name in configs:
            if set_name == "article-pages":
                figures = score(outputs[name])
            else:
                triples = [word_f1(text, truth) for truth, text in outputs[name]]
                n = len(triples) or 1
                figures = {"precision": sum(t[0] for t in triples) / n, "recall": sum(t[1] for t in triples) / n,
                           "f1": sum(t[2] for t in triples) / n}
            figures["ms"] = 1000 * seconds[name] / max(len(pages), 1)
            figures["pages"] = len(pages)
            results[set_name][name] = figures
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="Only the first N pages of each set (a quick run).")
    args = parser.parse_args()
    for set_name, rows in measure(args.limit).items():
        base = rows["current"]
        print(f"== {set_name} ({base['pages']} pages) ==")
        print(f"{'configuration':<26} {'F1':>6} {'P':>6} {'R':>6} {'ms/page':>8} {'CPU vs current':>15}")
        for name, r in rows.items():
            print(f"{name:<26} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} {r['ms']:8.1f} "
                  f"{r['ms'] / base['ms']:14.2f}x")


if __name__ == "__main__":
    main()
