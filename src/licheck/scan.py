"""`licheck scan DIR`: find every model under a tree and check them all, on every core.

A monorepo, a Hugging Face cache or a folder of 100k model cards: discovery walks the tree
without following symlinked folders, a folder that describes a model (model.yaml, a README
with front matter, a MOT file) is one model, and loose cards or SBOMs elsewhere are one model
each. Workers check units in order-preserving chunks (licheck/scan_worker.py), so results
stream in a stable order; each unit has a time bound, and a unit that fails to read or times
out is reported as unreadable (a violation: nothing unverified passes) while the run goes on.
A base anywhere in the tree binds its fine-tunes, so no verdict is released before the whole
tree is read: each chunk waits in the spool (licheck/spool.py), and the main process holds a
file name per chunk and the keys that chains name, never a unit or a model.

The core yields results and prints nothing; the CLI decides how to show progress and output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from licheck.errors import InputError, LicheckError, PolicyError
from licheck.inputs import shown_path
from licheck.inputs.registry import InputOptions
from licheck.inputs.tree import (
    MODELS_AT_MAIN,
    CacheReading,
    Note,
    Skip,
    Unit,
    is_model_folder,
    walk,
)
from licheck.pool import (
    PROCESS_WORKER,
    collected_in_order,
    in_order,
    kill,
    new_pool,
    usable_cores,
)

# Re-exported: the CLI and the card-dump run take a scan's results from here.
from licheck.scan_worker import (
    FACTS,
    UNITS,
    ChunkOutcome,
    ScanLine,
    ScanWorker,
    Spooled,
    UnitBases,
    UnitResult,
    _loose_unit,
)
from licheck.spool import SPOOL_BYTES, SpooledChunk, SpoolError, SpoolReader, SpoolWriter

if TYPE_CHECKING:
    from licheck.engine.judgment import SameRunModel
    from licheck.records import Policy

__all__ = [
    "DEFAULT_TIMEOUT",
    "ScanLine",
    "ScanWorker",
    "UnitResult",
    "discover",
    "refuse_obligations",
    "scan",
]

CHUNK = 32
DEFAULT_TIMEOUT = 20.0


# Shared with `licheck check` (one model, one verdict): inputs/tree.py decides what a model
# folder is, for every entry point.
_is_model_folder = is_model_folder


def discover(roots: Iterable[Path], exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """Every model unit under the roots, in a stable order: model folders and loose files.

    Reads each loose candidate's head in this process (scan leaves that to its workers);
    for tests and library callers that want the list. Skips are not returned (scan counts them).
    """
    for unit in _candidates(roots, exclude):
        if unit.kind == "candidate":
            try:
                if _loose_unit(unit.path) is None:
                    continue
            except LicheckError:
                pass
        yield unit.path


def _candidates(
    roots: Iterable[Path],
    exclude: tuple[str, ...] = (),
    on_skip: Callable[[Skip | Note], None] | None = None,
    cache: CacheReading = MODELS_AT_MAIN,
) -> Iterator[Unit]:
    """Model folders, cache repos, unreadable places and loose files that may be models.

    Deciding a loose file means reading its head; scan leaves that to the workers, so that the
    walk itself stays cheap and serial work in the main process is small. What the walk leaves
    out goes to `on_skip` with its reason (inputs/tree.py lists the default exclusions), and so
    does a Note (a model folder an --exclude matched only in part, judged whole).
    """
    for found in walk(roots, exclude=exclude, is_model_folder=_is_model_folder, cache=cache):
        if isinstance(found, Skip | Note):
            if on_skip is not None:
                on_skip(found)
        else:
            yield found


def _chunks(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    for unit in units:
        batch.append(unit)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def scan(
    roots: list[Path],
    *,
    policy: Policy,
    today: date,
    options: InputOptions | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    lines_kb_version: str | None = None,
    exclude: tuple[str, ...] = (),
    on_skip: Callable[[Skip | Note], None] | None = None,
    cache: CacheReading = MODELS_AT_MAIN,
) -> Iterator[UnitResult]:
    """Check every model under `roots`, yielding each judged subject in discovery order.

    `jobs` processes (default: every core); 1 checks in this process. With `lines_kb_version`,
    each result comes as a ScanLine (the subject's JSON line and its tally) instead. What the
    walk leaves out (default exclusions, `exclude` globs, dataset repos) goes to `on_skip`,
    as does each Note the walk makes (a warning for the summary);
    `cache` judges a Hugging Face cache's dataset repos or every revision too.
    """
    refuse_obligations(policy, "licheck scan")
    for root in roots:
        if not root.exists() and not root.is_symlink():
            raise InputError("file not found", file=shown_path(root), hint="check the path")
    workers = jobs or usable_cores()
    # The first pass's chunks wait in a private folder for the second (licheck/spool.py),
    # removed when the scan ends, however it ends (the generator is closed or collected).
    with tempfile.TemporaryDirectory(prefix="licheck-scan-") as spool:
        worker = ScanWorker(
            policy,
            today,
            options or InputOptions(),
            timeout,
            lines_kb_version=lines_kb_version,
            spool=SpoolWriter(spool, SPOOL_BYTES // workers),
        )
        yield from _scan_passes(worker, roots, workers, exclude, on_skip, cache)


def _scan_passes(
    worker: ScanWorker,
    roots: list[Path],
    workers: int,
    exclude: tuple[str, ...],
    on_skip: Callable[[Skip | Note], None] | None,
    cache: CacheReading,
) -> Iterator[UnitResult]:
    """The two passes of a scan (see scan)."""
    # The first pass reads and judges every unit, against no index yet, and keeps each chunk
    # in the spool; once every chunk is in, the index of the run's bases (issue 14: a fine-tune
    # inherits from a base in the same tree however far apart they are) is built from the
    # spool, and the second pass releases each chunk in order, judging again only the units
    # whose chains look up a model of the index. The main process holds a file name per chunk
    # and the keys chains name, never a unit or a model (memory flat in the tree's size).
    held: list[ChunkOutcome] = []
    named: set[str] = set()
    for outcome in _collect(worker, _candidates(roots, exclude, on_skip, cache), workers):
        named.update(outcome.named)
        held.append(outcome if outcome.spooled is None else ChunkOutcome(outcome.spooled))
    online = worker.options.online
    index, asked = _run_index(held, None if online else named, worker._spooled)
    del named
    if online:
        # `--online`: the bases neither the tree nor the table knows, from their Hub cards,
        # before any judging (the engine judges offline; see licheck/online_bases.py).
        from licheck.engine.judgment import SameRunModel
        from licheck.online_bases import online_bases

        models = [SameRunModel("", None, (base,), folder) for base, folder in asked]
        index.update(online_bases(models, index))
    worker.bases = index
    chunks = [outcome.units if outcome.spooled is None else outcome.spooled for outcome in held]
    del held
    found = False
    if workers == 1 or (not index and all(_judged(chunk) for chunk in chunks)):
        # In this process: with no index, nothing is judged again (each chunk's results are
        # read back as they are); with one worker, whatever is judged again is judged here.
        for chunk in chunks:
            for result in worker(chunk):
                found = True
                yield result
    else:
        for result in in_order(worker, ((chunk, ()) for chunk in chunks), workers, _units):
            found = True
            yield result
    if not found:
        raise InputError(
            "no model found under " + ", ".join(shown_path(r) for r in roots),
            hint="scan looks for model.yaml, model cards (README.md with front matter), MOT "
            "files and SBOMs; nothing checked is not a pass",
        )


def _judged(chunk: list[Unit] | SpooledChunk) -> bool:
    """Whether a chunk's results are all in the spool (nothing to read or judge)."""
    return isinstance(chunk, SpooledChunk) and not chunk.light


def _units(chunk: list[Unit] | SpooledChunk) -> list[Unit]:
    """A chunk's units, each to be judged alone after a worker died on the chunk (pool.isolated);
    a spooled chunk that cannot be read back is judged whole again (one unreadable subject)."""
    if isinstance(chunk, list):
        return chunk
    try:
        kept: list[tuple[Unit, Spooled | None]] = SpoolReader().section(chunk.path, UNITS)
    except SpoolError:
        why = f"{chunk.units} models of this scan were not judged: its spool file is gone"
        return [Unit(Path(chunk.path), "unreadable", note=why)]
    return [unit for unit, _ in kept]


def _run_index(
    held: list[ChunkOutcome], named: set[str] | None, reader: SpoolReader
) -> tuple[dict[str, SameRunModel], list[tuple[str, str | None]]]:
    """The run's index of bases: each model under each of its same-run keys that some chain
    looks up (`named`; None: every key), the first model found under a key in discovery order;
    and each base a model names, with its folder, in that order (for `--online`).

    A chunk whose facts cannot be read back adds nothing: its models are then no one's known
    base (unknown, which never passes), and the second pass reports the chunk unreadable.
    """
    index: dict[str, SameRunModel] = {}
    asked: dict[tuple[str, str | None], None] = {}
    for outcome in held:
        facts: UnitBases = outcome.facts
        if outcome.spooled is not None:
            try:
                facts = reader.section(outcome.spooled.path, FACTS)
            except SpoolError:
                continue
        for keys, model in facts:
            for key in keys:
                if named is None or key in named:
                    index.setdefault(key, model)
            if named is None:
                asked.update(dict.fromkeys((base, model.folder) for base in model.bases))
    return index, list(asked)


def _collect(worker: ScanWorker, units: Iterable[Unit], workers: int) -> Iterator[ChunkOutcome]:
    """The first pass over the units, in order, on the pool when there is one, with a bounded
    window of chunks in flight (memory does not grow with the tree).

    A pool that breaks here (a worker killed) is no verdict on any model: each chunk left is
    collected again in a pool of its own, and a chunk that breaks that one too passes on its
    units as they were (the second pass, with its own fault handling, reports the unit at
    fault; a base it would have given is then unknown, which never passes).
    """
    chunks = _chunks(units, CHUNK)
    if workers == 1:
        yield from (worker.collect(chunk) for chunk in chunks)
        return
    pools = [new_pool(workers, worker)]
    # Started now, before the walk lists a folder: a forked process starts with its parent's
    # memory, and a folder of 100k cards is ~15 MB of names. Each builds its knowledge while
    # the walk goes on (a failure there is met again, and reported, with the first chunk).
    for _ in range(workers):
        pools[0].submit(_warm)
    try:
        yield from collected_in_order(
            pools, worker, chunks, workers, lambda chunk: ChunkOutcome(None, units=list(chunk))
        )
    finally:
        kill(pools[0])


def _warm() -> None:
    """Build this pool process's knowledge (a pool task)."""
    PROCESS_WORKER[0]._ready()


def refuse_obligations(policy: Policy, command: str) -> None:
    """A policy that asks for obligations is not run where they are not checked: scanning a
    tree or a dump checks licenses only, and saying nothing would pass what was not read."""
    if policy.obligations != "off":
        raise PolicyError(
            f"the policy asks for obligations ({policy.obligations}), which {command} does not "
            "check yet",
            file=policy.source,
            hint="run `licheck check PATH...` or `licheck obligations PATH...` on the models, "
            "or set `obligations: off` for the scan",
        )
