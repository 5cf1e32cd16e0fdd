"""`--format jsonl`: one JSON object per line, a subject each, then a summary line.

For streams and large scans: a consumer can process each model as it arrives. Each line carries
`type` ("subject" or "summary") and the schema version.
"""

from __future__ import annotations

from licheck.formats import RenderOptions
from licheck.formats.json_format import SCHEMA_VERSION, subject_to_dict
from licheck.formats.jsonout import line
from licheck.formats.sanitise import json_inert
from licheck.records import Report, SubjectReport, Summary


def subject_line(subject: SubjectReport, kb_version: str) -> str:
    """One subject as a JSON line (also used by `scan` while it streams)."""
    data = {"type": "subject", "schema_version": SCHEMA_VERSION, "kb_version": kb_version}
    data.update(subject_to_dict(subject))
    return json_inert(line(data)) + "\n"


def summary_line(summary: Summary) -> str:
    """The run's closing summary line: one shape for check and scan (schema 1).

    `passed` (the run passes), `subjects`, `passed_subjects`, `failed`, `unreadable`,
    `unknown_bases` (models with a base whose terms licheck could not know),
    `below_threshold` (models whose violations all lie below the policy's `fail_on`),
    `by_verdict` and `by_license` (declared licenses counted), `warnings`, the policy's
    requirement and the versions.
    """
    data = {
        "type": "summary",
        "schema_version": SCHEMA_VERSION,
        "passed": summary.passed,
        "subjects": summary.subjects,
        "passed_subjects": summary.passed_subjects,
        "failed": summary.failed,
        "unreadable": summary.unreadable,
        "unknown_bases": summary.unknown_bases,
        "by_verdict": dict(summary.by_verdict),
        "by_license": dict(summary.by_license),
        "policy": {
            "require": summary.policy,
            "file": summary.policy_file,
            "fail_on": summary.fail_on,
        },
        "below_threshold": summary.below_threshold,
        "skipped": dict(summary.skipped),
        "kb_version": summary.kb_version,
        "licheck_version": summary.licheck_version,
        "warnings": list(summary.warnings),
    }
    return json_inert(line(data)) + "\n"


def render(report: Report, options: RenderOptions) -> str:
    """Every subject on its own line, then the run's summary."""
    if report.summary is None:
        raise ValueError("a JSONL report needs the run's summary (engine.report.build_report)")
    lines = [subject_line(s, report.kb_version) for s in report.subjects]
    lines.append(summary_line(report.summary))
    return "".join(lines)
