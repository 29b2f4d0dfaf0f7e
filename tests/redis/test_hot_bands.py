"""Band values many unrelated texts share (a common phrase picked as both of a band's minima)
are stop-words: an article compares at most store.SINGLE_BAND candidates that share one band
only with it, those of the rarest values first, however many hot values it has (issue 13:
the candidates compared grew with the index), while copies of the texts such entries list
still find them through their other bands."""

from dedup import codec
from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.params import PARAMS
from dedup.ranking import SINGLE_BAND, ranked_candidates
from dedup.signature import signature
from wiretrace_testing.stories import story, wrapped_copy

# 4-word phrases whose hashes are among the lowest 1/4000 under permutations 0 to 5 (found
# by a search over word combinations): a story of a few hundred shingles that has a band's
# two gets them as that band's two minima, so all such stories share the band's value.
LOW = {0: "harbor lantern willow falcon", 1: "thunder copper violet juniper",
       2: "harbor violet quartz cobalt", 3: "copper harbor orchid willow",
       4: "thunder juniper lantern violet", 5: "harbor orchid granite quartz"}
HOT_BANDS = 3
EARLY, LATER = 10, 20  # stories per hot band written first (more than BAND_IDS), then probes


def hot(bands: range) -> str:
    """A paragraph that gives ``bands`` the same values in every text that has it."""
    return "\n\n" + " ".join(LOW[p] for b in bands for p in (2 * b, 2 * b + 1))


def with_hot(seed: int, site: str, bands: range) -> ArticleInput:
    return ArticleInput(url=f"https://{site}.example/news/{seed}",
                        text=story(seed, paragraphs=4) + hot(bands))


def full_values(engine: Engine) -> int:
    return sum(v.endswith(codec.FULL)
               for key in engine.client.scan_iter(match=engine.keys.index_pattern("band:"))
               for v in engine.client.hvals(key))


def test_the_phrases_are_their_permutations_minima() -> None:
    lim = (1 << 32) // 4000
    assert all(signature(text).hashvalues[p] < lim for p, text in LOW.items())
    assert PARAMS.rows == 2  # band b is permutations 2b and 2b + 1


def test_single_band_candidates_of_the_rarest_values_first() -> None:
    def ids(*n: int) -> bytes:
        return b"".join(k.to_bytes(codec.ID_BYTES, "big") for k in n)
    full = [ids(*range(10 * b, 10 * b + codec.BAND_IDS)) + codec.FULL for b in range(1, 4)]
    values = [*full, ids(99), b"", ids(5, 6)]  # 21 ids of FULL entries, 3 of small ones
    got = ranked_candidates(values, "", cap=50)
    assert len(got) == SINGLE_BAND
    # the rarest kept, then FULL entries' ids in the order met; the output in that order
    assert got == [ids(n).hex() for n in (10, 11, 12, 13, 14, 99, 5, 6)]
    # a candidate in two entries is kept whatever their sizes, beside the budget's
    both = ranked_candidates([*values, ids(25)], "", cap=50)
    assert ids(25).hex() in both and ids(25).hex() not in got
    assert len(both) == SINGLE_BAND + 1
    # fewer single-band candidates than the budget: as before, every one
    assert ranked_candidates([ids(1, 2), ids(3)], "", cap=50) == [ids(n).hex() for n in (1, 2, 3)]


def test_hot_band_values_do_not_grow_the_candidates_compared(engine: Engine) -> None:
    early = [with_hot(9000 + 100 * b + i, f"early{b}-{i}", range(b, b + 1))
             for b in range(HOT_BANDS) for i in range(EARLY)]
    engine.ingest(early, workers=1)
    assert full_values(engine) >= HOT_BANDS  # more than BAND_IDS stories share each value
    start = engine.store.compared
    every = range(HOT_BANDS)
    engine.ingest([with_hot(9500 + i, f"later{i}", every) for i in range(LATER)], workers=1)
    # each later story would compare the BAND_IDS ids each FULL entry lists (21 a story)
    assert (engine.store.compared - start) / LATER <= 8  # 21 without the budget
    start = engine.store.compared
    checks = engine.check_many([with_hot(9800 + i, f"probe{i}", every) for i in range(LATER)])
    assert (engine.store.compared - start) / LATER <= 8  # 21 without the budget
    assert all(getattr(c, "role", None) == "unique" for c in checks)
    # a copy of a story listed in a FULL entry still finds it, through its other bands
    found = engine.check(ArticleInput(url="https://copier.example/x",
                                      text=wrapped_copy(early[0].text)))
    assert found.original is not None and found.original["url"] == early[0].url
