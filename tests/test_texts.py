"""License texts in a check: identified, matched to the declaration, modified ones never passed
as their parent, unrecognised ones read clause by clause. Texts come from ../shared/corpus and
are changed in memory; nothing here is a copy of a license."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.check import check_records
from licheck.records import LicenseText, ModelRecord, SubjectReport

TODAY = date(2026, 11, 29)


def check(license: str | None, *texts: tuple[str, str, str]) -> SubjectReport:
    record = ModelRecord(
        source="model.yaml",
        format="model-yaml",
        name="m",
        license=license,
        license_line=2,
        license_texts=tuple(LicenseText(path, text, role=role) for path, text, role in texts),
    )
    return check_records([record], today=TODAY).subjects[0]


def text(corpus: Path, name: str) -> str:
    return (corpus / name).read_text(encoding="utf-8")


def test_exact_text_of_the_declared_license(corpus: Path) -> None:
    subject = check("apache-2.0", ("LICENSE", text(corpus, "spdx/Apache-2.0.txt"), "license"))
    (result,) = subject.licenses
    assert (result.match, result.verdict, result.texts) == ("exact", "osi-approved", ("LICENSE",))
    assert subject.passed


def test_a_text_the_declaration_does_not_name_still_binds(corpus: Path) -> None:
    llama = text(corpus, "ai/llama-2-license-2023.txt")
    subject = check("apache-2.0", ("LICENSE", llama, "license"))
    assert [r.id for r in subject.licenses] == ["Apache-2.0", "LicenseRef-licheck-llama-2"]
    (violation,) = subject.violations
    assert violation.rule == "license-text"
    assert "LICENSE holds the Llama 2 Community License Agreement" in violation.message
    assert "does not name" in violation.message


def test_modified_threshold_is_named_and_judged(corpus: Path) -> None:
    modified = text(corpus, "ai/llama-2-license-2023.txt").replace("700 million", "100 million")
    subject = check("llama2", ("LICENSE", modified, "license"))
    (result,) = subject.licenses
    assert (
        result.match == "modified"
        and result.name == "Llama 2 Community License Agreement (modified)"
    )
    assert any("100 million" in d and "700 million" in d for d in result.differences)
    assert result.verdict == "not-open"


def test_permissive_license_with_an_added_restriction_is_not_its_parent(corpus: Path) -> None:
    mit = text(corpus, "spdx/MIT.txt") + (
        "\nThe Software shall not be used for military purposes or by any armed forces.\n"
    )
    subject = check("mit", ("LICENSE", mit, "license"))
    (result,) = subject.licenses
    assert result.match == "modified" and not result.osi_approved
    assert result.verdict == "not-open" and "OSD6" in [c.id for c in result.failing]
    osd6 = next(c for c in result.criteria if c.id == "OSD6")
    assert any(f.file == "LICENSE" and f.line and f.line > 15 for f in osd6.findings)
    assert not subject.passed


def test_other_takes_the_license_its_text_names(corpus: Path) -> None:
    llama3 = text(corpus, "wild/meta-llama__llama3__LICENSE.txt")
    subject = check("other", ("LICENSE", llama3, "license"))
    (result,) = subject.licenses
    assert result.id == "LicenseRef-licheck-llama-3" and result.declared == "other (LICENSE)"


def test_code_and_model_licenses_are_kept_apart(corpus: Path) -> None:
    subject = check(
        "llama2",
        ("LICENSE-CODE", text(corpus, "spdx/MIT.txt"), "code"),
        ("LICENSE-MODEL", text(corpus, "ai/llama-2-license-2023.txt"), "model"),
    )
    by_id = {r.id: r for r in subject.licenses}
    assert by_id["LicenseRef-licheck-llama-2"].texts == ("LICENSE-MODEL",)
    assert by_id["MIT"].texts == ("LICENSE-CODE",) and by_id["MIT"].verdict == "osi-approved"
    assert [v.rule for v in subject.violations] == ["not-osi-approved"]


def test_unrecognised_text_is_read_by_its_clauses() -> None:
    custom = (
        "Acme Model License\n\nYou may use, copy, modify and distribute the model.\n"
        "You may not use the model or its outputs for any commercial purpose.\n"
    )
    subject = check(None, ("LICENSE", custom, "license"))
    (result,) = subject.licenses
    assert result.match == "unrecognised" and result.verdict == "not-open"
    assert "OSD6" in [c.id for c in result.failing]
    assert subject.violations[0].rule == "license-text"


@pytest.mark.parametrize("note", ["See the LICENSE file in the parent folder.\n", ""])
def test_a_note_names_no_license_and_cannot_verify(note: str) -> None:
    subject = check(None, ("LICENSE", note or "For license terms, contact us.\n", "license"))
    (result,) = subject.licenses
    assert result.match == "no-license" and result.id is None
    assert [v.rule for v in subject.violations] == ["cannot-verify"]
