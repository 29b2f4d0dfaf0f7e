"""Stored texts (an article record's ``text`` field): compressed, with a marker of how.

Written now: the marker byte ``b`` then a brotli stream (quality 5, a 64 KB window: on news
text about 6% smaller than zlib at level 6, 2,432 -> 2,271 B a generated article, 2,054 ->
1,918 a real page, for ~0.1 ms more CPU an article in the preparation workers; brotli's
built-in dictionary of common words is what helps on texts of a few KB; windows of 256 KB
and more cost 0.1 ms more again for nothing). Written before 2026-12-02, and by schema
v1: a bare zlib stream. Their first bytes never collide: a zlib stream starts with its CMF
byte, whose low four bits are 8 (deflate), and ``b`` is 0x62. Both read back.
"""

import zlib

import brotli

BROTLI = b"b"  # the marker: what follows is a brotli stream
QUALITY, WINDOW = 5, 16  # WINDOW: log2 bytes


def pack_text(text: str) -> bytes:
    """The text as stored."""
    return BROTLI + brotli.compress(text.encode(), quality=QUALITY, lgwin=WINDOW)


def unpack_text(raw: bytes) -> str:
    """A stored text, of either encoding."""
    if raw[:1] == BROTLI:
        return brotli.decompress(raw[1:]).decode()  # type: ignore[no-any-return,unused-ignore]
    return zlib.decompress(raw).decode()
