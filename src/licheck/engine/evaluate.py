"""Evaluating a model: judge every set of terms that binds it, then let the policy decide.

What it returns (a SubjectReport) is all a formatter may show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from licheck.engine.judge import TextAnalyser, TextIdentifier
from licheck.engine.judgment import (
    ModelJudgment,
    RunPlace,
    SameRunModel,
    judge_model,
    same_run_index,
)
from licheck.engine.policy import decide
from licheck.errors import LicheckError
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, ObligationResult, Policy, SubjectReport

# Checks a judged model's obligations against its files (engine.obligations, bound to a run).
ObligationChecker = Callable[
    [ModelJudgment, Mapping[str, SameRunModel]], tuple[ObligationResult, ...]
]


def evaluate(
    record: ModelRecord,
    *,
    catalog: Catalog,
    policy: Policy,
    today: date,
    analyse_text: TextAnalyser | None = None,
    identify_text: TextIdentifier | None = None,
    known_bases: Mapping[str, str | SameRunModel] | None = None,
    check_obligations: ObligationChecker | None = None,
    only_obligations: bool = False,
    place: RunPlace | None = None,
) -> SubjectReport:
    """Judge every license of a record (engine.judgment) and apply the policy as of `today`;
    with `check_obligations`, its licenses' duties are checked against its files too.
    `place` is where the model stands in the run, when the caller worked it out already."""
    judgment = judge_model(
        record,
        catalog=catalog,
        analyse_text=analyse_text,
        identify_text=identify_text,
        known_bases=known_bases,
        place=place,
    )
    obligations: tuple[ObligationResult, ...] = ()
    if check_obligations is not None:
        same_run = {k: v for k, v in (known_bases or {}).items() if isinstance(v, SameRunModel)}
        obligations = check_obligations(judgment, same_run)
    decision = decide(judgment, policy, today, obligations, only_obligations=only_obligations)
    return SubjectReport(
        source=record.source,
        format=record.format,
        name=record.name,
        expression=record.license,
        licenses=judgment.results,
        violations=decision.violations,
        license_line=record.license_line,
        suppressed=decision.suppressed,
        warnings=decision.warnings,
        openness=judgment.openness,
        components=len(record.components),
        publisher=record.publisher,
        datasets=record.datasets,
        base_models=record.base_models,
        release=record.release,
        obligations=obligations,
        obligation_mode=policy.obligations if check_obligations is not None else None,
        accepted=decision.accepted,
        unknown_bases=decision.unknown_bases,
    )


def run_bases(
    records: list[ModelRecord], extra_bases: Mapping[str, SameRunModel] | None = None
) -> dict[str, str | SameRunModel]:
    """The bases a run knows before judging: its own models, by full id or folder path only
    (engine.judgment.same_run_keys), over `extra_bases` (`--online`: cards from the Hub)."""
    known_bases: dict[str, str | SameRunModel] = {**(extra_bases or {})}
    known_bases.update(same_run_index(records))
    return known_bases


def evaluate_all(
    records: list[ModelRecord],
    *,
    catalog: Catalog,
    policy: Policy,
    today: date,
    analyse_text: TextAnalyser | None = None,
    identify_text: TextIdentifier | None = None,
    check_obligations: ObligationChecker | None = None,
    only_obligations: bool = False,
    extra_bases: Mapping[str, SameRunModel] | None = None,
    known_bases: Mapping[str, str | SameRunModel] | None = None,
) -> list[SubjectReport]:
    """Evaluate several records; an expression error names the record it came from.

    Models in the same run are each other's known bases (see run_bases), and their derivatives
    inherit their effective terms; a model of the run comes before `extra_bases`. A caller that
    splits a run into parts (check.py's pool) passes the whole run's `known_bases` instead, so
    that every part is judged as the whole run would be.
    """
    if known_bases is None:
        known_bases = run_bases(records, extra_bases)
    reports = []
    for record in records:
        try:
            reports.append(
                evaluate(
                    record,
                    catalog=catalog,
                    policy=policy,
                    today=today,
                    analyse_text=analyse_text,
                    identify_text=identify_text,
                    known_bases=known_bases,
                    check_obligations=check_obligations,
                    only_obligations=only_obligations,
                )
            )
        except LicheckError as exc:
            exc.file = exc.file or record.source
            raise
    return reports
