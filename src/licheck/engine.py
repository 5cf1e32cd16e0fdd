"""The engine: judges a ModelRecord's licenses against the ten OSD criteria and applies a policy.

Pure: it reads nothing but what the catalog hands it, prints nothing, knows no clock. What it
returns (a SubjectReport) is all a formatter may show.
"""

from __future__ import annotations

import re
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
    Violation,
    verdict_for,
    worst,
)
from licheck.policy import EXPIRY_WARNING_DAYS, UNVERIFIED_RULES, Policy

if TYPE_CHECKING:
    from licheck.clauses import TextAnalysis
    from licheck.identify import Identification, Span
    from licheck.openness import Openness

TextAnalyser = Callable[[str, str], "TextAnalysis"]
TextIdentifier = Callable[[str, str], "Identification"]
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


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w%$.]+", " ", text.lower()).split())


CHANGED_NOTE = (
    "(This quotes the original; the text shipped words it differently: see the differences.)"
)


def _mark_changed_evidence(
    judgments: dict[str, _Judgment], shipped: list[str]
) -> dict[str, _Judgment]:
    """In a modified license, say which of the original's quoted clauses the text no longer
    carries word for word (the differences then say what it says instead)."""
    folded = [_fold(text) for text in shipped]
    marked = {}
    for cid, judgment in judgments.items():
        findings = tuple(
            replace(f, message=f"{f.message} {CHANGED_NOTE}")
            if f.source == "profile"
            and f.evidence
            and not any(_fold(f.evidence) in t for t in folded)
            else f
            for f in judgment.findings
        )
        marked[cid] = replace(judgment, findings=findings)
    return marked


def _freeze(judgments: dict[str, _Judgment]) -> tuple[CriterionResult, ...]:
    return tuple(
        CriterionResult(c.id, c.title, judgments[c.id].status, judgments[c.id].findings)
        for c in CRITERIA
    )


@dataclass(frozen=True)
class ReadText:
    """One license text (or one part of a file holding several) as licheck read it: what it
    is (identification) and what its clauses say where they need reading (analysis)."""

    text: LicenseText
    identification: Identification | None = None
    resolution: Resolution | None = None
    analysis: TextAnalysis | None = None

    @property
    def status(self) -> str | None:
        """exact | modified | unrecognised | no-license, or None when not identified."""
        return self.identification.status if self.identification else None


def judge_license(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    texts: tuple[ReadText, ...] = (),
) -> LicenseResult:
    """One license, criterion by criterion, from its profile, its OSI status and any texts."""
    if not texts:
        return _judge_name(declared, resolution, catalog)
    return _judge(declared, resolution, catalog, texts)


@lru_cache(maxsize=2048)
def _judge_name(declared: str, resolution: Resolution | None, catalog: Catalog) -> LicenseResult:
    """A license judged by name alone, remembered: a scan meets the same few names again and
    again. Results are frozen, so sharing them is safe."""
    return _judge(declared, resolution, catalog, ())


