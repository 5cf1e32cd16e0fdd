"""Shared fixtures: where the reference corpus is, a frozen `today`, and the project's folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.check import run_check
from licheck.records import Report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples"
TODAY = date(2026, 11, 29)


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus, or a skip that says why (tests read license texts only from there)."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"reference corpus not found at {CORPUS} (it lives beside the repo as ../shared)"
        )
    return CORPUS


@pytest.fixture
def gate_report(monkeypatch: pytest.MonkeyPatch) -> Report:
    """One canned report every formatter test renders: a failing, a passing and a suppressed
    model, judged under tests/fixtures/gate/policy.yaml as of a frozen date."""
    monkeypatch.chdir(FIXTURES / "gate")
    return run_check(
        [Path("llama.yaml"), Path("pythia.yaml"), Path("research.yaml")],
        policy_file=Path("policy.yaml"),
        today=TODAY,
    )


@pytest.fixture
def fail_on_report(monkeypatch: pytest.MonkeyPatch) -> Report:
    """A report under `fail_on: not-open` (tests/fixtures/fail_on/policy.yaml): a model whose
    license breaks the OSD (an error), one under a license licheck cannot verify and one under
    a license judged open but not OSI-approved (both below the threshold: warnings)."""
    monkeypatch.chdir(FIXTURES / "fail_on")
    return run_check(
        [Path("llama.yaml"), Path("mystery.yaml"), Path("cc.yaml")],
        policy_file=Path("policy.yaml"),
        today=TODAY,
    )


# How long the test process may take to exit once the session is over. A CI job waits on its
# output until every writer is gone: a thread or process that holds the interpreter's exit up
# would keep it running to the job's own time limit, printing nothing (it happened once, after
# every test had passed). Past this bound, faulthandler prints each thread's stack, so the
# cause is in the log, and exits with status 1: a hang at exit is a failure, never a pass.
EXIT_BOUND_SECONDS = 120


def pytest_unconfigure(config: pytest.Config) -> None:
    import faulthandler
    import sys

    faulthandler.dump_traceback_later(EXIT_BOUND_SECONDS, exit=True, file=sys.__stderr__)
