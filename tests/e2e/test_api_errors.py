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
