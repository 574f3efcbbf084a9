"""Quality benchmark for copy detection: generated article pairs through the real archive.

    python -m tests.bench.copies_eval [--per-kind N] [--seed S]

Texts are the 181 real articles of ``shared/data/article-pages`` (ground truth
bodies). Positives are built from them by the transformations a republisher
applies; negatives are pairs that share words, a template or a quotation but
are not copies. Each pair is recorded into its own fresh archive exactly as a
crawl records pages (two sources on different origins, the copy's site with a
few other posts carrying its furniture), and the archive's copy links are
read back. Reports link precision and recall (targets: ≥ 0.99 and ≥ 0.98),
relation accuracy, and the accuracy of the original choice per reason.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from difflib import SequenceMatcher

from storage.copies.align import tokens
from storage.archive import Archive
from storage.types import Extracted, Fetch

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "article-pages" / "ground-truth.json"
ORIG, COPY = "http://127.0.0.1:9101", "http://127.0.0.1:9102"
T0 = datetime(2026, 5, 1, tzinfo=UTC)
FURNITURE = ["Share this:", "Published by The Daily Relay", "Leave a Reply", "Like this: Like Loading...",
             "Subscribe to our newsletter for the best stories of the week."]
REASONS = ["source role", "declared attribution", "canonical", "earlier published date", "earlier first capture"]
QUOTE_SPEAKERS = ["the minister", "a spokeswoman", "the chief executive", "one analyst", "the mayor"]


@dataclass
class Case:
    kind: str
    original: list[str]
    copy: list[str]
    relation: str | None  # expected relation; None for a negative
    reason: str = "source role"
    score_relation: bool = True
    extra: dict = field(default_factory=dict)


def load_texts() -> list[list[str]]:
    data = json.loads(DATA.read_text())
    texts = []
    for key in sorted(data):
        paragraphs = [" ".join(p.split()) for p in data[key]["articleBody"].split("\n") if len(p.split()) >= 8]
        if len(paragraphs) >= 5 and sum(len(p.split()) for p in paragraphs) >= 250:
            texts.append(paragraphs)
    return texts


def curly(p: str) -> str:
    p = re.sub(r'"(\w)', "\u201c\\1", p)
    p = p.replace('"', "\u201d").replace("'", "\u2019").replace(" - ", " \u2013 ")
    return p.replace(" ", "  ", 1).replace(", ", ",\u00a0", 1)


def split_sentences(p: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])", p) if s]


def edit_sentence(p: str, rng: random.Random) -> str:
    words = p.split()
    for i in rng.sample(range(len(words)), k=min(3, len(words))):
        words[i] = rng.choice(["reportedly", "nevertheless", "considerably", "allegedly", "formerly"])
    return " ".join(words)


EXCLUDED: list[tuple[int, int]] = []


def longest_shared_run(a: list[str], b: list[str]) -> int:
    ta = [w for p in a for w in tokens(p)]
    tb = [w for p in b for w in tokens(p)]
    return SequenceMatcher(None, ta, tb, autojunk=False).find_longest_match(0, len(ta), 0, len(tb)).size


def build_cases(texts: list[list[str]], rng: random.Random, per_kind: int) -> list[Case]:
    cases: list[Case] = []
    pick = lambda: rng.choice(texts)  # noqa: E731

    def reason() -> str:
        return REASONS[len(cases) % len(REASONS)]

    for _ in range(per_kind):
        t = pick()
        cases.append(Case("full copy, other template", t, t + FURNITURE, "identical", reason()))
        t = pick()
        cases.append(Case("typography only", t, [curly(p) for p in t] + FURNITURE, "cosmetic", reason()))
        t = pick()
        long_ones = [p for p in t if len(p.split()) >= 40] or t
        k = 1 if rng.random() < 0.5 else rng.randint(2, max(2, len(t) - 3))  # half are one paragraph
        start = rng.randrange(0, len(t) - k + 1)
        excerpt = [rng.choice(long_ones)] if k == 1 else t[start:start + k]
        cases.append(Case(f"excerpt ({'1 paragraph' if k == 1 else 'several'})", t, excerpt + FURNITURE,
                          "excerpt", reason()))
        t = pick()
        k = rng.randint(1, len(t) - 3)
        half = t[k].split()
        cases.append(Case("truncated mid-paragraph", t, t[:k] + [" ".join(half[: len(half) // 2])] + FURNITURE,
                          "excerpt", reason()))
        t = pick()
        merged = [t[i] + " " + t[i + 1] if i + 1 < len(t) else t[i] for i in range(0, len(t), 2)]
        cases.append(Case("merged paragraphs", t, merged + FURNITURE, "cosmetic", reason()))
        t = pick()
        split = [s for p in t for s in (split_sentences(p) if len(split_sentences(p)) > 1 else [p])]
        cases.append(Case("split paragraphs", t, split + FURNITURE, "cosmetic" if split != t else "identical",
                          reason()))
        t = pick()
        i = rng.randrange(len(t))
        cases.append(Case("one sentence edited", t, t[:i] + [edit_sentence(t[i], rng)] + t[i + 1:] + FURNITURE,
                          "edited", reason()))
        t, other = pick(), pick()
        added = t + other[: max(2, len(other) // 2)]
        cases.append(Case("paragraphs added", t, added + FURNITURE, "extended" if other is not t else "identical",
                          reason()))
    # Negatives: overlapping vocabulary, a shared template, a shared quotation.
    vocab = [set(w.lower() for p in t for w in re.findall(r"\w+", p)) for t in texts]
    pairs = sorted(((len(vocab[i] & vocab[j]) / len(vocab[i] | vocab[j]), i, j)
                    for i in range(len(texts)) for j in range(i + 1, len(texts))), reverse=True)
    similar = 0
    for _, i, j in pairs:
        if similar == per_kind * 2:
            break
        # Some texts of the data set share verbatim paragraphs (one company's press releases
        # repeat its "about us"): that is shared text, not a clean negative, so such pairs are left out.
        if longest_shared_run(texts[i], texts[j]) >= 20:
            EXCLUDED.append((i, j))
            continue
        similar += 1
        cases.append(Case("negative: most similar different articles", texts[i], texts[j], None, reason()))
    template = ["Home | News | Opinion | Contact", "Follow us on social media for updates.", *FURNITURE]
    for _ in range(per_kind * 2):
        a, b = rng.sample(texts, 2)
        cases.append(Case("negative: same template, other content", template + a, template + b, None, reason()))
    for n in range(per_kind * 2):
        a, b = rng.sample(texts, 2)
        source = rng.choice([p for p in rng.choice(texts) if len(p.split()) >= 25])
        quote = "\u201c" + " ".join(source.split()[:rng.randint(20, 40)]) + ",\u201d said " + QUOTE_SPEAKERS[n % 5] + "."
        cases.append(Case("negative: shared quotation", a[:3] + [quote] + a[3:], b[:2] + [quote] + b[2:], None,
                          reason()))
    return cases


def run_case(case: Case, tmp: Path, index: int) -> dict:
    archive = Archive.open(f"sqlite:///{tmp / f'case{index}.db'}")
    role_copy = "mirror" if case.reason == "source role" else "origin"
    archive.ensure_source("orig", role="origin", origin=ORIG)
    archive.ensure_source("copy", role=role_copy, origin=COPY)
    o_url, c_url = f"{ORIG}/article.html", f"{COPY}/2026/05/02/article/"
    copy_paragraphs = list(case.copy)
    o_kw: dict = {"site": "Original Times"}
    c_kw: dict = {"site": "The Daily Relay"}
    if case.reason == "declared attribution":
        if index % 2:
            c_kw["links"] = (o_url,)
        else:
            copy_paragraphs.insert(len(copy_paragraphs) - len(FURNITURE) if case.relation else len(copy_paragraphs),
                                   "This article was originally published on Original Times.")
            case.score_relation = False
    elif case.reason == "canonical":
        c_kw["canonical"] = o_url
    elif case.reason == "earlier published date":
        o_kw["published"], c_kw["published"] = "2026-04-01", "2026-04-03"

    def record(source, url, paragraphs, minutes, kw):
        ex = Extracted("Title", None, kw.get("published"), kw.get("site"), "en", kw.get("canonical"),
                       tuple(paragraphs), "trafilatura", "2.3.1", "eval", tuple(kw.get("links", ())))
        body = "\n".join(paragraphs).encode()
        archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, body), ex)

    for n in range(4):  # other posts of the copy's site, so its furniture is learned
        record("copy", f"{COPY}/2026/04/{n + 10}/post/", [f"Short post number {n} about the weekend market, "
               f"the parking rules near the station and the new opening hours of stall {n}."] + FURNITURE, 0, {})
    if case.reason == "earlier first capture":
        record("orig", o_url, case.original, 10, o_kw)
        record("copy", c_url, copy_paragraphs, 20, c_kw)
    else:  # the copy arrives first: only the rule under test can name the original
        record("copy", c_url, copy_paragraphs, 10, c_kw)
        record("orig", o_url, case.original, 20, o_kw)
    archive.refresh_links("copy")
    links = archive.copies(o_url)
    archive.engine.dispose()
    link = links[0] if links else None
    return {"linked": link is not None and link["url"] == c_url, "relation": link and link["relation"],
            "original_ok": link is not None and link["original_url"] == o_url,
            "reason": link and link["original_reason"], "coverage": link and link["coverage"],
            "precision": link and link["precision"]}


def evaluate(cases: list[Case]) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="mw-eval-"))
    results = [(case, run_case(case, tmp, i)) for i, case in enumerate(cases)]
    tp = sum(1 for c, r in results if c.relation and r["linked"])
    fp = sum(1 for c, r in results if not c.relation and r["linked"])
    fn = sum(1 for c, r in results if c.relation and not r["linked"])
    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_reason: dict[str, Counter] = defaultdict(Counter)
    failures = []
    for case, r in results:
        k = by_kind[case.kind]
        k["n"] += 1
        ok_link = r["linked"] == bool(case.relation)
        k["link_ok"] += ok_link
        if case.relation and r["linked"]:
            if case.score_relation:
                k["scored"] += 1
                k["relation_ok"] += r["relation"] == case.relation
            by_reason[case.reason]["n"] += 1
            by_reason[case.reason]["ok"] += r["original_ok"] and r["reason"] == case.reason
        if not ok_link or (case.relation and r["linked"] and case.score_relation and r["relation"] != case.relation):
            failures.append((case.kind, case.relation, r["relation"], r["coverage"], r["precision"]))
    return {"tp": tp, "fp": fp, "fn": fn, "by_kind": by_kind, "by_reason": by_reason, "failures": failures,
            "cases": len(cases), "positives": sum(1 for c in cases if c.relation)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=30, help="pairs per positive kind (8 kinds; 6x negatives)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    started = time.perf_counter()
    cases = build_cases(load_texts(), random.Random(args.seed), args.per_kind)
    out = evaluate(cases)
    precision = out["tp"] / (out["tp"] + out["fp"]) if out["tp"] + out["fp"] else 0.0
    recall = out["tp"] / (out["tp"] + out["fn"]) if out["tp"] + out["fn"] else 0.0
    print(f"{out['cases']} pairs ({out['positives']} copies, {out['cases'] - out['positives']} negatives), "
          f"{time.perf_counter() - started:.0f} s")
    print(f"{'kind':<44}{'pairs':>6}{'links right':>13}{'relation right':>16}")
    for kind, k in out["by_kind"].items():
        rel = f"{k['relation_ok']}/{k['scored']}" if k["scored"] else "-"
        print(f"{kind:<44}{k['n']:>6}{k['link_ok']:>13}{rel:>16}")
    print(f"{'original chosen by':<44}{'links':>6}{'right':>13}")
    for reason in REASONS:
        r = out["by_reason"][reason]
        print(f"{reason:<44}{r['n']:>6}{r['ok']:>13}")
    print(f"link precision {precision:.4f} (target 0.99: {'met' if precision >= 0.99 else 'NOT met'}), "
          f"recall {recall:.4f} (target 0.98: {'met' if recall >= 0.98 else 'NOT met'})")
    if EXCLUDED:
        print(f"left out of the negatives: {len(EXCLUDED)} similar pairs that share a verbatim run of 20+ words")
    for failure in out["failures"][:40]:
        print("  miss:", failure)


if __name__ == "__main__":
    main()
