"""From input to index-ready article, in two steps (CPU only):

1. :func:`draft_article`: validation, extraction, identity, metadata, content lines;
2. :func:`sign`: the signature and bands, without the lines the site repeats on every page
   (its template, learned in Redis from the drafts: see :class:`dedup.sites.SiteMemory`).

A text is signed once, here, never on the thread that writes to Redis. Bulk ingests prepare
batches in worker processes: :func:`prepared_batches` keeps a bounded window of batches in
flight at each step, so a stream of any length is prepared with bounded memory, in input
order. Worker processes receive inputs and return drafts and prepared articles through
multiprocessing's own channel; nothing here reads Redis or the network: the caller's
``learn`` does, between the two steps, in input order.
"""

import itertools
import logging
import multiprocessing
import os
import threading
import zlib
from collections import deque
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

import xxhash

from dedup.attribution import attribution_lines, wire_bylines
from dedup.boilerplate import content_lines, line_key, signature_text
from dedup.config import Settings
from dedup.errors import InputError
from dedup.models import ArticleInput, ArticleMeta, Draft, Prepared, Templates
from dedup.params import SignatureParams
from dedup.publishers import identity_url, site_host
from dedup.sanitize import clean_article
from dedup.signature import packed_bands, signature
from dedup.urls import article_id, normalize_url

logger = logging.getLogger(__name__)

POOL_STOP_WAIT = 10.0  # seconds a stopping preparation pool may take before it is killed
Numbered = tuple[int, ArticleInput]
Errors = list[tuple[int, str]]  # (position, reason)
Batch = tuple[list[Prepared], Errors]  # prepared articles, inputs that could not be
Drafts = tuple[list[Draft], Errors]
Learn = Callable[[list[Draft]], Templates]
_T = TypeVar("_T")


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
    words = len(text.split())
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
    return Draft(article_id(url), meta, text, aliases, zlib.compress(text.encode(), 6),
                 b"".join(dict.fromkeys(line_key(ln) for ln in content_lines(text))))


def sign(draft: Draft, params: SignatureParams, template: Collection[bytes] = ()) -> Prepared:
    """The draft with its signature and bands, made of its content lines less its site's
    ``template`` lines (their keys)."""
    # a page that is all its site's template is signed on its id: it matches nothing
    sig = signature(signature_text(draft.text, template) or draft.id, params)
    return Prepared.signed(draft, sig, packed_bands(sig, params))


def prepare_article(item: ArticleInput, settings: Settings, params: SignatureParams,
                    template: Collection[bytes] = ()) -> Prepared:
    """:func:`draft_article`, then :func:`sign` (inputs checked alone, without an index)."""
    return sign(draft_article(item, settings), params, template)


def latest(drafts: list[Draft]) -> list[Draft]:
    """The drafts with one per article id: the last version of a URL wins."""
    return list({d.id: d for d in drafts}.values())


def draft_batch(items: list[Numbered], settings: Settings) -> Drafts:
    """Draft a batch; inputs that cannot be indexed come back as (position, reason)."""
    drafts, errors = [], []
    for pos, item in items:
        try:
            drafts.append(draft_article(item, settings))
        except InputError as exc:
            errors.append((pos, str(exc)))
        except Exception as exc:
            errors.append((pos, f"could not be prepared: {type(exc).__name__}: {exc}"))
    return drafts, errors


def sign_batch(batch: Drafts, templates: Templates, params: SignatureParams) -> Batch:
    """Sign a batch's drafts, each without its site's template lines."""
    drafts, errors = batch
    return [sign(d, params, templates.get(d.meta.site, ())) for d in drafts], errors


def prepared_batches(items: Iterable[Numbered], settings: Settings, params: SignatureParams,
                     learn: Learn, workers: int = 0) -> Generator[Batch, None, None]:
    """Prepared batches of ``settings.batch_size`` inputs, in input order, one article per
    id in each (the last version wins).

    ``learn(drafts)``: the site template lines to leave out of the drafts' signatures, called
    once per batch, in input order, in the calling thread. ``workers``: 0 = one process per
    CPU, 1 = in this process. The pool starts only once the input is known to hold more than
    one batch (small ingests stay in process), and is started before the caller's writer
    thread touches anything of it.
    """
    chunks = _chunked(iter(items), settings.batch_size)
    head = list(itertools.islice(chunks, 2))
    n = workers or os.cpu_count() or 1
    stamp = _Stamp()
    if n <= 1 or len(head) < 2:
        for chunk in itertools.chain(head, chunks):
            drafts, errors = draft_batch(chunk, settings)
            drafts = stamp(latest(drafts))
            yield sign_batch((drafts, errors), learn(drafts), params)
        return
    # fork: the workers start in milliseconds, before any thread of ours runs in them
    ctx = multiprocessing.get_context("fork")
    pool: Pool = ctx.Pool(n)
    try:
        drafted = _in_order(pool, draft_batch,
                            ((chunk, settings) for chunk in itertools.chain(head, chunks)), 2 * n)
        yield from _in_order(pool, sign_batch, _learned(drafted, learn, params, stamp), 2 * n)
    finally:
        _stop(pool)


def _stop(pool: Pool, wait: float = POOL_STOP_WAIT) -> None:
    """Terminate the pool, waiting at most ``wait`` seconds: ``Pool.terminate`` waits on the
    pool's own threads and on the task queue's lock, for good if a worker died holding it.
    Past ``wait`` the workers are killed and the pool's threads (daemons) are left to end
    with the process."""
    def terminate() -> None:
        pool.terminate()
        pool.join()

    stopper = threading.Thread(target=terminate, daemon=True)
    stopper.start()
    stopper.join(wait)
    if stopper.is_alive():
        logger.warning("the preparation pool did not stop within %.0f s: killing it", wait)
        for proc in getattr(pool, "_pool", []):  # Pool keeps its processes there
            proc.kill()


class _Stamp:
    """One first-seen time per batch, later than the previous batch's, given in input order:
    drafted in parallel, an article of a later batch could otherwise be seen before one of an
    earlier batch, and the first seen of two equal texts can be the original; one time for a
    whole batch, so that how fast it was drafted decides nothing (a re-run after a crash
    decides as one clean run would)."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, drafts: list[Draft]) -> list[Draft]:
        now = utc_now()
        if now <= self.last:
            later = datetime.fromisoformat(self.last.replace("Z", "+00:00"))
            now = (later + timedelta(milliseconds=1)).isoformat(
                timespec="milliseconds").replace("+00:00", "Z")
        self.last = now
        for d in drafts:
            d.meta.first_seen = now
        return drafts


def _learned(drafted: Iterator[Drafts], learn: Learn, params: SignatureParams,
             stamp: _Stamp) -> Iterator[tuple[Drafts, Templates, SignatureParams]]:
    for drafts, errors in drafted:
        drafts = stamp(latest(drafts))
        yield (drafts, errors), learn(drafts), params


def _in_order(pool: Pool, fn: Callable[..., _T], calls: Iterable[tuple[object, ...]],
              window: int) -> Iterator[_T]:
    """fn over the calls' arguments in the pool, results in call order, at most ``window``
    calls ahead of the consumer."""
    pending: deque[AsyncResult[_T]] = deque()
    for args in calls:
        pending.append(pool.apply_async(fn, args))
        if len(pending) > window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _chunked(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk
