"""Every base signal a Hub repository has, and real cards tolerated outside the license keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.hf_card import parse_card
from licheck.records import ModelRecord


def card(text: str, folder: Path | None = None) -> ModelRecord:
    return parse_card(f"---\n{text}\n---\n", source="README.md", folder=folder)


def test_the_hubs_base_model_tags_name_bases_and_their_relation() -> None:
    record = card(
        "license: mit\ntags:\n- text-generation\n- base_model:finetune:meta-llama/Llama-2-7b-hf\n"
        "- base_model:meta-llama/Llama-2-7b-hf"
    )
    assert record.base_models == ("meta-llama/Llama-2-7b-hf",)
    assert record.base_model_relation == "finetune"


@pytest.mark.parametrize("relation", ["quantized", "adapter", "merge"])
def test_every_relation_tag_is_read(relation: str) -> None:
    record = card(f"license: mit\ntags: [base_model:{relation}:google/gemma-7b]")
    assert record.base_models == ("google/gemma-7b",)
    assert record.base_model_relation == relation


def test_base_model_as_a_list_and_tags_are_merged_without_repeats() -> None:
    record = card(
        "license: mit\nbase_model: [a/one, b/two]\ntags: [base_model:merge:b/two, base_model:c/x]"
    )
    assert record.base_models == ("a/one", "b/two", "c/x")


def test_an_adapter_config_beside_the_card_names_the_base(tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text(
        json.dumps({"base_model_name_or_path": "meta-llama/Llama-2-7b-hf", "r": 8})
    )
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    record = parse_card(
        (tmp_path / "README.md").read_text(), source=str(tmp_path / "README.md"), folder=tmp_path
    )
    assert record.base_models == ("meta-llama/Llama-2-7b-hf",)


def test_a_mergekit_config_names_every_merged_model(tmp_path: Path) -> None:
    (tmp_path / "mergekit_config.yml").write_text(
        "merge_method: ties\nbase_model: mistralai/Mistral-7B-v0.1\nmodels:\n"
        "  - model: acme/one\n    parameters: {weight: 0.5}\n  - model: acme/two\n"
    )
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\n---\n")
    record = parse_card(
        (tmp_path / "README.md").read_text(), source=str(tmp_path / "README.md"), folder=tmp_path
    )
    assert record.base_models == ("mistralai/Mistral-7B-v0.1", "acme/one", "acme/two")


def test_a_broken_adapter_config_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text("{not json")
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    record = parse_card(
        (tmp_path / "README.md").read_text(), source=str(tmp_path / "README.md"), folder=tmp_path
    )
    assert record.base_models == ()
    assert any("not valid JSON" in w for w in record.warnings)


def test_an_empty_datasets_item_is_a_warning_not_an_error() -> None:
    record = card("license: mit\ndatasets:\n- squad\n-\n")
    assert record.datasets == ("squad",)
    (warning,) = record.warnings
    assert "an item of 'datasets' is empty" in warning and "README.md:5" in warning


def test_an_empty_base_model_item_is_still_an_error_without_a_python_type() -> None:
    with pytest.raises(InputError) as caught:
        card("license: mit\nbase_model:\n- a/b\n-\n")
    assert "must be a name, not empty" in caught.value.message
    assert "NoneType" not in caught.value.message


def test_a_repeated_identical_key_outside_the_license_keys_warns() -> None:
    record = card("license: mit\npipeline_tag: text-generation\npipeline_tag: text-generation")
    assert record.license == "mit"
    assert any("duplicate key 'pipeline_tag'" in w for w in record.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "license: mit\nlicense: mit",
        "license: mit\npipeline_tag: a\npipeline_tag: b",
        "license: mit\nbase_model: a/b\nbase_model: a/b",
    ],
)
def test_a_duplicate_license_key_or_a_differing_value_is_still_an_error(text: str) -> None:
    with pytest.raises(InputError, match="duplicate key"):
        card(text)


def test_a_huge_model_index_is_not_held_to_the_hostile_input_limits() -> None:
    results = "\n".join(
        f"    - task: {{type: t}}\n      metrics:\n      - {{type: m{i}, value: {i}}}"
        for i in range(12_000)
    )
    record = card(f"license: mit\nmodel-index:\n- name: big\n  results:\n{results}")
    assert record.name == "big"


def test_a_marketing_consent_checkbox_is_not_accepting_terms() -> None:
    record = card(
        "license: mit\ngated: auto\nextra_gated_fields:\n  Company: text\n"
        "  I want to receive marketing emails from the author: checkbox"
    )
    assert [(f.criterion, f.status) for f in record.access] == [("OSD7", "unknown")]


def test_a_checkbox_that_accepts_the_license_still_fails_osd7_and_osd10() -> None:
    record = card(
        "license: mit\ngated: auto\nextra_gated_fields:\n"
        "  I accept the license and the acceptable use policy: checkbox"
    )
    assert {(f.criterion, f.status) for f in record.access} == {
        ("OSD7", "fail"),
        ("OSD10", "fail"),
    }


def test_an_unknown_license_name_is_said_first_with_close_names() -> None:
    from datetime import date

    from licheck.engine.evaluate import evaluate
    from licheck.knowledge.catalog import Catalog
    from licheck.records import Policy

    # TII's Falcon Mamba terms were not found in any readable repository, so they have no profile.
    record = card("license: other\nlicense_name: falcon-mamba-7b-license")
    report = evaluate(record, catalog=Catalog(), policy=Policy(), today=date(2026, 11, 29))
    (violation,) = report.violations
    assert violation.message.startswith(
        "license_name 'falcon-mamba-7b-license' is not known to licheck"
    )
    assert "falcon-2-11b-license" in violation.message


@pytest.mark.parametrize(
    ("name", "profile"),
    [
        ("qwen-research", "LicenseRef-licheck-qwen-research-2024"),
        ("stabilityai-nc-research-community", "LicenseRef-licheck-stability-ai-nc-2023-12-06"),
        ("sai-nc-community", "LicenseRef-licheck-stability-ai-nc-2023-12-06"),
    ],
)
def test_hub_license_names_of_research_licenses_resolve_and_fail(name: str, profile: str) -> None:
    """The Hub's names for non-commercial research licenses reach their profile, which fails."""
    from datetime import date

    from licheck.engine.evaluate import evaluate
    from licheck.knowledge.catalog import Catalog
    from licheck.records import Policy

    catalog = Catalog()
    resolution = catalog.resolve(name)
    assert resolution is not None and resolution.id == profile
    record = card(f"license: other\nlicense_name: {name}")
    report = evaluate(record, catalog=catalog, policy=Policy(), today=date(2026, 11, 29))
    assert not report.passed
    assert not any("is not known to licheck" in v.message for v in report.violations)
