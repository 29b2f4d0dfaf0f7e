"""Pages from web archives: the records of WARC files, read in file order with warcio.

Every ``response`` record with an HTML 200 becomes a page, handed to the same extraction as a
crawled page (``crawler.work.extract_page``): the URL from ``WARC-Target-URI``, the fetch time
from ``WARC-Date`` (the page's ``first_seen``, the weakest date signal), ``X-Robots-Tag:
noindex`` and ``Link: <…>; rel="canonical"`` from the archived HTTP headers. Other records
(revisit, request, metadata, warcinfo, non-HTML, other statuses) are counted by kind. A corrupt
or truncated record is reported with its offset, and reading goes on at the next record that
can be found (the next gzip member of a ``.warc.gz``, the next ``WARC/1.x`` line of a
``.warc``); on standard input, which cannot seek, reading stops there.
"""

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_BODY = 10 * 1024 * 1024  # the crawl's DOWNLOAD_MAXSIZE: a larger page is skipped, counted
_LINK_CANONICAL = re.compile(r'<([^>]+)>\s*;[^,]*\brel\s*=\s*"?canonical"?', re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\r?\n)WARC/1\.[01]\r?\n")


@dataclass(slots=True)
class Page:
    """An archived HTML page, ready for extraction."""

    url: str
    body: bytes
    content_type: str
    noindex: bool
    canonical: str | None
    seen: str | None  # WARC-Date, ISO 8601
    offset: int = 0


@dataclass(slots=True)
class Skipped:
    """A record that is not a page: ``reason`` is counted, ``message`` set for damage."""

    reason: str
    offset: int = 0
    message: str = ""


def warc_files(target: str) -> list[str]:
    """The archives named by ``target``: a file, ``-`` (standard input), or a folder (its
    ``.warc``/``.warc.gz`` files, sorted by name, so crawl segments are read in order)."""
    if target == "-":
        return ["-"]
    path = Path(target)
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.name.endswith(SUFFIXES))
        if not found:
            raise FileNotFoundError(f"no .warc or .warc.gz file in {target}")
        return found
    if not path.exists():
        raise FileNotFoundError(f"no such file: {target}")
    return [target]


def records(path: str) -> Iterator[Page | Skipped]:
    """Every record of one archive as a page or a skip, in file order, going on after damage."""
    if path == "-":
        yield from _read(sys.stdin.buffer, 0, seekable=False)
        return
    with open(path, "rb") as fh:
        start: int | None = 0
        while start is not None:
            fh.seek(start)
            resume: list[int] = []
            yield from _read(fh, start, seekable=True, resume=resume)
            start = _next_record(fh, resume[0]) if resume else None


class _QuietIterator(ArchiveIterator):
    """warcio writes a record whose Content-Length ends before its blank line to stderr: three
    lines, the last the stray bytes (a whole line of a binary file); the record is read all the
    same, and a damaged one is said in one line by ``_read``."""

    INC_RECORD = ""


def _read(fh: BinaryIO, base: int, seekable: bool,
          resume: list[int] | None = None) -> Iterator[Page | Skipped]:
    it = _QuietIterator(fh, no_record_parse=False, check_digests=False)
    offset = base
    try:
        for record in it:
            item = _classify(record)  # before the offset: asking for it reads the record
            offset = base + it.get_record_offset()
            item.offset = offset
            yield item
    except Exception as exc:
        damaged = base + (it.offset if it.offset > offset - base else offset - base)
        what = f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"
        yield Skipped("damaged", damaged, f"damaged record at offset {damaged}: {what}")
        if seekable and resume is not None:
            resume.append(damaged)


def _next_record(fh: BinaryIO, damaged: int) -> int | None:
    """Where the next readable record after ``damaged`` starts, if any."""
    fh.seek(damaged + 1)
    pos = damaged + 1
    tail = b""
    while chunk := fh.read(1 << 20):
        data = tail + chunk
        for match in (data.find(_GZIP_MAGIC), _warc_line(data)):
            if match >= 0:
                return pos - len(tail) + match
        tail = data[-16:]
        pos += len(chunk)
    return None


def _warc_line(data: bytes) -> int:
    m = _WARC_LINE.search(data)
    if m is None:
        return -1
    return m.start() + (len(m.group()) - len(m.group().lstrip(b"\r\n")))


def _classify(record: ArcWarcRecord) -> Page | Skipped:
    kind = record.rec_type or "unknown"
    if kind != "response":
        return Skipped(kind)
    http = record.http_headers
    if http is None:
        return Skipped("not_http")
    status = http.get_statuscode()
    if status != "200":
        return Skipped(f"http_{status}")
    ctype = http.get_header("Content-Type") or ""
    if ctype and not re.search(r"html|xml", ctype, re.IGNORECASE):
        return Skipped("not_html")
    body = record.content_stream().read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return Skipped("too_large")
    robots = " ".join(v for k, v in http.headers if k.lower() == "x-robots-tag").lower()
    canonical = None
    for k, v in http.headers:
        if k.lower() == "link" and (m := _LINK_CANONICAL.search(v)):
            canonical = m.group(1).strip()
    return Page(url=record.rec_headers.get_header("WARC-Target-URI") or "", body=body,
                content_type=ctype, noindex="noindex" in robots, canonical=canonical,
                seen=record.rec_headers.get_header("WARC-Date"))
