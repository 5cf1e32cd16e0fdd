"""Evaluating a model: every license it declares, ships, inherits or is gated by, then the policy.

What it returns (a SubjectReport) is all a formatter may show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from licheck.engine.expression import Leaf, blocking, leaves, parse
from licheck.errors import LicheckError
from licheck.knowledge.catalog import Catalog
from licheck.policy import EXPIRY_WARNING_DAYS, UNVERIFIED_RULES, Policy
from licheck.records import (
    LicenseResult,
    ModelRecord,
    SubjectReport,
    Suppression,
    Violation,
)

if TYPE_CHECKING:
    from licheck.records import Openness

from licheck.engine.judge import (
    TextAnalyser,
    TextIdentifier,
    _access,
    _judge_declared,
    judge_license,
    judge_unmatched_texts,
    read_texts,
)


def _violation(result: LicenseResult, policy: Policy, record: ModelRecord) -> Violation | None:
    rejection = policy.rejection(result)
    if rejection is None:
        return None
    rule, message = rejection
    return Violation(
        rule,
        message,
        license=result.id or result.declared,
        file=record.source,
        line=record.license_line,
    )


def apply_exceptions(
    violations: list[Violation], record: ModelRecord, policy: Policy, today: date
) -> tuple[list[Violation], list[Suppression], list[str]]:
    """Let the policy's exceptions suppress violations; expired ones are violations themselves.

    Returns the violations that stand, the suppressed ones, and warnings (an exception expiring
    within 30 days; an unverifiable license under `unknown: warn`).
    """
    standing: list[Violation] = []
    suppressed: list[Suppression] = []
    warnings: list[str] = []
    for violation in violations:
        if policy.unknown == "warn" and violation.rule in UNVERIFIED_RULES:
            warnings.append(f"{record.name}: {violation.message} (policy: unknown: warn)")
            continue
        matching = [
            e for e in policy.exceptions if e.covers(record.name, record.source, violation.license)
        ]
        active = [e for e in matching if e.expires >= today]
        if active:
            exception = max(active, key=lambda e: e.expires)
            suppressed.append(
                Suppression(
                    violation,
                    exception.reason,
                    exception.expires.isoformat(),
                    exception.owner,
                    exception.ticket,
                    policy.source,
                    exception.line,
                )
            )
            days_left = (exception.expires - today).days
            if days_left <= EXPIRY_WARNING_DAYS:
                warnings.append(
                    f"{record.name}: the exception for {exception.license} expires on "
                    f"{exception.expires.isoformat()} ({days_left} days left)"
                )
            continue
        standing.append(violation)
        for exception in matching:
            standing.append(
                Violation(
                    "exception-expired",
                    f"the exception for {exception.license} ({exception.reason}) expired on "
                    f"{exception.expires.isoformat()}",
                    license=violation.license,
                    file=policy.source,
                    line=exception.line,
                )
            )
    return standing, suppressed, warnings


def evaluate(
    record: ModelRecord,
    *,
    catalog: Catalog,
    policy: Policy,
    today: date,
    analyse_text: TextAnalyser | None = None,
    identify_text: TextIdentifier | None = None,
    known_bases: Mapping[str, str] | None = None,
) -> SubjectReport:
    """Judge every license of a record and apply the policy as of `today`.

    `identify_text(text, path)` names a license text, `analyse_text(text, path)` reads its
    clauses (the clause engine); without them, texts are not judged.
    `known_bases` maps model names seen in the same run to their license expressions, so a
    derivative inherits its base's terms from the scan before the built-in table.
    """
    texts = read_texts(record, catalog, analyse_text, identify_text)
    results: list[LicenseResult] = []
    violations: list[Violation] = []
    unmatched = list(texts)
    accepted = False
    if record.license is not None:
        tree = parse(record.license, source=record.source, line=record.license_line)
        by_leaf, unmatched = _judge_declared(record, tree, texts, catalog)
        results.extend(by_leaf.values())
        rejected = {leaf: _violation(result, policy, record) for leaf, result in by_leaf.items()}
        for leaf in blocking(tree, lambda leaf: rejected[leaf] is None):
            violation = rejected[leaf]
            assert violation is not None  # blocking() returns only rejected leaves
            violations.append(violation)
        accepted = not violations
    elif not texts:
        violations.append(
            Violation(
                "no-license",
                "no license is declared: licheck cannot verify this model",
                file=record.source,
                line=record.license_line,
            )
        )
    for result, violation in judge_unmatched_texts(record, unmatched, catalog, policy):
        results.append(result)
        if violation is not None:
            violations.append(violation)
    if record.access:
        access = _access(record)
        results.append(access)
        if access.verdict == "not-open":
            violations.append(
                Violation(
                    "access-condition",
                    f"getting {record.name} requires conditions that break the OSD: "
                    + ", ".join(f"{c.id} {c.title}" for c in access.failing),
                    file=min(f.file or record.source for c in access.failing for f in c.findings),
                    line=min(
                        (f.line for c in access.failing for f in c.findings if f.line), default=None
                    ),
                )
            )
    base_results, base_violations, base_warnings = _inherited(
        record,
        catalog,
        policy,
        known_bases or {},
        declared_accepted=accepted,
        declared_ids=frozenset(r.id for r in results if r.id),
    )
    results.extend(base_results)
    violations.extend(base_violations)
    openness = _openness(record, catalog)
    if policy.require == "osaid" and not openness.osaid.passed:
        missing = "; ".join(str(miss) for miss in openness.osaid.missing)
        violations.append(
            Violation(
                "osaid",
                f"{record.name} does not meet the Open Source AI Definition 1.0: {missing}",
                file=record.source,
                line=record.license_line,
            )
        )
    standing, suppressed, warnings = apply_exceptions(violations, record, policy, today)
    warnings = base_warnings + warnings
    return SubjectReport(
        source=record.source,
        format=record.format,
        name=record.name,
        expression=record.license,
        licenses=tuple(results),
        violations=tuple(standing),
        license_line=record.license_line,
        suppressed=tuple(suppressed),
        warnings=tuple(warnings),
        openness=openness,
        components=len(record.components),
        publisher=record.publisher,
        datasets=record.datasets,
        base_models=record.base_models,
    )


def _inherited(
    record: ModelRecord,
    catalog: Catalog,
    policy: Policy,
    known_bases: Mapping[str, str],
    *,
    declared_accepted: bool,
    declared_ids: frozenset[str] = frozenset(),
) -> tuple[list[LicenseResult], list[Violation], list[str]]:
    """The base models' licenses, which a derivative (fine-tune, quantisation, merge) inherits.

    A base found in the same run wins over the built-in table of well-known families. When the
    declared license passes but an inherited one does not, the violation names the laundering:
    "a fine-tune of Llama 2 declared apache-2.0 still carries the Llama 2 terms".
    """
    from licheck.knowledge.base_models import lookup_base_model

    results: list[LicenseResult] = []
    violations: list[Violation] = []
    warnings: list[str] = []
    for base in record.base_models:
        expression = known_bases.get(base.lower()) or known_bases.get(
            base.rsplit("/", 1)[-1].lower()
        )
        source = "the same scan"
        if expression is None:
            fact = lookup_base_model(base)
            if fact is None or fact.license is None:
                why = (
                    fact.note
                    if fact and fact.note
                    else "it is not in licheck's table of base models"
                )
                warnings.append(
                    f"{record.name}: the license of base model '{base}' is unknown ({why}); "
                    "check it: a derivative inherits its base's terms"
                )
                continue
            expression, source = fact.license, fact.source
        try:
            tree = parse(expression)
        except LicheckError:
            warnings.append(
                f"{record.name}: base model '{base}' has an unreadable license '{expression}'"
            )
            continue
        judged: dict[Leaf, LicenseResult] = {}
        for leaf in leaves(tree):
            resolution = catalog.resolve(leaf.key)
            if resolution is not None and resolution.id in declared_ids:
                continue  # the derivative already declares its base's license: judged above
            result = judge_license(leaf.key, resolution, catalog)
            result = replace(
                result, note=f"inherited from base model {base} ({source})", inherited_from=base
            )
            judged[leaf] = result
            results.append(result)

        def accepted(leaf: Leaf, judged: dict[Leaf, LicenseResult] = judged) -> bool:
            return leaf not in judged or policy.rejection(judged[leaf]) is None

        for leaf in blocking(tree, accepted):
            result = judged[leaf]
            rejection = policy.rejection(result)
            assert rejection is not None
            label = result.name or result.declared
            message = f"{record.name} derives from {base}, so {rejection[1]}"
            if declared_accepted and record.license:
                message += f"; declaring {record.license} does not remove the {label} terms"
            violations.append(
                Violation(
                    "inherited-license",
                    message,
                    license=result.id or result.declared,
                    file=record.source,
                    line=record.license_line,
                )
            )
    return results, violations, warnings


def _openness(record: ModelRecord, catalog: Catalog) -> Openness:
    """OSAID and MOF for a record, with every license name it uses judged by this engine."""
    from licheck.engine.openness import license_names, openness

    verdicts: dict[str, str] = {}
    for name, license_id in license_names(record, catalog).items():
        resolution = catalog.resolve(license_id) if license_id else None
        verdicts[name] = (
            judge_license(name, resolution, catalog).verdict if resolution else "unknown"
        )
    return openness(record, verdicts)


def evaluate_all(
    records: list[ModelRecord],
    *,
    catalog: Catalog,
    policy: Policy,
    today: date,
    analyse_text: TextAnalyser | None = None,
    identify_text: TextIdentifier | None = None,
) -> list[SubjectReport]:
    """Evaluate several records; an expression error names the record it came from.

    Models in the same run are each other's known bases (by name), before the built-in table.
    """
    known_bases = {r.name.lower(): r.license for r in records if r.license}
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
                )
            )
        except LicheckError as exc:
            exc.file = exc.file or record.source
            raise
    return reports
