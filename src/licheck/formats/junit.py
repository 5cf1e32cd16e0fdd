"""`--format junit`: JUnit XML, a test case per model x license, for CI test-report views.

Names are unique within the document (GitLab drops test cases whose names repeat), failures
carry the reasons, and violations an exception suppresses are reported as skipped with the
exception's reason. A case whose violations all lie below the policy's `fail_on` threshold
does not fail the run, so it is no `<failure>` (a red test would block what the policy lets
through) and no `<skipped>` (it was judged): it passes, and its `<system-out>` says
`warning (below fail-on X, does not fail the run)` with every reason, which Jenkins and GitLab
show beside the case. Every value from a model goes through `sanitise.xml_text` (one inert line
that XML 1.0 can hold); ElementTree escapes the markup.

Jenkins splits `classname` at its last dot into package and class, so the class name is
`licheck.` and the model's name with its dots written as underscores (a file path such as
`examples/llama-2-7b/model.yaml` used to show as package `...model`, class `yaml`); GitLab shows
the class name as it is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from licheck.formats import RenderOptions
from licheck.formats.common import below_threshold, duty_severity
from licheck.formats.sanitise import display, xml_safe, xml_text
from licheck.records import LicenseResult, Report, SubjectReport, Violation


def _details(result: LicenseResult | None, violations: list[Violation]) -> str:
    lines = [display(v.message) for v in violations]
    if result is not None:
        for criterion in result.failing:
            for finding in criterion.findings:
                where = (
                    f" [{display(finding.file)}:{finding.line}]"
                    if finding.file and finding.line
                    else ""
                )
                evidence = f' "{display(finding.evidence)}"' if finding.evidence else ""
                lines.append(
                    f"{criterion.id} {criterion.title}: {display(finding.message)}{evidence}{where}"
                )
    return "\n".join(lines)


def _cases(
    subject: SubjectReport,
) -> list[tuple[str, LicenseResult | None, list[Violation], list[str]]]:
    """(case label, license, its violations, suppression reasons) for a subject."""
    cases: list[tuple[str, LicenseResult | None, list[Violation], list[str]]] = []
    claimed: set[int] = set()
    for result in subject.licenses:
        keys = {result.id, result.declared}
        own = [
            v
            for v in subject.violations
            if v.license in keys and not v.rule.startswith("obligation-")
        ]
        claimed.update(id(v) for v in own)
        reasons = [
            f"{s.violation.message}; suppressed until {s.expires}: {s.reason}"
            for s in subject.suppressed
            if s.violation.license in keys
        ]
        cases.append((result.declared, result, own, reasons))
    claimed.update(id(v) for v in subject.violations if v.rule.startswith("obligation-"))
    rest = [v for v in subject.violations if id(v) not in claimed]
    if rest or not subject.licenses:
        cases.append(("license declaration", None, rest, []))
    return cases


def _obligation_cases(
    suite: ET.Element, subject: SubjectReport, counts: dict[str, int], below: str
) -> None:
    """One case per obligation: unmet fails when enforced; unknown is skipped (fails under
    --strict); met passes. One whose violation lies below `fail_on` passes with a warning."""
    for number, duty in enumerate(subject.obligations, start=1):
        section = f" {duty.section}" if duty.section else ""
        name = xml_text(
            f"{subject.name} :: obligation {number} {duty.license}{section} {duty.kind}"
        )
        case = ET.SubElement(suite, "testcase", classname=classname(subject), name=name)
        counts["tests"] += 1
        fix = f": {duty.fix}" if duty.fix else ""
        message = xml_text(f"{duty.status}: {duty.duty}{fix}")
        severity = duty_severity(subject, duty)
        out = [f"status: {duty.status}"]
        if severity == "error":
            counts["failures"] += 1
            ET.SubElement(case, "failure", message=message, type=f"obligation-{duty.status}")
        elif severity == "warning":
            out.append(f"warning ({below}): {message}")
        elif duty.status != "met":
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=message)
        evidence = [xml_text(f"{e.file}:{e.line or ''} {e.text}") for e in duty.evidence]
        ET.SubElement(case, "system-out").text = "\n".join([*out, *evidence])


def classname(subject: SubjectReport) -> str:
    """`licheck.<model>`: Jenkins shows package `licheck`, class the model (dots would split)."""
    return "licheck." + (xml_text(subject.name).replace(".", "_") or "model")


def render(report: Report, options: RenderOptions) -> str:
    """The report as a JUnit XML document, one test suite per model."""
    root = ET.Element("testsuites", name="licheck")
    below = below_threshold(report)
    seen: dict[str, int] = {}
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for subject in report.subjects:
        suite = ET.SubElement(
            root, "testsuite", name=xml_text(f"{subject.name} ({subject.source})")
        )
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for label, result, violations, reasons in _cases(subject):
            name = xml_text(f"{subject.name} :: {label}")
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            case = ET.SubElement(suite, "testcase", classname=classname(subject), name=name)
            counts["tests"] += 1
            out: list[str] = []
            if result is not None:
                out.append(f"verdict: {result.verdict}, score {result.score}/10")
            errors = [v for v in violations if v.severity == "error"]
            if errors:
                counts["failures"] += 1
                # The failure lists every reason, those below the threshold too: one place.
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=xml_text(errors[0].message),
                    type=errors[0].rule,
                )
                failure.text = xml_safe(_details(result, violations))
            elif violations:
                rules = ", ".join(dict.fromkeys(v.rule for v in violations))
                out += [f"warning ({below}): {rules}", xml_safe(_details(result, violations))]
            elif reasons:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_text("; ".join(reasons)))
            if out:
                ET.SubElement(case, "system-out").text = "\n".join(out)
        _obligation_cases(suite, subject, counts, below)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
