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

The same worker object runs on both engines. The local engine sends each batch with the part
of the graph its rows reach (as `licheck scan` does); Dask broadcasts the graph and the worker
to every worker once (`scatter(broadcast=True)`) and each task reaches into it, so no batch
looks a base up remotely. Results come back in row order, either way, and are the same.

The core prints nothing and imports pyarrow and dask only when a run needs them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licheck.engine.report import tally, unreadable
from licheck.errors import InputError, LicheckError
from licheck.inputs.card_dump import HUB_EXTRA, DumpRow, dump_rows, row_source
from licheck.pool import (
    PROCESS_WORKER,
    call_worker,
    collect_with_worker,
    install,
    new_pool,
    usable_cores,
)
from licheck.records import replace
from licheck.scan import ScanLine, UnitResult

if TYPE_CHECKING:
    from licheck.engine.judgment import SameRunModel
    from licheck.engine.readers import TextReaders
    from licheck.knowledge.bundle import Knowledge
    from licheck.records import Policy, SubjectReport

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 4
# One batch's collected models: (its same-run key, the model) per row, and the bases it names.
Collected = tuple[list[tuple[str, "SameRunModel"]], list[str]]


@dataclass(frozen=True)
class DumpSpec:
    """Which dump and how to read it: its path, as shown, and its id and card columns."""

    path: Path
    shown: str
    id_column: str | None = None
    card_column: str | None = None
    batch_rows: int = 512

    def batches(self) -> Iterator[list[DumpRow]]:
        """The dump's rows, a batch at a time (memory flat)."""
        return dump_rows(
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


class DumpWorker:
    """Reads and judges batches of dump rows: picklable, errors returned as values, no globals.

    Its knowledge is built on first use where it runs and kept with the object, never pickled.
    A row that cannot be read or judged is an `unreadable` subject named by its repo id.
    """

    def __init__(
        self,
        policy: Policy,
        today: date,
        shown: str,
        *,
        lines_kb_version: str | None = None,
        online: bool = False,
    ) -> None:
        self.policy = policy
        self.today = today
        self.shown = shown
        self.lines_kb_version = lines_kb_version
        self.online = online
        self._knowledge: Knowledge | None = None
        self._readers: TextReaders | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_knowledge"] = state["_readers"] = None  # rebuilt where the worker lands
        return state

    def _ready(self) -> tuple[Knowledge, TextReaders]:
        if self._knowledge is None or self._readers is None:
            from licheck.engine.readers import text_readers
            from licheck.knowledge.bundle import Knowledge

            self._knowledge = Knowledge()
            self._readers = text_readers(self._knowledge)
        return self._knowledge, self._readers

    def _record(self, row: DumpRow) -> Any:
        from licheck.inputs.card_dump import hub_card_record

        if row.problem is not None or row.card is None or row.repo_id is None:
            raise InputError(row.problem or "the row has no card")
        return hub_card_record(row.card, row.repo_id, source=row_source(self.shown, row.number))

    def collect(self, rows: list[DumpRow]) -> Collected:
        """The first pass: each readable row's model as a base, and every base named."""
        from licheck.engine.judgment import base_key, same_run_model

        models: list[tuple[str, SameRunModel]] = []
        named: list[str] = []
        for row in rows:
            try:
                record = self._record(row)
            except (LicheckError, ValueError):
                continue  # the second pass reports it
            model = replace(same_run_model(record), folder=None)
            models.append((base_key(record.name, None), model))
            named.extend(record.base_models)  # as written: `--online` fetches them by these
        return models, named

    def __call__(self, rows: list[DumpRow], graph: Mapping[str, SameRunModel]) -> list[UnitResult]:
        """Judge a batch in row order against the base-model graph (or the part it reaches)."""
        subjects = [self.judge(row, graph) for row in rows]
        if self.lines_kb_version is None:
            return list(subjects)
        from licheck.formats.jsonl_format import subject_line

        return [
            ScanLine(subject_line(s, self.lines_kb_version), tally(s, self.policy))
            for s in subjects
        ]

    def judge(self, row: DumpRow, graph: Mapping[str, SameRunModel]) -> SubjectReport:
        """One row's subject; what cannot be read or judged is unreadable, never a pass."""
        from licheck.engine.evaluate import evaluate

        source = row_source(self.shown, row.number)
        name = row.repo_id or source
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
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            message = f"internal error ({type(exc).__name__}: {exc}); this is a bug in licheck"
            subject = unreadable(source, message)
        return replace(subject, name=name) if subject.name != name else subject

    def lost(self, rows: list[DumpRow], why: str) -> list[UnitResult]:
        """Rows whose worker died: unreadable (nothing unverified passes), in this worker's form."""
        subjects = [
            replace(unreadable(row_source(self.shown, r.number), why), name=r.repo_id or "")
            for r in rows
        ]
        if self.lines_kb_version is None:
            return list(subjects)
        from licheck.formats.jsonl_format import subject_line

        return [
            ScanLine(subject_line(s, self.lines_kb_version), tally(s, self.policy))
            for s in subjects
        ]


def build_graph(collected: Iterable[Collected]) -> dict[str, SameRunModel]:
    """The base-model graph of a dump: every model some row names as a base, by its key.

    A model no row names is no one's base and is dropped, so the graph holds the bases only.
    """
    from licheck.engine.judgment import base_key

    models: dict[str, SameRunModel] = {}
    named: set[str] = set()
    for batch_models, batch_named in collected:
        for key, model in batch_models:
            models.setdefault(key, model)
        named.update(base_key(name, None) for name in batch_named)
    return {key: models[key] for key in named if key in models}


def base_graph(worker: DumpWorker, collected: Iterable[Collected]) -> dict[str, SameRunModel]:
    """The dump's base-model graph (build_graph) and, with `--online`, the Hub's cards for the
    bases the rows name that neither the dump nor the built-in table knows.

    They are fetched here, in the main process, once, within online_bases' bounds (depth,
    count, time, size) and through its cache, before any batch is judged: the graph then
    reaches every worker as it is (a batch's reach, Dask's broadcast), so no worker fetches.
    """
    if not worker.online:
        return build_graph(collected)
    from licheck.engine.judgment import SameRunModel
    from licheck.online_bases import online_bases

    names: dict[str, None] = {}  # every base named, in row order (the fetch order)

    def noted() -> Iterator[Collected]:
        for batch in collected:
            names.update(dict.fromkeys(batch[1]))
            yield batch

    graph = build_graph(noted())
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
    lines_kb_version: str | None = None,
    online: bool = False,
) -> Iterator[UnitResult]:
    """Judge every row of a card dump, yielding subjects (or JSON lines) in row order; with
    `online`, bases unknown offline are resolved from the Hub first (base_graph)."""
    from licheck.scan import refuse_obligations

    refuse_obligations(policy, "a scan of a card dump")
    worker = DumpWorker(policy, today, spec.shown, lines_kb_version=lines_kb_version, online=online)
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


