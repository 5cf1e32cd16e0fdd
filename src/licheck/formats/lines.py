"""`--format lines`: one problem per line, `path:line: RULE: message`, for editors and grep.

The compiler-style line that vim's errorformat, Emacs' compilation mode, VS Code problem
matchers and `grep` already read. The problems are exactly SARIF's results, in the same order
and with the same rule ids (docs/rules/<RULE>.md): each policy violation, each obligation not
met, each suppressed violation (said so, with the exception's expiry and reason), each license
only an allow entry accepted, and each failing or doubtful OSD finding at its clause's line.
A violation below the policy's `fail_on` threshold says so after its rule, as a suppressed one
does (`RULE: warning (below fail-on X, does not fail the run): message`). The run's warnings
follow as `licheck: warning: message`. A problem with no line is `path: RULE: message`. A
passing run with no warning prints nothing.

Every value goes through `sanitise.display` (a value never starts a new line, so one line is
one problem), and the whole through `sanitise.guard_lines` (no line can start a workflow
command when a GitHub runner reads it).
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.common import (
    acceptance_text,
    below_threshold,
    duty_severity,
    finding_location,
    finding_text,
    obligation_level,
    obligation_text,
    problem_findings,
    suppression_of,
)
from licheck.formats.sanitise import display, guard_lines
from licheck.records import Report, SubjectReport


def _line(path: str | None, line: int | None, rule: str, message: str) -> str:
    where = display(path or "licheck") + (f":{line}" if path and line and line >= 1 else "")
    return f"{where}: {rule}: {display(message)}\n"


def _subject_lines(subject: SubjectReport, below: str) -> list[str]:
    def graded(severity: str, text: str) -> str:
        return f"warning ({below}): {text}" if severity == "warning" else text

    out = [
        _line(
            v.file or subject.source,
            v.line,
            v.rule,
            graded(v.severity, f"{subject.name}: {v.message}"),
        )
        for v in subject.violations
        if not v.rule.startswith("obligation-")  # one line per duty below, at its file
    ]
    for duty in subject.obligations:
        if obligation_level(subject, duty) != "none":
            out.append(
                _line(
                    duty.file or subject.source,
                    None,
                    f"obligation-{duty.kind}",
                    graded(duty_severity(subject, duty) or "", obligation_text(subject, duty)),
                )
            )
    for suppression in subject.suppressed:
        violation = suppression.violation
        out.append(
            _line(
                violation.file or subject.source,
                violation.line,
                violation.rule,
                f"suppressed until {suppression.expires} ({suppression.reason}): "
                f"{subject.name}: {violation.message}",
            )
        )
    for item in subject.accepted:
        out.append(
            _line(
                subject.source,
                subject.license_line,
                "accepted-by-allow",
                acceptance_text(subject, item),
            )
        )
    for result, criterion, finding in problem_findings(subject):
        path, line, _end = finding_location(subject, finding)
        text = f"{subject.name}: {finding_text(result, criterion, finding)}"
        # The exception that covers the license covers its OSD findings too, as in SARIF.
        excepted = suppression_of(subject, result)
        if excepted is not None:
            text = f"suppressed until {excepted.expires} ({excepted.reason}): {text}"
        out.append(_line(path, line, criterion.id, text))
    return out


def render(report: Report, options: RenderOptions) -> str:
    """Every problem of the report, one per line; then the run's warnings."""
    below = below_threshold(report)
    out = [line for subject in report.subjects for line in _subject_lines(subject, below)]
    out += [f"licheck: warning: {display(warning)}\n" for warning in report.warnings]
    return guard_lines("".join(out))
