"""The small set of exceptions wiretrace raises on purpose."""


class WiretraceError(Exception):
    """Base class of every error wiretrace raises on purpose."""


class InputError(WiretraceError):
    """An article or request is malformed; the message says what is wrong.

    ``reason`` is a short stable code for counting (``too_short``, ``binary``, ``listing``...).
    """

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class IndexMismatchError(WiretraceError):
    """The index in Redis was written with other signature or LSH parameters."""


class StoreUnavailableError(WiretraceError):
    """Redis cannot be reached or did not answer in time."""


class ConflictError(WiretraceError):
    """Concurrent writers kept changing what an ingest read; it gave up after its retries."""


class DamagedIndexError(ConflictError):
    """Every read of a write found a cluster listing an article with no record, settling in
    between: no writer was half done, the record is gone (a failover that lost a write, a key
    deleted by hand)."""

    def __init__(self) -> None:
        super().__init__("a cluster lists an article the index has no record of: run "
                         "`wiretrace fsck`, then `wiretrace fsck --repair`")


class IndexBusyError(WiretraceError):
    """Another process (``wiretrace reindex``) holds the index's write lease."""
