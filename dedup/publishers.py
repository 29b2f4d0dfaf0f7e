"""Who publishes a page: sites, publishers and their editions, wire services, and the names
they sign with. Every "is this the same publisher?" question of the engine is answered here.

Two identity functions:

- :func:`url_identity`: one page, whatever way its URL is written.
- :func:`site_of`: one publisher's site: the registrable domain under the Public Suffix List
  (tldextract's bundled snapshot, never fetched at run time), known editions folded together.

And the forms the engine stores and compares, unchanged from earlier versions so that stored
indexes read the same: :func:`site_host` (the site an article is stored and shown under),
:func:`same_site` and :func:`same_publisher`.
"""

import functools
import re
from urllib.parse import urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

from dedup.errors import InputError
from dedup.urls import normalize_url

# Wire services: byline forms, and the sites and names that stand for them.
WIRES: dict[str, tuple[str, ...]] = {
    "AP": ("apnews.com", "ap.org", "associated press"),
    "Reuters": ("reuters.com", "reuters", "thomson reuters"),
    "AFP": ("afp.com", "agence france-presse", "agence france presse"),
    "UPI": ("upi.com", "united press international"),
    "Bloomberg": ("bloomberg.com", "bloomberg news"),
    "dpa": ("dpa.com", "deutsche presse-agentur"),
    "PA": ("pamediagroup.com", "press association", "pa media"),
}

# Publishers known under several registrable domains: edition -> the publisher's main site.
# (Editions that share their name under another country domain, telegraph.co.uk and
# telegraph.com, are recognised without a row: see :func:`same_publisher`.)
EDITIONS: dict[str, str] = {
    "businessinsider.de": "businessinsider.com",
    "businessinsider.es": "businessinsider.com",
    "businessinsider.fr": "businessinsider.com",
    "businessinsider.in": "businessinsider.com",
    "businessinsider.jp": "businessinsider.com",
    "businessinsider.com.au": "businessinsider.com",
    "bbc.co.uk": "bbc.com",
    "guardian.co.uk": "theguardian.com",
    "huffingtonpost.com": "huffpost.com",
    "huffingtonpost.co.uk": "huffpost.com",
}

_VERSION_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_SQUASH = re.compile(r"[^a-z0-9]")
_DOMAIN_LIKE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,24}$")
# Words a publisher adds to its name when it signs ("Al Jazeera News", "Gizmodo Staff").
_SIGNATURE_WORDS = re.compile(r"(?:\s+(?:news|online|digital|staff|newsroom|desk|team|network|"
                              r"media|editors?|editorial|web|english|\.com|website|site|"
                              r"newspaper|magazine|blog))+$", re.I)
_POSSESSIVE = re.compile(r"['’]s?(?=\s|$)")


@functools.cache
def _extract() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot bundled with tldextract: no download, no cache files.
    # Private suffixes count (blogspot.com, github.io): each blog there is a site of its own.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=True)


def _host(url_or_host: str) -> str:
    value = url_or_host.strip().lower()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    return value.rstrip(".")


@functools.lru_cache(maxsize=16384)
def _registrable(host: str) -> tuple[str, str]:
    """(registrable domain, its name without the suffix) of a lower-case host. A host under
    no known public suffix (``.example``, ``.test``, an intranet name) counts its last label
    as the suffix; an IP address is its own domain."""
    ext = _extract()(host)
    if ext.ipv4 or ext.ipv6:
        return host, host
    if ext.suffix and ext.domain:
        return f"{ext.domain}.{ext.suffix}", ext.domain
    if ext.suffix:  # the host is a public suffix itself (s3.amazonaws.com)
        return host, host
    labels = host.split(".")
    return ".".join(labels[-2:]), (labels[-2] if len(labels) >= 2 else labels[0])


def site_of(url: str) -> str:
    """The publisher's site of a URL (or a bare host): its registrable domain, one name for
    every subdomain and for every known edition (:data:`EDITIONS`).

    Example:
        >>> site_of("https://news.bbc.co.uk/a"), site_of("https://www.businessinsider.de/b")
        ('bbc.com', 'businessinsider.com')
        >>> site_of("https://foo.blogspot.com/c"), site_of("http://origin.example/d")
        ('foo.blogspot.com', 'origin.example')
    """
    domain = _registrable(_host(url))[0]
    return EDITIONS.get(domain, domain)


