"""`fail_on` / `--fail-on`: which violations fail the run, as a threshold (issue 16, item 4).

Every violation is still reported whatever the threshold; only the run's outcome changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.check import check_records, choose_policy
from licheck.cli import main
from licheck.engine.policy import level
from licheck.errors import PolicyError
from licheck.inputs.policy_file import load_policy
from licheck.knowledge.catalog import Catalog
from licheck.records import FAIL_ON, FAIL_ON_ALIASES, ModelRecord, Policy, Report

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def _check(license_id: str, fail_on: str, catalog: Catalog) -> Report:
    record = ModelRecord(
        source="m.yaml", format="model-yaml", name="m", license=license_id, license_line=2
    )
    policy = Policy(fail_on=fail_on)  # type: ignore[arg-type]
    return check_records([record], policy=policy, today=TODAY, catalog=catalog)


@pytest.mark.parametrize(
    ("license_id", "expected_level"),
    [
        ("llama2", "not-open"),  # not OSI-approved *and* judged not open: its verdict decides
        ("made-up-license", "unknown"),
        ("cc-by-4.0", "any"),  # judged open, only not on OSI's list
    ],
)
def test_each_violation_has_the_level_of_its_license(
    license_id: str, expected_level: str, catalog: Catalog
) -> None:
    (violation,) = _check(license_id, "any", catalog).subjects[0].violations
    assert level(violation) == expected_level


@pytest.mark.parametrize(
    ("license_id", "failing_thresholds"),
    [
        ("llama2", {"not-open", "unknown", "any"}),
        ("made-up-license", {"unknown", "any"}),
        ("cc-by-4.0", {"any"}),
    ],
)
def test_the_run_fails_at_or_above_the_threshold_only(
    license_id: str, failing_thresholds: set[str], catalog: Catalog
) -> None:
    for threshold in FAIL_ON:
        report = _check(license_id, threshold, catalog)
        assert report.passed is (threshold not in failing_thresholds), threshold
        # The violation stays in the report: a threshold never hides it.
        assert report.subjects[0].violations and not report.subjects[0].passed


def test_the_summary_counts_models_below_the_threshold(catalog: Catalog) -> None:
    summary = _check("made-up-license", "not-open", catalog).summary
    assert summary is not None
    assert summary.fail_on == "not-open" and summary.below_threshold == 1
    assert summary.failed == 1 and summary.passed


def test_an_expired_exception_is_as_severe_as_what_it_excepted(catalog: Catalog) -> None:
    record = ModelRecord(source="m.yaml", format="model-yaml", name="m", license="made-up-license")
    from licheck.records import PolicyException

    expired = PolicyException(
        model="m", license="made-up-license", license_id=None, reason="r", expires=date(2020, 1, 1)
    )
    for threshold, passes in (("not-open", True), ("unknown", False)):
        policy = Policy(fail_on=threshold, exceptions=(expired,))  # type: ignore[arg-type]
        report = check_records([record], policy=policy, today=TODAY, catalog=catalog)
        rules = [v.rule for v in report.subjects[0].violations]
        assert "exception-expired" in rules
        assert report.passed is passes


def test_the_policy_file_carries_fail_on(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / ".licheck.yaml"
    path.write_text("version: 1\nfail_on: unknown\n", encoding="utf-8")
    assert load_policy(path, catalog=catalog).fail_on == "unknown"
    # --fail-on overrides the file.
    assert choose_policy(catalog=catalog, policy_file=path, fail_on="not-open").fail_on == (
        "not-open"
    )


def test_review_is_the_unknown_level(tmp_path: Path, catalog: Catalog) -> None:
    # Issue 16 lists `review` among the thresholds: what needs review is what licheck cannot
    # verify, so it names the `unknown` level, in the policy file and on the command line.
    path = tmp_path / ".licheck.yaml"
    path.write_text("version: 1\nfail_on: review\n", encoding="utf-8")
    assert load_policy(path, catalog=catalog).fail_on == "unknown"
    assert choose_policy(catalog=catalog, policy_file=path, fail_on="review").fail_on == "unknown"


def test_pyproject_carries_fail_on(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.licheck]\nversion = 1\nfail_on = "not-open"\n', encoding="utf-8")
    assert load_policy(path, catalog=catalog).fail_on == "not-open"


def test_a_bad_fail_on_in_the_policy_names_the_line_and_the_choices(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / ".licheck.yaml"
    path.write_text("version: 1\nfail_on: sometimes\n", encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path, catalog=catalog)
    assert caught.value.line == 2
    assert "not-open, unknown, any" in caught.value.message


def _run(*args: str | Path) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_cli_fail_on_changes_the_exit_code_and_says_so(tmp_path: Path) -> None:
    card = tmp_path / "model.yaml"
    card.write_text("name: m\nlicense: made-up-license\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the policy search stops here
    assert _run(card)[0] == 1
    code, out, _ = _run("--fail-on", "not-open", card)
    assert code == 0
    # The model is still reported with its violation, as a warning: it does not fail the run.
    assert "WARN  m" in out and "FAIL  m" not in out
    assert "! cannot verify 'made-up-license'" in out
    assert "(warning: below fail-on not-open, does not fail the run)" in " ".join(out.split())
    assert "1 of them below fail-on not-open (not failing the run)" in out
    assert _run("--fail-on", "unknown", card)[0] == 1


def test_cli_choices_are_the_records_thresholds() -> None:
    from licheck.cli import check

    (option,) = [p for p in check.params if p.name == "fail_on"]
    assert tuple(option.type.choices) == (*FAIL_ON, *FAIL_ON_ALIASES)  # type: ignore[attr-defined]


# --- the severity a violation carries: decided by the policy, read by every format -----------


def test_a_violation_below_the_threshold_is_a_warning_the_rest_errors(catalog: Catalog) -> None:
    expected = {"not-open": "warning", "unknown": "error", "any": "error"}
    for threshold, severity in expected.items():
        (violation,) = _check("made-up-license", threshold, catalog).subjects[0].violations
        assert violation.severity == severity, threshold
    # A license that breaks the OSD fails at every threshold.
    (violation,) = _check("llama2", "not-open", catalog).subjects[0].violations
    assert violation.severity == "error"


def test_the_severity_and_the_run_outcome_agree(catalog: Catalog) -> None:
    from licheck.engine.policy import fails_run

    for license_id in ("llama2", "made-up-license", "cc-by-4.0"):
        for threshold in FAIL_ON:
            report = _check(license_id, threshold, catalog)
            (subject,) = report.subjects
            policy = Policy(fail_on=threshold)
            assert subject.failing is fails_run(policy, subject) is (not report.passed)


def test_a_suppressed_violation_keeps_the_severity_it_would_have(catalog: Catalog) -> None:
    from licheck.records import PolicyException

    record = ModelRecord(source="m.yaml", format="model-yaml", name="m", license="made-up-license")
    active = PolicyException(
        model="m", license="made-up-license", license_id=None, reason="r", expires=date(2027, 1, 1)
    )
    policy = Policy(fail_on="not-open", exceptions=(active,))
    report = check_records([record], policy=policy, today=TODAY, catalog=catalog)
    (suppression,) = report.subjects[0].suppressed
    assert suppression.violation.severity == "warning"


def test_an_enforced_obligation_below_the_threshold_is_a_warning() -> None:
    from licheck.engine.policy import apply_exceptions
    from licheck.records import Violation

    record = ModelRecord(source="m.yaml", format="model-yaml", name="m", license="x")
    duties = [
        Violation("obligation-unknown", "cannot be checked"),
        Violation("obligation-unmet", "u"),
    ]
    standing, _, _ = apply_exceptions(duties, record, Policy(fail_on="not-open"), TODAY)
    assert [v.severity for v in standing] == ["warning", "error"]


def _warned_report(catalog: Catalog) -> Report:
    """One model whose only violation lies below the threshold: the run passes."""
    report = _check("made-up-license", "not-open", catalog)
    assert report.passed and not report.subjects[0].passed
    return report


def test_sarif_files_a_violation_below_the_threshold_as_a_warning(catalog: Catalog) -> None:
    import json

    from licheck.formats import RenderOptions, renderer

    sarif = json.loads(renderer("sarif")(_warned_report(catalog), RenderOptions()))
    results = sarif["runs"][0]["results"]
    (violation,) = [r for r in results if r["ruleId"] == "unknown-license"]
    assert violation["level"] == "warning"
    assert all(r["level"] != "error" for r in results)


def test_github_annotates_a_violation_below_the_threshold_as_a_warning(catalog: Catalog) -> None:
    from licheck.formats import RenderOptions, renderer

    out = renderer("github")(_warned_report(catalog), RenderOptions())
    assert "::error" not in out
    assert "::warning file=m.yaml,line=2,title=licheck%3A unknown-license::" in out
    assert "below fail-on not-open, does not fail the run" in out


def test_junit_does_not_fail_a_case_below_the_threshold(catalog: Catalog) -> None:
    import xml.etree.ElementTree as ET

    from licheck.formats import RenderOptions, renderer

    root = ET.fromstring(renderer("junit")(_warned_report(catalog), RenderOptions()))
    assert root.get("failures") == "0" and root.get("skipped") == "0"
    (case,) = root.iter("testcase")
    assert case.find("failure") is None and case.find("skipped") is None
    out = case.findtext("system-out") or ""
    assert "warning (below fail-on not-open, does not fail the run): unknown-license" in out
    assert "cannot verify 'made-up-license'" in out  # the reason is still listed


def test_lines_and_markdown_say_a_violation_is_a_warning(catalog: Catalog) -> None:
    from licheck.formats import RenderOptions, renderer

    report = _warned_report(catalog)
    lines = renderer("lines")(report, RenderOptions())
    assert lines.startswith("m.yaml:2: unknown-license: warning (below fail-on not-open, ")
    markdown = renderer("markdown")(report, RenderOptions())
    assert "| :warning: | m |" in markdown and "- :x:" not in markdown
    assert "1 with warnings only" in markdown


def test_json_carries_each_violation_s_severity_and_the_threshold(catalog: Catalog) -> None:
    import json

    from licheck.formats import RenderOptions, renderer

    report = _warned_report(catalog)
    data = json.loads(renderer("json")(report, RenderOptions()))
    assert data["policy"]["fail_on"] == "not-open" and data["passed"] is True
    assert [v["severity"] for v in data["subjects"][0]["violations"]] == ["warning"]
    summary = json.loads(renderer("jsonl")(report, RenderOptions()).splitlines()[-1])
    assert summary["below_threshold"] == 1 and summary["policy"]["fail_on"] == "not-open"


def _duty_report(severity: str) -> Report:
    """A model whose unknown obligation is a violation (`obligations_unknown: fail`), graded."""
    from licheck.records import ObligationResult, SubjectReport, Violation

    duty = ObligationResult(license="L", kind="notice", duty="keep NOTICE", status="unknown")
    violation = Violation(
        "obligation-unknown",
        "L obligation cannot be checked (keep NOTICE)",
        license="L",
        severity=severity,  # type: ignore[arg-type]
    )
    subject = SubjectReport(
        source="m.yaml",
        format="model-yaml",
        name="m",
        expression="L",
        licenses=(),
        violations=(violation,),
        obligations=(duty,),
        obligation_mode="enforce",
    )
    return Report(subjects=(subject,), policy="osd", kb_version="k", licheck_version="v")


@pytest.mark.parametrize(
    ("severity", "sarif", "github"),
    [("error", "error", "::error"), ("warning", "warning", "::warning")],
)
def test_an_obligation_violation_is_shown_at_its_severity(
    severity: str, sarif: str, github: str
) -> None:
    import json

    from licheck.formats import RenderOptions, renderer

    report = _duty_report(severity)
    results = json.loads(renderer("sarif")(report, RenderOptions()))["runs"][0]["results"]
    assert [r["level"] for r in results if r["ruleId"] == "obligation-notice"] == [sarif]
    annotations = renderer("github")(report, RenderOptions())
    assert annotations.startswith(f"{github} file=m.yaml,title=licheck%3A obligation-notice::")
    junit = renderer("junit")(report, RenderOptions())
    assert ("<failure" in junit) is (severity == "error")


def test_the_sarif_of_a_fail_on_run_validates(fail_on_report: Report) -> None:
    import json

    import jsonschema

    from licheck.formats import RenderOptions, renderer

    schemas = Path(__file__).resolve().parents[2] / "shared" / "schemas"
    sarif_schema = schemas / "sarif-schema-2.1.0.json"
    if not sarif_schema.is_file():
        pytest.skip(f"SARIF schema not found at {sarif_schema} (it lives in ../shared/schemas)")
    schema = json.loads(sarif_schema.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(renderer("sarif")(fail_on_report, RenderOptions())), schema)
