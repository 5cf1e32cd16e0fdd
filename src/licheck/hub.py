"""`licheck scan cards.parquet`: a whole dump of Hub cards, on the local pool or on Dask.

Whether a fine-tune may call itself MIT depends on its base, its base's base, and so on across
the whole dump, so a dump is judged in two passes over its batches of rows:

1. `DumpWorker.collect`: each card's front matter read, nothing judged; each row gives its
   model as a base (`SameRunModel`: declared license, its own bases) and the bases it names.
   The main process keeps only the models some row names as a base: the base-model graph.
   With `--online`, the bases still unknown after this pass (in neither the dump nor the
   built-in table) are resolved from their Hub cards here, in the main process, and join the
   graph before anything is judged (`base_graph`): workers never fetch.
2. `DumpWorker.__call__`: each card judged with the engine's chain walk
   (`engine.judgment`, the same one check and scan use) over that graph, bases inside the dump
   first and then the built-in table; cycles and unresolved bases are reported by the walk, and
   the inherited-license finding names the chain.

The same worker object runs on both engines. A batch crosses to a worker as the bytes the file
holds (`RowBatch`: an Arrow IPC stream, or JSON lines), never as Python objects, and the worker
makes its rows: the main process only reads, sends and writes. The local engine sends each
batch with the part of the graph its rows reach (as `licheck scan` does); Dask broadcasts the
worker to every worker once (`scatter(broadcast=True)`), a task carries its batch and that
part of the graph as one pickled blob and returns its results as one, and the client gathers
them from the workers directly (not through the scheduler). The first pass waits on disk
(`dump_spill`) until the second. Results come back in row order, either way, and are the same.

Each row is judged within its own time bound (`pool.within_each`, a batch at a time: a
pathological card is `unreadable`, "not judged within N s", the rest of its batch judged), and
a worker that dies on a batch (a crash in a C extension, out of memory) has that batch re-run
row by row, so that only the row at fault is `unreadable`.

The core prints nothing and imports pyarrow and dask only when a run needs them.
"""

from __future__ import annotations

import contextlib
import functools
import pickle
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from licheck.dump_spill import Collected, Fact, FirstPassSpill
from licheck.engine.readers import ReadersOnFirstUse
from licheck.engine.report import tally, unreadable
from licheck.errors import InputError, LicheckError
from licheck.inputs.card_dump import HUB_EXTRA, DumpRow, RowBatch, dump_batches, row_source
from licheck.pool import (
    IN_FLIGHT_PER_WORKER,
    PROCESS_WORKER,
    TimeBoundError,
    collected_in_order,
    in_order,
    install,
    kill,
    new_pool,
    usable_cores,
    within_each,
)
from licheck.records import replace
from licheck.scan import DEFAULT_TIMEOUT, ScanLine, UnitResult

# What the Dask window sends a task: a batch, or a batch with its index.
_Task = TypeVar("_Task")

if TYPE_CHECKING:
    from licheck.engine.judgment import SameRunModel
    from licheck.records import Policy, SubjectReport

ENGINES = ("local", "dask")
# A batch as read from the file, or rows already made (a batch re-run row by row).
Rows = RowBatch | list[DumpRow]


def rows_of(batch: Rows) -> list[DumpRow]:
    """The rows of a batch, made here if it still is the file's bytes."""
    return batch.rows() if isinstance(batch, RowBatch) else batch


@dataclass(frozen=True)
class DumpSpec:
    """Which dump and how to read it: its path, as shown, and its id and card columns."""

    path: Path
    shown: str
    id_column: str | None = None
    card_column: str | None = None
    batch_rows: int = 512

    def batches(self) -> Iterator[RowBatch]:
        """The dump's rows, a batch at a time, as the file's bytes (memory flat)."""
        return dump_batches(
            self.path,
            shown=self.shown,
            id_column=self.id_column,
            card_column=self.card_column,
            batch_rows=self.batch_rows,
        )


def reach(bases: Iterable[str], graph: Mapping[str, SameRunModel]) -> dict[str, SameRunModel]:
    """The part of the base-model graph that chains from `bases` reach (what a walk may use)."""
    from licheck.engine.judgment import base_key

    reached: dict[str, SameRunModel] = {}
    stack = list(bases)
    while stack:
        key = base_key(stack.pop(), None)
        if key in reached or key not in graph:
            continue
        model = reached[key] = graph[key]
        stack.extend(model.bases)
    return reached


