"""REDIS_URL forms: one server, or a Redis Cluster (redis+cluster://), and where the
password comes from."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from dedup.config import Settings, cluster_nodes
from dedup.redisconn import client_from_url


def test_cluster_url_names_its_nodes_and_password() -> None:
    assert cluster_nodes("redis+cluster://10.0.0.1:7000,10.0.0.2:7001") == (
        [("10.0.0.1", 7000), ("10.0.0.2", 7001)], None)
    assert cluster_nodes("redis+cluster://:s3cret@h:7000/0") == ([("h", 7000)], "s3cret")
    assert cluster_nodes("redis+cluster://[::1]:7000") == ([("::1", 7000)], None)


@pytest.mark.parametrize("url, why", [
    ("redis+cluster://h", "host:port"),
    ("redis+cluster://h:7000,", "host:port"),
    ("redis+cluster://h:99999", "host:port"),
    ("redis+cluster://h:7000/2", "database 0"),
    ("http://h:7000", "not a Redis URL"),
    ("redis://h:notaport/0", "not a valid Redis URL"),  # was a traceback at the first command
    ("redis://[::1", "not a valid Redis URL"),
    ("rediss://h:99999", "not a valid Redis URL"),
    # no host: redis-py quietly connected to localhost:6379 (maybe another index's Redis)
    ("redis://", "no host"),
    ("redis:///0", "no host"),
    ("redis://:6379/0", "no host"),
    ("redis://:s3cret@/0", "no host"),
    ("rediss://", "no host"),
])
def test_bad_urls_are_refused_saying_why(url: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Settings(redis_url=url)


def test_password_from_the_environment_or_a_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pw"
    monkeypatch.setenv("REDIS_PASSWORD", "from-env")
    assert Settings().password() == "from-env"
    # the file wins (compose mounts it; an old .env may still say REDIS_PASSWORD=), and keeps
    # every character but its trailing newlines
    secret.write_text(" from file/+=@:#%'\"\\$ \n")
    monkeypatch.setenv("REDIS_PASSWORD_FILE", str(secret))
    assert Settings().password() == " from file/+=@:#%'\"\\$ "
    monkeypatch.setenv("REDIS_PASSWORD", "")
    assert Settings().password() == " from file/+=@:#%'\"\\$ "
    # the URL's own password wins; otherwise the one given
    kw = client_from_url("redis://:in-url@h:6379/0", 1.0, "other").connection_pool
    assert kw.connection_kwargs["password"] == "in-url"
    kw = client_from_url("redis://h:6379/0", 1.0, "other").connection_pool
    assert kw.connection_kwargs["password"] == "other"


@pytest.mark.parametrize("url", ["redis+cluster://:s3cret@h:7000,", "redis://u:s3cret@h:x/0",
                                 "redis://s3cret@h:x/0"])
def test_a_refused_url_is_said_without_its_password(url: str) -> None:
    from wiretrace.cli import setting_error

    with pytest.raises(ValidationError) as err:
        Settings(redis_url=url)
    line = setting_error(err.value)
    assert line.startswith("invalid setting REDIS_URL=")
    assert "s3cret" not in line and "***@h:" in line
