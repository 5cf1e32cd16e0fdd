"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per OSD criterion and per policy rule, each with help text. Policy violations are
errors located at the `license:` declaration (warnings when they lie below the policy's
`fail_on` threshold, so code scanning shows no blocking alert for what the policy lets
through); the criterion findings behind them are warnings
(fail) or notes (needs review), located at the clause's lines when the clause engine found them
in a license file. Violations an exception suppresses carry SARIF `suppressions`
(OASIS SARIF 2.1.0, section 3.27.23), so viewers show them as dismissed with the reason; the
same suppression covers every result of the excepted license (its OSD findings too).

For GitHub code scanning: every rule has a readable `name` (PascalCase, not its id) and a
`helpUri` (a page under docs/rules/); every result has `partialFingerprints` (section 3.27.17)
that stay the same across runs (no line numbers in them: a moved clause is the same alert) and
differ between results that share a rule and a line. Messages go through `sanitise.display`
and the document through `sanitise.json_inert`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.common import (
    acceptance_text,
    finding_location,
    finding_text,
    obligation_level,
    obligation_text,
    problem_findings,
    suppression_of,
    uri,
)
from licheck.formats.jsonout import dumps
from licheck.formats.sanitise import display, json_inert
from licheck.records import CRITERIA, Report, SubjectReport, Suppression, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/licheck/licheck"
# One page per rule in the repository (docs/rules/<id>.md).
RULES_URI = INFORMATION_URI + "/blob/main/docs/rules/"
FINGERPRINT = "licheck/v1"

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
        "License is unknown to licheck",
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
    "access-condition": (
        "Getting the model requires terms that break the OSD",
        "The model's download gate makes every downloader accept terms or agree with the "
        "licensor (OSD7, OSD10), or excludes a region (OSD5). Host the model without the gate, "
        "or add a time-limited exception with a reason to the policy file.",
    ),
    "unreadable": (
        "Model description cannot be read",
        "licheck could not read or judge this model in time; nothing unverified passes. Fix the "
        "file the message names, or raise --timeout.",
    ),
    "exception-expired": (
        "Policy exception expired",
        "An exception in the policy file has passed its `expires` date; renew it with a reason or "
        "resolve the violation.",
    ),
}


# One rule per obligation kind (issue 19), listed only when a run checked obligations.
OBLIGATION_RULES: dict[str, tuple[str, str]] = {
    f"obligation-{kind}": (
        f"License obligation not met: {kind}",
        f"A license the model carries or inherits demands a {kind} duty of whoever publishes it "
        "(a copy of the license, a Notice line, a name prefix, an attribution, the use "
        "restrictions passed on); the message says what to add and where.",
    )
    for kind in ("notice", "attribution", "naming", "use-policy", "gating", "other")
}


# Listed only when a run has a license accepted by an allow entry alone (issue 15), so the
# rule list of every other run stays as it was.
ACCEPTANCE_RULES: dict[str, tuple[str, str]] = {
    "accepted-by-allow": (
        "License accepted only by an allow entry",
        "The policy's `allow` or `allow_families` list accepts a license that its requirement "
        "would reject (not open, not OSI-approved). The result is a note at the model's license "
        "declaration, related to the policy line; remove the entry to make it a violation.",
    ),
}


# Listed only when a run has a base model whose terms licheck could not know (issue 14), so the
# rule list (and the rule indexes) of every other run stays as it was; before it had a rule of
# its own, such a result was filed under `not-open`, which it is not.
BASE_RULES: dict[str, tuple[str, str]] = {
    "unknown-base": (
        "Base model's license is unknown",
        "A derivative inherits its base model's license terms, and licheck could not know them "
        "(the base is not in the run, not in licheck's table of base models, or the chain of "
        "bases loops or goes too deep). Declare the base's license, check the base in the same "
        "run, or set `unknown_base: warn` in the policy after a review.",
    ),
}


