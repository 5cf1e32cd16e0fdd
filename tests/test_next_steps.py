"""One next step per violation in the terminal report (issue 16, item 4)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main
from licheck.formats import RenderOptions, renderer
from licheck.formats.common import NEXT_STEPS
from licheck.formats.sarif import BASE_RULES, POLICY_RULES
from licheck.records import Report


def test_every_policy_rule_has_a_next_step() -> None:
    assert set(POLICY_RULES) | set(BASE_RULES) == set(NEXT_STEPS)


def test_each_violation_is_followed_by_its_next_step(gate_report: Report) -> None:
    text = renderer("terminal")(gate_report, RenderOptions(width=200))
    lines = text.splitlines()
    violations = [i for i, line in enumerate(lines) if line.startswith("    x ")]
    assert violations
    for index in violations:
        assert lines[index + 1].startswith("      next: ")


def test_the_exception_command_it_gives_runs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".licheck.yaml").write_text("version: 1\n", encoding="utf-8")
    card = tmp_path / "model.yaml"
    card.write_text("name: My Llama 2 (ft)\nlicense: llama2\n", encoding="utf-8")
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        with CliRunner().isolation(env={"COLUMNS": "300"}) as (out, _err, _):
            assert main(["--today", "2026-11-29", "model.yaml"]) == 1
            text = out.getvalue().decode()
        found = re.search(r"record an exception: (licheck exception add .*)$", text, re.M)
        assert found is not None, text
        words = shlex.split(found[1].replace("'...'", "'reviewed'"))
        words = [w if w != "YYYY-MM-DD" else "2027-01-01" for w in words]
        assert words[4:6] == ["--model", "My Llama 2 (ft)"]  # quoted for a shell
        with CliRunner().isolation():
            assert main([*words[1:], "--today", "2026-11-29"]) == 0
            assert main(["--today", "2026-11-29", "model.yaml"]) == 0
    finally:
        os.chdir(before)
