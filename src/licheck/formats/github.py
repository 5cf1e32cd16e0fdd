"""`--format github`: GitHub Actions workflow commands, shown as annotations on the PR's files.

`::error file=F,line=L,title=T::message` for each violation, `::warning` for failing criterion
findings and warnings, `::notice` for suppressed violations. A checked obligation that is not
met (issue 19) is annotated at the file that should meet it: an unmet one is an error when the
policy enforces obligations, else a warning; an unknown one a notice (an error under --strict,
where it fails the run), as in SARIF. Values are escaped as the Actions
toolkit does (%, CR, LF everywhere; also : and , inside properties), after `sanitise.display`
has made every other control character of a value visible (an ESC in an annotation would still
reach the log that shows it).
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.common import finding_location, finding_text, problem_findings
from licheck.formats.sanitise import display
from licheck.records import Report, SubjectReport


def _data(text: str) -> str:
    # Line breaks are kept as %0A (an annotation may span lines); every other control is shown.
    text = "\n".join(display(part) for part in text.replace("\r\n", "\n").split("\n"))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    end_line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line."""
    props = []
    if file:
        props.append(f"file={_property(file)}")
        if line:
            props.append(f"line={line}")
            if end_line and end_line > line:
                props.append(f"endLine={end_line}")
    if title:
        props.append(f"title={_property(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    return f"{head}::{_data(message)}\n"


def _obligations(subject: SubjectReport) -> list[str]:
    """One annotation per obligation not met, at the file that should meet it."""
    strict = any(v.rule == "obligation-unknown" for v in subject.violations)
    out = []
    for duty in subject.obligations:
        if duty.status == "met":
            continue
        if duty.status == "unmet":
            kind = "error" if subject.obligation_mode == "enforce" else "warning"
        else:
            kind = "error" if strict else "notice"
        fix = f": {duty.fix}" if duty.fix else ""
        out.append(
            command(
                kind,
                f"{subject.name}: {duty.license} obligation {duty.status} ({duty.duty}){fix}",
                file=duty.file or subject.source,
                title=f"licheck: obligation-{duty.kind}",
            )
        )
    return out


def render(report: Report, options: RenderOptions) -> str:
    """Every violation, finding and warning as an annotation."""
    out = []
    for subject in report.subjects:
        for violation in subject.violations:
            if violation.rule.startswith("obligation-"):
                continue  # annotated below, one per obligation with its level
            out.append(
                command(
                    "error",
                    f"{subject.name}: {violation.message}",
                    file=violation.file or subject.source,
                    line=violation.line,
                    title=f"licheck: {violation.rule}",
                )
            )
        for suppression in subject.suppressed:
            out.append(
                command(
                    "notice",
                    f"{subject.name}: {suppression.violation.message} (suppressed until "
                    f"{suppression.expires}: {suppression.reason})",
                    file=suppression.violation.file,
                    line=suppression.violation.line,
                    title="licheck: suppressed",
                )
            )
        for result, criterion, finding in problem_findings(subject):
            if finding.status != "fail":
                continue
            path, line, end_line = finding_location(subject, finding)
            out.append(
                command(
                    "warning",
                    finding_text(result, criterion, finding),
                    file=path,
                    line=line,
                    end_line=end_line,
                    title=f"licheck: {criterion.id} {criterion.title}",
                )
            )
        out += _obligations(subject)
    for warning in report.warnings:
        out.append(command("warning", warning, title="licheck"))
    return "".join(out)
