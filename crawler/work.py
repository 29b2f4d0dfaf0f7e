"""What the crawler's worker processes do with a page: extract, then prepare for the index.

No Scrapy and no Twisted here: this module is what each worker process imports.
"""

from functools import cache

from dedup.config import Settings
from dedup.errors import InputError
from dedup.extraction import extract
from dedup.params import PARAMS
from dedup.plan import Prepared
from dedup.prepare import prepare_article

Result = tuple[str, Prepared | None, str]  # (status or skip reason, prepared, message)


@cache
def _settings() -> Settings:
    return Settings()


def extract_page(url: str, html: str, noindex: bool = False) -> Result:
    """("ok", prepared, "") for an article; (reason, None, message) for a skipped page."""
    try:
        item = extract(html, url)
        if noindex:
            item.noindex = True
        return "ok", prepare_article(item, _settings(), PARAMS), ""
    except InputError as exc:
        reason = exc.reason if exc.reason != "invalid" else "not_indexable"
        if "too short" in str(exc):
            reason = "too_short"
        return reason, None, str(exc)
    except Exception as exc:  # a hostile page must not take the crawl down
        return "extract_error", None, f"{type(exc).__name__}: {exc}"