def site_host(url: str) -> str:
    """The host of a URL without ``www.``: the site an article is stored and shown under."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def url_identity(url: str) -> str:
    """One name for every way of writing one page's URL, for comparing URLs.

    The URL is normalised first (:func:`dedup.urls.normalize_url`: tracking parameters,
    default port, fragment, ``/amp`` and ``/index.html`` endings go), then canonicalised by
    w3lib (query sorted, path and query percent-encoded one way), then folded:

    - the scheme goes: ``http`` and ``https`` serve one page;
    - a leading ``www.`` of the host goes;
    - a trailing ``/`` of the path goes (``example.com/a/`` is ``example.com/a``).

    Two URLs with one article id (:func:`dedup.urls.article_id`) have one identity; article
    ids themselves are not folded, so that the ids existing indexes store stay valid.

    Raises:
        InputError: not an http(s) URL.

    Example:
        >>> url_identity("HTTP://WWW.Example.com:80/a/b/?utm_source=x&b=2&a=1#top")
        'example.com/a/b?a=1&b=2'
    """
    canon = urlsplit(canonicalize_url(normalize_url(url)))
    host = canon.netloc.removeprefix("www.")
    path = canon.path.rstrip("/")
    return f"{host}{path}" + (f"?{canon.query}" if canon.query else "")


def identity_variants(url: str) -> list[str]:
    """The other ways of writing a normalised URL that share its :func:`url_identity` (the
    other scheme, with or without ``www.``, with or without a trailing ``/``): where a lookup
    looks before it says "not indexed".

    Example:
        >>> identity_variants("http://example.com/a")[:2]
        ['https://example.com/a', 'https://example.com/a/']
    """
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    bare = parts.path.rstrip("/")
    paths = dict.fromkeys([parts.path, bare or "/", bare + "/"])
    want = url_identity(url)
    out = []
    for scheme in ("https", "http"):
        for netloc in (host, "www." + host):
            for path in paths:
                other = urlunsplit((scheme, netloc, path, parts.query, ""))
                if other != url and other not in out and url_identity(other) == want:
                    out.append(other)
    return out


def same_site(a: str, b: str) -> bool:
    """True when two hosts belong to one site (one is the other or a subdomain of it,
    ``m.``/``amp.`` versions included)."""
    a, b = _strip_version(a), _strip_version(b)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def publisher_label(host: str) -> str:
    """The registered name of a host without its public suffix: ``telegraph`` for
    news.telegraph.co.uk, ``businessinsider`` for businessinsider.de."""
    return _registrable(_host(host))[1]


def same_publisher(a: str, b: str) -> bool:
    """One site, or one publisher's editions: a known edition (:data:`EDITIONS`), or the same
    name of four letters or more under another country domain (businessinsider.com and
    businessinsider.de; abc.net.au and abc.com are too short a name to tell)."""
    if same_site(a, b) or site_of(a) == site_of(b):
        return True
    la, lb = publisher_label(a), publisher_label(b)
    return bool(la) and la == lb and len(la) >= 4


def _strip_version(host: str) -> str:
    for prefix in _VERSION_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def identity_url(url: str, canonical: str | None) -> str:
    """The URL that names an article: a same-site canonical (AMP, print, mobile versions)
    replaces the page URL; a cross-domain canonical is evidence, never identity. Both
    normalised (:func:`dedup.urls.normalize_url`)."""
    page = normalize_url(url)
    if canonical:
        try:
            canon = normalize_url(canonical)
        except InputError:
            return page
        if same_site(site_host(page), site_host(canon)):
            return canon
    return page


def is_domain(name: str) -> bool:
    """Whether a source name is written as a domain (``nbcnews.com``)."""
    return bool(_DOMAIN_LIKE.match(name.strip().lower().removeprefix("www.")))


def names_site(name: str, site: str, site_name: str | None) -> bool:
    """Whether a source name (URL, domain, publisher or wire name) designates this site:
    the site itself or an edition, its own name as it signs (``site_name``, or its domain's
    name) with or without the words publishers add ("News", "Staff"), or, for a wire
    service's site, the wire's names."""
    n = name.strip().lower()
    if n.startswith(("http://", "https://")):
        return same_publisher(site_host(n), site)
    n = n.removeprefix("www.")
    if is_domain(n):
        return same_publisher(n, site)
    for wire_names in (WIRES.get(name), WIRES.get(name.upper())):
        if wire_names and any(names_site(w, site, site_name) for w in wire_names):
            return True
    # "our partners at the Gazette", "the Gazette's website": the name inside
    bare = re.sub(r"^(?:our (?:\w+ )?(?:partners?|friends|colleagues) (?:at|from)\s+)?(?:the\s+)?",
                  "", _POSSESSIVE.sub("", n))
    label = _SQUASH.sub("", publisher_label(site))
    own = _SQUASH.sub("", re.sub(r"^the\s+", "", site_name.lower())) if site_name else ""
    for variant in (bare, _SIGNATURE_WORDS.sub("", bare)):
        squashed = _SQUASH.sub("", variant)
        if squashed and squashed in (label, own):
            return True
    squashed = _SQUASH.sub("", bare)
    if not squashed:
        return False
    return any(_SQUASH.sub("", w) == squashed for w in _wire_names_of(site))


def wire_names_site(wire: str, site: str, site_name: str | None) -> bool:
    """Whether a wire byline (``AP``) is this site's own: the wire's site publishing."""
    return any(names_site(n, site, site_name) for n in WIRES.get(wire, ()))


def _wire_names_of(site: str) -> tuple[str, ...]:
    for wire, names in WIRES.items():
        if any(same_site(n, site) for n in names if "." in n):
            return (wire.lower(), *names)
    return ()
