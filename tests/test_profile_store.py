"""The compiled profiles (licenses/profiles.jsonl) are current, give exactly what the YAML
gives, and are never used for a profile edited since they were compiled."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from licheck.errors import KnowledgeBaseError
from licheck.knowledge.catalog import Catalog, build_store, knowledge_base_dir, load_profile_file
from licheck.knowledge.profile_store import STORE_NAME, ProfileStore, render_store

KB = knowledge_base_dir()


def test_store_is_current() -> None:
    on_disk = (KB / STORE_NAME).read_bytes()
    assert on_disk == build_store(KB), "run `python -m licheck.knowledge.catalog`"


def test_every_compiled_profile_is_the_profile_its_yaml_gives() -> None:
    catalog = Catalog()
    store = ProfileStore(KB)
    for license_id in catalog.profile_ids():
        path = KB / catalog.summary(license_id)["file"]
        assert store.data(path.name, path.read_text(encoding="utf-8")) is not None, path.name
        assert catalog.profile(license_id) == load_profile_file(path), path.name


def _kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "licenses"
    shutil.copytree(KB, target)
    return target


def test_a_profile_edited_after_compiling_is_read_from_its_yaml(tmp_path: Path) -> None:
    kb = _kb_copy(tmp_path)
    catalog = Catalog(kb_dir=kb)
    license_id = catalog.profile_ids()[0]
    path = kb / catalog.summary(license_id)["file"]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nfamily: ", "\nfamily: edited-", 1), encoding="utf-8")
    assert str(catalog.profile(license_id).family).startswith("edited-")


def test_without_a_store_profiles_come_from_the_yaml(tmp_path: Path) -> None:
    kb = _kb_copy(tmp_path)
    (kb / STORE_NAME).write_bytes(b"not json\n")
    catalog = Catalog(kb_dir=kb)
    license_id = catalog.profile_ids()[0]
    assert catalog.profile(license_id) == Catalog().profile(license_id)


def test_dates_round_trip_and_what_json_would_change_is_refused() -> None:
    data = {"date": date(2023, 7, 18), "parameters": {"editions": [{"date": date(2024, 6, 1)}]}}
    store = render_store([("x.yaml", "text", data)])
    _head, line = store.split(b"\n", 1)
    assert b'{"$date": "2023-07-18"}' in line
    for bad in ({1: "int key"}, {"$date": "2023-01-01"}, {"when": object()}):
        with pytest.raises(KnowledgeBaseError):
            render_store([("x.yaml", "text", bad)])


def test_store_reads_one_entry_by_its_offsets(tmp_path: Path) -> None:
    data = {"a": [1, 2.5, None, True], "d": date(2020, 2, 29)}
    other = {"b": "é"}
    (tmp_path / STORE_NAME).write_bytes(
        render_store([("b.yaml", "tb", other), ("a.yaml", "ta", data)])
    )
    store = ProfileStore(tmp_path)
    assert store.data("a.yaml", "ta") == data
    assert store.data("b.yaml", "tb") == other
    assert store.data("a.yaml", "changed") is None
    assert store.data("missing.yaml", "ta") is None
