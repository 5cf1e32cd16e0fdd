"""model.yaml v1: what it accepts, and the located, actionable errors for what it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.model_yaml import load_model_yaml

MODELS = Path(__file__).parent / "fixtures" / "models"


def load(name: str, **kwargs: bool) -> object:
    return load_model_yaml(MODELS / name, shown=f"models/{name}", **kwargs)


def test_valid_file_becomes_a_record() -> None:
    record = load_model_yaml(MODELS / "valid.yaml", shown="valid.yaml")
    assert record.name == "tiny-model"
    assert record.license == "apache-2.0"
    assert record.license_line == 4
    assert record.publisher == "Example Lab"
    assert record.base_models == ("example/base",)
    assert [c.name for c in record.components] == ["Model parameters (Final)", "Training code"]
    assert record.components[1].license == "MIT"


def test_license_file_is_read_relative_to_the_model_file() -> None:
    record = load_model_yaml(MODELS / "with-text.yaml", shown="with-text.yaml")
    (text,) = record.license_texts
    assert "Example Lab Model License" in text.text
    assert text.declared_line == 3


@pytest.mark.parametrize(
    ("name", "message", "line", "hint"),
    [
        ("typo.yaml", "unknown key 'licence'", 2, "did you mean 'license'?"),
        ("duplicate.yaml", "duplicate key 'license'", 3, "ambiguous"),
        ("wrong-type.yaml", "'license' must be text, not a list", 2, None),
        ("missing-license.yaml", "missing required key 'license'", 1, "license: NONE"),
        ("list-top.yaml", "must be a mapping of keys, found a list", 1, None),
        ("bad-schema-version.yaml", "schema_version 2 is not supported", 1, "schema_version: 1"),
        ("bad-component.yaml", "unknown key 'licnse'", 4, "did you mean 'license'?"),
        ("missing-file.yaml", "license_file 'NO-SUCH-LICENSE.txt' not found", 3, "relative"),
        ("outside.yaml", "points outside the model's folder", 3, "--allow-outside"),
        ("python-tag.yaml", "unsupported YAML tag", 1, None),
        ("not-utf8.yaml", "not UTF-8", 2, "UTF-8"),
        ("empty.yaml", "found an empty file", None, None),
    ],
)
def test_errors_name_file_line_and_remedy(
    name: str, message: str, line: int | None, hint: str | None
) -> None:
    with pytest.raises(InputError) as info:
        load_model_yaml(MODELS / name, shown=f"models/{name}")
    error = info.value
    assert message in error.message
    assert error.file == f"models/{name}"
    assert error.line == line
    if hint:
        assert error.hint is not None and hint in error.hint


def test_numbers_are_not_coerced_to_names(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("name: 7\nlicense: mit\n", encoding="utf-8")
    with pytest.raises(InputError, match="'name' must be text, not int") as info:
        load_model_yaml(path, shown="model.yaml")
    assert info.value.hint == 'quote the value: name: "7"'


def test_url_license_file_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(
        "name: m\nlicense: mit\nlicense_file: https://example.com/LICENSE\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="is a URL"):
        load_model_yaml(path, shown="model.yaml")


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    model = tmp_path / "model"
    model.mkdir()
    (model / "LICENSE").symlink_to(outside)
    (model / "model.yaml").write_text(
        "name: m\nlicense: mit\nlicense_file: LICENSE\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="outside"):
        load_model_yaml(model / "model.yaml", shown="model.yaml")
    record = load_model_yaml(model / "model.yaml", shown="model.yaml", allow_outside=True)
    assert record.license_texts[0].text == "secret"


def test_a_directory_is_not_read_as_a_license(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").mkdir()
    (tmp_path / "model.yaml").write_text(
        "name: m\nlicense: mit\nlicense_file: LICENSE\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="not a regular file"):
        load_model_yaml(tmp_path / "model.yaml", shown="model.yaml")


def test_base_model_may_be_a_list(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("name: m\nlicense: mit\nbase_model: [a/one, b/two]\n", encoding="utf-8")
    assert load_model_yaml(path, shown="model.yaml").base_models == ("a/one", "b/two")


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(f"name: m\nlicense: mit\n{extra}", encoding="utf-8")
    return path


def test_release_facts_are_read_for_the_sbom(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "version: '2.1'\nrelease_date: 2024-07-23\ndownload_location: https://example.org/m\n",
    )
    release = load_model_yaml(path, shown="model.yaml").release
    assert (release.version, release.date, release.download_location) == (
        "2.1",
        "2024-07-23",
        "https://example.org/m",
    )


def test_no_release_facts_is_no_release(tmp_path: Path) -> None:
    release = load_model_yaml(_write(tmp_path, ""), shown="model.yaml").release
    assert (release.version, release.date, release.download_location) == (None, None, None)


@pytest.mark.parametrize(
    ("extra", "message", "hint"),
    [
        ("release_date: last spring\n", "release_date 'last spring' is not a date", "ISO date"),
        ("download_location: the hub\n", "download_location 'the hub' is not a URL", "https://"),
        ("version: 1.10\n", "'version' must be text, not float", 'version: "1.1"'),
    ],
)
def test_a_wrong_release_fact_is_a_located_error(
    tmp_path: Path, extra: str, message: str, hint: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_model_yaml(_write(tmp_path, extra), shown="model.yaml")
    assert caught.value.message == message and caught.value.line == 3
    assert hint in (caught.value.hint or "")
