"""The publisher API's models (issue W2): watches and a site's republished articles."""

from pydantic import BaseModel, Field, JsonValue

from dedup.copyindex import SiteReport
from dedup.results import LookupResult
from dedup.watches import Watch


class WatchBody(BaseModel):
    """A site to watch; ``secret`` (``whsec_…``) is generated when left out."""

    site: str = Field(max_length=2048, examples=["news.example"])
    webhook: str | None = Field(default=None, max_length=2048,
                                examples=["https://hooks.news.example/wiretrace"])
    secret: str | None = Field(default=None, max_length=200)


class WatchOut(BaseModel):
    site: str
    webhook: str | None
    created: float = Field(description="When the watch was made (epoch seconds)")
    secret: str | None = Field(default=None, description="Only in the answer that generated "
                               "it: the signing secret, shown once")
    deliveries: list[dict[str, JsonValue]] = Field(
        default=[], description="The newest deliveries (one per message), newest first: at, "
        "webhook_id, kind (its copies' type, or mixed), copy and original (its first copy's), "
        "copies (every copy id), state (delivered|retrying|failed|refused), status, error, "
        "failures")


class WatchList(BaseModel):
    watches: list[WatchOut]


class ArticleRef(BaseModel):
    id: str | None
    url: str
    site: str | None
    title: str | None
    published: str | None
    first_seen: str | None
    role: str | None


class SiteCopyOut(BaseModel):
    copy_: ArticleRef = Field(alias="copy", serialization_alias="copy")
    original: ArticleRef
    similarity: float | None
    containment: float | None
    confidence: float | None
    evidence: list[str]
    found: float = Field(description="When the copy was first seen (epoch seconds)")


class Republisher(BaseModel):
    site: str
    copies: int


class WeekOut(BaseModel):
    week: str = Field(description="The Monday the week starts on (UTC)")
    copies: int


class SiteOut(BaseModel):
    """A site's republished articles, newest copy first, and who republishes it."""

    site: str
    total: int = Field(description="Copies and partials of the site's articles, all time")
    offset: int
    limit: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last")
    copies: list[SiteCopyOut]
    republishers: list[Republisher] = Field(description="Most copies first")
    weeks: list[WeekOut] = Field(description="Copies found per week, oldest first")


def ref(r: LookupResult) -> ArticleRef:
    return ArticleRef(id=r.id, url=r.url, site=r.site, title=r.title, published=r.published,
                      first_seen=r.first_seen, role=r.role)


def watch_out(w: Watch, deliveries: list[dict[str, JsonValue]] | None = None,
              secret: bool = False) -> WatchOut:
    return WatchOut(site=w.site, webhook=w.webhook, created=w.created,
                    secret=w.secret if secret else None, deliveries=deliveries or [])


def site_out(r: SiteReport) -> SiteOut:
    more = r.offset + r.limit < r.total
    return SiteOut(
        site=r.site, total=r.total, offset=r.offset, limit=r.limit,
        next_offset=r.offset + r.limit if more else None,
        copies=[SiteCopyOut(copy=ref(c.copy), original=ref(c.original),
                            similarity=c.copy.similarity, containment=c.copy.containment,
                            confidence=c.copy.confidence, evidence=c.copy.evidence,
                            found=c.found) for c in r.copies],
        republishers=[Republisher(site=s, copies=n) for s, n in r.republishers],
        weeks=[WeekOut(week=w, copies=n) for w, n in r.weeks])
