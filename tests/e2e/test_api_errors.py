"""Errors as a person and as a program see them: the page answers HTML, the API one JSON
object, each message said once."""

import httpx

from dedup.config import Settings
from tests.e2e.test_api import Served
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_redis_down_the_page_answers_html_and_the_api_json_each_said_once() -> None:
    served = Served(create_app(Settings(redis_url=DOWN, namespace="wtdown"),
                               ApiSettings(api_key=None)))
    try:
        page = httpx.get(served.url + "/", params={"url": "https://x.example/a"}, timeout=10)
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "<form" in page.text and "unavailable" in page.text
        assert page.text.count("unavailable") == 1 and "Error 111" not in page.text
        api = httpx.get(served.url + "/v1/lookup", params={"url": "https://x.example/a"},
                        timeout=10)
        assert api.status_code == 503 and api.headers["content-type"] == "application/json"
        assert api.json()["error"].count("Redis is unavailable") == 1, api.json()
    finally:
        served.stop()


def test_after_a_readiness_probe_the_503s_still_say_redis_is_unavailable() -> None:
    """/readyz recorded redis-py's words alone ("Error 111 connecting…"), and the requests the
    breaker then answered at once said just that."""
    served = Served(create_app(Settings(redis_url=DOWN, namespace="wtdown"),
                               ApiSettings(api_key=None)))
    try:
        assert httpx.get(served.url + "/readyz", timeout=10).status_code == 503
        for path in ("/v1/watches", "/v1/stats", "/v1/lookup?url=https://x.example/a"):
            r = httpx.get(served.url + path, timeout=10)
            assert r.status_code == 503, (path, r.text)
            assert r.json()["error"].startswith("Redis is unavailable: "), (path, r.text)
    finally:
        served.stop()


def test_every_json_error_has_the_error_and_reason_shape(settings: Settings) -> None:
    """FastAPI answered a body that is not JSON, a wrong type, an unknown path or method with
    its own {"detail": ...}; now each says "error" and "reason" too (and keeps "detail")."""
    served = Served(create_app(settings, ApiSettings(api_key=None)))
    down = Served(create_app(Settings(redis_url=DOWN, namespace="wtdown"),
                             ApiSettings(api_key=None)))
    json_body = {"Content-Type": "application/json"}
    try:
        with httpx.Client(base_url=served.url, timeout=10) as c:
            answers = {
                "malformed_json": c.post("/v1/check", content=b'{"text": ', headers=json_body),
                "wrong_type": c.post("/v1/check", json={"text": 5}),
                "not_an_object": c.post("/v1/check/batch", json=[{"text": "x"}]),
                "missing_query": c.get("/v1/lookup"),
                "unknown_path": c.get("/v1/nothing-here"),
                "wrong_method": c.delete("/v1/lookup"),
                "redis_down": c.get(down.url + "/v1/stats"),
                "not_ready": c.get(down.url + "/readyz"),
            }
            for name, r in answers.items():
                assert r.headers["content-type"] == "application/json", (name, r.text)
                body = r.json()
                assert isinstance(body["error"], str) and body["error"], (name, r.text)
                assert "\n" not in body["error"] and isinstance(body["reason"], str), name
            bad = answers["malformed_json"]
            assert bad.status_code == 422 and bad.json()["reason"] == "malformed_json"
            assert bad.json()["error"].startswith("the body is not valid JSON")
            assert bad.json()["detail"][0]["type"] == "json_invalid"  # FastAPI's, kept
            wrong = answers["wrong_type"].json()
            assert answers["wrong_type"].status_code == 422 and wrong["reason"] == "invalid_request"
            assert wrong["error"] == "invalid request: body.text: Input should be a valid string"
            assert answers["missing_query"].json()["error"] == \
                "invalid request: query.url: Field required"
            assert answers["unknown_path"].status_code == 404
            assert answers["unknown_path"].json() == {"error": "Not Found", "reason": "not_found",
                                                      "detail": "Not Found"}
            assert answers["wrong_method"].status_code == 405
            assert answers["wrong_method"].json()["reason"] == "method_not_allowed"
            assert answers["wrong_method"].headers["allow"] == "GET"
            # schemathesis: /v1/watches/{site} takes GET and DELETE (two routes); the 405
            # named the first route's methods only
            put = c.put("/v1/watches/news.example")
            assert put.status_code == 405 and put.headers["allow"] == "DELETE, GET", put.headers
            assert answers["redis_down"].json()["reason"] == "redis_unavailable"
            # the page's own answer stays HTML
            page = c.get("/diff")
            assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
            assert "query.copy: Field required" in page.text
            spec = c.get("/openapi.json").json()["components"]["schemas"]["HTTPValidationError"]
            assert spec["required"] == ["error", "reason", "detail"]
            # schemathesis: a webhook whose host does not resolve is 502 (a fetch failure)
            paths = c.get("/openapi.json").json()["paths"]
            assert "502" in paths["/v1/watches"]["post"]["responses"]
    finally:
        served.stop()
        down.stop()
