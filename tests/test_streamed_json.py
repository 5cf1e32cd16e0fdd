"""A scan's `--format json` document is written as the models come, the same bytes as gathered."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from licheck.cli import main
from licheck.cli_output import StreamedSubjects
from licheck.engine.report import build_report, report_of_summary
from licheck.formats import RenderOptions, renderer
from licheck.formats.json_format import render_streamed
from licheck.records import Policy
from licheck.scan import scan

TODAY = date(2026, 11, 29)


def _tree(root: Path) -> Path:
    for n, license_id in enumerate(("mit", "llama2", "apache-2.0", "cc-by-nc-4.0")):
        (root / f"m{n}.md").write_text(f"---\nlicense: {license_id}\n---\n# m{n}\n", "utf-8")
    return root


def test_the_streamed_document_is_the_gathered_one(tmp_path: Path) -> None:
    subjects = list(scan([_tree(tmp_path)], policy=Policy(), today=TODAY, jobs=1))
    report = build_report(subjects, policy=Policy(), kb_version="kb", today=TODAY)
    streamed = StreamedSubjects()
    for subject in subjects:
        streamed.append(subject)
    assert report.summary is not None
    head = report_of_summary(report.summary, policy=Policy(), today=TODAY)
    pieces = "".join(render_streamed(head, streamed.chunks()))
    streamed.close()
    assert pieces == renderer("json")(report, RenderOptions())


def test_an_empty_run_streams_the_empty_document() -> None:
    report = build_report([], policy=Policy(), kb_version="kb", today=TODAY)
    assert report.summary is not None
    head = report_of_summary(report.summary, policy=Policy(), today=TODAY)
    assert "".join(render_streamed(head, iter(()))) == renderer("json")(report, RenderOptions())


def test_scan_writes_one_valid_json_document_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    with CliRunner().isolation():
        code = main(["scan", "--jobs", "1", "-f", "json", "-o", str(out), str(_tree(tmp_path))])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1 and data["passed"] is False
    assert len(data["subjects"]) == 4
