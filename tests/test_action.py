"""action.yml under a simulated runner: its steps run with the GITHUB_* files a runner gives
them, the SARIF upload's condition holds when SARIF was asked for, and the job keeps licheck's
exit code (issue 16: the upload keyed on hashFiles(), which never sees runner.temp)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return action


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _action()["runs"]["steps"] if s.get("name") == name)


def _evaluate(expression: str, context: dict[str, str]) -> Any:
    """The few GitHub expression forms the action uses: context values, 'strings', ==, !=, &&,
    ||, always(). Anything else fails the test (hashFiles included: it cannot be simulated)."""
    body = expression.strip()
    if body.startswith("${{"):
        body = body[3:-2].strip()
    tokens = re.findall(r"'[^']*'|&&|\|\||==|!=|always\(\)|[A-Za-z_][\w.-]*|\S", body)
    python = []
    for token in tokens:
        if token == "&&":
            python.append("and")
        elif token == "||":
            python.append("or")
        elif token in ("==", "!="):
            python.append(token)
        elif token == "always()":
            python.append("True")
        elif token.startswith("'"):
            python.append(repr(token[1:-1]))
        elif re.fullmatch(r"[A-Za-z_][\w.-]*", token):
            python.append(repr(context.get(token, "")))
        else:
            raise AssertionError(f"unsupported expression: {expression}")
    # eval of a string built only from the tokens above: literals, and/or, ==, !=.
    return eval(" ".join(python))


def _run_step(tmp_path: Path, inputs: dict[str, str], workspace: Path) -> dict[str, str]:
    """Run the "Run licheck" step as the runner would; return the context after it."""
    shim = tmp_path / "bin"
    shim.mkdir()
    licheck = shim / "licheck"
    licheck.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m licheck "$@"\n', encoding="utf-8")
    licheck.chmod(0o755)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    output, summary = tmp_path / "github-output", tmp_path / "step-summary"
    output.touch()
    summary.touch()
    step = _step("Run licheck")
    env = {
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(SRC),
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
    }
    for key, value in step["env"].items():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert name, value
        env[key] = inputs.get(name[1], _action()["inputs"][name[1]].get("default", ""))
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    for line in output.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        context[f"steps.run.outputs.{key}"] = value
    context["summary"] = summary.read_text(encoding="utf-8")
    context["stdout"] = done.stdout
    return context


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(ROOT / "examples" / "llama-2-7b", root / "models" / "llama-2-7b")
    shutil.copytree(ROOT / "examples" / "pythia-6.9b", root / "models" / "pythia-6.9b")
    return root


def test_sarif_is_uploaded_when_asked(tmp_path: Path, workspace: Path) -> None:
    context = _run_step(tmp_path, {"paths": "models", "sarif": "true"}, workspace)
    assert context["steps.run.outputs.exit-code"] == "1"
    upload = _step("Upload SARIF")
    assert "hashFiles" not in upload["if"]
    assert _evaluate(upload["if"], context) is True
    sarif_file = Path(_evaluate(upload["with"]["sarif_file"], context))
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"]
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    # The job summary is the Markdown report; annotations went to the log.
    assert context["summary"].startswith("## licheck: :x: FAIL")
    assert "::error file=models/llama-2-7b/model.yaml" in context["stdout"]
    # The last step exits with licheck's code.
    last = _step("Exit with licheck's code")["run"]
    assert "steps.run.outputs.exit-code" in last


def test_no_upload_without_sarif(tmp_path: Path, workspace: Path) -> None:
    context = _run_step(tmp_path, {"paths": "models/pythia-6.9b"}, workspace)
    assert context["steps.run.outputs.exit-code"] == "0"
    assert _evaluate(_step("Upload SARIF")["if"], context) is False


def test_every_input_the_run_step_reads_is_declared() -> None:
    inputs = _action()["inputs"]
    assert {"paths", "policy", "require", "fail-on", "exclude", "warn-only", "sarif"} <= set(inputs)
    for value in _step("Run licheck")["env"].values():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert name and name[1] in inputs


def test_exclude_input_leaves_models_out_and_says_so(tmp_path: Path, workspace: Path) -> None:
    context = _run_step(tmp_path, {"paths": "models", "exclude": "llama-2-7b"}, workspace)
    assert context["steps.run.outputs.exit-code"] == "0"
    assert "llama" not in context["stdout"].lower().split("pass: ")[0]
    assert "left out (not judged): --exclude llama-2-7b: 1" in context["stdout"]


def test_fail_on_input_sets_the_threshold(tmp_path: Path, workspace: Path) -> None:
    unknown = workspace / "models" / "mystery"
    unknown.mkdir()
    (unknown / "model.yaml").write_text("name: mystery\nlicense: made-up-license\n", "utf-8")
    inputs = {"paths": "models/mystery models/pythia-6.9b"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _run_step(tmp_path / "a", inputs, workspace)["steps.run.outputs.exit-code"] == "1"
    lenient = _run_step(tmp_path / "b", {**inputs, "fail-on": "not-open"}, workspace)
    assert lenient["steps.run.outputs.exit-code"] == "0"
    # Still reported, as a warning (no blocking error on the PR): the annotation and the job
    # summary name it.
    assert "::warning file=models/mystery/model.yaml" in lenient["stdout"]
    assert "::error file=models/mystery/model.yaml" not in lenient["stdout"]
    assert "| :warning: | mystery |" in lenient["summary"]


def test_many_failures_give_ten_error_annotations_and_a_totals_notice(
    tmp_path: Path, workspace: Path
) -> None:
    for number in range(12):
        folder = workspace / "models" / f"gated-{number}"
        folder.mkdir()
        (folder / "model.yaml").write_text(f"name: gated-{number}\nlicense: llama2\n", "utf-8")
    context = _run_step(tmp_path, {"paths": "models"}, workspace)
    assert context["steps.run.outputs.exit-code"] == "1"
    commands = [line for line in context["stdout"].splitlines() if line.startswith("::")]
    assert sum(line.startswith("::error") for line in commands) == 10
    assert sum(line.startswith("::warning") for line in commands) == 10
    assert "licheck found" in commands[-1] and "job summary" in commands[-1]
    # The job summary is the whole Markdown report: every failing model is in it.
    assert all(f"gated-{number}" in context["summary"] for number in range(12))
