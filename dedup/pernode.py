"""One script, many calls, each in one slot: pipelined per master on a Redis Cluster.

redis-py's cluster pipeline refuses scripts, and one call at a time costs a round trip a slot
(a cluster write touches about 40). Here the calls are grouped by the master that serves
their slot and sent on that master's own connection in one pipeline, optionally followed by
``WAIT`` (on the same connection, as WAIT needs). A group that meets a redirection (the slots
moved: a failover), a missing script or a dead node is sent again one call at a time through
the cluster client, which follows the new slot map and retries: the callers' scripts are
idempotent (journal shares, read-only reads), so a call run twice does no harm.
"""

import contextlib
from typing import Any

import redis
from redis.commands.core import Script

from dedup.redisconn import UNAVAILABLE, is_cluster

Call = tuple[list[str], list[Any]]  # KEYS, ARGV
RETRY_ONE_BY_ONE: tuple[type[Exception], ...] = (redis.ResponseError, *UNAVAILABLE)


def run_calls(client: redis.Redis, script: Script, calls: list[Call],
              wait_ms: int = 0) -> list[Any]:
    """Each call's result, in order. With ``wait_ms``, each master touched is asked to WAIT
    (at most that long) for one replica after its calls (best effort: not on one Redis)."""
    if not is_cluster(client):
        return [script(keys=k, args=a) for k, a in calls]
    groups: dict[str, list[int]] = {}
    nodes: dict[str, Any] = {}
    for j, (keys, _) in enumerate(calls):
        node = client.get_node_from_key(keys[0])  # type: ignore[attr-defined]
        groups.setdefault(node.name, []).append(j)
        nodes[node.name] = node
    out: list[Any] = [None] * len(calls)
    for name, positions in groups.items():
        part = [calls[j] for j in positions]
        try:
            res = _pipelined(client.get_redis_connection(nodes[name]),  # type: ignore[attr-defined]
                             script, part, wait_ms)
        except RETRY_ONE_BY_ONE:
            res = [script(keys=k, args=a) for k, a in part]
            if wait_ms:
                _wait(client, client.get_node_from_key(part[0][0][0]),  # type: ignore[attr-defined]
                      wait_ms)
        for j, r in zip(positions, res, strict=True):
            out[j] = r
    return out


def _pipelined(conn: redis.Redis, script: Script, calls: list[Call], wait_ms: int) -> list[Any]:
    try:
        return _send(conn, script, calls, wait_ms)
    except redis.exceptions.NoScriptError:  # a node that never ran it (a promoted replica)
        conn.script_load(script.script)  # type: ignore[attr-defined]
        return _send(conn, script, calls, wait_ms)


def _send(conn: redis.Redis, script: Script, calls: list[Call], wait_ms: int) -> list[Any]:
    pipe = conn.pipeline(transaction=False)
    for keys, args in calls:
        pipe.evalsha(script.sha, len(keys), *keys, *args)  # type: ignore[attr-defined]
    if wait_ms:
        pipe.execute_command("WAIT", 1, wait_ms)
    return list(pipe.execute()[:len(calls)])


def _wait(client: redis.Redis, node: Any, wait_ms: int) -> None:
    with contextlib.suppress(*UNAVAILABLE):  # a master without a replica now
        client.execute_command("WAIT", 1, wait_ms, target_nodes=node)
