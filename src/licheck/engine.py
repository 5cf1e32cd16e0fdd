"""The engine: judges a ModelRecord's licenses against the ten OSD criteria and applies a policy.

Pure: it reads nothing but what the catalog hands it, prints nothing, knows no clock. What it
returns (a SubjectReport) is all a formatter may show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from licheck.catalog import Catalog, Profile, Resolution
from licheck.criteria import CRITERIA, CRITERION_IDS
from licheck.errors import LicheckError
from licheck.expression import Leaf, Node, blocking, leaves, parse
from licheck.model import (
    CriterionResult,
    Finding,
    LicenseResult,
    LicenseText,
    ModelRecord,
    Obligation,
    Status,
    SubjectReport,
    Suppression,
    Verdict,
    Violation,
    worst,
)
from licheck.policy import EXPIRY_WARNING_DAYS, UNVERIFIED_RULES, Policy

if TYPE_CHECKING:
    from licheck.clauses import TextAnalysis
    from licheck.openness import Openness

TextAnalyser = Callable[[str, str], "TextAnalysis"]
# Texts that belong to the weights' license: the license itself, LICENSE-MODEL, a use policy.
WEIGHTS_ROLES = ("license", "model", "use-policy")


@dataclass(frozen=True)
class _Judgment:
    """A criterion's status before it is frozen into a CriterionResult.

    `judged` is False when licheck simply has no analysis (an unknown name, an SPDX license we
    have no profile of); a license text, when given, then decides instead.
    """

    status: Status
    findings: tuple[Finding, ...]
    judged: bool


def verdict_for(osi_approved: bool, statuses: list[Status]) -> Verdict:
    """osi-approved is a fact from OSI's list; otherwise any fail is not-open, any doubt unknown."""
    if osi_approved:
        return "osi-approved"
    if "fail" in statuses:
        return "not-open"
    if "unknown" in statuses:
        return "unknown"
    return "open"


def _from_profile(profile: Profile) -> dict[str, _Judgment]:
    judgments = {}
    for cid in CRITERION_IDS:
        entry = profile.criteria[cid]
        findings = tuple(
            Finding(
                criterion=cid,
                status=entry.status,
                message=item.reasoning,
                evidence=item.evidence,
                section=item.section,
                file=f"licenses/{profile.file}",
                source="profile",
            )
            for item in entry.findings
        )
        judgments[cid] = _Judgment(entry.status, findings, judged=True)
    return judgments


def _unjudged(message: str) -> dict[str, _Judgment]:
    return {
        cid: _Judgment(
            "unknown", (Finding(cid, "unknown", message, source="profile"),), judged=False
        )
        for cid in CRITERION_IDS
    }


def _all_pass() -> dict[str, _Judgment]:
    return {cid: _Judgment("pass", (), judged=True) for cid in CRITERION_IDS}


def _merge_text(judgments: dict[str, _Judgment], analysis: TextAnalysis) -> dict[str, _Judgment]:
    """Add what the clause engine found in a license text to a license's judgments.

    A text can only add doubts or failures to our profile (a modified license is worse than
    its parent, never better); where licheck had no analysis at all, the text decides.
    """
    merged = {}
    for cid in CRITERION_IDS:
        current = judgments[cid]
        found = tuple(f for f in analysis.findings if f.criterion == cid)
        text_status = analysis.status(cid)
        if not current.judged:
            merged[cid] = _Judgment(text_status, found, judged=True)
        else:
            merged[cid] = _Judgment(
                worst([current.status, text_status]), current.findings + found, judged=True
            )
    return merged


def _freeze(judgments: dict[str, _Judgment]) -> tuple[CriterionResult, ...]:
    return tuple(
        CriterionResult(c.id, c.title, judgments[c.id].status, judgments[c.id].findings)
        for c in CRITERIA
    )


