"""SPDX 2.3 (every serialisation) and SPDX 3.0 JSON-LD documents become model records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.sbom_json import json_key_lines
from licheck.inputs.spdx2 import load_spdx
from licheck.inputs.spdx3 import load_spdx3
from licheck.records import ModelRecord, Release

SBOM = Path(__file__).parent / "fixtures" / "sbom"
# One document (model.spdx, tag-value, written by us) and its conversions by spdx-tools' writer.
SERIALISATIONS = ["model.spdx", "model.json", "model.yaml", "model.xml", "model.rdf.xml"]


def spdx(name: str) -> list[ModelRecord]:
    return load_spdx(SBOM / name, shown=f"sbom/{name}")


def spdx3(name: str) -> list[ModelRecord]:
    return load_spdx3(SBOM / name, shown=f"sbom/{name}")


def error(loader: object, name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        loader(SBOM / name, shown=f"sbom/{name}")  # type: ignore[operator]
    assert caught.value.file == f"sbom/{name}"
    return caught.value


@pytest.mark.parametrize("name", SERIALISATIONS)
def test_every_serialisation_gives_the_same_models(name: str) -> None:
    records = spdx(name)
    assert [r.name for r in records] == ["acme-chat-7b", "Llama-2-7b-hf"]
    model = records[0]
    assert model.format == "spdx"
    assert model.license is not None
    assert set(model.license.split(" AND ")) == {"Apache-2.0", "LicenseRef-acme-use-policy"}
    assert model.publisher == "Acme AI"


@pytest.mark.parametrize("name", SERIALISATIONS)
def test_descendant_of_names_the_base_by_its_hub_id(name: str) -> None:
    assert spdx(name)[0].base_models == ("meta-llama/Llama-2-7b-hf",)


@pytest.mark.parametrize("name", SERIALISATIONS)
def test_contained_package_is_a_component_with_its_license(name: str) -> None:
    (component,) = spdx(name)[0].components
    assert (component.name, component.license) == ("tokenizer-code", "MIT")


@pytest.mark.parametrize("name", SERIALISATIONS)
def test_extracted_text_of_a_declared_license_ref_travels_with_the_record(name: str) -> None:
    (text,) = spdx(name)[0].license_texts
    assert text.path == f"sbom/{name}#LicenseRef-acme-use-policy"
    assert "operate weapons" in text.text


@pytest.mark.parametrize("name", ["model.spdx", "model.json", "model.yaml"])
def test_line_points_at_the_declaration(name: str) -> None:
    lines = (SBOM / name).read_text(encoding="utf-8").splitlines()
    for record in spdx(name):
        assert record.license_line is not None
        declaration = lines[record.license_line - 1]
        assert "icenseDeclared" in declaration
        assert record.license is not None
        assert record.license.split(" AND ")[-1] in declaration


def test_tag_inside_a_text_block_is_not_a_field() -> None:
    # model.spdx quotes "PackageLicenseDeclared: MIT" inside a <text> comment on line 19.
    assert spdx("model.spdx")[0].license_line == 16


@pytest.mark.parametrize("name", ["model.xml", "model.rdf.xml"])
def test_serialisations_without_positions_give_no_line(name: str) -> None:
    assert all(r.license_line is None for r in spdx(name))


def test_without_a_model_the_described_package_is_judged() -> None:
    (record,) = spdx("no-model.spdx.json")
    assert record.name == "plain-app"
    # No licenseDeclared: the concluded license stands in for it.
    assert record.license == "BSD-3-Clause"
    assert record.license_line == 14


def test_without_describes_every_package_is_judged_and_none_kept() -> None:
    records = spdx("undescribed.spdx.json")
    assert [(r.name, r.license) for r in records] == [("first", "NONE"), ("second", None)]


def test_noassertion_is_kept_as_written() -> None:
    # The base in model.spdx declares a LicenseRef and concludes NOASSERTION; declared wins.
    assert spdx("model.spdx")[1].license == "LicenseRef-llama2"


def test_missing_field_is_named_in_plain_words() -> None:
    exc = error(load_spdx, "missing-name.spdx.json")
    assert "Package field 'name' is missing" in exc.message
    assert "SetterError" not in exc.message


def test_json_syntax_error_is_located() -> None:
    exc = error(load_spdx, "bad-syntax.spdx.json")
    assert "not valid JSON" in exc.message
    assert (exc.line, exc.column) == (4, 41)


def test_tag_value_error_names_the_field_and_line() -> None:
    exc = error(load_spdx, "bad-tag.spdx")
    assert "MIT AND AND" in exc.message
    assert exc.line == 7


def test_malformed_xml_is_an_input_error_not_a_traceback() -> None:
    exc = error(load_spdx, "bad.spdx.xml")
    assert "not a valid SPDX 2 document" in exc.message
    assert "mismatched tag" in exc.message


def test_spdx3_given_as_spdx2_says_which_reader_to_use() -> None:
    exc = error(load_spdx, "model.spdx3.jsonld")
    assert "SPDX 3" in exc.message
    assert exc.hint is not None and "spdx3" in exc.hint


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_spdx(tmp_path / "absent.spdx.json", shown="absent.spdx.json")


def test_json_key_lines_follow_paths_not_just_names() -> None:
    text = '{"a": {"license": "x"},\n "list": [\n  {"license": "y"},\n  {"other": {"license": 1}}]}'
    lines = json_key_lines(text, ["license"])
    assert lines == {
        ("a", "license"): 1,
        ("list", 0, "license"): 3,
        ("list", 1, "other", "license"): 4,
    }


def test_json_key_lines_ignore_keys_spelled_inside_strings() -> None:
    text = '{"note": "\\"license\\": no",\n "license": "MIT"}'
    assert json_key_lines(text, ["license"]) == {("license",): 2}


# --- SPDX 3 ----------------------------------------------------------------------------------


def test_spdx3_ai_packages_become_records() -> None:
    records = spdx3("model.spdx3.jsonld")
    assert [r.name for r in records] == ["acme-chat-7b", "meta-llama/Llama-2-7b-hf"]
    assert all(r.format == "spdx3" for r in records)


def test_spdx3_declared_license_wins_over_concluded() -> None:
    model = spdx3("model.spdx3.jsonld")[0]
    assert model.license == "Apache-2.0 AND LicenseRef-acme-use-policy"


def test_spdx3_license_line_is_the_expression_line() -> None:
    model = spdx3("model.spdx3.jsonld")[0]
    lines = (SBOM / "model.spdx3.jsonld").read_text(encoding="utf-8").splitlines()
    assert model.license_line is not None
    assert "simplelicensing_licenseExpression" in lines[model.license_line - 1]


def test_spdx3_custom_id_to_uri_gives_the_license_text() -> None:
    (text,) = spdx3("model.spdx3.jsonld")[0].license_texts
    assert text.path == "sbom/model.spdx3.jsonld#LicenseRef-acme-use-policy"
    assert "operate weapons" in text.text


def test_spdx3_custom_license_is_a_license_ref_with_its_text() -> None:
    base = spdx3("model.spdx3.jsonld")[1]
    assert base.license == "LicenseRef-llama2"
    (text,) = base.license_texts
    assert "Llama 2" in text.text


def test_spdx3_trained_and_tested_on_are_datasets() -> None:
    assert spdx3("model.spdx3.jsonld")[0].datasets == ("acme/web-text", "acme/eval-set")


def test_spdx3_descendant_of_is_a_base_model() -> None:
    assert spdx3("model.spdx3.jsonld")[0].base_models == ("meta-llama/Llama-2-7b-hf",)


def test_spdx3_contained_package_and_listed_license_iri() -> None:
    (component,) = spdx3("model.spdx3.jsonld")[0].components
    assert (component.name, component.license) == ("tokenizer-code", "MIT")


def test_spdx3_supplier_is_the_publisher() -> None:
    assert spdx3("model.spdx3.jsonld")[0].publisher == "Acme AI"


def test_spdx3_expanded_license_sets_become_one_expression() -> None:
    (record,) = spdx3("sets.spdx3.jsonld")
    assert record.license == "MIT OR (GPL-2.0-only+ AND Apache-2.0 WITH LLVM-exception)"


def test_spdx3_bare_class_name_is_accepted() -> None:
    # sets.spdx3.jsonld writes "AIPackage" without the ai_ prefix.
    assert spdx3("sets.spdx3.jsonld")[0].name == "sets-model"


def test_spdx3_dangling_license_reference_is_named() -> None:
    exc = error(load_spdx3, "dangling.spdx3.jsonld")
    assert "https://example.org/d/missing-license" in exc.message


def test_spdx3_without_ai_package_is_an_error_with_a_hint() -> None:
    exc = error(load_spdx3, "no-ai.spdx3.jsonld")
    assert "ai_AIPackage" in exc.message
    assert exc.hint is not None


def test_spdx2_given_as_spdx3_says_which_reader_to_use() -> None:
    exc = error(load_spdx3, "model.json")
    assert exc.hint is not None and "SPDX 2" in exc.hint


def test_spdx3_full_iris_and_ancestor_of_are_understood(tmp_path: Path) -> None:
    terms = "https://spdx.org/rdf/3.0.1/terms"
    document = {
        "@graph": [
            {"@type": f"{terms}/AI/AIPackage", "@id": "urn:base", "name": "google/gemma-7b"},
            {"@type": f"{terms}/AI/AIPackage", "@id": "urn:tuned", "name": "tuned"},
            {
                "@type": f"{terms}/Core/Relationship",
                "@id": "urn:r1",
                "from": "urn:base",
                "relationshipType": f"{terms}/Core/RelationshipType/ancestorOf",
                "to": ["urn:tuned"],
            },
            {
                "@type": f"{terms}/Core/Relationship",
                "@id": "urn:r2",
                "from": "urn:tuned",
                "relationshipType": f"{terms}/Core/RelationshipType/hasDeclaredLicense",
                "to": [f"{terms}/ExpandedLicensing/NoneLicense"],
            },
        ]
    }
    path = tmp_path / "iris.spdx3.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    records = {r.name: r for r in load_spdx3(path, shown="iris.spdx3.jsonld")}
    assert records["tuned"].base_models == ("google/gemma-7b",)
    assert records["tuned"].license == "NONE"
    assert records["google/gemma-7b"].license is None


@pytest.mark.parametrize("name", SERIALISATIONS)
def test_the_package_s_version_and_download_location_are_its_release(name: str) -> None:
    model, base = spdx(name)[:2]
    assert model.release == Release(
        version="1.0", download_location="https://huggingface.co/acme/acme-chat-7b"
    )
    assert base.release.version is None and base.release.date is None
