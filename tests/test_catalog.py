"""Name resolution: our profiles first, then SPDX ids and names, then ScanCode keys."""

from __future__ import annotations

import pytest

from licheck.knowledge.catalog import Catalog, normalise_alias


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apache 2.0", "apache-2.0"),
        ("  'MIT_License' ", "mit-license"),
        ("LLaMA  2", "llama-2"),
    ],
)
def test_normalise_alias(name: str, expected: str) -> None:
    assert normalise_alias(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "llama2",
        "Llama 2 Community License",
        "llama-2-license-2023",
        "LicenseRef-scancode-llama-2-license-2023",
    ],
)
def test_llama2_aliases_resolve_to_the_profile(catalog: Catalog, name: str) -> None:
    resolution = catalog.resolve(name)
    assert resolution is not None
    assert (resolution.kind, resolution.id) == ("profile", "LicenseRef-licheck-llama-2")


@pytest.mark.parametrize(
    ("name", "spdx_id", "osi"),
    [
        ("apache-2.0", "Apache-2.0", True),
        ("Apache License 2.0", "Apache-2.0", True),
        ("mit", "MIT", True),
        ("gpl-2.0-plus", "GPL-2.0-or-later", True),
        ("BSD-3-Clause-Clear", "BSD-3-Clause-Clear", False),
    ],
)
def test_spdx_ids_names_and_scancode_keys_resolve(
    catalog: Catalog, name: str, spdx_id: str, osi: bool
) -> None:
    resolution = catalog.resolve(name)
    assert resolution is not None
    assert resolution.id == spdx_id
    assert resolution.osi_approved is osi


def test_or_later_plus_judges_the_named_version(catalog: Catalog) -> None:
    resolution = catalog.resolve("LGPL-2.1-or-later+")
    assert resolution is not None and resolution.id == "LGPL-2.1-or-later"


def test_unknown_names_do_not_resolve(catalog: Catalog) -> None:
    assert catalog.resolve("totally-made-up-license") is None
    assert catalog.resolve("") is None


def test_suggestions_are_worked_out_once_per_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dump repeats an unknown license_name on many rows; the alias comparison runs once."""
    fresh = Catalog()
    first = fresh.suggest("qwen-researchers")
    calls: list[str] = []
    monkeypatch.setattr(fresh, "_closest", lambda key, limit: calls.append(key) or [])
    assert fresh.suggest("Qwen-Researchers") == first
    assert calls == []
    fresh.suggest("another-unknown-name")
    assert calls == ["another-unknown-name"]
