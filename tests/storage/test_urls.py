"""URL normalisation and origins, on examples and as properties (hypothesis)."""

from storage.urls import normalize_url, origin_of


def test_tracking_parameters_fragments_and_case_fold_into_one_url():
    assert normalize_url("HTTP://Example.ORG:80/a/b.html?utm_source=x&b=2&fbclid=z&a=1#top") == \
        "http://example.org/a/b.html?a=1&b=2"
    assert normalize_url("https://example.org") == "https://example.org/"
    assert normalize_url("http://127.0.0.1:8001/x") != normalize_url("http://127.0.0.1:8002/x")


def test_origin_always_names_the_port():
    assert origin_of("https://Example.org/a") == "https://example.org:443"
    assert origin_of("http://127.0.0.1:8001/a") == "http://127.0.0.1:8001"


# -- properties (hypothesis)

from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.urls import TRACKING_PARAMS

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
