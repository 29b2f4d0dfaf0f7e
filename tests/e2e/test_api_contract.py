"""The API's public contract: every JSON answer documented by a response model in
/openapi.json, and the answers byte for byte the engine's JSON as they were before the
models."""

import json
from collections.abc import Iterator

import httpx
import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from tests.e2e.test_api import COPY, ORIG, Served
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.stories import story, wrapped_copy

RUN = {"source": "demo", "started": "2024-01-01T00:00:00Z", "finished": "2024-01-01T00:01:00Z",
       "seconds": 60.5, "pages_fetched": 3, "articles_indexed": 2, "new": 2, "updated": 0,
       "unchanged": 0, "copies": 1, "partials": 0, "skipped": {"listing": 1},
       "finish_reason": "finished", "error": None}
# the scheduler's records of a start skipped and of a failed run (fewer fields, other types)
SKIPPED = {"source": "demo", "started": "2024-01-01T00:02:00Z",
           "finished": "2024-01-01T00:02:00Z", "skipped": "previous run still going"}
FAILED = {"source": "demo", "started": "2024-01-01T00:00:00Z",
          "finished": "2024-01-01T00:03:00Z", "error": "crawl exited with 1"}


def compact(value: object) -> bytes:
    """The bytes the API sent before it had response models (Starlette's JSONResponse)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode()


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[httpx.Client, Engine]]:
    engine = Engine.from_settings(settings)
    text = story(64)
    engine.ingest([
        ArticleInput(url=ORIG, text=text, title="Ünïcode “quotes” <b>", published="2024-01-01"),
        ArticleInput(url=COPY, text=wrapped_copy(text, "Source: origin.example")),
    ])
    for run in (RUN, SKIPPED, FAILED):
        engine.record_crawl_run(run)
    app = Served(create_app(settings, ApiSettings(api_key=None)))
    with httpx.Client(base_url=app.url, timeout=10) as client:
        yield client, engine
    app.stop()


def test_every_json_route_has_a_response_model(served: tuple[httpx.Client, Engine]) -> None:
    client, _ = served
    spec = client.get("/openapi.json").json()
    routes = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
            content = ok.get("content", {})
            if "application/json" not in content:
                assert path == "/metrics", (method, path)  # Prometheus text, not JSON
                continue
            schema = content["application/json"]["schema"]
            assert "$ref" in schema, (method, path, schema)
            for code, answer in op["responses"].items():
                if code[0] in "45" and code != "422":
                    assert "$ref" in answer["content"]["application/json"]["schema"], (
                        method, path, code)
            routes += 1
    assert routes == 13  # 7, W2's /v1/watches (4) and /v1/sites/{site}, /v1/check/batch
    assert "X-API-Key" in json.dumps(spec["components"]["securitySchemes"])


def test_answers_are_the_engines_json_byte_for_byte(
        served: tuple[httpx.Client, Engine]) -> None:
    client, engine = served
    copy = engine.lookup([COPY])[0]
    assert copy.role == "copy" and copy.similarity is not None
    assert client.get("/v1/lookup", params={"url": COPY}).content == compact(copy.to_dict())
    orig = engine.lookup([ORIG])[0]
    assert orig.copies and orig.title == "Ünïcode “quotes” <b>"
    assert client.get("/v1/lookup", params={"url": ORIG}).content == compact(orig.to_dict())
    assert client.get(f"/v1/articles/{copy.id}").content == compact(copy.to_dict())
    cluster = engine.cluster(copy.cluster or "")
    assert cluster is not None
    assert client.get(f"/v1/clusters/{copy.cluster}").content == compact(cluster.to_dict())
    text = wrapped_copy(story(64), "Via origin.example")
    answer = client.post("/v1/check", json={"text": text}).content
    checked = engine.check(ArticleInput(url="https://check.invalid/input", text=text))
    checked.first_seen = json.loads(answer)["first_seen"]  # a check is first seen when made
    assert answer == compact(checked.to_dict())
    # byte estimates come from Redis's used_memory, which moves between two calls: the
    # fields and every count must match, the estimates be numbers
    served_stats = json.loads(client.get("/v1/stats").content)
    expected = {**engine.stats().to_dict(), "crawl_runs": [FAILED, SKIPPED, RUN]}
    assert list(served_stats) == list(expected)
    for key in [k for k in expected if k.startswith("bytes_")]:
        assert isinstance(served_stats.pop(key), int | float)
        expected.pop(key)
    assert served_stats == expected
    assert client.get("/healthz").content == b'{"status":"ok"}'
    assert client.get("/readyz").content == b'{"status":"ready"}'
    for missing in ("/v1/articles/0000000000000000", "/v1/clusters/nope"):
        r = client.get(missing)
        assert r.status_code == 404 and r.json()["reason"] == "not_found", r.text
