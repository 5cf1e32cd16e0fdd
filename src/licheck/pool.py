"""Process pools whose processes keep their worker: the one plumbing of scan and card dumps.

A worker object sent with every task arrives without what it learnt (its text readers' memory of
the licenses it read: every Llama fine-tune ships the same text; its catalog's suggestions), so
each pool process is started with one copy of the worker and keeps it. This list is the only
state a process keeps, and only in pool workers; the main process never fills it.
"""

from __future__ import annotations

import contextlib
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Any

# The one worker of a pool process, installed when the process starts.
PROCESS_WORKER: list[Any] = []


def usable_cores() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def install(worker: Any) -> None:
    """A pool process's initializer: keep the worker; leave Ctrl-C to the main process, which
    stops the workers (no traceback from each of them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    PROCESS_WORKER[:] = [worker]


def call_worker(*args: Any) -> Any:
    """Run this process's worker on a task (the function a pool is sent)."""
    return PROCESS_WORKER[0](*args)


def collect_with_worker(*args: Any) -> Any:
    """Run this process's worker's first pass on a task."""
    return PROCESS_WORKER[0].collect(*args)


def new_pool(workers: int, worker: Any) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each started with its copy of `worker`."""
    return ProcessPoolExecutor(max_workers=workers, initializer=install, initargs=(worker,))


def kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, its stuck or running workers included (shutdown alone would wait).

    ProcessPoolExecutor has no public kill; its `_processes` map is the one way to the workers.
    """
    processes = dict(getattr(pool, "_processes", None) or {})
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.join(5)
