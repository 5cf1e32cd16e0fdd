"""`--format spdx3` writes SPDX 3.0.1 JSON-LD that licheck's own SPDX 3 reader reads back."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licheck.check import check_records
from licheck.cli import cli
from licheck.formats import RenderOptions, renderer
from licheck.formats.spdx3 import release_time
from licheck.inputs.spdx3 import load_spdx3
from licheck.records import ModelRecord, Release, Report, replace


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
        and e["spdxId"].endswith("/model/1-acme-chat/concluded-license")
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


# --- issue 16: an AI-BOM that SPDX tools accept -------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _derivative() -> ModelRecord:
    return ModelRecord(
        source="model.yaml",
        format="model-yaml",
        name="acme-chat",
        license="apache-2.0",
        publisher="Acme",
        base_models=("meta-llama/Llama-2-7b-hf",),
        datasets=("acme/web-text",),
    )


def _graph(records: list[ModelRecord]) -> list[dict[str, Any]]:
    report = check_records(records, today=date(2026, 11, 29))
    graph = json.loads(renderer("spdx3")(report, RenderOptions()))["@graph"]
    assert isinstance(graph, list)
    return [e for e in graph if e["type"] != "CreationInfo"]  # the one blank node


def _validate(text: str) -> None:
    """spdx-python-model, the SPDX 3.0.1 binding generated from the official SHACL model, works
    offline: reading checks every type, enum, pattern and property name; linking finds every
    reference; writing enforces each property's minimum and maximum count."""
    from spdx_python_model import v3_0_1 as spdx

    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode("utf-8")), objects)
    assert objects.link() == set()  # no id that points at nothing
    spdx.JSONLDSerializer().write(objects, io.BytesIO())


def test_the_official_binding_accepts_the_ai_bom(gate_report: Report) -> None:
    _validate(renderer("spdx3")(gate_report, RenderOptions()))
    report = check_records([_derivative()], today=date(2026, 11, 29))
    _validate(renderer("spdx3")(report, RenderOptions()))


def test_the_binding_is_not_vacuous(gate_report: Report) -> None:
    """The same check refuses a CustomLicense without its required text."""
    data = json.loads(renderer("spdx3")(gate_report, RenderOptions()))
    for element in data["@graph"]:
        element.pop("simplelicensing_licenseText", None)
    with pytest.raises(ValueError, match="licenseText"):
        _validate(json.dumps(data))


def test_every_package_has_one_declared_and_one_concluded_license() -> None:
    """The 3.0.1 AI profile's conformance rule, kept for base models and datasets too."""
    graph = _graph([_derivative()])
    packages = [e for e in graph if e["type"] in ("ai_AIPackage", "dataset_DatasetPackage")]
    assert len(packages) == 3  # the model, its base, its dataset
    for package in packages:
        for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
            relations = [
                e
                for e in graph
                if e["type"] == "Relationship"
                and e["relationshipType"] == kind
                and e["from"] == package["spdxId"]
            ]
            assert len(relations) == 1, (package["name"], kind)


def test_a_base_model_carries_what_licheck_knows_of_it() -> None:
    graph = _graph([_derivative()])
    expressions = {e["spdxId"]: e for e in graph}
    (base,) = [e for e in graph if e["type"] == "ai_AIPackage" and "/base/" in e["spdxId"]]
    (declared,) = [
        expressions[e["to"][0]]
        for e in graph
        if e["type"] == "Relationship"
        and e["from"] == base["spdxId"]
        and e["relationshipType"] == "hasDeclaredLicense"
    ]
    assert declared["simplelicensing_licenseExpression"] == "LicenseRef-licheck-llama-2"
    (dataset,) = [e for e in graph if e["type"] == "dataset_DatasetPackage"]
    dataset_licenses = [
        expressions[e["to"][0]]["simplelicensing_licenseExpression"]
        for e in graph
        if e["type"] == "Relationship" and e["from"] == dataset["spdxId"]
    ]
    assert dataset_licenses == ["NOASSERTION", "NOASSERTION"]  # licheck judges no dataset


