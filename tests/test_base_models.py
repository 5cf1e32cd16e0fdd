"""The built-in base-model table: facts that resolve, and patterns that never cross versions."""

from __future__ import annotations

import pytest

from licheck.engine.expression import leaves, parse
from licheck.knowledge import base_models
from licheck.knowledge.base_models import all_facts, lookup_base_model, matching_families
from licheck.knowledge.catalog import Catalog

FACTS = all_facts()
KNOWN = [fact for fact, _ in FACTS if fact.license is not None]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.mark.parametrize("fact", KNOWN, ids=[f.family for f in KNOWN])
def test_every_known_license_resolves(catalog: Catalog, fact: base_models.BaseModelFact) -> None:
    assert fact.license is not None
    for leaf in leaves(parse(fact.license)):
        resolution = catalog.resolve(leaf.key)
        assert resolution is not None, f"{fact.family}: '{leaf.key}' resolves to nothing"
        assert resolution.kind in ("profile", "spdx")


def test_the_entries_marked_unknown_are_the_ones_we_doubt() -> None:
    unknown = sorted(f.family for f, _ in FACTS if f.license is None)
    assert unknown == ["Qwen1.5 14B and 32B (card not read)"]


@pytest.mark.parametrize(("fact", "examples"), FACTS, ids=[f.family for f, _ in FACTS])
def test_every_example_matches_its_entry_and_no_other(
    fact: base_models.BaseModelFact, examples: tuple[str, ...]
) -> None:
    assert examples, f"{fact.family} has no examples"
    for example in examples:
        assert matching_families(example) == [fact.family], example


@pytest.mark.parametrize("fact", [f for f, _ in FACTS], ids=[f.family for f, _ in FACTS])
def test_every_fact_has_a_source_url(fact: base_models.BaseModelFact) -> None:
    assert fact.source.startswith("https://")


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1"),
        ("meta-llama/Meta-Llama-3-8B-Instruct", "Llama 3"),
        ("llama-3", "Llama 3"),
        ("Llama 3.2", "Llama 3.2"),
        ("google/gemma-2b", "Gemma (1)"),
        ("google/gemma-2-2b", "Gemma 2"),
        ("google/gemma-3-4b-it", "Gemma 3"),
        ("bigcode/starcoder", "StarCoder"),
        ("bigcode/starcoder2-7b", "StarCoder2"),
        ("stabilityai/stable-diffusion-xl-base-0.9", "Stable Diffusion XL 0.9"),
        ("Qwen/Qwen2.5-72B-Instruct", "Qwen2.5 72B"),
        ("Qwen/Qwen2.5-32B-Instruct", "Qwen2.5 (Apache-2.0 sizes)"),
        ("deepseek-ai/DeepSeek-V3", "DeepSeek models under the DeepSeek License"),
        ("deepseek-ai/DeepSeek-V3-0324", "DeepSeek R1 and later V3 releases"),
    ],
)
def test_neighbouring_versions_do_not_cross(name: str, family: str) -> None:
    fact = lookup_base_model(name)
    assert fact is not None
    assert fact.family == family


@pytest.mark.parametrize(
    "name",
    [
        "TheBloke/MythoMax-L2-13B-GPTQ",
        "stabilityai/sdxl-turbo",
        "meta-llama/Llama-5-8B",
        "mistral",
        "",
    ],
)
def test_other_publishers_and_unknown_names_find_nothing(name: str) -> None:
    assert lookup_base_model(name) is None


def test_matching_ignores_case_urls_and_revisions() -> None:
    for name in (
        "META-LLAMA/LLAMA-2-7B-HF",
        "https://huggingface.co/meta-llama/Llama-2-7b-hf/tree/main",
        "meta-llama/Llama-2-7b-hf@main",
    ):
        fact = lookup_base_model(name)
        assert fact is not None and fact.license == "llama2", name


def test_unknown_license_is_none_with_a_note() -> None:
    fact = lookup_base_model("Qwen/Qwen1.5-14B-Chat")
    assert fact is not None
    assert fact.license is None
    assert fact.note is not None and "could not be read" in fact.note


def test_qwen_sizes_carry_the_license_their_cards_declare() -> None:
    """Sizes of one Qwen release differ: the 3B and CodeQwen ones are research-only."""
    expected = {
        "Qwen/Qwen2.5-3B-Instruct": "qwen-research",
        "Qwen/Qwen2.5-7B-Instruct": "Apache-2.0",
        "Qwen/Qwen2.5-72B-Instruct": "qwen",
        "Qwen/CodeQwen1.5-7B-Chat": "tongyi-qianwen-research",
        "Qwen/Qwen1.5-7B-Chat": "tongyi-qianwen",
        "Qwen/Qwen1.5-4B": "tongyi-qianwen-research",
        "Qwen/Qwen2-72B-Instruct": "tongyi-qianwen",
        "Qwen/Qwen2-7B": "Apache-2.0",
    }
    found = {}
    for model_id in expected:
        fact = lookup_base_model(model_id)
        found[model_id] = fact.license if fact is not None else None
    assert found == expected


def test_fact_says_which_pattern_matched() -> None:
    fact = lookup_base_model("tiiuae/falcon-180B")
    assert fact is not None
    assert fact.pattern.startswith("tiiuae/")
    assert fact.license == "falcon-180b-1.0"


def test_table_is_read_once() -> None:
    base_models._data.cache_clear()
    lookup_base_model("meta-llama/Llama-2-7b-hf")
    lookup_base_model("google/gemma-7b")
    assert base_models._data.cache_info().misses == 1


@pytest.mark.parametrize(
    ("name", "family", "kind"),
    [
        ("TheBloke/Llama-2-7B-GPTQ", "Llama 2", "trusted"),
        ("NousResearch/Llama-2-7b-hf", "Llama 2", "trusted"),
        ("TheBloke/Mistral-7B-Instruct-v0.1-GGUF", "Mistral 7B", "trusted"),
        ("unsloth/llama-3-8b-bnb-4bit", "Llama 3", "trusted"),
        ("huggyllama/llama-7b", "Llama 1", "trusted"),
        ("someone/gemma-7b", "Gemma (1)", "resemblance"),
    ],
)
def test_reuploads_are_matched_by_name_and_say_so(name: str, family: str, kind: str) -> None:
    fact = lookup_base_model(name)
    assert fact is not None
    assert (fact.family, fact.reupload) == (family, kind)


def test_an_original_publishers_own_id_is_never_a_reupload() -> None:
    assert lookup_base_model("meta-llama/Llama-2-7b-hf").reupload is None  # type: ignore[union-attr]
    assert lookup_base_model("meta-llama/Llama-5-8B") is None
