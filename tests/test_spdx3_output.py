"""`--format spdx3` writes SPDX 3.0.1 JSON-LD that licheck's own SPDX 3 reader reads back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from licheck.check import check_records
from licheck.formats import RenderOptions, renderer
from licheck.inputs.spdx3 import load_spdx3
from licheck.records import ModelRecord


def write_and_read(
    records: list[ModelRecord], tmp_path: Path
) -> tuple[dict[str, object], list[ModelRecord]]:
    report = check_records(records, today=date(2026, 11, 29))
    text = renderer("spdx3")(report, RenderOptions())
    path = tmp_path / "report.spdx3.jsonld"
    path.write_text(text, encoding="utf-8")
    return json.loads(text), load_spdx3(path, shown="report.spdx3.jsonld")


def test_models_datasets_bases_and_licenses_round_trip(tmp_path: Path) -> None:
    record = ModelRecord(
        source="model.yaml",
        format="model-yaml",
        name="acme-chat",
        license="apache-2.0",
        publisher="Acme",
        base_models=("meta-llama/Llama-2-7b-hf",),
        datasets=("acme/web-text", "acme/code"),
    )
    data, (model, base) = write_and_read([record], tmp_path)
    assert data["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    assert model.name == "acme-chat"
    # The reader takes the declared license, as the input stated it (mapped to its SPDX id).
    assert model.license == "Apache-2.0"
    assert model.datasets == ("acme/web-text", "acme/code")
    assert model.base_models == ("meta-llama/Llama-2-7b-hf",)
    assert base.name == "meta-llama/Llama-2-7b-hf"
    graph = data["@graph"]
    assert isinstance(graph, list)
    concluded = [
        e["simplelicensing_licenseExpression"]
        for e in graph
        if e.get("type") == "simplelicensing_LicenseExpression"
        and e["spdxId"].endswith("concluded-license")
    ]
    assert concluded == ["(Apache-2.0) AND LicenseRef-licheck-llama-2"]
    (annotation,) = [e for e in graph if e.get("type") == "Annotation"]
    assert "acme-chat fails the policy" in annotation["statement"]


def test_unknown_license_is_a_licenseref_and_concluded_noassertion(tmp_path: Path) -> None:
    record = ModelRecord(source="m.yaml", format="model-yaml", name="m", license="made up OR mit")
    data, (model,) = write_and_read([record], tmp_path)
    assert model.license == "LicenseRef-made-up OR MIT"
    graph = data["@graph"]
    assert isinstance(graph, list)
    assert any(e.get("simplelicensing_licenseExpression") == "NOASSERTION" for e in graph)


def test_output_is_deterministic(tmp_path: Path) -> None:
    record = ModelRecord(source="m.yaml", format="model-yaml", name="m", license="llama2")
    report = check_records([record], today=date(2026, 11, 29))
    render = renderer("spdx3")
    assert render(report, RenderOptions()) == render(report, RenderOptions())