def judge_license(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    analyses: tuple[tuple[LicenseText, TextAnalysis], ...] = (),
) -> LicenseResult:
    """One license, criterion by criterion, from its profile, its OSI status and any texts."""
    if not analyses:
        return _judge_name(declared, resolution, catalog)
    return _judge(declared, resolution, catalog, analyses)


@lru_cache(maxsize=2048)
def _judge_name(declared: str, resolution: Resolution | None, catalog: Catalog) -> LicenseResult:
    """A license judged by name alone, remembered: a scan meets the same few names again and
    again. Results are frozen, so sharing them is safe."""
    return _judge(declared, resolution, catalog, ())


def _judge(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    analyses: tuple[tuple[LicenseText, TextAnalysis], ...],
) -> LicenseResult:
    obligations: tuple[Obligation, ...] = ()
    family = url = None
    note = resolution.note if resolution else None
    if resolution is None:
        judgments = _unjudged(
            f"licheck does not know the license '{declared}': it is no SPDX id, Hugging Face id, "
            "ScanCode key or name in licheck's knowledge base"
        )
    elif resolution.kind == "profile":
        profile = catalog.profile(resolution.id)
        judgments = _from_profile(profile)
        if profile.kind == "placeholder":
            # `other`, `unknown`, NOASSERTION say "look elsewhere": a text given decides.
            judgments = {cid: replace(j, judged=False) for cid, j in judgments.items()}
        obligations = tuple(Obligation(o.kind, o.text, o.section) for o in profile.obligations)
        family, url = profile.family, profile.url
    elif resolution.osi_approved:
        # OSI reviewed this license against the OSD: a fact we take over, criterion by criterion.
        judgments = _all_pass()
        note = note or "on OSI's list of approved licenses"
    else:
        judgments = _unjudged(
            f"{resolution.name} is not OSI-approved and licheck has no profile of it; give its "
            "text (license_file) to have its clauses judged"
        )
    for _text, analysis in analyses:
        judgments = _merge_text(judgments, analysis)
    criteria = _freeze(judgments)
    statuses = [c.status for c in criteria]
    osi = bool(resolution and resolution.osi_approved)
    text_fails = any(f.status == "fail" for _t, a in analyses for f in a.findings)
    if osi and text_fails:
        # The text shipped adds clauses that break the OSD: whatever its name, it is not the
        # license OSI approved, and must never pass as its clean parent.
        osi = False
        note = (
            f"the text shipped ({', '.join(t.path for t, _a in analyses)}) is not the "
            f"OSI-approved {resolution.name if resolution else declared}: it adds clauses that "
            "break the OSD"
        )
    return LicenseResult(
        declared=declared,
        id=resolution.id if resolution else None,
        name=resolution.name if resolution else None,
        osi_approved=osi,
        verdict=verdict_for(osi, statuses),
        score=sum(1 for s in statuses if s == "pass"),
        criteria=criteria,
        known=resolution is not None,
        profile=bool(resolution and resolution.kind == "profile"),
        family=family,
        url=url,
        note=note,
        texts=tuple(text.path for text, _analysis in analyses),
        obligations=obligations,
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
    known_bases: Mapping[str, str] | None = None,
) -> SubjectReport:
    """Judge every license of a record and apply the policy as of `today`.

    `analyse_text(text, path)` is the clause engine; license texts are judged only when given.
    `known_bases` maps model names seen in the same run to their license expressions, so a
    derivative inherits its base's terms from the scan before the built-in table.
    """
    analyses = (
        tuple((text, analyse_text(text.text, text.path)) for text in record.license_texts)
        if analyse_text
        else ()
    )
    results: list[LicenseResult] = []
    violations: list[Violation] = []
    tree: Node | None = None
    if record.license is not None:
        tree = parse(record.license, source=record.source, line=record.license_line)
        leaf_list = list(leaves(tree))
        # A license text beside a single declared license is that license's text, and a use
        # policy applies to it: judge them together. A code license (LICENSE-CODE) governs
        # other files, and with several licenses we cannot tell which text is which, so those
        # texts are judged on their own.
        attach = (
            tuple(pair for pair in analyses if pair[0].role in WEIGHTS_ROLES)
            if len(leaf_list) == 1
            else ()
        )
        by_leaf = {}
        for leaf in leaf_list:
            resolution = catalog.resolve(leaf.key)
            named = _license_name(record, resolution, catalog)
            if named is not None:
                resolution = named
            result = judge_license(leaf.key, resolution, catalog, attach)
            if named is not None:
                result = replace(
                    result, declared=f"{leaf.key} (license_name: {record.license_name})"
                )
            if leaf.exception:
                result = replace(result, declared=leaf.text)
            by_leaf[leaf] = result
            results.append(result)
        rejected = {leaf: _violation(result, policy, record) for leaf, result in by_leaf.items()}
        for leaf in blocking(tree, lambda leaf: rejected[leaf] is None):
            violation = rejected[leaf]
            assert violation is not None  # blocking() returns only rejected leaves
            violations.append(violation)
        standalone = tuple(pair for pair in analyses if pair not in attach)
        accepted = not violations
    else:
        accepted = False
        standalone = analyses
        if not analyses:
            violations.append(
                Violation(
                    "no-license",
                    "no license is declared: licheck cannot verify this model",
                    file=record.source,
                    line=record.license_line,
                )
            )
    for text, analysis in standalone:
        result = judge_license(text.path, None, catalog, ((text, analysis),))
        result = replace(
            result, known=True, name=f"license text {text.path}", note="judged from its text alone"
        )
        results.append(result)
        if policy.rejection(result) and (record.license is None or result.verdict == "not-open"):
            violations.append(
                Violation(
                    "license-text",
                    f"the license text {text.path} is {result.verdict}"
                    + (
                        f": it fails {', '.join(c.id for c in result.failing)}"
                        if result.failing
                        else ""
                    ),
                    license=text.path,
                    file=text.path,
                    line=min(
                        (f.line for c in result.failing for f in c.findings if f.line), default=None
                    ),
                )
            )
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