def _collect_rows(rows: list[DumpRow]) -> Collected:
    collected: Collected = collect_with_worker(rows)
    return collected


def _judge_rows(rows: list[DumpRow], graph: Mapping[str, SameRunModel]) -> list[UnitResult]:
    judged: list[UnitResult] = call_worker(rows, graph)
    return judged


def _run_local(
    worker: DumpWorker, spec: DumpSpec, jobs: int | None
) -> Generator[UnitResult, None, bool]:
    """The default engine: the first pass and the second on a process pool (or this process).

    Returns whether the dump held any row. Each batch of the second pass carries only the part
    of the graph that the bases its rows named in the first pass reach.
    """
    workers = jobs or usable_cores()
    named: list[list[str]] = []
    found = False
    if workers == 1:
        graph = base_graph(worker, _kept(named, (worker.collect(rows) for rows in spec.batches())))
        for index, rows in enumerate(spec.batches()):
            found = True
            yield from worker(rows, reach(named[index], graph))
        return found
    pool = new_pool(workers, worker)
    try:
        window = workers * IN_FLIGHT_PER_WORKER
        collected = _windowed(pool.submit, _collect_rows, spec.batches(), window)
        graph = base_graph(worker, _kept(named, collected))
        pending: deque[tuple[list[DumpRow], Future[list[UnitResult]]]] = deque()
        batches = enumerate(spec.batches())
        while True:
            while len(pending) < window:
                item = next(batches, None)
                if item is None:
                    break
                index, rows = item
                pending.append((rows, pool.submit(_judge_rows, rows, reach(named[index], graph))))
            if not pending:
                return found
            rows, future = pending.popleft()
            found = True
            try:
                yield from future.result()
            except BrokenProcessPool:
                # A worker died (out of memory, killed): its rows and those in flight are
                # unreadable (never a pass), and a fresh pool takes the rest.
                why = "the worker process judging it died"
                yield from worker.lost(rows, why)
                for lost_rows, _ in pending:
                    yield from worker.lost(lost_rows, why)
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool(workers, worker)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _kept(named: list[list[str]], collected: Iterable[Collected]) -> Iterator[Collected]:
    """Pass the first pass's batches on, keeping each batch's named bases (for its reach)."""
    for batch in collected:
        named.append(batch[1])
        yield batch