def _judge(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    texts: tuple[ReadText, ...],
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
    shipped = [r.text.text for r in texts if r.status == "modified"]
    if shipped:
        judgments = _mark_changed_evidence(judgments, shipped)
    for read in texts:
        if read.analysis is not None:
            judgments = _merge_text(judgments, read.analysis)
    criteria = _freeze(judgments)
    statuses = [c.status for c in criteria]
    osi = bool(resolution and resolution.osi_approved)
    paths = ", ".join(dict.fromkeys(r.text.path for r in texts))
    label = resolution.name if resolution else declared
    modified = [r for r in texts if r.status == "modified"]
    text_fails = any(f.status == "fail" for r in texts if r.analysis for f in r.analysis.findings)
    differences = tuple(
        d.message for r in modified if r.identification for d in r.identification.differences
    )
    if osi and (modified or text_fails):
        # The text shipped is not the license OSI approved (it is modified, or adds clauses that
        # break the OSD): whatever its name, it must never pass as its clean parent.
        osi = False
        why = "it is a modified version" if modified else "it adds clauses that break the OSD"
        note = f"the text shipped ({paths}) is not the OSI-approved {label}: {why}"
    elif modified:
        note = f"the text shipped ({paths}) is a modified {label}"
    name = resolution.name if resolution else None
    if modified and name:
        name = f"{name} (modified)"
    match = None
    if texts:
        match = "modified" if modified else texts[0].status
    similarity = min((r.identification.similarity for r in texts if r.identification), default=None)
    return LicenseResult(
        declared=declared,
        id=resolution.id if resolution else None,
        name=name,
        osi_approved=osi,
        verdict=verdict_for(osi, statuses),
        score=sum(1 for s in statuses if s == "pass"),
        criteria=criteria,
        known=resolution is not None,
        profile=bool(resolution and resolution.kind == "profile"),
        family=family,
        url=url,
        note=note,
        texts=tuple(dict.fromkeys(r.text.path for r in texts)),
        obligations=obligations,
        match=match,
        similarity=similarity,
        differences=differences,
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


def read_texts(
    record: ModelRecord,
    catalog: Catalog,
    analyse_text: TextAnalyser | None,
    identify_text: TextIdentifier | None,
) -> list[ReadText]:
    """Identify each license text (each part of a file holding several) and read the clauses
    that need reading: none of an exact copy (its profile holds the judgment), the added or
    changed spans of a modified one, all of an unrecognised one."""
    found: list[ReadText] = []
    for text in record.license_texts:
        identification = identify_text(text.text, text.path) if identify_text else None
        parts = (
            identification.parts if identification and identification.parts else (identification,)
        )
        for part in parts:
            resolution = None
            if part is not None and part.license_id and part.status in ("exact", "modified"):
                resolution = catalog.resolve(part.license_id)
            analysis = None
            if analyse_text is not None and (
                part is None or part.status in ("modified", "unrecognised")
            ):
                spans = part.review_spans() if part is not None else ()
                whole = part is None or (part.status == "unrecognised" and not spans)
                analysis = (
                    analyse_text(text.text, text.path)
                    if whole
                    else _analyse_spans(spans, text.path, analyse_text)
                )
            found.append(ReadText(text, part, resolution, analysis))
    return found


def _analyse_spans(spans: tuple[Span, ...], path: str, analyse_text: TextAnalyser) -> TextAnalysis:
    """The clause engine over some spans of a file, its findings at the file's own lines."""
    from licheck.clauses import TextAnalysis, load_rules

    # Rules scoped to a whole text ("grants no rights at all") say nothing about a fragment.
    whole_text = {rule.id for rule in load_rules() if rule.scope == "text"}
    findings: list[Finding] = []
    grants = False
    for span in spans:
        analysis = analyse_text(span.text, path)
        grants = grants or analysis.grants_rights
        shift = span.line - 1
        for finding in analysis.findings:
            if finding.rule in whole_text:
                continue
            findings.append(
                replace(
                    finding,
                    line=finding.line + shift if finding.line else span.line,
                    end_line=finding.end_line + shift if finding.end_line else None,
                )
            )
    return TextAnalysis(findings=tuple(findings), grants_rights=grants)


def _judge_declared(
    record: ModelRecord, tree: Node, texts: list[ReadText], catalog: Catalog
) -> tuple[dict[Leaf, LicenseResult], list[ReadText]]:
    """Judge each declared license with the texts that are its text; return the texts left.

    A text identified as a declared license belongs to it. A placeholder (`other`, `unknown`,
    NOASSERTION) takes the license a text or `license_name` names. A single declared license
    also takes the unrecognised texts of the weights (LICENSE, LICENSE-MODEL, a use policy):
    they are its text as shipped, and a restriction in them makes it fail.
    """
    leaf_list = list(leaves(tree))
    resolutions = {leaf: catalog.resolve(leaf.key) for leaf in leaf_list}
    remaining = list(texts)
    by_leaf: dict[Leaf, LicenseResult] = {}
    for leaf in leaf_list:
        resolution = resolutions[leaf]
        declared = leaf.text
        placeholder = (
            resolution is not None
            and resolution.kind == "profile"
            and (catalog.summary(resolution.id).get("kind") == "placeholder")
        )
        own = [
            t
            for t in remaining
            if t.resolution is not None
            and resolution is not None
            and t.resolution.id == resolution.id
        ]
        if placeholder:
            named = _license_name(record, resolution, catalog)
            if named is not None:
                resolution, declared = named, f"{leaf.key} (license_name: {record.license_name})"
                own = [
                    t for t in remaining if t.resolution is not None and t.resolution.id == named.id
                ]
            else:
                others = {r.id for r in resolutions.values() if r is not None}
                found = [
                    t
                    for t in remaining
                    if t.resolution is not None
                    and t.resolution.id not in others
                    and t.text.role in WEIGHTS_ROLES
                ]
                if found:
                    resolution = found[0].resolution
                    declared = f"{leaf.key} ({found[0].text.path})"
                    own = [t for t in found if t.resolution == resolution]
        if len(leaf_list) == 1:
            own += [
                t
                for t in remaining
                if t not in own
                and t.resolution is None
                and t.text.role in WEIGHTS_ROLES
                and t.status != "no-license"
            ]
        remaining = [t for t in remaining if t not in own]
        result = judge_license(leaf.key, resolution, catalog, tuple(own))
        by_leaf[leaf] = replace(result, declared=declared) if declared != leaf.key else result
    return by_leaf, remaining


def judge_unmatched_texts(
    record: ModelRecord, texts: list[ReadText], catalog: Catalog, policy: Policy
) -> list[tuple[LicenseResult, Violation | None]]:
    """Texts that are no declared license's: each is judged on its own.

    An identified text the declaration does not name still binds whoever ships it (a Llama
    license beside `license: apache-2.0`): the policy applies to it. An unrecognised text is
    judged by its clauses alone: a violation when they break the OSD, or when nothing else
    declares a license. A pointer or usage note names no license.
    """
    judged = []
    for read in texts:
        path = read.text.path
        if read.status == "no-license":
            result = judge_license(path, None, catalog)
            result = replace(
                result,
                name=f"{path} (no license terms: a pointer or a note)",
                note=f"points to {read.identification.pointer}"
                if read.identification and read.identification.pointer
                else None,
                match="no-license",
                texts=(path,),
            )
            violation = None
            if record.license is None:
                violation = Violation(
                    "cannot-verify",
                    f"{path} holds no license terms (a pointer or a note): licheck cannot verify "
                    "the license; give the license text itself",
                    license=path,
                    file=path,
                )
            judged.append((result, violation))
            continue
        result = judge_license(path, read.resolution, catalog, (read,))
        if read.resolution is None:
            result = replace(
                result, known=True, name=f"license text {path}", note="judged from its text alone"
            )
        rejection = policy.rejection(result)
        violation = None
        identified = read.resolution is not None
        if rejection is not None and (
            identified or record.license is None or result.verdict == "not-open"
        ):
            where = min(
                (f.line for c in result.failing for f in c.findings if f.line and f.file == path),
                default=None,
            )
            if read.resolution is not None and record.license is not None:
                message = (
                    f"{path} holds the {read.resolution.name}, which the declared license "
                    f"does not name; {rejection[1]}"
                )
            else:
                message = f"the license text {path}: {rejection[1]}"
            violation = Violation(
                "license-text", message, license=result.id or path, file=path, line=where
            )
        judged.append((result, violation))
    return judged


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
