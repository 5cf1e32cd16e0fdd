"""`licheck exception add`: a reviewed exception written into the policy file, the file's
comments and layout kept (issue 16, item 5)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.inputs.policy_file import STARTER_POLICY, load_policy
from licheck.knowledge.catalog import Catalog

TODAY = "2026-11-29"
ADD = ("exception", "add", "--today", TODAY)


def run(cwd: Path, *args: str) -> tuple[int, str]:
    """Run licheck in `cwd`; (exit code, stderr)."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation() as (_out, err, _):
            code = main(list(args))
            return code, err.getvalue().decode()
    finally:
        os.chdir(before)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the policy search stops here
    (tmp_path / ".licheck.yaml").write_text(STARTER_POLICY, encoding="utf-8")
    return tmp_path


def _add(project: Path, *args: str) -> tuple[int, str]:
    return run(project, *ADD, *args)


def test_adds_to_the_starter_policy_keeping_every_comment(project: Path) -> None:
    code, err = _add(
        project,
        "llama2",
        "--model",
        "Llama-2-*",
        "--reason",
        "legal review LEGAL-9",
        "--expires",
        "2027-03-31",
        "--by",
        "ml-platform@example.com",
        "--ticket",
        "LEGAL-9",
    )
    assert code == 0, err
    text = (project / ".licheck.yaml").read_text(encoding="utf-8")
    # Every line of the file as it was is still there, in order (only `[]` opened up).
    old = [line for line in STARTER_POLICY.splitlines() if line != "exceptions: []"]
    new = text.splitlines()
    position = 0
    for line in old:
        position = new.index(line, position) + 1
    policy = load_policy(project / ".licheck.yaml", catalog=Catalog())
    (exception,) = policy.exceptions
    assert exception.model == "Llama-2-*" and exception.license_id == "LicenseRef-licheck-llama-2"
    assert exception.expires == date(2027, 3, 31) and exception.owner == "ml-platform@example.com"
    assert exception.ticket == "LEGAL-9" and exception.reason == "legal review LEGAL-9"
    assert f".licheck.yaml:{exception.line}: an exception for Llama-2-* / llama2" in err


def test_a_second_exception_goes_after_the_first(project: Path) -> None:
    assert _add(project, "llama2", "--reason", "a", "--expires", "2027-01-01")[0] == 0
    assert (
        _add(project, "gemma", "--model", "g*", "--reason", "b", "--expires", "2027-02-01")[0] == 0
    )
    policy = load_policy(project / ".licheck.yaml", catalog=Catalog())
    assert [e.license for e in policy.exceptions] == ["llama2", "gemma"]


def test_a_block_list_at_column_zero_keeps_its_indentation(project: Path) -> None:
    path = project / ".licheck.yaml"
    path.write_text(
        "version: 1\n# ours\nexceptions:\n- model: a\n  license: mit\n  reason: r\n"
        "  expires: 2027-01-01\n# next\nunknown: fail\n",
        encoding="utf-8",
    )
    assert _add(project, "llama2", "--reason", "x", "--expires", "2027-01-01")[0] == 0
    text = path.read_text(encoding="utf-8")
    assert '\n- model: "*"\n  license: "llama2"\n' in text
    assert text.endswith("# next\nunknown: fail\n") and "# ours\n" in text
    assert len(load_policy(path, catalog=Catalog()).exceptions) == 2


