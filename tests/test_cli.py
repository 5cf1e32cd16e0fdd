"""The command line: every exit code, every error message, colour rules, output files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck import __version__
from licheck.cli import main

MODELS = Path(__file__).parent / "fixtures" / "models"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """Run licheck in-process as the console script does; (exit code, stdout, stderr)."""
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_pass_exits_0() -> None:
    code, out, err = run(EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert code == 0, err
    assert out.startswith("PASS  pythia-6.9b")


def test_violation_exits_1_and_says_why() -> None:
    code, out, _ = run(EXAMPLES / "llama-2-7b" / "model.yaml")
    assert code == 1
    assert "FAIL  Llama-2-7b" in out
    assert "OSD5 No Discrimination Against Persons or Groups" in out
    assert "700 million" in out
    assert "is not OSI-approved" in out


def test_explicit_check_subcommand_is_the_same() -> None:
    assert run("check", EXAMPLES / "llama-2-7b" / "model.yaml")[0] == 1


def test_several_paths_exit_1_if_any_fails() -> None:
    code, out, _ = run(
        "--format",
        "json",
        EXAMPLES / "pythia-6.9b" / "model.yaml",
        EXAMPLES / "gpt-4" / "model.yaml",
    )
    assert code == 1
    report = json.loads(out)
    assert [s["passed"] for s in report["subjects"]] == [True, False]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("typo.yaml", "typo.yaml:2:1: unknown key 'licence'\n  hint: did you mean 'license'?"),
        ("duplicate.yaml", "duplicate.yaml:3:1: duplicate key 'license' (first defined on line 2)"),
        ("wrong-type.yaml", "wrong-type.yaml:2:10: 'license' must be text, not a list"),
        ("missing-license.yaml", "missing-license.yaml:1: missing required key 'license'"),
        ("bad-expression.yaml", "bad-expression.yaml:2: cannot parse license expression"),
        ("missing-file.yaml", "missing-file.yaml:3: license_file 'NO-SUCH-LICENSE.txt' not found"),
        ("outside.yaml", "outside.yaml:3: license_file '../../../../../etc/passwd' points outside"),
        ("python-tag.yaml", "python-tag.yaml:1:7: unsupported YAML tag"),
        ("not-utf8.yaml", "not-utf8.yaml:2: model file is not UTF-8 text"),
        ("empty.yaml", "empty.yaml: a model.yaml must be a mapping of keys, found an empty file"),
        (
            "bad-schema-version.yaml",
            "bad-schema-version.yaml:1:17: schema_version 2 is not supported",
        ),
        ("bad-component.yaml", "bad-component.yaml:4:27: unknown key 'licnse'"),
    ],
)
def test_bad_input_exits_2_with_location_and_hint(fixture: str, message: str) -> None:
    code, out, err = run(MODELS / fixture)
    assert code == 2
    assert out == ""
    assert err.startswith("licheck: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_path_exits_2() -> None:
    code, _, err = run("no/such/model.yaml")
    assert code == 2
    assert "no/such/model.yaml: file not found" in err


def test_folder_without_model_yaml_exits_2(tmp_path: Path) -> None:
    code, _, err = run(tmp_path)
    assert code == 2 and "no model description or license file in this folder" in err


def test_folder_with_model_yaml_is_checked() -> None:
    assert run(EXAMPLES / "pythia-6.9b")[0] == 0


def test_unknown_option_is_a_usage_error() -> None:
    code, _, err = run("--frmat", "json", EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert code == 2 and "No such option '--frmat'" in err and "'--format'" in err


def test_no_arguments_shows_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "Exit codes: 0 pass, 1 policy violation" in out


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_internal_error_exits_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("licheck.check.run_check", broken)
    code, _, err = run(EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert code == 3
    assert "internal error (this is a bug in licheck" in err and "--traceback" in err
    assert "Traceback" not in err
    code, _, err = run("--traceback", EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert code == 3 and "Traceback" in err and "RuntimeError: boom" in err


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("--format", "json", "-o", target, EXAMPLES / "llama-2-7b" / "model.yaml")
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["passed"] is False


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    code, _, err = run(
        "-o", tmp_path / "missing" / "r.txt", EXAMPLES / "pythia-6.9b" / "model.yaml"
    )
    assert code == 2 and "cannot write the report" in err


def test_colour_only_when_asked_and_never_with_no_color() -> None:
    path = EXAMPLES / "llama-2-7b" / "model.yaml"
    assert "\x1b[" not in run(path)[1]
    assert "\x1b[" in run("--color", path)[1]
    assert "\x1b[" not in run(path, env={"NO_COLOR": "1"})[1]


def test_require_osd_accepts_what_the_osd_accepts() -> None:
    code, out, _ = run("--require", "osd", "--format", "json", MODELS / "or-choice.yaml")
    assert code == 0 and json.loads(out)["policy"] == {
        "require": "osd",
        "file": None,
        "fail_on": "any",
    }


def test_explain_llama2_shows_failing_criteria_with_quotes() -> None:
    code, out, _ = run("explain", "llama2")
    assert code == 0
    assert "OSD5" in out and "OSD6" in out and "fail" in out
    assert '"is greater than 700 million' in out
    assert "section 2. Additional Commercial Terms" in out


def test_explain_json() -> None:
    code, out, _ = run("explain", "--format", "json", "Llama 2 Community License")
    data = json.loads(out)
    assert code == 0 and data["license"]["id"] == "LicenseRef-licheck-llama-2"
    assert data["kb_version"]


def test_explain_unknown_suggests_close_names() -> None:
    code, _, err = run("explain", "lama2")
    assert code == 2 and "did you mean 'llama2'" in err


def test_licenses_table_and_matrix() -> None:
    code, out, _ = run("licenses", "--family", "llama")
    assert code == 0 and "LicenseRef-licheck-llama-2" in out and "knowledge base" in out
    code, out, _ = run("licenses", "--matrix", "--verdict", "not-open")
    assert code == 0 and "X" in out and "OSD1..OSD10" in out


GATE = Path(__file__).parent / "fixtures" / "gate"


def test_warn_only_reports_but_exits_0() -> None:
    code, out, _ = run("--warn-only", EXAMPLES / "llama-2-7b" / "model.yaml")
    assert code == 0 and "FAIL  Llama-2-7b" in out


def test_extra_outputs_are_written_in_the_same_run(tmp_path: Path) -> None:
    sarif, junit, md = tmp_path / "r.sarif", tmp_path / "r.xml", tmp_path / "r.md"
    outputs = ["--sarif-output", sarif, "--junit-output", junit, "--markdown-output", md]
    code, out, _ = run("--format", "json", *outputs, EXAMPLES / "llama-2-7b" / "model.yaml")
    assert code == 1 and json.loads(out)["passed"] is False
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert junit.read_text(encoding="utf-8").startswith("<?xml")
    assert md.read_text(encoding="utf-8").startswith("## licheck: :x: FAIL")


def test_auto_format_on_github_actions_adds_annotations() -> None:
    code, out, _ = run(EXAMPLES / "llama-2-7b" / "model.yaml", env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out.startswith("::error file=")
    assert "FAIL  Llama-2-7b" in out


def test_policy_option_with_exception_and_frozen_today() -> None:
    args = ["--policy", GATE / "policy.yaml", "--format", "json", GATE / "research.yaml"]
    code, out, _ = run(*args, "--today", "2026-11-29")
    assert code == 0 and json.loads(out)["subjects"][0]["suppressed"]
    code, out, _ = run(*args, "--today", "2027-01-01")
    assert code == 1
    rules = [v["rule"] for v in json.loads(out)["subjects"][0]["violations"]]
    assert rules == ["not-osi-approved", "exception-expired"]


def test_invalid_policy_exits_2_with_location() -> None:
    policies = Path(__file__).parent / "fixtures" / "policies"
    code, _, err = run("--policy", policies / "typo.yaml", EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert (
        code == 2
        and "typo.yaml:2: unknown key 'requre'" in err
        and "did you mean 'require'?" in err
    )


def test_bad_today_is_a_usage_error() -> None:
    code, _, err = run("--today", "tomorrow", EXAMPLES / "pythia-6.9b" / "model.yaml")
    assert code == 2 and "is not a date written YYYY-MM-DD" in err


def test_init_writes_a_starter_policy_once(tmp_path: Path) -> None:
    target = tmp_path / ".licheck.yaml"
    code, _, err = run("init", target)
    assert code == 0 and "version: 1" in target.read_text(encoding="utf-8") and "wrote" in err
    code, _, err = run("init", target)
    assert code == 2 and "already exists" in err and "--force" in err
    assert run("init", "--force", target)[0] == 0


def test_identify_names_an_exact_text(corpus: Path) -> None:
    code, out, _ = run("identify", corpus / "spdx" / "Apache-2.0.txt")
    assert code == 0
    assert "Apache License 2.0 (Apache-2.0)" in out and "verdict: osi-approved" in out


def test_identify_says_what_differs_and_exits_1(corpus: Path, tmp_path: Path) -> None:
    modified = tmp_path / "LICENSE"
    original = (corpus / "ai" / "llama-2-license-2023.txt").read_text(encoding="utf-8")
    modified.write_text(original.replace("700 million", "100 million"), encoding="utf-8")
    code, out, _ = run("identify", "--format", "json", modified)
    assert code == 1
    (entry,) = json.loads(out)["files"]
    assert entry["identification"]["status"] == "modified"
    assert "100 million" in entry["identification"]["differences"][0]["message"]
    assert entry["licenses"][0]["verdict"] == "not-open"


def test_identify_unrecognised_text_is_judged_by_its_clauses(tmp_path: Path) -> None:
    custom = tmp_path / "LICENSE"
    custom.write_text(
        "Acme Model License\n\nYou may use and share the model for non-commercial purposes only.\n",
        encoding="utf-8",
    )
    code, out, _ = run("identify", custom)
    assert code == 1 and "unrecognised" in out and "OSD6" in out


def test_identify_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("identify", tmp_path / "nope")
    assert code == 2 and "not found" in err


def test_a_check_builds_no_other_command_and_help_lists_them_all() -> None:
    """Only `check` is built at start-up (issue 17: options cost time); every other command is
    built when named, and `--help` still lists each with its help line."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from licheck.cli import cli, main\n"
        "code = main(['--format', 'json', sys.argv[1]])\n"
        "print(sorted(cli.commands))\n"
    )
    model = str(EXAMPLES / "pythia-6.9b" / "model.yaml")
    built = subprocess.run(
        [sys.executable, "-c", probe, model], check=True, capture_output=True, text=True
    )
    assert built.stdout.strip().splitlines()[-1] == "['check']"
    from licheck.cli import cli

    listing = CliRunner().invoke(cli, ["--help"]).output
    for name in ("check", "exception", "explain", "identify", "init", "licenses", "obligations"):
        assert f"  {name} " in listing
    assert "  scan " in listing and "Find and check every model" in listing
