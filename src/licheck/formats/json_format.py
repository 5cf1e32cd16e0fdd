"""`--format json`: the versioned machine contract (schema_version 1).

Keys are sorted and nothing depends on the clock, so the same input gives byte-identical output.
Fields are only ever added within a schema version; renaming or removing one bumps it. The
contract is written down as a JSON Schema (draft 2020-12) shipped in the package,
`formats/schemas/licheck-report-1.schema.json` (`report_schema()`): it describes this document
and every `--format jsonl` line, and the tests validate every output against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.jsonout import dumps
from licheck.formats.sanitise import json_inert
from licheck.records import (
    Acceptance,
    CriterionResult,
    Finding,
    LicenseResult,
    MofResult,
    ObligationResult,
    Openness,
    Report,
    SubjectReport,
    Violation,
)

SCHEMA_VERSION = 1
SCHEMA_FILE = f"licheck-report-{SCHEMA_VERSION}.schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of this version's JSON and JSONL outputs, read from the installed package
    (importlib.resources: it is found in a wheel, a zip or a checkout alike)."""
    import json
    from importlib.resources import files

    text = files("licheck.formats").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "message": finding.message,
        "evidence": finding.evidence,
        "section": finding.section,
        "file": finding.file,
        "line": finding.line,
        "end_line": finding.end_line,
        "rule": finding.rule,
        "source": finding.source,
        "status": finding.status,
    }


def _criterion(criterion: CriterionResult) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "title": criterion.title,
        "status": criterion.status,
        "findings": [_finding(f) for f in criterion.findings],
    }


def license_to_dict(result: LicenseResult) -> dict[str, Any]:
    """One judged license as JSON data (shared with `licheck explain --format json`)."""
    return {
        "id": result.id,
        "name": result.name,
        "declared": result.declared,
        "known": result.known,
        "profile": result.profile,
        "family": result.family,
        "url": result.url,
        "note": result.note,
        "osi_approved": result.osi_approved,
        "verdict": result.verdict,
        "score": result.score,
        "failing": [c.id for c in result.failing],
        "needs_review": [c.id for c in result.needing_review],
        "criteria": [_criterion(c) for c in result.criteria],
        "obligations": [
            {"kind": o.kind, "text": o.text, "section": o.section} for o in result.obligations
        ],
        "texts": list(result.texts),
        "inherited_from": result.inherited_from,
        "match": result.match,
        "similarity": round(result.similarity, 4) if result.similarity is not None else None,
        "differences": list(result.differences),
        "unverified": list(result.unverified),
    }


def _violation(violation: Violation) -> dict[str, Any]:
    return {
        "rule": violation.rule,
        "message": violation.message,
        "license": violation.license,
        "file": violation.file,
        "line": violation.line,
        # `error` fails the run; `warning` lies below the policy's `fail_on` threshold.
        "severity": violation.severity,
    }


def subject_to_dict(subject: SubjectReport) -> dict[str, Any]:
    """One subject as the JSON contract describes it (also used by jsonl streaming)."""
    return {
        "source": subject.source,
        "format": subject.format,
        "name": subject.name,
        "expression": subject.expression,
        "license_line": subject.license_line,
        "passed": subject.passed,
        "licenses": [license_to_dict(lic) for lic in subject.licenses],
        "violations": [_violation(v) for v in subject.violations],
        "suppressed": [
            {
                **_violation(s.violation),
                "reason": s.reason,
                "expires": s.expires,
                "owner": s.owner,
                "ticket": s.ticket,
                "policy_file": s.policy_file,
                "policy_line": s.policy_line,
            }
            for s in subject.suppressed
        ],
        "warnings": list(subject.warnings),
        "openness": openness_to_dict(subject.openness) if subject.openness else None,
        # Added by issue 15, only when an allow entry accepted a license that would otherwise
        # fail (schema_version stays 1): the entry, its policy file and line, and why.
        **(
            {"accepted": [acceptance_to_dict(a) for a in subject.accepted]}
            if subject.accepted
            else {}
        ),
        # Added by issue 19, only when the obligations were checked (schema_version stays 1).
        **(
            {
                "obligation_mode": subject.obligation_mode,
                "obligations": [obligation_to_dict(o) for o in subject.obligations],
            }
            if subject.obligation_mode is not None
            else {}
        ),
    }


