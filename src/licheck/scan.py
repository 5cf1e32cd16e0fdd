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

import os
import signal
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from licheck.errors import InputError, LicheckError
from licheck.inputs import InputOptions, shown_path
from licheck.records import SubjectReport, Violation

if TYPE_CHECKING:
    from licheck.engine.judge import TextAnalyser, TextIdentifier
    from licheck.knowledge.catalog import Catalog
    from licheck.records import Policy

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
)
UNIT_FORMATS = (
    "model-yaml", "hf-card", "mot", "spdx-json", "spdx-tag-value", "spdx-yaml", "spdx-xml",
    "spdx-rdf", "spdx3-jsonld", "cyclonedx-json",
)  # fmt: skip
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
    return any(
        lower.endswith((".yml", ".yaml")) and is_mot(_head_text(folder / name))
        for lower, name in files.items()
    )


def _loose_unit(path: Path) -> bool:
    """A file outside a model folder that describes a model on its own (a card, an SBOM)."""
    from licheck.inputs.detect import detect_format

    if not path.name.lower().endswith(CANDIDATE_SUFFIXES):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
        kind = detect_format(path, head)
    except (OSError, LicheckError):
        return False
    if kind == "hf-card":
        from licheck.inputs.detect import has_front_matter

        return has_front_matter(head.decode("utf-8", errors="replace"))
    return kind in UNIT_FORMATS and kind != "model-yaml"


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
            if _is_model_folder(folder, files):
                yield folder, True
            else:
                for lower in sorted(files):
                    if lower.endswith(CANDIDATE_SUFFIXES):
                        yield folder / files[lower], False
            stack.extend(folder / name for name in sorted(subfolders, reverse=True))


@dataclass(frozen=True)
class Tally:
    """The little a summary needs of one subject: small to send between processes."""

    unreadable: bool
    passed: bool
    licenses: tuple[tuple[str, str], ...]


def tally(subject: SubjectReport) -> Tally:
    """A subject's verdicts per declared license (inherited and access terms are not counted)."""
    return Tally(
        unreadable=subject.format == "unreadable",
        passed=subject.passed,
        licenses=tuple(
            (r.verdict, r.id or r.declared)
            for r in subject.licenses
            if r.inherited_from is None and r.declared != "access conditions"
        ),
    )


@dataclass(frozen=True)
class ScanLine:
    """A subject already rendered as a JSON line by the worker, with its tally."""

    line: str
    tally: Tally


@dataclass
class ScanCounts:
    """What a scan found, for its closing summary: models, verdicts and licenses."""

    models: int = 0
    passed: int = 0
    failed: int = 0
    unreadable: int = 0
    by_verdict: Counter[str] = field(default_factory=Counter)
    by_license: Counter[str] = field(default_factory=Counter)

    def add(self, subject: SubjectReport) -> None:
        """Count one checked model."""
        self.add_tally(tally(subject))

    def add_tally(self, counted: Tally) -> None:
        """Count one checked model from its tally (what a worker sends instead of the subject)."""
        self.models += 1
        if counted.unreadable:
            self.unreadable += 1
        elif counted.passed:
            self.passed += 1
        else:
            self.failed += 1
        for verdict, license_id in counted.licenses:
            self.by_verdict[verdict] += 1
            self.by_license[license_id] += 1

    def to_json(self) -> dict[str, object]:
        """The counts as plain data (sorted, so the summary is deterministic)."""
        return {
            "models": self.models,
            "passed": self.passed,
            "failed": self.failed,
            "unreadable": self.unreadable,
            "by_verdict": dict(sorted(self.by_verdict.items())),
            "by_license": dict(sorted(self.by_license.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


class _TimeoutError(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeoutError


@dataclass(frozen=True)
class _Job:
    policy: Policy
    today: date
    options: InputOptions
    timeout: float
    # When set, workers render each subject as a JSON line themselves (in parallel) and send
    # only the line and its tally: the main process just writes, and memory stays flat.
    lines_kb_version: str | None = None


_STATE: dict[str, object] = {}


def _init_worker(job: _Job) -> None:
    from licheck.check import clause_engine, text_identifier
    from licheck.knowledge.catalog import Catalog

    _STATE["job"] = job
    _STATE["catalog"] = Catalog()
    _STATE["analyse"] = clause_engine()
    _STATE["identify"] = text_identifier()


def unreadable(source: str, message: str, line: int | None = None) -> SubjectReport:
    """A unit that could not be read or judged: a violation, since nothing unverified passes."""
    return SubjectReport(
        source=source,
        format="unreadable",
        name=source,
        expression=None,
        licenses=(),
        violations=(Violation("unreadable", message, file=source, line=line),),
    )


def check_unit(
    path: Path,
    job: _Job,
    catalog: Catalog,
    analyse: TextAnalyser | None,
    identify: TextIdentifier | None = None,
) -> list[SubjectReport]:
    """Read and judge one unit within the job's time bound; errors become unreadable subjects."""
    from licheck.engine.evaluate import evaluate
    from licheck.inputs import load_path

    shown = shown_path(path)
    use_alarm = job.timeout > 0 and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, job.timeout)
        records = load_path(path, job.options)
        return [
            evaluate(
                record,
                catalog=catalog,
                policy=job.policy,
                today=job.today,
                analyse_text=analyse,
                identify_text=identify,
            )
            for record in records
        ]
    except _TimeoutError:
        return [unreadable(shown, f"not judged within {job.timeout:g} s; skipped")]
    except LicheckError as exc:
        where = exc.file or shown
        return [unreadable(where, exc.message + (f" ({exc.hint})" if exc.hint else ""), exc.line)]
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _check_chunk(units: list[tuple[Path, bool]]) -> list[SubjectReport] | list[ScanLine]:
    job = _STATE["job"]
    assert isinstance(job, _Job)
    catalog = _STATE["catalog"]
    analyse = _STATE["analyse"]
    identify = _STATE["identify"]
    results: list[SubjectReport] = []
    for path, certain in units:
        if certain or _loose_unit(path):
            results.extend(check_unit(path, job, catalog, analyse, identify))  # type: ignore[arg-type]
    if job.lines_kb_version is None:
        return results
    from licheck.formats.jsonl_format import subject_line

    return [ScanLine(subject_line(s, job.lines_kb_version), tally(s)) for s in results]


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
) -> Iterator[SubjectReport | ScanLine]:
    """Check every model under `roots`, yielding each judged subject in discovery order.

    `jobs` processes (default: every core); 1 checks in this process. With `lines_kb_version`,
    each result comes as a ScanLine (the subject's JSON line and its tally) instead.
    """
    for root in roots:
        if not root.exists():
            raise InputError("file not found", file=shown_path(root), hint="check the path")
    job = _Job(policy, today, options or InputOptions(), timeout, lines_kb_version)
    workers = jobs or _usable_cores()
    candidates = _candidates(roots)
    found = False
    if workers == 1:
        _init_worker(job)
        for chunk in _chunks(candidates, CHUNK):
            for result in _check_chunk(chunk):
                found = True
                yield result
    else:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(job,)
        ) as pool:
            # A bounded window of chunks in flight, collected in order: results stream as the
            # walk goes on, and memory does not grow with the number of models.
            pending: deque[Future[list[SubjectReport] | list[ScanLine]]] = deque()
            for chunk in _chunks(candidates, CHUNK):
                pending.append(pool.submit(_check_chunk, chunk))
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
