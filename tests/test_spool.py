"""A scan judges each card as it first reads it and keeps the chunk in the spool until the run's
index is complete (licheck/spool.py): the result is the one a fresh read gives, a base read
after its fine-tunes still binds them, a spool that is full only costs a second read, and a
chunk lost from the spool is reported, never skipped."""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from licheck import scan as scan_module
from licheck.inputs.registry import InputOptions
from licheck.inputs.tree import Unit, is_model_folder, walk
from licheck.records import ModelRecord, Policy, SubjectReport
from licheck.scan import ScanWorker, scan
from licheck.spool import SpooledChunk, SpoolError, SpoolReader, SpoolWriter

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
    assert once == len(set(reads)) == 82  # the broken card too: read and judged in one go
    reads.clear()
    monkeypatch.setattr(scan_module, "SPOOL_BYTES", 0)
    _subjects(root, 1)
    assert len(reads) == 2 * once  # nothing spooled: every unit read in both passes


def test_a_chunk_file_that_is_gone_or_broken_is_refused(tmp_path: Path) -> None:
    record = ModelRecord(name="m", source="m.md", format="hf-card", license="mit")
    writer = SpoolWriter(str(tmp_path), budget=1 << 20)
    path = writer.write([[record], []])
    assert path is not None
    reader = SpoolReader()
    assert reader.section(path, 0) == [record] and reader.section(path, 1) == []
    with pytest.raises(SpoolError):
        reader.section(path, 2)
    Path(path).write_bytes(Path(path).read_bytes()[:-3])
    with pytest.raises(SpoolError, match="cut short"):
        SpoolReader().section(path, 0)
    Path(path).unlink()
    with pytest.raises(SpoolError):
        SpoolReader().section(path, 0)


def test_a_chunk_lost_from_the_spool_is_unreadable_never_a_gap(tmp_path: Path) -> None:
    worker = ScanWorker(Policy(), TODAY, InputOptions(), 5.0)
    (subject,) = worker(SpooledChunk(str(tmp_path / "gone.chunk"), 32))
    assert isinstance(subject, SubjectReport) and subject.format == "unreadable"
    assert "32 models of this scan were not judged" in subject.violations[0].message


def test_the_budget_bounds_the_disk_used(tmp_path: Path) -> None:
    text = "x" * 10_000
    record = ModelRecord(name="m", source="m.md", format="hf-card", license=text)
    writer = SpoolWriter(str(tmp_path), budget=25_000)
    assert writer.write([[record]]) is not None
    assert writer.write([[record]]) is not None
    assert writer.write([[record]]) is None  # past the budget: kept in memory, nothing written
    assert writer.full
    assert (
        writer.write([[ModelRecord(name="s", source="s", format="hf-card", license="mit")]]) is None
    )
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 25_000


def test_the_main_process_holds_a_file_name_per_chunk_not_its_units(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "spool").mkdir()
    root = _tree(tmp_path / "tree")
    worker = ScanWorker(
        Policy(), TODAY, InputOptions(), 5.0, spool=SpoolWriter(str(tmp_path / "spool"), 1 << 30)
    )
    units = [u for u in walk([root / "cards"], is_model_folder=is_model_folder)]
    outcome = worker.collect([u for u in units if isinstance(u, Unit)])
    assert outcome.spooled is not None and outcome.units == [] and outcome.facts == []
    assert outcome.spooled.units == 81
    assert outcome.named == {"org/base-0", "org/base-1", "org/base-2"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_base_read_after_its_fine_tunes_still_binds_them(tmp_path: Path, jobs: int) -> None:
    # The first pass judges each fine-tune before it has read the base (no index yet): the
    # fine-tunes that look it up are judged again once the index is complete.
    (tmp_path / "a-tunes").mkdir()
    for n in range(40):
        card = f"---\nlicense: mit\nbase_model: zz/base\n---\n# t{n}\n"
        (tmp_path / "a-tunes" / f"t{n:02d}.md").write_text(card, encoding="utf-8")
    (tmp_path / "zz" / "base").mkdir(parents=True)
    (tmp_path / "zz" / "base" / "model.yaml").write_text("name: zz/base\nlicense: llama2\n")
    subjects = _subjects(tmp_path, jobs)
    tunes = [s for s in subjects if s.base_models == ("zz/base",)]
    assert len(tunes) == 40
    assert all("inherited-license" in [v.rule for v in s.violations] for s in tunes)
    assert all(any(r.inherited_from == "zz/base" for r in s.licenses) for s in tunes)


def test_with_no_base_in_the_tree_nothing_is_judged_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import licheck.engine.evaluate

    root = _tree(tmp_path)
    (root / "base" / "model.yaml").unlink()
    judged: list[str] = []
    evaluate = licheck.engine.evaluate.evaluate

    def counted(record: ModelRecord, **kwargs: Any) -> SubjectReport:
        judged.append(record.source)
        return evaluate(record, **kwargs)

    monkeypatch.setattr(licheck.engine.evaluate, "evaluate", counted)
    subjects = _subjects(root, 1)
    assert len(judged) == len(set(judged)) == 80 and len(subjects) == 81


def test_past_the_share_for_results_chunks_are_kept_light(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    whole = _subjects(root, 1)
    kept: list[bool] = []
    write = SpoolWriter.write

    def noted(self: SpoolWriter, sections: list[Any], *, light: bool = False) -> str | None:
        path = write(self, sections, light=light)
        kept.append(light and path is not None)
        return path

    monkeypatch.setattr(SpoolWriter, "write", noted)
    monkeypatch.setattr(scan_module, "CHUNK", 8)
    monkeypatch.setattr(scan_module, "SPOOL_BYTES", 80_000)  # results of a few chunks only
    assert _subjects(root, 1) == whole
    assert any(kept) and not all(kept)


def test_a_light_chunk_may_use_the_last_share_of_the_budget(tmp_path: Path) -> None:
    writer = SpoolWriter(str(tmp_path), budget=8_000)
    assert writer.write(["x" * 7_500]) is None and writer.full  # past 7/8 of the budget
    assert writer.write(["x" * 5_000]) is None  # no more whole chunks
    assert writer.write(["x" * 600], light=True) is not None
    assert writer.write(["x" * 600], light=True) is None  # past the whole budget


def test_the_pool_starts_before_the_walk_lists_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked process starts with its parent's memory: started after the walk has listed a
    # folder of 100k cards, each worker would hold that listing too.
    import multiprocessing

    root = _tree(tmp_path)
    walk_of_scan = scan_module.walk
    started: list[int] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        started.append(len(multiprocessing.active_children()))
        yield from walk_of_scan(*args, **kwargs)

    monkeypatch.setattr(scan_module, "walk", watched)
    assert len(_subjects(root, 2)) == 82
    assert started == [2]
