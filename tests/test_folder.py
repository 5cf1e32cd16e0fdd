"""A model folder: its descriptions and license files judged together as one model."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.folder import load_folder
from licheck.inputs.layout import license_role, snapshot_blob
from licheck.records import ModelRecord

FOLDERS = Path(__file__).parent / "fixtures" / "folders"


def folder(name: str) -> ModelRecord:
    (record,) = load_folder(FOLDERS / name)
    return record


def roles(record: ModelRecord) -> dict[str, str]:
    return {Path(t.path).name: t.role for t in record.license_texts}


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("LICENSE", "license"),
        ("LICENSE.txt", "license"),
        ("licence.md", "license"),
        ("COPYING.LESSER", "license"),
        ("LICENSE-APACHE", "license"),
        ("LICENSE-MODEL", "model"),
        ("MODEL_LICENSE.md", "model"),
        ("LICENSE_WEIGHTS.txt", "model"),
        ("LICENSE-CODE", "code"),
        ("CODE_LICENSE", "code"),
        ("USE_POLICY.md", "use-policy"),
        ("ACCEPTABLE_USE_POLICY.txt", "use-policy"),
        ("LICENSE-THIRD-PARTY.txt", None),
        ("LICENSE-DATA", None),
        ("LICENSE.pdf", None),
        ("README.md", None),
        ("config.json", None),
    ],
)
def test_license_role_from_file_name(name: str, role: str | None) -> None:
    assert license_role(name) == role


def test_split_folder_keeps_weights_code_and_policy_apart() -> None:
    record = folder("split")
    assert roles(record) == {
        "LICENSE-CODE": "code",
        "LICENSE-MODEL.md": "model",
        "USE_POLICY.md": "use-policy",
    }


def test_split_folder_takes_license_and_name_from_the_card() -> None:
    record = folder("split")
    assert (record.format, record.license, record.license_name) == (
        "folder",
        "other",
        "acme-split-license",
    )
    assert record.source.endswith(os.path.join("split", "README.md"))
    assert (record.name, record.base_models) == ("split", ("acme/split-base",))


def test_model_yaml_takes_precedence_over_the_card() -> None:
    record = folder("yaml-and-card")
    assert (record.license, record.name, record.publisher) == (
        "apache-2.0",
        "acme-from-yaml",
        "Acme Labs",
    )
    assert record.source.endswith("model.yaml")
    assert record.license_line == 4


def test_card_fills_what_model_yaml_does_not_say() -> None:
    record = folder("yaml-and-card")
    assert record.base_models == ("acme/card-base",)
    assert (record.base_model_relation, record.datasets) == ("adapter", ("acme/corpus",))
    assert [(f.criterion, f.status) for f in record.access] == [("OSD7", "unknown")]


def test_license_file_named_by_model_yaml_is_read_once() -> None:
    record = folder("yaml-and-card")
    assert [Path(t.path).name for t in record.license_texts] == ["LICENSE"]


def test_folder_with_only_a_license_file_is_judged_from_its_text() -> None:
    record = folder("license-only")
    assert (record.license, record.name) == (None, "license-only")
    assert roles(record) == {"COPYING": "license"}


def test_readme_without_metadata_adds_nothing_but_its_neighbours() -> None:
    record = folder("plain-readme")
    assert record.license is None
    assert roles(record) == {"LICENSE.txt": "license"}


def test_empty_folder_is_an_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_folder(tmp_path)
    assert "no model description or license file" in caught.value.message
    assert caught.value.hint and "model.yaml" in caught.value.hint


def test_a_file_is_not_a_folder() -> None:
    with pytest.raises(InputError, match="not a folder"):
        load_folder(FOLDERS / "license-only" / "COPYING")


def test_two_mot_files_are_ambiguous() -> None:
    with pytest.raises(InputError, match="several Model Openness Tool files"):
        load_folder(FOLDERS / "two-mot")


@pytest.mark.skipif(
    importlib.util.find_spec("licheck.inputs.mot") is None,
    reason="the MOT reader (licheck.inputs.mot) is not in this build yet",
)
def test_mot_file_declares_the_license_when_the_card_does_not() -> None:
    record = folder("mot-and-card")
    assert record.license is not None and "apache" in record.license.lower()
    assert record.source.endswith("acme-mot.yml")


def test_license_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("not a license\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "LICENSE").symlink_to(tmp_path / "secret")
    with pytest.raises(InputError, match="outside the model's folder") as caught:
        load_folder(model)
    assert caught.value.file is not None and caught.value.file.endswith("LICENSE")


def test_license_symlink_out_is_followed_with_allow_outside(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("made-up terms\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "LICENSE").symlink_to(tmp_path / "secret")
    (record,) = load_folder(model, allow_outside=True)
    assert record.license_texts[0].text == "made-up terms\n"


def test_readme_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text("---\nlicense: mit\n---\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(InputError, match="points outside"):
        load_folder(model)


def test_fifo_named_like_a_license_is_refused_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "LICENSE")
    with pytest.raises(InputError, match="not a regular file"):
        load_folder(tmp_path)


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "LICENSE").symlink_to(model / "LICENSE")
    with pytest.raises(InputError):
        load_folder(model)


def _hf_cache(tmp_path: Path) -> Path:
    """A Hugging Face cache repository: snapshot files are symlinks into blobs/."""
    repo = tmp_path / "models--acme--cached"
    (repo / "blobs").mkdir(parents=True)
    snapshot = repo / "snapshots" / "0123abcd"
    snapshot.mkdir(parents=True)
    (repo / "blobs" / "aaa").write_text("---\nlicense: other\nlicense_link: LICENSE\n---\n")
    (repo / "blobs" / "bbb").write_text("made-up cached terms\n")
    (snapshot / "README.md").symlink_to(Path("../../blobs/aaa"))
    (snapshot / "LICENSE").symlink_to(Path("../../blobs/bbb"))
    return snapshot


def test_hugging_face_cache_snapshot_is_read_through_its_blob_links(tmp_path: Path) -> None:
    (record,) = load_folder(_hf_cache(tmp_path))
    assert (record.license, record.name) == ("other", "acme/cached")
    assert [t.text for t in record.license_texts] == ["made-up cached terms\n"]


def test_snapshot_blob_only_for_the_cache_layout(tmp_path: Path) -> None:
    snapshot = _hf_cache(tmp_path)
    assert snapshot_blob(snapshot, snapshot / "LICENSE")
    assert not snapshot_blob(tmp_path, snapshot / "LICENSE")


def test_file_linked_by_the_card_is_read_once_with_its_role_and_line(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "---\nlicense: other\nlicense_link: LICENSE-MODEL.txt\n---\n"
    )
    (tmp_path / "LICENSE-MODEL.txt").write_text("made-up weights terms\n")
    (record,) = load_folder(tmp_path)
    assert [(Path(t.path).name, t.role, t.declared_line) for t in record.license_texts] == [
        ("LICENSE-MODEL.txt", "model", 3)
    ]


def test_another_tools_model_yaml_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text("nc: 80\nbackbone:\n  - [-1, 1, Conv, [64, 3, 2]]\n")
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    (record,) = load_folder(tmp_path)
    assert (record.license, Path(record.source).name) == ("mit", "README.md")


def test_own_model_yaml_with_a_typo_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text("name: acme\nlicence: mit\n")
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    with pytest.raises(InputError, match="unknown key 'licence'"):
        load_folder(tmp_path)


def test_a_plain_readme_is_no_model_card_and_the_error_points_to_scan(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# A project\n\nSome models live below.\n", encoding="utf-8"
    )
    (tmp_path / "model-a").mkdir()
    with pytest.raises(InputError, match="no model description") as info:
        load_folder(tmp_path)
    assert info.value.hint is not None and "licheck scan" in info.value.hint


def test_a_plain_readme_beside_a_license_leaves_the_license_to_judge(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# A model\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("You may not use the model commercially.\n", encoding="utf-8")
    (record,) = load_folder(tmp_path)
    assert record.license is None and [
        t.path.endswith("LICENSE") for t in record.license_texts
    ] == [True]
