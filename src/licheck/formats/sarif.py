"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per OSD criterion and per policy rule, each with help text. Policy violations are
errors located at the `license:` declaration; the criterion findings behind them are warnings
(fail) or notes (needs review), located at the clause's lines when the clause engine found them
in a license file. Violations an exception suppresses carry SARIF `suppressions`
(OASIS SARIF 2.1.0, section 3.27.23), so viewers show them as dismissed with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.common import finding_location, finding_text, problem_findings, uri
from licheck.records import CRITERIA, Report, SubjectReport, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/licheck-ai/"

POLICY_RULES: dict[str, tuple[str, str]] = {
    "not-osi-approved": (
        "License is not OSI-approved",
        "The policy requires every license a model needs to be on OSI's list of approved licenses. "
        "Replace the model, ask the publisher for an OSI-approved license, or add a time-limited "
        "exception with a reason to the policy file.",
    ),
    "not-open": (
        "License is not open source",
        "At least one of the ten Open Source Definition criteria fails for this license; the "
        "criterion findings say which clause breaks it.",
    ),
    "cannot-verify": (
        "License cannot be verified",
        "licheck knows the license but cannot decide whether it meets the OSD (a criterion needs "
        "review). Review the flagged clauses, or provide the license text.",
    ),
    "unknown-license": (
        "Unknown license",
        "licheck does not know this license name. Use an SPDX id, a Hugging Face license id or "
        "a name `licheck licenses` lists, or give the license text so its clauses can be judged.",
    ),
    "no-license": (
        "No license declared",
        "The model declares no license, so nobody may use it as open source. Declare the "
        "license (or `NONE` for unreleased weights).",
    ),
    "license-text": (
        "License text is not open source",
        "A license text shipped with the model contains clauses that break the OSD.",
    ),
    "denied-license": (
        "License denied by policy",
        "The policy file lists this license under `deny`.",
    ),
    "inherited-license": (
        "Base model's license still applies",
        "A derivative (fine-tune, quantisation, adapter, merge) inherits its base model's license "
        "terms; declaring a more permissive license does not remove them.",
    ),
    "osaid": (
        "Model does not meet the Open Source AI Definition",
        "The policy requires OSAID 1.0: the model's parameters under open terms, its training, "
        "data-processing and inference code under OSI-approved licenses, and sufficiently "
        "detailed information about its training data. The message lists what is missing.",
    ),
    "exception-expired": (
        "Policy exception expired",
        "An exception in the policy file has passed its `expires` date; renew it with a reason or "
        "resolve the violation.",
    ),
}


def _rules() -> list[dict[str, Any]]:
    rules = []
    for criterion in CRITERIA:
        rules.append(
            {
                "id": criterion.id,
                "name": "".join(word[:1].upper() + word[1:] for word in criterion.title.split()),
                "shortDescription": {"text": f"OSD {criterion.id[3:]}: {criterion.title}"},
                "fullDescription": {"text": criterion.meaning},
                "help": {
                    "text": f"{criterion.title}: {criterion.meaning} (Open Source Definition, "
                    f"criterion {criterion.id[3:]}, https://opensource.org/osd)",
                },
                "helpUri": "https://opensource.org/osd",
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["license", "open-source-definition"]},
            }
        )
    for rule_id, (title, help_text) in POLICY_RULES.items():
        rules.append(
            {
                "id": rule_id,
                "name": "".join(part.capitalize() for part in rule_id.split("-")),
                "shortDescription": {"text": title},
                "fullDescription": {"text": help_text},
                "help": {"text": help_text},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["license", "policy"]},
            }
        )
    return rules


def _location(
    path: str | None, line: int | None, end_line: int | None = None
) -> list[dict[str, Any]]:
    if not path:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(path)}}
    if line and line >= 1:
        region: dict[str, Any] = {"startLine": line}
        if end_line and end_line >= line:
            region["endLine"] = end_line
        physical["region"] = region
    return [{"physicalLocation": physical}]


def _violation_result(
    violation: Violation, index: dict[str, int], subject: SubjectReport
) -> dict[str, Any]:
    rule = violation.rule if violation.rule in index else "not-open"
    return {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": "error",
        "message": {"text": f"{subject.name}: {violation.message}"},
        "locations": _location(violation.file or subject.source, violation.line),
    }


def _subject_results(subject: SubjectReport, index: dict[str, int]) -> list[dict[str, Any]]:
    results = [_violation_result(v, index, subject) for v in subject.violations]
    for suppression in subject.suppressed:
        result = _violation_result(suppression.violation, index, subject)
        justification = f"{suppression.reason} (exception expires {suppression.expires})"
        result["suppressions"] = [{"kind": "external", "justification": justification}]
        results.append(result)
    for license_result, criterion, finding in problem_findings(subject):
        path, line, end_line = finding_location(subject, finding)
        results.append(
            {
                "ruleId": criterion.id,
                "ruleIndex": index[criterion.id],
                "level": "warning" if finding.status == "fail" else "note",
                "message": {
                    "text": f"{subject.name}: {finding_text(license_result, criterion, finding)}"
                },
                "locations": _location(path, line, end_line),
            }
        )
    return results


def render(report: Report, options: RenderOptions) -> str:
    """The report as one SARIF 2.1.0 run."""
    from licheck import __version__

    rules = _rules()
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [r for subject in report.subjects for r in _subject_results(subject, index)]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "licheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {
                    "schema_version": 1,
                    "policy": report.policy,
                    "kb_version": report.kb_version,
                    "passed": report.passed,
                },
            }
        ],
    }
    return json.dumps(sarif, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
