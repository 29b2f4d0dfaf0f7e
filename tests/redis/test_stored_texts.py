"""Records whose texts were written zlib-compressed (before dedup.texts' marker) still read:
lookup's text, export, the passages comparison of a new copy, fsck and reindex."""

import json
import zlib

import pytest

from dedup import codec
from dedup.codec import ArticleField
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.texts import ZSTD, unpack_text
from tests.redis.test_reindex import corpus, roles
from wiretrace_testing.stories import story

pytestmark = pytest.mark.cluster  # each test runs on one Redis and on a cluster


def _as_before(engine: Engine) -> int:
    """Rewrite every stored text as the code before wrote it (zlib, level 6)."""
    n = 0
    for row in engine.export():
        key = engine.keys.article(str(row["id"]))
        raw = engine.client.hget(key, ArticleField.TEXT)
        assert raw and raw[:1] == ZSTD
        engine.client.hset(key, ArticleField.TEXT, zlib.compress(unpack_text(raw).encode(), 6))
        n += 1
    return n


def test_records_written_with_zlib_still_read(settings: Settings, engine: Engine) -> None:
    items = corpus(9)
    new = Engine(engine.client, settings.model_copy(
        update={"namespace": settings.namespace + "-new"}))
    for e in (engine, new):
        e.ingest(items, workers=1)
    texts = {str(r["id"]): new.text_of(str(r["id"])) for r in new.export()}
    assert _as_before(engine) == len(texts)
    assert {i: engine.text_of(i) for i in texts} == texts
    # copies of old records: their passages are compared with the zlib texts
    late = [ArticleInput(url=f"https://late.example/{j}", text=_rewrite(story(3000 + j, 4)),
                         published="2024-01-05T00:00:00Z") for j in (0, 3, 4)]
    checked = [(c.role, c.evidence[-1:]) for c in map(engine.check, late)]
    assert checked == [(c.role, c.evidence[-1:]) for c in map(new.check, late)]
    for e in (engine, new):
        e.ingest(late, workers=1)
    assert _verdicts(engine) == _verdicts(new)
    assert sum(v[4] is not None for v in _verdicts(engine).values()) >= len(late)
    assert engine.fsck() == {}
    assert engine.reindex() == len(texts) + len(late)
    assert roles(engine) == roles(new)
    assert engine.fsck() == {}


def _rewrite(text: str) -> str:
    """A new intro and the third paragraph left out: containment alone does not decide."""
    paras = text.split("\n\n")
    return "\n\n".join(["Readers have asked us about this one, so here is what we know.",
                         *(p for i, p in enumerate(paras) if i != 2)])


def _verdicts(engine: Engine) -> dict[str, tuple[object, ...]]:
    """Per article: role, original, similarity, containment, and how its passages compare
    with the original's (None where not compared)."""
    shapes = {}
    for row in engine.export():
        fields = engine.client.hgetall(engine.keys.cluster(str(row["cluster"])))
        for mid, raw in codec.members({f.decode(): v for f, v in fields.items()}).items():
            v = json.loads(raw)
            shapes[mid] = (v.get("left_out"), v.get("in_place"))
    return {str(r["url"]): (r["role"], r["original"], r["similarity"], r["containment"],
                            shapes.get(str(r["id"]), (None,))[0]) for r in engine.export()}


def test_a_record_names_its_cluster_only_when_another(engine: Engine) -> None:
    """An article alone (or the one a cluster is named after) stores no cluster field; a
    copy names the original's cluster; re-ingested, the same; rebuilt, still so."""
    items = corpus(6)
    engine.ingest(items, workers=1)

    def fields() -> dict[str, set[str]]:
        out = {}
        for row in engine.export():
            h = engine.client.hgetall(engine.keys.article(str(row["id"])))
            out[str(row["url"])] = {f.decode() for f in h}
            assert (h.get(b"cluster", b"").decode() or str(row["id"])) == row["cluster"]
        return out

    first = fields()
    alone = {u for u, f in first.items() if "cluster" not in f}
    assert {"https://orig.example/1", "https://orig.example/2"} <= alone
    assert "https://copies.example/0" not in alone
    assert all(f - {"cluster"} == {"url", "meta", "text"} for f in first.values())
    engine.ingest(items, workers=1)
    assert fields() == first
    before = roles(engine)
    engine.reindex()  # may name a cluster after another member: the fields follow
    again = fields()
    assert roles(engine) == before and engine.fsck() == {}
    assert all(f - {"cluster"} == {"url", "meta", "text"} for f in again.values())
    assert any("cluster" not in f for f in again.values())
