"""The engine's data: what goes in (ArticleInput), what is stored (ArticleMeta), what comes out
(LookupResult)."""

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Role = Literal["original", "copy", "partial", "unique"]

# Provenance signal fields accepted on input and stored with each article (list-valued).
SIGNAL_LISTS = ("original_source", "syndication_source", "is_based_on", "attribution", "wire",
                "source_links")


@dataclass(slots=True)
class ArticleInput:
    """One article as the crawler or a JSONL line hands it to the engine.

    Only ``url`` and one of ``text``/``html`` are required. The provenance signals name where
    the page says its text comes from; see README "Ingest schema".
    """

    url: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    site: str | None = None
    site_name: str | None = None
    author: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    original_source: list[str] = field(default_factory=list)
    syndication_source: list[str] = field(default_factory=list)
    is_based_on: list[str] = field(default_factory=list)
    attribution: list[str] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)
    source_links: list[str] = field(default_factory=list)
    noindex: bool = False

    @classmethod
    def field_names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


@dataclass(slots=True)
class ArticleMeta:
    """What is stored about an article besides its text and signature."""

    url: str
    site: str
    title: str | None = None
    published: str | None = None  # ISO 8601 UTC, or None when absent or unparseable
    modified: str | None = None
    site_name: str | None = None
    author: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    original_source: list[str] = field(default_factory=list)
    syndication_source: list[str] = field(default_factory=list)
    is_based_on: list[str] = field(default_factory=list)
    attribution: list[str] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)
    source_links: list[str] = field(default_factory=list)
    noindex: bool = False
    first_seen: str = ""

    def to_json(self) -> bytes:
        """Compact JSON: empty lists, None and False are left out."""
        data = {}
        for name in self.__slots__:
            v = getattr(self, name)
            if v is not None and v != [] and v is not False and v != "":
                data[name] = v
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "ArticleMeta":
        data = json.loads(raw)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


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

    def to_json(self) -> bytes:
        data = {
            "r": self.role, "o": self.original, "j": self.similarity, "k": self.containment,
            "f": self.confidence, "e": self.evidence or None, "a": self.attributed_to,
        }
        return json.dumps({k: v for k, v in data.items() if v is not None},
                          separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Verdict":
        d = json.loads(raw)
        return cls(role=d["r"], original=d.get("o"), similarity=d.get("j"),
                   containment=d.get("k"), confidence=d.get("f"), evidence=d.get("e") or [],
                   attributed_to=d.get("a"))


@dataclass(slots=True)
class LookupResult:
    """The answer for one URL or text: the CLI's and API's JSON contract."""

    url: str
    indexed: bool
    id: str | None = None
    cluster: str | None = None
    role: Role | None = None
    original: dict[str, str | None] | None = None
    attributed_to: str | None = None
    similarity: float | None = None
    containment: float | None = None
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    first_seen: str | None = None
    copies: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    site: str | None = None
    published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