def test_every_licenseref_is_defined_with_its_name() -> None:
    graph = _graph([_derivative(), ModelRecord("m.yaml", "model-yaml", "m", license="made up")])
    by_id = {e["spdxId"]: e for e in graph}
    used = {
        ref
        for e in graph
        if e["type"] == "simplelicensing_LicenseExpression"
        for ref in re.findall(r"LicenseRef-[A-Za-z0-9.\-]+", e["simplelicensing_licenseExpression"])
    }
    assert used == {"LicenseRef-licheck-llama-2", "LicenseRef-made-up"}
    for e in graph:
        if e["type"] != "simplelicensing_LicenseExpression":
            continue
        refs = set(
            re.findall(r"LicenseRef-[A-Za-z0-9.\-]+", e["simplelicensing_licenseExpression"])
        )
        mapped = {m["key"]: by_id[m["value"]] for m in e.get("simplelicensing_customIdToUri", [])}
        assert set(mapped) == refs
        assert all(m["type"] == "expandedlicensing_CustomLicense" for m in mapped.values())
    names = {
        e["spdxId"].rsplit("/", 1)[-1]: e["name"] for e in graph if "CustomLicense" in e["type"]
    }
    assert names == {
        "LicenseRef-licheck-llama-2": "Llama 2 Community License Agreement",
        "LicenseRef-made-up": "made up",
    }


def test_a_publisher_is_the_supplier() -> None:
    graph = _graph([_derivative()])
    (model,) = [e for e in graph if e.get("name") == "acme-chat"]
    (supplier,) = [e for e in graph if e["spdxId"] == model["suppliedBy"]]
    assert supplier["type"] == "Organization" and supplier["name"] == "Acme"


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
def test_reading_the_ai_bom_back_gives_the_same_verdicts(example: str, tmp_path: Path) -> None:
    bom = tmp_path / "bom.spdx3.jsonld"
    _run("--format", "spdx3", "-o", str(bom), str(EXAMPLES / example))
    assert _verdicts(bom) == _verdicts(EXAMPLES / example)


def test_reading_a_derivative_back_adds_no_failure(tmp_path: Path) -> None:
    _data, (model, base) = write_and_read([_derivative()], tmp_path)
    report = check_records([model, base], today=date(2026, 11, 29))
    (original,) = check_records([_derivative()], today=date(2026, 11, 29)).subjects
    subjects = {s.name: s for s in report.subjects}
    back = subjects["acme-chat"]
    assert back.passed == original.passed
    assert {(r.id, r.verdict) for r in back.licenses} == {
        (r.id, r.verdict) for r in original.licenses
    }
    # The base is judged by what it carries (Llama 2's terms), not "unknown" for lack of one.
    assert [(r.id, r.verdict) for r in subjects["meta-llama/Llama-2-7b-hf"].licenses] == [
        ("LicenseRef-licheck-llama-2", "not-open")
    ]


def test_a_noassertion_license_text_is_no_text(tmp_path: Path) -> None:
    """licheck's CustomLicense elements hold NOASSERTION for the required text: the reader does
    not judge that word as a license text."""
    _data, records = write_and_read([_derivative()], tmp_path)
    assert all(not record.license_texts for record in records)


# --- issue 16 item 7: the AI profile's release properties ---------------------------------------
# spdx-3-model model/AI/Classes/AIPackage.md restricts suppliedBy, downloadLocation,
# packageVersion, primaryPurpose and releaseTime to minCount 1 ("External properties
# restrictions"); the SHACL does not encode them, so these tests check them directly.

RELEASED = ModelRecord(
    source="model.yaml",
    format="model-yaml",
    name="acme-chat",
    license="apache-2.0",
    publisher="Acme",
    release=Release(
        version="1.2", date="2025-01-10", download_location="https://example.org/acme-chat"
    ),
)


