"""Text normalisation and tokenisation: the first stage of every signature."""

import re
import unicodedata

# Scripts written without spaces between words: each character is a token of its own.
_NOSPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
)
_NOSPACE_RE = re.compile(rf"[{_NOSPACE}]")


# ASCII bytes that are not letters or digits separate tokens ...
_ASCII_SEPARATORS = bytes(b if chr(b).isalnum() or b >= 128 else 32 for b in range(256))
# ... and so do the common Unicode punctuation blocks, matched on their UTF-8 bytes: Latin-1
# punctuation (U+0080-00BF), General Punctuation (U+2000-206F), CJK symbols and punctuation
# (U+3000-303F) and fullwidth ASCII punctuation. Far faster than a per-character table.
_UNICODE_SEPARATORS = re.compile(
    rb"\xc2[\x80-\xbf]|\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xe3\x80[\x80-\xbf]"
    rb"|\xef\xbc[\x81-\x8f\x9a-\xa0\xbb-\xbf]"
)


_SPACE_RUNS = re.compile(rb"  +")


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, normalising only the lines that need it.

    A newline is a starter that never composes nor reorders with its neighbours, so NFKC of
    a text is NFKC of each of its lines joined; checking a line is ~10x cheaper than
    normalising it, and most lines of a text that is not normalised already are.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(line if unicodedata.is_normalized("NFKC", line)
                     else unicodedata.normalize("NFKC", line) for line in text.split("\n"))


def token_bytes(text: str) -> tuple[bytes, bool]:
    """The normalised text reduced to its tokens (UTF-8, single spaces), and whether its
    script is written without spaces.

    Tokens are runs of letters and digits; in scripts written without spaces (Chinese,
    Japanese, Thai, ...) every character is a token.
    """
    nospace = 0
    ascii_only = text.isascii()
    if ascii_only:
        text = text.lower()
    else:
        text = _nfkc(text).casefold()
        if "\u00ad" in text or "\u200d" in text:  # soft hyphen, joiner: inside words
            text = text.replace("\u00ad", "").replace("\u200d", "")
        if _NOSPACE_RE.search(text):
            text, nospace = _NOSPACE_RE.subn(r" \g<0> ", text)
    raw = text.encode().translate(_ASCII_SEPARATORS)
    if not ascii_only:  # the Unicode separators are multi-byte: none in ASCII
        raw = _UNICODE_SEPARATORS.sub(b" ", raw)
    # every separator is a space by now: one space between tokens, none at the ends
    tokens = _SPACE_RUNS.sub(b" ", raw).strip(b" ")
    return tokens, bool(nospace) and nospace * 2 > tokens.count(b" ") + 1


def tokenize(text: str) -> list[str]:
    """Tokens of a text (see :func:`token_bytes`)."""
    return token_bytes(text)[0].decode().split()
