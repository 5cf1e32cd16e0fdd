"""The policy file: validation with locations, allow/deny, families, exceptions that expire."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.check import check_records, choose_policy
from licheck.errors import PolicyError
from licheck.inputs.policy_file import STARTER_POLICY, find_policy_file, load_policy
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, Policy

POLICIES = Path(__file__).parent / "fixtures" / "policies"
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def model(name: str, license: str) -> ModelRecord:
    return ModelRecord(
        source=f"{name}.yaml", format="model-yaml", name=name, license=license, license_line=2
    )


def test_full_policy_is_read(catalog: Catalog) -> None:
    policy = load_policy(POLICIES / "full.yaml", catalog=catalog, shown="full.yaml")
    assert policy.require == "osd" and policy.unknown == "warn"
    assert policy.allow == {"CC-BY-NC-4.0"} and policy.deny == {"MIT"}
    assert policy.allow_families == {"gemma"}
    (exception,) = policy.exceptions
    assert exception.license_id == "LicenseRef-licheck-llama-2"
    assert exception.expires == date(2026, 1, 31) and exception.line == 8


@pytest.mark.parametrize(
    ("name", "message", "line", "hint"),
    [
        ("typo.yaml", "unknown key 'requre'", 2, "did you mean 'require'?"),
        ("bad-license.yaml", "unknown license 'lama2'", 4, "did you mean"),
        ("no-version.yaml", "the policy needs `version: 1`", 1, "version 1"),
        ("bad-expiry.yaml", "'expires' must be a date", 6, None),
        ("missing-reason.yaml", "an exception needs 'reason'", 3, "expires: YYYY-MM-DD"),
    ],
)
def test_invalid_policies_are_located(
    catalog: Catalog, name: str, message: str, line: int, hint: str | None
) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(POLICIES / name, catalog=catalog, shown=name)
    assert message in info.value.message
    assert (info.value.file, info.value.line) == (name, line)
    if hint:
        assert info.value.hint is not None and hint in info.value.hint


def test_pyproject_table(catalog: Catalog) -> None:
    policy = load_policy(POLICIES / "pyproject.toml", catalog=catalog)
    assert policy.require == "osd" and policy.deny == {"LicenseRef-licheck-llama-2"}


def test_starter_policy_is_valid(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / ".licheck.yaml"
    path.write_text(STARTER_POLICY, encoding="utf-8")
    assert load_policy(path, catalog=catalog) == Policy(source=str(path))


def test_starter_policy_documents_each_obligations_mode(tmp_path: Path, catalog: Catalog) -> None:
    lines = STARTER_POLICY.splitlines()
    assert "# obligations: off" in lines  # commented out: the default stays off
    for mode in ("off", "warn", "enforce"):
        assert any(line.startswith(f"#   {mode} ") for line in lines), mode
    path = tmp_path / ".licheck.yaml"
    path.write_text(
        STARTER_POLICY.replace("# obligations: off", "obligations: enforce"), encoding="utf-8"
    )
    assert load_policy(path, catalog=catalog).obligations == "enforce"


def test_policy_file_is_found_upwards_but_not_above_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".licheck.yaml").write_text("version: 1\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "models").mkdir()
    assert find_policy_file(repo / "models") is None
    (repo / ".licheck.yaml").write_text("version: 1\n", encoding="utf-8")
    assert find_policy_file(repo / "models") == repo / ".licheck.yaml"


def test_require_option_overrides_the_file(catalog: Catalog) -> None:
    policy = choose_policy(
        catalog=catalog, policy_file=POLICIES / "full.yaml", require="osi-approved"
    )
    assert policy.require == "osi-approved" and policy.deny == {"MIT"}


def test_deny_wins_over_osi_approval(catalog: Catalog) -> None:
    policy = Policy(deny=frozenset({"MIT"}))
    report = check_records([model("m", "mit")], policy=policy, today=TODAY, catalog=catalog)
    assert [v.rule for v in report.subjects[0].violations] == ["denied-license"]


def test_allow_and_families_accept_what_require_would_not(catalog: Catalog) -> None:
    policy = Policy(allow=frozenset({"CC-BY-NC-4.0"}), allow_families=frozenset({"llama"}))
    report = check_records(
        [model("a", "cc-by-nc-4.0"), model("b", "llama3.1"), model("c", "gemma")],
        policy=policy,
        today=TODAY,
        catalog=catalog,
    )
    assert [s.passed for s in report.subjects] == [True, True, False]


def test_active_exception_suppresses_and_warns_before_expiry(catalog: Catalog) -> None:
    policy = load_policy(
        POLICIES.parent / "gate" / "policy.yaml", catalog=catalog, shown="policy.yaml"
    )
    report = check_records(
        [model("research-model", "cc-by-nc-4.0")], policy=policy, today=TODAY, catalog=catalog
    )
    (subject,) = report.subjects
    assert subject.passed
    (suppressed,) = subject.suppressed
    assert (
        suppressed.reason == "internal evaluation only (LEGAL-7)"
        and suppressed.expires == "2026-12-15"
    )
    assert any("expires on 2026-12-15 (16 days left)" in w for w in report.warnings)


def test_expired_exception_is_itself_a_violation(catalog: Catalog) -> None:
    policy = load_policy(POLICIES / "full.yaml", catalog=catalog, shown="full.yaml")
    report = check_records(
        [model("chat-bot", "llama2")], policy=policy, today=TODAY, catalog=catalog
    )
    rules = [v.rule for v in report.subjects[0].violations]
    assert rules == ["not-open", "exception-expired"]
    expired = report.subjects[0].violations[1]
    assert (expired.file, expired.line) == ("full.yaml", 8)
    assert "expired on 2026-01-31" in expired.message


def test_exception_for_another_model_does_not_apply(catalog: Catalog) -> None:
    policy = load_policy(POLICIES.parent / "gate" / "policy.yaml", catalog=catalog)
    report = check_records(
        [model("prod-model", "cc-by-nc-4.0")], policy=policy, today=TODAY, catalog=catalog
    )
    assert not report.passed and not report.subjects[0].suppressed


def test_unknown_warn_turns_unverifiable_into_warnings(catalog: Catalog) -> None:
    policy = Policy(unknown="warn")
    report = check_records(
        [model("m", "made-up-license")], policy=policy, today=TODAY, catalog=catalog
    )
    assert report.passed
    assert any("cannot verify 'made-up-license'" in w for w in report.warnings)


def test_unused_expired_exception_is_reported(catalog: Catalog) -> None:
    policy = load_policy(POLICIES / "full.yaml", catalog=catalog, shown="full.yaml")
    report = check_records([model("other", "mit")], policy=policy, today=TODAY, catalog=catalog)
    assert any("full.yaml:8" in w and "remove it" in w for w in report.warnings)


def test_policies_that_decide_alike_are_equal_whatever_their_lines() -> None:
    """Equality and hash leave out where entries came from (names, lines), not what decides."""
    placed = Policy(allow=frozenset({"MIT"}), allow_lines={"MIT": 3}, names={"MIT": "mit"})
    elsewhere = Policy(allow=frozenset({"MIT"}), allow_lines={"MIT": 9})
    assert placed == elsewhere and hash(placed) == hash(elsewhere)
    assert {placed: 1}[elsewhere] == 1
    assert placed != Policy(allow=frozenset({"MIT"}), unknown="warn")
    assert placed != Policy(allow=frozenset({"Apache-2.0"}), allow_lines={"MIT": 3})