def acceptance_to_dict(item: Acceptance) -> dict[str, Any]:
    """`{license, name, verdict, rule, entry, reason, inherited_from, policy_file, policy_line}`."""
    return {
        "license": item.license,
        "name": item.name,
        "verdict": item.verdict,
        "rule": item.rule,
        "entry": item.entry,
        "reason": item.reason,
        "inherited_from": item.inherited_from,
        "policy_file": item.policy_file,
        "policy_line": item.policy_line,
    }


def obligation_to_dict(duty: ObligationResult) -> dict[str, Any]:
    """One obligation: `{license, kind, duty, status, evidence: [{file, line, text}], fix}`."""
    return {
        "license": duty.license,
        "kind": duty.kind,
        "section": duty.section,
        "duty": duty.duty,
        "status": duty.status,
        "test": duty.test,
        "inherited_from": duty.inherited_from,
        "evidence": [{"file": e.file, "line": e.line, "text": e.text} for e in duty.evidence],
        "fix": duty.fix,
        "file": duty.file,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The whole report as plain data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "licheck_version": report.licheck_version,
        "kb_version": report.kb_version,
        "policy": {
            "require": report.policy,
            "file": report.policy_file,
            "fail_on": report.summary.fail_on if report.summary else None,
        },
        # A streamed run's head has no subjects: its summary says whether the run passed.
        "passed": report.summary.passed
        if report.summary and not report.subjects
        else report.passed,
        "subjects": [subject_to_dict(s) for s in report.subjects],
        "warnings": list(report.warnings),
        "skipped": dict(report.summary.skipped) if report.summary else {},
    }


def render(report: Report, options: RenderOptions) -> str:
    """The report as indented, key-sorted JSON."""
    return json_inert(dumps(report_to_dict(report))) + "\n"


def subject_chunk(subject: SubjectReport) -> str:
    """One subject as it stands inside the document's `subjects` list (indented two levels):
    what a streaming scan writes as each model comes, so memory does not grow with the tree."""
    return "\n".join(
        "    " + line for line in json_inert(dumps(subject_to_dict(subject))).split("\n")
    )


def render_streamed(head: Report, chunks: Iterable[str]) -> Iterator[str]:
    """The same document `render` writes for head's run with these subjects, in pieces: the
    subjects were written out as they came (subject_chunk), the head from the run's summary."""
    document = json_inert(dumps(report_to_dict(head)))
    before, marker, after = document.partition('\n  "subjects": [],\n')
    if not marker:
        raise ValueError("a report head must have an empty subjects list")
    yield before + '\n  "subjects": ['
    first = True
    for chunk in chunks:
        yield ("\n" if first else ",\n") + chunk
        first = False
    yield ("\n  ],\n" if not first else "],\n") + after + "\n"


def _progress(result: MofResult) -> dict[str, float]:
    """`{class1: %, class2: %, class3: %}`, rounded to 0.1."""
    return {f"class{k}": round(result.progress[k], 1) for k in (1, 2, 3)}


def openness_to_dict(openness: Openness) -> dict[str, object]:
    """The report's `openness` object (schema: issue 7), plus licheck's corrected view."""
    return {
        "osaid": openness.osaid.verdict,
        "osaid_missing": [str(m) for m in openness.osaid.missing],
        "mof_class": openness.mof.mof_class,
        "mof_progress": _progress(openness.mof),
        "mof_licheck": {
            "mof_class": openness.mof_licheck.mof_class,
            "mof_progress": _progress(openness.mof_licheck),
        },
        "mot_divergences": [
            {"component": d.component, "license": d.license, "message": d.message}
            for d in openness.divergences
        ],
    }
