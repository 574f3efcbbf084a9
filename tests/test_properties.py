"""Property tests (hypothesis): URL and text normalisation, paragraph alignment, copy relations.

Example counts stay modest so that the whole file runs in seconds; no deadline, since CI
machines are shared and slow.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.align import align
from storage.normalize import TRACKING_PARAMS, normalize_text, normalize_url, origin_of

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- URLs ----------------------------------------------------------------------------------

_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
segment = st.text(_SAFE, min_size=1, max_size=12)
hosts = st.sampled_from(["example.org", "News.Example.ORG", "127.0.0.1", "blog.example.net", "xn--bcher-kva.example"])
tracking = st.one_of(st.sampled_from(sorted(TRACKING_PARAMS)), segment.map(lambda s: "utm_" + s),
                     st.sampled_from(["UTM_Source", "FBCLID"]))
plain_key = segment.filter(lambda k: not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS)


@st.composite
def urls(draw) -> tuple[str, dict]:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(hosts)
    port = draw(st.sampled_from([None, 80, 443, 8080, 8443]))
    path = "/" + "/".join(draw(st.lists(segment, max_size=4)))
    params = draw(st.lists(st.tuples(st.one_of(plain_key, tracking), segment), max_size=5))
    fragment = draw(st.one_of(st.just(""), segment))
    netloc = host if port is None else f"{host}:{port}"
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    return url, {"scheme": scheme.lower(), "host": host.lower(), "port": port, "params": params}


@SETTINGS
@given(urls())
def test_url_normalisation_is_idempotent(case):
    url, _ = case
    assert normalize_url(normalize_url(url)) == normalize_url(url)


@SETTINGS
@given(urls())
def test_normalised_urls_drop_tracking_fragments_and_default_ports(case):
    url, parts = case
    normal = normalize_url(url)
    split = urlsplit(normal)
    kept = parse_qsl(split.query, keep_blank_values=True)
    assert not any(k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS for k, _ in kept)
    assert sorted(kept) == kept  # parameters sorted
    expected = sorted((k, v) for k, v in parts["params"]
                      if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS)
    assert kept == expected  # and nothing else lost
    assert split.fragment == ""
    assert split.scheme == parts["scheme"] and split.hostname == parts["host"]
    default = {"http": 80, "https": 443}[parts["scheme"]]
    assert split.port == (None if parts["port"] in (None, default) else parts["port"])
    assert origin_of(normal) == origin_of(url)  # the site it belongs to never changes


# -- text ----------------------------------------------------------------------------------

_TYPO = {"'": ["\u2018", "\u2019", "\u201b", "`"], '"': ["\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb"],
         "-": ["\u2010", "\u2013", "\u2014", "\u2212"], " ": ["\u00a0", "\t", "  ", "\n", "\u2003"]}


@SETTINGS
@given(st.text(max_size=200))
def test_text_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@SETTINGS
@given(st.lists(st.tuples(st.text("abcdefghijXYZ0123", min_size=1, max_size=8), st.sampled_from(sorted(_TYPO)),
                          st.integers(0, 4)), min_size=1, max_size=20))
def test_typography_is_folded(pieces):
    plain = "".join(word + sep for word, sep, _ in pieces)
    fancy = "".join(word + _TYPO[sep][n % len(_TYPO[sep])] for word, sep, n in pieces)
    assert normalize_text(fancy) == normalize_text(plain)
    assert normalize_text(plain.upper()) == normalize_text(plain)


# -- alignment -------------------------------------------------------------------------------

VOCABULARY = ("harbour channel dredging vessels tide sediment winter estuary birds turbidity port "
              "director shipping lines traffic fishermen compensation grounds season council tram line "
              "districts debate supporters commuting residents buses opponents estimate euros shops "
              "spring authority works contract budget report minister election vote river bridge "
              "repairs library hours garden reopens volunteers railings lighthouse").split()


def words(vocabulary=VOCABULARY):
    return st.lists(st.sampled_from(vocabulary), min_size=8, max_size=22)


@st.composite
def texts(draw, *, min_size=1, max_size=12, tag="o", vocabulary=VOCABULARY):
    """Distinct paragraphs, each carrying a marker word (o0, o1 ... / c0, c1 ...) that names it."""
    bodies = draw(st.lists(words(vocabulary), min_size=min_size, max_size=max_size))
    return [f"{tag}{n} " + " ".join(body) for n, body in enumerate(bodies)]


def mark(paragraph: str, tag: str) -> int:
    return int(re.match(rf"{tag}(\d+) ", paragraph).group(1))


def accounted(rows, side: str, paragraphs: list[str], tag: str) -> list[int]:
    """Indexes of the paragraphs each row carries on one side; checks the row's text is exactly them."""
    seen = []
    for row in rows:
        text = getattr(row, side)
        if text is None:
            continue
        indexes = sorted(int(m) for m in re.findall(rf"(?:^| ){tag}(\d+) ", text))
        assert indexes, text
        assert text == " ".join(paragraphs[i] for i in indexes)
        seen += indexes
    return sorted(seen)