def _no_record(row: DumpRow) -> None:
    """A row not read within its bound in the first pass: no base (the second pass says why)."""
    return None


class DumpWorker(ReadersOnFirstUse):
    """Reads and judges batches of dump rows: picklable, errors returned as values, no globals.

    Its knowledge is built on first use where it runs and kept with the object, never pickled.
    A row that cannot be read or judged, or is not judged within `timeout` seconds, is an
    `unreadable` subject named by its repo id.
    """

    def __init__(
        self,
        policy: Policy,
        today: date,
        shown: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        lines_kb_version: str | None = None,
        online: bool = False,
    ) -> None:
        self.policy = policy
        self.today = today
        self.shown = shown
        self.timeout = timeout
        self.lines_kb_version = lines_kb_version
        self.online = online

    def _record(self, row: DumpRow) -> Any:
        from licheck.inputs.card_dump import hub_card_record

        if row.problem is not None or row.card is None or row.repo_id is None:
            raise InputError(row.problem or "the row has no card")
        return hub_card_record(row.card, row.repo_id, source=row_source(self.shown, row.number))

    def collect(self, batch: Rows) -> Collected:
        """The first pass: each readable row's model as a base, and every base named."""
        from licheck.engine.judgment import base_key

        models: list[Fact] = []
        named: list[str] = []
        for record in within_each(self.timeout, self._readable, rows_of(batch), _no_record):
            if record is None:
                continue
            key = base_key(record.name, None)
            name = None if key == record.name else record.name
            models.append((key, name, record.license, tuple(record.base_models)))
            named.extend(record.base_models)  # as written: `--online` fetches them by these
        return models, named

    def _readable(self, row: DumpRow) -> Any:
        """A row's record, or None when it cannot be read (the second pass reports why)."""
        try:
            return self._record(row)
        except (LicheckError, ValueError):
            return None

    def __call__(self, batch: Rows, graph: Mapping[str, SameRunModel]) -> list[UnitResult]:
        """Judge a batch in row order against the base-model graph (or the part it reaches),
        each row within its time bound (`pool.within_each`)."""
        rows = rows_of(batch)
        with contextlib.suppress(Exception):  # a failure here is each row's to report
            self._ready()  # built once per process, outside any one row's bound
        judged = within_each(
            self.timeout, functools.partial(self.judge, graph=graph), rows, self._late
        )
        return self._form(judged)

    def _form(self, subjects: list[SubjectReport]) -> list[UnitResult]:
        """Subjects as this worker sends them: as they are, or as JSON lines with tallies."""
        if self.lines_kb_version is None:
            return list(subjects)
        from licheck.formats.jsonl_format import subject_line

        return [
            ScanLine(subject_line(s, self.lines_kb_version), tally(s, self.policy))
            for s in subjects
        ]

    def judge(self, row: DumpRow, graph: Mapping[str, SameRunModel]) -> SubjectReport:
        """One row's subject; what cannot be read or judged is unreadable, never a pass. The
        row's time bound is its batch's (`__call__`)."""
        from licheck.engine.evaluate import evaluate

        source = row_source(self.shown, row.number)
        try:
            knowledge, readers = self._ready()
            record = self._record(row)
            subject = evaluate(
                record,
                catalog=knowledge.catalog,
                policy=self.policy,
                today=self.today,
                analyse_text=readers.analyse,
                identify_text=readers.identify,
                known_bases=reach(record.base_models, graph),
            )
        except LicheckError as exc:
            message = exc.message + (f" ({exc.hint})" if exc.hint else "")
            subject = unreadable(exc.file or source, message, exc.line)
        except (KeyboardInterrupt, SystemExit, TimeBoundError):
            raise
        except Exception as exc:
            message = f"internal error ({type(exc).__name__}: {exc}); this is a bug in licheck"
            subject = unreadable(source, message)
        return self._named(subject, row)

    def _late(self, row: DumpRow) -> SubjectReport:
        """A row not judged within its bound: unreadable, named by its repo id."""
        subject = unreadable(
            row_source(self.shown, row.number), f"not judged within {self.timeout:g} s"
        )
        return self._named(subject, row)

    def _named(self, subject: SubjectReport, row: DumpRow) -> SubjectReport:
        name = row.repo_id or row_source(self.shown, row.number)
        return replace(subject, name=name) if subject.name != name else subject

    def lost(self, row: DumpRow, why: str) -> list[UnitResult]:
        """A row whose worker died or hung on it: unreadable (nothing unverified passes)."""
        return self._form([self._named(unreadable(row_source(self.shown, row.number), why), row)])