def _model(graph: list[dict[str, Any]], name: str = "acme-chat") -> dict[str, Any]:
    (model,) = [e for e in graph if e["type"] == "ai_AIPackage" and e["name"] == name]
    return model


def test_stated_release_facts_are_written_on_the_ai_package() -> None:
    model = _model(_graph([RELEASED]))
    assert model["software_packageVersion"] == "1.2"
    assert model["releaseTime"] == "2025-01-10T00:00:00Z"
    assert model["software_downloadLocation"] == "https://example.org/acme-chat"
    assert model["software_primaryPurpose"] == "model" and model["suppliedBy"]
    assert "does not state" not in model["comment"]


def test_the_binding_accepts_the_release_properties() -> None:
    report = check_records([RELEASED], today=date(2026, 11, 29))
    _validate(renderer("spdx3")(report, RenderOptions()))


def test_unstated_facts_are_left_out_and_named() -> None:
    record = ModelRecord("m.yaml", "model-yaml", "bare", "mit")
    model = _model(_graph([record]), "bare")
    for key in ("software_packageVersion", "releaseTime", "software_downloadLocation"):
        assert key not in model
    assert "suppliedBy" not in model
    assert model["comment"].endswith(
        "the input does not state suppliedBy (no publisher), packageVersion (no version), "
        "releaseTime (no release date), downloadLocation (no download location)"
    )


@pytest.mark.parametrize(
    ("stated", "written"),
    [
        ("2025-01-10", "2025-01-10T00:00:00Z"),
        ("2025-01-10T12:30:00Z", "2025-01-10T12:30:00Z"),
        ("2025-01-10T12:30:00+02:00", "2025-01-10T10:30:00Z"),
        ("2025-01-10T12:30:00", None),  # no time zone: converting it would guess one
        ("January 2025", None),
        (None, None),
    ],
)
def test_a_release_date_becomes_an_spdx_datetime_or_nothing(
    stated: str | None, written: str | None
) -> None:
    assert release_time(stated) == written


def test_a_date_that_is_not_one_is_left_out_and_said() -> None:
    record = replace(RELEASED, release=Release(date="soon"))
    model = _model(_graph([record]))
    assert "releaseTime" not in model
    assert "releaseTime (the date 'soon' is not an ISO date with a time zone)" in model["comment"]


def test_release_facts_round_trip(tmp_path: Path) -> None:
    _data, (model,) = write_and_read([RELEASED], tmp_path)
    assert model.release == Release(
        version="1.2",
        date="2025-01-10T00:00:00Z",
        download_location="https://example.org/acme-chat",
    )
    assert model.publisher == "Acme"


def test_a_card_dump_row_is_supplied_by_its_org_and_downloaded_from_its_hub_page(
    tmp_path: Path,
) -> None:
    dump = tmp_path / "cards.jsonl"
    rows = [
        {"modelId": "acme/chat-7b", "card": "---\nlicense: mit\n---\n"},
        {"modelId": "gpt2", "card": "---\nlicense: mit\n---\n"},  # a legacy id: no org
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "bom.jsonld"
    result = CliRunner().invoke(
        cli, ["check", "--today", "2026-11-29", "-f", "spdx3", "-o", str(out), str(dump)]
    )
    assert result.exit_code == 0, result.output
    graph = json.loads(out.read_text(encoding="utf-8"))["@graph"]
    hub = _model(graph, "acme/chat-7b")
    assert hub["software_downloadLocation"] == "https://huggingface.co/acme/chat-7b"
    (supplier,) = [e for e in graph if e.get("spdxId") == hub["suppliedBy"]]
    assert supplier["name"] == "acme"
    legacy = _model(graph, "gpt2")
    assert "suppliedBy" not in legacy and "software_downloadLocation" not in legacy
