"""Why a request failed, as the counter it is counted under (``wiretrace/skipped/<reason>``)."""

import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectError,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.middlewares import Skipped
from crawler.safety import was_refused

_TOO_LARGE = re.compile(r"larger than|max ?size|maxsize", re.IGNORECASE)


def skip_reason(failure: Failure) -> str:
    """The reason a request was dropped or failed, e.g. ``timeout``, ``http_404``,
    ``blocked_address``; the exception's class name when nothing more precise is known."""
    exc = failure.value
    # Scrapy's download handlers raise their own errors for Twisted's, chained
    # (CannotResolveHostError from DNSLookupError, ...): the reason is read from Twisted's
    if isinstance(exc.__cause__, ConnectError | DNSLookupError | TimeoutError | CancelledError):
        exc = exc.__cause__
    if isinstance(exc, Skipped):
        return exc.reason
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, DNSLookupError):
        url = getattr(getattr(failure, "request", None), "url", "")
        name = (urlsplit(url).hostname or "").lower()
        return "blocked_address" if was_refused(name) else "dns_error"
    if isinstance(exc, TimeoutError | TCPTimedOutError) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    message = str(exc)
    if _TOO_LARGE.search(message) or "Cancelled" in type(exc).__name__:
        return "too_large"
    if "redirect" in message.lower():
        return "redirect_loop"
    if isinstance(exc, IgnoreRequest):
        return "ignored"
    return type(exc).__name__.lower()
