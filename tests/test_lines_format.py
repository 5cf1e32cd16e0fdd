"""`--format lines`: `path:line: RULE: message`, one problem per line (issue 16, item 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main
from licheck.formats import RenderOptions, renderer
from licheck.records import Report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DOCS_RULES = Path(__file__).resolve().parents[1] / "docs" / "rules"
LINE = re.compile(r"(?P<path>[^:]+)(?::(?P<line>\d+))?: (?P<rule>[\w-]+): (?P<message>.+)")


def test_each_problem_is_a_sarif_result_with_its_rule_and_place(gate_report: Report) -> None:
    lines = renderer("lines")(gate_report, RenderOptions()).splitlines()
    sarif = json.loads(renderer("sarif")(gate_report, RenderOptions()))
    results = sarif["runs"][0]["results"]
    problems = [LINE.fullmatch(line) for line in lines[: len(results)]]
    assert all(problems), lines
    for match, result in zip(problems, results, strict=True):
        assert match is not None
        assert match["rule"] == result["ruleId"]
        where = result["locations"][0]["physicalLocation"]
        assert match["path"] == where["artifactLocation"]["uri"]
        assert int(match["line"]) == where["region"]["startLine"]
        assert ("suppressions" in result) == match["message"].startswith("suppressed until")
    assert lines[len(results) :] == [f"licheck: warning: {w}" for w in gate_report.warnings]


def test_every_rule_id_has_a_page_under_docs_rules(gate_report: Report) -> None:
    for line in renderer("lines")(gate_report, RenderOptions()).splitlines():
        match = LINE.fullmatch(line)
        assert match is not None
        if match["path"] != "licheck":
            assert (DOCS_RULES / f"{match['rule']}.md").is_file(), match["rule"]


def _run(*args: str | Path) -> tuple[int, str]:
    with CliRunner().isolation() as (out, _err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode()


def test_a_passing_model_prints_nothing() -> None:
    assert _run("--format", "lines", EXAMPLES / "pythia-6.9b" / "model.yaml") == (0, "")


def test_a_failing_model_prints_grep_able_lines() -> None:
    code, out = _run("--format", "lines", EXAMPLES / "llama-2-7b" / "model.yaml")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{EXAMPLES / 'llama-2-7b' / 'model.yaml'}:")
    assert ": not-osi-approved: Llama-2-7b: " in first
    assert any(": OSD5: " in line and "700 million" in line for line in out.splitlines())


def test_an_unknown_base_has_its_own_rule_in_lines_and_sarif() -> None:
    from licheck.records import SubjectReport, Violation

    subject = SubjectReport(
        source="ft/model.yaml",
        format="model-yaml",
        name="ft",
        expression="apache-2.0",
        licenses=(),
        violations=(Violation("unknown-base", "base 'x/y' is unknown", file="ft/model.yaml"),),
    )
    report = Report(
        subjects=(subject,), policy="osi-approved", kb_version="kb", licheck_version="0"
    )
    assert renderer("lines")(report, RenderOptions()) == (
        "ft/model.yaml: unknown-base: ft: base 'x/y' is unknown\n"
    )
    run = json.loads(renderer("sarif")(report, RenderOptions()))["runs"][0]
    (result,) = run["results"]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert result["ruleId"] == rule["id"] == "unknown-base"  # was filed under not-open
    assert (DOCS_RULES / "unknown-base.md").is_file()