def _pascal(title: str) -> str:
    """A rule's readable name: its title in PascalCase ("LicenseIsNotOsiApproved")."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(word[:1].upper() + word[1:].lower() for word in words)


def _rules(
    with_obligations: bool = False, with_acceptances: bool = False, with_bases: bool = False
) -> list[dict[str, Any]]:
    rules = []
    for criterion in CRITERIA:
        rules.append(
            {
                "id": criterion.id,
                "name": _pascal(criterion.title),
                "shortDescription": {"text": f"OSD {criterion.id[3:]}: {criterion.title}"},
                "fullDescription": {"text": criterion.meaning},
                "help": {
                    "text": f"{criterion.title}: {criterion.meaning} (Open Source Definition, "
                    f"criterion {criterion.id[3:]}, https://opensource.org/osd)",
                },
                "helpUri": f"{RULES_URI}{criterion.id}.md",
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["license", "open-source-definition"]},
            }
        )
    extra = OBLIGATION_RULES if with_obligations else {}
    accepted = ACCEPTANCE_RULES if with_acceptances else {}
    bases = BASE_RULES if with_bases else {}
    for rule_id, (title, help_text) in {**POLICY_RULES, **extra, **accepted, **bases}.items():
        rules.append(
            {
                "id": rule_id,
                "name": _pascal(title),
                "shortDescription": {"text": title},
                "fullDescription": {"text": help_text},
                "help": {"text": help_text},
                "helpUri": f"{RULES_URI}{rule_id}.md",
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
        # engine/policy.py graded it: below the `fail_on` threshold, it does not fail the run.
        "level": violation.severity,
        "message": {"text": display(f"{subject.name}: {violation.message}")},
        "locations": _location(violation.file or subject.source, violation.line),
        # What identifies this alert across runs: the model, the rule, the license, the reason.
        "_key": [subject.source, subject.name, rule, violation.license or "", violation.message],
    }


def _suppressions(suppression: Suppression) -> list[dict[str, Any]]:
    justification = f"{suppression.reason} (exception expires {suppression.expires})"
    return [{"kind": "external", "justification": display(justification)}]


def _subject_results(subject: SubjectReport, index: dict[str, int]) -> list[dict[str, Any]]:
    results = [
        _violation_result(v, index, subject)
        for v in subject.violations
        if not v.rule.startswith("obligation-")  # shown below, at the file that should hold it
    ]
    results.extend(_obligation_results(subject, index))
    for suppression in subject.suppressed:
        result = _violation_result(suppression.violation, index, subject)
        result["suppressions"] = _suppressions(suppression)
        results.append(result)
    results.extend(_acceptance_results(subject, index))
    for license_result, criterion, finding in problem_findings(subject):
        path, line, end_line = finding_location(subject, finding)
        text = f"{subject.name}: {finding_text(license_result, criterion, finding)}"
        result = {
            "ruleId": criterion.id,
            "ruleIndex": index[criterion.id],
            "level": "warning" if finding.status == "fail" else "note",
            "message": {"text": display(text)},
            "locations": _location(path, line, end_line),
            "_key": [
                subject.source,
                subject.name,
                criterion.id,
                license_result.id or license_result.declared,
                finding.message,
                finding.evidence or "",
                finding.file or "",
            ],
        }
        excepted = suppression_of(subject, license_result)
        if excepted is not None:
            result["suppressions"] = _suppressions(excepted)
        results.append(result)
    return results


def _acceptance_results(subject: SubjectReport, index: dict[str, int]) -> list[dict[str, Any]]:
    """A note per license only an allow entry accepted, at the model's license declaration and
    related to the policy line that accepts it."""
    results = []
    for item in subject.accepted:
        text = acceptance_text(subject, item)
        result: dict[str, Any] = {
            "ruleId": "accepted-by-allow",
            "ruleIndex": index["accepted-by-allow"],
            "level": "note",
            "message": {"text": display(text)},
            "locations": _location(subject.source, subject.license_line),
            "_key": [subject.source, subject.name, "accepted-by-allow", item.license],
        }
        related = _location(item.policy_file, item.policy_line)
        if related:
            result["relatedLocations"] = [{"id": 0, **related[0]}]
        results.append(result)
    return results


def _obligation_results(subject: SubjectReport, index: dict[str, int]) -> list[dict[str, Any]]:
    """An unmet obligation at the file that should meet it: an error when the policy enforces
    obligations, else a warning; an unknown one is a note (an error under --strict)."""
    results = []
    for duty in subject.obligations:
        level = obligation_level(subject, duty)
        if level == "none":
            continue
        rule = f"obligation-{duty.kind}"
        text = obligation_text(subject, duty)
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": level,
                "message": {"text": display(text)},
                "locations": _location(duty.file or subject.source, None),
                "_key": [subject.source, subject.name, rule, duty.license, duty.duty],
            }
        )
    return results


def _fingerprint(results: list[dict[str, Any]]) -> None:
    """Give each result its `partialFingerprints` (and drop the key it was made from): a hash
    of what the alert is about, numbered when two results are about the same thing."""
    seen: dict[str, int] = {}
    for result in results:
        key = "\0".join(result.pop("_key"))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = f":{seen[digest]}" if seen[digest] > 1 else ""
        result["partialFingerprints"] = {FINGERPRINT: digest + suffix}


def render(report: Report, options: RenderOptions) -> str:
    """The report as one SARIF 2.1.0 run."""
    from licheck import __version__

    rules = _rules(
        any(s.obligation_mode is not None for s in report.subjects),
        any(s.accepted for s in report.subjects),
        any(
            v.rule in BASE_RULES
            for s in report.subjects
            for v in (*s.violations, *(x.violation for x in s.suppressed))
        ),
    )
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [r for subject in report.subjects for r in _subject_results(subject, index)]
    _fingerprint(results)
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
    return json_inert(dumps(sarif)) + "\n"
