"""Peak memory of a process and every process it starts (workers, forkservers), sampled."""

import os
import threading
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
