"""`licheck scan DIR`: find every model under a tree and check them all, on every core.

A monorepo, a Hugging Face cache or a folder of 100k model cards: discovery walks the tree
without following symlinked folders, a folder that describes a model (model.yaml, a README
with front matter, a MOT file) is one model, and loose cards or SBOMs elsewhere are one model
each. Workers check units in order-preserving chunks, so results stream in a stable order;
each unit has a time bound, and a unit that fails to read or times out is reported as
unreadable (a violation: nothing unverified passes) while the run goes on.

Models of one scan are each other's bases (a fine-tune beside its base, in a monorepo or a Hub
cache): a first, light pass reads every unit's name, declared license and bases (no judging), and
each chunk of the second pass carries the part of that index its units' chains reach, so scan
and check agree on every chain (issue 14).

The core yields results and prints nothing; the CLI decides how to show progress and output.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from licheck.engine.readers import TextReaders
from licheck.engine.report import Tally, tally, unreadable
from licheck.errors import InputError, LicheckError
from licheck.inputs import shown_path
from licheck.inputs.registry import LOOSE_UNIT_FORMATS, InputOptions
from licheck.knowledge.bundle import Knowledge
from licheck.records import SubjectReport

if TYPE_CHECKING:
    from licheck.engine.judgment import SameRunModel
    from licheck.records import Policy

# One unit's models as bases: (their same-run keys, what they declare), and each one's bases.
UnitBases = list[tuple[tuple[str, ...], "SameRunModel"]]

SKIP_DIRS = frozenset(
    {"node_modules", "__pycache__", "venv", "site-packages", "blobs", "refs", "dist", "build"}
)
MODEL_FILES = ("model.yaml", "model.yml")
CANDIDATE_SUFFIXES = (
    ".md",
    ".markdown",
    ".json",
    ".jsonld",
    ".spdx",
    ".yml",
    ".yaml",
    ".xml",
    ".rdf",
    ".gguf",  # each GGUF file is a model of its own (the first part stands for a split one)
)
CHUNK = 32
IN_FLIGHT_PER_WORKER = 4
DEFAULT_TIMEOUT = 20.0


def _head_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _is_model_folder(folder: Path, files: dict[str, str]) -> bool:
    """Whether a folder describes one model; `files` maps lower-case names to real names."""
    from licheck.inputs.detect import has_front_matter, is_mot

    if any(name in files for name in MODEL_FILES):
        return True
    readme = files.get("readme.md")
    if readme is not None and has_front_matter(_head_text(folder / readme)):
        return True
    if any(lower.endswith(".safetensors") for lower in files):
        return True  # a folder of safetensors weights is one model (issue 20)
    return any(
        lower.endswith((".yml", ".yaml")) and is_mot(_head_text(folder / name))
        for lower, name in files.items()
    )


def _ollama_store(folder: Path) -> bool:
    from licheck.inputs.ollama import is_store

    return is_store(folder)


def _loose_unit(path: Path) -> bool:
    """A file outside a model folder that describes a model on its own (a card, an SBOM)."""
    from licheck.inputs.detect import detect_format

    if not path.name.lower().endswith(CANDIDATE_SUFFIXES):
        return False
    from licheck.inputs.weights import is_later_part

    if is_later_part(path.name):
        return False  # a part of a split model: its first part is the unit
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
        kind = detect_format(path, head)
    except (OSError, LicheckError):
        return False
    if kind == "hf-card":
        from licheck.inputs.detect import has_front_matter

        return has_front_matter(head.decode("utf-8", errors="replace"))
    return kind in LOOSE_UNIT_FORMATS


def discover(roots: Iterable[Path]) -> Iterator[Path]:
    """Every model unit under the roots, in a stable order: model folders and loose files.

    Hidden folders and dependency or cache internals (node_modules, blobs, ...) are skipped;
    symlinked folders are never followed (a loop or an escape from the tree), symlinked files
    are read (a Hugging Face cache snapshot links its files into blobs/).
    """
    for path, certain in _candidates(roots):
        if certain or _loose_unit(path):
            yield path


def _candidates(roots: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Model folders (certain) and loose files that may be models (their content decides).

    Deciding a loose file means reading its head; scan leaves that to the workers, so that the
    walk itself stays cheap and serial work in the main process is small.
    """
    for root in roots:
        if not root.is_dir():
            yield root, True
            continue
        stack = [root]
        while stack:
            folder = stack.pop()
            # Only names are kept (a folder of 100k cards is 100k short strings, not 100k
            # DirEntry and Path objects), sorted so that every run walks in the same order.
            files: dict[str, str] = {}
            subfolders: list[str] = []
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                if not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                                    subfolders.append(entry.name)
                            elif entry.is_file():
                                files[entry.name.lower()] = entry.name
                        except OSError:
                            continue
            except OSError:
                continue
            if "manifests" in subfolders and _ollama_store(folder):
                # An Ollama store: each manifest is a model; blobs/ is read through them.
                from licheck.inputs.ollama import manifest_paths

                yield from ((manifest, True) for manifest in manifest_paths(folder))
                subfolders.remove("manifests")
            if _is_model_folder(folder, files):
                yield folder, True
            else:
                for lower in sorted(files):
                    if lower.endswith(CANDIDATE_SUFFIXES):
                        yield folder / files[lower], False
            stack.extend(folder / name for name in sorted(subfolders, reverse=True))


