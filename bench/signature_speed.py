"""Signature throughput: wiretrace's kernel vs datasketch MinHash.update per shingle, and vs
update_batch, at the same num_perm and the same shingles (word 4-grams of our tokens).

    python bench/signature_speed.py [N]
"""

import sys
import time

import numpy as np
from datasketch import MinHash

from dedup.normalize import tokenize
from dedup.params import PARAMS
from dedup.signature import signature
from wiretrace_testing.corpus import texts


def shingles(text: str) -> list[bytes]:
    toks = tokenize(text)
    n = PARAMS.word_ngram
    return [" ".join(toks[i:i + n]).encode() for i in range(max(1, len(toks) - n + 1))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    corpus = texts(n)
    signature("warm up é")
    t = time.perf_counter()
    for text in corpus:
        signature(text)
    ours = time.perf_counter() - t

    t = time.perf_counter()
    for text in corpus:
        m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed)
        for sh in shingles(text):
            m.update(sh)
    loop = time.perf_counter() - t

    t = time.perf_counter()
    for text in corpus:
        m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed)
        m.update_batch(shingles(text))
    batch = time.perf_counter() - t

    words = np.mean([len(x.split()) for x in corpus])
    print(f"signature throughput, {n} texts of {words:.0f} words, num_perm={PARAMS.num_perm}")
    print(f"  wiretrace kernel          {n / ours:9.0f} texts/s")
    print(f"  datasketch update loop    {n / loop:9.0f} texts/s   ratio {loop / ours:5.1f}x")
    print(f"  datasketch update_batch   {n / batch:9.0f} texts/s   ratio {batch / ours:5.1f}x")


if __name__ == "__main__":
    main()