def test_a_policy_without_exceptions_gets_the_key_appended(project: Path) -> None:
    path = project / ".licheck.yaml"
    path.write_text("version: 1  # keep me\nrequire: osd\n", encoding="utf-8")
    assert _add(project, "llama2", "--reason", "x", "--expires", "2027-01-01")[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("version: 1  # keep me\nrequire: osd\nexceptions:\n")
    assert load_policy(path, catalog=Catalog()).require == "osd"


def test_values_are_quoted_so_yaml_reads_them_back_exactly(project: Path) -> None:
    reason = 'needs "review": #1 \\ ü\n::error x'
    assert _add(project, "llama2", "--reason", reason, "--expires", "2027-01-01")[0] == 0
    (exception,) = load_policy(project / ".licheck.yaml", catalog=Catalog()).exceptions
    assert exception.reason == reason.strip()


def test_pyproject_gets_an_array_of_tables(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "x"\n\n[tool.licheck]\nversion = 1  # ours\n\n[tool.other]\na = 1\n',
        encoding="utf-8",
    )
    code, err = run(tmp_path, *ADD, "llama2", "--reason", "r", "--expires", "2027-01-01")
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "version = 1  # ours\n" in text and "[tool.other]\na = 1\n" in text
    assert "[[tool.licheck.exceptions]]" in text
    (exception,) = load_policy(path, catalog=Catalog()).exceptions
    assert exception.license_id == "LicenseRef-licheck-llama-2"


def test_pyproject_with_an_inline_exceptions_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    original = "[tool.licheck]\nversion = 1\nexceptions = []\n"
    path.write_text(original, encoding="utf-8")
    code, err = run(tmp_path, *ADD, "llama2", "--reason", "r", "--expires", "2027-01-01")
    assert code == 2
    assert "pyproject.toml:3: [tool.licheck] writes its exceptions as an inline array" in err
    assert path.read_text(encoding="utf-8") == original


def test_a_flow_list_of_exceptions_is_refused_untouched(project: Path) -> None:
    path = project / ".licheck.yaml"
    original = (
        "version: 1\nexceptions: [{model: a, license: mit, reason: r, expires: 2027-01-01}]\n"
    )
    path.write_text(original, encoding="utf-8")
    code, err = _add(project, "llama2", "--reason", "x", "--expires", "2027-01-01")
    assert code == 2 and ".licheck.yaml:2: the policy's exceptions are written in flow" in err
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (
            ("Apache2", "--reason", "r", "--expires", "2027-01-01"),
            "licheck does not know the license 'Apache2'",
            "did you mean 'Apache-2.0'",
        ),
        (
            ("llama2", "--reason", "r", "--expires", "2027-12-01"),
            "the expiry 2027-12-01 is more than a year ahead (after 2027-11-29)",
            "--allow-long-expiry",
        ),
        (
            ("llama2", "--reason", "r", "--expires", "2026-11-28"),
            "the expiry 2026-11-28 is in the past (today is 2026-11-29)",
            "YYYY-MM-DD",
        ),
        (("llama2", "--reason", "  ", "--expires", "2027-01-01"), "needs a reason", "--reason"),
    ],
)
def test_refusals_exit_2_with_what_to_do(
    project: Path, args: tuple[str, ...], message: str, hint: str
) -> None:
    before = (project / ".licheck.yaml").read_text(encoding="utf-8")
    code, err = _add(project, *args)
    assert code == 2 and message in err and hint in err
    assert (project / ".licheck.yaml").read_text(encoding="utf-8") == before


def test_a_long_expiry_is_written_when_allowed(project: Path) -> None:
    args = ("llama2", "--reason", "board decision", "--expires", "2028-06-30")
    assert _add(project, *args, "--allow-long-expiry")[0] == 0


def test_a_bad_date_is_a_usage_error(project: Path) -> None:
    code, err = _add(project, "llama2", "--reason", "r", "--expires", "31/12/2027")
    assert code == 2 and "is not a date written YYYY-MM-DD" in err


def test_the_same_model_and_license_twice_points_at_the_first(project: Path) -> None:
    assert _add(project, "llama2", "--reason", "a", "--expires", "2027-01-01")[0] == 0
    code, err = _add(project, "Llama-2", "--reason", "b", "--expires", "2027-02-01")
    assert code == 2 and "already exists (until 2027-01-01)" in err and "renew it" in err


