"""A failed request is counted under the reason it failed for."""

import pytest
from scrapy import Request, exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error
from twisted.python.failure import Failure

from crawler.failures import skip_reason
from crawler.middlewares import Skipped


def _failure(exc: BaseException, url: str = "http://news.test/a") -> Failure:
    failure = Failure(exc)
    failure.request = Request(url)  # type: ignore[attr-defined]  # as Scrapy's errbacks get it
    return failure


@pytest.mark.parametrize(("exc", "reason"), [
    (Skipped("robots_forbidden", "forbidden by robots.txt"), "robots_forbidden"),
    (HttpError(Response("http://news.test/a", status=404), "Ignoring"), "http_404"),
    (error.DNSLookupError("no results"), "dns_error"),
    (error.TimeoutError(), "timeout"),
    (error.TCPTimedOutError(), "timeout"),
    (error.ConnectionRefusedError(), "connection_refused"),
    (IgnoreRequest("Cancelling download: body larger than 10485760 bytes"), "too_large"),
    (IgnoreRequest("Discarding: max redirections reached"), "redirect_loop"),
    (IgnoreRequest("Filtered"), "ignored"),
    (ValueError("odd"), "valueerror"),
])
def test_reasons(exc: BaseException, reason: str) -> None:
    assert skip_reason(_failure(exc)) == reason


def _wrapped(outer: type[Exception], inner: Exception) -> Exception:
    try:
        raise outer(str(inner)) from inner
    except Exception as exc:  # the chained error, as Scrapy's download handler raises it
        return exc


@pytest.mark.parametrize(("exc", "reason"), [
    (_wrapped(exceptions.CannotResolveHostError, error.DNSLookupError("no results")),
     "dns_error"),
    (_wrapped(exceptions.DownloadConnectionRefusedError, error.ConnectionRefusedError()),
     "connection_refused"),
    (_wrapped(exceptions.DownloadTimeoutError, error.TimeoutError()), "timeout"),
])
def test_reasons_behind_scrapys_own_download_errors(exc: Exception, reason: str) -> None:
    assert skip_reason(_failure(exc)) == reason
