"""WARC files for tests and benchmarks, written with warcio from a SiteBuilder's pages."""

import io
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wiretrace_testing.localsites import SiteBuilder

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def served(b: SiteBuilder, url: str) -> tuple[bytes, int, dict[str, str]]:
    """(body, status, headers) that the local server answers for ``url``."""
    parts = urlsplit(url)
    route = b.routes[parts.hostname or ""][parts.path or "/"]
    return b.bodies[parts.hostname or ""][route["file"]], route["status"], route["headers"]


class Writer:
    """Appends records to one WARC; every record one second after the previous one."""

    def __init__(self, fh: BinaryIO, gzip: bool = True, start: datetime = START) -> None:
        self.warc = WARCWriter(fh, gzip=gzip)
        self.when = start

    def _date(self) -> str:
        self.when += timedelta(seconds=1)
        return self.when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def response(self, url: str, body: bytes, status: int = 200,
                 headers: dict[str, str] | None = None) -> None:
        http = StatusAndHeaders(f"{status} OK", list((headers or {}).items()),
                                protocol="HTTP/1.1")
        self.warc.write_record(self.warc.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": self._date()}))

    def request(self, url: str) -> None:
        http = StatusAndHeaders(f"GET {urlsplit(url).path or '/'} HTTP/1.1",
                                [("Host", urlsplit(url).netloc)], is_http_request=True)
        self.warc.write_record(self.warc.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=http,
            warc_headers_dict={"WARC-Date": self._date()}))

    def revisit(self, url: str, of: str) -> None:
        self.warc.write_record(self.warc.create_revisit_record(
            url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=of,
            refers_to_date=START.strftime("%Y-%m-%dT%H:%M:%SZ")))

    def pages(self, b: SiteBuilder, urls: Iterable[str]) -> None:
        for url in urls:
            body, status, headers = served(b, url)
            self.response(url, body, status, headers)


def write(path: Path, b: SiteBuilder, urls: Iterable[str]) -> Path:
    """A .warc.gz of the pages at ``urls``, in that order."""
    with open(path, "wb") as fh:
        Writer(fh).pages(b, urls)
    return path
