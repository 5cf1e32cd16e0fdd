"""The one place that decides: which judged licenses, access terms and models a policy accepts.

The engine judges (a license against the OSD, a model's openness); this module decides, under the
run's Policy: the requirement (OSI-approved, OSD, OSAID), allow and deny lists (deny wins),
families, what licheck could not verify (a violation, or a warning under `unknown: warn`), and
the exceptions that suppress a violation until they expire. Nothing unverified passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import msgspec

from licheck.engine.expression import Leaf, blocking
from licheck.engine.judge import ReadText
from licheck.engine.judgment import BaseGap, BaseJudgment, ModelJudgment, chain_text
from licheck.knowledge.catalog import did_you_mean
from licheck.records import (
    FAIL_ON,
    Acceptance,
    FailOn,
    LicenseResult,
    ModelRecord,
    ObligationResult,
    Policy,
    Severity,
    SubjectReport,
    Suppression,
    Violation,
    replace,
)

EXPIRY_WARNING_DAYS = 30


# Violations that mean "licheck could not verify", which `unknown: warn` turns into warnings.
UNVERIFIED_RULES = ("unknown-license", "cannot-verify", "no-license")

# The `fail_on` level of the rules that are not `not-open` (records.FAIL_ON): what licheck
# could not verify needs review; a license judged open that is not on OSI's list is the
# mildest. Every other rule (not-open, denied-license, exception-expired, access-condition,
# osaid, obligation-unmet, unreadable) fails at every threshold.
RULE_LEVEL: dict[str, FailOn] = {
    **dict.fromkeys((*UNVERIFIED_RULES, "unknown-base", "obligation-unknown"), "unknown"),
    "not-osi-approved": "any",
}


def rejection_level(rule: str, result: LicenseResult) -> FailOn:
    """The `fail_on` level of a rejected license: `not-osi-approved` says only that it is not
    on OSI's list, so its judged verdict decides (Llama 2 is not open; CC-BY-4.0 is open)."""
    if rule == "not-osi-approved":
        return "not-open" if result.verdict == "not-open" else "any"
    return RULE_LEVEL.get(rule, "not-open")


def level(violation: Violation) -> FailOn:
    """How severe a violation is, for the `fail_on` threshold."""
    return violation.level or RULE_LEVEL.get(violation.rule, "not-open")


def severity(policy: Policy, violation: Violation) -> Severity:
    """How a violation is shown: an `error` when it reaches the policy's `fail_on` threshold
    (it fails the run), else a `warning` (still listed and counted, but the run may pass)."""
    reaches = FAIL_ON.index(level(violation)) <= FAIL_ON.index(policy.fail_on)
    return "error" if reaches else "warning"


def graded(policy: Policy, violation: Violation) -> Violation:
    """The violation with the severity the policy gives it: what every format reads."""
    return replace(violation, severity=severity(policy, violation))


def fails_run(policy: Policy, subject: SubjectReport) -> bool:
    """Whether a subject fails the run: one of its violations reaches the policy's `fail_on`
    threshold. One below it is still a violation in every report; it only does not fail."""
    return any(severity(policy, v) == "error" for v in subject.violations)


def _why(result: LicenseResult) -> str:
    if result.verdict == "not-open":
        return "it fails " + ", ".join(c.id for c in result.failing)
    if result.verdict == "unknown":
        return "licheck cannot confirm it meets the OSD (needs review)"
    return "it meets the OSD but is not on OSI's list"


def rejection(policy: Policy, result: LicenseResult) -> tuple[str, str] | None:
    """(rule, reason) when the policy rejects a judged license; None when it accepts it."""
    key = result.id or result.declared
    label = result.name or result.declared
    if key in policy.deny:
        return "denied-license", f"{label} is denied by the policy"
    if result.unverified:
        # Nothing unread passes, not even a license the policy allows by name: what licheck
        # could not read could say anything.
        return (
            "cannot-verify",
            f"cannot verify {label}: " + "; ".join(result.unverified),
        )
    if key in policy.allow or (result.family and result.family in policy.allow_families):
        return None
    if not result.known:
        if result.name and result.name.startswith("license_name '"):
            return "unknown-license", f"{result.name}; cannot verify the license"
        # A text licheck read may still show failures (an SBOM's LicenseRef, a card's LICENSE):
        # they are said too, so that the fix is not only "name a known license".
        failing = f"; by its text, {_why(result)}" if result.verdict == "not-open" else ""
        close = f" ({did_you_mean(result.suggestions)})" if result.suggestions else ""
        return (
            "unknown-license",
            f"cannot verify '{result.declared}': licheck does not know this license{close}"
            f"{failing}",
        )
    if policy.require == "osi-approved":
        if result.osi_approved:
            return None
        rule = "cannot-verify" if result.verdict == "unknown" else "not-osi-approved"
        return rule, f"{label} is not OSI-approved: {_why(result)}"
    if result.verdict in ("osi-approved", "open"):
        return None
    rule = "cannot-verify" if result.verdict == "unknown" else "not-open"
    return rule, f"{label} is not open source: {_why(result)}"