def build_graph(collected: Iterable[Collected], spill: FirstPassSpill) -> dict[str, SameRunModel]:
    """The base-model graph of a dump: every model some row names as a base, by its key.

    A model no row names is no one's base and is dropped, so the graph holds the bases only.
    Until the last row is read any model may be named, so every batch waits in `spill`, on
    disk (it held ~270 MB a million rows in memory), and only the set of named bases here; the
    spill is then read back for the models in that set, the first row of a repo id winning.
    """
    from licheck.engine.judgment import SameRunModel, base_key

    named: set[str] = set()
    for batch in collected:
        spill.add(batch)
        named.update(base_key(name, None) for name in batch[1])  # names as written
    graph: dict[str, SameRunModel] = {}
    for facts, _ in spill:
        for key, name, expression, bases in facts:
            if key in named and key not in graph:
                shared = tuple(sys.intern(base) for base in bases)  # repeated across models
                terms = sys.intern(expression) if expression else None
                graph[key] = SameRunModel(name or key, terms, shared)
    return graph


def named_bases(spill: FirstPassSpill) -> Iterator[list[str]]:
    """Each batch's named bases, in the first pass's order, for its reach of the graph in the
    second; none for a batch the first pass did not see (unknown bases, never a pass)."""
    for _, named in spill:
        yield named
    while True:
        yield []


def base_graph(
    worker: DumpWorker, collected: Iterable[Collected], spill: FirstPassSpill
) -> dict[str, SameRunModel]:
    """The dump's base-model graph (build_graph) and, with `--online`, the Hub's cards for the
    bases the rows name that neither the dump nor the built-in table knows.

    They are fetched here, in the main process, once, within online_bases' bounds (depth,
    count, time, size) and through its cache, before any batch is judged: the graph then
    reaches every worker as it is (a batch's reach, Dask's broadcast), so no worker fetches.
    """
    if not worker.online:
        return build_graph(collected, spill)
    from licheck.engine.judgment import SameRunModel
    from licheck.online_bases import online_bases

    names: dict[str, None] = {}  # every base named, in row order (the fetch order)

    def noted() -> Iterator[Collected]:
        for batch in collected:
            names.update(dict.fromkeys(batch[1]))
            yield batch

    graph = build_graph(noted(), spill)
    graph.update(online_bases([SameRunModel("the dump", None, tuple(names))], graph))
    return graph


def scan_dump(
    spec: DumpSpec,
    *,
    policy: Policy,
    today: date,
    engine: str = "local",
    jobs: int | None = None,
    scheduler: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    lines_kb_version: str | None = None,
    online: bool = False,
) -> Iterator[UnitResult]:
    """Judge every row of a card dump, yielding subjects (or JSON lines) in row order; with
    `online`, bases unknown offline are resolved from the Hub first (base_graph).

    `timeout` bounds each row's judging (0: no bound).
    """
    from licheck.scan import refuse_obligations

    refuse_obligations(policy, "a scan of a card dump")
    worker = DumpWorker(
        policy,
        today,
        spec.shown,
        timeout=timeout,
        lines_kb_version=lines_kb_version,
        online=online,
    )
    if engine == "dask":
        found = yield from _run_dask(worker, spec, jobs, scheduler)
    else:
        found = yield from _run_local(worker, spec, jobs)
    if not found:
        raise InputError(
            "the card dump holds no rows",
            file=spec.shown,
            hint="a card dump has one row per repo; nothing checked is not a pass",
        )


# As a pool process's initializer: scan and dumps share one plumbing (licheck/pool.py).
_install = install
_PROCESS_WORKER = PROCESS_WORKER


