"""From input to index-ready article: validation, extraction, signature, bands (CPU only).

Bulk ingests prepare batches in worker processes: :func:`prepared_batches` keeps a bounded
window of batches in flight, so a stream of any length is prepared with bounded memory, in
input order. Worker processes receive inputs and return prepared articles through
multiprocessing's own channel; nothing here reads Redis or the network.
"""

import itertools
import multiprocessing
import os
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.pool import AsyncResult, Pool

from dedup.attribution import attribution_lines, wire_bylines
from dedup.boilerplate import content_lines, line_key
from dedup.config import Settings
from dedup.errors import InputError
from dedup.models import ArticleInput, ArticleMeta
from dedup.params import SignatureParams
from dedup.plan import Prepared
from dedup.signature import packed_bands, signature
from dedup.urls import article_id, identity_url, normalize_url, site_of

Numbered = tuple[int, ArticleInput]
Batch = tuple[list[Prepared], list[tuple[int, str]]]  # prepared articles, (position, error)


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


def prepare_article(item: ArticleInput, settings: Settings,
                    params: SignatureParams) -> Prepared:
    """Validate an input and compute its identity, signature and bands.

    Raises :class:`InputError` for an input that cannot be indexed.
    """
    if item.html is not None and item.text is None:
        from dedup.extraction import extract

        item = extract(item.html, item.url, base=item)
    if not item.text or not isinstance(item.text, str):
        raise InputError("no text: give `text`, or `html` with an extractable article")
    if len(item.text) > settings.max_text_chars:
        raise InputError(f"text has {len(item.text)} characters, more than the limit "
                         f"of {settings.max_text_chars}")
    text = item.text.replace("\x00", "")
    words = len(text.split())
    if words < settings.min_words:
        raise InputError(f"text too short to index ({words} words, at least "
                         f"{settings.min_words})", "too_short")
    url = identity_url(item.url, item.canonical_url)
    page = normalize_url(item.url)
    lines = content_lines(text)
    sig = signature("\n".join(lines) if lines else text, params)
    attribution = list(dict.fromkeys([*item.attribution, *attribution_lines(text)]))
    wire = list(dict.fromkeys([*item.wire, *wire_bylines(text)]))
    meta = ArticleMeta(
        url=url, site=item.site or site_of(url), title=item.title,
        published=iso_utc(item.published), modified=iso_utc(item.modified),
        site_name=item.site_name, author=item.author, language=item.language,
        canonical_url=item.canonical_url, og_url=item.og_url,
        original_source=list(item.original_source),
        syndication_source=list(item.syndication_source),
        is_based_on=list(item.is_based_on), attribution=attribution, wire=wire,
        source_links=list(item.source_links), noindex=bool(item.noindex),
        first_seen=utc_now(),
    )
    aliases = [article_id(page)] if page != url else []
    return Prepared(article_id(url), meta, text, sig, packed_bands(sig, params), aliases,
                    zlib.compress(text.encode(), 6),
                    b"".join(dict.fromkeys(line_key(ln) for ln in lines)))


def prepare_batch(items: list[Numbered], settings: Settings, params: SignatureParams) -> Batch:
    """Prepare a batch; inputs that cannot be indexed come back as (position, reason)."""
    prepared, errors = [], []
    for pos, item in items:
        try:
            prepared.append(prepare_article(item, settings, params))
        except InputError as exc:
            errors.append((pos, str(exc)))
        except Exception as exc:
            errors.append((pos, f"could not be prepared: {type(exc).__name__}: {exc}"))
    return prepared, errors


def prepared_batches(items: Iterable[Numbered], settings: Settings, params: SignatureParams,
                     workers: int = 0) -> Iterator[Batch]:
    """Prepared batches of ``settings.batch_size`` inputs, in input order.

    ``workers``: 0 = one process per CPU, 1 = in this process. The pool starts only once the
    input is known to hold more than one batch (small ingests stay in process), and is
    started before the caller's writer thread touches anything of it.
    """
    chunks = _chunked(iter(items), settings.batch_size)
    head = list(itertools.islice(chunks, 2))
    n = workers or os.cpu_count() or 1
    if n <= 1 or len(head) < 2:
        for chunk in itertools.chain(head, chunks):
            yield prepare_batch(chunk, settings, params)
        return
    # fork: the workers start in milliseconds, before any thread of ours runs in them
    ctx = multiprocessing.get_context("fork")
    pool: Pool = ctx.Pool(n)
    try:
        window: deque[AsyncResult[Batch]] = deque()
        for chunk in itertools.chain(head, chunks):
            window.append(pool.apply_async(prepare_batch, (chunk, settings, params)))
            if len(window) > 2 * n:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()
    finally:
        pool.terminate()
        pool.join()


def _chunked(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk
