"""Signature and LSH parameters: versioned constants shared by every reader and writer.

Changing any value here changes what a signature means, so it needs a new
``PARAMS_VERSION``; an index written with other parameters is refused
(:class:`dedup.errors.IndexMismatchError`) until ``wiretrace reindex`` rebuilds it.
"""

from dataclasses import asdict, dataclass
from functools import lru_cache


@dataclass(frozen=True)
class SignatureParams:
    """How a text becomes a MinHash signature and how the signature is banded."""

    version: int = 2
    num_perm: int = 128
    seed: int = 1
    # datasketch's default permutation scheme since 2.0: murmur3 fmix, then a*h+b mod 2**32.
    scheme: str = "affine32"
    word_ngram: int = 4
    # Scripts written without spaces (Chinese, Japanese, Thai, ...) are shingled by characters.
    char_ngram: int = 5
    # LSH: bands x rows. Two rows per band keeps recall high down to a Jaccard of ~0.25,
    # where 40% excerpts wrapped in boilerplate sit (see bench/index_vs_datasketch.py).
    bands: int = 48
    rows: int = 2
    # How a band's values become its entry: a multiply-add fold, then murmur3's fmix64; the
    # entry's 32-bit tag addresses its band hash, whose count grows with the index (v2).
    band_hash: str = "fold-fmix64-tag32"

    def __post_init__(self) -> None:
        if self.bands > 255:
            raise ValueError("bands must fit in 8 bits (packed band entries)")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm")

    def fingerprint(self) -> str:
        """A stable text form, stored with the index and compared on every open (made once:
        every check asks)."""
        return _fingerprint(self)


@lru_cache(maxsize=16)
def _fingerprint(params: SignatureParams) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(asdict(params).items()))


PARAMS = SignatureParams()
