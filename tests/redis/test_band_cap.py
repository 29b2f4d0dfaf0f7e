"""A band value lists at most codec.BAND_IDS articles, then codec.FULL: a story copied by
many sites keeps every band hash a compact listpack, its copies still join its cluster,
fsck understands it, and a removal frees a slot."""

from dedup import codec
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.stories import light_edit, story, wrapped_copy

N = 12


def copies(seed: int = 8100, n: int = N) -> list[ArticleInput]:
    text = story(seed, paragraphs=5)
    return [ArticleInput(url=f"https://site{i}.example/news/{seed}",
                         text=wrapped_copy(text if i % 2 else light_edit(text, seed=i)))
            for i in range(n)]


def band_values(engine: Engine) -> list[bytes]:
    out: list[bytes] = []
    for key in engine.client.scan_iter(match=engine.keys.index_pattern("band:")):
        assert engine.client.object("encoding", key) == b"listpack"
        out += engine.client.hvals(key)
    return out


def test_a_story_copied_by_many_sites_stays_compact(settings: Settings) -> None:
    engine = Engine.from_settings(settings.model_copy(update={"batch_size": 4}))
    items = copies()
    engine.ingest(items, workers=1)
    values = band_values(engine)
    assert max(map(len, values)) <= 64
    full = [v for v in values if v.endswith(codec.FULL)]
    assert full and all(len(v) == (codec.BAND_IDS + 1) * codec.ID_BYTES for v in full)
    assert engine.fsck() == {}
    # every copy still joins the one cluster
    originals = {r["original"] or r["url"] for r in engine.export()}
    assert len(originals) == 1
    found = engine.check(ArticleInput(url="https://probe.example/x", text=items[N - 1].text))
    assert found.original is not None and found.original["url"] in originals
    # one of the listed articles changes its text: its slots free, FULL stays, a new copy
    # takes a freed slot
    engine.ingest([ArticleInput(url=items[1].url, text=story(8200, paragraphs=5))], workers=1)
    after = band_values(engine)
    assert sum(v.endswith(codec.FULL) for v in after) == len(full)
    assert any(len(v) < (codec.BAND_IDS + 1) * codec.ID_BYTES for v in after
               if v.endswith(codec.FULL))
    assert engine.fsck() == {}
    engine.ingest(copies(n=N + 1)[N:], workers=1)
    assert engine.fsck() == {}
    assert max(map(len, band_values(engine))) <= 64


def test_fsck_sees_a_value_over_the_cap(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.ingest(copies(n=3), workers=1)
    key = next(engine.client.scan_iter(match=engine.keys.index_pattern("band:")))
    field, value = next(iter(engine.client.hgetall(key).items()))
    engine.client.hset(key, field, value * (codec.BAND_IDS + 1))
    assert engine.fsck() == {"band values malformed or over the cap": 1}
    engine.client.hset(key, field, value + codec.FULL + value)  # FULL not at the end
    assert engine.fsck()["band values malformed or over the cap"] == 1
