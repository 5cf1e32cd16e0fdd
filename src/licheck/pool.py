"""Process pools whose processes keep their worker: the one plumbing of scan and card dumps.

A worker object sent with every task arrives without what it learnt (its text readers' memory of
the licenses it read: every Llama fine-tune ships the same text; its catalog's suggestions), so
each pool process is started with one copy of the worker and keeps it. This list is the only
state a process keeps, and only in pool workers; the main process never fills it.

Both runs share the rest too: the time bound on one item (a unit, a row) inside a worker
(`within`; `within_each` for a batch's items, each with its own bound), the
bounded window of tasks collected in order, and what follows a worker that dies or hangs (its
tasks re-run item by item, so that only the item at fault is lost).
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741  (an item of a batch)
IN_FLIGHT_PER_WORKER = 4
# What a pool's failure is, as a task sees it: a worker died (kill -9, out of memory, a crash in
# a C extension), or did not answer within its bound.
LOST = (BrokenProcessPool, FutureTimeout)
# One task: its items (a chunk of units, a batch of rows) and the other arguments of the call.
Task = tuple[Any, tuple[Any, ...]]

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


class TimeBoundError(Exception):
    """An item ran past its time bound."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeBoundError


# Whether a bounded_section has put _alarm in place on this process's main thread.
_ALARM_IN_PLACE: list[bool] = [False]


@contextlib.contextmanager
def bounded_section() -> Iterator[None]:
    """The calls of `within` inside share one SIGALRM handler, put in place here and restored
    after: a scan bounds each of a chunk's units, and changing the handler costs more than
    reading a small card. Off the main thread, or nested, it does nothing."""
    main = threading.current_thread() is threading.main_thread()
    if _ALARM_IN_PLACE[0] or not main or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    _ALARM_IN_PLACE[0] = True
    try:
        yield
    finally:
        _ALARM_IN_PLACE[0] = False
        signal.signal(signal.SIGALRM, previous)


def within(seconds: float, function: Callable[[], T]) -> T:
    """`function()`, or TimeBoundError once `seconds` have passed (0: no bound).

    A real-time alarm on a process's main thread (where pool workers run); off the main thread
    (a library caller's thread, a Dask worker thread) the call runs in a helper thread that is
    abandoned when its time is up.
    """
    if seconds <= 0:
        return function()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with bounded_section():
            try:
                signal.setitimer(signal.ITIMER_REAL, seconds)
                return function()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    helper = _Helper.of_this_thread()
    future = helper.run(function)
    try:
        value: T = future.result(timeout=seconds)
    except FutureTimeout:
        # The call cannot be stopped from here: its thread is abandoned (a daemon: it does not
        # hold the process up at exit), and this thread's next call gets a fresh helper.
        _Helper.abandon()
        raise TimeBoundError from None
    return value


def within_each(
    seconds: float, function: Callable[[I], T], items: Sequence[I], late: Callable[[I], T]
) -> list[T]:
    """`function(item)` for each item in order, each within its own `seconds` (0: no bound): an
    item past its bound gives `late(item)` and the items after it still run.

    On a process's main thread (a pool process), a real-time alarm per item, one SIGALRM handler
    for the batch (bounded_section): no thread. Off it (a Dask task's worker thread) the items
    run in turn on this thread's helper, handed over once per batch, while this thread sleeps
    until the running item's deadline (`_Turns`): handing each item over (`within`) woke two
    threads per item, which on a loaded machine waited for a core each time.
    """
    if seconds <= 0:
        return [function(item) for item in items]
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        results: list[T] = []
        with bounded_section():
            for item in items:
                try:
                    results.append(within(seconds, functools.partial(function, item)))
                except TimeBoundError:
                    results.append(late(item))
        return results
    return _in_turns(seconds, function, items, late)


