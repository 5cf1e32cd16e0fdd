"""The terminal report: a PASS/FAIL/WARN line per model, a table of its licenses, then the evidence.

Built with rich; coloured on a TTY, plain ASCII-safe text otherwise (CI logs, NO_COLOR), so the
same words reach every reader. Findings that share a reason are shown once with all their
criteria, so an unknown license does not print the same sentence ten times. Each policy
violation is followed by one next step (formats/common.py NEXT_STEPS). A violation below the
policy's `fail_on` threshold is a yellow `!` that says so, and a model with only such violations
is WARN, not FAIL: the run passes.

Lines are wrapped here, at spaces, to the width asked for (COLUMNS): a license id, repo id or
path longer than the room keeps a line of its own rather than being folded mid-token, and a
table narrower than its longest id is drawn wider rather than cropped.

Every value from a model (names, paths, quoted clauses, messages) goes through
`sanitise.display` and reaches rich as a `Text`, never as markup; the whole output then goes
through `sanitise.guard_lines`, so no line, however wrapped, starts a GitHub workflow command.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from licheck.formats import RenderOptions
from licheck.formats.common import below_threshold, next_step, outcome
from licheck.formats.sanitise import display, guard_lines
from licheck.records import CriterionResult, LicenseResult, Report, SubjectReport

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

STATUS_STYLE = {"pass": "green", "fail": "bold red", "unknown": "yellow"}
OUTCOME_STYLE = {"PASS": "bold green", "FAIL": "bold red", "WARN": "bold yellow"}
# A violation's mark and colour by its severity (engine/policy.py grades it against fail_on).
VIOLATION_MARK = {"error": ("x", "red"), "warning": ("!", "yellow")}
VERDICT_STYLE = {
    "osi-approved": "bold green",
    "open": "green",
    "not-open": "bold red",
    "unknown": "yellow",
}


def make_console(options: RenderOptions) -> Console:
    """A console that renders into a string, coloured or plain as asked."""
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
    )


def _license_label(result: LicenseResult) -> Text:
    """The license's name, then how the declared name resolved (on a second line)."""
    from rich.text import Text

    name = display(result.name or result.declared)
    declared, rid = display(result.declared), display(result.id or "")
    if result.inherited_from:
        name = f"{name}\n(inherited from {display(result.inherited_from)})"
    if result.id is None:
        label = name if result.known else f"{name} (not recognised)"
    elif rid in (declared, name):
        label = name if rid in name else f"{name}\n{rid}"
    else:
        label = f"{name}\n{declared} -> {rid}"
    return Text(label)


def _grouped(criteria: tuple[CriterionResult, ...]) -> list[tuple[list[str], str, list[str]]]:
    """(criterion ids, message, detail lines), grouping criteria that share one reason."""
    groups: dict[tuple[str, str | None, str | None], list[str]] = {}
    order: list[tuple[str, str | None, str | None]] = []
    for criterion in criteria:
        for finding in criterion.findings:
            key = (finding.message, finding.evidence, finding.section)
            if key not in groups:
                groups[key] = []
                order.append(key)
            if criterion.id not in groups[key]:
                groups[key].append(criterion.id)
    result = []
    for key in order:
        message, evidence, section = key
        details = []
        if section:
            details.append(f"section {section}")
        if evidence:
            details.append(f'"{evidence}"')
        result.append((groups[key], message, details))
    return result


def _location(criteria: tuple[CriterionResult, ...], ids: list[str], message: str) -> str | None:
    for criterion in criteria:
        if criterion.id in ids:
            for finding in criterion.findings:
                if finding.message == message and finding.file and finding.line:
                    end = (
                        f"-{finding.end_line}"
                        if finding.end_line and finding.end_line != finding.line
                        else ""
                    )
                    return f"{finding.file}:{finding.line}{end}"
    return None


def _breaks(plain: str, width: int, rest: int | None = None) -> list[int]:
    """Where to start new lines so that the first holds at most `width` characters and the
    others `rest` (default: `width`), breaking only at spaces: a word longer than the width (a
    license id, a repo id, a path) keeps a line of its own, whole, rather than being folded
    mid-token as rich would fold it."""
    offsets = []
    start = 0
    room = width
    for word in re.finditer(r"\S+", plain):
        if word.end() - start > room and word.start() > start:
            offsets.append(word.start())
            start = word.start()
            room = width if rest is None else rest
    return offsets