def _run_local(
    worker: DumpWorker, spec: DumpSpec, jobs: int | None
) -> Generator[UnitResult, None, bool]:
    """The default engine: the first pass and the second on a process pool (or this process).

    Returns whether the dump held any row. Each batch of the second pass carries only the part
    of the graph that the bases its rows named in the first pass reach.
    """
    workers = jobs or usable_cores()
    found = False
    with FirstPassSpill() as spill:
        if workers == 1:
            graph = base_graph(worker, (worker.collect(rows) for rows in spec.batches()), spill)
            for batch, named in zip(spec.batches(), named_bases(spill), strict=False):
                found = True
                yield from worker(batch, reach(named, graph))
            return found
        pools = [new_pool(workers, worker)]
        try:
            collected = collected_in_order(
                pools, worker, spec.batches(), workers, lambda _: ([], [])
            )
            graph = base_graph(worker, collected, spill)
        except BaseException:
            kill(pools[0])
            raise
        tasks = (
            (batch, (reach(named, graph),))
            for batch, named in zip(spec.batches(), named_bases(spill), strict=False)
        )
        for result in in_order(worker, tasks, workers, rows_of, pools[0]):
            found = True
            yield result
        return found


def _dask() -> Any:
    """The dask module, once dask.distributed is known to be there (else exit 2, the extra)."""
    try:
        import dask
        import distributed  # noqa: F401  (the engine's scheduler and cluster)
    except ImportError:
        raise InputError(
            "the dask engine needs dask.distributed, which is not installed",
            hint=f"install the hub extra: {HUB_EXTRA}",
        ) from None
    return dask


