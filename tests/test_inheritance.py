"""Inheritance to any depth: chains, cycles, decoys, re-uploads and the unknown_base policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.engine.evaluate import evaluate, evaluate_all
from licheck.engine.judgment import SameRunModel, same_run_index
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, Policy, SubjectReport

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def card(folder: Path, license: str | None, *bases: str, name: str | None = None) -> ModelRecord:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text("---\n---\n", encoding="utf-8")
    return ModelRecord(
        source=str(folder / "README.md"),
        format="hf-card",
        name=name or folder.name,
        license=license,
        license_line=2,
        base_models=bases,
    )


def run(
    catalog: Catalog, records: list[ModelRecord], policy: Policy | None = None
) -> list[SubjectReport]:
    return evaluate_all(records, catalog=catalog, policy=policy or Policy(), today=TODAY)


def test_a_fine_tune_of_a_fine_tune_of_llama_2_inherits_llama_2(
    tmp_path: Path, catalog: Catalog
) -> None:
    first = card(tmp_path / "acme" / "ft-1", "mit", "meta-llama/Llama-2-7b-hf")
    second = card(tmp_path / "acme" / "ft-2", "mit", "acme/ft-1")
    reports = run(catalog, [first, second])
    assert not reports[1].passed
    (violation,) = [v for v in reports[1].violations if v.rule == "inherited-license"]
    assert (
        "derives from meta-llama/Llama-2-7b-hf through acme/ft-1 (mit declared)"
        in violation.message
    )
    assert "declaring mit does not remove" in violation.message


def test_a_chain_five_deep_is_followed_to_its_root(tmp_path: Path, catalog: Catalog) -> None:
    records = [card(tmp_path / "o" / "m0", "apache-2.0", "black-forest-labs/FLUX.1-dev")]
    for depth in range(1, 5):
        records.append(card(tmp_path / "o" / f"m{depth}", "mit", f"o/m{depth - 1}"))
    reports = run(catalog, records)
    assert all(not r.passed for r in reports)
    assert any("flux" in (v.license or "").lower() for v in reports[-1].violations), [
        v.license for v in reports[-1].violations
    ]


def test_a_cycle_is_reported_and_does_not_hang(tmp_path: Path, catalog: Catalog) -> None:
    a = card(tmp_path / "o" / "a", "mit", "o/b")
    b = card(tmp_path / "o" / "b", "mit", "o/a")
    reports = run(catalog, [a, b])
    for report in reports:
        assert any(v.rule == "unknown-base" and "loops" in v.message for v in report.violations), (
            report.violations
        )


def test_a_decoy_named_like_the_last_part_of_a_real_id_does_not_pass_a_fine_tune(
    tmp_path: Path, catalog: Catalog
) -> None:
    decoy = card(tmp_path / "decoys" / "Llama-2-7b-hf", "mit")
    ft = card(tmp_path / "acme" / "ft", "mit", "meta-llama/Llama-2-7b-hf")
    reports = run(catalog, [decoy, ft])
    assert not reports[1].passed
    assert any(v.rule == "inherited-license" for v in reports[1].violations)


def test_the_table_still_binds_when_a_same_run_model_has_the_full_id(
    tmp_path: Path, catalog: Catalog
) -> None:
    lookalike = card(tmp_path / "meta-llama" / "Llama-2-7b-hf", "mit")
    ft = card(tmp_path / "acme" / "ft", "mit", "meta-llama/Llama-2-7b-hf")
    reports = run(catalog, [lookalike, ft])
    assert any(v.rule == "inherited-license" for v in reports[1].violations)


def test_a_same_run_base_matched_by_its_full_id_passes_its_open_terms_on(
    tmp_path: Path, catalog: Catalog
) -> None:
    base = card(tmp_path / "ours" / "base", "apache-2.0")
    ft = card(tmp_path / "ours" / "ft", "mit", "ours/base")
    assert [r.passed for r in run(catalog, [base, ft])] == [True, True]


def test_a_relative_path_base_resolves_from_the_derivatives_folder(
    tmp_path: Path, catalog: Catalog
) -> None:
    base = card(tmp_path / "base", "cc-by-nc-4.0")
    ft = card(tmp_path / "ft", "mit", "../base")
    reports = run(catalog, [base, ft])
    assert [v.license for v in reports[1].violations] == ["CC-BY-NC-4.0"]


def test_same_run_keys_never_use_the_last_name_part_alone(tmp_path: Path) -> None:
    index = same_run_index([card(tmp_path / "decoys" / "Llama-2-7b-hf", "mit")])
    assert "llama-2-7b-hf" not in index
    assert "decoys/llama-2-7b-hf" in index


@pytest.mark.parametrize(
    "base", ["TheBloke/Llama-2-7B-GGUF", "NousResearch/Llama-2-7b-hf", "unsloth/llama-2-7b"]
)
def test_a_reupload_inherits_the_original_and_says_so(catalog: Catalog, base: str) -> None:
    ft = ModelRecord(
        source="ft.yaml", format="model-yaml", name="ft", license="mit", base_models=(base,)
    )
    report = evaluate(ft, catalog=catalog, policy=Policy(), today=TODAY)
    (violation,) = report.violations
    assert "a re-upload of Llama 2 (matched by name)" in violation.message


def test_a_resemblance_to_an_open_release_cannot_vouch_for_a_base(catalog: Catalog) -> None:
    ft = ModelRecord(
        source="ft.yaml",
        format="model-yaml",
        name="ft",
        license="mit",
        base_models=("someone/pythia-6.9b",),
    )
    report = evaluate(ft, catalog=catalog, policy=Policy(), today=TODAY)
    assert [v.rule for v in report.violations] == ["unknown-base"]
    assert "named like Pythia" in report.violations[0].message


def test_a_resemblance_to_a_restricted_release_inherits_its_restrictions(
    catalog: Catalog,
) -> None:
    ft = ModelRecord(
        source="ft.yaml",
        format="model-yaml",
        name="ft",
        license="mit",
        base_models=("someone/Llama-2-7b-hf",),
    )
    report = evaluate(ft, catalog=catalog, policy=Policy(), today=TODAY)
    assert [v.rule for v in report.violations] == ["inherited-license"]


def test_a_plain_mapping_of_names_to_expressions_is_still_accepted(catalog: Catalog) -> None:
    ft = ModelRecord(
        source="ft.yaml",
        format="model-yaml",
        name="ft",
        license="mit",
        base_models=("our-org/base",),
    )
    known: dict[str, str | SameRunModel] = {"our-org/base": "apache-2.0"}
    report = evaluate(ft, catalog=catalog, policy=Policy(), today=TODAY, known_bases=known)
    assert report.passed


def _tree(root: Path) -> None:
    for rel, front in {
        "acme/ft-1": "license: mit\nbase_model: meta-llama/Llama-2-7b-hf",
        "acme/ft-2": "license: mit\nbase_model: acme/ft-1",
        "decoys/Llama-2-7b-hf": "license: mit",
        "ours/base": "license: apache-2.0",
        "ours/ft": "license: mit\nbase_model: ours/base",
        "loop/a": "license: mit\nbase_model: loop/b",
        "loop/b": "license: mit\nbase_model: loop/a",
    }.items():
        (root / rel).mkdir(parents=True)
        (root / rel / "README.md").write_text(f"---\n{front}\n---\n", encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_and_check_agree_on_every_chain(tmp_path: Path, jobs: int) -> None:
    from licheck.check import check_records, read_records
    from licheck.scan import scan

    _tree(tmp_path)
    readmes = sorted(tmp_path.rglob("README.md"))
    checked = check_records(read_records(readmes), policy=Policy(), today=TODAY)
    by_check = {
        s.source: (s.passed, sorted(v.rule for v in s.violations)) for s in checked.subjects
    }
    scanned = [
        s
        for s in scan([tmp_path], policy=Policy(), today=TODAY, jobs=jobs)
        if isinstance(s, SubjectReport)
    ]
    by_scan = {s.source: (s.passed, sorted(v.rule for v in s.violations)) for s in scanned}
    assert by_scan == by_check
    passed = sorted(Path(s).parent.name for s, (ok, _) in by_scan.items() if ok)
    assert passed == ["Llama-2-7b-hf", "base", "ft"]


def test_the_summary_counts_models_with_an_unknown_base(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from licheck.cli import main

    for name, base in (("a", "nobody-knows/this-base"), ("b", None)):
        folder = tmp_path / name
        folder.mkdir()
        lines = ["---", "license: mit", *([f"base_model: {base}"] if base else []), "---", ""]
        (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")
    with CliRunner().isolation() as (out, err, _):
        code = main(["scan", "--jobs", "1", "-f", "jsonl", str(tmp_path)])
        summary = json.loads(out.getvalue().decode().splitlines()[-1])
        stderr = err.getvalue().decode()
    assert code == 1
    assert summary["unknown_bases"] == 1
    assert "1 with an unknown base" in stderr


def test_the_run_index_asks_the_filesystem_once_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = [card(tmp_path / "org" / name, "mit") for name in ("a", "b")]
    folders: list[Path] = []
    resolve = Path.resolve

    def counted(path: Path, strict: bool = False) -> Path:
        folders.append(path)
        return resolve(path, strict)

    monkeypatch.setattr(Path, "resolve", counted)
    index = same_run_index([cards[0], cards[0], cards[1]])
    assert sorted(map(str, folders)) == sorted(str(tmp_path / "org" / n) for n in ("a", "b"))
    assert {"org/a", "org/b"} <= set(index)
