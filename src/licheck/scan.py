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
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from licheck.errors import InputError, LicheckError
from licheck.inputs import InputOptions, shown_path
from licheck.model import SubjectReport, Violation

if TYPE_CHECKING:
    from licheck.catalog import Catalog
    from licheck.engine import TextAnalyser
    from licheck.policy import Policy

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
DEFAULT_TIMEOUT = 20.0


def _head_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _is_model_folder(files: dict[str, Path]) -> bool:
    from licheck.inputs.detect import has_front_matter, is_mot

    if any(name in files for name in MODEL_FILES):
        return True
    readme = files.get("readme.md")
    if readme is not None and has_front_matter(_head_text(readme)):
        return True
    return any(
        name.endswith((".yml", ".yaml")) and is_mot(_head_text(path))
        for name, path in files.items()
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
    for root in roots:
        if not root.is_dir():
            yield root
            continue
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            files = {}
            subfolders = []
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                            subfolders.append(Path(entry.path))
                    elif entry.is_file():
                        files[entry.name.lower()] = Path(entry.path)
                except OSError:
                    continue
            if _is_model_folder(files):
                yield folder
            else:
                for name in sorted(files):
                    if _loose_unit(files[name]):
                        yield files[name]
            stack.extend(reversed(subfolders))


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
        self.models += 1
        if subject.format == "unreadable":
            self.unreadable += 1
        elif subject.passed:
            self.passed += 1
        else:
            self.failed += 1
        for result in subject.licenses:
            if result.inherited_from is None and result.declared != "access conditions":
                self.by_verdict[result.verdict] += 1
                self.by_license[result.id or result.declared] += 1

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


_STATE: dict[str, object] = {}


def _init_worker(job: _Job) -> None:
    from licheck.catalog import Catalog
    from licheck.check import _clause_engine

    _STATE["job"] = job
    _STATE["catalog"] = Catalog()
    _STATE["analyse"] = _clause_engine()


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
    path: Path, job: _Job, catalog: Catalog, analyse: TextAnalyser | None
) -> list[SubjectReport]:
    """Read and judge one unit within the job's time bound; errors become unreadable subjects."""
    from licheck.engine import evaluate
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
                record, catalog=catalog, policy=job.policy, today=job.today, analyse_text=analyse
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


def _check_chunk(paths: list[Path]) -> list[SubjectReport]:
    job = _STATE["job"]
    assert isinstance(job, _Job)
    catalog = _STATE["catalog"]
    analyse = _STATE["analyse"]
    results: list[SubjectReport] = []
    for path in paths:
        results.extend(check_unit(path, job, catalog, analyse))  # type: ignore[arg-type]
    return results


def _chunks(units: Iterable[Path], size: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
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
) -> Iterator[SubjectReport]:
    """Check every model under `roots`, yielding each judged subject in discovery order.

    `jobs` processes (default: every core); 1 checks in this process.
    """
    for root in roots:
        if not root.exists():
            raise InputError("file not found", file=shown_path(root), hint="check the path")
    job = _Job(policy, today, options or InputOptions(), timeout)
    workers = jobs or os.cpu_count() or 1
    units = discover(roots)
    found = False
    if workers == 1:
        _init_worker(job)
        for chunk in _chunks(units, CHUNK):
            found = True
            yield from _check_chunk(chunk)
    else:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(job,)
        ) as pool:
            for results in pool.map(_check_chunk, _chunks(units, CHUNK), chunksize=1):
                found = True
                yield from results
    if not found:
        raise InputError(
            "no model found under " + ", ".join(shown_path(r) for r in roots),
            hint="scan looks for model.yaml, model cards (README.md with front matter), MOT "
            "files and SBOMs; nothing checked is not a pass",
        )
