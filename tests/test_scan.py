"""`licheck scan`: discovery, parallel checking, per-model errors and time bounds, streaming."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.check import check_card
from licheck.cli import main
from licheck.errors import InputError
from licheck.records import Policy
from licheck.scan import discover, scan

TODAY = date(2026, 11, 29)


def card(license: str, extra: str = "") -> str:
    return f"---\nlicense: {license}\n{extra}---\n# model\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small monorepo: model folders, loose cards, an SBOM, noise that is no model."""
    (tmp_path / "models" / "open").mkdir(parents=True)
    (tmp_path / "models" / "open" / "README.md").write_text(card("apache-2.0"), encoding="utf-8")
    (tmp_path / "models" / "llama-ft").mkdir()
    (tmp_path / "models" / "llama-ft" / "model.yaml").write_text(
        "name: llama-ft\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\n",
        encoding="utf-8",
    )
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "a.md").write_text(card("mit"), encoding="utf-8")
    (tmp_path / "cards" / "b.md").write_text(card("cc-by-nc-4.0"), encoding="utf-8")
    (tmp_path / "cards" / "notes.md").write_text("# just notes\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# docs, no front matter\n", encoding="utf-8")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "README.md").write_text(card("gpl-3.0"), encoding="utf-8")
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_discovery_finds_folders_and_loose_cards_only(tree: Path) -> None:
    found = [p.relative_to(tree).as_posix() for p in discover([tree])]
    assert found == ["cards/a.md", "cards/b.md", "models/llama-ft", "models/open"]


def test_symlinked_folders_are_not_followed(tree: Path) -> None:
    (tree / "models" / "loop").symlink_to(tree, target_is_directory=True)
    found = [p.relative_to(tree).as_posix() for p in discover([tree])]
    assert "models/loop" not in " ".join(found) and len(found) == 4


@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_judges_every_model_in_order(tree: Path, jobs: int) -> None:
    subjects = list(scan([tree], policy=Policy(), today=TODAY, jobs=jobs))
    assert [Path(s.source).parent.name for s in subjects] == ["cards", "cards", "llama-ft", "open"]
    assert [s.passed for s in subjects] == [True, False, False, True]
    assert subjects[2].violations[0].rule == "inherited-license"


def test_a_broken_model_is_reported_and_the_scan_goes_on(tree: Path) -> None:
    (tree / "cards" / "c.md").write_text("---\nlicense: [\n---\n", encoding="utf-8")
    subjects = list(scan([tree], policy=Policy(), today=TODAY, jobs=1))
    broken = [s for s in subjects if s.format == "unreadable"]
    assert len(subjects) == 5 and len(broken) == 1
    assert broken[0].violations[0].rule == "unreadable" and broken[0].violations[0].line == 3


def test_a_slow_model_is_cut_off_by_the_time_bound(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import licheck.inputs

    original = licheck.inputs.load_path

    def slow(path: Path, options: object = None, catalog: object = None, **kw: object) -> object:
        if path.name == "a.md":
            time.sleep(5)
        return original(path, options, catalog, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(licheck.inputs, "load_path", slow)
    subjects = list(scan([tree], policy=Policy(), today=TODAY, jobs=1, timeout=0.2))
    assert "not judged within 0.2 s" in subjects[0].violations[0].message
    assert len(subjects) == 4


def test_nothing_found_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no model found"):
        list(scan([tmp_path], policy=Policy(), today=TODAY, jobs=1))


def run(*args: str | Path) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_cli_streams_jsonl_with_a_summary_and_exits_1(tree: Path) -> None:
    code, out, err = run("scan", "--format", "jsonl", "--jobs", "1", tree)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [line["type"] for line in lines] == ["subject"] * 4 + ["summary"]
    summary = lines[-1]
    assert summary["subjects"] == 4 and summary["failed"] == 2
    assert summary["by_verdict"] == {"not-open": 1, "osi-approved": 3}
    assert "scan: 4 models, 2 passed, 2 failed, 0 unreadable" in err


def test_cli_scan_exits_0_when_all_pass(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(card("mit"), encoding="utf-8")
    code, out, _ = run("scan", "--jobs", "1", tmp_path)
    assert code == 0 and "PASS" in out


def test_cli_scan_of_an_empty_tree_exits_2(tmp_path: Path) -> None:
    code, _, err = run("scan", tmp_path)
    assert code == 2 and "no model found" in err


def test_check_card_is_pure_and_never_raises() -> None:
    result = check_card(card("llama2"))
    assert result["passed"] is False and result["licenses"][0]["id"] == "LicenseRef-licheck-llama-2"
    broken = check_card("---\nlicense: [\n---\n")
    assert broken["format"] == "unreadable" and broken["violations"][0]["line"] == 3


def test_cli_scan_terminal_report_is_one_line_per_model(tree: Path) -> None:
    code, out, _ = run("scan", "--jobs", "1", "--no-color", tree)
    lines = [line for line in out.splitlines() if line.startswith(("PASS ", "FAIL "))]
    assert code == 1 and len(lines) == 4
    assert lines[2].startswith("FAIL  llama-ft")
    assert "derives from meta-llama/Llama-2-7b-hf" in " ".join(out.split())
    assert "FAIL: 4 models checked, 2 passed, 2 failed" in " ".join(out.split())


def test_a_loose_card_is_opened_once_and_judged_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head scan reads to tell a card from notes is the whole card: it is judged from those
    bytes, not opened again. A card longer than that head is read again, whole: never judged on
    a part of it."""
    from licheck.inputs import guarded

    (tmp_path / "small.md").write_text(card("mit"), encoding="utf-8")
    filler = "words of a long model card\n" * 3000  # more than the 64 KiB head
    (tmp_path / "long.md").write_text(card("mit") + filler + "\n", encoding="utf-8")
    opened: list[str] = []
    real = guarded.read_regular

    def counted(path: Path, **kwargs: object) -> bytes:
        opened.append(Path(path).name)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(guarded, "read_regular", counted)
    subjects = list(scan([tmp_path], policy=Policy(), today=TODAY, jobs=1))
    assert opened.count("small.md") == 1
    assert opened.count("long.md") == 2  # its head, then all of it
    assert [(s.name, s.format, s.passed) for s in subjects] == [  # type: ignore[union-attr]
        ("long.md", "hf-card", True),
        ("small.md", "hf-card", True),
    ]