@st.composite
def pairs(draw):
    """An original and a copy made from it: kept, reordered, edited, dropped and added paragraphs."""
    original = draw(texts(max_size=10))
    copy = []
    for i, p in enumerate(original):
        action = draw(st.sampled_from(["keep", "keep", "drop", "edit", "typo"]))
        if action == "keep":
            copy.append(p)
        elif action == "edit":
            body = p.split()[1:]
            body[draw(st.integers(0, len(body) - 1))] = draw(st.sampled_from(VOCABULARY))
            copy.append(" ".join(["x"] + body))
        elif action == "typo":
            copy.append(p.replace(" ", "\u00a0", 2).upper())
    if draw(st.booleans()):
        copy = draw(st.permutations(copy))
    copy += draw(texts(min_size=0, max_size=3, tag="n"))
    # every copy paragraph gets its own marker c<N> in front
    return original, [f"c{n} {p}" for n, p in enumerate(copy)]


@SETTINGS
@given(pairs())
def test_an_alignment_accounts_for_every_paragraph_of_both_exactly_once(pair):
    original, copy = pair
    result = align(original, copy)
    assert accounted(result.rows, "original", original, "o") == list(range(len(original)))
    assert accounted(result.rows, "copy", copy, "c") == list(range(len(copy)))
    assert sum(result.summary.values()) == len(result.rows)
    assert 0.0 <= result.coverage <= 1.0 and 0.0 <= result.precision <= 1.0


# -- copy relations ---------------------------------------------------------------------------

@SETTINGS
@given(texts(min_size=2))
def test_identical_text_is_identical(original):
    result = align(original, list(original))
    assert (result.relation, result.coverage, result.precision) == ("identical", 1.0, 1.0)


@SETTINGS
@given(texts(min_size=2))
def test_typography_only_is_cosmetic(original):
    result = align(original, [p.upper().replace(" ", "\u00a0", 1) for p in original])
    assert result.relation == "cosmetic"


@SETTINGS
@given(texts(min_size=3), st.data())
def test_a_strict_subset_of_paragraphs_is_an_excerpt(original, data):
    keep = sorted(data.draw(st.sets(st.integers(0, len(original) - 1), min_size=1, max_size=len(original) - 1)))
    result = align(original, [original[i] for i in keep])
    assert result.relation == "excerpt"
    assert result.precision == 1.0 and result.coverage < 1.0


@SETTINGS
@given(texts(min_size=2), texts(min_size=1, max_size=4, tag="n"))
def test_the_whole_text_plus_more_is_extended(original, extra):
    result = align(original, original + extra)
    assert result.relation == "extended"
    assert result.coverage == 1.0 and result.precision < 1.0


@SETTINGS
@given(texts(min_size=2, max_size=6, vocabulary=VOCABULARY[::2]),
       texts(min_size=2, max_size=6, tag="n", vocabulary=VOCABULARY[1::2]))
def test_texts_without_a_common_word_are_not_copies(a, b):
    result = align(a, b)
    assert not result.is_copy and result.matched_tokens < 25
