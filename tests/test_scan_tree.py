"""Issue 15: every model in the tree is judged or said to be left out, a Hugging Face cache is
read as a cache, every entry point gives a model one verdict, and faults never pass or hang."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.inputs.policy_file import find_policy_file
from licheck.inputs.tree import CacheReading, Skip, Unit, walk
from licheck.records import Policy
from licheck.scan import _is_model_folder, scan

TODAY = date(2026, 11, 29)


def card(license: str) -> str:
    return f"---\nlicense: {license}\n---\n# model\n"


def run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main_command(), list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def main_command():  # type: ignore[no-untyped-def]
    import click

    @click.command(context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        raise SystemExit(main(list(args)))

    return command


def subjects_of(root: Path, **kwargs: object) -> list:  # type: ignore[type-arg]
    return list(scan([root], policy=Policy(), today=TODAY, jobs=1, **kwargs))  # type: ignore[arg-type]


def test_build_dist_hidden_and_deep_models_are_judged(tmp_path: Path) -> None:
    for folder in ("build/a", "dist/b", ".hidden/c"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "README.md").write_text(card("mit"), encoding="utf-8")
    deep = tmp_path.joinpath(*["d"] * 120)
    deep.mkdir(parents=True)
    (deep / "model.yaml").write_text("name: deep\nlicense: cc-by-nc-4.0\n", encoding="utf-8")
    subjects = subjects_of(tmp_path)
    assert len(subjects) == 4
    assert [s.passed for s in subjects].count(False) == 1


def test_default_exclusions_and_exclude_globs_are_counted(tmp_path: Path) -> None:
    for folder in (".git/x", "node_modules/x", "vendor/x", "venv"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(card("mit"), encoding="utf-8")
    skips: list[Skip] = []
    subjects = subjects_of(tmp_path, exclude=("vendor",), on_skip=skips.append)
    assert len(subjects) == 1
    reasons = sorted(s.reason for s in skips)
    assert reasons == [
        "--exclude vendor",
        "node_modules (default exclusion)",
        "version control (.git) (default exclusion)",
        "virtualenvs",
    ]


def test_the_summary_lists_what_was_left_out(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(card("mit"), encoding="utf-8")
    code, out, err = run("scan", "--format", "jsonl", "--jobs", "1", str(tmp_path))
    summary = json.loads(out.splitlines()[-1])
    assert code == 0 and summary["skipped"] == {"node_modules (default exclusion)": 1}
    assert "left out: node_modules (default exclusion) 1" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_an_unreadable_subject(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(card("mit"), encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        subjects = subjects_of(tmp_path)
    finally:
        locked.chmod(0o755)
    assert [s.format for s in subjects] == ["unreadable", "folder"]


def test_a_loose_card_linked_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(card("mit"), encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "card.md").symlink_to(outside)
    (subject,) = subjects_of(root)
    assert subject.format == "unreadable" and "outside the scanned tree" in (
        subject.violations[0].message
    )


def make_cache(root: Path, repo: str, files: dict[str, str], revisions: int = 1) -> Path:
    """A fake Hugging Face cache repo: blobs, snapshots linking into them, refs/main."""
    folder = root / repo
    (folder / "blobs").mkdir(parents=True)
    (folder / "refs").mkdir()
    revision = ""
    for n in range(revisions):
        revision = f"{n + 1:040x}"
        snapshot = folder / "snapshots" / revision
        snapshot.mkdir(parents=True)
        for name, text in files.items():
            blob = folder / "blobs" / f"{hash((name, n)) & 0xFFFFFFFF:08x}"
            blob.write_text(text, encoding="utf-8")
            (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))
    (folder / "refs" / "main").write_text(revision, encoding="utf-8")
    return folder


def test_a_cache_is_read_as_a_cache(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    make_cache(
        hub,
        "models--TheBloke--Llama-2-7B-Chat-GGUF",
        {"README.md": "---\nlicense: llama2\nmodel_name: Llama 2 7B Chat\n---\n"},
        revisions=2,
    )
    make_cache(hub, "models--org--no-front-matter", {"README.md": "# just text\n"})
    make_cache(hub, "datasets--org--data", {"README.md": card("cc-by-4.0")})
    skips: list[Skip] = []
    subjects = subjects_of(hub, on_skip=skips.append)
    assert [s.name for s in subjects] == ["TheBloke/Llama-2-7B-Chat-GGUF", "org/no-front-matter"]
    assert f"{2:040x}" in subjects[0].source  # the revision refs/main names, once
    assert not subjects[1].passed  # no license declared: cannot verify, never a pass
    assert [s.reason for s in skips] == ["Hugging Face datasets repos (not models)"]


def test_include_datasets_judges_dataset_repos_as_datasets(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    make_cache(hub, "datasets--org--nc-data", {"README.md": card("cc-by-nc-4.0")})
    make_cache(hub, "models--org--model", {"README.md": card("mit")})
    make_cache(hub, "spaces--org--demo", {"README.md": card("mit")})
    skips: list[Skip] = []
    subjects = subjects_of(hub, on_skip=skips.append, cache=CacheReading(datasets=True))
    by_name = {s.name: s.passed for s in subjects}
    assert by_name == {"datasets/org/nc-data": False, "org/model": True}
    assert [s.reason for s in skips] == ["Hugging Face spaces repos (not models)"]


def test_a_dataset_is_no_base_model(tmp_path: Path) -> None:
    # A model whose base_model is the dataset's id must not inherit (or pass) through it.
    hub = tmp_path / "hub"
    make_cache(hub, "datasets--org--same", {"README.md": card("mit")})
    make_cache(
        hub, "models--org--ft", {"README.md": "---\nlicense: mit\nbase_model: org/same\n---\n"}
    )
    subjects = subjects_of(hub, cache=CacheReading(datasets=True))
    ft = next(s for s in subjects if s.name == "org/ft")
    assert not ft.passed and ft.violations[0].rule == "unknown-base"


def test_all_revisions_judges_each_snapshot_named_by_its_revision(tmp_path: Path) -> None:
    make_cache(tmp_path, "models--o--n", {"README.md": card("mit")}, revisions=2)
    names = [s.name for s in subjects_of(tmp_path, cache=CacheReading(all_revisions=True))]
    assert names == [f"o/n@{1:040x}", f"o/n@{2:040x}"]
    assert [s.name for s in subjects_of(tmp_path)] == ["o/n"]  # the default: refs/main only
    make_cache(tmp_path, "models--o--one", {"README.md": card("mit")})
    subjects = subjects_of(tmp_path / "models--o--one", cache=CacheReading(all_revisions=True))
    assert [s.name for s in subjects] == [f"o/one@{1:040x}"]  # named so even when alone


def test_snapshots_without_a_ref_are_told_apart_by_revision(tmp_path: Path) -> None:
    repo = make_cache(tmp_path, "models--o--n", {"README.md": card("mit")}, revisions=2)
    (repo / "refs" / "main").unlink()
    assert [s.name for s in subjects_of(tmp_path)] == [f"o/n@{1:040x}", f"o/n@{2:040x}"]


def test_scan_cli_takes_the_cache_flags(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    make_cache(hub, "datasets--org--data", {"README.md": card("cc-by-nc-4.0")}, revisions=2)
    code, out, _ = run(
        "scan", "--include-datasets", "--all-revisions", "-j", "1", "--format", "json", str(hub)
    )
    names = [s["name"] for s in json.loads(out)["subjects"]]
    assert code == 1 and names == [f"datasets/org/data@{n:040x}" for n in (1, 2)]


def test_a_ref_to_a_missing_snapshot_is_unreadable(tmp_path: Path) -> None:
    repo = make_cache(tmp_path, "models--o--n", {"README.md": card("mit")})
    (repo / "refs" / "main").write_text("f" * 40, encoding="utf-8")
    (subject,) = subjects_of(tmp_path)
    assert subject.format == "unreadable" and subject.name == "o/n"


def write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "model.yaml").write_text("name: m\nlicense: apache-2.0\n", encoding="utf-8")
    (folder / "USE_POLICY.md").write_text(
        "You must not use the model for any commercial purpose.\n", encoding="utf-8"
    )
    return folder


def verdicts(out: str) -> list[tuple[str, bool]]:
    data = json.loads(out)
    return [(s["format"], s["passed"]) for s in data["subjects"]]


def test_every_entry_point_gives_a_folder_one_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_folder(tmp_path / "m")
    vendor = tmp_path / "vendor" / "x"
    vendor.mkdir(parents=True)
    (vendor / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    _, folder_out, _ = run("--format", "json", "m")
    _, file_out, _ = run("--format", "json", "m/model.yaml")
    _, hook_out, _ = run(
        "check",
        "--skip-non-models",
        "--exclude",
        "vendor/*",
        "--format",
        "json",
        "m/model.yaml",
        "m/USE_POLICY.md",
        "vendor/x/LICENSE",
    )
    assert verdicts(folder_out) == verdicts(file_out) == verdicts(hook_out)
    assert len(verdicts(hook_out)) == 1
    assert json.loads(hook_out)["skipped"] == {"--exclude vendor/*": 1}


def test_the_hook_does_not_judge_a_stray_license_as_a_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "third").mkdir()
    (tmp_path / "third" / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    code, out, _ = run("check", "--skip-non-models", "--format", "json", "third/LICENSE")
    assert code == 0 and json.loads(out)["subjects"] == []
    assert json.loads(out)["skipped"] == {"license files outside a model folder": 1}


def test_a_card_swapped_for_a_fifo_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(card("mit"), encoding="utf-8")
    units = [u for u in walk([tmp_path], is_model_folder=_is_model_folder)]
    (tmp_path / "a.md").unlink()
    os.mkfifo(tmp_path / "a.md")
    from licheck.inputs.registry import InputOptions
    from licheck.scan import ScanWorker

    worker = ScanWorker(Policy(), TODAY, InputOptions(), 5.0)
    started = time.monotonic()
    (subject,) = worker([u for u in units if isinstance(u, Unit)])
    assert time.monotonic() - started < 3
    assert subject.format == "unreadable" and "not a regular file" in (
        subject.violations[0].message
    )


def _killer(path: Path, options: object = None, catalog: object = None, **kw: object) -> object:
    if path.name == "die.md":
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_load(path, options, catalog, **kw)  # type: ignore[arg-type]


import licheck.inputs  # noqa: E402

_real_load = licheck.inputs.load_path


def test_a_killed_worker_makes_its_model_unreadable_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.md", "die.md", "z.md"):
        (tmp_path / name).write_text(card("mit"), encoding="utf-8")
    # Test-only: the fork start method carries this patch into the workers.
    monkeypatch.setattr(licheck.inputs, "load_path", _killer)
    subjects = list(scan([tmp_path], policy=Policy(), today=TODAY, jobs=2))
    assert [(Path(s.source).name, s.format) for s in subjects] == [
        ("a.md", "hf-card"),
        ("die.md", "unreadable"),
        ("z.md", "hf-card"),
    ]
    assert "died" in subjects[1].violations[0].message


def test_ctrl_c_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import licheck.scan

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(licheck.scan, "scan", interrupted)
    assert main(["scan", str(tmp_path)]) == 130


def test_an_invalid_date_is_a_located_error_and_one_card_does_not_stop_a_scan(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "README.md").write_text(
        "---\nlicense: mit\ndate: 2024-02-30\n---\n", encoding="utf-8"
    )
    code, _, err = run("--format", "json", str(tmp_path / "a"))
    assert code == 2 and "README.md:3" in err and "not a valid date" in err
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "README.md").write_text(card("mit"), encoding="utf-8")
    subjects = subjects_of(tmp_path)
    assert [s.format for s in subjects] == ["unreadable", "folder"]


def test_a_date_time_expires_is_a_policy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".licheck.yaml").write_text(
        "version: 1\nexceptions:\n  - model: x\n    license: mit\n    reason: r\n"
        "    expires: 2027-01-01T10:00:00\n",
        encoding="utf-8",
    )
    (tmp_path / "m.md").write_text(card("mit"), encoding="utf-8")
    code, _, err = run("m.md")
    assert code == 2 and ".licheck.yaml:6" in err


def test_a_lone_surrogate_never_breaks_the_output(tmp_path: Path) -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [
            {
                "type": "machine-learning-model",
                "name": "bad\ud800name",
                "licenses": [{"license": {"id": "MIT"}}],
            }
        ],
    }
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    for fmt in ("json", "jsonl", "terminal", "sarif", "junit", "markdown", "github"):
        code, _, err = run("--format", fmt, "-o", str(tmp_path / f"out.{fmt}"), str(path))
        assert code == 0, (fmt, err)


def test_output_is_written_whole_and_a_full_disk_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "m.md").write_text(card("mit"), encoding="utf-8")
    target = tmp_path / "out.json"
    code, _, _ = run("--format", "json", "-o", str(target), str(tmp_path / "m.md"))
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["passed"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    if Path("/dev/full").exists():
        code, _, err = run("--format", "json", "-o", "/dev/full", str(tmp_path / "m.md"))
        assert code == 2 and "cannot write the report" in err


def test_two_scans_writing_one_file_do_not_interleave(tmp_path: Path) -> None:
    for n in range(40):
        (tmp_path / f"c{n}.md").write_text(card("mit"), encoding="utf-8")
    target = tmp_path / "out" / "r.jsonl"
    target.parent.mkdir()
    threads = [
        threading.Thread(
            target=main,
            args=(["scan", "--format", "jsonl", "--jobs", "1", "-o", str(target), str(tmp_path)],),
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 41 and json.loads(lines[-1])["type"] == "summary"


def test_the_policy_search_stops_at_the_project_root(tmp_path: Path) -> None:
    (tmp_path / ".licheck.yaml").write_text("version: 1\nallow: [llama2]\n", encoding="utf-8")
    project = tmp_path / "a" / "project"
    project.mkdir(parents=True)
    # No repository, no project file: never above the current folder.
    assert find_policy_file(project, top=project) is None
    # A pyproject.toml marks the project's root: the search stops there.
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert find_policy_file(project, top=project) is None
    (tmp_path / "a" / "pyproject.toml").unlink()
    assert find_policy_file(project, top=tmp_path) == tmp_path / ".licheck.yaml"


def test_every_report_names_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".licheck.yaml").write_text("version: 1\n", encoding="utf-8")
    (tmp_path / "m.md").write_text(card("mit"), encoding="utf-8")
    _, out, _ = run("--format", "json", "m.md")
    assert json.loads(out)["policy"]["file"] == ".licheck.yaml"
    _, out, _ = run("--format", "terminal", "m.md")
    assert "from .licheck.yaml" in out


def test_scan_finds_the_policy_of_the_scanned_tree_not_of_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".licheck.yaml").write_text("version: 1\ndeny: [mit]\n", encoding="utf-8")
    for name in ("a", "b"):
        (project / "models" / name).mkdir(parents=True)
        (project / "models" / name / "README.md").write_text(card("mit"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # Two roots: the search starts at their common folder (project/models) and goes up to the
    # repository's root, where the policy denies MIT.
    code, out, _ = run(
        "scan", "-j", "1", "--format", "json", str(project / "models" / "a"),
        str(project / "models" / "b"),
    )  # fmt: skip
    assert code == 1 and json.loads(out)["policy"]["file"].endswith("project/.licheck.yaml")
    assert "denied by the policy" in out


def test_scan_never_takes_a_policy_above_the_scanned_root_without_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".licheck.yaml").write_text("version: 1\nallow: [cc-by-nc-4.0]\n", "utf-8")
    tree = tmp_path / "context" / "m"
    tree.mkdir(parents=True)
    (tree / "README.md").write_text(card("cc-by-nc-4.0"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run("scan", "-j", "1", "--format", "json", str(tmp_path / "context"))
    assert code == 1 and json.loads(out)["policy"]["file"] is None
