"""Reading WARC records: pages, counted skips, and going on after a damaged record."""

from pathlib import Path

import pytest

from crawler.warc import Page, Skipped, records, warc_files
from wiretrace_testing.warcs import Writer

HTML = b"<html><head><title>t</title></head><body><p>" + b"word " * 300 + b"</p></body></html>"


def archive(path: Path, gzip: bool = True) -> list[int]:
    """Five pages; returns the offset where each record starts."""
    starts = []
    with open(path, "wb") as fh:
        w = Writer(fh, gzip=gzip)
        for i in range(5):
            starts.append(fh.tell())
            headers = {"Content-Type": "text/html"}
            if i == 1:
                headers |= {"X-Robots-Tag": "noindex",
                            "Link": '<https://orig.example/a>; rel="canonical"'}
            w.response(f"https://a.example/{i}", HTML, headers=headers)
        starts.append(fh.tell())
    return starts


@pytest.mark.parametrize("gzip", [True, False])
def test_a_damaged_record_is_reported_and_the_next_ones_are_read(tmp_path: Path,
                                                                 gzip: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gzip else "a.warc")
    starts = archive(path, gzip)
    data = bytearray(path.read_bytes())
    for k in range(starts[2] + 4, starts[2] + 40):  # the third record's header is garbage
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    got = list(records(str(path)))
    pages = [r.url for r in got if isinstance(r, Page)]
    damaged = [r for r in got if isinstance(r, Skipped) and r.reason == "damaged"]
    assert pages[:2] == ["https://a.example/0", "https://a.example/1"]
    assert pages[-2:] == ["https://a.example/3", "https://a.example/4"]
    assert len(damaged) == 1 and starts[2] <= damaged[0].offset < starts[3]
    assert "offset" in damaged[0].message


def test_http_headers_carry_signals_and_the_fetch_time(tmp_path: Path) -> None:
    archive(tmp_path / "a.warc.gz")
    got = [r for r in records(str(tmp_path / "a.warc.gz")) if isinstance(r, Page)]
    assert [p.noindex for p in got] == [False, True, False, False, False]
    assert got[1].canonical == "https://orig.example/a" and got[0].canonical is None
    assert got[0].seen is not None and got[0].seen < got[1].seen
    assert got[0].body == HTML


def test_folders_are_read_in_name_order(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in warc_files(str(tmp_path))] == ["a.warc", "b.warc.gz"]
    with pytest.raises(FileNotFoundError):
        warc_files(str(tmp_path / "missing"))


def test_a_record_longer_than_its_length_is_read_without_warcio_printing(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """warcio wrote three lines and the stray bytes to stderr ("Record not followed by
    newline"): `ingest --warc` of a binary file printed kilobytes of escaped bytes."""
    path = tmp_path / "a.warc"
    starts = archive(path, gzip=False)
    data = path.read_bytes()
    path.write_bytes(data[:starts[2] - 4] + b"stray \x00\x01 bytes" + data[starts[2] - 4:])
    pages = [r.url for r in records(str(path)) if isinstance(r, Page)]
    assert pages == [f"https://a.example/{i}" for i in range(5)]
    assert capfd.readouterr().err == ""
