"""`licheck scan DIR`: find every model under a tree and check them all, on every core.

A monorepo, a Hugging Face cache or a folder of 100k model cards: discovery walks the tree
without following symlinked folders, a folder that describes a model (model.yaml, a README
with front matter, a MOT file) is one model, and loose cards or SBOMs elsewhere are one model
each. Workers check units in order-preserving chunks, so results stream in a stable order;
each unit has a time bound, and a unit that fails to read or times out is reported as
unreadable (a violation: nothing unverified passes) while the run goes on.

The core yields results and prints nothing; the CLI decides how to show progress and output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from licheck.engine.readers import ReadersOnFirstUse
from licheck.engine.report import Tally, tally, unreadable
from licheck.errors import InputError, LicheckError, PolicyError
from licheck.inputs import shown_path
from licheck.inputs.registry import LOOSE_UNIT_FORMATS, InputOptions
from licheck.inputs.tree import (
    CANDIDATE_SUFFIXES,
    MODELS_AT_MAIN,
    CacheReading,
    Note,
    Skip,
    Unit,
    is_model_folder,
    walk,
)
from licheck.knowledge.bundle import Knowledge
from licheck.pool import (
    TimeBoundError,
    bounded_section,
    collected_in_order,
    in_order,
    kill,
    new_pool,
    usable_cores,
    within,
)
from licheck.records import ModelRecord, SubjectReport
from licheck.spool import SPOOL_BYTES, Spooled, SpoolReader, SpoolWriter

if TYPE_CHECKING:
    from licheck.engine.judgment import RunPlace, SameRunModel
    from licheck.records import Policy

# One unit's models as bases: (their same-run keys, what they declare), and each one's bases.
UnitBases = list[tuple[tuple[str, ...], "SameRunModel"]]
# What the first pass makes of a unit: the unit as the second pass takes it (None: no model),
# and its models as bases.
Collected = tuple["Unit | None", UnitBases]

CHUNK = 32
DEFAULT_TIMEOUT = 20.0


# Shared with `licheck check` (one model, one verdict): inputs/tree.py decides what a model
# folder is, for every entry point.
_is_model_folder = is_model_folder


def _loose_unit(path: Path) -> str | None:
    """The input format of a file outside a model folder that describes a model on its own (a
    card, an SBOM), else None; the caller reads the file with that reader, not sniffing again.

    A file that cannot be read raises (the caller reports it unreadable): what licheck did not
    read is never passed over as "not a model".
    """
    from licheck.inputs.detect import detect_format
    from licheck.inputs.guarded import read_regular

    if not path.name.lower().endswith(CANDIDATE_SUFFIXES):
        return None
    from licheck.inputs.weights import is_later_part

    if is_later_part(path.name):
        return None  # a part of a split model: its first part is the unit
    head = read_regular(path, limit=64 * 1024, shown=shown_path(path), head=True)
    try:
        kind = detect_format(path, head)
    except LicheckError:
        return None
    if kind == "hf-card":
        from licheck.inputs.detect import has_front_matter

        return kind if has_front_matter(head.decode("utf-8", errors="replace")) else None
    return kind if kind in LOOSE_UNIT_FORMATS else None


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


class ScanLine(msgspec.Struct, frozen=True):
    """A subject already rendered as a JSON line by the worker, with its tally."""

    line: str
    tally: Tally


UnitResult = SubjectReport | ScanLine


class ScanWorker(ReadersOnFirstUse):
    """Checks chunks of units: picklable, errors returned as values, no module globals.

    Sent to each worker process (or used in this one). Its knowledge (catalog, fingerprints,
    the text readers' memory) is built on first use where it runs and kept with the object,
    never pickled. Each unit is judged within its time bound (`pool.within`).
    """

    def __init__(
        self,
        policy: Policy,
        today: date,
        options: InputOptions,
        timeout: float,
        *,
        lines_kb_version: str | None = None,
        spool: SpoolWriter | None = None,
    ) -> None:
        self.policy = policy
        self.today = today
        self.options = options
        self.timeout = timeout
        # Where the first pass keeps the records it read, for the second (licheck/spool.py).
        self.spool = spool
        self._spooled = SpoolReader()
        # When set, the worker renders each subject as a JSON line itself (in parallel) and
        # sends only the line and its tally: the main process just writes, memory stays flat.
        self.lines_kb_version = lines_kb_version
        self._known: dict[str, SameRunModel] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_spooled"] = SpoolReader()  # the last spool file read stays where it was read
        return state

    def collect(self, units: list[Unit]) -> list[Collected]:
        """The first pass: each unit's models as bases (keys, license, bases), nothing judged.

        Each unit comes back as the second pass should take it: a loose file found to be a
        model as a model (its head is not read twice), one found to be none as None (left
        out), anything that could not be read as it was (the second pass reports it).
        """
        knowledge, _ = self._ready()
        found: list[Collected] = []
        kept: list[Spooled] = []  # the records of the units marked spooled below
        with bounded_section():
            self._collect_units(units, knowledge, found, kept)
        return self._spool_chunk(found, kept)

    def _collect_units(
        self, units: list[Unit], knowledge: Knowledge, found: list[Collected], kept: list[Spooled]
    ) -> None:
        from licheck.engine.judgment import run_place, same_run_model
        from licheck.inputs import load_path
        from licheck.records import replace

        # Each folder's real path, asked of the filesystem once for the chunk (loose cards
        # share a folder), and forgotten with it.
        resolved: dict[str, Path] = {}
        for given in units:
            if given.kind == "unreadable":
                found.append((given, []))
                continue
            unit = given
            try:
                kind = None  # a model folder's: load_path detects it
                if given.kind == "candidate":
                    kind = within(self.timeout, partial(_loose_unit, given.path))
                    if kind is None:
                        found.append((None, []))
                        continue
                    unit = replace(given, kind="model")
                read = partial(load_path, unit.path, self.options, knowledge.catalog, kind=kind)
                records = within(self.timeout, read)
            except (LicheckError, OSError, ValueError, TimeBoundError):
                # Passed on as it was: the second pass reads it again, within its own bound,
                # and reports what stopped it.
                found.append((unit, []))
                continue
            places = [run_place(r, resolved) for r in records]
            if unit.kind == "model" and self.spool is not None:
                # What the second pass would read again: kept as read, before any renaming.
                unit = replace(unit, spooled=("", len(kept)))
                kept.append(list(zip(records, places, strict=True)))
            if unit.dataset:
                # A dataset is judged, never inherited from: it is no model's base.
                found.append((unit, []))
                continue
            if unit.repo_id:
                # Renamed, the models stand under other keys.
                records = [replace(r, name=unit.repo_id) for r in records]
                places = [run_place(r, resolved) for r in records]
            found.append(
                (
                    unit,
                    [(p.keys, same_run_model(r, p)) for r, p in zip(records, places, strict=True)],
                )
            )

    def _spool_chunk(self, found: list[Collected], kept: list[Spooled]) -> list[Collected]:
        """Write the chunk's kept records to the spool and point their units at the file; if
        the spool refuses them, the units go on unmarked and are read again."""
        from licheck.records import replace

        if not kept or self.spool is None:
            return found
        path = self.spool.write(kept)
        marked: list[Collected] = []
        for unit, models in found:
            if unit is None or unit.spooled is None:
                marked.append((unit, models))
                continue
            spooled = None if path is None else (path, unit.spooled[1])
            marked.append((replace(unit, spooled=spooled), models))
        return marked

    def __call__(
        self, units: list[Unit], known_bases: dict[str, SameRunModel] | None = None
    ) -> list[UnitResult]:
        """Check a chunk of units in order; what cannot be read is an unreadable subject.

        `known_bases` is the part of the run's index of models this chunk's chains reach.
        """
        self._known = known_bases or {}
        results: list[SubjectReport] = []
        with bounded_section():
            for unit in units:
                results.extend(self.check_unit(unit))
        if self.lines_kb_version is None:
            return list(results)
        from licheck.formats.jsonl_format import subject_line

        return [
            ScanLine(subject_line(s, self.lines_kb_version), tally(s, self.policy)) for s in results
        ]

    def check_unit(self, unit: Unit | Path) -> list[SubjectReport]:
        """Read and judge one unit within the time bound; errors become unreadable subjects.

        Everything happens inside the bound, deciding whether a loose file is a model included
        (its first read may meet a FIFO swapped in since the walk).
        """
        if isinstance(unit, Path):
            unit = Unit(unit, "model")
        shown = shown_path(unit.path)
        name = unit.name or shown
        if unit.kind == "unreadable":
            return [_named(unreadable(shown, unit.note), name)]
        try:
            return within(self.timeout, lambda: self._judge(unit))
        except TimeBoundError:
            return [_named(unreadable(shown, f"not judged within {self.timeout:g} s"), name)]
        except LicheckError as exc:
            where = exc.file or shown
            message = exc.message + (f" ({exc.hint})" if exc.hint else "")
            return [_named(unreadable(where, message, exc.line), name)]
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            # A bug in licheck on one model: that model is unreadable (never a pass) and the
            # scan goes on; the message says it is a bug, so that it gets reported.
            message = f"internal error ({type(exc).__name__}: {exc}); this is a bug in licheck"
            return [_named(unreadable(shown, message), name)]

    def _judge(self, unit: Unit) -> list[SubjectReport]:
        from licheck.engine.evaluate import evaluate
        from licheck.inputs import load_path

        kind = None
        if unit.kind == "candidate":
            kind = _loose_unit(unit.path)
            if kind is None:
                return []
        knowledge, readers = self._ready()
        spooled = None if unit.spooled is None else self._spooled.records(*unit.spooled)
        places: list[RunPlace | None]
        if spooled is not None:
            records = [record for record, _ in spooled]
            places = [place for _, place in spooled]
        else:
            if unit.kind == "cache-repo":
                records = self._cache_records(unit, knowledge)
            else:
                records = load_path(unit.path, self.options, knowledge.catalog, kind=kind)
            places = [None] * len(records)
        subjects = [
            evaluate(
                record,
                catalog=knowledge.catalog,
                policy=self.policy,
                today=self.today,
                analyse_text=readers.analyse,
                identify_text=readers.identify,
                known_bases=self._known,
                place=place,
            )
            for record, place in zip(records, places, strict=True)
        ]
        return [_named(s, unit.name) for s in subjects] if unit.name else subjects

    def lost(self, unit: Unit, why: str) -> list[UnitResult]:
        """What a unit whose worker died or hung becomes: unreadable, in this worker's form."""
        subject = _named(unreadable(shown_path(unit.path), why), unit.name)
        if self.lines_kb_version is None:
            return [subject]
        from licheck.formats.jsonl_format import subject_line

        return [ScanLine(subject_line(subject, self.lines_kb_version), tally(subject, self.policy))]

    def _cache_records(self, unit: Unit, knowledge: Knowledge) -> list[ModelRecord]:
        """A cache repo is a model even with no card or no front matter: then it declares no
        license, which the engine reports as cannot verify (never a pass)."""
        from licheck.inputs.folder import NO_DESCRIPTION, load_folder

        try:
            return load_folder(
                unit.path,
                allow_outside=self.options.allow_outside,
                online=self.options.online,
                catalog=knowledge.catalog,
            )
        except LicheckError as exc:
            if exc.message != NO_DESCRIPTION:
                raise
        return [
            ModelRecord(
                source=shown_path(unit.path), format="folder", name=unit.name or "", license=None
            )
        ]


def _named(subject: SubjectReport, name: str | None) -> SubjectReport:
    """A cache repo's subject is named by its repo id, not by what its card calls itself."""
    from licheck.records import replace

    return replace(subject, name=name) if name and subject.name != name else subject


def _chunks(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    for unit in units:
        batch.append(unit)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parallel(
    worker: ScanWorker, chunks: Iterable[list[Unit]], workers: int, reach: _Reach
) -> Iterator[UnitResult]:
    """Chunks on a pool, each with the part of the index its chains reach (`pool.in_order`:
    a bounded window, a time bound, a dead or hung worker narrowed down to its unit)."""
    return in_order(worker, ((chunk, (reach(chunk),)) for chunk in chunks), workers)


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
    # The first pass's records wait in a private folder for the second (licheck/spool.py),
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
    # The first pass indexes every model of the run by its same-run keys, so that a fine-tune
    # inherits from a base in the same tree however far apart they are (issue 14); the second
    # judges, each chunk carrying only the part of the index its chains reach.
    # One walk: the first pass's units, as it decided them, are the second pass's (kept as
    # paths; the models' bases as a small index; the records it read on disk, in the spool).
    units: list[Unit] = []
    index: dict[str, SameRunModel] = {}
    wanted: dict[Path, list[SameRunModel]] = {}
    for part in _collect(worker, _candidates(roots, exclude, on_skip, cache), workers):
        _same_run_add(part, index, wanted)
        units.extend(unit for unit, _ in part if unit is not None)
    if worker.options.online:
        # `--online`: the bases neither the tree nor the table knows, from their Hub cards,
        # before any judging (the engine judges offline; see licheck/online_bases.py).
        from licheck.online_bases import online_bases

        models = [model for found in wanted.values() for model in found]
        index.update(online_bases(models, index))

    def reach(chunk: list[Unit]) -> dict[str, SameRunModel]:
        return _reached(chunk, index, wanted)

    chunks = _chunks(units, CHUNK)
    found = False
    if workers == 1:
        for chunk in chunks:
            for result in worker(chunk, reach(chunk)):
                found = True
                yield result
    else:
        for result in _parallel(worker, chunks, workers, reach):
            found = True
            yield result
    if not found:
        raise InputError(
            "no model found under " + ", ".join(shown_path(r) for r in roots),
            hint="scan looks for model.yaml, model cards (README.md with front matter), MOT "
            "files and SBOMs; nothing checked is not a pass",
        )


_Reach = Callable[[list[Unit]], "dict[str, SameRunModel]"]


def _collect(worker: ScanWorker, units: Iterable[Unit], workers: int) -> Iterator[list[Collected]]:
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
    try:
        yield from collected_in_order(
            pools, worker, chunks, workers, lambda chunk: [(unit, []) for unit in chunk]
        )
    finally:
        kill(pools[0])


def _same_run_add(
    chunk: list[Collected],
    index: dict[str, SameRunModel],
    wanted: dict[Path, list[SameRunModel]],
) -> None:
    """Add a chunk's models to the run's index by same-run key, and note the units whose
    models name bases."""
    for unit, models in chunk:
        for keys, model in models:
            for key in keys:
                index.setdefault(key, model)
            if model.bases and unit is not None:
                wanted.setdefault(unit.path, []).append(model)


def _reached(
    chunk: list[Unit],
    index: dict[str, SameRunModel],
    wanted: dict[Path, list[SameRunModel]],
) -> dict[str, SameRunModel]:
    """The part of the index that the chains of a chunk's models reach (what its workers need)."""
    from licheck.engine.judgment import base_key

    reached: dict[str, SameRunModel] = {}
    stack = [
        (base, model.folder)
        for unit in chunk
        for model in wanted.get(unit.path, ())
        for base in model.bases
    ]
    while stack:
        base, folder = stack.pop()
        key = base_key(base, folder)
        if key in reached or key not in index:
            continue
        model = reached[key] = index[key]
        stack.extend((parent, model.folder) for parent in model.bases)
    return reached


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