def _license_name(
    record: ModelRecord, resolution: Resolution | None, catalog: Catalog
) -> Resolution | None:
    """The license a card's `license_name` names, when its `license:` is a placeholder (`other`).

    Hugging Face cards declare custom licenses as `license: other` + `license_name: llama3`;
    the name is the declaration that counts when licheck knows it.
    """
    if record.license_name is None or resolution is None or resolution.kind != "profile":
        return None
    if catalog.summary(resolution.id).get("kind") != "placeholder":
        return None
    named = catalog.resolve(record.license_name)
    if named is None or named.id == resolution.id:
        return None
    return named


def _access(record: ModelRecord) -> LicenseResult:
    """What the input says about getting the model (a Hub gate, an excluded region), judged as
    one more set of terms: a click-through agreement with the licensor is not in the license,
    yet every recipient must accept it (OSD7, OSD10)."""
    judgments = {
        cid: _Judgment(
            worst([f.status for f in record.access if f.criterion == cid]),
            tuple(f for f in record.access if f.criterion == cid),
            judged=True,
        )
        for cid in CRITERION_IDS
    }
    criteria = _freeze(judgments)
    statuses = [c.status for c in criteria]
    return LicenseResult(
        declared="access conditions",
        id=None,
        name=f"Access conditions declared in {record.source}",
        osi_approved=False,
        verdict=verdict_for(False, statuses),
        score=sum(1 for s in statuses if s == "pass"),
        criteria=criteria,
        known=True,
        note="conditions on getting the model, beside its license",
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
    from licheck.base_models import lookup_base_model

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
    from licheck.openness import license_names, openness

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
                    known_bases=known_bases,
                )
            )
        except LicheckError as exc:
            exc.file = exc.file or record.source
            raise
    return reports
