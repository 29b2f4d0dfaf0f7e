"""From text to MinHash signature: shingles, a vectorised MinHash kernel, LSH bands.

The kernel computes exactly what datasketch's ``MinHash(scheme="affine32")`` computes for the
same 32-bit shingle hashes (murmur3 finaliser, then ``a*h+b mod 2**32`` with datasketch's own
permutations), so the estimator is MinHash's; it is only faster because shingle hashes are
built with array arithmetic instead of one Python hash call per shingle.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np
import xxhash

from dedup.normalize import token_bytes
from dedup.params import PARAMS, SignatureParams

_U32 = np.uint32
_NGRAM_MULT = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 2048  # shingles per kernel pass: bounds the temporary matrix to ~1 MiB


@dataclass(frozen=True, slots=True)
class Signature:
    """A text's MinHash signature with what re-scoring needs."""

    hashvalues: np.ndarray  # uint32[num_perm]
    size: int  # number of distinct shingles
    text_hash: bytes  # 8 bytes: exact-duplicate fast path

    def values_bytes(self) -> bytes:
        """The hash values alone, little-endian uint32."""
        return self.hashvalues.astype("<u4", copy=False).tobytes()

    def to_bytes(self) -> bytes:
        """Compact form stored in Redis: size (4 bytes), text hash (8), hash values."""
        return (
            self.size.to_bytes(4, "little")
            + self.text_hash
            + self.hashvalues.astype("<u4", copy=False).tobytes()
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Signature":
        """Inverse of :meth:`to_bytes`; raises ValueError on a wrong length."""
        if len(raw) < 12 or (len(raw) - 12) % 4:
            raise ValueError(f"stored signature has {len(raw)} bytes, not 12 + 4*num_perm")
        values = np.frombuffer(raw, dtype="<u4", offset=12).astype(_U32)
        return cls(values, int.from_bytes(raw[:4], "little"), bytes(raw[4:12]))


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2's affine32 permutation parameters, so signatures match it bit for bit: an
    odd ``a`` then a ``b`` per permutation, drawn in that order from numpy's seeded legacy
    generator (whose stream numpy keeps stable). Drawn here rather than read off a datasketch
    ``MinHash``: importing datasketch imports scipy, ~0.35 s of CPU at the start of every
    process (CLI, crawl, workers); ``test_kernel_matches_datasketch_bit_for_bit`` holds the
    two equal."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U32(16))
    h = h * _U32(0x85EBCA6B)
    h = h ^ (h >> _U32(13))
    h = h * _U32(0xC2B2AE35)
    return h ^ (h >> _U32(16))


class _Powers:
    """Cached powers of the token hash base and of its inverse modulo 2**64."""

    base = 0x100000001B3  # odd, so it is invertible modulo 2**64
    inverse = pow(base, -1, 1 << 64)

    def __init__(self) -> None:
        self.up: np.ndarray = np.ones(1, dtype=np.uint64)
        self.down: np.ndarray = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            with np.errstate(over="ignore"):
                self.up = np.cumprod(np.full(size, self.base, dtype=np.uint64)) * np.uint64(
                    self.inverse
                )
                self.down = np.cumprod(np.full(size, self.inverse, dtype=np.uint64)) * np.uint64(
                    self.base
                )
        return self.up[:n], self.down[:n]


_POWERS = _Powers()


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def token_hashes(tokens: bytes) -> np.ndarray:
    """64-bit hashes of the space-separated tokens of a token text, without a Python loop.

    A polynomial hash over the UTF-8 bytes: prefix sums give every token's hash in a few
    array operations, and a murmur3 finaliser mixes it.
    """
    buf = np.frombuffer(tokens, dtype=np.uint8)
    if not len(buf):
        return np.empty(0, dtype=np.uint64)
    up, down = _POWERS.get(len(buf))
    prefix = np.zeros(len(buf) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(buf.astype(np.uint64) * up, out=prefix[1:])
        spaces = np.flatnonzero(buf == 32)
        starts = np.concatenate(([0], spaces + 1))
        ends = np.concatenate((spaces, [len(buf)]))
        return _fmix64((prefix[ends] - prefix[starts]) * down[starts])


def shingle_hashes(tokens: bytes, n: int) -> np.ndarray:
    """Distinct 32-bit hashes of the token n-grams (all tokens as one shingle if fewer)."""
    h = token_hashes(tokens)
    if not len(h):
        return np.empty(0, dtype=_U32)
    n = min(n, len(h))
    with np.errstate(over="ignore"):
        acc = h[: len(h) - n + 1].copy()
        for j in range(1, n):
            acc = acc * _NGRAM_MULT + h[j : len(h) - n + 1 + j]
    folded = np.sort(((acc >> np.uint64(32)) ^ acc).astype(_U32))
    # distinct values by sort and compare: what np.unique gives, ~10x faster at these sizes
    # (numpy 2.4's np.unique takes a hash path that costs ~70 us for 700 values)
    keep = np.empty(len(folded), dtype=bool)
    keep[0] = True
    np.not_equal(folded[1:], folded[:-1], out=keep[1:])
    return folded[keep]


def minhash_values(hashes: np.ndarray, params: SignatureParams = PARAMS) -> np.ndarray:
    """MinHash hash values of a set of 32-bit shingle hashes (datasketch affine32 scheme)."""
    a, b = _permutations(params.num_perm, params.seed)
    out = np.full(params.num_perm, np.iinfo(_U32).max, dtype=_U32)
    mixed = _fmix32(hashes.astype(_U32, copy=False))
    a, b = a[:, None], b[:, None]
    for start in range(0, len(mixed), _CHUNK):
        # one row per permutation: each minimum is over contiguous memory; added in place
        m = a * mixed[None, start : start + _CHUNK]
        m += b
        np.minimum(out, m.min(axis=1), out=out)
    return out


def signature(text: str, params: SignatureParams = PARAMS) -> Signature:
    """Signature of a text.

    Example:
        >>> s = signature("The quick brown fox jumps over the lazy dog.")
        >>> s.size, len(s.hashvalues)
        (6, 128)
    """
    tokens, nospace = token_bytes(text)
    hashes = shingle_hashes(tokens, params.char_ngram if nospace else params.word_ngram)
    return Signature(minhash_values(hashes, params), len(hashes), xxhash.xxh3_64_digest(tokens))


_BAND_DTYPE = np.dtype([("band", "u1"), ("tag", "<u4")])  # 5 bytes: a band entry's field
_BAND_MULT = np.uint64(0xD6E8FEB86659FD93)


def packed_bands(sig: Signature, params: SignatureParams = PARAMS) -> bytes:
    """Each LSH band's entry field, packed 5 bytes per band: band number (uint8) and a 32-bit
    tag of the band's values; the tag also addresses its band hash (dedup.keys.bucket_of).

    Two signatures share a band entry exactly when their values in that band are equal (up to
    a 2**-32 tag collision, which re-scoring with the full signature removes).
    """
    values = sig.hashvalues[: params.bands * params.rows].astype(np.uint64)
    rows = values.reshape(params.bands, params.rows)
    salt, template = _band_constants(params.bands, params.seed)
    with np.errstate(over="ignore"):
        h = salt
        for r in range(params.rows):
            h = h * _BAND_MULT + rows[:, r]
        h = _fmix64(h)
    out = template.copy()
    out["tag"] = h >> np.uint64(32)
    return out.tobytes()


@cache
def _band_constants(bands: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    band = np.arange(bands, dtype=np.uint64)
    with np.errstate(over="ignore"):
        salt = _fmix64(band * _BAND_MULT + np.uint64(seed))
    template = np.zeros(bands, dtype=_BAND_DTYPE)
    template["band"] = band
    return salt, template


def earlier_band_neighbours(packed: list[bytes]) -> list[list[int]]:
    """For each packed band list, the positions of the earlier lists it shares a band entry
    with: near-duplicates within one batch, found in one sort instead of a loop per band."""
    if not packed:
        return []
    raw = np.frombuffer(b"".join(packed), dtype=_BAND_DTYPE)
    keys = raw["band"].astype(np.uint64) | (raw["tag"].astype(np.uint64) << np.uint64(8))
    owner = np.repeat(np.arange(len(packed)), [len(p) // _BAND_DTYPE.itemsize for p in packed])
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    dup = np.flatnonzero(sk[1:] == sk[:-1])  # positions where a group continues
    out: list[set[int]] = [set() for _ in packed]
    if len(dup):
        starts = np.flatnonzero(np.diff(np.concatenate(([-2], dup))) != 1)
        for s in starts:
            # the run dup[s], dup[s]+1, ... marks one group of equal keys
            end = s
            while end + 1 < len(dup) and dup[end + 1] == dup[end] + 1:
                end += 1
            members = sorted({int(owner[order[i]]) for i in range(dup[s], dup[end] + 2)})
            for k, m in enumerate(members):
                out[m].update(members[:k])
    return [sorted(x) for x in out]


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity; exact 1.0 for identical normalised texts."""
    if a.text_hash == b.text_hash:
        return 1.0
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / len(a.hashvalues)
