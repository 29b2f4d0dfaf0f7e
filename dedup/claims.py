"""What a page says about where its text comes from, as claims a decision can weigh.

A claim names a URL, a domain, a publisher or a wire service. Claims that name the page's own
site or one of its editions are left out: a page that signs with its own name claims nothing.
Whether a name means a publisher is decided in :mod:`dedup.publishers`.
"""

import re
from dataclasses import dataclass

from dedup.attribution import named_sources
from dedup.errors import InputError
from dedup.models import ArticleMeta
from dedup.publishers import is_domain, names_site, same_publisher, site_host, wire_names_site
from dedup.urls import normalize_url

URL_KINDS = ("canonical", "og:url", "original-source", "syndication-source", "isBasedOn")
# Cues that say the text comes from elsewhere. A bare "Source: X" says so only when X is a
# site's domain: under charts and photos it names data and picture agencies ("Source: Bureau
# of Labor Statistics", "Source: Getty Images"), which must not make a page a copy.
_STRONG_CUE = re.compile(r"originally|first (?:appeared|published|ran)|"
                         r"(?:appeared|published|ran) first|republished|syndicated|"
                         r"reprinted|reproduced|reposted|(?:adapted|excerpted) from|"
                         r"partnership with|distributed by|content from|belongs to|courtesy|"
                         r"(?:this|the) (?:article|story|post|piece|report|column) appeared|"
                         r"(?:read|see|view) (?:the )?(?:original|rest)|"
                         r"read (?:the )?(?:full|original|rest of the) (?:article|story)|"
                         r"read more (?:at|on|from)|(?:continue|keep) reading|"
                         r"(?:full|original|complete) (?:article|story|report) (?:is )?(?:at|on)",
                         re.I)
_VIA = re.compile(r"^\W*(?:via|courtesy)\b(?!.*(?:originally|first|republished|syndicated|"
                  r"reprinted|reproduced|reposted))", re.I)


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of a page about where its text comes from."""

    kind: str
    value: str  # a normalised URL for URL kinds, else a name or domain
    is_url: bool
    strong: bool  # names a source explicitly enough to rule the page out as the original

    def describe(self) -> str:
        return f"{self.kind}: {self.value}"


def claims_of(meta: ArticleMeta) -> list[Claim]:
    """The provenance claims of a page, with self-references left out."""
    out: list[Claim] = []

    def add_url(kind: str, value: str, strong: bool = True) -> None:
        try:
            url = normalize_url(value)
        except InputError:
            return
        if not same_publisher(site_host(url), meta.site):  # another edition is no source
            out.append(Claim(kind, url, True, strong))

    for kind, value in (("canonical", meta.canonical_url), ("og:url", meta.og_url)):
        if value:
            add_url(kind, value)
    for kind, values in (("original-source", meta.original_source),
                         ("syndication-source", meta.syndication_source),
                         ("isBasedOn", meta.is_based_on)):
        for v in values:
            if v.lower().startswith(("http://", "https://")):
                add_url(kind, v)
            elif v.strip():
                out.append(Claim(kind, v.strip(), False, True))
    for v in meta.source_links:
        add_url("link", v, strong=False)
    for line in meta.attribution:
        strong = bool(_STRONG_CUE.search(line))
        # "Via X" names where a page found its text, or merely a platform, and a bare
        # "Courtesy: X" as often credits a picture: never enough alone to rule the page out
        # as an original (each still names a member it matches)
        via = bool(_VIA.match(line))
        for name in named_sources(line):
            if not names_site(name, meta.site, meta.site_name):
                out.append(Claim("attribution", name, False,
                                 not via and (strong or is_domain(name))))
    for wire in meta.wire:
        if not wire_names_site(wire, meta.site, meta.site_name):
            out.append(Claim("wire", wire, False, True))
    return out


def is_specific(claim: Claim) -> bool:
    """Whether a claim names its source so that no member can be it unrecognised."""
    return claim.is_url or claim.kind == "wire" or is_domain(claim.value)


def credits_another_site(meta: ArticleMeta) -> bool:
    """Whether a page says its text comes from another publication (a canonical elsewhere,
    original-source, "originally appeared on X"); a wire byline does not count: newspapers
    publish wire stories as their own."""
    return any(c.strong and c.kind != "wire" for c in claims_of(meta))


def claim_names(claim: Claim, target: ArticleMeta) -> bool:
    """Whether a claim designates this article (its URL) or its site."""
    if claim.is_url:
        return claim.value == target.url or same_publisher(site_host(claim.value), target.site)
    return names_site(claim.value, target.site, target.site_name)
