"""The GitHub Action and the pre-commit hook: their files are valid and say what licheck does."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from licheck.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hook() -> dict[str, object]:
    (entry,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(entry, dict)
    return entry


@pytest.mark.parametrize(
    "path",
    [
        "model.yaml",
        "models/chat/model.yml",
        "README.md",
        "models/chat/README.md",
        "LICENSE",
        "LICENSE.txt",
        "LICENSE-MODEL",
        "LICENSE_CODE.md",
        "LICENCE",
        "COPYING",
        "MODEL_LICENSE",
        "USE_POLICY.md",
    ],
)
def test_hook_files_pattern_takes_model_files(hook: dict[str, object], path: str) -> None:
    assert re.search(str(hook["files"]), path)


@pytest.mark.parametrize(
    "path",
    [
        "src/model.py",
        "docs/guide.md",
        "LICENSES/MIT.txt",
        "NOTLICENSE",
        "my_model.yaml.bak",
        "readme.txt",
    ],
)
def test_hook_files_pattern_leaves_other_files(hook: dict[str, object], path: str) -> None:
    assert not re.search(str(hook["files"]), path)


def test_hook_entry_runs_and_skips_readmes_that_are_no_cards(
    hook: dict[str, object], tmp_path: Path
) -> None:
    command = shlex.split(str(hook["entry"]))
    assert command[0] == "licheck"
    readme = tmp_path / "README.md"
    readme.write_text("# a project, not a model card\n", encoding="utf-8")
    with CliRunner().isolation() as (_out, err, _):
        code = main([*command[1:], str(readme)])
    assert code == 0, err.getvalue().decode()


def test_action_is_a_composite_action_that_keeps_licheck_exit_code() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "policy", "require", "warn-only", "sarif"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    run = next(s for s in steps if s.get("id") == "run")["run"]
    assert "licheck" in run and "--markdown-output" in run and "GITHUB_STEP_SUMMARY" in run
    assert steps[-1]["run"].strip() == 'exit "${{ steps.run.outputs.exit-code }}"'
    # Every option the action passes exists.
    with CliRunner().isolation() as (out, _err, _):
        main(["check", "--help"])
    help_text = out.getvalue().decode()
    for option in (
        "--format",
        "--markdown-output",
        "--policy",
        "--require",
        "--warn-only",
        "--sarif-output",
    ):
        assert option in help_text
