"""URL identity: the normalised page URL names an article."""

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


def site_of(url: str) -> str:
    """The host without ``www.``: the site an article belongs to."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(a: str, b: str) -> bool:
    """True when two hosts belong to one site (one is the other or a subdomain of it,
    ``m.``/``amp.`` versions included)."""
    a, b = _strip_version(a), _strip_version(b)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


# Second-level labels under which country domains register names (bbc.co.uk, abc.net.au).
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gob",
                 "nic", "mil", "info", "biz", "nom", "ltd", "plc"}


def publisher_label(host: str) -> str:
    """The registered name of a host without its public suffix: ``telegraph`` for
    news.telegraph.co.uk, ``businessinsider`` for businessinsider.de."""
    parts = [p for p in host.lower().rstrip(".").split(".") if p]
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def same_publisher(a: str, b: str) -> bool:
    """One site, or one publisher's editions under other country domains (businessinsider.com
    and businessinsider.de)."""
    if same_site(a, b):
        return True
    la, lb = publisher_label(a), publisher_label(b)
    return bool(la) and la == lb and len(la) >= 4


def _strip_version(host: str) -> str:
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def article_id(url: str) -> str:
    """The article id: 64-bit hash of the normalised URL, as 16 hex digits."""
    return xxhash.xxh3_64_hexdigest(url.encode())


def identity_url(url: str, canonical: str | None) -> str:
    """The URL that names the article: a same-site canonical (AMP, print, mobile versions)
    replaces the page URL; a cross-domain canonical is evidence, never identity."""
    page = normalize_url(url)
    if canonical:
        try:
            canon = normalize_url(canonical)
        except InputError:
            return page
        if same_site(site_of(page), site_of(canon)):
            return canon
    return page
