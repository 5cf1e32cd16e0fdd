"""`-q/--quiet` (only the problems; nothing on a pass) and `--progress/--no-progress`
(issue 16, item 4)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.cli_output import progress_wanted

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PASSING = EXAMPLES / "pythia-6.9b" / "model.yaml"
FAILING = EXAMPLES / "llama-2-7b" / "model.yaml"


def run(*args: str | Path) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("command", [(), ("scan",)])
def test_quiet_prints_nothing_on_a_pass(command: tuple[str, ...]) -> None:
    path = PASSING if not command else PASSING.parent
    assert run(*command, "-q", path) == (0, "", "")


def test_quiet_shows_only_the_failing_models_and_the_summary() -> None:
    code, out, _ = run("-q", PASSING, FAILING)
    assert code == 1
    assert "FAIL  Llama-2-7b" in out and "pythia" not in out.split("FAIL:")[0]
    assert "FAIL: 2 models checked, 1 passed, 1 failed" in out


def test_quiet_scan_still_ends_a_failing_run_with_its_summary_line() -> None:
    code, _, err = run("scan", "-q", FAILING.parent)
    assert code == 1 and err.startswith("scan: 1 models, 0 passed, 1 failed")


def test_quiet_leaves_machine_formats_whole() -> None:
    assert run("-q", "--format", "json", PASSING)[1] == run("--format", "json", PASSING)[1]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "tty", "ci", "expected"),
    [
        (None, True, None, True),
        (None, False, None, False),
        (None, True, "true", False),  # a CI log would keep every frame
        (False, True, None, False),
        (True, False, "true", True),
    ],
)
def test_progress_is_shown_on_a_terminal_unless_told(
    choice: bool | None,
    tty: bool,
    ci: str | None,
    expected: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stderr", _Tty() if tty else io.StringIO())
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert progress_wanted(choice) is expected


def test_forced_progress_draws_on_stderr_only() -> None:
    code, out, err = run("scan", "--progress", "--format", "jsonl", PASSING.parent)
    assert code == 0
    assert out.count("\n") == 2  # one model, one summary line: no progress frame on stdout
    assert "scan: 1 models" in err


def test_quiet_still_shows_a_model_below_the_fail_on_threshold(tmp_path: Path) -> None:
    # A run that passes because its only violation lies below --fail-on is not a clean pass:
    # -q shows the WARN model (and the summary line that counts it), only a clean pass is silent.
    code, out, _ = run("-q", "--fail-on", "not-open", EXAMPLES.parent / "tests" / "fixtures"
                       / "fail_on" / "cc.yaml")  # fmt: skip
    assert code == 0
    assert "WARN" in out and "below fail-on not-open" in out
    assert run("-q", "--fail-on", "not-open", PASSING) == (0, "", "")
