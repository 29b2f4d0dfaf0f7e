"""The normalised form of a page URL, and the article id made of it.

Which URL names an article (a same-site canonical), and whether two URLs or hosts belong to
one publisher, is decided in :mod:`dedup.publishers`.
"""

import contextlib
import functools
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import xxhash

from dedup.errors import InputError

# Query parameters that track a visit and never select content.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs", "vero_", "oly_", "__s")
_TRACKING = {
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mkt_tok", "ref",
    "ref_src", "ref_url", "referrer", "cmpid", "smid", "smtyp", "ncid", "ocid", "sr_share",
    "spm", "wt_mc", "at_medium", "at_campaign", "icid", "guccounter",
    "_ga", "_gl", "s_cid", "amp",
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=16384)
def normalize_url(url: str) -> str:
    """Normalised form of an http(s) URL: lower-case scheme and host, no default port, no
    fragment, no tracking parameters, sorted query, no trailing ``/amp`` or ``/index.html``.

    Example:
        >>> normalize_url("HTTPS://WWW.Example.com:443/a/b/?utm_source=x&id=2#top")
        'https://www.example.com/a/b/?id=2'
    """
    if not isinstance(url, str) or not url.strip():
        raise InputError("url is empty")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InputError(f"url {url!r} is not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"url {url!r} must be http or https")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InputError(f"url {url!r} has no host")
    # keep a host idna refuses as it is: identity only needs to be stable
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    for suffix in ("/amp/", "/amp", "/index.html", "/index.htm"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)] or "/"
            break
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """The article id: 64-bit hash of the normalised URL, as 16 hex digits."""
    return xxhash.xxh3_64_hexdigest(url.encode())