def _without_allow(policy: Policy) -> Policy:
    return replace(policy, allow=frozenset(), allow_families=frozenset())


def acceptance(policy: Policy, result: LicenseResult) -> Acceptance | None:
    """The allow entry that made the policy accept a license it would otherwise reject, or
    None (rejected anyway, or accepted on its own merits)."""
    if rejection(policy, result) is not None:
        return None
    strict = _without_allow(policy)
    why = rejection(strict, result)
    if why is None:
        return None
    key = result.id or result.declared
    if key in policy.allow:
        rule, entry, line = "allow", policy.names.get(key, key), policy.allow_lines.get(key)
    else:
        assert result.family is not None  # rejection() accepted it by its family
        rule, entry = "allow_families", result.family
        line = policy.family_lines.get(result.family)
    return Acceptance(
        license=key,
        name=result.name or result.declared,
        verdict=result.verdict,
        rule=rule,
        entry=entry,
        reason=why[1],
        inherited_from=result.inherited_from,
        policy_file=policy.source,
        policy_line=line,
    )


def _acceptances(judgment: ModelJudgment, policy: Policy) -> tuple[Acceptance, ...]:
    """Every license of a model that only an allow entry accepted (declared, shipped as a
    text that would otherwise be a violation, inherited), once each."""
    if not policy.allow and not policy.allow_families:
        return ()
    record = judgment.record
    strict = _without_allow(policy)
    candidates = [*judgment.declared.values()]
    candidates.extend(
        result
        for read, result in judgment.texts
        if _text_violation(record, read, result, strict) is not None
        and _text_violation(record, read, result, policy) is None
    )
    for base in judgment.bases:
        candidates.extend(base.judged.values())
    found: dict[tuple[str, str | None], Acceptance] = {}
    for result in candidates:
        accepted = acceptance(policy, result)
        if accepted is not None:
            found.setdefault((accepted.license, accepted.inherited_from), accepted)
    return tuple(found.values())


class Decision(msgspec.Struct, frozen=True):
    """What the policy made of one model: the violations that stand, those an exception
    suppresses, warnings (an exception about to expire, `unknown: warn`, an unknown base), and
    the licenses accepted only because an allow entry names them."""

    violations: tuple[Violation, ...]
    suppressed: tuple[Suppression, ...]
    warnings: tuple[str, ...]
    accepted: tuple[Acceptance, ...] = ()
    # The bases whose terms licheck could not know, whatever `unknown_base` made of them: the
    # run's summary counts them (issue 14: an unknown base is always visible).
    unknown_bases: tuple[str, ...] = ()


