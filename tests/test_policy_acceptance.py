"""A license accepted only by the policy is named so in every report (issue 15, point 5).

An `allow` or `allow_families` entry that accepts a license the requirement would reject, and an
exception that suppresses a violation, are reported with the policy file and line: the gate is
green because the policy says so, not because the license is open.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from licheck.check import check_records
from licheck.formats import RenderOptions, renderer
from licheck.inputs.policy_file import load_policy
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, Policy, Report

POLICIES = Path(__file__).parent / "fixtures" / "policies"
SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def model(name: str, license: str, *bases: str) -> ModelRecord:
    return ModelRecord(
        source=f"{name}.yaml",
        format="model-yaml",
        name=name,
        license=license,
        license_line=2,
        base_models=bases,
    )


def full_policy(catalog: Catalog) -> Policy:
    # require: osd, allow: [CC-BY-NC-4.0] (line 3), allow_families: [gemma] (line 5).
    return load_policy(POLICIES / "full.yaml", catalog=catalog, shown="full.yaml")


def judged(catalog: Catalog, policy: Policy, *records: ModelRecord) -> Report:
    return check_records(list(records), policy=policy, today=TODAY, catalog=catalog)


def test_allow_by_id_is_named_with_its_line(catalog: Catalog) -> None:
    report = judged(catalog, full_policy(catalog), model("nc", "cc-by-nc-4.0"))
    (subject,) = report.subjects
    assert subject.passed
    (accepted,) = subject.accepted
    assert (accepted.rule, accepted.entry, accepted.license) == (
        "allow",
        "CC-BY-NC-4.0",
        "CC-BY-NC-4.0",
    )
    assert (accepted.policy_file, accepted.policy_line) == ("full.yaml", 3)
    assert accepted.verdict == "not-open" and "fails OSD1, OSD6" in accepted.reason


def test_allow_by_family_is_named_with_its_line(catalog: Catalog) -> None:
    report = judged(catalog, full_policy(catalog), model("g", "gemma"))
    (accepted,) = report.subjects[0].accepted
    assert (accepted.rule, accepted.entry) == ("allow_families", "gemma")
    assert (accepted.policy_file, accepted.policy_line) == ("full.yaml", 5)


def test_an_inherited_license_accepted_by_family_names_its_base(catalog: Catalog) -> None:
    policy = Policy(allow_families=frozenset({"llama"}), family_lines={"llama": 4}, source="p")
    report = judged(catalog, policy, model("ft", "apache-2.0", "meta-llama/Llama-2-7b-hf"))
    (subject,) = report.subjects
    assert subject.passed
    (accepted,) = subject.accepted
    assert accepted.inherited_from == "meta-llama/Llama-2-7b-hf" and accepted.policy_line == 4


def test_an_allowed_license_that_passes_anyway_is_not_marked(catalog: Catalog) -> None:
    policy = Policy(allow=frozenset({"Apache-2.0"}), source="p")
    report = judged(catalog, policy, model("a", "apache-2.0"))
    assert report.subjects[0].passed and report.subjects[0].accepted == ()


def test_a_denied_license_is_not_accepted(catalog: Catalog) -> None:
    report = judged(catalog, full_policy(catalog), model("m", "mit"))
    assert not report.subjects[0].passed and report.subjects[0].accepted == ()


@pytest.fixture
def allowed_report(catalog: Catalog) -> Report:
    return judged(catalog, full_policy(catalog), model("nc", "cc-by-nc-4.0"), model("ok", "mit"))


def test_terminal_names_the_allow_entry(allowed_report: Report) -> None:
    text = renderer("terminal")(allowed_report, RenderOptions(color=False, width=200))
    assert "Accepted by the policy despite failing" in text
    assert "accepted by allow 'CC-BY-NC-4.0' (full.yaml:3)" in text


def test_compact_terminal_marks_the_accepted_model(allowed_report: Report) -> None:
    text = renderer("terminal")(allowed_report, RenderOptions(color=False, width=300, compact=True))
    (line,) = [line for line in text.splitlines() if line.startswith("PASS  nc")]
    assert "~ 1 accepted by the policy despite failing" in line


def test_json_has_the_acceptance_field(allowed_report: Report) -> None:
    data = json.loads(renderer("json")(allowed_report, RenderOptions()))
    assert data["schema_version"] == 1
    nc, ok = data["subjects"]
    (accepted,) = nc["accepted"]
    assert accepted["rule"] == "allow" and accepted["entry"] == "CC-BY-NC-4.0"
    assert (accepted["policy_file"], accepted["policy_line"]) == ("full.yaml", 3)
    # Only added when something was accepted: other subjects keep their shape.
    assert "accepted" not in ok


def test_jsonl_has_the_acceptance_field(allowed_report: Report) -> None:
    output = renderer("jsonl")(allowed_report, RenderOptions())
    lines = [json.loads(line) for line in output.splitlines()]
    subjects = [line for line in lines if line.get("accepted")]
    assert len(subjects) == 1 and subjects[0]["accepted"][0]["policy_line"] == 3


def test_sarif_has_a_note_related_to_the_policy_line(allowed_report: Report) -> None:
    run = json.loads(renderer("sarif")(allowed_report, RenderOptions()))["runs"][0]
    assert "accepted-by-allow" in [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    (note,) = [r for r in run["results"] if r["ruleId"] == "accepted-by-allow"]
    assert note["level"] == "note" and "'CC-BY-NC-4.0'" in note["message"]["text"]
    region = note["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "nc.yaml" and region["region"]["startLine"] == 2
    related = note["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "full.yaml"
    assert related["region"]["startLine"] == 3


def test_sarif_with_an_acceptance_is_valid(allowed_report: Report) -> None:
    import jsonschema

    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (it lives in ../shared/schemas)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(renderer("sarif")(allowed_report, RenderOptions())), schema)


def test_terminal_names_the_exception_that_suppressed(gate_report: Report) -> None:
    text = renderer("terminal")(gate_report, RenderOptions(color=False, width=200))
    (line,) = [line for line in text.splitlines() if "suppressed by the exception" in line]
    assert "policy.yaml:4 until 2026-12-15" in line


def test_json_and_sarif_name_the_exception_that_suppressed(gate_report: Report) -> None:
    data = json.loads(renderer("json")(gate_report, RenderOptions()))
    research = next(s for s in data["subjects"] if s["name"] == "research-model")
    (suppressed,) = research["suppressed"]
    assert (suppressed["policy_file"], suppressed["policy_line"]) == ("policy.yaml", 4)
    results = json.loads(renderer("sarif")(gate_report, RenderOptions()))["runs"][0]["results"]
    excepted = [r for r in results if r["message"]["text"].startswith("research-model:")]
    assert all("LEGAL-7" in r["suppressions"][0]["justification"] for r in excepted)
