"""The bench corpus can be continued after a stored prefix (bench/index_scale.py --corpus)."""

import pytest

from wiretrace_testing import newslike
from wiretrace_testing.corpus import real_texts


def test_a_stream_goes_on_after_the_articles_already_made() -> None:
    if not real_texts():
        pytest.skip("the real article bodies are missing (../shared/data/article-pages)")
    full = list(newslike.stream(400))
    rest = list(newslike.stream(400, done=[a.text for a in full[:150]]))
    assert rest == full[150:]
    assert {a.kind for a in rest} == {"original", "copy", "excerpt"}
