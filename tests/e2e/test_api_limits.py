"""The fetch-by-URL limit is kept in Redis, shared by every app on it, and comes after the
API key check."""

import httpx

from dedup.config import Settings
from tests.e2e.test_api import Served, Target
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.stories import story


def test_fetch_limit_is_shared_by_two_apps_on_one_redis(settings: Settings) -> None:
    target = Target(b"<html><body><article><p>" + story(65).encode() + b"</p></article>"
                    b"</body></html>")
    api = ApiSettings(fetch_per_minute=3, fetch_allow_private=True)
    first, second = Served(create_app(settings, api)), Served(create_app(settings, api))
    other = Served(create_app(settings.model_copy(update={"namespace": settings.namespace
                                                          + "-other"}), api))
    body = {"url": f"http://127.0.0.1:{target.port}/news/1"}
    try:
        codes = [httpx.post(app.url + "/v1/check", json=body, timeout=10).status_code
                 for app in (first, second, first)]
        assert codes == [200, 200, 200]
        over = httpx.post(second.url + "/v1/check", json=body, timeout=10)
        assert over.status_code == 429 and over.headers["Retry-After"] == "60"
        assert over.json() == {"error": "too many fetch-by-URL requests; try again in a minute",
                               "reason": "rate_limited"}
        # texts are not limited; another index (namespace) counts on its own
        assert httpx.post(second.url + "/v1/check", json={"text": story(65)}).status_code == 200
        assert httpx.post(other.url + "/v1/check", json=body, timeout=10).status_code == 200
        assert target.hits == 4
    finally:
        for app in (first, second, other):
            app.stop()
        target.httpd.shutdown()


def test_api_key_is_checked_before_the_limit(settings: Settings) -> None:
    served = Served(create_app(settings, ApiSettings(api_key="k3y", fetch_per_minute=1)))
    body = {"url": "http://127.0.0.1:9/"}
    try:
        for key in (None, "wrong", "k3y-longer", ""):
            headers = {"X-API-Key": key} if key is not None else {}
            r = httpx.post(served.url + "/v1/check", json=body, headers=headers, timeout=10)
            assert r.status_code == 401 and r.json()["reason"] == "unauthorised"
        # the right key passes the key check and the limit, then the address is refused
        r = httpx.post(served.url + "/v1/check", json=body, headers={"X-API-Key": "k3y"})
        assert r.status_code == 403 and r.json()["reason"] == "blocked_address"
        r = httpx.post(served.url + "/v1/check", json=body, headers={"X-API-Key": "k3y"})
        assert r.status_code == 429
    finally:
        served.stop()
