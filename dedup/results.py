"""The engine's answers: typed results that the faces (CLI, API, page) turn into JSON, text or
HTML. Their ``to_dict`` is the public JSON: fields are added to it, never renamed."""

from dataclasses import asdict, dataclass, field
from typing import TypedDict

from dedup.models import Role

Json = str | int | float | bool | None | list["Json"] | dict[str, "Json"]
JsonObject = dict[str, Json]


class OriginalRef(TypedDict):
    """The original a copy or partial reproduces."""

    url: str
    site: str
    title: str | None
    published: str | None


class CopyRef(TypedDict):
    """One copy or partial of an original."""

    url: str
    site: str
    role: Role
    similarity: float | None
    containment: float | None
    published: str | None


@dataclass(slots=True)
class LookupResult:
    """The answer for one URL or text: the CLI's and API's JSON contract."""

    url: str
    indexed: bool
    id: str | None = None
    cluster: str | None = None
    role: Role | None = None
    original: OriginalRef | None = None
    attributed_to: str | None = None
    similarity: float | None = None
    containment: float | None = None
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    first_seen: str | None = None
    copies: list[CopyRef] = field(default_factory=list)
    title: str | None = None
    site: str | None = None
    published: str | None = None

    def to_dict(self) -> JsonObject:
        return asdict(self)


@dataclass(slots=True)
class ClusterResult:
    """A cluster: its original (None when it is not indexed) and every member's answer."""

    id: str
    original: str | None
    members: list[LookupResult]

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "original": self.original,
                "members": [m.to_dict() for m in self.members]}


@dataclass(slots=True)
class IndexStats:
    """Counters of an index, kept with every write, and the memory it takes.

    ``bytes_per_article_*`` are None for an empty index: estimates from the Redis server's
    ``used_memory`` (one ``INFO memory`` call) split by what the parameters fix per article;
    see :meth:`dedup.admin.Admin.stats`.
    """

    articles: int = 0
    clusters: int = 0
    copies: int = 0
    partials: int = 0
    originals: int = 0
    bytes_per_article_index_signature: int | None = None
    bytes_per_article_text_metadata: int | None = None

    @property
    def unique(self) -> int:
        """Articles in no cluster."""
        return self.articles - self.copies - self.partials - self.originals

    def counts(self) -> dict[str, int]:
        """The counters alone (the metrics gauges)."""
        return {"articles": self.articles, "clusters": self.clusters, "copies": self.copies,
                "partials": self.partials, "originals": self.originals}

    def to_dict(self) -> JsonObject:
        out: JsonObject = {**self.counts(), "unique": self.unique}
        for name in ("bytes_per_article_index_signature", "bytes_per_article_text_metadata"):
            if (value := getattr(self, name)) is not None:
                out[name] = value
        return out
