"""The bench corpus is reproducible: the same seed makes the same articles, a longer stream
starts with a shorter one's, made in worker processes or not (bench/index_scale.py keeps it)."""

import pytest

from wiretrace_testing import newslike
from wiretrace_testing.corpus import real_texts


@pytest.fixture(autouse=True)
def _real_bodies() -> None:
    if not real_texts():
        pytest.skip("the real article bodies are missing (../shared/data/article-pages)")


def test_a_longer_stream_starts_with_a_shorter_one() -> None:
    short = list(newslike.stream(400))
    long = list(newslike.stream(1500, workers=2))  # 2 blocks of originals
    assert long[:400] == short
    assert {a.kind for a in short} == {"original", "copy", "excerpt"}
    assert list(newslike.stream(400, seed=2)) != short


def test_originals_are_distinct_and_copies_take_from_them() -> None:
    arts = list(newslike.stream(1500))
    originals = [a.text for a in arts if a.kind == "original"]
    assert len(set(originals)) == len(originals)
    assert 0.8 < len(originals) / len(arts) < 0.9
    for i, a in enumerate(arts):
        assert arts[a.source].kind == "original" and a.source <= i
        if a.kind == "excerpt":
            assert arts[a.source].text.startswith(a.text.removesuffix("\n\nRead more..."))
    assert [newslike.original(1, k) for k in range(3)] == originals[:3]
