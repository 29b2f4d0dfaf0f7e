"""The API's settings: read from WIRETRACE_*, validated when `wiretrace serve` starts."""

import pytest

from wiretrace.api.config import ApiSettings
from wiretrace.cli import main


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("API_KEY", "MAX_BODY", "FETCH_PER_MINUTE", "FETCH_ALLOW_PRIVATE", "HOST",
                 "PORT"):
        monkeypatch.delenv(f"WIRETRACE_{name}", raising=False)
    s = ApiSettings()
    assert (s.api_key, s.max_body, s.fetch_per_minute, s.fetch_allow_private, s.host,
            s.port) == (None, 5 << 20, 30, False, "127.0.0.1", 8000)
    monkeypatch.setenv("WIRETRACE_API_KEY", "")  # compose's `${WIRETRACE_API_KEY:-}`: no key
    monkeypatch.setenv("WIRETRACE_FETCH_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("WIRETRACE_FETCH_PER_MINUTE", "7")
    s = ApiSettings()
    assert s.api_key is None and s.fetch_allow_private is True and s.fetch_per_minute == 7
    monkeypatch.setenv("WIRETRACE_API_KEY", "k3y")
    assert "k3y" not in repr(ApiSettings())  # a secret, not in logs or tracebacks


@pytest.mark.parametrize(("name", "value"), [("FETCH_PER_MINUTE", "abc"),
                                             ("FETCH_PER_MINUTE", "0"), ("PORT", "70000"),
                                             ("MAX_BODY", "5M"), ("FETCH_ALLOW_PRIVATE", "maybe")])
def test_serve_refuses_a_bad_setting_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], name: str,
                                                 value: str) -> None:
    monkeypatch.setenv(f"WIRETRACE_{name}", value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"WIRETRACE_{name}" in err and "Traceback" not in err, err


def test_a_validation_failure_is_said_in_one_line_with_a_reason() -> None:
    from wiretrace.api.errors import invalid

    assert invalid([{"type": "json_invalid", "loc": ("body", 9), "msg": "JSON decode error",
                     "ctx": {"error": "Expecting value"}}]) == (
        "the body is not valid JSON: Expecting value at character 9", "malformed_json")
    many = [{"type": "missing", "loc": ("body", f"f{i}"), "msg": "Field\nrequired"}
            for i in range(5)]
    said, reason = invalid(many)
    assert reason == "invalid_request" and "\n" not in said and said.endswith("(and 2 more)")
    assert said.startswith("invalid request: body.f0: Field required; body.f1")
