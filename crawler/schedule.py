"""`wiretrace schedule`: run every source on its cron schedule, forever.

Each run is a `wiretrace crawl NAME` process of its own (a Twisted reactor cannot be started
twice in one process). A source whose previous run is still going is not started again (the
skipped start is recorded); a failed run is recorded with its error and the schedule goes
on. Runs are recorded in Redis (`wiretrace stats`, the API's /v1/stats and /metrics). A run
dies with the scheduler: killed (SIGKILL) when it is, stopped (SIGTERM, then SIGKILL after
30 s) when it stops.
"""

import json
import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from croniter import croniter

from crawler.run import iso, record_run
from crawler.sources import Source, load_sources
from dedup.lifeline import exec_lifeline

logger = logging.getLogger(__name__)


@dataclass
class Slot:
    source: Source
    next_at: float
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    runs: int = 0
    skipped: int = 0
    failures: int = 0
    log: list[dict[str, object]] = field(default_factory=list)


def _next(expr: str, after: float) -> float:
    return float(croniter(expr, datetime.fromtimestamp(after, UTC)).get_next(float))


HEARTBEAT_EVERY = 5.0  # seconds between two touches of the heartbeat file


def schedule(sources_file: str | Path | None, names: list[str] | None = None,
             until: float | None = None, tick: float = 0.2,
             shared: bool = False, heartbeat: Path | None = None) -> dict[str, Slot]:
    """Run until interrupted (or until the time ``until``); return what happened.

    ``shared``: each run is `crawl --shared-queue` with the scheduled time as the run's name,
    so the schedulers of several machines that start it at that time share its pages.
    ``heartbeat``: a file touched every few seconds while the loop runs, removed at the end."""
    sources = load_sources(sources_file)
    chosen = names or list(sources)
    now = time.time()
    slots = {n: Slot(sources[n], _next(sources[n].schedule, now)) for n in chosen}
    stop = False

    def halt(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, halt)
    signal.signal(signal.SIGINT, halt)
    exe = str(Path(sys.executable).with_name("wiretrace"))
    beat = 0.0
    while not stop and (until is None or time.time() < until):
        now = time.time()
        if heartbeat is not None and now - beat >= HEARTBEAT_EVERY:
            heartbeat.touch()
            beat = now
        for name, slot in slots.items():
            if slot.proc is not None and slot.proc.poll() is not None:
                rc = slot.proc.returncode
                slot.proc = None
                if rc != 0:
                    slot.failures += 1
                    record_run({"source": name, "started": iso(slot.started),
                             "finished": iso(now), "error": f"crawl exited with {rc}"})
                    logger.error("run of %s failed (exit %s); the schedule goes on", name, rc)
            if now < slot.next_at:
                continue
            due = slot.next_at
            slot.next_at = _next(slot.source.schedule, now)
            if slot.proc is not None:
                slot.skipped += 1
                logger.warning("%s: previous run still going, this start is skipped", name)
                record_run({"source": name, "started": iso(now), "finished": iso(now),
                         "skipped": "previous run still going"})
                continue
            args = [exe, "crawl", name] + (["--sources", str(sources_file)]
                                           if sources_file else [])
            if shared:
                args += ["--shared-queue", f"at-{int(due)}"]
            # this loop's thread lives as long as the process: the kernel's "parent"
            slot.proc = subprocess.Popen(args, preexec_fn=exec_lifeline())
            slot.started = now
            slot.runs += 1
            logger.info("started a run of %s (pid %d)", name, slot.proc.pid)
        time.sleep(tick)
    for slot in slots.values():
        if slot.proc is not None:
            slot.proc.terminate()
            try:
                slot.proc.wait(30)
            except subprocess.TimeoutExpired:
                slot.proc.kill()
    if heartbeat is not None:
        heartbeat.unlink(missing_ok=True)
    return slots


def print_slots(slots: dict[str, Slot]) -> None:
    for name, s in slots.items():
        print(json.dumps({"source": name, "runs": s.runs, "skipped": s.skipped,
                          "failures": s.failures}))
