"""Bulk preparation in worker processes: :func:`prepared_batches`.

Each article is drafted and signed in one step as if its site had no template lines, the
signature most articles keep (nothing here reads Redis or the network); the writer learns a
batch's site templates just before writing it, and only the articles whose lines a template
names are signed again, there (:func:`resign_touched`). A bounded window of batches is in
flight at each step, so a stream of any length is prepared with bounded memory, in input
order. Worker processes receive inputs and return prepared articles through
multiprocessing's own channel.
"""

import itertools
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import datetime, timedelta
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

from dedup.config import Settings
from dedup.errors import InputError
from dedup.lifeline import die_with_parent
from dedup.models import ArticleInput, DraftT, Prepared, Templates
from dedup.params import SignatureParams
from dedup.prepare import draft_with_lines, latest, sign, utc_now

logger = logging.getLogger(__name__)

POOL_STOP_WAIT = 10.0  # seconds a stopping preparation pool may take before it is killed
Numbered = tuple[int, ArticleInput]
Errors = list[tuple[int, str]]  # (position, reason)
Batch = tuple[list[Prepared], Errors]  # prepared articles, inputs that could not be
_T = TypeVar("_T")


def presign_batch(items: list[Numbered], settings: Settings, params: SignatureParams) -> Batch:
    """Draft a batch and sign it as if no site had template lines: the signature an article
    keeps unless its site's template names one of its lines (:func:`_touched`); inputs that
    cannot be indexed come back as (position, reason)."""
    drafts, errors = [], []
    for pos, item in items:
        try:
            drafts.append(draft_with_lines(item, settings))
        except InputError as exc:
            errors.append((pos, str(exc)))
        except Exception as exc:
            errors.append((pos, f"could not be prepared: {type(exc).__name__}: {exc}"))
    # all drafted, then all signed: each step's code stays hot
    return [sign(draft, params, (), lines) for draft, lines in drafts], errors


def _touched(article: Prepared, templates: Templates) -> bool:
    """Whether the article's site template names one of its content lines: else
    :func:`signature_text` leaves out nothing and its signature is the one made without."""
    template = templates.get(article.meta.site)
    if not template:
        return False
    keys = article.line_keys
    return any(keys[j:j + 8] in template for j in range(0, len(keys), 8))


def resign(articles: list[Prepared], templates: Templates, params: SignatureParams
           ) -> list[Prepared]:
    """The articles signed again, each without its site's template lines."""
    return [sign(a, params, templates.get(a.meta.site, ())) for a in articles]


def resign_touched(prepared: list[Prepared], templates: Templates, params: SignatureParams
                   ) -> list[Prepared]:
    """The batch with the articles a site template touches signed again, each without its
    site's template lines: a few a batch (6% of a news-like corpus)."""
    redo = [j for j, a in enumerate(prepared) if _touched(a, templates)]
    if redo:
        again = resign([prepared[j] for j in redo], templates, params)
        for j, article in zip(redo, again, strict=True):
            prepared[j] = article
    return prepared


def prepared_batches(items: Iterable[Numbered], settings: Settings, params: SignatureParams,
                     workers: int = 0) -> Generator[Batch, None, None]:
    """Prepared batches of ``settings.batch_size`` inputs, in input order, one article per
    id in each (the last version wins), each stamped with its first-seen time.

    Articles are drafted and signed in one step (in the workers), as if no site had template
    lines; the writer learns a batch's templates just before writing it and signs again the
    articles they touch (:func:`resign_touched`).
    ``workers``: 0 = one process per CPU, 1 = in this process. The pool starts only once the
    input is known to hold more than one batch (small ingests stay in process), and is
    started before the caller's writer thread touches anything of it.
    """
    chunks = _chunked(iter(items), settings.batch_size)
    head = list(itertools.islice(chunks, 2))
    n = workers or os.cpu_count() or 1
    stamp = _Stamp()
    if n <= 1 or len(head) < 2:
        presigned: Iterator[Batch] = (presign_batch(chunk, settings, params)
                                      for chunk in itertools.chain(head, chunks))
        pool = None
    else:
        # fork: the workers start in milliseconds, before any thread of ours runs in them
        pool = _QuietPool(n, initializer=die_with_parent, initargs=(os.getpid(),),
                          context=multiprocessing.get_context("fork"))
        presigned = _in_order(pool, presign_batch, ((chunk, settings, params) for chunk in
                                                    itertools.chain(head, chunks)), 2 * n)
    try:
        for prepared, errors in presigned:
            yield stamp(latest(prepared)), errors
    finally:
        if pool is not None:
            _stop(pool)


class _QuietPool(Pool):
    """A pool whose worker-minding thread sleeps while results arrive.

    ``Pool``'s thread that replaces dead workers also wakes whenever the result pipe is
    readable, and only the result thread reads it: while a batch's results (~500 KB) stream
    in, that thread spins, ~0.05 ms of CPU an ingested article (9% of the ingest process's)
    and GIL turns taken from the writer. It is woken by what it acts on: a worker's exit
    (its sentinel) and the pool's own notifier (close, terminate).
    """

    def _get_sentinels(self) -> list[object]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


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

    def __call__(self, drafts: list[DraftT]) -> list[DraftT]:
        now = utc_now()
        if now <= self.last:
            later = datetime.fromisoformat(self.last.replace("Z", "+00:00"))
            now = (later + timedelta(milliseconds=1)).isoformat(
                timespec="milliseconds").replace("+00:00", "Z")
        self.last = now
        for d in drafts:
            d.meta.first_seen = now
        return drafts


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
