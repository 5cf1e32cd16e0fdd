"""`--exclude GLOB` (and the policy's `exclude:`): globs read as .gitignore reads them, one rule
for `check` and `scan`, a model folder left out whole or not at all, and every exclusion counted
(issue 16)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.inputs.tree import matching_pattern


@pytest.mark.parametrize(
    ("relative", "pattern", "is_dir", "matched"),
    [
        # A name with no slash matches at any depth, a file or a folder (.gitignore).
        ("dir", "dir", True, True),
        ("a/dir", "dir", True, True),
        ("x.gguf", "*.gguf", False, True),
        ("m/n/x.gguf", "*.gguf", False, True),
        # A folder matched leaves out everything under it.
        ("dir/m/model.yaml", "dir", False, True),
        # `dir/*`: everything under dir, not dir itself (a model folder is the rule below).
        ("dir", "dir/*", True, False),
        ("dir/model.yaml", "dir/*", False, True),
        ("dir/sub/model.yaml", "dir/*", False, True),
        # A slash anchors the pattern at the root; `./` and a leading `/` do too.
        ("q/dir/a", "dir/*", False, False),
        ("models", "./models", True, True),
        ("q/models", "./models", True, False),
        ("q/models", "/models", True, False),
        # `*` and `?` stay within one path segment; `**` spans folders.
        ("m/x.gguf", "m/*.gguf", False, True),
        ("m/n/x.gguf", "m/*.gguf", False, False),
        ("m/n/x.gguf", "m/**/*.gguf", False, True),
        ("m/x.gguf", "m/**/*.gguf", False, True),
        ("drafts", "**/drafts", True, True),
        ("a/b/drafts", "**/drafts", True, True),
        ("models/q/r", "models/**", False, True),
        # A trailing slash matches folders only.
        ("a/dir", "dir/", True, True),
        ("a/dir", "dir/", False, False),
        ("a/dir/x", "dir/", False, True),
        # Character classes, negated with `!`.
        ("ab", "[ab]b", False, True),
        ("bb", "[!ab]b", False, False),
    ],
)
def test_globs_read_as_gitignore_reads_them(
    relative: str, pattern: str, is_dir: bool, matched: bool
) -> None:
    found = matching_pattern(relative, (pattern,), is_dir=is_dir)
    assert (found == pattern) is matched


def _tree(root: Path) -> None:
    """models/a: a model.yaml alone; models/b: a model.yaml and a LICENSE; other/c."""
    for folder in ("models/a", "models/b", "other/c"):
        (root / folder).mkdir(parents=True)
        name = folder.rsplit("/", 1)[1]
        (root / folder / "model.yaml").write_text(
            f"name: {name}\nlicense: apache-2.0\n", encoding="utf-8"
        )
    (root / "models/b/LICENSE").write_text("Apache License\nVersion 2.0\n", encoding="utf-8")


def _json(cwd: Path, *args: str) -> dict:  # type: ignore[type-arg]
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation() as (out, _err, _):
            code = main([*args, "--format", "json"])
            assert code in (0, 1), code
            data: dict = json.loads(out.getvalue())  # type: ignore[type-arg]
            return data
    finally:
        os.chdir(before)


def _outcome(data: dict) -> tuple[list[str], dict[str, int], list[str]]:  # type: ignore[type-arg]
    names = sorted(s["name"] for s in data["subjects"])
    return names, data["skipped"], [w for w in data["warnings"] if "--exclude" in w]


CASES = [
    # (pattern, models judged, what scan counts as left out)
    # A folder left out counts once: the walk does not enter it to count what it holds.
    ("models", ["c"], {"--exclude models": 1}),
    ("models/*", ["c"], {"--exclude models/*": 2}),
    ("models/a", ["b", "c"], {"--exclude models/a": 1}),
    # Every file of models/a is matched: the folder has nothing left to read, it is left out.
    ("models/a/*", ["b", "c"], {"--exclude models/a/*": 1}),
    ("**/a", ["b", "c"], {"--exclude **/a": 1}),
    ("a", ["b", "c"], {"--exclude a": 1}),
    ("models/**", ["c"], {"--exclude models/**": 2}),
    # model.yaml is all of a and c, but only part of b: b is judged whole (with a warning).
    ("model.yaml", ["b"], {"--exclude model.yaml": 2}),
    # `*` does not cross a folder: nothing directly in models/ is a yaml file.
    ("models/*.yaml", ["a", "b", "c"], {}),
]


@pytest.mark.parametrize(("pattern", "judged", "skipped"), CASES)
def test_scan_leaves_out_what_the_rule_says_and_counts_it(
    tmp_path: Path, pattern: str, judged: list[str], skipped: dict[str, int]
) -> None:
    _tree(tmp_path)
    names, counted, _ = _outcome(_json(tmp_path, "scan", "-j", "1", "--exclude", pattern, "."))
    assert names == judged
    assert counted == skipped


@pytest.mark.parametrize(("pattern", "judged", "skipped"), CASES)
def test_check_and_scan_agree(
    tmp_path: Path, pattern: str, judged: list[str], skipped: dict[str, int]
) -> None:
    _tree(tmp_path)
    folders = ["models/a", "models/b", "other/c"]
    names, counted, notes = _outcome(_json(tmp_path, "scan", "-j", "1", "--exclude", pattern, "."))
    # `check` counts each path it was given and left out (scan, a folder it did not enter).
    left_out = {reason: len(folders) - len(judged) for reason in counted}
    checked = _outcome(_json(tmp_path, "check", "--exclude", pattern, *folders))
    assert checked == (names, left_out, notes)
    # A model named by one of its files is the same model, left out by the same rule.
    files = [f"{folder}/model.yaml" for folder in folders]
    assert _outcome(_json(tmp_path, "check", "--exclude", pattern, *files)) == checked


def test_a_model_folder_matched_in_part_is_judged_whole_and_said(tmp_path: Path) -> None:
    _tree(tmp_path)
    data = _json(tmp_path, "scan", "-j", "1", "--exclude", "models/b/LICENSE", ".")
    names, skipped, notes = _outcome(data)
    assert names == ["a", "b", "c"] and skipped == {}
    (note,) = notes
    assert "--exclude models/b/LICENSE matches some files of the model folder" in note
    assert "judged with all its files" in note
    (b,) = [s for s in data["subjects"] if s["name"] == "b"]
    # Its LICENSE was read all the same: the terms that bind it are not excluded away.
    assert any("LICENSE" in text for lic in b["licenses"] for text in lic.get("texts", []))


def test_the_policy_s_exclude_follows_the_same_rule(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / ".git").mkdir()  # the policy search stops here
    (tmp_path / ".licheck.yaml").write_text("version: 1\nexclude: ['models/*']\n", encoding="utf-8")
    names, skipped, _ = _outcome(_json(tmp_path, "check", "models/a", "models/b", "other/c"))
    assert names == ["c"] and skipped == {"--exclude models/*": 2}


def test_the_terminal_summary_counts_what_was_left_out(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        with CliRunner().isolation() as (out, _err, _):
            main(["scan", "-j", "1", "--exclude", "models/*", "."])
            text = out.getvalue().decode()
    finally:
        os.chdir(before)
    assert "left out (not judged): --exclude models/*: 2" in text