def print_wrapped(console: Console, text: Text, indent: int = 0) -> None:
    """Print text wrapped at spaces under its indentation, never folding a token; the lines
    that go on a list item ("- ...") stand under its text, not under its dash."""
    from rich.text import Text

    for part in text.split("\n"):
        width = max(console.width - indent, 20)
        hang = 2 if part.plain.startswith("- ") else 0
        for number, line in enumerate(part.divide(_breaks(part.plain, width, width - hang))):
            line.rstrip()
            lead = indent + (hang if number else 0)
            # soft_wrap: rich neither wraps nor crops the line: it was wrapped above.
            console.print(Text(" " * lead) + line, soft_wrap=True)


def _indented(console: Console, text: str | Text, indent: int, style: str = "") -> None:
    """Print text wrapped under its own indentation, so evidence stays readable."""
    from rich.text import Text

    body = text if isinstance(text, Text) else Text(display(text), style=style)
    print_wrapped(console, body, indent)


def _openness(console: Console, subject: SubjectReport) -> None:
    """The "Open Source AI" section: OSAID 1.0 verdict and MOF class, beyond the license."""
    openness = subject.openness
    assert openness is not None
    _indented(console, "Open Source AI", 2, "bold")
    verdict = openness.osaid.verdict
    _indented(console, f"OSAID 1.0: {verdict}", 4, "green" if verdict == "pass" else "yellow")
    for miss in openness.osaid.missing:
        _indented(console, f"- {miss}", 6)
    mof = openness.mof
    progress = ", ".join(f"class {k} {v:g}%" for k, v in sorted(mof.progress.items()))
    _indented(console, f"MOF: {mof.label} (as the Model Openness Tool computes it; {progress})", 4)
    if openness.mof_licheck.mof_class != mof.mof_class:
        _indented(console, f"licheck's view: {openness.mof_licheck.label}", 6)
    for divergence in openness.divergences:
        _indented(console, f"- where MOT differs: {divergence.message}", 6)


def _subject_line(console: Console, subject: SubjectReport) -> None:
    """One line for a model: PASS/FAIL, name, where, and the first reason it fails."""
    from rich.text import Text

    line = Text(outcome(subject), style=OUTCOME_STYLE[outcome(subject)])
    where = display(subject.source) + (f":{subject.license_line}" if subject.license_line else "")
    line.append(f"  {display(subject.name)}  ({where})")
    licenses = ", ".join(
        f"{display(r.name or r.declared)}: {r.verdict}" for r in subject.licenses[:3]
    )
    if licenses:
        line.append(f"  {licenses}")
    if subject.violations:
        first = subject.violations[0]
        mark, style = VIOLATION_MARK[first.severity]
        line.append(f"  {mark} {display(first.message)}", style=style)
    elif subject.accepted or subject.suppressed:
        count = len(subject.accepted) + len(subject.suppressed)
        line.append(f"  ~ {count} accepted by the policy despite failing", style="yellow")
    print_wrapped(console, line)


