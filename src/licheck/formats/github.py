"""`--format github`: GitHub Actions workflow commands, shown as annotations on the PR's files.

`::error file=F,line=L,title=T::message` for each violation that fails the run, `::warning` for
one below the policy's `fail_on` threshold (the run lets it through, so the PR shows no blocking
error), `::warning` for failing criterion findings and warnings, `::notice` for suppressed
violations (and the findings of a license an exception covers, as SARIF suppresses them); at
most ten of each level, as GitHub shows them (errors first), and a last notice with the totals
when some were left out. A checked obligation that is not met (issue 19) is annotated at the
file that should meet it: an unmet one is an error when the policy enforces obligations, else
a warning; an unknown one a notice (an error under --strict, where it fails the run), as in
SARIF. Values are escaped as the Actions toolkit does (%, CR, LF everywhere; also : and ,
inside properties), after `sanitise.display` has made every other control character of a
value visible (an ESC in an annotation would still reach the log that shows it).
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.common import (
    below_threshold,
    finding_location,
    finding_text,
    obligation_level,
    obligation_text,
    problem_findings,
    suppression_of,
)
from licheck.formats.sanitise import display
from licheck.records import Report, SubjectReport

# GitHub shows at most ten annotations of each level per step (and drops the rest silently):
# https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
SHOWN_PER_LEVEL = 10
LEVELS = ("error", "warning", "notice")


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


def _obligations(subject: SubjectReport) -> list[tuple[str, str]]:
    """One annotation per obligation not met, at the file that should meet it."""
    out = []
    for duty in subject.obligations:
        level = obligation_level(subject, duty)
        if level == "none":
            continue
        kind = "notice" if level == "note" else level
        out.append(
            (
                kind,
                command(
                    kind,
                    obligation_text(subject, duty),
                    file=duty.file or subject.source,
                    title=f"licheck: obligation-{duty.kind}",
                ),
            )
        )
    return out


def _annotations(report: Report) -> list[tuple[str, str]]:
    """Every annotation of the report, (level, command line), in report order."""
    out: list[tuple[str, str]] = []
    for subject in report.subjects:
        for violation in subject.violations:
            if violation.rule.startswith("obligation-"):
                continue  # annotated below, one per obligation with its level
            # engine/policy.py graded it: below the `fail_on` threshold it is a warning, so the PR
            # shows no blocking error for what the policy lets through.
            kind: str = violation.severity
            below = f" ({below_threshold(report)})" if kind == "warning" else ""
            out.append(
                (
                    kind,
                    command(
                        kind,
                        f"{subject.name}: {violation.message}{below}",
                        file=violation.file or subject.source,
                        line=violation.line,
                        title=f"licheck: {violation.rule}",
                    ),
                )
            )
        for suppression in subject.suppressed:
            out.append(
                (
                    "notice",
                    command(
                        "notice",
                        f"{subject.name}: {suppression.violation.message} (suppressed until "
                        f"{suppression.expires}: {suppression.reason})",
                        file=suppression.violation.file,
                        line=suppression.violation.line,
                        title="licheck: suppressed",
                    ),
                )
            )
        for result, criterion, finding in problem_findings(subject):
            if finding.status != "fail":
                continue
            path, line, end_line = finding_location(subject, finding)
            # The exception that covers the license covers its OSD findings too (as SARIF's
            # suppressions do): a notice that says so, not a warning to act on.
            excepted = suppression_of(subject, result)
            kind = "warning" if excepted is None else "notice"
            text = finding_text(result, criterion, finding)
            if excepted is not None:
                text += f" (suppressed until {excepted.expires}: {excepted.reason})"
            out.append(
                (
                    kind,
                    command(
                        kind,
                        text,
                        file=path,
                        line=line,
                        end_line=end_line,
                        title=f"licheck: {criterion.id} {criterion.title}",
                    ),
                )
            )
        out += _obligations(subject)
    for warning in report.warnings:
        out.append(("warning", command("warning", warning, title="licheck")))
    return out


def render(report: Report, options: RenderOptions) -> str:
    """The report's annotations as GitHub shows them: at most ten per level (GitHub drops the
    rest of a step's), errors first, then warnings, then notices; when some are left out, a
    last notice gives the totals and where every problem is."""
    annotations = _annotations(report)
    totals = {kind: sum(k == kind for k, _ in annotations) for kind in LEVELS}
    left_out = any(count > SHOWN_PER_LEVEL for count in totals.values())
    out = []
    for kind in LEVELS:
        # The totals line is a notice itself: it takes one of the ten.
        room = SHOWN_PER_LEVEL - (kind == "notice" and left_out)
        out += [line for k, line in annotations if k == kind][:room]
    if left_out:
        counts = ", ".join(f"{totals[kind]} {kind}s" for kind in LEVELS)
        out.append(
            command(
                "notice",
                f"licheck found {len(annotations)} problems ({counts}); GitHub shows "
                f"{SHOWN_PER_LEVEL} per level, so only the first of each are annotated. Every "
                "problem is in the full report: this step's log (--format auto), the job "
                "summary when the licheck Action runs, and the SARIF report if asked for.",
                title="licheck: more problems than annotations",
            )
        )
    return "".join(out)
