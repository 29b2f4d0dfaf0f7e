"""What the crawler's worker processes do: extract a page and draft an article of it; sign a
batch of drafts once their sites' template lines are known.

No Scrapy and no Twisted here: this module is what each worker process imports.
"""

from datetime import datetime
from functools import cache

from w3lib.encoding import html_to_unicode

from dedup.config import Settings
from dedup.errors import InputError
from dedup.extraction import extract
from dedup.models import Draft, Prepared, Templates
from dedup.params import PARAMS
from dedup.prepare import draft_article, iso_utc, sign

Result = tuple[str, Draft | None, str]  # (status or skip reason, draft, message)


@cache
def _settings() -> Settings:
    return Settings()


def decode(body: bytes, content_type: str = "") -> str:
    """A page's text: the charset its Content-Type header or its markup declares, else what
    fits. A page whose declared charset does not fit its bytes (a common server mistake) is
    decoded with UTF-8 if that fits, else Windows-1252, which decodes anything."""
    _, text = html_to_unicode(content_type or None, body)
    if text.count("\ufffd") <= 10:
        return text
    for enc in ("utf-8", "cp1252"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    return text


def extract_page(url: str, html: str | bytes, noindex: bool = False,
                 content_type: str = "", canonical: str | None = None,
                 seen: str | None = None, listed: bool = False) -> Result:
    """("ok", draft, "") for an article; (reason, None, message) for a skipped page.

    ``canonical``: from an HTTP ``Link`` header, used when the markup names none; ``seen``:
    when the page was fetched (an archive's record date), else now; ``listed``: a feed or a
    news sitemap listed the page (an article, whatever its URL looks like).
    """
    try:
        if isinstance(html, bytes):
            html = decode(html, content_type)
        item = extract(html, url, listed=listed)
        if noindex:
            item.noindex = True
        if canonical and not item.canonical_url:
            item.canonical_url = canonical
        draft = draft_article(item, _settings())
        if when := _first_seen(seen):
            draft.meta.first_seen = when
        return "ok", draft, ""
    except InputError as exc:
        reason = exc.reason if exc.reason != "invalid" else "not_indexable"
        return reason, None, str(exc)
    except Exception as exc:  # a hostile page must not take the crawl down
        return "extract_error", None, f"{type(exc).__name__}: {exc}"


def _first_seen(value: str | None) -> str | None:
    """A fetch time in the engine's ``first_seen`` form (UTC, milliseconds), or None."""
    when = iso_utc(value)
    if not when or not when.endswith("Z"):
        return None
    dt = datetime.fromisoformat(when.replace("Z", "+00:00"))
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sign_drafts(drafts: list[Draft], templates: Templates) -> list[Prepared]:
    """The drafts signed, each without its site's template lines."""
    return [sign(d, PARAMS, templates.get(d.meta.site, ())) for d in drafts]


def warm_up() -> None:
    """Import what extraction needs, before the first page arrives."""
    import trafilatura  # noqa: F401

    _settings()
