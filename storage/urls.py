"""URLs as the archive keys them: one normal form per page, and one origin per site.

Sites are told apart by scheme, host and port (``origin_of``), so tests and the demo can
run several sites on 127.0.0.1; the default port of a scheme is the same as no port.
Every module that compares sites or stores a page URL goes through these functions.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a visitor came from.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "yclid", "_ga", "ref_src"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def _port(parts) -> int | None:
    """The URL's port; None when it has none or an unreadable one (``urlsplit`` checks lazily)."""
    try:
        return parts.port
    except ValueError:
        return None


def normalize_url(url: str) -> str:
    """The form a page URL is stored under.

    Scheme and host folded to lower case, default port and fragment dropped,
    ``utm_*`` and click-id parameters removed, remaining parameters sorted,
    an empty path made ``/``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = _port(parts)
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the port always written: sites are told apart by it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = _port(parts) or DEFAULT_PORTS.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def site_name(origin: str) -> str:
    """A source name for a site: its host, and its port unless it is the scheme's default."""
    parts = urlsplit(origin)
    host = parts.hostname or "site"
    port = _port(parts)
    return host if port in (None, DEFAULT_PORTS.get(parts.scheme)) else f"{host}-{port}"
