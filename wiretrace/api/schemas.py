"""The API's request and response models: what `/openapi.json` documents.

The JSON is a public interface: fields may be added, never renamed or removed. Fields are
declared in the order the engine's results have them, so an answer reads as before. The engine's
answers become models here and nowhere else (:func:`lookup_out`, :func:`cluster_out`,
:func:`stats_out`), read from the engine's typed results (``dedup.results``).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from dedup.models import Role
from dedup.results import ClusterResult, IndexStats, Json, LookupResult
from dedup.sanitize import clean_text


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CheckBody(BaseModel):
    """Exactly one of ``text``, ``html`` or ``url`` (fetched, then checked)."""

    text: str | None = None
    html: str | None = None
    url: str | None = None

    @field_validator("text", "html", "url")
    @classmethod
    def _cleaned(cls, value: str | None) -> str | None:
        """Unpaired surrogates and control characters out (JSON can carry ``"\\ud800"``)."""
        return None if value is None else clean_text(value)


class ErrorOut(BaseModel):
    """Every error answer; ``reason`` is a short stable code where there is one."""

    error: str
    reason: str | None = None


class CheckBatchBody(BaseModel):
    """Texts or HTML pages to check, each as the body of `POST /v1/check` would carry it
    (``text`` or ``html``; a ``url`` is fetched one at a time, by `POST /v1/check`)."""

    items: list[CheckBody]


class OriginalOut(_Out):
    """The original a copy or partial reproduces."""

    url: str
    site: str | None
    title: str | None
    published: str | None


class CopyOut(_Out):
    """One copy or partial of an original."""

    url: str
    site: str | None
    role: Role
    similarity: float | None
    containment: float | None
    published: str | None


class LookupOut(_Out):
    """The answer for one URL or text (the JSON of `wiretrace lookup --json`)."""

    url: str
    indexed: bool
    id: str | None
    cluster: str | None
    role: Role | None
    original: OriginalOut | None
    attributed_to: str | None
    similarity: float | None
    containment: float | None
    confidence: float | None
    evidence: list[str]
    first_seen: str | None
    copies: list[CopyOut]
    title: str | None
    site: str | None
    published: str | None


class CheckBatchOut(BaseModel):
    """One answer per item, in order: what `POST /v1/check` answers for it, or the error it
    would get (``error``, ``reason``)."""

    results: list[LookupOut | ErrorOut]


class ClusterOut(_Out):
    """A cluster: its original's id (None when not indexed) and every member's answer."""

    id: str
    original: str | None
    members: list[LookupOut]


# A crawl run is the crawler's record, passed through as it was stored: its shape varies by
# kind (a run, a failed run, a skipped start) and by the version that wrote it.
CrawlRun = dict[str, JsonValue]


def _absent(value: object) -> bool:
    return value is None


class StatsOut(_Out):
    """Counts, bytes per article (absent for an empty index) and the recent crawl runs."""

    model_config = ConfigDict(extra="allow")

    articles: int = 0
    clusters: int = 0
    copies: int = 0
    partials: int = 0
    originals: int = 0
    unique: int = 0
    bytes_per_article_index_signature: int | None = Field(default=None, exclude_if=_absent)
    bytes_per_article_text_metadata: int | None = Field(default=None, exclude_if=_absent)
    crawl_runs: list[CrawlRun] = Field(
        default=[], description="Recent crawl runs, newest first, as the crawler recorded them: "
        "source, started, finished, seconds, pages_fetched, articles_indexed, new, updated, "
        "unchanged, copies, partials, skipped, finish_reason, error (a skipped start or a "
        "failed run carries fewer; `skipped` is then a reason)")


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    status: Literal["ready"] = "ready"


class UnavailableOut(BaseModel):
    """Redis cannot be reached (503)."""

    status: Literal["unavailable"] = "unavailable"
    error: str
    reason: Literal["redis_unavailable"] = "redis_unavailable"


def lookup_out(result: LookupResult) -> LookupOut:
    return LookupOut.model_validate(result)


def cluster_out(cluster: ClusterResult) -> ClusterOut:
    return ClusterOut.model_validate(cluster)


def stats_out(stats: IndexStats, crawl_runs: list[dict[str, Json]]) -> StatsOut:
    """The index's counts and estimates, with the recent crawl runs."""
    return StatsOut.model_validate(stats).model_copy(update={"crawl_runs": crawl_runs})
