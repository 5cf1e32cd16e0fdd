"""A scan's second pass judges the records its first pass read (licheck/spool.py), with the
result a fresh read gives; a spool that is full, missing or broken only costs a second read."""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import cast

import pytest

from licheck import scan as scan_module
from licheck.records import ModelRecord, Policy, SubjectReport
from licheck.scan import scan
from licheck.spool import SpoolReader, SpoolWriter

TODAY = date(2026, 11, 29)


def _tree(root: Path) -> Path:
    """Loose cards, a model folder with a base in the same tree, and a broken card."""
    (root / "cards").mkdir()
    for n, license_id in enumerate(("mit", "llama2", "apache-2.0", "other") * 20):
        card = f"---\nlicense: {license_id}\nbase_model: org/base-{n % 3}\n---\n# m{n}\n"
        (root / "cards" / f"m{n:03d}.md").write_text(card, encoding="utf-8")
    (root / "base").mkdir()
    (root / "base" / "model.yaml").write_text("name: org/base-1\nlicense: llama2\n", "utf-8")
    (root / "cards" / "broken.md").write_text("---\nlicense: [mit\n---\n# x\n", "utf-8")
    return root


def _subjects(root: Path, jobs: int) -> list[SubjectReport]:
    return [s for s in scan([root], policy=Policy(), today=TODAY, jobs=jobs)
            if isinstance(s, SubjectReport)]  # fmt: skip


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_spooled_run_judges_as_a_fresh_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    root = _tree(tmp_path)
    spooled = _subjects(root, jobs)
    monkeypatch.setattr(scan_module, "SPOOL_BYTES", 0)  # nothing kept: every unit read again
    assert _subjects(root, jobs) == spooled
    # The fine-tunes of org/base-1 inherit the base's Llama 2 terms through the spool too.
    tunes = [s for s in spooled if s.base_models == ("org/base-1",) and s.expression == "mit"]
    assert tunes and all("inherited-license" in [v.rule for v in s.violations] for s in tunes)


def test_the_spool_folder_is_gone_when_the_scan_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    (tmp_path / "tree").mkdir()
    root = _tree(tmp_path / "tree")
    results = cast("Generator[object, None, None]", scan([root], policy=Policy(), today=TODAY))
    next(results)
    assert next(p.name for p in spools.iterdir()).startswith("licheck-scan-")
    results.close()  # a consumer that stops early (Ctrl-C, --fail-fast): still removed
    assert list(spools.iterdir()) == []
    _subjects(root, 1)
    assert list(spools.iterdir()) == []


def test_each_card_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import licheck.inputs

    root = _tree(tmp_path)
    reads: list[Path] = []
    load_path = licheck.inputs.load_path

    def counted(path: Path, *args: object, **kwargs: object) -> list[ModelRecord]:
        reads.append(path)
        return load_path(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(licheck.inputs, "load_path", counted)
    _subjects(root, 1)
    once = len(reads)
    assert once == len(set(reads)) + 1  # the broken card, unreadable at first, is read again
    reads.clear()
    monkeypatch.setattr(scan_module, "SPOOL_BYTES", 0)
    _subjects(root, 1)
    assert len(reads) == 2 * (once - 1)  # every model unit read in both passes


def test_a_spool_file_that_is_gone_is_read_again(tmp_path: Path) -> None:
    record = ModelRecord(name="m", source="m.md", format="hf-card", license="mit")
    writer = SpoolWriter(str(tmp_path), budget=1 << 20)
    path = writer.write([[record], []])
    assert path is not None
    reader = SpoolReader()
    assert reader.records(path, 0) == [record] and reader.records(path, 1) == []
    assert reader.records(path, 2) is None
    Path(path).write_bytes(b"not a pickle")
    assert SpoolReader().records(path, 0) is None
    Path(path).unlink()
    assert SpoolReader().records(path, 0) is None


def test_the_budget_bounds_the_disk_used(tmp_path: Path) -> None:
    text = "x" * 10_000
    record = ModelRecord(name="m", source="m.md", format="hf-card", license=text)
    writer = SpoolWriter(str(tmp_path), budget=25_000)
    assert writer.write([[record]]) is not None
    assert writer.write([[record]]) is not None
    assert writer.write([[record]]) is None  # past the budget: read again, nothing written
    assert (
        writer.write([[ModelRecord(name="s", source="s", format="hf-card", license="mit")]]) is None
    )
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 25_000
