"""`--format markdown`: a summary for a pull-request comment or $GITHUB_STEP_SUMMARY.

A table a reviewer reads at a glance, then each failing model's reasons in a collapsed block.
Every value from a model goes through `sanitise.markdown` (or `markdown_code` inside a code
span): a card cannot put HTML, a script, an image or a link into a job summary or PR comment.
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.sanitise import html_text, markdown, markdown_code
from licheck.records import Report, SubjectReport


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


def _details(subject: SubjectReport) -> list[str]:
    lines = [f"<details><summary><b>{html_text(subject.name)}</b>: why it fails</summary>", ""]
    for violation in subject.violations:
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


def render(report: Report, options: RenderOptions) -> str:
    """The report as GitHub-flavoured Markdown."""
    failed = sum(1 for s in report.subjects if not s.passed)
    status = ":white_check_mark: PASS" if report.passed else ":x: FAIL"
    lines = [
        f"## licheck: {status}",
        "",
        f"{len(report.subjects)} model(s) checked, {failed} failed "
        f"(policy: `{report.policy}`, knowledge base {report.kb_version}, "
        f"licheck {report.licheck_version}).",
        "",
        "| | Model | License | Verdict | Score | Fails |",
        "|---|---|---|---|---|---|",
    ]
    for subject in report.subjects:
        mark = ":white_check_mark:" if subject.passed else ":x:"
        for license_cell, verdict, score, fails in _license_cell(subject):
            lines.append(
                f"| {mark} | {cell(subject.name)} | {license_cell} | {verdict} | {score} "
                f"| {fails} |"
            )
    lines.append("")
    for subject in report.subjects:
        if not subject.passed:
            lines += _details(subject)
        for suppression in subject.suppressed:
            lines.append(
                f"- :zzz: {cell(subject.name)}: {cell(suppression.violation.message)} — "
                "suppressed until "
                f"{suppression.expires}: {cell(suppression.reason)}"
            )
    for warning in report.warnings:
        lines.append(f"- :warning: {cell(warning)}")
    return "\n".join(lines).rstrip() + "\n"