def test_no_policy_file_says_how_to_make_one(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    code, err = run(tmp_path, *ADD, "llama2", "--reason", "r", "--expires", "2027-01-01")
    assert code == 2 and "no policy file" in err and "licheck init" in err


def test_the_written_exception_suppresses_the_violation(project: Path) -> None:
    model = project / "model.yaml"
    model.write_text("name: Llama-2-7b\nlicense: llama2\n", encoding="utf-8")
    today = ("--today", TODAY)
    assert run(project, *today, str(model))[0] == 1
    assert (
        _add(project, "llama2", "--model", "Llama-2-*", "--reason", "r", "--expires", "2027-01-01")[
            0
        ]
        == 0
    )
    assert run(project, *today, str(model))[0] == 0


# --- the file is written back as it was encoded: BOM, newlines, permissions (issue 16) -------

BOM = b"\xef\xbb\xbf"
ARGS = ("llama2", "--reason", "r", "--expires", "2027-01-01")


def test_a_utf8_byte_order_mark_is_kept(project: Path) -> None:
    path = project / ".licheck.yaml"
    original = BOM + b"version: 1  # ours\nrequire: osd\n"
    path.write_bytes(original)
    assert _add(project, *ARGS)[0] == 0
    data = path.read_bytes()
    # The old bytes are still the start of the file, the mark once: only the entry is added.
    assert data.startswith(original) and data.count(BOM) == 1
    assert load_policy(path, catalog=Catalog()).exceptions[0].license == "llama2"


def test_crlf_stays_crlf_and_added_lines_take_it(project: Path) -> None:
    path = project / ".licheck.yaml"
    original = b"version: 1\r\n# ours\r\nexceptions: []  # none yet\r\nunknown: fail\r\n"
    path.write_bytes(original)
    assert _add(project, *ARGS)[0] == 0
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF anywhere
    assert data.startswith(b"version: 1\r\n# ours\r\nexceptions:  # none yet\r\n")
    assert data.endswith(b"\r\nunknown: fail\r\n")
    assert len(load_policy(path, catalog=Catalog()).exceptions) == 1


def test_a_pyproject_with_a_bom_and_crlf_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    original = BOM + b'[project]\r\nname = "x"\r\n\r\n[tool.licheck]\r\nversion = 1\r\n'
    path.write_bytes(original)
    code, err = run(tmp_path, *ADD, *ARGS)
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(original) and data.count(BOM) == 1
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"\r\n[[tool.licheck.exceptions]]\r\n" in data


def test_a_utf16_policy_stays_utf16(project: Path) -> None:
    path = project / ".licheck.yaml"
    path.write_bytes(b"\xff\xfe" + "version: 1\nrequire: osd\n".encode("utf-16-le"))
    assert _add(project, *ARGS)[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    assert data[2:].decode("utf-16-le").startswith("version: 1\nrequire: osd\nexceptions:\n")


def test_a_last_line_without_a_newline_gets_one_before_the_entry(project: Path) -> None:
    path = project / ".licheck.yaml"
    original = b"version: 1\nrequire: osd"
    path.write_bytes(original)
    assert _add(project, *ARGS)[0] == 0
    assert path.read_bytes().startswith(original + b"\nexceptions:\n")


def test_a_line_separator_inside_a_comment_is_no_line_end(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    # TOML allows U+2028 in a comment; str.splitlines would have split the line there and
    # written it back as two.
    original = "[tool.licheck]\nversion = 1  # a \u2028 b\n".encode()
    path.write_bytes(original)
    code, err = run(tmp_path, *ADD, *ARGS)
    assert code == 0, err
    assert path.read_bytes().startswith(original)


def test_the_policy_file_keeps_its_permissions_and_its_symlink(project: Path) -> None:
    real = project / "policies" / "licheck.yaml"
    real.parent.mkdir()
    real.write_text("version: 1\n", encoding="utf-8")
    real.chmod(0o640)
    link = project / ".licheck.yaml"
    link.unlink()
    link.symlink_to(real)
    assert _add(project, *ARGS)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real.stat().st_mode & 0o777) == 0o640
    assert "exceptions:" in real.read_text(encoding="utf-8")
