"""The engine: per-criterion judgment, verdicts, AND/OR policy logic, license texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from licheck.engine.evaluate import evaluate
from licheck.errors import ExpressionError
from licheck.knowledge.catalog import Catalog
from licheck.records import Finding, LicenseText, ModelRecord, Policy, Status, verdict_for, worst

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def record(license: str | None, texts: tuple[LicenseText, ...] = ()) -> ModelRecord:
    return ModelRecord(
        source="model.yaml",
        format="model-yaml",
        name="m",
        license=license,
        license_line=3,
        license_texts=texts,
    )


@dataclass(frozen=True)
class FakeAnalysis:
    """Stands in for the clause engine: what it found in a text."""

    findings: tuple[Finding, ...]
    grants_rights: bool = True
    truncated: bool = False
    unread: tuple[tuple[int, int, str], ...] = ()
    rights: frozenset[str] = frozenset({"use", "copy", "modify", "distribute"})

    def status(self, criterion: str) -> Status:
        return worst([f.status for f in self.findings if f.criterion == criterion])


def analyser(*findings: Finding):  # type: ignore[no-untyped-def]
    return lambda text, path: FakeAnalysis(findings)


def test_llama2_fails_osd5_and_osd6_with_evidence(catalog: Catalog) -> None:
    report = evaluate(record("llama2"), catalog=catalog, policy=Policy(), today=TODAY)
    (result,) = report.licenses
    assert result.verdict == "not-open"
    failing = {c.id for c in result.failing}
    assert {"OSD5", "OSD6"} <= failing
    assert result.score == 10 - len(failing) - len(result.needing_review)
    osd5 = next(c for c in result.criteria if c.id == "OSD5")
    assert "700 million" in (osd5.findings[0].evidence or "")
    assert not report.passed
    assert report.violations[0].rule == "not-osi-approved"
    assert report.violations[0].line == 3


def test_osi_approved_license_passes_all_ten(catalog: Catalog) -> None:
    report = evaluate(record("Apache-2.0"), catalog=catalog, policy=Policy(), today=TODAY)
    (result,) = report.licenses
    assert (result.verdict, result.score, result.osi_approved) == ("osi-approved", 10, True)
    assert [c.id for c in result.criteria] == [f"OSD{i}" for i in range(1, 11)]
    assert report.passed


def test_unknown_license_is_a_violation_never_a_pass(catalog: Catalog) -> None:
    report = evaluate(
        record("totally-made-up"), catalog=catalog, policy=Policy(require="osd"), today=TODAY
    )
    (result,) = report.licenses
    assert result.verdict == "unknown" and not result.known
    assert all(c.status == "unknown" for c in result.criteria)
    assert report.violations[0].rule == "unknown-license"
    assert "cannot verify" in report.violations[0].message


def test_missing_license_is_a_violation(catalog: Catalog) -> None:
    report = evaluate(record(None), catalog=catalog, policy=Policy(), today=TODAY)
    assert [v.rule for v in report.violations] == ["no-license"]


def test_or_passes_when_one_alternative_passes(catalog: Catalog) -> None:
    assert evaluate(record("llama2 OR mit"), catalog=catalog, policy=Policy(), today=TODAY).passed


def test_and_fails_when_one_license_fails(catalog: Catalog) -> None:
    report = evaluate(record("mit AND llama2"), catalog=catalog, policy=Policy(), today=TODAY)
    assert [v.license for v in report.violations] == ["LicenseRef-licheck-llama-2"]


def test_osd_policy_accepts_open_but_unapproved(catalog: Catalog) -> None:
    text = LicenseText("LICENSE", "You may do anything.")
    report = evaluate(
        record("BSD-3-Clause-Clear", (text,)),
        catalog=catalog,
        policy=Policy(require="osd"),
        today=TODAY,
        analyse_text=analyser(),
    )
    (result,) = report.licenses
    assert (result.verdict, result.osi_approved) == ("open", False)
    assert report.passed
    assert not evaluate(
        record("BSD-3-Clause-Clear", (text,)),
        catalog=catalog,
        policy=Policy(),
        today=TODAY,
        analyse_text=analyser(),
    ).passed


def test_text_findings_make_a_declared_permissive_license_fail(catalog: Catalog) -> None:
    finding = Finding(
        "OSD6",
        "fail",
        "non-commercial use only",
        "non-commercial purposes only",
        "LICENSE",
        12,
        source="clause",
    )
    report = evaluate(
        record("mit", (LicenseText("LICENSE", "..."),)),
        catalog=catalog,
        policy=Policy(require="osd"),
        today=TODAY,
        analyse_text=analyser(finding),
    )
    (result,) = report.licenses
    # The text shipped is not the OSI-approved MIT: it adds a clause that breaks OSD6.
    assert (result.verdict, result.osi_approved) == ("not-open", False)
    osd6 = next(c for c in result.criteria if c.id == "OSD6")
    assert osd6.status == "fail" and osd6.findings == (finding,)
    assert result.texts == ("LICENSE",)
    assert result.note is not None and "not the OSI-approved" in result.note
    assert not report.passed


def test_text_beside_several_licenses_is_judged_on_its_own(catalog: Catalog) -> None:
    finding = Finding("OSD3", "fail", "no derivatives", None, "LICENSE", 4, source="clause")
    report = evaluate(
        record("mit AND apache-2.0", (LicenseText("LICENSE", "..."),)),
        catalog=catalog,
        policy=Policy(),
        today=TODAY,
        analyse_text=analyser(finding),
    )
    assert [r.declared for r in report.licenses] == ["mit", "apache-2.0", "LICENSE"]
    assert report.licenses[2].verdict == "not-open"
    assert [v.rule for v in report.violations] == ["license-text"]
    assert report.violations[0].line == 4


def test_with_exception_is_shown_and_judged_by_its_license(catalog: Catalog) -> None:
    report = evaluate(
        record("GPL-2.0-only WITH Classpath-exception-2.0"),
        catalog=catalog,
        policy=Policy(),
        today=TODAY,
    )
    assert report.licenses[0].declared == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert report.passed


def test_bad_expression_is_located(catalog: Catalog) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(record("mit AND"), catalog=catalog, policy=Policy(), today=TODAY)
    assert (info.value.file, info.value.line) == ("model.yaml", 3)


@pytest.mark.parametrize(
    ("osi", "statuses", "verdict"),
    [
        (True, ["fail"], "osi-approved"),
        (False, ["pass", "fail", "unknown"], "not-open"),
        (False, ["pass", "unknown"], "unknown"),
        (False, ["pass"], "open"),
    ],
)
def test_verdict_rules(osi: bool, statuses: list[Status], verdict: str) -> None:
    assert verdict_for(osi, statuses) == verdict


def derivative(license: str, *bases: str) -> ModelRecord:
    return ModelRecord(
        source="ft.yaml",
        format="model-yaml",
        name="ft",
        license=license,
        license_line=2,
        base_models=bases,
    )


def test_derivative_inherits_its_base_license_and_laundering_is_named(catalog: Catalog) -> None:
    report = evaluate(
        derivative("apache-2.0", "meta-llama/Llama-2-7b-hf"),
        catalog=catalog,
        policy=Policy(),
        today=TODAY,
    )
    assert [r.declared for r in report.licenses] == ["apache-2.0", "llama2"]
    assert report.licenses[1].inherited_from == "meta-llama/Llama-2-7b-hf"
    (violation,) = report.violations
    assert violation.rule == "inherited-license"
    assert "derives from meta-llama/Llama-2-7b-hf" in violation.message
    assert "declaring apache-2.0 does not remove the Llama 2 Community License Agreement terms" in (
        violation.message
    )


def test_base_in_the_same_run_wins_over_the_table(catalog: Catalog) -> None:
    report = evaluate(
        derivative("mit", "our-org/base"),
        catalog=catalog,
        policy=Policy(),
        today=TODAY,
        known_bases={"our-org/base": "cc-by-nc-4.0"},
    )
    assert [v.license for v in report.violations] == ["CC-BY-NC-4.0"]


def test_unknown_base_fails_by_default_and_warns_under_unknown_base_warn(
    catalog: Catalog,
) -> None:
    ft = derivative("mit", "someone/unheard-of")
    report = evaluate(ft, catalog=catalog, policy=Policy(), today=TODAY)
    assert [v.rule for v in report.violations] == ["unknown-base"]
    assert "base model 'someone/unheard-of' is unknown" in report.violations[0].message
    warned = evaluate(ft, catalog=catalog, policy=Policy(unknown_base="warn"), today=TODAY)
    assert warned.passed
    assert any("base model 'someone/unheard-of' is unknown" in w for w in warned.warnings)


def test_open_base_adds_no_violation(catalog: Catalog) -> None:
    report = evaluate(
        derivative("mit", "EleutherAI/pythia-6.9b"), catalog=catalog, policy=Policy(), today=TODAY
    )
    assert report.passed and len(report.licenses) == 2


def test_require_osaid_needs_the_openness_verdict(catalog: Catalog) -> None:
    bare = record("apache-2.0")
    report = evaluate(bare, catalog=catalog, policy=Policy(require="osaid"), today=TODAY)
    assert report.openness is not None and report.openness.osaid.verdict == "fail"
    assert [v.rule for v in report.violations] == ["osaid"]
    assert evaluate(bare, catalog=catalog, policy=Policy(), today=TODAY).passed