def _windowed(
    submit: Any, function: Any, batches: Iterable[list[DumpRow]], window: int
) -> Iterator[Any]:
    """`function` over batches on a pool, at most `window` in flight, results in order."""
    pending: deque[Any] = deque()
    iterator = iter(batches)
    while True:
        while len(pending) < window:
            rows = next(iterator, None)
            if rows is None:
                break
            pending.append(submit(function, rows))
        if not pending:
            return
        yield pending.popleft().result()


def _collect_task(worker: DumpWorker, rows: list[DumpRow]) -> Collected:
    return worker.collect(rows)


def _judge_task(
    worker: DumpWorker, rows: list[DumpRow], graph: Mapping[str, SameRunModel]
) -> list[UnitResult]:
    return worker(rows, graph)


def _client(jobs: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """A dask.distributed client: to the scheduler at `scheduler`, or to a LocalCluster of
    `jobs` single-threaded worker processes (default: every core) on 127.0.0.1."""
    import logging

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "the dask engine needs dask.distributed, which is not installed",
            hint=f"install the hub extra: {HUB_EXTRA}",
        ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                hint="check --scheduler (e.g. tcp://host:8786) and that the scheduler runs",
            ) from None
    cluster = LocalCluster(
        n_workers=jobs or usable_cores(),
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def _run_dask(
    worker: DumpWorker, spec: DumpSpec, jobs: int | None, scheduler: str | None
) -> Generator[UnitResult, None, bool]:
    """The Dask engine: both passes as tasks over batches; the worker object and the base-model
    graph are broadcast to every Dask worker once, so a task carries only its rows."""
    client, cluster = _client(jobs, scheduler)
    try:
        window = max(1, len(client.scheduler_info()["workers"])) * IN_FLIGHT_PER_WORKER
        [shared] = client.scatter([worker], broadcast=True)

        def submit(function: Any, *args: Any) -> Any:
            return client.submit(function, shared, *args, pure=False)

        graph = base_graph(worker, _windowed(submit, _collect_task, spec.batches(), window))
        [graph_future] = client.scatter([graph], broadcast=True)
        del graph
        found = False
        pending: deque[tuple[list[DumpRow], Any]] = deque()
        batches = iter(spec.batches())
        while True:
            while len(pending) < window:
                rows = next(batches, None)
                if rows is None:
                    break
                pending.append((rows, submit(_judge_task, rows, graph_future)))
            if not pending:
                return found
            rows, future = pending.popleft()
            found = True
            try:
                results: list[UnitResult] = future.result()
            except Exception as exc:  # KilledWorker: the rows' worker died, retries included
                results = worker.lost(rows, f"the Dask worker judging it died ({exc})")
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