def _client(jobs: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """A dask.distributed client: to the scheduler at `scheduler`, or to a LocalCluster of
    `jobs` single-threaded worker processes (default: every core) on 127.0.0.1."""
    import logging

    _dask()
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s", direct_to_workers=True), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                hint="check --scheduler (e.g. tcp://host:8786) and that the scheduler runs",
            ) from None
    import dask

    # Only the cluster licheck makes (and only while making it: the scheduler, the nannies and,
    # through them, the workers take the configuration then) runs its housekeeping at a batch
    # job's pace. By default every one of its five processes wakes 50 times a second to time
    # its event loop (tick), and the nannies and workers sample their memory 10 times and
    # their system load twice a second: on a 2-core machine that stole the workers a sixth of
    # their CPU (a 100k-row dump: 39.8 -> 32.9 s of worker CPU, 0.74x -> 0.90x of the local
    # pool's rows/s). A memory limit is still enforced, within a second.
    with dask.config.set(_LOCAL_CLUSTER_PACE):
        cluster = LocalCluster(
            n_workers=jobs or usable_cores(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # The HTTP server on a free port: with None, the scheduler still asks for 8787 and
            # warns when another cluster (a dashboard the user runs) holds it.
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
        return Client(cluster, direct_to_workers=True), cluster


_LOCAL_CLUSTER_PACE = {
    "distributed.admin.tick.interval": "200ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


# A Dask task's result (and a second-pass task's arguments) cross as one pickled blob, made on
# the task's thread. Handed a list, Dask pickled it on the worker's event loop into a frame per
# subject (514 frames, ~10 ms for a batch of 512 rows' JSON lines) and wrote each frame with its
# header: that, not the rows, was most of a Dask worker's time beyond the local pool's. Pickle,
# as Dask's own transport.
def _collect_task(worker: DumpWorker, batch: Rows) -> bytes:
    return pickle.dumps(worker.collect(batch), protocol=pickle.HIGHEST_PROTOCOL)


def _judge_task(worker: DumpWorker, task: bytes) -> bytes:
    batch, graph = pickle.loads(task)
    return pickle.dumps(worker(batch, graph), protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(future: Any) -> Any:
    """A task's result (its blob, unpickled); a failed task raises its error here."""
    return pickle.loads(future.result())


def _window(
    batches: Iterable[_Task], submit: Callable[[_Task], Any], window: int
) -> Iterator[tuple[_Task, Any]]:
    """Each batch with its task's future, in order, at most `window` in flight: the caller
    holds a future only until it has its result, so the run keeps none alive behind it."""
    pending: deque[tuple[_Task, Any]] = deque()
    iterator = iter(batches)
    while True:
        while len(pending) < window:
            batch = next(iterator, None)
            if batch is None:
                break
            pending.append((batch, submit(batch)))
        if not pending:
            return
        yield pending.popleft()


def _judged_alone(
    shared: _Scattered, batch: RowBatch, reached: Mapping[str, SameRunModel]
) -> Iterator[UnitResult]:
    """A batch whose task failed: again whole (it may only have been cancelled with a dead
    worker's data), then, if it fails again, row by row, so only the row at fault is lost."""
    shared.again()
    try:
        yield from _unpacked(shared.judge(batch, reached))
        return
    except Exception:
        shared.again()
    for row in batch.rows():
        try:
            yield from _unpacked(shared.judge([row], reached))
        except Exception as exc:
            shared.again()
            why = f"the Dask worker judging it died ({type(exc).__name__})"
            yield from shared.value.lost(row, why)


def _run_dask(
    worker: DumpWorker, spec: DumpSpec, jobs: int | None, scheduler: str | None
) -> Generator[UnitResult, None, bool]:
    """The Dask engine: both passes as tasks over batches; the worker object is broadcast to
    every Dask worker once, and a second-pass task carries its batch's bytes and the part of
    the base-model graph its rows' chains reach (as the local pool's batches do), so a Dask
    worker's memory does not grow with the dump.

    A batch whose worker died (KilledWorker, once Dask's retries are spent) is re-run row by
    row: only the row at fault is unreadable. In the first pass such a batch gives no bases
    (unknown, never a pass) and the second pass finds the row.
    """
    dask = _dask()
    # Every Dask comm keeps its last 1,000 messages for debugging (`low-level-log-length`): a
    # task's message holds its batch, so the scheduler in this process would keep up to 1,000
    # batches per worker (hundreds of MB: the main process's memory grew with the dump).
    # A task that killed its worker is tried once more elsewhere (Dask's default: 3 more
    # times, each killing a worker); the engine then narrows the batch down to its row.
    # A worker's statistical profiler samples every thread's stack 100 times a second (for the
    # dashboard), taking the GIL from the row being judged each time; licheck never reads it.
    settings = {
        "distributed.admin.low-level-log-length": 0,
        "distributed.scheduler.allowed-failures": 1,
        "distributed.worker.profile.enabled": False,
    }
    with dask.config.set(settings):
        return (yield from _run_dask_client(worker, spec, jobs, scheduler))


class _Scattered:
    """The worker object on every Dask worker.

    A worker that dies takes its copy with it, and when the rows it died on kill the others in
    turn (Dask retries a task on another worker) no copy is left: every task that needs it is
    cancelled. So after a failure it is scattered again before anything is resubmitted.
    """

    def __init__(self, client: Any, worker: DumpWorker) -> None:
        self.client = client
        self.value = worker
        self.worker: Any = None
        self.again()

    def again(self) -> None:
        """(Re)scatter the worker."""
        [self.worker] = self.client.scatter([self.value], broadcast=True)

    def collect(self, batch: Rows) -> Any:
        return self.client.submit(_collect_task, self.worker, batch, pure=False)

    def judge(self, batch: Rows, reached: Mapping[str, SameRunModel]) -> Any:
        # The batch and its reach as one blob too: a dict of SameRunModel crossed as a frame per
        # model, pickled by the client and again by the scheduler (~2 ms for 100 of them).
        task = pickle.dumps((batch, reached), protocol=pickle.HIGHEST_PROTOCOL)
        return self.client.submit(_judge_task, self.worker, task, pure=False)


def _run_dask_client(
    worker: DumpWorker, spec: DumpSpec, jobs: int | None, scheduler: str | None
) -> Generator[UnitResult, None, bool]:
    client, cluster = _client(jobs, scheduler)
    spill = FirstPassSpill()
    try:
        window = max(1, len(client.scheduler_info()["workers"])) * IN_FLIGHT_PER_WORKER
        shared = _Scattered(client, worker)

        def collected() -> Iterator[Collected]:
            for batch, future in _window(spec.batches(), shared.collect, window):
                try:
                    yield _unpacked(future)
                except Exception:  # KilledWorker (see the docstring), or cancelled with it
                    shared.again()
                    try:
                        yield _unpacked(shared.collect(batch))
                    except Exception:
                        shared.again()
                        yield [], []

        graph = base_graph(worker, collected(), spill)

        def judge(task: tuple[RowBatch, list[str]]) -> Any:
            batch, named = task
            return shared.judge(batch, reach(named, graph))

        found = False
        batches = zip(spec.batches(), named_bases(spill), strict=False)
        for (batch, named), future in _window(batches, judge, window):
            found = True
            try:
                results: list[UnitResult] = _unpacked(future)
            except Exception:  # KilledWorker: the batch's worker died, retries included
                results = list(_judged_alone(shared, batch, reach(named, graph)))
            yield from results
        return found
    finally:
        spill.close()
        client.close()
        if cluster is not None:
            cluster.close()