def _in_turns(
    seconds: float, function: Callable[[I], T], items: Sequence[I], late: Callable[[I], T]
) -> list[T]:
    """within_each off the main thread: the batch on the helper thread; an item past its bound
    leaves the helper to it (abandoned, as `within` does) and the rest goes on a fresh one."""
    results: list[T] = []
    position = 0
    while position < len(items):
        turns = _Turns(function, items[position:])
        _Helper.of_this_thread().run(turns.run)
        done, stuck = turns.wait(seconds)
        results.extend(done)
        position += len(done)
        if stuck:
            _Helper.abandon()
            results.append(late(items[position]))
            position += 1
    return results


class _Turns:
    """A batch's items run in turn on a helper thread; the caller watches the running one.

    The helper notes each result and when the next item began, under a lock that the caller
    takes only when it wakes (at a deadline, or when the batch is done), so an item costs no
    hand-off and no wake-up. Once the caller gives up on an item, the helper keeps nothing
    more: a result that comes after is dropped, and no later item is started there.
    """

    def __init__(self, function: Callable[[Any], Any], items: Sequence[Any]) -> None:
        self._function = function
        self._items = items
        self._lock = threading.Lock()
        self._done: list[Any] = []
        self._started = time.monotonic()  # when the running item began
        self._over = False  # every item ran, or one raised (`_error`)
        self._error: BaseException | None = None
        self._given_up = False
        self._finished = threading.Event()

    def run(self) -> None:
        """On the helper thread: each item in turn, until the end or until given up."""
        try:
            with self._lock:
                self._started = time.monotonic()
            for item in self._items:
                value = self._function(item)
                with self._lock:
                    if self._given_up:
                        return
                    self._done.append(value)
                    self._started = time.monotonic()
            with self._lock:
                self._over = True
        except BaseException as exc:  # handed back to the caller's thread, re-raised there
            with self._lock:
                self._error, self._over = exc, True
        finally:
            self._finished.set()

    def wait(self, seconds: float) -> tuple[list[Any], bool]:
        """The results in order and whether the item after them ran past its bound; an item
        that raised is raised here."""
        while True:
            with self._lock:
                began, count = self._started, len(self._done)
            left = began + seconds - time.monotonic()
            if left > 0:
                self._finished.wait(left)
            with self._lock:
                if self._over:
                    if self._error is not None:
                        raise self._error
                    return self._done, False
                if len(self._done) == count and time.monotonic() >= began + seconds:
                    self._given_up = True
                    return list(self._done), True


