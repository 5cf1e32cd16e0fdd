"""`--format jsonl`: one JSON object per line, a subject each, then a summary line.

For streams and large scans: a consumer can process each model as it arrives. Each line carries
`type` ("subject" or "summary") and the schema version.
"""

from __future__ import annotations

import json

from licheck.formats import RenderOptions
from licheck.formats.json_format import SCHEMA_VERSION, subject_to_dict
from licheck.records import Report, SubjectReport


def subject_line(subject: SubjectReport, kb_version: str) -> str:
    """One subject as a JSON line (also used by `scan` while it streams)."""
    data = {"type": "subject", "schema_version": SCHEMA_VERSION, "kb_version": kb_version}
    data.update(subject_to_dict(subject))
    return json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n"


def render(report: Report, options: RenderOptions) -> str:
    """Every subject on its own line, then the run's summary."""
    lines = [subject_line(s, report.kb_version) for s in report.subjects]
    summary = {
        "type": "summary",
        "schema_version": SCHEMA_VERSION,
        "passed": report.passed,
        "subjects": len(report.subjects),
        "failed": sum(1 for s in report.subjects if not s.passed),
        "policy": {"require": report.policy},
        "kb_version": report.kb_version,
        "licheck_version": report.licheck_version,
        "warnings": list(report.warnings),
    }
    lines.append(json.dumps(summary, sort_keys=True, ensure_ascii=False) + "\n")
    return "".join(lines)
