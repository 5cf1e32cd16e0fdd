"""The JSON Schema of the JSON and JSONL outputs (issue 16, item 6) holds for everything licheck
writes: every golden report, a streamed scan document, a card dump's JSONL, a check's JSONL.

The schema is strict (additionalProperties false where the shape is fixed): a field a format
starts to emit without the schema knowing it fails here, so the published contract cannot drift.
"""

from __future__ import annotations

import copy
import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker

from licheck.check import check_records
from licheck.cli import cli as main_group
from licheck.cli import main
from licheck.formats import RenderOptions, renderer
from licheck.formats.json_format import SCHEMA_VERSION, report_schema
from licheck.inputs.policy_file import load_policy
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, Report

GOLDEN = Path(__file__).parent / "golden"
POLICIES = Path(__file__).parent / "fixtures" / "policies"
IDENTIFY = Path(__file__).parent / "fixtures" / "identify"
TODAY = date(2026, 11, 29)
# Every golden JSON report (the CycloneDX golden is another contract, checked by its own tool).
# The JSON reports; not the CycloneDX BOMs nor the Parquet rows shown as JSON (other formats).
REPORT_GOLDENS = sorted(
    p for p in GOLDEN.rglob("*.json") if not p.name.endswith((".cdx.json", ".parquet.json"))
)
JSONL_GOLDENS = sorted(GOLDEN.rglob("*.jsonl"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    """Every violation with where it is, including those inside the top-level oneOf's branches
    (a JSON document, a subject line, a summary line), so that the message names the field."""
    found: list[str] = []
    pending = list(validator.iter_errors(data))
    while pending:
        error = pending.pop()
        found.append(f"{list(error.absolute_path)}: {error.message}")
        pending.extend(error.context or ())
    return found


def cli(args: list[str]) -> int:
    with CliRunner().isolation():
        return main(args)


def test_the_schema_is_shipped_in_the_package_and_names_its_version() -> None:
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f":{SCHEMA_VERSION}")
    assert schema["$defs"]["report"]["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_there_are_goldens_to_validate() -> None:
    assert len(REPORT_GOLDENS) >= 5 and JSONL_GOLDENS


@pytest.mark.parametrize("golden", REPORT_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_every_golden_json_report_validates(golden: Path, validator: Draft202012Validator) -> None:
    data = json.loads(golden.read_text(encoding="utf-8"))
    assert errors(validator, data) == []


@pytest.mark.parametrize("golden", JSONL_GOLDENS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_every_golden_jsonl_line_validates(golden: Path, validator: Draft202012Validator) -> None:
    lines = golden.read_text(encoding="utf-8").splitlines()
    for line in lines:
        assert errors(validator, json.loads(line)) == []
    assert json.loads(lines[-1])["type"] == "summary"


def test_the_obligation_fields_are_covered_by_the_goldens() -> None:
    # The keys a subject carries only sometimes must appear in some golden, or the schema's
    # description of them is never tested.
    keys: set[str] = set()
    for golden in REPORT_GOLDENS:
        for subject in json.loads(golden.read_text(encoding="utf-8"))["subjects"]:
            keys |= set(subject)
    assert {"obligation_mode", "obligations"} <= keys


def test_a_policy_acceptance_validates(validator: Draft202012Validator) -> None:
    # No golden has an `accepted` entry: an allow entry accepting CC-BY-NC-4.0 makes one.
    catalog = Catalog()
    policy = load_policy(POLICIES / "full.yaml", catalog=catalog, shown="full.yaml")
    record = ModelRecord("nc.yaml", "model-yaml", "nc", "cc-by-nc-4.0", license_line=2)
    report = check_records([record], policy=policy, today=TODAY, catalog=catalog)
    for name in ("json", "jsonl"):
        for line in (
            (renderer(name)(report, RenderOptions()),)
            if name == "json"
            else (renderer(name)(report, RenderOptions()).splitlines())
        ):
            data = json.loads(line)
            assert errors(validator, data) == []
    assert json.loads(renderer("json")(report, RenderOptions()))["subjects"][0]["accepted"]


def _tree(root: Path) -> Path:
    for n, license_id in enumerate(("mit", "llama2", "apache-2.0", "cc-by-nc-4.0")):
        (root / f"m{n}.md").write_text(f"---\nlicense: {license_id}\n---\n# m{n}\n", "utf-8")
    (root / "broken.md").write_text("---\nlicense: [unclosed\n---\n", "utf-8")
    return root


def test_a_streamed_scan_document_validates(
    tmp_path: Path, validator: Draft202012Validator
) -> None:
    out = tmp_path / "report.json"
    tree = _tree(tmp_path)
    assert cli(["scan", "--jobs", "1", "-f", "json", "-o", str(out), str(tree)]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["subjects"]) == 5 and errors(validator, data) == []


def test_a_scan_jsonl_validates_line_by_line(
    tmp_path: Path, validator: Draft202012Validator
) -> None:
    out = tmp_path / "report.jsonl"
    tree = _tree(tmp_path)
    assert cli(["scan", "--jobs", "1", "-f", "jsonl", "-o", str(out), str(tree)]) == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines] == ["subject"] * 5 + ["summary"]
    for line in lines:
        assert errors(validator, line) == []


def test_a_card_dump_jsonl_validates_line_by_line(
    tmp_path: Path, validator: Draft202012Validator
) -> None:
    rows = [
        {"modelId": "org/ft", "card": "---\nlicense: mit\nbase_model: org/base\n---\n# ft\n"},
        {"modelId": "org/base", "card": "---\nlicense: llama2\n---\n"},
        {"modelId": "org/orphan", "card": "---\nlicense: mit\nbase_model: nobody/knows\n---\n"},
        {"modelId": "org/none", "card": None},
    ]
    dump = tmp_path / "cards.jsonl.gz"
    text = "".join(json.dumps(r) + "\n" for r in rows) + "not json\n"
    dump.write_bytes(gzip.compress(text.encode()))
    out = tmp_path / "results.jsonl"
    assert cli(["scan", "-j", "1", "-f", "jsonl", "-o", str(out), str(dump)]) == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(rows) + 2  # a subject per row, the bad row, the summary
    for line in lines:
        assert errors(validator, line) == []


def test_the_rendered_formats_validate(
    gate_report: Report, validator: Draft202012Validator
) -> None:
    document = json.loads(renderer("json")(gate_report, RenderOptions()))
    assert errors(validator, document) == []
    for line in renderer("jsonl")(gate_report, RenderOptions()).splitlines():
        assert errors(validator, json.loads(line)) == []


def _places(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One object of each fixed shape inside a golden report, to plant an unknown field in."""
    subject = document["subjects"][0]
    lic = subject["licenses"][0]
    criterion = next(c for c in lic["criteria"] if c["findings"])
    return {
        "report": document,
        "policy": document["policy"],
        "subject": subject,
        "license": lic,
        "criterion": criterion,
        "finding": criterion["findings"][0],
        "violation": subject["violations"][0],
        "suppression": next(s for s in document["subjects"] if s["suppressed"])["suppressed"][0],
    }


@pytest.mark.parametrize(
    "place",
    ["report", "policy", "subject", "license", "criterion", "finding", "violation", "suppression"],
)
def test_a_field_the_schema_does_not_know_is_drift(
    place: str, validator: Draft202012Validator
) -> None:
    document = json.loads((GOLDEN / "formats" / "gate.json").read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    _places(changed)[place]["added_without_the_schema"] = 1
    assert errors(validator, document) == []
    assert any("added_without_the_schema" in e for e in errors(validator, changed))


@pytest.mark.parametrize("kind", ["subject", "summary"])
def test_a_jsonl_line_with_an_unknown_field_is_drift(
    kind: str, validator: Draft202012Validator
) -> None:
    lines = (GOLDEN / "formats" / "gate.jsonl").read_text(encoding="utf-8").splitlines()
    line = next(json.loads(x) for x in lines if json.loads(x)["type"] == kind)
    line["added_without_the_schema"] = 1
    assert errors(validator, line)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("subjects", 0, "licenses", 0, "verdict"), "mostly-open"),
        (("subjects", 0, "licenses", 0, "criteria", 0, "status"), "maybe"),
        (("subjects", 0, "licenses", 0, "criteria", 0, "id"), "OSD11"),
        (("subjects", 0, "license_line"), 0),
        (("schema_version",), 2),
        (("policy", "require"), "anything"),
    ],
)
def test_a_value_outside_the_contract_is_rejected(
    path: tuple[str | int, ...], value: object, validator: Draft202012Validator
) -> None:
    document = json.loads((GOLDEN / "formats" / "gate.json").read_text(encoding="utf-8"))
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors(validator, document)


@pytest.mark.parametrize("name", ["llama2", "apache-2.0", "gemma", "other"])
def test_explain_json_validates(name: str, validator: Draft202012Validator) -> None:
    out = CliRunner().invoke(main_group, ["explain", "--format", "json", name])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert "license" in data and errors(validator, data) == []


def test_identify_json_validates(validator: Draft202012Validator) -> None:
    files = sorted(str(p) for p in IDENTIFY.iterdir() if p.is_file())
    out = CliRunner().invoke(main_group, ["identify", "--format", "json", *files])
    assert out.exit_code in (0, 1), out.output
    data = json.loads(out.stdout)
    assert len(data["files"]) == len(files) and errors(validator, data) == []
    statuses = {f["identification"]["status"] for f in data["files"]}
    assert len(statuses) >= 2  # the fixtures are of more than one kind
