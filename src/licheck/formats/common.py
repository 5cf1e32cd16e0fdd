"""Small helpers the output formats share: paths as URIs, text safe for XML and annotations."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import quote

from licheck.records import CriterionResult, Finding, LicenseResult, SubjectReport

# Characters XML 1.0 cannot carry at all (control characters other than tab, newline, return).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text that an XML 1.0 document can hold (escaping is ElementTree's job)."""
    return _XML_INVALID.sub("\ufffd", text)


def uri(path: str) -> str:
    """A file path as a relative URI reference (SARIF artifactLocation.uri)."""
    posix = PurePath(path).as_posix()
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(posix)


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
    text = f"{label}: {criterion.id} {criterion.title} {finding.status}s: {finding.message}"
    if finding.evidence:
        section = f" (section {finding.section})" if finding.section else ""
        text += f' Evidence{section}: "{finding.evidence}"'
    return text