def decide(
    judgment: ModelJudgment,
    policy: Policy,
    today: date,
    obligations: tuple[ObligationResult, ...] = (),
    *,
    only_obligations: bool = False,
) -> Decision:
    """Every accept/reject decision about one judged model, as of `today` (exceptions expire).

    `obligations` are its licenses' duties checked against its files (engine.obligations):
    under `obligations: enforce` an unmet one is a violation, under `warn` a warning.
    `only_obligations` (`licheck obligations`) decides on them alone.
    """
    record = judgment.record
    duty_violations, duty_warnings = obligation_outcome(record, obligations, policy)
    if only_obligations:
        standing, suppressed, warnings = apply_exceptions(duty_violations, record, policy, today)
        return Decision(tuple(standing), tuple(suppressed), (*duty_warnings, *warnings))
    violations: list[Violation] = []
    accepted = False
    if judgment.tree is not None:
        rejected = {
            leaf: _declared_violation(result, policy, record)
            for leaf, result in judgment.declared.items()
        }
        # An expression passes when it can be satisfied by accepted licenses (A OR B: either).
        for leaf in blocking(judgment.tree, lambda leaf: rejected[leaf] is None):
            violation = rejected[leaf]
            assert violation is not None  # blocking() returns only rejected leaves
            violations.append(violation)
        accepted = not violations
    elif not judgment.texts:
        violations.append(
            Violation(
                "no-license",
                "no license is declared: licheck cannot verify this model",
                file=record.source,
                line=record.license_line,
            )
        )
    for read, result in judgment.texts:
        text_violation = _text_violation(record, read, result, policy)
        if text_violation is not None:
            violations.append(text_violation)
    if judgment.access is not None and judgment.access.verdict == "not-open":
        violations.append(_access_violation(record, judgment.access))
    gaps = list(judgment.gaps)
    for base in judgment.bases:
        found = _inherited_violations(record, base, policy, declared_accepted=accepted)
        if base.reupload == "resemblance" and not found:
            # A base merely named like a known release, under an organisation that is no known
            # mirror: enough to inherit the release's restrictions, never to vouch for it.
            gaps.append(
                BaseGap(
                    base.base,
                    "unknown",
                    f"it is named like {base.family}, but is no known re-upload of it",
                    base.via,
                    base.via_declared,
                )
            )
        violations.extend(found)
    base_warnings: list[str] = []
    for gap in gaps:
        violation = _gap_violation(record, gap)
        if policy.unknown_base == "warn":
            base_warnings.append(f"{violation.message} (policy: unknown_base: warn)")
        else:
            violations.append(violation)
    if policy.require == "osaid" and not judgment.openness.osaid.passed:
        missing = "; ".join(str(miss) for miss in judgment.openness.osaid.missing)
        violations.append(
            Violation(
                "osaid",
                f"{record.name} does not meet the Open Source AI Definition 1.0: {missing}",
                file=record.source,
                line=record.license_line,
            )
        )
    violations.extend(duty_violations)
    standing, suppressed, warnings = apply_exceptions(violations, record, policy, today)
    return Decision(
        tuple(standing),
        tuple(suppressed),
        (*judgment.warnings, *base_warnings, *duty_warnings, *warnings),
        _acceptances(judgment, policy),
        tuple(dict.fromkeys(gap.base for gap in gaps)),
    )


def obligation_outcome(
    record: ModelRecord, obligations: tuple[ObligationResult, ...], policy: Policy
) -> tuple[list[Violation], list[str]]:
    """What the policy makes of a model's obligations: under `enforce`, each unmet one (and,
    with `obligations_unknown: fail`, each unknown one) is a violation (`obligation-unmet`,
    `obligation-unknown`); under `warn`, a warning; under `off`, nothing."""
    violations: list[Violation] = []
    warnings: list[str] = []
    if policy.obligations == "off":
        return violations, warnings
    for duty in obligations:
        if duty.status == "met":
            continue
        if duty.status == "unknown" and policy.obligations_unknown != "fail":
            continue
        rule = "obligation-unmet" if duty.status == "unmet" else "obligation-unknown"
        what = "unmet" if duty.status == "unmet" else "cannot be checked"
        fix = f": {duty.fix}" if duty.fix else ""
        message = f"{duty.license} obligation {what} ({duty.duty}){fix}"
        if policy.obligations == "enforce":
            violations.append(Violation(rule, message, license=duty.license, file=duty.file))
        else:
            warnings.append(f"{record.name}: {message} (policy: obligations: warn)")
    return violations, warnings


def _gap_violation(record: ModelRecord, gap: BaseGap) -> Violation:
    """A base whose terms cannot be known: a derivative inherits them, so it cannot pass."""
    through = f" through {chain_text(gap.via, gap.via_declared)}" if gap.via else ""
    if gap.kind == "unknown":
        what = f"the license of base model '{gap.base}'{through} is unknown ({gap.reason})"
    else:
        what = f"base model '{gap.base}'{through}: {gap.reason}"
    return Violation(
        "unknown-base",
        f"{record.name}: {what}; a derivative inherits its base's terms: give the base's "
        "license or check it",
        license=gap.base,
        file=record.source,
        line=record.license_line,
    )


def _declared_violation(
    result: LicenseResult, policy: Policy, record: ModelRecord
) -> Violation | None:
    why = rejection(policy, result)
    if why is None:
        return None
    rule, message = why
    return Violation(
        rule,
        message,
        license=result.id or result.declared,
        file=record.source,
        line=record.license_line,
        level=rejection_level(rule, result),
    )