def _subject(
    console: Console, subject: SubjectReport, below: str, show_openness: bool = False
) -> None:
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append(outcome(subject), style=OUTCOME_STYLE[outcome(subject)])
    head.append(f"  {display(subject.name)}", style="bold")
    where = display(subject.source) + (f":{subject.license_line}" if subject.license_line else "")
    head.append(f"  ({where})")
    print_wrapped(console, head)
    if subject.expression:
        _indented(console, f"license: {subject.expression}", 6)
    if subject.licenses:
        from rich import box

        # Plain text stays ASCII, so logs on any terminal and encoding read the same.
        plain = box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)
        table = Table(
            box=box.SIMPLE if console.color_system else plain,
            show_edge=False,
            pad_edge=False,
            expand=False,
        )
        labels = [_license_label(result) for result in subject.licenses]
        # The column is at least as wide as its longest id, so rich wraps labels at spaces
        # and never folds a license or repo id mid-token; the criterion columns hold "OSD10"
        # and their headers.
        longest = max((len(w) for label in labels for w in label.plain.split()), default=0)
        table.add_column("License", overflow="fold", min_width=longest, max_width=max(48, longest))
        table.add_column("Verdict", no_wrap=True)
        table.add_column("Score", justify="right", no_wrap=True)
        table.add_column("Fails", overflow="fold", min_width=5)
        table.add_column("Review", overflow="fold", min_width=6)
        for result, label in zip(subject.licenses, labels, strict=True):
            table.add_row(
                label,
                Text(result.verdict, style=VERDICT_STYLE[result.verdict]),
                f"{result.score}/10",
                " ".join(c.id for c in result.failing) or "-",
                " ".join(c.id for c in result.needing_review) or "-",
            )
        from rich.measure import Measurement

        # Narrower than the table's least width (a long id at a small COLUMNS), the table is
        # drawn at that width, uncropped: a long line beats a cut id or a cut verdict.
        least = Measurement.get(console, console.options, table).minimum
        console.print(table, width=max(least, console.width), crop=False)
    for result in subject.licenses:
        # Checked obligations get their own section below: the list is not repeated.
        print_evidence(console, result, duties=subject.obligation_mode is None)
    if subject.openness is not None and (subject.components or show_openness):
        _openness(console, subject)
    if subject.obligation_mode is not None:
        _obligations(console, subject)
    accepted = accepted_lines(subject)
    if accepted:
        _indented(console, "Accepted by the policy despite failing", 2, "bold yellow")
        for entry in accepted:
            _indented(console, f"~ {entry}", 4, "yellow")
    shown = [v for v in subject.violations if not v.rule.startswith("obligation-")]
    if shown:
        _indented(console, "Policy violations", 2, "bold")
        for violation in shown:
            mark, style = VIOLATION_MARK[violation.severity]
            line = Text(f"{mark} ", style=style)
            line.append(display(violation.message))
            if violation.severity == "warning":
                line.append(f" (warning: {below})", style=style)
            _indented(console, line, 4)
            step = next_step(subject, violation)
            if step is not None:
                _indented(console, f"next: {step}", 6, "dim")
    console.print()


def _at(file: str | None, line: int | None) -> str:
    return (file or "the policy") + (f":{line}" if file and line else "")


def accepted_lines(subject: SubjectReport) -> list[str]:
    """What passed only because the policy says so (issue 15): each license an allow entry
    accepted, with the entry and its line, and each violation an exception suppressed."""
    lines = []
    for item in subject.accepted:
        inherited = f" (inherited from {item.inherited_from})" if item.inherited_from else ""
        lines.append(
            f"{item.name}{inherited}: {item.verdict}, accepted by {item.rule} '{item.entry}' "
            f"({_at(item.policy_file, item.policy_line)}); without it: {item.reason}"
        )
    for suppression in subject.suppressed:
        lines.append(
            f"{suppression.violation.message}: suppressed by the exception at "
            f"{_at(suppression.policy_file, suppression.policy_line)} until "
            f"{suppression.expires} ({suppression.reason})"
        )
    return [display(line) for line in lines]


_MARKS = {"met": ("✓", "green"), "unmet": ("✗", "red"), "unknown": ("?", "yellow")}


def _obligations(console: Console, subject: SubjectReport) -> None:
    """Each obligation: ✓ met with its evidence, ✗ unmet with the fix, ? unknown."""
    from rich.text import Text

    counts = {status: sum(o.status == status for o in subject.obligations) for status in _MARKS}
    enforced = " (enforced: unmet is a violation)" if subject.obligation_mode == "enforce" else ""
    _indented(
        console,
        f"Obligations: {counts['met']} met, {counts['unmet']} unmet, "
        f"{counts['unknown']} unknown{enforced}",
        2,
        "bold",
    )
    for duty in subject.obligations:
        mark, style = _MARKS[duty.status]
        line = Text(f"{mark} {duty.status} ", style=style)
        section = f" {display(duty.section)}" if duty.section else ""
        inherited = f", from {display(duty.inherited_from)}" if duty.inherited_from else ""
        line.append(f"{display(duty.license)}{section} {duty.kind}{inherited}: ")
        line.append(display(duty.duty))
        _indented(console, line, 4)
        for item in duty.evidence:
            where = display(item.file) + (f":{item.line}" if item.line else "")
            _indented(console, f'{where}: "{display(item.text)}"', 8)
        if duty.fix:
            _indented(
                console, f"{'fix' if duty.status == 'unmet' else 'note'}: {display(duty.fix)}", 8
            )


