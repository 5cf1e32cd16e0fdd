"""`--format markdown`: a summary for a pull-request comment or $GITHUB_STEP_SUMMARY.

A table a reviewer reads at a glance, then each failing model's reasons in a collapsed block,
then, when the run checked them (issue 19), each model's obligations in a table of their own.
Every value from a model goes through `sanitise.markdown` (or `markdown_code` inside a code
span): a card cannot put HTML, a script, an image or a link into a job summary or PR comment.
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.common import below_threshold, outcome
from licheck.formats.sanitise import html_text, markdown, markdown_code
from licheck.records import ObligationResult, Report, SubjectReport

MARKS = {"PASS": ":white_check_mark:", "FAIL": ":x:", "WARN": ":warning:"}


def cell(text: str) -> str:
    """Untrusted text safe inside a Markdown table cell or list item: one line (a line break
    would end the row), pipes escaped, no HTML, link or emphasis (see `sanitise.markdown`)."""
    return " ".join(markdown(text).split())


def _license_cell(subject: SubjectReport) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for result in subject.licenses:
        name = result.name or result.declared
        declared = f" (`{markdown_code(result.declared)}`)" if result.declared != name else ""
        fails = ", ".join(c.id for c in result.failing) or "-"
        rows.append((cell(name) + declared, result.verdict, f"{result.score}/10", fails))
    return rows or [("*none declared*", "unknown", "0/10", "-")]


def _details(subject: SubjectReport, below: str) -> list[str]:
    why = "why it fails" if subject.failing else f"warnings ({below})"
    lines = [f"<details><summary><b>{html_text(subject.name)}</b>: {why}</summary>", ""]
    # Obligation violations are listed with their fix in the Obligations section: counted here.
    duties = sum(v.rule.startswith("obligation-") for v in subject.violations)
    if duties:
        lines.append(f"- :x: {duties} obligation(s) fail the policy: see Obligations below")
    for violation in subject.violations:
        if violation.rule.startswith("obligation-"):
            continue
        if violation.severity == "warning":
            lines.append(f"- :warning: {cell(violation.message)} ({below})")
        else:
            lines.append(f"- :x: {cell(violation.message)}")
    for result in subject.licenses:
        for criterion in result.criteria:
            if criterion.status == "pass":
                continue
            for finding in criterion.findings:
                mark = ":x:" if criterion.status == "fail" else ":grey_question:"
                section = f" (section {cell(finding.section)})" if finding.section else ""
                where = (
                    f" `{markdown_code(finding.file)}:{finding.line}`"
                    if finding.file and finding.line
                    else ""
                )
                evidence = (
                    f' — "{cell(finding.evidence)}"{section}' if finding.evidence else section
                )
                lines.append(
                    f"- {mark} **{criterion.id} {criterion.title}**: "
                    f"{cell(finding.message)}{evidence}{where}"
                )
    lines += ["", "</details>", ""]
    return lines


_MARKS = {"met": "✓ met", "unmet": "✗ unmet", "unknown": "? unknown"}


def _obligation_row(duty: ObligationResult) -> str:
    license_cell = f"`{markdown_code(duty.license)}`"
    if duty.section:
        license_cell += f" {cell(duty.section)}"
    if duty.inherited_from:
        license_cell += f", from {cell(duty.inherited_from)}"
    evidence = ", ".join(
        f"`{markdown_code(item.file)}{f':{item.line}' if item.line else ''}`"
        for item in duty.evidence
    )
    fix = "-"
    if duty.fix:  # on a duty that is not unmet, the fix says what licheck could not see
        fix = cell(duty.fix) if duty.status == "unmet" else f"note: {cell(duty.fix)}"
    return (
        f"| {license_cell} | {cell(duty.kind)}: {cell(duty.duty)} | {_MARKS[duty.status]} "
        f"| {evidence or '-'} | {fix} |"
    )


def _obligations(report: Report) -> list[str]:
    """Each checked model's obligations: ✓ met with the file:line that shows it, ✗ unmet with
    what to add, ? unknown (the files cannot tell). Nothing when the run did not check them."""
    checked = [s for s in report.subjects if s.obligation_mode is not None]
    if not checked:
        return []
    lines = ["### Obligations", ""]
    for subject in checked:
        counts = {status: sum(o.status == status for o in subject.obligations) for status in _MARKS}
        enforced = (
            " (enforced: unmet is a violation)" if subject.obligation_mode == "enforce" else ""
        )
        lines += [
            f"**{cell(subject.name)}**: {counts['met']} met, {counts['unmet']} unmet, "
            f"{counts['unknown']} unknown{enforced}.",
            "",
        ]
        if subject.obligations:
            lines += ["| License | Duty | Status | Evidence | Fix |", "|---|---|---|---|---|"]
            lines += [_obligation_row(duty) for duty in subject.obligations]
            lines.append("")
    return lines


def render(report: Report, options: RenderOptions) -> str:
    """The report as GitHub-flavoured Markdown."""
    failed = sum(1 for s in report.subjects if s.failing)
    warned = sum(1 for s in report.subjects if not s.passed and not s.failing)
    below = below_threshold(report)
    status = ":white_check_mark: PASS" if report.passed else ":x: FAIL"
    lines = [
        f"## licheck: {status}",
        "",
        f"{len(report.subjects)} model(s) checked, {failed} failed"
        + (f", {warned} with warnings only ({below})" if warned else "")
        + " "
        f"(policy: `{report.policy}`, knowledge base {report.kb_version}, "
        f"licheck {report.licheck_version}).",
        "",
        "| | Model | License | Verdict | Score | Fails |",
        "|---|---|---|---|---|---|",
    ]
    for subject in report.subjects:
        mark = MARKS[outcome(subject)]
        for license_cell, verdict, score, fails in _license_cell(subject):
            lines.append(
                f"| {mark} | {cell(subject.name)} | {license_cell} | {verdict} | {score} "
                f"| {fails} |"
            )
    lines.append("")
    for subject in report.subjects:
        if not subject.passed:
            lines += _details(subject, below)
        for suppression in subject.suppressed:
            lines.append(
                f"- :zzz: {cell(subject.name)}: {cell(suppression.violation.message)} — "
                "suppressed until "
                f"{suppression.expires}: {cell(suppression.reason)}"
            )
    for warning in report.warnings:
        lines.append(f"- :warning: {cell(warning)}")
    obligations = _obligations(report)
    if obligations and lines[-1]:
        lines.append("")
    lines += obligations
    return "\n".join(lines).rstrip() + "\n"
