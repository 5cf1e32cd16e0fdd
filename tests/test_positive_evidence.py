"""Pass only on positive evidence: what licheck did not read, could not read or made up never
lets a model through, and every quote shown is in the file judged, at its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.check import run_check
from licheck.engine.evidence import locate
from licheck.knowledge.disguise import undisguise
from licheck.records import Report

TODAY = date(2026, 11, 29)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS} (it lives beside the repo)")
    return CORPUS


def _check(tmp_path: Path, license_text: str, card: str | None = None, **kw: str) -> Report:
    (tmp_path / "LICENSE").write_text(license_text, encoding="utf-8")
    if card is not None:
        (tmp_path / "README.md").write_text(card, encoding="utf-8")
        return run_check([tmp_path], today=TODAY, **kw)  # type: ignore[arg-type]
    return run_check([tmp_path / "LICENSE"], today=TODAY, **kw)  # type: ignore[arg-type]


def _zero_width(text: str) -> str:
    return " ".join("\u200b".join(word) if len(word) > 3 else word for word in text.split(" "))


def _mit(corpus: Path) -> str:
    return (corpus / "spdx" / "MIT.txt").read_text(encoding="utf-8")


def test_an_open_license_hidden_by_zero_width_characters_cannot_pass(
    corpus: Path, tmp_path: Path
) -> None:
    report = _check(tmp_path, _zero_width(_mit(corpus)))
    (result,) = report.subjects[0].licenses
    assert result.verdict == "unknown" and not report.passed
    assert any("invisible characters" in reason for reason in result.unverified)
    assert "U+200B ZERO WIDTH SPACE" in result.unverified[0]


def test_a_restrictive_license_hidden_by_look_alike_letters_is_still_not_open(
    corpus: Path, tmp_path: Path
) -> None:
    text = (corpus / "ai" / "llama-2-license-2023.txt").read_text(encoding="utf-8")
    cyrillic = text.replace("a", "\u0430").replace("e", "\u0435").replace("o", "\u043e")
    for require in ("osi-approved", "osd"):
        report = _check(tmp_path, cyrillic, "---\nlicense: mit\n---\n", require=require)
        assert not report.passed
        verdicts = {r.verdict for r in report.subjects[0].licenses}
        assert "not-open" in verdicts


@pytest.mark.parametrize(
    "sentence",
    [
        "Die kommerzielle Nutzung dieser Software ist ohne unsere Zustimmung nicht gestattet.",
        "商用目的でこのソフトウェアを使用することは禁止されています。",
        "Это программное обеспечение нельзя использовать в коммерческих целях.",
    ],
)
def test_an_addition_in_a_language_the_rules_do_not_read_is_unknown(
    corpus: Path, tmp_path: Path, sentence: str
) -> None:
    report = _check(tmp_path, _mit(corpus) + "\n\n" + sentence + "\n", require="osd")
    assert not report.passed
    (result,) = report.subjects[0].licenses
    assert result.verdict in ("unknown", "not-open")


def test_an_english_sentence_with_no_keyword_beside_mit_is_read(
    corpus: Path, tmp_path: Path
) -> None:
    text = _mit(corpus) + "\n\nThis license is void for entities with more than 100 employees.\n"
    report = _check(tmp_path, text, require="osd")
    assert not report.passed
    (result,) = report.subjects[0].licenses
    assert result.match == "modified" and result.verdict == "not-open"


def test_profile_quotes_are_shown_at_their_line_in_the_file_judged(
    corpus: Path, tmp_path: Path
) -> None:
    text = (corpus / "ai" / "llama-2-license-2023.txt").read_text(encoding="utf-8")
    report = _check(tmp_path, text)
    quotes = [
        f for r in report.subjects[0].licenses for c in r.criteria for f in c.findings if f.evidence
    ]
    assert quotes
    for finding in quotes:
        assert finding.file is not None and finding.file.endswith("LICENSE")
        where = locate(finding.evidence or "", text)
        # A profile quote stands at its own line; a clause's quote within the clause's lines.
        assert where is not None and finding.line is not None
        assert finding.line <= where[0] <= (finding.end_line or finding.line)
        if finding.source == "profile":
            assert finding.line == where[0]


def test_a_modified_text_shows_no_quote_of_its_parent_that_it_lacks(
    corpus: Path, tmp_path: Path
) -> None:
    text = (corpus / "ai" / "llama-2-license-2023.txt").read_text(encoding="utf-8")
    start = text.index("2. Additional Commercial Terms.")
    end = text.index("3. Disclaimer of Warranty.")
    without_cap = text[:start] + text[end:]
    report = _check(tmp_path, without_cap)
    shown = " ".join(
        f.evidence or ""
        for r in report.subjects[0].licenses
        for c in r.criteria
        for f in c.findings
    )
    assert "700 million" not in shown
    for r in report.subjects[0].licenses:
        for c in r.criteria:
            for f in c.findings:
                if f.evidence:
                    assert locate(f.evidence, undisguise(without_cap).text) is not None


def test_an_uncatalogued_text_that_grants_no_right_to_modify_is_not_open(tmp_path: Path) -> None:
    text = (
        "Acme Model Terms\n\n"
        "Acme grants you a worldwide, royalty-free license to use and distribute the model\n"
        "weights, in any field and for any purpose, commercial or not.\n"
    )
    report = _check(tmp_path, text, require="osd")
    (result,) = report.subjects[0].licenses
    osd3 = next(c for c in result.criteria if c.id == "OSD3")
    assert osd3.status == "unknown" and not report.passed


def test_a_license_file_licheck_cannot_verify_beside_a_declared_mit_is_a_violation(
    tmp_path: Path,
) -> None:
    text = "Terms of use\n\nYou may use these weights as described in our agreement.\n"
    report = _check(tmp_path, text, "---\nlicense: mit\n---\n# a model\n")
    subject = report.subjects[0]
    assert not subject.passed
    assert [v.rule for v in subject.violations] == ["cannot-verify"]
    assert "LICENSE is shipped as the text of MIT License" in subject.violations[0].message


def test_a_look_alike_declared_id_is_reported_and_denied_as_what_it_imitates(
    tmp_path: Path,
) -> None:
    (tmp_path / "model.yaml").write_text("name: x\nlicense: ll\u0430ma2\n", encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(
        "version: 1\nrequire: osd\ndeny: [llama2]\n", encoding="utf-8"
    )
    report = run_check([tmp_path / "model.yaml"], policy_file=tmp_path / "policy.yaml", today=TODAY)
    subject = report.subjects[0]
    assert [v.rule for v in subject.violations] == ["denied-license"]
    assert "U+0430 CYRILLIC SMALL LETTER A" in subject.licenses[0].unverified[0]
    (tmp_path / "model.yaml").write_text("name: x\nlicense: m\u0456t\n", encoding="utf-8")
    mit = run_check([tmp_path / "model.yaml"], today=TODAY).subjects[0]
    assert [v.rule for v in mit.violations] == ["cannot-verify"]
