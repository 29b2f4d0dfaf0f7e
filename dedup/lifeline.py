"""Worker processes that die with the process that started them.

A `wiretrace crawl` or `ingest` killed with SIGKILL cannot stop its pool, and nothing else
would: each worker waits on its task queue for good (it holds the queue's write end too, so
no end of file comes), and multiprocessing's resource tracker waits for the workers. So each
worker, first thing, asks Linux to SIGKILL it when its parent dies (``prctl`` with
``PR_SET_PDEATHSIG``), then checks that the pool's owner is still there (it could have died
between the fork and that call). A forkserver's worker cannot count on its parent: the
forkserver lives as long as any of its workers does (each holds its "alive" pipe), so the
worker watches the owner itself, from a thread waiting on a pidfd of it. The forkserver and
the resource tracker exit once every process holding their pipes is gone.

The parent, for the kernel, is the thread that forked: pools are made in the main thread (a
``multiprocessing.Pool`` replaces a dead worker from a thread that lives as long as it).

`wiretrace schedule` starts each run as a command of its own (`wiretrace crawl`): the same
request, made between the fork and the exec, kills a run when the scheduler dies (a run whose
scheduler was SIGKILLed went on to its end, unwatched; its own workers then die with it).
"""

import ctypes
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

PR_SET_PDEATHSIG = 1


def die_with_parent(owner: int) -> None:
    """Pool initializer (``initializer=die_with_parent, initargs=(os.getpid(),)``): this
    worker is killed when its parent dies, and exits now when ``owner`` (the process that made
    the pool: the parent of a forked worker, the grandparent of a forkserver's) is gone."""
    _kill_me_with_my_parent()
    if os.getppid() == owner:
        return  # the kernel watches the owner
    try:
        fd: int | None = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # no pidfd (Linux before 5.3): look every second
        fd = None
    if not alive(owner):
        os._exit(1)
    threading.Thread(target=_watch, args=(owner, fd), daemon=True,
                     name="wiretrace-lifeline").start()


def exec_lifeline() -> Callable[[], None]:
    """A ``preexec_fn`` for a command this process starts (``Popen(args,
    preexec_fn=exec_lifeline())``): the command is killed when this process dies (the request
    survives the exec), and does not start if this process died before it asked. Made in the
    parent, so that nothing is loaded between the fork and the exec. Start the command from a
    thread that lives as long as the process (the main thread)."""
    owner = os.getpid()
    prctl = _prctl()

    def ask() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != owner:
            os._exit(1)

    return ask


def _kill_me_with_my_parent() -> None:
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _prctl() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    return cast(Callable[..., int], ctypes.CDLL(None, use_errno=True).prctl)


def _watch(owner: int, fd: int | None) -> None:
    """Kill this process once ``owner`` has ended."""
    if fd is not None:
        select.select([fd], [], [])  # a pidfd reads ready when its process ends
    else:
        while alive(owner):
            time.sleep(1)
    os.kill(os.getpid(), signal.SIGKILL)


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, dead but not yet waited for, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")
