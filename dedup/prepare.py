"""From input to index-ready article, in two steps (CPU only):

1. :func:`draft_article`: validation, extraction, identity, metadata, content lines;
2. :func:`sign`: the signature and bands, without the lines the site repeats on every page
   (its template, learned in Redis from the drafts: see :class:`dedup.sites.SiteMemory`).

A text is signed here, never on the thread that writes to Redis; bulk ingests prepare
batches in worker processes (:mod:`dedup.prepool`). Nothing here reads Redis or the network.
"""

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import xxhash

from dedup.attribution import attribution_lines, wire_bylines
from dedup.boilerplate import content_lines, line_key, signature_text
from dedup.config import Settings
from dedup.errors import InputError
from dedup.models import ArticleInput, ArticleMeta, Draft, DraftT, Prepared
from dedup.params import SignatureParams
from dedup.publishers import identity_url, site_host
from dedup.sanitize import clean_article
from dedup.signature import packed_bands, signature
from dedup.texts import pack_text
from dedup.urls import article_id, normalize_url


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# No news article on the web is older than this; earlier dates are template defaults.
_EARLIEST = datetime(1990, 1, 1)


def iso_utc(value: str | None) -> str | None:
    """An ISO 8601 date or datetime in UTC, or None when it does not parse or cannot be an
    article's date (before 1990, or after tomorrow)."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if not _EARLIEST <= dt.replace(tzinfo=None) <= datetime.now() + timedelta(days=2):
        return None  # "0001-01-01" from a template, a year typed wrong: no date at all
    if dt.tzinfo is None:
        return dt.isoformat()  # a bare date or local time: keep what the page said
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def draft_article(item: ArticleInput, settings: Settings) -> Draft:
    """Validate an input and compute its identity, metadata and content lines.

    Every string field is cleaned first (:func:`dedup.sanitize.clean_article`), and again
    after extraction (JSON-LD escapes can make surrogates). Raises :class:`InputError` for an
    input that cannot be indexed.
    """
    return draft_with_lines(item, settings)[0]


def draft_with_lines(item: ArticleInput, settings: Settings,
                     compress: bool = True) -> tuple[Draft, list[str]]:
    """:func:`draft_article` and the draft's content lines; ``compress`` false: the draft's
    ``ztext`` is left empty (a check, which stores nothing, saves the compression)."""
    item = clean_article(item)
    if item.html is not None and item.text is None:
        from dedup.extraction import extract

        item = clean_article(extract(item.html, item.url, base=item))
    if not item.text or not isinstance(item.text, str):
        raise InputError("no text: give `text`, or `html` with an extractable article")
    if len(item.text) > settings.max_text_chars:
        raise InputError(f"text has {len(item.text)} characters, more than the limit "
                         f"of {settings.max_text_chars}")
    text = item.text
    # the words up to one past the minimum: a long text is not split whole for a count
    words = len(text.split(None, settings.min_words))
    if words < settings.min_words:
        raise InputError(f"text too short to index ({words} words, at least "
                         f"{settings.min_words})", "too_short")
    url = identity_url(item.url, item.canonical_url)
    page = normalize_url(item.url)
    signals = replace(
        item.signals(), published=iso_utc(item.published), modified=iso_utc(item.modified),
        attribution=list(dict.fromkeys([*item.attribution, *attribution_lines(text)])),
        wire=list(dict.fromkeys([*item.wire, *wire_bylines(text)])),
        noindex=bool(item.noindex))
    meta = ArticleMeta.of(signals, url=url, site=item.site or site_host(url),
                          first_seen=utc_now(), text_digest=xxhash.xxh3_64_hexdigest(text.encode()))
    aliases = [article_id(page)] if page != url else []
    lines = content_lines(text)
    return Draft(article_id(url), meta, text, aliases,
                 pack_text(text) if compress else b"",
                 b"".join(dict.fromkeys(line_key(ln) for ln in lines))), lines


def sign(draft: Draft, params: SignatureParams, template: Collection[bytes] = (),
         lines: list[str] | None = None) -> Prepared:
    """The draft with its signature and bands, made of its content lines (``lines``, when
    :func:`draft_with_lines` gave them) less its site's ``template`` lines (their keys)."""
    # a page that is all its site's template is signed on its id: it matches nothing
    sig = signature(signature_text(draft.text, template, lines) or draft.id, params)
    return Prepared.signed(draft, sig, packed_bands(sig, params))


def prepare_article(item: ArticleInput, settings: Settings, params: SignatureParams,
                    template: Collection[bytes] = ()) -> Prepared:
    """:func:`draft_article`, then :func:`sign` (inputs checked alone, without an index)."""
    return sign(draft_article(item, settings), params, template)


def latest(drafts: list[DraftT]) -> list[DraftT]:
    """The drafts with one per article id: the last version of a URL wins."""
    return list({d.id: d for d in drafts}.values())