def _text_violation(
    record: ModelRecord, read: ReadText, result: LicenseResult, policy: Policy
) -> Violation | None:
    """A license text no declared license explains still binds whoever ships it (a Llama
    license beside `license: apache-2.0`); a pointer or a note names no license."""
    path = read.text.path
    if read.status == "no-license":
        if record.license is not None:
            return None
        return Violation(
            "cannot-verify",
            f"{path} holds no license terms (a pointer or a note): licheck cannot verify "
            "the license; give the license text itself",
            license=path,
            file=path,
        )
    why = rejection(policy, result)
    identified = read.resolution is not None
    # A text no declared license explains binds whoever ships it: it is a violation when it is
    # a license the policy rejects, or when licheck cannot tell what it says (unknown).
    if why is None or not (
        identified or record.license is None or result.verdict in ("not-open", "unknown")
    ):
        return None
    where = min(
        (f.line for c in result.failing for f in c.findings if f.line and f.file == path),
        default=None,
    )
    if read.resolution is not None and record.license is not None:
        message = (
            f"{path} holds the {read.resolution.name}, which the declared license "
            f"does not name; {why[1]}"
        )
    else:
        message = f"the license text {path}: {why[1]}"
    return Violation(
        "license-text",
        message,
        license=result.id or path,
        file=path,
        line=where,
        level=rejection_level(why[0], result),
    )


def _access_violation(record: ModelRecord, access: LicenseResult) -> Violation:
    """Getting the model requires terms that break the OSD (a click-through gate: OSD7, OSD10)."""
    return Violation(
        "access-condition",
        f"getting {record.name} requires conditions that break the OSD: "
        + ", ".join(f"{c.id} {c.title}" for c in access.failing),
        file=min(f.file or record.source for c in access.failing for f in c.findings),
        line=min((f.line for c in access.failing for f in c.findings if f.line), default=None),
    )


def _inherited_violations(
    record: ModelRecord, base: BaseJudgment, policy: Policy, *, declared_accepted: bool
) -> list[Violation]:
    """A derivative carries its base's terms: when the declared license passes but an inherited
    one does not, the violation names the laundering ("declaring apache-2.0 does not remove the
    Llama 2 terms")."""

    def accepted(leaf: Leaf) -> bool:
        return leaf not in base.judged or rejection(policy, base.judged[leaf]) is None

    violations: list[Violation] = []
    for leaf in blocking(base.tree, accepted):
        result = base.judged[leaf]
        why = rejection(policy, result)
        assert why is not None
        label = result.name or result.declared
        through = f" through {chain_text(base.via, base.via_declared)}" if base.via else ""
        copy = (
            f", a re-upload of {base.family} (matched by name)"
            if base.reupload is not None and base.family
            else ""
        )
        message = f"{record.name} derives from {base.base}{copy}{through}, so {why[1]}"
        if declared_accepted and record.license:
            message += f"; declaring {record.license} does not remove the {label} terms"
        violations.append(
            Violation(
                "inherited-license",
                message,
                license=result.id or result.declared,
                file=record.source,
                line=record.license_line,
                level=rejection_level(why[0], result),
            )
        )
    return violations


def used_exceptions(policy: Policy, subject: SubjectReport) -> tuple[int, ...]:
    """The indexes of the policy's exceptions that speak of one of this subject's violations."""
    violations = (*subject.violations, *(s.violation for s in subject.suppressed))
    return tuple(
        index
        for index, exception in enumerate(policy.exceptions)
        if any(exception.covers(subject.name, subject.source, v.license) for v in violations)
    )


def expired_exception_warnings(policy: Policy, used: Iterable[int], today: date) -> list[str]:
    """Exceptions that expired and matched no violation of the run: stale lines in the policy."""
    matched = set(used)
    return [
        f"{policy.source}:{exception.line}: the exception for {exception.model} / "
        f"{exception.license} expired on {exception.expires.isoformat()}; remove it"
        for index, exception in enumerate(policy.exceptions)
        if exception.expires < today and index not in matched
    ]


def apply_exceptions(
    violations: list[Violation], record: ModelRecord, policy: Policy, today: date
) -> tuple[list[Violation], list[Suppression], list[str]]:
    """Let the policy's exceptions suppress violations; expired ones are violations themselves.

    Returns the violations that stand, the suppressed ones, and warnings (an exception expiring
    within 30 days; an unverifiable license under `unknown: warn`). Each violation, standing or
    suppressed, carries the severity the `fail_on` threshold gives it (a suppressed one: what
    it would be without its exception).
    """
    standing: list[Violation] = []
    suppressed: list[Suppression] = []
    warnings: list[str] = []
    for violation in (graded(policy, v) for v in violations):
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
                graded(
                    policy,
                    Violation(
                        "exception-expired",
                        f"the exception for {exception.license} ({exception.reason}) expired on "
                        f"{exception.expires.isoformat()}",
                        license=violation.license,
                        file=policy.source,
                        line=exception.line,
                        # As severe as what it excepted: an expired exception for an unknown
                        # license is no worse than the unknown license.
                        level=level(violation),
                    ),
                )
            )
    return standing, suppressed, warnings