class _Helper:
    """One daemon thread that runs a calling thread's bounded calls in turn.

    A Dask worker judges thousands of rows off its main thread, and a thread started per row
    costs more than the row. Plumbing only: it keeps no knowledge, and nothing of a call once
    the call has returned.
    """

    _local = threading.local()

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._serve, name="licheck-item", daemon=True).start()

    @classmethod
    def of_this_thread(cls) -> _Helper:
        helper: _Helper | None = getattr(cls._local, "helper", None)
        if helper is None:
            helper = cls._local.helper = cls()
        return helper

    @classmethod
    def abandon(cls) -> None:
        """Leave this thread's helper to its stuck call; it ends if the call ever returns."""
        helper: _Helper | None = cls._local.__dict__.pop("helper", None)
        if helper is not None:
            helper._jobs.put(None)

    def run(self, function: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((function, future))
        return future

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            function, future = job
            try:
                future.set_result(function())
            except BaseException as exc:  # handed back to the caller's thread, re-raised there
                future.set_exception(exc)
            del job, function, future  # nothing of a call outlives it


def wait_bound(items: int, timeout: float) -> float | None:
    """How long the main process waits for a task: every item's bound, plus start-up (a worker
    builds its knowledge on first use). The main process never waits without one."""
    return None if timeout <= 0 else items * timeout + 60.0


def _lost_why(exc: BaseException) -> str:
    if isinstance(exc, FutureTimeout):
        return "the worker judging it did not answer in time"
    return "the worker process judging it died"


def isolated(
    worker: Any, tasks: Iterable[Task], split: Callable[[Any], list[Any]] = list
) -> Iterator[Any]:
    """Re-run tasks after a worker died or hung, one at a time, to find the item at fault.

    A task that breaks its pool while alone is split into its items (`split`), each run on its
    own; an item that breaks the pool alone is `worker.lost(item, why)` (unreadable, never a
    pass) and the others get their results.
    """
    pool = new_pool(1, worker)
    try:
        queue = deque(tasks)
        while queue:
            items, args = queue.popleft()
            future = pool.submit(call_worker, items, *args)
            try:
                yield from future.result(timeout=wait_bound(len(items), worker.timeout))
                continue
            except LOST as exc:
                kill(pool)
                pool = new_pool(1, worker)
                alone = split(items)
                if len(alone) > 1:
                    queue.extendleft(reversed([([item], args) for item in alone]))
                    continue
                yield from worker.lost(alone[0], _lost_why(exc))
    finally:
        kill(pool)


def collected_in_order(
    pools: list[ProcessPoolExecutor],
    worker: Any,
    tasks: Iterable[Any],
    workers: int,
    nothing: Callable[[Any], Any],
) -> Iterator[Any]:
    """A first pass (`worker.collect`) over `tasks` on `pools[0]`, results in order, a bounded
    window in flight, each task waited for within its bound.

    A pool that breaks here (a worker killed) is no verdict on any item: the tasks left are
    collected again, each in a pool of its own, and one that breaks that too gives
    `nothing(task)` (its bases are then unknown, which never passes; the second pass, with its
    fault handling, reports the item at fault). A fresh pool then replaces the broken one in
    `pools`, for the caller's second pass; the caller shuts `pools[0]` down.
    """
    pending: deque[tuple[Any, Future[Any]]] = deque()
    iterator = iter(tasks)
    try:
        while True:
            while len(pending) < workers * IN_FLIGHT_PER_WORKER:
                task = next(iterator, None)
                if task is None:
                    break
                pending.append((task, pools[0].submit(collect_with_worker, task)))
            if not pending:
                return
            task, future = pending[0]
            yield future.result(timeout=wait_bound(len(task), worker.timeout))
            pending.popleft()
    except LOST:
        kill(pools[0])
        left = [task for task, _ in pending]
        pending.clear()
        for task in [*left, *iterator]:
            alone = new_pool(1, worker)
            try:
                yield alone.submit(collect_with_worker, task).result(
                    timeout=wait_bound(len(task), worker.timeout)
                )
            except LOST:
                yield nothing(task)
            finally:
                kill(alone)
        pools[0] = new_pool(workers, worker)


def in_order(
    worker: Any,
    tasks: Iterable[Task],
    workers: int,
    split: Callable[[Any], list[Any]] = list,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[Any]:
    """Tasks on a pool of `workers` (`pool`, or a new one), a bounded window in flight, results
    in order, each task waited for within its bound; the pool is shut down at the end.

    A dead worker (kill -9, out of memory) or a hung one breaks the pool: the tasks in flight
    are re-run in isolation (see `isolated`) and a fresh pool takes the rest.
    """
    pool = pool or new_pool(workers, worker)
    pending: deque[tuple[Task, Future[list[Any]]]] = deque()
    iterator = iter(tasks)
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < workers * IN_FLIGHT_PER_WORKER:
                task = next(iterator, None)
                if task is None:
                    exhausted = True
                    break
                items, args = task
                pending.append((task, pool.submit(call_worker, items, *args)))
            if not pending:
                return
            (items, args), future = pending.popleft()
            try:
                yield from future.result(timeout=wait_bound(len(items), worker.timeout))
            except LOST:
                kill(pool)
                retry = [(items, args), *(task for task, _ in pending)]
                pending.clear()
                yield from isolated(worker, retry, split)
                pool = new_pool(workers, worker)
    except BaseException:
        kill(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
