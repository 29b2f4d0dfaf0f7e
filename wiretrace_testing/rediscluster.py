"""A real Redis Cluster on loopback for tests: ``redis-server --cluster-enabled yes`` on free
ports, joined by ``redis-cli --cluster create --cluster-replicas 1``, stopped by PID.

scripts/with-redis.sh starts one for a whole test run (the same commands, in shell); tests that
kill a master start one of their own with :func:`start_cluster`.
"""

import random
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

NODE_TIMEOUT_MS = 1000  # a dead master is failed over after about this long


def free_ports(n: int) -> list[int]:
    """``n`` ports free on loopback, each with its cluster bus port (port + 10000) free too:
    a cluster node's port is at most 55535."""
    ports: list[int] = []
    rng = random.Random()
    while len(ports) < n:
        port = rng.randrange(20000, 55535)
        if port not in ports and _free(port) and _free(port + 10000):
            ports.append(port)
    return ports


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class LocalCluster:
    ports: list[int]
    workdir: Path
    procs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports[:2])

    def node(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, socket_connect_timeout=2)

    def masters(self) -> list[int]:
        """Ports of the live masters."""
        out = []
        for port, proc in self.procs.items():
            if proc.poll() is None:
                try:
                    if self.node(port).info("replication")["role"] == "master":
                        out.append(port)
                except redis.RedisError:
                    pass
        return out

    def kill(self, port: int) -> None:
        """SIGKILL one node."""
        proc = self.procs[port]
        proc.kill()
        proc.wait(10)

    def wait_failover(self, dead: int, seconds: float = 60.0) -> None:
        """Until a replica serves the slots of the killed master ``dead`` and the cluster is
        ok again (right after the kill the others still take it for alive)."""
        deadline = time.monotonic() + seconds
        alive = next(p for p, proc in self.procs.items() if proc.poll() is None)
        while True:
            try:
                slots = self.node(alive).execute_command("CLUSTER SLOTS")
                if all(int(r[2][1]) != dead for r in slots):
                    break
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no replica took over from the master on port {dead}")
            time.sleep(0.1)
        self.wait_ok(max(1.0, deadline - time.monotonic()))

    def wait_ok(self, seconds: float = 30.0) -> None:
        """Until every live node says cluster_state:ok and sees every slot served, and every
        replica is in sync with its master."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                if all(self._ok(p) for p, proc in self.procs.items() if proc.poll() is None):
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the Redis Cluster did not reach cluster_state:ok")
            time.sleep(0.1)

    def _ok(self, port: int) -> bool:
        info = self.node(port).execute_command("CLUSTER INFO")  # parsed into a dict
        if info.get("cluster_state") != "ok" or int(info.get("cluster_slots_ok", 0)) != 16384:
            return False
        # a replica that has not synced yet cannot take over from its master
        replication = self.node(port).info("replication")
        return replication["role"] == "master" or replication.get("master_link_status") == "up"

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_cluster(masters: int = 3, replicas: int = 1) -> LocalCluster:
    """A cluster of ``masters`` masters with ``replicas`` replicas each, ready (state ok)."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if server is None or cli is None:
        raise FileNotFoundError("redis-server and redis-cli are needed for a Redis Cluster")
    ports = free_ports(masters * (1 + replicas))
    cluster = LocalCluster(ports, Path(tempfile.mkdtemp(prefix="wt-cluster-")))
    try:
        for port in ports:
            d = cluster.workdir / str(port)
            d.mkdir()
            cluster.procs[port] = subprocess.Popen(
                [server, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                 "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                 str(NODE_TIMEOUT_MS), "--repl-diskless-sync-delay", "0",
                 "--save", "", "--appendonly", "no", "--dir", str(d),
                 "--hash-max-listpack-entries", "512", "--logfile", str(d / "redis.log")],
                stdout=subprocess.DEVNULL)
        for port in ports:
            wait_for_redis(cluster.node(port), 10.0)
        subprocess.run([cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
                        "--cluster-replicas", str(replicas), "--cluster-yes"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        cluster.wait_ok()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def wait_for_redis(client: redis.Redis, seconds: float = 5.0) -> None:
    """Return once the server answers PING; raise if it does not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
