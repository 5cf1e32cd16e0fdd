"""`--format cyclonedx` writes a CycloneDX 1.6 ML-BOM that cyclonedx-python-lib's own strict
validator accepts and that licheck's CycloneDX reader reads back to the same judgment."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from licheck.check import check_records
from licheck.cli import cli
from licheck.formats import RenderOptions, renderer
from licheck.inputs.cyclonedx import load_cyclonedx
from licheck.records import ModelRecord, Report

TODAY = date(2026, 11, 29)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _derivative() -> ModelRecord:
    return ModelRecord(
        source="model.yaml",
        format="model-yaml",
        name="acme-chat",
        license="apache-2.0",
        publisher="Acme",
        base_models=("meta-llama/Llama-2-7b-hf",),
        datasets=("acme/web-text", "acme/code"),
    )


def _render(records: list[ModelRecord]) -> str:
    return renderer("cyclonedx")(check_records(records, today=TODAY), RenderOptions())


def _invalid(text: str) -> object:
    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


def _model(text: str) -> dict[str, Any]:
    (model,) = [c for c in json.loads(text)["components"] if c["type"] == "machine-learning-model"]
    assert isinstance(model, dict)
    return model


def test_the_gate_report_validates_as_cyclonedx_1_6(gate_report: Report) -> None:
    assert _invalid(renderer("cyclonedx")(gate_report, RenderOptions())) is None


def test_datasets_bases_and_model_card_validate() -> None:
    text = _render([_derivative()])
    assert _invalid(text) is None
    data = json.loads(text)
    model = _model(text)
    datasets = {c["bom-ref"]: c["name"] for c in data["components"] if c["type"] == "data"}
    refs = [d["ref"] for d in model["modelCard"]["modelParameters"]["datasets"]]
    assert [datasets[r] for r in refs] == ["acme/web-text", "acme/code"]
    (base,) = model["pedigree"]["ancestors"]
    assert base["type"] == "machine-learning-model"
    assert base["name"] == "meta-llama/Llama-2-7b-hf"
    # What licheck knows the base carries: the Llama 2 terms the model inherits through it.
    assert base["licenses"] == [
        {"expression": "LicenseRef-licheck-llama-2", "acknowledgement": "concluded"}
    ]


def test_the_verdict_is_a_property_and_the_license_is_declared() -> None:
    model = _model(_render([_derivative()]))
    assert model["licenses"] == [{"expression": "Apache-2.0", "acknowledgement": "declared"}]
    props = {p["name"]: p["value"] for p in model["properties"]}
    assert props["licheck:policy"] == "fail"
    assert props["licheck:license:Apache-2.0:verdict"] == "osi-approved"
    assert props["licheck:license:LicenseRef-licheck-llama-2:verdict"] == "not-open"
    assert props["licheck:concluded-license"] == "(Apache-2.0) AND LicenseRef-licheck-llama-2"


def test_a_model_without_a_license_has_no_licenses() -> None:
    record = ModelRecord(source="m.yaml", format="model-yaml", name="bare", license=None)
    text = _render([record])
    assert _invalid(text) is None and "licenses" not in _model(text)


def test_the_validator_is_not_vacuous() -> None:
    data = json.loads(_render([_derivative()]))
    data["components"][0]["licenses"] = [{"license": {"id": "not-an-spdx-id"}}]
    assert _invalid(json.dumps(data)) is not None


def test_reading_the_bom_back_adds_no_failure(tmp_path: Path) -> None:
    path = tmp_path / "bom.cdx.json"
    path.write_text(_render([_derivative()]), encoding="utf-8")
    (model,) = load_cyclonedx(path, shown="bom.cdx.json")
    assert model.name == "acme-chat" and model.publisher == "Acme"
    assert model.datasets == ("acme/web-text", "acme/code")
    assert model.base_models == ("meta-llama/Llama-2-7b-hf",)
    (back,) = check_records([model], today=TODAY).subjects
    (original,) = check_records([_derivative()], today=TODAY).subjects
    assert back.passed == original.passed
    assert {(r.id, r.verdict) for r in back.licenses} == {
        (r.id, r.verdict) for r in original.licenses
    }
    assert {v.rule for v in back.violations} == {v.rule for v in original.violations}


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", "--today", "2026-11-29", *args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _verdicts(path: Path) -> dict[str, tuple[bool, list[tuple[str, str]]]]:
    return {
        s["name"]: (s["passed"], sorted((lic["id"], lic["verdict"]) for lic in s["licenses"]))
        for s in json.loads(_run("--format", "json", str(path)))["subjects"]
    }


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_reading_the_ml_bom_back_gives_the_same_verdicts(example: str, tmp_path: Path) -> None:
    bom = tmp_path / "bom.cdx.json"
    _run("--format", "cyclonedx", "-o", str(bom), str(EXAMPLES / example))
    assert _invalid(bom.read_text(encoding="utf-8")) is None
    assert _verdicts(bom) == _verdicts(EXAMPLES / example)
