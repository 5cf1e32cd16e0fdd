"""SPDX 2.3 LicenseRefs resolved through the text and the name the document gives them (issue
16): hasExtractedLicensingInfos is the document's own definition of a license not on the SPDX
list, so its text is judged as that license's text, never as a second license beside it.

Fixtures: licenseref.spdx (tag-value, written by us; an invented license text and two refs with
only a name and a pointer) and its conversions by spdx-tools' writer. Real license texts (Gemma,
MIT) come from ../shared/corpus, written into documents at test time, skipped without it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from licheck.check import check_records
from licheck.inputs.spdx2 import load_spdx
from licheck.records import LicenseResult, SubjectReport

SBOM = Path(__file__).parent / "fixtures" / "sbom"
SERIALISATIONS = [
    "licenseref.spdx",
    "licenseref.json",
    "licenseref.yaml",
    "licenseref.xml",
    "licenseref.rdf.xml",
]
TODAY = date(2026, 11, 29)


def judged(path: Path, shown: str) -> dict[str, SubjectReport]:
    report = check_records(load_spdx(path, shown=shown), today=TODAY)
    return {s.name: s for s in report.subjects}


def only_license(subject: SubjectReport) -> LicenseResult:
    (result,) = subject.licenses  # one declared ref, one license: never a second beside it
    return result


@pytest.fixture(scope="module", params=SERIALISATIONS)
def cases(request: pytest.FixtureRequest) -> tuple[str, dict[str, SubjectReport]]:
    name: str = request.param
    return name, judged(SBOM / name, f"sbom/{name}")


def test_an_unknown_text_is_the_ref_s_own_and_its_clauses_are_judged(
    cases: tuple[str, dict[str, SubjectReport]],
) -> None:
    name, subjects = cases
    result = only_license(subjects["terms-model"])
    assert result.declared == "LicenseRef-acme-terms"
    assert result.name == "Acme Model Terms (LicenseRef-acme-terms)"
    assert result.texts == (f"sbom/{name}#LicenseRef-acme-terms",)
    assert result.verdict == "not-open" and [c.id for c in result.failing] == ["OSD6"]
    (finding,) = [f for c in result.failing for f in c.findings]
    assert finding.source == "clause" and "military purpose" in (finding.evidence or "")
    (violation,) = subjects["terms-model"].violations
    assert violation.rule == "unknown-license" and "by its text, it fails OSD6" in violation.message


def test_a_quote_is_at_the_spdx_file_s_line_where_the_text_stands_verbatim(
    cases: tuple[str, dict[str, SubjectReport]],
) -> None:
    name, subjects = cases
    result = only_license(subjects["terms-model"])
    (finding,) = [f for c in result.failing for f in c.findings]
    lines = (SBOM / name).read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    if name.endswith(".json") or name.endswith(".yaml"):
        # A JSON string spanning lines has `\n` escapes, a YAML block is indented: the line is
        # the extracted text's own (the finding's file names the ref after `#`).
        assert finding.line == 6
    else:
        assert "for any military purpose" in lines[finding.line - 1]


def test_a_name_alone_that_would_pass_cannot_be_verified(
    cases: tuple[str, dict[str, SubjectReport]],
) -> None:
    _name, subjects = cases
    subject = subjects["mit-named"]
    result = only_license(subject)
    assert (result.id, result.verdict, result.osi_approved) == ("MIT", "unknown", False)
    assert not subject.passed
    (violation,) = subject.violations
    assert violation.rule == "cannot-verify"
    assert "named 'MIT License' in the document, which gives no text of it" in violation.message


def test_a_name_alone_that_fails_keeps_its_failures(
    cases: tuple[str, dict[str, SubjectReport]],
) -> None:
    _name, subjects = cases
    result = only_license(subjects["gemma-named"])
    assert result.id == "LicenseRef-licheck-gemma-2024" and result.verdict == "not-open"
    assert result.texts == ()  # the pointer is no text of it
    assert "judged by what the document says of LicenseRef-gemma-named" in (result.note or "")


# --- real texts, from the corpus ------------------------------------------------------------

TAG_VALUE = """SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: ref
DocumentNamespace: https://example.org/spdx/ref
Creator: Tool: licheck-test
Created: 2024-05-01T00:00:00Z

