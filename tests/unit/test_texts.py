"""Stored texts: written with Zstandard behind a marker; zlib texts of older records still read."""

import zlib
from pathlib import Path

import pytest

from dedup.texts import ZSTD, pack_text, unpack_text
from wiretrace_testing import newslike
from wiretrace_testing.stories import story

TEXTS = [story(7), "é — “quoted” 日本語 " * 40, "x"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_packed_text_reads_back_and_is_marked(text: str) -> None:
    raw = pack_text(text)
    assert raw[:1] == ZSTD
    assert unpack_text(raw) == text


@pytest.mark.parametrize("level", [1, 6, 9])
@pytest.mark.parametrize("text", TEXTS)
def test_a_zlib_text_written_before_still_reads(text: str, level: int) -> None:
    raw = zlib.compress(text.encode(), level)
    assert raw[:1] != ZSTD  # a zlib stream's first byte: low four bits 8 (deflate)
    assert unpack_text(raw) == text


def test_every_zlib_header_differs_from_the_marker() -> None:
    for wbits in range(9, 16):
        for level in range(10):
            z = zlib.compressobj(level, zlib.DEFLATED, wbits)
            assert (z.compress(b"text") + z.flush())[:1] != ZSTD


def test_news_text_packs_about_as_small_as_zlib_made(shared_pages: Path) -> None:
    texts = [a.text for a in newslike.stream(40, 1, workers=1)]  # words of real articles
    packed = sum(len(pack_text(t)) for t in texts)
    assert packed < 1.05 * sum(len(zlib.compress(t.encode(), 6)) for t in texts)
