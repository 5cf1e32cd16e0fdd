"""Small helpers the output formats share: paths as URIs, the findings a format reports."""

from __future__ import annotations

import shlex
from pathlib import PurePath
from urllib.parse import quote

from licheck.records import (
    Acceptance,
    CriterionResult,
    Finding,
    LicenseResult,
    ObligationResult,
    Report,
    SubjectReport,
    Suppression,
    Violation,
)


def outcome(subject: SubjectReport) -> str:
    """PASS (no violation), FAIL (one fails the run) or WARN (every violation lies below the
    policy's `fail_on` threshold: reported, but the run may pass). engine/policy.py decided
    each violation's severity; a format only reads it."""
    if subject.passed:
        return "PASS"
    return "FAIL" if subject.failing else "WARN"


def below_threshold(report: Report) -> str:
    """The words beside a violation the policy lets through: which threshold it lies below."""
    limit = f" {report.summary.fail_on}" if report.summary is not None else ""
    return f"below fail-on{limit}, does not fail the run"


def uri(path: str) -> str:
    """A file path as a relative URI reference (SARIF artifactLocation.uri)."""
    posix = PurePath(path).as_posix()
    if posix.startswith("/"):
        return "file://" + quote(posix, errors="replace")
    # errors="replace": a file name that is not UTF-8 (a surrogate escape) still gives a URI.
    return quote(posix, errors="replace")


def problem_findings(
    subject: SubjectReport,
) -> list[tuple[LicenseResult, CriterionResult, Finding]]:
    """Every failing or doubtful criterion finding of a subject, in report order."""
    found = []
    for result in subject.licenses:
        for criterion in result.criteria:
            if criterion.status == "pass":
                continue
            for finding in criterion.findings:
                found.append((result, criterion, finding))
    return found


def finding_location(
    subject: SubjectReport, finding: Finding
) -> tuple[str, int | None, int | None]:
    """Where a finding should point: its clause's lines in a license file, else the declaration."""
    if finding.source != "profile" and finding.file and finding.line:
        return finding.file, finding.line, finding.end_line
    return subject.source, subject.license_line, None


def finding_text(result: LicenseResult, criterion: CriterionResult, finding: Finding) -> str:
    """One line that says which license, which criterion, why, and the evidence."""
    label = result.name or result.declared
    # "fails" or "needs review" (a finding's status is fail or unknown; "unknowns" read oddly).
    verb = "fails" if finding.status == "fail" else "needs review"
    text = f"{label}: {criterion.id} {criterion.title} {verb}: {finding.message}"
    if finding.evidence:
        section = f" (section {finding.section})" if finding.section else ""
        text += f' Evidence{section}: "{finding.evidence}"'
    return text


def suppression_of(subject: SubjectReport, result: LicenseResult) -> Suppression | None:
    """The exception the policy applied to this license of the subject, if any.

    The policy (engine/policy.py) decided which violation an exception suppresses and recorded
    the license in it; a format shows that decision on every result of that license (its OSD
    findings too), so a viewer does not list as open what the policy excepted. A license with
    a violation that stands is not excepted.
    """
    keys = {result.id, result.declared}
    if any(v.license in keys for v in subject.violations):
        return None
    return next((s for s in subject.suppressed if s.violation.license in keys), None)


def duty_severity(subject: SubjectReport, duty: ObligationResult) -> str | None:
    """The severity of the violation an obligation made (an unmet one the policy enforces, an
    unknown one under `--strict`): `warning` below the policy's `fail_on` threshold, else
    `error`; None when it made no violation."""
    if duty.status == "unmet" and subject.obligation_mode == "enforce":
        rule = "obligation-unmet"
    elif duty.status == "unknown" and any(
        v.rule == "obligation-unknown" for v in subject.violations
    ):
        rule = "obligation-unknown"
    else:
        return None
    found = {v.severity for v in subject.violations if v.rule == rule}
    # None found: an exception suppressed it; it is shown as what it would fail.
    return "warning" if found == {"warning"} else "error"


def obligation_level(subject: SubjectReport, duty: ObligationResult) -> str:
    """How an obligation not met weighs (SARIF's words): an unmet one is an `error` when the
    policy enforces obligations, else a `warning`; an unknown one a `note` (an `error` under
    `--strict`, where it fails the run). A violation below the policy's `fail_on` threshold is a
    `warning` (it does not fail the run). A met one is no problem (`none`)."""
    if duty.status == "met":
        return "none"
    severity = duty_severity(subject, duty)
    if severity is not None:
        return severity
    return "warning" if duty.status == "unmet" else "note"


def obligation_text(subject: SubjectReport, duty: ObligationResult) -> str:
    """One line for an obligation not met: whose, which duty, and the fix."""
    fix = f": {duty.fix}" if duty.fix else ""
    return f"{subject.name}: {duty.license} obligation {duty.status} ({duty.duty}){fix}"


def acceptance_text(subject: SubjectReport, item: Acceptance) -> str:
    """One line for a license only an allow entry accepted, and what it would be without it."""
    return (
        f"{subject.name}: {item.name} ({item.verdict}) is accepted by the policy's "
        f"{item.rule} entry '{item.entry}'; without it: {item.reason}"
    )


# What to do about each policy rule: one next step a user can take (the terminal report shows
# it under the violation; docs/rules/<rule>.md says more). `{exception}` is the command that
# records a reviewed exception for this model and license.
NEXT_STEPS: dict[str, str] = {
    "not-osi-approved": "pick a model under an OSI-approved license, or after a review record "
    "an exception: {exception}",
    "not-open": "pick a model under an open source license, or after a review record an "
    "exception: {exception}",
    "denied-license": "the policy denies this license: pick a different model",
    "cannot-verify": "give the license text (license_file) so its clauses can be read, or "
    "after reading them record an exception: {exception}",
    "unknown-license": "declare an SPDX id or a name `licheck licenses` lists, or give the "
    "license text so its clauses can be judged",
    "no-license": "declare the model's license (`license:` in its card) or ship its LICENSE",
    "license-text": "ship only the license the model is under, or after a review record an "
    "exception: {exception}",
    "inherited-license": "the base model's terms still bind this model: pick a base under an "
    "open license, or after a review record an exception: {exception}",
    "access-condition": "publish the model without the click-through gate, or after a review "
    "record an exception: {exception}",
    "osaid": "publish what the message lists as missing, or require `osd` in the policy",
    "exception-expired": "renew the exception at {where} with a new reason and date, or "
    "resolve the violation it covered",
    "unknown-base": "declare the base model's license, check the base in the same run, or "
    "after a review set `unknown_base: warn` in the policy",
    "unreadable": "fix the file the message names, or raise --timeout",
}


def next_step(subject: SubjectReport, violation: Violation) -> str | None:
    """The one thing to do about a violation, or None for a rule with no advice (an unmet
    obligation's message already says what to add)."""
    template = NEXT_STEPS.get(violation.rule)
    if template is None:
        return None
    exception = (
        f"licheck exception add {shlex.quote(violation.license or '?')} --model "
        f"{shlex.quote(subject.name)} --reason '...' --expires YYYY-MM-DD"
    )
    where = f"{violation.file}:{violation.line}" if violation.file and violation.line else "?"
    return template.format(exception=exception, where=where)
