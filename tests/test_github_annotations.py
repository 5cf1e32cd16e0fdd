"""`--format github` caps its annotations as GitHub shows them (issue 16, item 2): at most ten
per level, most severe first, and one notice with the totals when some are left out."""

from __future__ import annotations

from licheck.formats import RenderOptions, renderer
from licheck.formats.github import SHOWN_PER_LEVEL
from licheck.records import Report, SubjectReport, Suppression, Violation


def _report(errors: int, warnings: int, notices: int) -> Report:
    subjects = tuple(
        SubjectReport(
            source=f"m{i}.yaml",
            format="model-yaml",
            name=f"m{i}",
            expression="x",
            licenses=(),
            violations=(Violation("unknown-license", f"problem {i}", file=f"m{i}.yaml", line=2),)
            if i < errors
            else (),
            suppressed=(Suppression(Violation("not-open", f"excepted {i}"), "why", "2027-01-01"),)
            if i < notices
            else (),
        )
        for i in range(max(errors, notices))
    )
    return Report(
        subjects=subjects,
        policy="osi-approved",
        kb_version="kb",
        licheck_version="0",
        warnings=tuple(f"warning {i}" for i in range(warnings)),
    )


def _lines(report: Report) -> list[str]:
    return renderer("github")(report, RenderOptions()).splitlines()


def _kinds(lines: list[str]) -> list[str]:
    return [line[2:].split(" ", 1)[0].split("::", 1)[0] for line in lines]


def test_under_the_cap_every_annotation_is_shown_and_no_totals_line() -> None:
    lines = _lines(_report(errors=3, warnings=2, notices=1))
    assert _kinds(lines) == ["error"] * 3 + ["warning"] * 2 + ["notice"]
    assert not any("more problems than annotations" in line for line in lines)


def test_errors_are_capped_at_ten_and_come_first_with_a_totals_notice() -> None:
    lines = _lines(_report(errors=25, warnings=3, notices=0))
    kinds = _kinds(lines)
    assert kinds == ["error"] * SHOWN_PER_LEVEL + ["warning"] * 3 + ["notice"]
    # The first ten in report order: the most severe first, never a random ten.
    assert [line.rsplit("::", 1)[1] for line in lines[:2]] == ["m0: problem 0", "m1: problem 1"]
    totals = lines[-1]
    assert "licheck found 28 problems (25 errors, 3 warnings, 0 notices)" in totals
    assert "job summary" in totals and "SARIF" in totals


def test_the_totals_notice_takes_one_of_the_ten_notices() -> None:
    lines = _lines(_report(errors=1, warnings=0, notices=15))
    kinds = _kinds(lines)
    assert kinds.count("notice") == SHOWN_PER_LEVEL
    assert "more problems than annotations" in lines[-1]
    assert "16 problems (1 errors, 0 warnings, 15 notices)" in lines[-1]


def test_warnings_over_the_cap_are_counted_too() -> None:
    lines = _lines(_report(errors=0, warnings=11, notices=0))
    assert _kinds(lines) == ["warning"] * SHOWN_PER_LEVEL + ["notice"]
    assert "11 warnings" in lines[-1]


def test_the_findings_of_an_excepted_license_are_notices(gate_report: Report) -> None:
    lines = _lines(gate_report)
    research = [x for x in lines if "file=research.yaml" in x and "title=licheck%3A OSD" in x]
    assert research and all(line.startswith("::notice") for line in research)
    assert all("(suppressed until 2026-12-15: internal evaluation only" in x for x in research)
    llama = [x for x in lines if "file=llama.yaml" in x and "title=licheck%3A OSD" in x]
    assert llama and all(line.startswith("::warning") for line in llama)
