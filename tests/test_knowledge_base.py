"""The knowledge base is honest: valid profiles, quotes that are really in the texts, no alias
claimed twice, OSI flags that agree with OSI's list, and every name users meet resolves."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from licheck.knowledge.catalog import (
    Catalog,
    build_index,
    knowledge_base_dir,
    load_profile_file,
    render_index,
)

KB = knowledge_base_dir()
PROFILE_FILES = sorted(KB.glob("*.yaml"))


def _fold(text: str) -> str:
    """Case, white space and typographic quotes do not matter when a quote is compared."""
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return " ".join(re.sub(r"[^\w'\"%$.,:;()/-]+", " ", text.lower()).split())


def test_index_is_current() -> None:
    on_disk = (KB / "index.json").read_text(encoding="utf-8")
    assert on_disk == render_index(build_index(KB)), "run `python -m licheck.knowledge.catalog`"


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_profile_is_valid(path: Path) -> None:
    profile = load_profile_file(path)
    assert profile.id.startswith("LicenseRef-licheck-") or not profile.id.startswith("LicenseRef-")


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_evidence_is_verbatim_in_the_text(path: Path, corpus: Path) -> None:
    profile = load_profile_file(path)
    if profile.corpus is None:
        pytest.skip(f"{profile.id} names no corpus text")
    text = _fold((corpus / profile.corpus).read_text(encoding="utf-8", errors="replace"))
    missing = [
        f"{cid} [{f.section}]: {f.evidence!r}"
        for cid, crit in profile.criteria.items()
        for f in crit.findings
        if _fold(f.evidence) not in text
    ]
    assert not missing, f"{profile.id}: quotes not found in {profile.corpus}: {missing}"


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_osi_flag_comes_from_the_osi_list(path: Path) -> None:
    profile = load_profile_file(path)
    spdx = Catalog().spdx_license(profile.id)
    assert profile.osi_approved == (spdx is not None and spdx.osi_approved)


def test_every_hugging_face_id_resolves(corpus: Path) -> None:
    catalog = Catalog()
    with (corpus / "hf" / "hf_licenses.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    unresolved = [row["hf_id"] for row in rows if catalog.resolve(row["hf_id"]) is None]
    assert not unresolved


def test_every_ai_corpus_text_has_a_profile(corpus: Path) -> None:
    catalog = Catalog()
    labels = json.loads((corpus / "ai" / "labels.json").read_text(encoding="utf-8"))
    missing = [key for key in labels if (r := catalog.resolve(key)) is None or r.kind != "profile"]
    assert not missing


def test_every_licheck_id_in_the_labels_resolves(corpus: Path) -> None:
    catalog = Catalog()
    ids = set(
        re.findall(r"LicenseRef-licheck-[\w.+-]+", (corpus / "wild" / "labels.json").read_text())
    )
    missing = sorted(i for i in ids if (r := catalog.resolve(i)) is None or r.id != i)
    assert not missing


# The AI model licenses in license-expression's ScanCode index (30.4): each must resolve to a
# profile, so that a ScanCode-generated SBOM naming one is judged, not "unknown".
SCANCODE_AI_KEYS = (
    "apple-ml-ferret-2023", "apple-sscl", "bigcode-open-rail-m-v1", "bigscience-open-rail-m",
    "bigscience-open-rail-m2", "bigscience-rail-1.0", "chameleon-research-2024", "deepseek-la-1.0",
    "exaone-ai-model-1.1-nc", "fair-ai-public-1.0", "fair-ai-public-1.0-sd", "falcon-2-11b-1.0",
    "flux-1-nc", "gemma-tou-2024-04-01", "gretelai-sal-1.0", "hfoil-1.0", "hyperclova-x-seed-2025",
    "llama-2-license-2023", "llama-3.1-license-2024", "llama-3.2-license-2024",
    "llama-3.3-license-2024", "llama-4-cla-2025", "llama-4-license-2025", "llama-license-2023",
    "ltxv-owl-2025-04-17", "ltxv-owl-2025-05-05", "nvidia-open-model-2025-04-28",
    "open-weights-permissive-1.0.0", "openai-tou-20230314", "openai-tou-20241211", "openmdw-1.0",
    "playground-v2-community", "responsible-ai-source-1.0", "responsible-ai-source-1.1",
    "stability-ai-community-2024", "stability-ai-nc-2023-12-06", "stable-diffusion-2022-08-22",
    "tencent-hunyuan-3d-2.0-cla", "tongyi-qianwen-2023",
)  # fmt: skip


@pytest.mark.parametrize("key", SCANCODE_AI_KEYS)
def test_scancode_ai_keys_resolve_to_profiles(key: str) -> None:
    import license_expression

    index = json.loads(
        (
            Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"
        ).read_text()
    )
    assert key in {entry["license_key"] for entry in index}, f"{key} is not in the index"
    catalog = Catalog()
    for name in (key, f"LicenseRef-scancode-{key}"):
        resolution = catalog.resolve(name)
        assert resolution is not None and resolution.kind == "profile", name
