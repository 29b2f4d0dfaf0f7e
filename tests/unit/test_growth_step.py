"""A growth step (a write's split of band hashes, dedup.writes.split_op) moves a bounded
number of band entries at any index size, and still keeps pace with the writes: a step of up
to 256 buckets outlasted the client's 2 s timeout under load at 200k articles."""

from dedup.codec import INITIAL_BUCKETS
from dedup.keys import Keys
from dedup.writes import SPLIT_ENTRIES, split_op

BANDS, FILL, BATCH = 48, 64, 64


def test_steps_stay_bounded_and_keep_pace_from_empty_to_300k_articles() -> None:
    keys, buckets, articles, biggest = Keys("t"), INITIAL_BUCKETS, 0, 0
    budget = max(SPLIT_ENTRIES, 3 * BATCH * BANDS)  # what grow_op gives a write of BATCH
    while articles < 300_000:
        articles += BATCH
        op = split_op(keys, buckets, articles * BANDS, FILL, budget)
        if op is None:
            continue
        count = int(op[3])
        # entries it moves: a bucket not split yet holds up to twice the mean
        biggest = max(biggest, count * 2 * articles * BANDS // buckets)
        buckets += count
        assert buckets * FILL >= (articles - 2 * BATCH) * BANDS  # never more than 2 writes behind
    assert biggest <= budget + 2 * articles * BANDS // buckets
    assert buckets * FILL >= articles * BANDS - BATCH * BANDS


def test_a_large_backlog_is_grown_in_small_steps() -> None:
    # grow() after the fill setting was lowered sixteenfold on a 1M-article index
    entries = 1_000_000 * BANDS
    buckets = entries // 1024
    op = split_op(Keys("t"), buckets, entries, FILL)
    assert op is not None
    count = int(op[3])
    assert count >= 1
    assert count * 2 * entries // buckets <= SPLIT_ENTRIES + 2 * entries // buckets


def test_no_step_when_the_index_has_enough_buckets() -> None:
    assert split_op(Keys("t"), 1024, 1024 * FILL, FILL) is None
