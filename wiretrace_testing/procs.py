"""Peak memory of a process and every process it starts (workers, forkservers), sampled; the
share of a core a runnable thread gets on this machine now."""

import os
import threading
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    tree, todo = [pid], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        tree += kids
        todo += kids
    return tree


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakRSS:
    """Samples, every ``interval`` seconds until stopped, the largest RSS (KiB) of any one
    process of the tree (``largest``), of the whole tree summed (``summed``), and the most
    processes the tree had at once (``processes``)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.largest = self.summed = self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [_rss_kib(p) for p in _tree(self.pid)]
            self.processes = max(self.processes, sum(1 for s in sizes if s))
            self.largest = max(self.largest, *sizes)
            self.summed = max(self.summed, sum(sizes))
            self._stop.wait(self.interval)

    def stop(self) -> "PeakRSS":
        self._stop.set()
        self._thread.join()
        return self


class CoreShare:
    """The share of a core a runnable thread gets on this machine now: a thread that, every
    0.5 s, runs 10 ms of its own CPU time and notes the wall time that took (1: a core to
    spare; 2 cores under a load of 17 give about 0.1). Its own cost: 2 % of a core."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            wall, cpu = time.perf_counter(), time.thread_time()
            while time.thread_time() - cpu < 0.01:
                pass
            self.wall += time.perf_counter() - wall
            self.cpu += time.thread_time() - cpu

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(5)
        return self.cpu / self.wall if self.wall else 1.0
