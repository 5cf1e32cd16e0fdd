"""One check run: read the inputs, choose the policy, evaluate each model, gather a Report.

This is the core entry point the CLI calls and library users can call too; it returns data and
prints nothing.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licheck.errors import LicheckError
from licheck.inputs import InputOptions
from licheck.inputs.policy_file import named_policy
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, Policy, Report

if TYPE_CHECKING:
    from licheck.clauses.analysis import TextAnalysis
    from licheck.engine.judge import TextAnalyser, TextIdentifier
    from licheck.records import Identification


def clause_engine() -> TextAnalyser:
    """The clause engine, adapted to the engine's (text, path) call and remembering texts.

    The same license text is shipped beside thousands of models (every Llama fine-tune copies
    the Llama license), so each distinct text is analysed once per process and its findings are
    re-pointed at the file they came from.
    """
    from dataclasses import replace

    @lru_cache(maxsize=512)
    def analysed(text: str) -> TextAnalysis:
        # Imported on first use: compiling the rules costs ~50 ms, and most runs (an exact
        # license, a model.yaml with no text) never read a clause.
        from licheck.clauses.analysis import analyse

        return analyse(text, path=None)

    def analyse_text(text: str, path: str) -> TextAnalysis:
        analysis = analysed(text)
        findings = tuple(replace(f, file=path) for f in analysis.findings)
        return replace(analysis, findings=findings)

    return analyse_text


def text_identifier() -> TextIdentifier:
    """Identification of license texts, remembering each distinct text (see clause_engine)."""

    @lru_cache(maxsize=512)
    def identified(text: str) -> Identification:
        from licheck.knowledge.match import identify

        return identify(text)

    def identify_text(text: str, path: str) -> Identification:
        return identified(text)

    return identify_text


def choose_policy(
    *,
    catalog: Catalog,
    policy_file: Path | None = None,
    require: str | None = None,
    search_from: Path | None = None,
) -> Policy:
    """The policy for a run: `--policy FILE`, else the nearest .licheck.yaml or pyproject.toml
    [tool.licheck], else the default (OSI-approved only); `--require` overrides its requirement.
    """
    from licheck.inputs.policy_file import find_policy_file, load_policy

    path = policy_file or find_policy_file(search_from or Path.cwd())
    policy = Policy()
    if path is not None:
        shown = (
            os.path.relpath(path) if not path.is_absolute() or policy_file is None else str(path)
        )
        policy = load_policy(path, catalog=catalog, shown=shown)
    if require is not None:
        policy = replace(policy, require=named_policy(require).require)
    return policy


def read_records(paths: list[Path], options: InputOptions | None = None) -> list[ModelRecord]:
    """Every model described by the given paths, in order.

    Nothing checked is not a pass: paths that hold no model are an error, unless the caller
    asked to skip what is not a model (the pre-commit hook).
    """
    from licheck.errors import InputError
    from licheck.inputs import load_path

    options = options or InputOptions()
    records: list[ModelRecord] = []
    for path in paths:
        records.extend(load_path(path, options))
    if not records and not options.skip_non_models:
        raise InputError(
            "no model found in " + ", ".join(str(p) for p in paths),
            hint="point licheck at a model.yaml, a model card, a model folder or a license text",
        )
    return records


def check_records(
    records: list[ModelRecord],
    *,
    policy: Policy | None = None,
    today: date | None = None,
    catalog: Catalog | None = None,
) -> Report:
    """Judge already-read records under a policy, as of `today` (exceptions expire)."""
    from licheck.engine.evaluate import evaluate_all
    from licheck.engine.report import build_report

    catalog = catalog or Catalog()
    policy = policy or Policy()
    today = today or date.today()
    subjects = evaluate_all(
        records,
        catalog=catalog,
        policy=policy,
        today=today,
        analyse_text=clause_engine(),
        identify_text=text_identifier(),
    )
    return build_report(subjects, policy=policy, kb_version=catalog.version, today=today)


def run_check(
    paths: list[Path],
    *,
    require: str | None = None,
    policy_file: Path | None = None,
    today: date | None = None,
    options: InputOptions | None = None,
) -> Report:
    """Read and judge the models at `paths` under the project's policy."""
    catalog = Catalog()
    policy = choose_policy(catalog=catalog, policy_file=policy_file, require=require)
    records = read_records(paths, options)
    return check_records(records, policy=policy, today=today, catalog=catalog)


@cache
def _shared_catalog() -> Catalog:
    return Catalog()


def check_card(
    text: str,
    *,
    source: str = "README.md",
    require: str = "osi-approved",
    today: date | None = None,
) -> dict[str, Any]:
    """Judge one Hugging Face model card from its text alone: pure, no file or network access.

    For running licheck inside a distributed engine (Dask, Spark, Ray) over many cards: give it
    the README.md text, get back the JSON subject (`licheck --format json`'s `subjects[0]`). A
    broken card gives a subject of format "unreadable" with the error as its violation, so a
    batch job never stops on one bad row.
    """
    from licheck.engine.report import unreadable
    from licheck.formats.json_format import subject_to_dict
    from licheck.inputs.hf_card import parse_card

    catalog = _shared_catalog()
    try:
        record = parse_card(text, source=source, folder=None)
        report = check_records([record], policy=named_policy(require), today=today, catalog=catalog)
        subject = report.subjects[0]
    except LicheckError as exc:
        subject = unreadable(exc.file or source, exc.message, exc.line)
    return subject_to_dict(subject)
