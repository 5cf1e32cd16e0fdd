"""One check run: read the inputs, evaluate each model, gather a Report.

This is the core entry point the CLI calls and library users can call too; it returns data and
prints nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from licheck import __version__
from licheck.catalog import Catalog
from licheck.model import ModelRecord, Report

if TYPE_CHECKING:
    from licheck.clauses import TextAnalysis
    from licheck.engine import TextAnalyser


def _clause_engine() -> TextAnalyser | None:
    """The clause engine, adapted to the engine's (text, path) call."""
    import importlib

    try:
        clauses = importlib.import_module("licheck.clauses")
    except ImportError:  # a build without the clause engine judges by profiles only
        return None

    def analyse_text(text: str, path: str) -> TextAnalysis:
        analysis: TextAnalysis = clauses.analyse(text, path=path)
        return analysis

    return analyse_text


def read_records(paths: list[Path], *, allow_outside: bool = False) -> list[ModelRecord]:
    """Every model described by the given paths, in order."""
    from licheck.inputs import load_path

    records: list[ModelRecord] = []
    for path in paths:
        records.extend(load_path(path, allow_outside=allow_outside))
    return records


def check_records(
    records: list[ModelRecord], *, require: str = "osi-approved", catalog: Catalog | None = None
) -> Report:
    """Judge already-read records under a policy."""
    from licheck.engine import evaluate_all
    from licheck.policy import Policy

    catalog = catalog or Catalog()
    policy = Policy.named(require)
    subjects = evaluate_all(records, catalog=catalog, policy=policy, analyse_text=_clause_engine())
    return Report(
        subjects=tuple(subjects),
        policy=policy.require,
        kb_version=catalog.version,
        licheck_version=__version__,
    )


def run_check(
    paths: list[Path], *, require: str = "osi-approved", allow_outside: bool = False
) -> Report:
    """Read and judge the models at `paths`."""
    return check_records(read_records(paths, allow_outside=allow_outside), require=require)
