"""The engine's data: what a page says about itself (Signals), what goes in (ArticleInput),
what is stored (ArticleMeta, Verdict) and what an ingest prepares and reports (Draft,
Prepared, Outcome). The answers (LookupResult and the others) are in :mod:`dedup.results`."""

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from dedup.signature import Signature

Role = Literal["original", "copy", "partial", "unique"]

Templates = dict[str, set[bytes]]  # per site, the keys of its template lines (dedup.sites)

# Provenance signal fields accepted on input and stored with each article (list-valued).
SIGNAL_LISTS = ("original_source", "syndication_source", "is_based_on", "attribution", "wire",
                "source_links")


@dataclass(slots=True)
class Signals:
    """What a page says about itself and about where its text comes from: the fields an input
    (:class:`ArticleInput`) and a stored article (:class:`ArticleMeta`) share. See README
    "Ingest schema"."""

    title: str | None = None
    published: str | None = None  # stored: ISO 8601 UTC, or None when absent or unparseable
    modified: str | None = None
    site_name: str | None = None
    author: str | None = None
    noindex: bool = False  # the page asks search engines to leave it out
    language: str | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    original_source: list[str] = field(default_factory=list)
    syndication_source: list[str] = field(default_factory=list)
    is_based_on: list[str] = field(default_factory=list)
    attribution: list[str] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)
    source_links: list[str] = field(default_factory=list)

    def signals(self) -> "Signals":
        """The signals alone, lists copied.

        Example:
            >>> ArticleMeta(url="https://a.example/1", site="a.example", title="T").signals()
            Signals(title='T', published=None, ...)
        """
        return Signals(**_values(self))


SIGNAL_FIELDS = tuple(f.name for f in fields(Signals))


def _values(signals: Signals) -> dict[str, Any]:
    return {name: (list(v) if isinstance(v := getattr(signals, name), list) else v)
            for name in SIGNAL_FIELDS}


@dataclass(slots=True)
class ArticleInput(Signals):
    """One article as the crawler or a JSONL line hands it to the engine.

    Only ``url`` and one of ``text``/``html`` are required.
    """

    url: str = field(kw_only=True)
    text: str | None = None
    html: str | None = None
    site: str | None = None

    @classmethod
    def field_names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    @classmethod
    def of(cls, signals: Signals, *, url: str, text: str | None = None,
           site: str | None = None) -> "ArticleInput":
        """An input that carries these signals (reindex: a stored article's)."""
        return cls(url=url, text=text, site=site, **_values(signals))


@dataclass(slots=True)
class ArticleMeta(Signals):
    """What is stored about an article besides its text and signature."""

    url: str = field(kw_only=True)
    site: str = field(kw_only=True)
    first_seen: str = ""
    # xxh3-64 of the text as given (hex), before site templates are left out: an article
    # ingested again with the same text and metadata is unchanged, whatever was learned since
    text_digest: str = ""

    @classmethod
    def of(cls, signals: Signals, *, url: str, site: str, first_seen: str,
           text_digest: str = "") -> "ArticleMeta":
        return cls(url=url, site=site, first_seen=first_seen, text_digest=text_digest,
                   **_values(signals))

    def to_json(self) -> bytes:
        """Compact JSON: empty lists, None and False are left out."""
        data = {}
        for name in ("url", "site", *SIGNAL_FIELDS, "first_seen", "text_digest"):
            v = getattr(self, name)
            if v is not None and v != [] and v is not False and v != "":
                data[name] = v
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "ArticleMeta":
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in _META_FIELDS})


# what a stored record may name (fields() is slow for a read of every record)
_META_FIELDS = frozenset(f.name for f in fields(ArticleMeta))


@dataclass(slots=True)
class Verdict:
    """An article's place in its cluster."""

    role: Role
    original: str | None = None  # id of the original, None if unknown or self
    similarity: float | None = None
    containment: float | None = None
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    attributed_to: str | None = None
    # how the texts compare (dedup.passages.Shape), against the original, where measured
    left_out: float | None = None
    in_place: float | None = None
    in_article: float | None = None
    added: int | None = None  # words of the page's longest own line inside the article
    # indexed pages outside the cluster that name this member as their source (their ids,
    # :data:`dedup.citations.CITERS_KEPT` at most): what a later plan reads to decide again
    cited_by: list[str] | None = None

    def to_json(self) -> bytes:
        data = {
            "role": self.role, "original": self.original, "similarity": self.similarity,
            "containment": self.containment, "confidence": self.confidence,
            "evidence": self.evidence or None, "attributed_to": self.attributed_to,
            "left_out": self.left_out, "in_place": self.in_place,
            "in_article": self.in_article, "added": self.added, "cited_by": self.cited_by,
        }
        return json.dumps({k: v for k, v in data.items() if v is not None},
                          separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Verdict":
        d = json.loads(raw)
        return cls(role=d["role"], original=d.get("original"), similarity=d.get("similarity"),
                   containment=d.get("containment"), confidence=d.get("confidence"),
                   evidence=d.get("evidence") or [], attributed_to=d.get("attributed_to"),
                   left_out=d.get("left_out"), in_place=d.get("in_place"),
                   in_article=d.get("in_article"), added=d.get("added"),
                   cited_by=d.get("cited_by"))


@dataclass(slots=True)
class Draft:
    """An article checked and read, not yet signed: identity, metadata, text."""

    id: str
    meta: ArticleMeta
    text: str
    aliases: list[str]  # ids of other URLs of the same article
    ztext: bytes  # the text as stored (dedup.texts), compressed where it is prepared (a worker)
    line_keys: bytes = b""  # its distinct content lines' keys, 8 bytes each (site templates)


@dataclass(slots=True)
class Prepared(Draft):
    """An article ready for the index: a draft with its signature and bands."""

    sig: Signature = field(kw_only=True)
    bands: bytes = field(kw_only=True)  # packed: per band a uint16 bucket and a 5-byte field

    @classmethod
    def signed(cls, draft: Draft, sig: Signature, bands: bytes) -> "Prepared":
        return cls(**{f.name: getattr(draft, f.name) for f in fields(Draft)}, sig=sig,
                   bands=bands)


# A Draft or a Prepared, the same kind in and out (functions that pick among drafts)
DraftT = TypeVar("DraftT", bound=Draft)


@dataclass(slots=True)
class Outcome:
    """What happened to one article of a batch."""

    id: str
    url: str
    status: str  # "new", "updated", "unchanged"
    role: str
    cluster: str
