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
from licheck.records import FAIL_ON, ModelRecord, Policy, Report

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
    assert "FAIL  m" in out  # the model still fails in the report
    assert "1 of them below fail-on not-open (not failing the run)" in out
    assert _run("--fail-on", "unknown", card)[0] == 1


def test_cli_choices_are_the_records_thresholds() -> None:
    from licheck.cli import check

    (option,) = [p for p in check.params if p.name == "fail_on"]
    assert tuple(option.type.choices) == FAIL_ON  # type: ignore[attr-defined]
