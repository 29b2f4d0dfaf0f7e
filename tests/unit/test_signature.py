import random

import numpy as np
from datasketch import MinHash

from dedup.normalize import token_bytes, tokenize
from dedup.params import PARAMS
from dedup.signature import (
    Signature,
    earlier_band_neighbours,
    jaccard,
    minhash_values,
    packed_bands,
    shingle_hashes,
    signature,
)

TEXT = ("The council approved the plan on Tuesday after a long debate about the harbour, "
        "the budget and the future of the old ferry terminal near the quay.")


def test_kernel_matches_datasketch_bit_for_bit() -> None:
    tokens, _ = token_bytes(TEXT * 3)
    hashes = shingle_hashes(tokens, PARAMS.word_ngram)
    ref = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed, hashfunc=lambda x: x)
    ref.update_batch([int(h) for h in hashes])
    assert np.array_equal(ref.hashvalues, minhash_values(hashes))


def test_typographic_variants_give_the_same_signature() -> None:
    a = signature("\u201cIt\u2019s over\u201d \u2014 said the MAYOR,  twice.\n" + TEXT)
    b = signature('"it\'s over" - said the mayor, twice. ' + TEXT)
    assert a.text_hash == b.text_hash
    assert jaccard(a, b) == 1.0


def test_jaccard_estimate_tracks_true_jaccard() -> None:
    words = [f"w{i}" for i in range(2000)]
    a = " ".join(words[:1000])
    b = " ".join(words[500:1500])  # true shingle Jaccard ~ 1/3
    est = jaccard(signature(a), signature(b))
    assert abs(est - 1 / 3) < 0.12


def test_scripts_without_spaces_are_shingled_by_characters() -> None:
    zh = "北京市政府周二宣布将在明年春季开放新的城市公园并增加公共交通线路以方便市民出行"
    assert len(tokenize(zh)) == len(zh)
    sig = signature(zh)
    assert sig.size == len(zh) - PARAMS.char_ngram + 1
    assert jaccard(sig, signature(zh + "记者报道")) > 0.7


def test_signature_round_trips_through_bytes() -> None:
    sig = signature(TEXT)
    again = Signature.from_bytes(sig.to_bytes())
    assert again.size == sig.size and again.text_hash == sig.text_hash
    assert np.array_equal(again.hashvalues, sig.hashvalues)
    assert len(sig.to_bytes()) == 12 + 4 * PARAMS.num_perm


def test_earlier_band_neighbours_match_a_pairwise_check() -> None:
    rng = random.Random(1)
    for _ in range(300):
        pool = [bytes(rng.randrange(3) for _ in range(5)) for _ in range(rng.randint(1, 30))]
        packed = [b"".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
                  for _ in range(rng.randint(0, 12))]
        entries = [{p[k:k + 5] for k in range(0, len(p), 5)} for p in packed]
        expected = [[j for j in range(i) if entries[i] & entries[j]] for i in range(len(packed))]
        assert earlier_band_neighbours(packed) == expected


def test_packed_bands_equal_exactly_when_band_values_are_equal() -> None:
    a = signature(TEXT)
    values = a.hashvalues.copy()
    values[0] ^= 1  # band 0 changes, every other band stays
    b = Signature(values, a.size, a.text_hash)
    pa, pb = packed_bands(a), packed_bands(b)
    assert len(pa) == 5 * PARAMS.bands
    same = [pa[i:i + 5] == pb[i:i + 5] for i in range(0, len(pa), 5)]
    assert same == [False] + [True] * (PARAMS.bands - 1)


def test_table_rows_reach_the_signature_menus_and_widgets_do_not() -> None:
    from dedup.boilerplate import signature_text

    text = ("Final standings after 36 races:\n| Pos. | Driver | Points | Wins |\n"
            "| 1 | Kyle Busch | 5040 | 5 |\n| 2 | Martin Truex Jr. | 5035 | 7 |\n"
            "Home | World | Business | Sport | Tech\nLeave a Reply\nShare")
    kept = signature_text(text).splitlines()
    assert "| 1 | Kyle Busch | 5040 | 5 |" in kept and "| 2 | Martin Truex Jr. | 5035 | 7 |" in kept
    assert not any(line.startswith(("Home", "Leave", "Share")) for line in kept)


def test_normalising_line_by_line_equals_normalising_the_text() -> None:
    """token_bytes normalises only the lines that need it: NFKC of the whole text, also
    where combining marks, jamo or ligatures meet a newline."""
    import unicodedata

    from dedup.normalize import _nfkc

    rng = random.Random(7)
    alphabet = "ae\u0301\u0308\u0327\n \u00a0\u2019\u2026\u00bd\uac00\u1100\u1161\u11a8\u3042" \
               "\u4e00\ufb01\u00c5\u212b\u0e01\u0e31\t"
    texts = ["e\n\u0301x", "\u1100\n\u1161", "\ufb01\n\u0301", "a\u0308\n\u0308", "", "\n\n"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40))) for _ in range(3000)]
    for text in texts:
        assert _nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_shingle_hashes_are_the_distinct_sorted_ngram_hashes() -> None:
    rng = random.Random(3)
    words = [f"w{k}" for k in range(30)]  # few words: many repeated shingles
    for size in (1, 2, 4, 5, 300):
        tokens = " ".join(rng.choice(words) for _ in range(size)).encode()
        hashes = shingle_hashes(tokens, PARAMS.word_ngram)
        assert hashes.dtype == np.uint32
        assert np.array_equal(hashes, np.unique(hashes))  # sorted, no repeats
        toks = tokens.split()
        grams = {tuple(toks[i:i + 4]) for i in range(max(1, len(toks) - 3))}
        assert len(hashes) == len(grams)  # one per distinct n-gram (no 32-bit collision here)
