"""Every output format: golden files from one canned report, plus each format's own contract.

Regenerate after an intended change with `LICHECK_UPDATE_GOLDEN=1 pytest tests/test_formats.py`.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from licheck.formats import BINARY_FORMATS, FORMATS, RenderOptions, renderer
from licheck.formats.github import command
from licheck.formats.markdown import cell
from licheck.records import Report

GOLDEN = Path(__file__).parent / "golden" / "formats"
SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
SUFFIX = {
    "json": "json",
    "jsonl": "jsonl",
    "sarif": "sarif",
    "junit": "xml",
    "markdown": "md",
    "spdx3": "spdx3.jsonld",
    "cyclonedx": "cdx.json",
    "html": "html",
    "lines": "lines.txt",
}


TEXT_FORMATS = sorted(set(FORMATS) - BINARY_FORMATS)


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_format_matches_golden_file(name: str, gate_report: Report) -> None:
    output = renderer(name)(gate_report, RenderOptions())
    golden = GOLDEN / f"gate.{SUFFIX.get(name, 'txt') if name != 'github' else 'github.txt'}"
    if os.environ.get("LICHECK_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_fail_on_format_matches_golden_file(name: str, fail_on_report: Report) -> None:
    """Under `fail_on: not-open`, what lies below the threshold is a warning in every format."""
    output = renderer(name)(fail_on_report, RenderOptions())
    suffix = SUFFIX.get(name, "txt") if name != "github" else "github.txt"
    golden = GOLDEN.parent / "fail_on" / f"fail-on.{suffix}"
    if os.environ.get("LICHECK_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_parquet_rows_match_golden_file(gate_report: Report) -> None:
    """The binary format's rows, as JSON (what a reader of the file gets back)."""
    pytest.importorskip("pyarrow")
    from licheck.formats.parquet import tables

    rows = [row for table in tables(gate_report) for row in table.to_pylist()]
    output = json.dumps(rows, indent=1, sort_keys=True) + "\n"
    golden = GOLDEN / "gate.parquet.json"
    if os.environ.get("LICHECK_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_a_binary_format_has_no_text_form(gate_report: Report) -> None:
    with pytest.raises(ValueError, match="binary"):
        renderer("parquet")(gate_report, RenderOptions())


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_output_is_deterministic(name: str, gate_report: Report) -> None:
    render = renderer(name)
    assert render(gate_report, RenderOptions()) == render(gate_report, RenderOptions())


def test_sarif_validates_against_the_official_schema(gate_report: Report) -> None:
    import jsonschema

    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (it lives in ../shared/schemas)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    sarif = json.loads(renderer("sarif")(gate_report, RenderOptions()))
    jsonschema.validate(sarif, schema)


def test_sarif_points_at_the_declaration_and_suppresses_with_reason(gate_report: Report) -> None:
    sarif = json.loads(renderer("sarif")(gate_report, RenderOptions()))
    run = sarif["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids[:10] == [f"OSD{i}" for i in range(1, 11)] and "not-osi-approved" in rule_ids
    errors = [r for r in run["results"] if r["level"] == "error" and "suppressions" not in r]
    (llama,) = errors
    location = llama["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "llama.yaml"}, "region": {"startLine": 2}}
    (suppressed,) = [r for r in run["results"] if "suppressions" in r and r["level"] == "error"]
    assert "internal evaluation only (LEGAL-7)" in suppressed["suppressions"][0]["justification"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_junit_has_unique_names_and_failure_reasons(gate_report: Report) -> None:
    root = ET.fromstring(renderer("junit")(gate_report, RenderOptions()))
    cases = root.findall(".//testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)) == 3
    assert root.get("tests") == "3" and root.get("failures") == "1" and root.get("skipped") == "1"
    failure = root.find(".//testcase[@name='chat-llama :: llama2']/failure")
    assert failure is not None and "OSD5" in (failure.text or "")


def test_junit_escapes_hostile_text(gate_report: Report) -> None:
    from licheck.records import replace

    hostile = replace(gate_report.subjects[0], name='x"<&>\x01y')
    report = replace(gate_report, subjects=(hostile, hostile))
    root = ET.fromstring(renderer("junit")(report, RenderOptions()))
    names = [c.get("name") for c in root.findall(".//testcase")]
    assert names[0] == 'x"<&>\\x01y :: llama2' and names[1] == 'x"<&>\\x01y :: llama2 #2'


def test_github_commands_escape_data_and_properties() -> None:
    line = command("error", "50% done\nnext", file="a,b:c.yaml", line=3, title="t: x")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,title=t%3A x::50%25 done%0Anext\n"


def test_markdown_cells_cannot_break_the_table() -> None:
    assert cell("a | b\nc `d`") == "a \\| b c 'd'"


def test_jsonl_is_one_object_per_line(gate_report: Report) -> None:
    lines = renderer("jsonl")(gate_report, RenderOptions()).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["type"] for r in records] == ["subject", "subject", "subject", "summary"]
    assert records[-1]["failed"] == 1


def _sarif_schema() -> dict[str, object]:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (it lives in ../shared/schemas)")
    schema: dict[str, object] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return schema


def test_sarif_fingerprints_are_stable_and_distinct(gate_report: Report) -> None:
    from licheck.records import replace

    results = json.loads(renderer("sarif")(gate_report, RenderOptions()))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["licheck/v1"] for r in results]
    assert len(prints) == len(set(prints))
    # Several results share a rule and a line (OSD6 of Llama 2, twice at llama.yaml:2).
    spots = [(r["ruleId"], json.dumps(r["locations"])) for r in results]
    assert len(spots) > len(set(spots))
    # A clause that moved is the same alert: line numbers are not part of the fingerprint.
    moved = replace(
        gate_report, subjects=tuple(replace(s, license_line=9) for s in gate_report.subjects)
    )
    again = json.loads(renderer("sarif")(moved, RenderOptions()))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in results]


def test_sarif_rules_have_readable_names_and_a_help_page(gate_report: Report) -> None:
    rules = json.loads(renderer("sarif")(gate_report, RenderOptions()))["runs"][0]["tool"][
        "driver"
    ]["rules"]
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules"
    for rule in rules:
        assert rule["name"].lower() != rule["id"].lower().replace("-", "")
        assert rule["name"][:1].isupper() and rule["name"].isalnum()
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert (docs / f"{rule['id']}.md").is_file()


def test_sarif_exception_suppresses_every_result_of_the_license(gate_report: Report) -> None:
    results = json.loads(renderer("sarif")(gate_report, RenderOptions()))["runs"][0]["results"]
    research = [r for r in results if r["message"]["text"].startswith("research-model:")]
    assert len(research) > 1 and all("suppressions" in r for r in research)
    llama = [r for r in results if r["message"]["text"].startswith("chat-llama:")]
    assert llama and not any("suppressions" in r for r in llama)


def test_junit_classname_is_the_model_under_licheck(gate_report: Report) -> None:
    root = ET.fromstring(renderer("junit")(gate_report, RenderOptions()))
    names = [case.get("classname") for case in root.iter("testcase")]
    assert names == ["licheck.chat-llama", "licheck.pythia-tiny", "licheck.research-model"]
