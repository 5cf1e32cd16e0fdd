"""CycloneDX 1.5+ ML-BOM JSON: model components, their licenses, datasets and base models."""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.cyclonedx import load_cyclonedx
from licheck.records import ModelRecord

SBOM = Path(__file__).parent / "fixtures" / "sbom"


def load(name: str) -> list[ModelRecord]:
    return load_cyclonedx(SBOM / name, shown=f"sbom/{name}")


def by_name(name: str) -> dict[str, ModelRecord]:
    return {r.name: r for r in load(name)}


def error(name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load(name)
    assert caught.value.file == f"sbom/{name}"
    return caught.value


def test_every_model_component_is_a_record_including_nested_and_metadata() -> None:
    names = [r.name for r in load("model.cdx.json")]
    assert names == ["acme/acme-chat-7b", "acme-reranker", "acme-classifier", "unlicensed-model"]
    assert all(r.format == "cyclonedx" for r in load("model.cdx.json"))


def test_several_licenses_all_apply() -> None:
    record = by_name("model.cdx.json")["acme/acme-chat-7b"]
    assert record.license == "Apache-2.0 AND Acme-Use-Policy"


def test_an_expression_among_licenses_is_parenthesised() -> None:
    (record,) = load("multi-expression.cdx.json")
    assert record.license == "MIT AND (Apache-2.0 OR GPL-2.0-only)"


def test_declared_license_is_judged_over_concluded() -> None:
    assert by_name("model.cdx.json")["acme-classifier"].license == "CC-BY-NC-4.0"


def test_license_line_points_at_the_licenses_key() -> None:
    lines = (SBOM / "model.cdx.json").read_text(encoding="utf-8").splitlines()
    for record in load("model.cdx.json"):
        if record.license is not None:
            assert record.license_line is not None
            assert '"licenses"' in lines[record.license_line - 1]


def test_component_without_licenses_has_none() -> None:
    record = by_name("model.cdx.json")["unlicensed-model"]
    assert (record.license, record.license_line) == (None, None)


def test_base64_license_text_is_decoded() -> None:
    (text,) = by_name("model.cdx.json")["acme/acme-chat-7b"].license_texts
    assert text.text == "You may not use the model to operate weapons."
    assert text.path == "sbom/model.cdx.json#model-acme-chat/licenses[1]"


def test_model_card_datasets_by_ref_and_inline() -> None:
    record = by_name("model.cdx.json")["acme/acme-chat-7b"]
    assert record.datasets == ("acme/web-text", "acme/eval-set")


def test_pedigree_ancestor_is_a_base_model_by_hub_id() -> None:
    record = by_name("model.cdx.json")["acme/acme-chat-7b"]
    assert record.base_models == ("meta-llama/Llama-2-7b-hf",)


def test_sub_components_of_a_model_are_its_components() -> None:
    (part,) = by_name("model.cdx.json")["acme/acme-chat-7b"].components
    assert (part.name, part.license, part.content_type) == (
        "tokenizer-code",
        "MIT OR Apache-2.0",
        "code",
    )


def test_publisher_is_read() -> None:
    assert by_name("model.cdx.json")["acme/acme-chat-7b"].publisher == "Acme AI"


def test_spec_older_than_1_5_is_refused_with_a_hint() -> None:
    exc = error("old.cdx.json")
    assert "1.4" in exc.message
    assert exc.hint is not None and "1.5" in exc.hint
    assert exc.line == 3


def test_spec_version_must_be_text() -> None:
    exc = error("bad-version.cdx.json")
    assert "specVersion" in exc.message


def test_wrong_bom_format_is_named() -> None:
    exc = error("not-cdx.cdx.json")
    assert "'SPDX'" in exc.message
    assert exc.line == 2


def test_bom_without_a_model_is_an_error_not_an_empty_pass() -> None:
    exc = error("no-model.cdx.json")
    assert "machine-learning-model" in exc.message


def test_license_without_id_or_name_is_located() -> None:
    exc = error("bad-license.cdx.json")
    assert "components[0].licenses[0].license" in exc.message
    assert exc.line == 9


def test_component_without_name_is_located() -> None:
    exc = error("nameless.cdx.json")
    assert "components[0]" in exc.message
    assert exc.line == 7


def test_invalid_json_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.cdx.json"
    path.write_text('{"bomFormat": "CycloneDX",\n "specVersion": "1.6"\n "x": 1}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_cyclonedx(path, shown="broken.cdx.json")
    assert caught.value.line == 3
