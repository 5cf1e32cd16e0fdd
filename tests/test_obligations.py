"""Obligations (issue 19): each test of the knowledge base met, unmet and unknown on fixture
folders we wrote (tests/fixtures/obligations); a license copy comes from ../shared/corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from licheck.check import run_check, run_obligations
from licheck.cli import main
from licheck.errors import KnowledgeBaseError
from licheck.knowledge.catalog import Catalog, parse_check, parse_obligations
from licheck.records import ObligationResult, Report

FIXTURES = Path(__file__).parent / "fixtures" / "obligations"


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


def _duties(path: Path, **kwargs: bool) -> dict[str, ObligationResult]:
    report = run_obligations([path], **kwargs)
    (subject,) = report.subjects
    return {f"{o.license}:{o.test or o.section}": o for o in subject.obligations}


def _by_test(path: Path, license_end: str, test: str) -> ObligationResult:
    found = [o for k, o in _duties(path).items() if o.license.endswith(license_end)]
    (duty,) = [o for o in found if o.test == test]
    return duty


# --- the schema -----------------------------------------------------------------------------


def test_a_check_names_a_known_test() -> None:
    with pytest.raises(KnowledgeBaseError, match="a check needs a test among"):
        parse_check({"test": "telepathy"}, "x.yaml")


def test_a_check_has_the_parameters_its_test_needs() -> None:
    with pytest.raises(KnowledgeBaseError, match="the notice-file check needs 'text'"):
        parse_check({"test": "notice-file", "file": "Notice"}, "x.yaml")


def test_an_obligation_refuses_unknown_fields() -> None:
    with pytest.raises(KnowledgeBaseError, match="unknown obligation field"):
        parse_obligations([{"kind": "notice", "text": "x", "tset": 1}], "x.yaml")


def test_profiles_and_the_spdx_table_give_checked_obligations() -> None:
    catalog = Catalog()
    llama = catalog.obligations("LicenseRef-licheck-llama-3.1") or ()
    assert {o.check.test for o in llama if o.check} == {
        "license-copy", "card-statement", "name-prefix", "notice-file", "use-restrictions",
    }  # fmt: skip
    apache = catalog.obligations("Apache-2.0") or ()
    assert "notice-propagation" in {o.check.test for o in apache if o.check}
    assert catalog.obligations("LicenseRef-not-a-license") is None


# --- Llama 3.1 ------------------------------------------------------------------------------


def test_llama_notice_name_and_attribution_met_with_evidence() -> None:
    path = FIXTURES / "Llama-3.1-8B-acme-ok"
    notice = _by_test(path, "llama-3.1", "notice-file")
    assert notice.status == "met"
    assert notice.evidence[0].file.endswith("Llama-3.1-8B-acme-ok/NOTICE")
    assert notice.evidence[0].line == 1
    assert _by_test(path, "llama-3.1", "card-statement").evidence[0].line == 7
    assert _by_test(path, "llama-3.1", "name-prefix").status == "met"
    assert _by_test(path, "llama-3.1", "use-restrictions").status == "met"


def test_llama_without_notice_says_which_file_and_line_to_add() -> None:
    duty = _by_test(FIXTURES / "Llama-3.1-8B-acme-no-notice", "llama-3.1", "notice-file")
    assert duty.status == "unmet" and duty.evidence == ()
    assert duty.fix is not None and "Llama-3.1-8B-acme-no-notice/Notice" in duty.fix
    assert "Llama 3.1 is licensed under the Llama 3.1 Community License" in duty.fix


def test_a_notice_file_without_the_line_is_unmet(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "Llama-3.1-8B-acme-ok") / "Llama-3.1-8B-acme-ok"
    (folder / "NOTICE").write_text("Copyright Acme\n", encoding="utf-8")
    duty = _by_test(folder, "llama-3.1", "notice-file")
    assert duty.status == "unmet" and duty.fix is not None and "to " in duty.fix


def test_llama_name_prefix_unmet_for_a_name_without_llama() -> None:
    duty = _by_test(FIXTURES / "acme-8b-chat", "llama-3.1", "name-prefix")
    assert duty.status == "unmet"
    assert (
        duty.fix
        == 'rename the model so that its name begins with "Llama" (e.g. "Llama-acme-8b-chat")'
    )


def test_a_license_copy_is_met_only_by_the_text_identified_as_that_license(
    tmp_path: Path, corpus: Path
) -> None:
    folder = _copy(tmp_path, "Llama-3.1-8B-acme-ok") / "Llama-3.1-8B-acme-ok"
    assert _by_test(folder, "llama-3.1", "license-copy").status == "unmet"
    shutil.copy(corpus / "ai" / "llama-3.1-license-2024.txt", folder / "LICENSE")
    duty = _by_test(folder, "llama-3.1", "license-copy")
    assert duty.status == "met" and duty.evidence[0].file.endswith("LICENSE")
    report = run_obligations([folder])
    assert report.passed  # everything checkable is met: exit 0, the unknown ones listed


def test_a_modified_license_copy_is_unknown(tmp_path: Path, corpus: Path) -> None:
    folder = _copy(tmp_path, "Llama-3.1-8B-acme-ok") / "Llama-3.1-8B-acme-ok"
    text = (corpus / "ai" / "llama-3.1-license-2024.txt").read_text(encoding="utf-8")
    (folder / "LICENSE").write_text(text + "\nYou may not use this model on Tuesdays.\n")
    assert _by_test(folder, "llama-3.1", "license-copy").status == "unknown"


def test_a_file_that_cannot_be_read_makes_a_missing_duty_unknown_not_unmet(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path, "Llama-3.1-8B-acme-no-notice") / "Llama-3.1-8B-acme-no-notice"
    (folder / "Notice").symlink_to(tmp_path / "gone")  # a Notice that cannot be read
    for test in ("notice-file", "card-statement", "use-restrictions"):
        duty = _by_test(folder, "llama-3.1", test)
        assert duty.status == "unknown", test
        assert duty.fix is not None and "could not read" in duty.fix and "Notice" in duty.fix


def test_the_name_prefix_stays_unmet_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "acme-8b-chat") / "acme-8b-chat"
    (folder / "NOTICE").symlink_to(tmp_path / "gone")  # no file can change the model's name
    assert _by_test(folder, "llama-3.1", "name-prefix").status == "unmet"


def test_modification_notice_unknown_when_no_base_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "acme-model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# x\n", encoding="utf-8")
    assert _by_test(folder, "Apache-2.0", "modification-notice").status == "unknown"


# --- RAIL, Gemma, Apache ----------------------------------------------------------------------


def test_a_rail_derivative_without_the_use_restrictions_is_unmet() -> None:
    duty = _by_test(FIXTURES / "sd-anime-no-restrictions", "openrail-m", "use-restrictions")
    assert duty.status == "unmet" and duty.inherited_from == "runwayml/stable-diffusion-v1-5"
    assert duty.fix is not None and "use restrictions apply" in duty.fix


def test_shipping_the_rail_text_passes_the_use_restrictions_on(
    tmp_path: Path, corpus: Path
) -> None:
    folder = _copy(tmp_path, "sd-anime-no-restrictions") / "sd-anime-no-restrictions"
    shutil.copy(corpus / "ai" / "stable-diffusion-2022-08-22.txt", folder / "LICENSE-MODEL")
    assert _by_test(folder, "openrail-m", "use-restrictions").status == "met"


def test_a_gemma_derivative_meets_notice_and_prohibited_use() -> None:
    path = FIXTURES / "gemma-2b-acme"
    assert _by_test(path, "gemma-2024", "notice-file").status == "met"
    assert _by_test(path, "gemma-2024", "use-restrictions").status == "met"
    assert _by_test(path, "gemma-2024", "modification-notice").status == "met"


def test_apache_notice_propagation_met_unmet_and_unknown(tmp_path: Path) -> None:
    root = _copy(tmp_path, "apache-base", "apache-ft-kept", "apache-ft-dropped")
    report = run_obligations(
        [root / "apache-base", root / "apache-ft-kept", root / "apache-ft-dropped"]
    )
    status = {
        s.name: next(o for o in s.obligations if o.test == "notice-propagation")
        for s in report.subjects
    }
    assert status["apache-ft-kept"].status == "met"
    assert status["apache-ft-dropped"].status == "unmet"
    assert "Acme Base Model" in (status["apache-ft-dropped"].fix or "")
    assert status["apache-base"].status == "met"  # its own NOTICE, kept
    alone = run_obligations([root / "apache-ft-dropped"]).subjects[0]
    (duty,) = [o for o in alone.obligations if o.test == "notice-propagation"]
    assert duty.status == "unknown"  # the base is not in the run: its files cannot be seen


def test_modification_notice_unmet_for_a_derivative_card_that_says_nothing(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path, "acme-8b-chat") / "acme-8b-chat"
    (folder / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: ../base\n---\n# x\n", encoding="utf-8"
    )
    assert _by_test(folder, "Apache-2.0", "modification-notice").status == "unmet"


def test_a_duty_no_test_covers_is_unknown_with_its_text() -> None:
    duties = _duties(FIXTURES / "acme-8b-chat")
    other = duties["LicenseRef-licheck-llama-3.1:5.a"]
    assert other.status == "unknown" and "brand guidelines" in other.duty


# --- policy and exit codes ----------------------------------------------------------------------


def test_obligations_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["obligations", "gemma-2b-acme", "--no-color"]) == 1  # no Gemma terms copy
    out = capsys.readouterr().out
    assert "✗ unmet" in out and "✓ met" in out and "? unknown" in out
    assert main(["obligations", "no-such-folder"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_strict_fails_on_an_unknown_obligation(tmp_path: Path, corpus: Path) -> None:
    folder = _copy(tmp_path, "Llama-3.1-8B-acme-ok") / "Llama-3.1-8B-acme-ok"
    shutil.copy(corpus / "ai" / "llama-3.1-license-2024.txt", folder / "LICENSE")
    assert main(["obligations", str(folder), "-f", "json"]) == 0
    assert main(["obligations", str(folder), "--strict", "-f", "json"]) == 1


def test_check_enforces_obligations_only_when_the_policy_says_so(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "apache-base") / "apache-base"
    off = run_check([folder])
    assert off.subjects[0].obligation_mode is None and off.subjects[0].obligations == ()
    (tmp_path / "warn.yaml").write_text("version: 1\nobligations: warn\n", encoding="utf-8")
    warned = run_check([folder], policy_file=tmp_path / "warn.yaml").subjects[0]
    assert warned.passed and any("obligations: warn" in w for w in warned.warnings)
    (tmp_path / "enforce.yaml").write_text("version: 1\nobligations: enforce\n", encoding="utf-8")
    enforced = run_check([folder], policy_file=tmp_path / "enforce.yaml").subjects[0]
    assert [v.rule for v in enforced.violations] == ["obligation-unmet"]
    assert enforced.violations[0].file is not None
    assert enforced.violations[0].file.endswith("apache-base/LICENSE")


def test_a_bad_obligations_policy_value_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text("version: 1\nobligations: always\n", encoding="utf-8")
    code = main(["check", str(FIXTURES / "apache-base"), "--policy", str(tmp_path / "p.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "'obligations' must be off, warn or enforce" in err and "p.yaml" in err


def test_json_lists_obligations_with_the_contract_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES)
    main(["obligations", "acme-8b-chat", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1
    duty = data["subjects"][0]["obligations"][0]
    assert {"license", "kind", "duty", "status", "evidence", "fix"} <= set(duty)


def test_sarif_levels_follow_the_policy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES)
    main(["obligations", "acme-8b-chat", "-f", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    levels = {r["ruleId"]: r["level"] for r in results if r["ruleId"].startswith("obligation-")}
    assert levels["obligation-naming"] == "error"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert "acme-8b-chat/Notice" in locations


def _github_levels(report: Report) -> dict[str, set[str]]:
    from licheck.formats import RenderOptions, renderer

    levels: dict[str, set[str]] = {}
    for line in renderer("github")(report, RenderOptions()).splitlines():
        if "title=licheck%3A obligation-" in line:
            status = "unmet" if " obligation unmet " in line else "unknown"
            levels.setdefault(status, set()).add(line.split(" ", 1)[0])
    return levels


def test_github_annotation_levels_follow_the_policy(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "apache-base") / "apache-base"
    assert _github_levels(run_obligations([folder])) == {
        "unmet": {"::error"}, "unknown": {"::notice"},
    }  # fmt: skip
    assert _github_levels(run_obligations([folder], strict=True))["unknown"] == {"::error"}
    (tmp_path / "warn.yaml").write_text("version: 1\nobligations: warn\n", encoding="utf-8")
    warned = run_check([folder], policy_file=tmp_path / "warn.yaml")
    assert _github_levels(warned)["unmet"] == {"::warning"}
    assert _github_levels(run_check([folder])) == {}  # not checked: no obligation annotation


def test_markdown_has_an_obligations_table_only_when_they_were_checked(tmp_path: Path) -> None:
    from licheck.formats import RenderOptions, renderer

    folder = _copy(tmp_path, "apache-base") / "apache-base"
    render = renderer("markdown")
    assert "Obligations" not in render(run_check([folder]), RenderOptions())
    text = render(run_obligations([folder]), RenderOptions())
    section = text.split("### Obligations\n", 1)[1]
    assert "| License | Duty | Status | Evidence | Fix |" in section
    assert "✓ met" in section and "✗ unmet" in section and "? unknown" in section
    assert "apache-base/NOTICE:1`" in section  # the evidence, file:line
    assert "add a LICENSE file holding the full text" in section  # the fix
    assert "1 obligation(s) fail the policy: see Obligations below" in text  # not repeated


# --- golden files -------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "obligations"
GOLDEN_CASES = [
    (name, fmt)
    for name in (
        "Llama-3.1-8B-acme-ok",
        "Llama-3.1-8B-acme-no-notice",
        "sd-anime-no-restrictions",
        "gemma-2b-acme",
        "apache-ft",
    )
    for fmt in ("terminal", "json", "sarif", "junit", "markdown", "github")
]
SUFFIX = {"terminal": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md"}


@pytest.mark.parametrize(("name", "format_name"), GOLDEN_CASES)
def test_obligations_output_matches_golden_file(
    name: str, format_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    from datetime import date

    from licheck.formats import RenderOptions, renderer

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)  # paths in reports are relative to where licheck runs
    base = Path("tests/fixtures/obligations")
    paths = (
        [base / "apache-base", base / "apache-ft-kept", base / "apache-ft-dropped"]
        if name == "apache-ft"
        else [base / name]
    )
    report = run_obligations(paths, today=date(2026, 6, 1))
    output = renderer(format_name)(report, RenderOptions(color=False, width=100))
    golden = GOLDEN / f"{name}.{SUFFIX.get(format_name, 'github.txt')}"
    if os.environ.get("LICHECK_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_scan_refuses_a_policy_that_asks_for_obligations_it_does_not_check(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from licheck.cli import main

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text("---\nlicense: mit\n---\n# m\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nobligations: enforce\n", encoding="utf-8")
    with CliRunner().isolation() as (_out, err, _):
        code = main(["scan", "--jobs", "1", "--policy", str(policy), str(tmp_path / "m")])
        message = err.getvalue().decode()
    assert code == 2
    assert "does not check yet" in message and "licheck obligations" in message