PackageName: acme-ft
SPDXID: SPDXRef-model
PackageDownloadLocation: https://huggingface.co/acme/ft
FilesAnalyzed: false
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: {ref}
PackageCopyrightText: NOASSERTION

LicenseID: {ref}
ExtractedText: <text>{text}</text>
LicenseName: {name}

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-model
"""


def _as_json(ref: str, name: str, text: str) -> str:
    return json.dumps(
        {
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": "ref",
            "documentNamespace": "https://example.org/spdx/ref",
            "creationInfo": {"created": "2024-05-01T00:00:00Z", "creators": ["Tool: t"]},
            "packages": [
                {
                    "SPDXID": "SPDXRef-model",
                    "name": "acme-ft",
                    "downloadLocation": "https://huggingface.co/acme/ft",
                    "filesAnalyzed": False,
                    "licenseConcluded": "NOASSERTION",
                    "licenseDeclared": ref,
                    "copyrightText": "NOASSERTION",
                }
            ],
            "hasExtractedLicensingInfos": [{"licenseId": ref, "name": name, "extractedText": text}],
            "relationships": [
                {
                    "spdxElementId": "SPDXRef-DOCUMENT",
                    "relationshipType": "DESCRIBES",
                    "relatedSpdxElement": "SPDXRef-model",
                }
            ],
        },
        indent=2,
    )


def _document(tmp_path: Path, kind: str, ref: str, name: str, text: str) -> Path:
    path = tmp_path / ("ref.spdx" if kind == "tag-value" else "ref.spdx.json")
    body = TAG_VALUE.format(ref=ref, name=name, text=text) if kind == "tag-value" else None
    path.write_text(body or _as_json(ref, name, text), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["tag-value", "json"])
def test_the_gemma_terms_under_a_licenseref_are_the_gemma_terms(
    corpus: Path, tmp_path: Path, kind: str
) -> None:
    text = (corpus / "ai" / "gemma-tou-2024-04-01.txt").read_text(encoding="utf-8")
    path = _document(tmp_path, kind, "LicenseRef-Gemma", "Gemma Terms of Use", text)
    (subject,) = judged(path, "ref.spdx").values()
    result = only_license(subject)
    assert (result.declared, result.id) == ("LicenseRef-Gemma", "LicenseRef-licheck-gemma-2024")
    assert result.verdict == "not-open" and result.match == "exact"
    # No contradiction: the text is the declared ref's, not a license the declaration omits.
    assert [v.rule for v in subject.violations] == ["not-osi-approved"]
    assert not any("does not name" in v.message for v in subject.violations)
    # The quotes come from the document's text, located there.
    quoted = [
        f for c in result.failing for f in c.findings if f.file == "ref.spdx#LicenseRef-Gemma"
    ]
    assert quoted and all(f.line for f in quoted)
    if kind == "tag-value":
        lines = path.read_text(encoding="utf-8").splitlines()
        for finding in quoted:
            assert finding.evidence and finding.line
            first_words = " ".join(finding.evidence.split()[:4])
            window = " ".join(lines[finding.line - 1 : (finding.end_line or finding.line) + 1])
            assert first_words in " ".join(window.split())


def test_a_licenseref_whose_text_is_mit_passes_on_that_text(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / "spdx" / "MIT.txt").read_text(encoding="utf-8")
    path = _document(tmp_path, "tag-value", "LicenseRef-ours", "Our License", text)
    (subject,) = judged(path, "ref.spdx").values()
    result = only_license(subject)
    assert (result.id, result.verdict) == ("MIT", "osi-approved") and subject.passed


def test_the_text_wins_over_the_name(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / "ai" / "gemma-tou-2024-04-01.txt").read_text(encoding="utf-8")
    path = _document(tmp_path, "json", "LicenseRef-mit", "MIT License", text)
    (subject,) = judged(path, "ref.spdx").values()
    result = only_license(subject)
    assert result.id == "LicenseRef-licheck-gemma-2024" and not subject.passed
