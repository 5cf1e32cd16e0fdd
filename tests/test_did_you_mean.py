""" "Did you mean …?" for license ids, subcommands and `explain` names (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.knowledge.catalog import Catalog


def run(*args: str | Path) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize(
    ("name", "first"), [("Apache2", "Apache-2.0"), ("apache 2", "Apache-2.0"), ("lama2", "llama2")]
)
def test_suggestions_include_spdx_ids_as_spdx_writes_them(name: str, first: str) -> None:
    assert Catalog().suggest(name)[0] == first


def test_an_unknown_declared_license_suggests_the_close_id(tmp_path: Path) -> None:
    card = tmp_path / "model.yaml"
    card.write_text("name: m\nlicense: Apache2\n", encoding="utf-8")
    code, out, _ = run("--format", "json", card)
    assert code == 1
    assert "licheck does not know this license (did you mean 'Apache-2.0'" in out


@pytest.mark.parametrize(("typo", "command"), [("chek", "check"), ("scna", "scan")])
def test_a_misspelt_subcommand_suggests_the_command(
    typo: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(typo, "model.yaml")
    assert code == 2
    assert f"'{typo}' is neither a licheck command nor a file" in err
    assert f"did you mean `licheck {command}`?" in err


def test_a_file_named_like_a_command_is_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chek").write_text("name: m\nlicense: mit\n", encoding="utf-8")
    code, out, err = run("chek")
    assert code == 0, err
    assert out.startswith("PASS")


def test_a_missing_file_far_from_any_command_says_file_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("models-that-are-not-here.yaml")
    assert code == 2 and "file not found" in err


def test_explain_suggests_spdx_ids_too() -> None:
    code, _, err = run("explain", "Apache2")
    assert code == 2 and "did you mean 'Apache-2.0'" in err


@pytest.mark.parametrize(
    ("name", "first"),
    [("MIT licence", "MIT"), ("llama-2-licence", "llama-2"), ("Apache License 2", "Apache-2.0")],
)
def test_the_words_every_license_name_shares_do_not_decide(name: str, first: str) -> None:
    assert Catalog().suggest(name)[0] == first


@pytest.mark.parametrize("name", ["made-up-license", "my-custom-license"])
def test_a_name_like_no_known_one_gets_no_suggestion(name: str) -> None:
    # "-license" alone once made 'llama-license' look close to "made-up-license".
    assert Catalog().suggest(name) == []