@dataclass(frozen=True)
class ScanLine:
    """A subject already rendered as a JSON line by the worker, with its tally."""

    line: str
    tally: Tally


UnitResult = SubjectReport | ScanLine


class _TimeoutError(Exception):
    """A unit ran past its time bound."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeoutError


class ScanWorker:
    """Checks chunks of units: picklable, errors returned as values, no module globals.

    Sent to each worker process (or used in this one). Its knowledge (catalog, fingerprints,
    the text readers' memory) is built on first use where it runs and kept with the object,
    never pickled. The per-unit time bound uses a real-time alarm on a process's main thread
    (where pool workers run); off the main thread (a library caller's thread, a Dask worker
    thread) the unit runs in a helper thread that is abandoned when its time is up.
    """

    def __init__(
        self,
        policy: Policy,
        today: date,
        options: InputOptions,
        timeout: float,
        *,
        lines_kb_version: str | None = None,
    ) -> None:
        self.policy = policy
        self.today = today
        self.options = options
        self.timeout = timeout
        # When set, the worker renders each subject as a JSON line itself (in parallel) and
        # sends only the line and its tally: the main process just writes, memory stays flat.
        self.lines_kb_version = lines_kb_version
        self._knowledge: Knowledge | None = None
        self._readers: TextReaders | None = None
        self._known: dict[str, SameRunModel] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_knowledge"] = state["_readers"] = None  # rebuilt where the worker lands
        return state

    def _ready(self) -> tuple[Knowledge, TextReaders]:
        if self._knowledge is None or self._readers is None:
            from licheck.engine.readers import text_readers

            self._knowledge = Knowledge()
            self._readers = text_readers(self._knowledge)
        return self._knowledge, self._readers

    def collect(self, units: list[tuple[Path, bool]]) -> list[tuple[Path, UnitBases]]:
        """The first pass: each unit's models as bases (keys, license, bases), nothing judged.

        A unit that cannot be read here is left to the second pass, which reports it.
        """
        from licheck.engine.judgment import same_run_keys, same_run_model
        from licheck.inputs import load_path

        knowledge, _ = self._ready()
        found: list[tuple[Path, UnitBases]] = []
        for path, certain in units:
            try:
                if not (certain or _loose_unit(path)):
                    continue
                records = load_path(path, self.options, knowledge.catalog)
            except (LicheckError, OSError, ValueError):
                continue
            found.append(
                (
                    path,
                    [(same_run_keys(r), same_run_model(r)) for r in records],
                )
            )
        return found

    def __call__(
        self,
        units: list[tuple[Path, bool]],
        known_bases: dict[str, SameRunModel] | None = None,
    ) -> list[UnitResult]:
        """Check a chunk of units in order; what cannot be read is an unreadable subject.

        `known_bases` is the part of the run's index of models this chunk's chains reach.
        """
        self._known = known_bases or {}
        results: list[SubjectReport] = []
        for path, certain in units:
            if certain or _loose_unit(path):
                results.extend(self.check_unit(path))
        if self.lines_kb_version is None:
            return list(results)
        from licheck.formats.jsonl_format import subject_line

        return [
            ScanLine(subject_line(s, self.lines_kb_version), tally(s, self.policy)) for s in results
        ]

    def check_unit(self, path: Path) -> list[SubjectReport]:
        """Read and judge one unit within the time bound; errors become unreadable subjects."""
        shown = shown_path(path)
        try:
            if self.timeout <= 0:
                return self._judge(path)
            if threading.current_thread() is threading.main_thread() and hasattr(
                signal, "setitimer"
            ):
                return self._with_alarm(path)
            return self._in_thread(path)
        except _TimeoutError:
            return [unreadable(shown, f"not judged within {self.timeout:g} s; skipped")]
        except LicheckError as exc:
            where = exc.file or shown
            message = exc.message + (f" ({exc.hint})" if exc.hint else "")
            return [unreadable(where, message, exc.line)]

    def _judge(self, path: Path) -> list[SubjectReport]:
        from licheck.engine.evaluate import evaluate
        from licheck.inputs import load_path

        knowledge, readers = self._ready()
        records = load_path(path, self.options, knowledge.catalog)
        return [
            evaluate(
                record,
                catalog=knowledge.catalog,
                policy=self.policy,
                today=self.today,
                analyse_text=readers.analyse,
                identify_text=readers.identify,
                known_bases=dict(self._known),
            )
            for record in records
        ]

    def _with_alarm(self, path: Path) -> list[SubjectReport]:
        previous = signal.signal(signal.SIGALRM, _alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            return self._judge(path)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _in_thread(self, path: Path) -> list[SubjectReport]:
        outcome: list[list[SubjectReport] | BaseException] = []

        def run() -> None:
            try:
                outcome.append(self._judge(path))
            except BaseException as exc:  # handed back to the caller's thread, re-raised there
                outcome.append(exc)

        helper = threading.Thread(target=run, name="licheck-unit", daemon=True)
        helper.start()
        helper.join(self.timeout)
        if not outcome:
            raise _TimeoutError
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result


def _usable_cores() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _chunks(units: Iterable[tuple[Path, bool]], size: int) -> Iterator[list[tuple[Path, bool]]]:
    batch: list[tuple[Path, bool]] = []
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
) -> Iterator[UnitResult]:
    """Check every model under `roots`, yielding each judged subject in discovery order.

    `jobs` processes (default: every core); 1 checks in this process. With `lines_kb_version`,
    each result comes as a ScanLine (the subject's JSON line and its tally) instead.
    """
    for root in roots:
        if not root.exists():
            raise InputError("file not found", file=shown_path(root), hint="check the path")
    worker = ScanWorker(
        policy, today, options or InputOptions(), timeout, lines_kb_version=lines_kb_version
    )
    workers = jobs or _usable_cores()
    found = False
    if workers == 1:
        index, wanted = _same_run(
            worker.collect(chunk) for chunk in _chunks(_candidates(roots), CHUNK)
        )
        for chunk in _chunks(_candidates(roots), CHUNK):
            for result in worker(chunk, _reached(chunk, index, wanted)):
                found = True
                yield result
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            index, wanted = _same_run(pool.map(worker.collect, _chunks(_candidates(roots), CHUNK)))
            # A bounded window of chunks in flight, collected in order: results stream as the
            # walk goes on, and memory does not grow with the number of models.
            pending: deque[Future[list[UnitResult]]] = deque()
            for chunk in _chunks(_candidates(roots), CHUNK):
                pending.append(pool.submit(worker, chunk, _reached(chunk, index, wanted)))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    for result in pending.popleft().result():
                        found = True
                        yield result
            while pending:
                for result in pending.popleft().result():
                    found = True
                    yield result
    if not found:
        raise InputError(
            "no model found under " + ", ".join(shown_path(r) for r in roots),
            hint="scan looks for model.yaml, model cards (README.md with front matter), MOT "
            "files and SBOMs; nothing checked is not a pass",
        )


def _same_run(
    collected: Iterable[list[tuple[Path, UnitBases]]],
) -> tuple[dict[str, SameRunModel], dict[Path, list[SameRunModel]]]:
    """The run's index of models by same-run key, and the units whose models name bases."""
    index: dict[str, SameRunModel] = {}
    wanted: dict[Path, list[SameRunModel]] = {}
    for chunk in collected:
        for path, models in chunk:
            for keys, model in models:
                for key in keys:
                    index.setdefault(key, model)
                if model.bases:
                    wanted.setdefault(path, []).append(model)
    return index, wanted


def _reached(
    chunk: list[tuple[Path, bool]],
    index: dict[str, SameRunModel],
    wanted: dict[Path, list[SameRunModel]],
) -> dict[str, SameRunModel]:
    """The part of the index that the chains of a chunk's models reach (what its workers need)."""
    from licheck.engine.judgment import base_key

    reached: dict[str, SameRunModel] = {}
    stack = [
        (base, model.folder)
        for path, _ in chunk
        for model in wanted.get(path, ())
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
