"""Which of the articles an article's band entries list it compares (candidates.lua): the
ranking, and the budget of candidates that share one band only with it."""

from dedup import codec

# Candidates sharing one band only, compared per article at most: the rest of them are texts
# that share one phrase by chance, more of them the larger the index (issue 13).
SINGLE_BAND = 8


def ranked_candidates(values: list[bytes], aid: str, cap: int,
                      single: int = SINGLE_BAND) -> list[str]:
    """An article's candidates from the values of its band entries (ids listed, then FULL
    when more shared the value): the ``cap`` sharing the most bands with it (ties in the order
    met), itself left out; of those sharing one band only, ``single`` at most.

    Two texts share a band (2 of 128 MinHash values) by chance when one phrase they both
    have gives both of its minima; the larger the index, the more texts share each such
    value, up to a FULL entry's codec.BAND_IDS ids. So the single-band candidates kept are
    those of the entries listing the fewest ids (a FULL entry counts as more than BAND_IDS):
    a value few texts have is specific to this story, one many have is a common phrase (a
    stop-word, in a search engine's terms). A related text shares several bands unless it
    is a short excerpt, and an excerpt's source, written recently, lists few others."""
    hits: dict[bytes, int] = {}
    fewest: dict[bytes, int] = {}
    n = codec.ID_BYTES
    for v in values:
        full = v.endswith(codec.FULL)
        end = len(v) - n if full else len(v)
        size = end // n + full
        for j in range(0, end, n):
            raw = v[j:j + n]
            if raw in hits:
                hits[raw] += 1
                fewest[raw] = min(fewest[raw], size)
            else:
                hits[raw] = 1
                fewest[raw] = size
    ones = [r for r, h in hits.items() if h == 1]
    keep = list(hits)
    if len(ones) > single:
        drop = set(sorted(ones, key=fewest.__getitem__)[single:])
        keep = [r for r in keep if r not in drop]
    top = sorted(keep, key=hits.__getitem__, reverse=True)[:cap] if len(keep) > cap else keep
    return [c for c in (r.hex() for r in top) if c != aid]
