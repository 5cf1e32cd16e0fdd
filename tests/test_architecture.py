"""One report, one policy path: check and scan agree, workers travel, nothing hides knowledge."""

from __future__ import annotations

import json
import pickle
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.check import CardChecker
from licheck.cli import main
from licheck.inputs.registry import InputOptions
from licheck.inputs.tree import Unit
from licheck.records import Policy
from licheck.scan import ScanWorker

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 29)


def _run(*args: str | Path) -> tuple[int, str]:
    with CliRunner().isolation() as (out, _err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode()


def _summary(output: str) -> dict[str, object]:
    last = json.loads(output.splitlines()[-1])
    assert last["type"] == "summary"
    return dict(last)


@pytest.mark.parametrize(
    "example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "model.yaml").is_file())
)
def test_check_and_scan_give_the_same_summary_line(example: str) -> None:
    model = EXAMPLES / example / "model.yaml"
    common = ("--format", "jsonl", "--today", TODAY.isoformat())
    checked_code, checked = _run("check", *common, model)
    scanned_code, scanned = _run("scan", *common, "--jobs", "1", EXAMPLES / example)
    assert _summary(checked) == _summary(scanned)
    assert checked_code == scanned_code


def test_scan_gives_the_expired_exception_warning_check_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("llama.yaml", "policy.yaml"):
        shutil.copy(FIXTURES / "gate" / name, tmp_path / name)
    (tmp_path / "llama.yaml").rename(tmp_path / "model.yaml")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8")
        + "  - {model: nobody, license: mit, reason: gone, expires: 2020-01-01}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    common = ("--format", "jsonl", "--policy", "policy.yaml", "--today", TODAY.isoformat())
    _, checked = _run("check", *common, "model.yaml")
    _, scanned = _run("scan", *common, "--jobs", "1", ".")
    warnings = _summary(checked)["warnings"]
    assert isinstance(warnings, list)
    assert any("expired on 2020-01-01; remove it" in w for w in warnings)
    assert _summary(scanned)["warnings"] == warnings


def test_the_scan_worker_travels_to_other_processes_without_its_knowledge() -> None:
    worker = ScanWorker(Policy(), TODAY, InputOptions(), 5.0)
    worker([Unit(EXAMPLES / "pythia-6.9b", "model")])  # builds its knowledge here
    copy = pickle.loads(pickle.dumps(worker))
    assert copy._knowledge is None
    (subject,) = copy([Unit(EXAMPLES / "pythia-6.9b", "model")])
    assert not isinstance(subject, str) and subject.passed  # type: ignore[union-attr]


def test_the_time_bound_holds_off_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import licheck.inputs

    def slow(path: Path, options: object = None, catalog: object = None, **kw: object) -> object:
        time.sleep(5)
        return []

    monkeypatch.setattr(licheck.inputs, "load_path", slow)
    worker = ScanWorker(Policy(), TODAY, InputOptions(), 0.3)
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.extend(worker.check_unit(EXAMPLES / "t5")))
    started = time.monotonic()
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 3
    (subject,) = found
    assert subject.format == "unreadable"  # type: ignore[attr-defined]
    assert "not judged within 0.3 s" in subject.violations[0].message  # type: ignore[attr-defined]


def test_a_card_checker_pickles_and_judges() -> None:
    checker = CardChecker()
    card = "---\nlicense: llama2\n---\n# a model\n"
    first = checker(card)
    again = pickle.loads(pickle.dumps(checker))(card)
    assert first == again and first["passed"] is False


def test_no_module_builds_a_catalog_at_import_or_caches_one() -> None:
    source = Path(__file__).resolve().parents[1] / "src" / "licheck"
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "@cache\ndef _default_catalog" in path.read_text(encoding="utf-8")
        or "\n_catalog = Catalog(" in path.read_text(encoding="utf-8")
        or "@cache\ndef _catalog" in path.read_text(encoding="utf-8")
        or "@cache\ndef _shared_catalog" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_module_imports_itself_through_another() -> None:
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (test extras)")
    graph = grimp.build_graph("licheck")
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []
