"""The fault suite's redis-server: one with AOF (everysec) per test module."""

from collections.abc import Iterator

import pytest

from tests.faults.harness import AofRedis


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AofRedis]:
    s = AofRedis(tmp_path_factory.mktemp("aof"))
    yield s
    s.stop()