def print_evidence(console: Console, result: LicenseResult, duties: bool = True) -> None:
    """The failing and doubtful criteria of a license with their evidence, then its obligations."""

    label = result.name or result.declared
    if result.unverified:
        _indented(console, f"{label}: cannot verify", 2, "bold yellow")
        for reason in result.unverified:
            _indented(console, f"- {reason}", 4)
    if result.differences:
        _indented(console, f"{label}: differs from the original", 2, "bold yellow")
        for difference in result.differences:
            _indented(console, f"- {difference}", 4)
    for title, status, style in (("fails", "fail", "red"), ("needs review", "unknown", "yellow")):
        criteria = tuple(c for c in result.criteria if c.status == status)
        if not criteria:
            continue
        _indented(console, f"{label}: {title}", 2, "bold " + style)
        for ids, message, details in _grouped(criteria):
            titles = ", ".join(ids) if len(ids) > 1 else f"{ids[0]} {_title(criteria, ids[0])}"
            _indented(console, titles, 4, style)
            where = _location(criteria, ids, message)
            for detail in ([where] if where else []) + details:
                _indented(console, detail, 6)
            _indented(console, f"why: {message}", 6)
    if duties and result.obligations and result.verdict != "osi-approved":
        _indented(console, f"{label}: obligations (do not break the OSD)", 2, "bold")
        for obligation in result.obligations:
            section = f" ({obligation.section})" if obligation.section else ""
            _indented(console, f"- {obligation.kind}{section}: {obligation.text}", 4)


def _title(criteria: tuple[CriterionResult, ...], cid: str) -> str:
    return next(c.title for c in criteria if c.id == cid)


def _below_threshold(report: Report) -> str:
    """What the policy's `fail_on` threshold let through: said on the summary line, so a run
    that exits 0 with violations never reads as a clean pass."""
    summary = report.summary
    if summary is None or summary.fail_on == "any":
        return ""
    below = summary.below_threshold
    return f", {below} of them below fail-on {summary.fail_on} (not failing the run)"


def render(report: Report, options: RenderOptions) -> str:
    """The whole report as text (with ANSI colour codes when options.color)."""
    from rich.text import Text

    if options.quiet and all(s.passed for s in report.subjects):
        # `-q`: nothing on success; a model below the fail-on threshold (WARN) is still shown.
        return ""
    console = make_console(options)
    for subject in report.subjects:
        if options.quiet and subject.passed:
            continue
        if options.compact:
            _subject_line(console, subject)
        else:
            _subject(
                console, subject, below_threshold(report), show_openness=report.policy == "osaid"
            )
    failed = sum(1 for s in report.subjects if not s.passed)
    checked = len(report.subjects)
    summary = Text(
        "PASS" if report.passed else "FAIL", style="bold green" if report.passed else "bold red"
    )
    summary.append(
        f": {checked} model{'s' if checked != 1 else ''} checked, {checked - failed} passed, "
        f"{failed} failed{_below_threshold(report)} (policy: {report.policy}"
        f"{' from ' + report.policy_file if report.policy_file else ''}; "
        f"knowledge base {report.kb_version}; "
        f"licheck {report.licheck_version})"
    )
    print_wrapped(console, summary)
    if report.summary is not None and report.summary.skipped:
        left = ", ".join(f"{reason}: {n}" for reason, n in report.summary.skipped)
        print_wrapped(console, Text(f"left out (not judged): {left}"))
    for warning in report.warnings:
        print_wrapped(console, Text(f"warning: {display(warning)}", style="yellow"))
    output = console.file
    assert isinstance(output, io.StringIO)
    # Table cells are padded to the column width; trailing blanks only add noise to logs and diffs.
    text = "".join(line.rstrip() + "\n" for line in output.getvalue().splitlines())
    return guard_lines(text)
