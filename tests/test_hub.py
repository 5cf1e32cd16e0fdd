"""Card dumps (issue 18): reading Parquet and JSON lines, the base-model graph across the whole
dump, identical results on the local pool and on Dask, faults kept to their row, the HTML page."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.hub import DumpSpec, DumpWorker, scan_dump
from licheck.inputs.card_dump import DumpRow
from licheck.records import Policy, SubjectReport

TODAY = date(2026, 1, 1)
ROWS: list[dict[str, Any]] = [
    # A laundering chain across rows (and batches): MIT over apache-2.0 over Llama 2.
    {"modelId": "org/ft", "card": "---\nlicense: mit\nbase_model: org/base\n---\n# ft\n"},
    {"modelId": "org/a", "card": "---\nlicense: mit\nbase_model: org/b\n---\n"},
    {"modelId": "org/b", "card": "---\nlicense: mit\nbase_model: org/a\n---\n"},
    {"modelId": "org/ok", "card": "---\nlicense: mit\n---\n", "downloads": 3},
    {"modelId": "org/bad", "card": "---\nlicense: [unclosed\n---\n"},
    {"modelId": "org/none", "card": None},
    {"modelId": "org/orphan", "card": "---\nlicense: mit\nbase_model: nobody/knows\n---\n"},
    {
        "modelId": "org/base",
        "card": "---\nlicense: apache-2.0\ntags:\n- base_model:finetune:meta-llama/Llama-2-7b-hf"
        "\n---\n",
    },
]


def _jsonl(path: Path, rows: list[dict[str, Any]] = ROWS, broken: bool = True) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows) + ("not json\n" if broken else "")
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _parquet(path: Path, rows: list[dict[str, Any]] = ROWS, **names: str) -> Path:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table(
        {
            names.get("id", "modelId"): [r["modelId"] for r in rows],
            names.get("card", "card"): [r["card"] for r in rows],
        }
    )
    pq.write_table(table, path, row_group_size=3)
    return path


def _run(path: Path, **kwargs: Any) -> list[SubjectReport]:
    batch = kwargs.pop("batch_rows", 2)
    spec = DumpSpec(path, path.name, batch_rows=batch)
    return [r for r in scan_dump(spec, policy=Policy(), today=TODAY, **kwargs)]  # type: ignore[misc]


class _Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.exit_code, self.stdout, self.stderr, self.output = code, out, err, out + err


def cli(args: list[str]) -> _Result:
    with CliRunner().isolation() as (out, err, _):
        code = main(args)
        return _Result(code, out.getvalue().decode(), err.getvalue().decode())


def _by_name(subjects: list[SubjectReport]) -> dict[str, SubjectReport]:
    return {s.name: s for s in subjects}


def test_a_chain_across_batches_is_resolved_and_named(tmp_path: Path) -> None:
    found = _by_name(_run(_jsonl(tmp_path / "cards.jsonl"), jobs=1, batch_rows=1))
    (violation,) = found["org/ft"].violations
    assert violation.rule == "inherited-license"
    assert "meta-llama/Llama-2-7b-hf through org/base (apache-2.0 declared)" in violation.message
    assert "declaring mit does not remove" in violation.message
    assert found["org/ok"].passed


def test_cycles_and_unresolved_bases_are_reported(tmp_path: Path) -> None:
    found = _by_name(_run(_jsonl(tmp_path / "cards.jsonl"), jobs=1))
    assert "loops" in found["org/a"].violations[0].message
    assert [v.rule for v in found["org/orphan"].violations] == ["unknown-base"]


def test_a_bad_row_is_unreadable_and_the_run_goes_on(tmp_path: Path) -> None:
    subjects = _run(_jsonl(tmp_path / "cards.jsonl"), jobs=1)
    assert len(subjects) == len(ROWS) + 1
    bad = {s.name: s.violations[0].message for s in subjects if s.format == "unreadable"}
    assert "not valid YAML" in bad["org/bad"]
    assert "no card" in bad["org/none"]
    assert "line 9 is not JSON" in bad["cards.jsonl#row=9"]


def test_parquet_and_gzip_give_the_same_results(tmp_path: Path) -> None:
    plain = _run(_jsonl(tmp_path / "cards.jsonl", broken=False), jobs=1)
    gz = _run(_jsonl(tmp_path / "cards.jsonl.gz", broken=False), jobs=1)
    parquet = _run(_parquet(tmp_path / "cards.parquet"), jobs=1)
    outcome = [
        [(s.name, s.passed, [v.message for v in s.violations]) for s in run]
        for run in (plain, gz, parquet)
    ]
    assert outcome[0] == outcome[1] == outcome[2]


def test_the_engines_give_identical_results(tmp_path: Path) -> None:
    """The local engine in this process, on a pool of 2, and Dask on a 2-worker LocalCluster."""
    pytest.importorskip("distributed")
    dump = _jsonl(tmp_path / "cards.jsonl")
    one = _run(dump, jobs=1)
    pool = _run(dump, jobs=2)
    try:
        dask = _run(dump, engine="dask", jobs=2)
    except RuntimeError:
        # A LocalCluster that fails to start on a loaded machine (seen once in many runs) is
        # no result: start it once more; the second run must succeed and agree.
        dask = _run(dump, engine="dask", jobs=2)
    assert one == pool == dask


def test_columns_by_other_names(tmp_path: Path) -> None:
    dump = _parquet(tmp_path / "cards.parquet", id="repo", card="readme")
    result = cli(
        ["scan", "--id-column", "repo", "--card-column", "readme", str(dump), "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    assert {s["name"] for s in json.loads(result.stdout)["subjects"]} >= {"org/ft", "org/ok"}


def test_a_missing_column_is_exit_2_naming_the_columns(tmp_path: Path) -> None:
    dump = _parquet(tmp_path / "cards.parquet", id="repo")
    result = cli(["scan", str(dump)])
    assert result.exit_code == 2
    assert "cards.parquet" in result.stderr and "no repo-id column" in result.stderr
    assert "repo, card" in result.stderr and "--id-column" in result.stderr


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "cards.parquet"
    dump.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = cli(["scan", str(dump)])
    assert result.exit_code == 2
    assert 'pip install ".[hub]"' in result.stderr and "Traceback" not in result.output


def test_the_dask_engine_on_a_folder_is_exit_2(tmp_path: Path) -> None:
    result = cli(["scan", "--engine", "dask", str(tmp_path)])
    assert result.exit_code == 2 and "reads card dumps" in result.stderr


def test_an_unreachable_scheduler_is_exit_2(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    dump = _jsonl(tmp_path / "cards.jsonl")
    result = cli(["scan", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", str(dump)])
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.stderr


def test_an_empty_dump_is_exit_2(tmp_path: Path) -> None:
    dump = tmp_path / "cards.jsonl"
    dump.write_text("", encoding="utf-8")
    result = cli(["scan", str(dump)])
    assert result.exit_code == 2 and "holds no rows" in result.stderr


def test_jsonl_output_streams_rows_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    dump = _jsonl(tmp_path / "cards.jsonl")
    result = cli(["scan", "-j", "1", "-f", "jsonl", "-o", str(out), str(dump)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines] == ["subject"] * (len(ROWS) + 1) + ["summary"]
    assert lines[-1]["subjects"] == len(ROWS) + 1 and lines[-1]["unreadable"] == 3


def _interrupt_after(results: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C once `results` rows have come back."""
    import licheck.hub

    real = licheck.hub.scan_dump

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        for index, result in enumerate(real(*args, **kwargs)):
            if index == results:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(licheck.hub, "scan_dump", interrupted)


def test_ctrl_c_leaves_a_valid_partial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_after(3, monkeypatch)
    out = tmp_path / "results.jsonl"
    dump = _jsonl(tmp_path / "cards.jsonl")
    result = cli(["scan", "-j", "1", "-f", "jsonl", "-o", str(out), str(dump)])
    assert result.exit_code == 130
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 and lines[-1]["type"] == "summary"
    assert lines[-1]["passed"] is False and lines[-1]["subjects"] == 3
    assert any("interrupted after 3 models" in w for w in lines[-1]["warnings"])


def _parquet_rows(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A Parquet output read back: its rows, and the run's summary from its metadata."""
    pq = pytest.importorskip("pyarrow.parquet")
    handle = pq.ParquetFile(path)
    summary = json.loads(handle.metadata.metadata[b"licheck.summary"])
    return handle.read().to_pylist(), summary


def test_parquet_output_holds_the_jsonl_rows(tmp_path: Path) -> None:
    dump = _jsonl(tmp_path / "cards.jsonl")
    lines_out, table_out = tmp_path / "r.jsonl", tmp_path / "r.parquet"
    assert cli(["scan", "-j", "1", "-f", "jsonl", "-o", str(lines_out), str(dump)]).exit_code == 1
    assert cli(["scan", "-j", "2", "-f", "parquet", "-o", str(table_out), str(dump)]).exit_code == 1
    lines = [json.loads(x) for x in lines_out.read_text(encoding="utf-8").splitlines()]
    subjects, summary = lines[:-1], lines[-1]
    rows, metadata = _parquet_rows(table_out)
    assert metadata == summary
    assert [r["id"] for r in rows] == [s["name"] for s in subjects]
    for row, subject in zip(rows, subjects, strict=True):
        assert row["source"] == subject["source"]
        assert row["passed"] is subject["passed"]
        assert row["declared"] == subject["expression"]
        assert row["effective_licenses"] == list(
            dict.fromkeys(r["id"] or r["declared"] for r in subject["licenses"])
        )
        assert row["failing_criteria"] == sorted(
            {c for r in subject["licenses"] for c in r["failing"]}
        )
        assert row["findings"] == [f"{v['rule']}: {v['message']}" for v in subject["violations"]]
    by_id = {r["id"]: r for r in rows}
    assert by_id["org/ok"]["outcome"] == "pass" and by_id["org/ok"]["laundering_chain"] is None
    assert by_id["org/none"]["outcome"] == "unreadable"
    laundered = by_id["org/ft"]
    assert laundered["outcome"] == "fail" and "meta-llama/Llama-2-7b-hf" in (
        laundered["laundering_chain"] or ""
    )
    assert {"license": "Apache-2.0", "verdict": "osi-approved", "inherited_from": "org/base"} in (
        laundered["licenses"]
    )


def test_parquet_to_the_terminal_is_refused_before_the_run(tmp_path: Path) -> None:
    result = cli(["scan", "-f", "parquet", str(tmp_path / "no-such-dump.jsonl")])
    assert result.exit_code == 2
    assert "--format parquet writes a binary file" in result.stderr
    assert "-o results.parquet" in result.stderr


def test_check_writes_parquet_too(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: apache-2.0\n---\n# a model\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    result = cli(["check", "-f", "parquet", "-o", str(out), "--today", "2026-01-01", str(card)])
    assert result.exit_code == 0, result.output
    rows, summary = _parquet_rows(out)
    assert [(r["declared"], r["outcome"]) for r in rows] == [("apache-2.0", "pass")]
    assert summary["passed"] is True


def test_ctrl_c_leaves_a_valid_partial_parquet_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import licheck.formats.parquet

    monkeypatch.setattr(licheck.formats.parquet, "BATCH_ROWS", 2)  # batches written before
    _interrupt_after(3, monkeypatch)
    out = tmp_path / "results.parquet"
    dump = _jsonl(tmp_path / "cards.jsonl")
    result = cli(["scan", "-j", "1", "-f", "parquet", "-o", str(out), str(dump)])
    assert result.exit_code == 130
    rows, summary = _parquet_rows(out)
    assert [r["id"] for r in rows] == ["org/ft", "org/a", "org/b"]
    assert summary["passed"] is False and summary["subjects"] == 3
    assert any("interrupted after 3 models" in w for w in summary["warnings"])


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_page(tmp_path: Path) -> Path:
    out = tmp_path / "report.html"
    dump = _jsonl(tmp_path / "cards.jsonl")
    result = cli(["scan", "-j", "1", "-f", "html", "-o", str(out), str(dump)])
    assert result.exit_code == 1, result.output
    return out


def test_the_html_page_has_its_charts_chains_and_table(tmp_path: Path) -> None:
    page = _html_page(tmp_path).read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    ids = {value for _, attrs in parser.tags for name, value in attrs if name == "id"}
    assert {"verdicts", "families", "chains", "models", "q"} <= ids
    assert tags.count("svg") == 2 and tags.count("rect") >= 2
    assert tags.count("tr") == len(ROWS) + 2  # the header and one row per model
    text = "".join(parser.text)
    assert (
        "org/ft derives from meta-llama/Llama-2-7b-hf through org/base (apache-2.0 declared)"
        in text
    )
    # Self-contained: nothing is loaded from anywhere.
    for _, attrs in parser.tags:
        assert not any(name in ("src", "href") for name, _ in attrs)


def test_a_large_page_embeds_the_failures_first_and_says_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import licheck.formats.html

    monkeypatch.setattr(licheck.formats.html, "MAX_ROWS", 3)
    monkeypatch.setattr(licheck.formats.html, "MAX_CHAINS", 1)
    page = _html_page(tmp_path).read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert [tag for tag, _ in parser.tags].count("tr") == 3 + 1  # the header and 3 rows
    text = "".join(parser.text)
    # The two laundering models first (in report order), then the first other failure.
    table = text[text.index("source") :]
    assert table.index("org/ft") < table.index("org/base") < table.index("org/a")
    assert "org/ok" not in table  # a pass, left for the JSONL / Parquet output, and said so
    assert f"{len(ROWS) + 1 - 3:,} more models are not on this page" in text
    assert "1 more laundering chains are not on this page" in text
    assert "3 shown of 9: failing and laundering first" in text
    assert "-f parquet -o results.parquet" in text


def test_a_long_chart_label_is_cut_but_keeps_its_verdict() -> None:
    from licheck.formats.html import _short

    label = "other (license_name: custom-research-license) unknown"
    assert _short(label) == "other (license_name: … unknown" and len(_short(label)) <= 30
    assert _short("MIT osi-approved") == "MIT osi-approved"


def _chromium(tmp_path: Path, *arguments: str) -> bytes:
    """Headless Chromium's output for one page, with nothing of it left running after.

    A profile of its own (no first-run work in the user's), no background connections (this
    machine's network is closed: they are refused, many at a time), stdin closed, and its own
    session, killed whole when it ends: a helper it started (crash handler, zygote) must not
    outlive the test and hold the run's output open, which keeps a CI job from ever ending."""
    command = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", f"--user-data-dir={tmp_path / 'chromium-profile'}", *arguments,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_html_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The page as a browser draws it: a screenshot of it is a real, non-blank image, and the
    DOM Chromium builds holds the table (its search script ran without breaking the page)."""
    page = _html_page(tmp_path)
    shot = tmp_path / "page.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).decode()
    assert 'id="models"' in dom and "org/ft" in dom


def test_a_pool_process_keeps_the_worker_it_was_started_with(tmp_path: Path) -> None:
    """Its knowledge (the catalog's remembered suggestions) outlives one batch."""
    from licheck import hub
    from licheck.inputs.card_dump import dump_rows
    from licheck.pool import call_worker

    worker = hub.DumpWorker(Policy(), TODAY, "cards.jsonl")
    (rows,) = dump_rows(_jsonl(tmp_path / "cards.jsonl"), shown="cards.jsonl", batch_rows=100)
    handler = signal.getsignal(signal.SIGINT)
    try:
        hub._install(worker)  # as a pool process's initializer (it also ignores Ctrl-C)
        first = call_worker(rows, {})
        knowledge = worker._knowledge
        assert knowledge is not None
        assert call_worker(rows, {}) == first
        assert worker._knowledge is knowledge
    finally:
        signal.signal(signal.SIGINT, handler)
        hub._PROCESS_WORKER.clear()


def test_check_reads_a_card_dump_and_resolves_its_chains(tmp_path: Path) -> None:
    dump = _jsonl(tmp_path / "cards.jsonl", [ROWS[0], ROWS[3], ROWS[7]], broken=False)
    result = cli(["check", str(dump), "--format", "json"])
    assert result.exit_code == 1
    found = {s["name"]: s for s in json.loads(result.stdout)["subjects"]}
    assert found["org/ok"]["passed"]
    (violation,) = found["org/ft"]["violations"]
    assert "meta-llama/Llama-2-7b-hf through org/base (apache-2.0 declared)" in violation["message"]


def test_check_on_a_dump_with_a_bad_row_is_exit_2_naming_the_row(tmp_path: Path) -> None:
    dump = _jsonl(tmp_path / "cards.jsonl", [ROWS[3], ROWS[5]], broken=False)
    result = cli(["check", str(dump)])
    assert result.exit_code == 2
    assert "cards.jsonl#row=2" in result.stderr
    assert "no card" in result.stderr


@pytest.mark.parametrize("name", ["cards.parquet", "cards.jsonl", "cards.jsonl.gz", "c.ndjson"])
def test_a_dump_is_detected_by_its_name(tmp_path: Path, name: str) -> None:
    from licheck.inputs.detect import detect_format

    assert detect_format(tmp_path / name, b'{"modelId": "x"}') == "card-dump"


class _CrashingWorker(DumpWorker):
    """A test-only fault: the process judging `org/ok` dies (as on a segfault or the OOM
    killer), reached only by handing this worker to the engine in a test, never from input."""

    def judge(self, row: DumpRow, graph: Any) -> SubjectReport:
        if row.repo_id == "org/ok":
            os._exit(70)
        return super().judge(row, graph)


def test_a_dead_worker_is_narrowed_down_to_its_one_row(tmp_path: Path) -> None:
    from licheck import hub

    dump = _jsonl(tmp_path / "cards.jsonl")
    spec = DumpSpec(dump, dump.name, batch_rows=4)
    expected = _run(dump, jobs=1, batch_rows=4)
    worker = _CrashingWorker(Policy(), TODAY, dump.name)
    found = list(hub._run_local(worker, spec, 2))
    assert [s.name for s in found] == [s.name for s in expected]  # type: ignore[union-attr]
    for got, want in zip(found, expected, strict=True):
        assert isinstance(got, SubjectReport)
        if got.name == "org/ok":
            assert got.format == "unreadable"
            assert "the worker process judging it died" in got.violations[0].message
        else:
            assert got == want  # the rest of its batch, and the batches in flight, judged


def test_a_dead_dask_worker_is_narrowed_down_to_its_one_row(tmp_path: Path) -> None:
    """Dask retries the task on the other worker (which dies too), so the scattered worker
    and graph are gone with them: they are scattered again, the batch re-run, then its rows."""
    pytest.importorskip("distributed")
    from licheck import hub

    dump = _jsonl(tmp_path / "cards.jsonl")
    spec = DumpSpec(dump, dump.name, batch_rows=4)
    expected = _run(dump, jobs=1, batch_rows=4)
    found = list(hub._run_dask(_CrashingWorker(Policy(), TODAY, dump.name), spec, 2, None))
    assert [s.name for s in found] == [s.name for s in expected]  # type: ignore[union-attr]
    for got, want in zip(found, expected, strict=True):
        assert isinstance(got, SubjectReport)
        if got.name == "org/ok":
            assert got.format == "unreadable"
            assert "the Dask worker judging it died" in got.violations[0].message
        else:
            assert got == want


def test_a_row_past_its_time_bound_is_unreadable_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import licheck.inputs.hf_card

    real = licheck.inputs.hf_card.parse_card

    def slow(card: str, **kwargs: Any) -> Any:
        if "# ft" in card:  # org/ft's card: a pathological one, in both passes
            time.sleep(3)
        return real(card, **kwargs)

    monkeypatch.setattr(licheck.inputs.hf_card, "parse_card", slow)
    started = time.monotonic()
    found = _by_name(_run(_jsonl(tmp_path / "cards.jsonl"), jobs=1, timeout=0.2))
    assert time.monotonic() - started < 6
    assert found["org/ft"].format == "unreadable"
    assert found["org/ft"].violations[0].message == "not judged within 0.2 s"
    assert found["org/ok"].passed and found["org/base"].violations  # the others judged


class _SlowWorker(DumpWorker):
    """org/ft's card takes far longer than its bound (in a Dask worker process too, where a
    monkeypatch of the test process does not reach)."""

    def judge(self, row: DumpRow, graph: Any) -> SubjectReport:
        if row.repo_id == "org/ft":
            import time

            time.sleep(4)
        return super().judge(row, graph)


def test_a_row_past_its_bound_on_a_dask_worker_is_unreadable_and_its_batch_judged(
    tmp_path: Path,
) -> None:
    """On a Dask worker a batch runs on one helper thread; the slow row is cut at its bound,
    the rows after it in its batch are judged."""
    pytest.importorskip("distributed")
    import time

    from licheck import hub

    dump = _jsonl(tmp_path / "cards.jsonl")
    spec = DumpSpec(dump, dump.name, batch_rows=4)
    expected = _run(dump, jobs=1, batch_rows=4)
    worker = _SlowWorker(Policy(), TODAY, dump.name, timeout=1)
    started = time.monotonic()
    found = list(hub._run_dask(worker, spec, 2, None))
    assert time.monotonic() - started < 30
    assert [s.name for s in found] == [s.name for s in expected]  # type: ignore[union-attr]
    for got, want in zip(found, expected, strict=True):
        assert isinstance(got, SubjectReport)
        if got.name == "org/ft":
            assert got.format == "unreadable"
            assert got.violations[0].message == "not judged within 1 s"
        else:
            assert got == want


def test_a_row_past_its_bound_off_the_main_thread_leaves_its_batch_judged(
    tmp_path: Path,
) -> None:
    import threading

    from licheck.inputs.card_dump import dump_rows

    dump = _jsonl(tmp_path / "cards.jsonl")
    (rows,) = list(dump_rows(dump, batch_rows=100))
    worker = _SlowWorker(Policy(), TODAY, dump.name, timeout=0.5)
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.extend(worker(rows, {})))
    thread.start()
    thread.join(20)
    subjects = _by_name(found)
    assert subjects["org/ft"].format == "unreadable"
    assert subjects["org/ft"].violations[0].message == "not judged within 0.5 s"
    assert len(found) == len(rows) and subjects["org/ok"].passed  # the rest of the batch


def _worker_pace() -> tuple[str, str, str]:
    import dask

    return (
        dask.config.get("distributed.admin.tick.interval"),
        dask.config.get("distributed.worker.memory.monitor-interval"),
        dask.config.get("distributed.admin.system-monitor.interval"),
    )


def test_the_local_cluster_keeps_a_batch_pace_and_the_dask_config_as_is() -> None:
    """The LocalCluster licheck makes: its workers tick and sample less often (a sixth of their
    CPU on 2 cores), and the caller's dask configuration is what it was."""
    pytest.importorskip("distributed")
    import dask

    from licheck import hub

    before = _worker_pace()
    client, cluster = hub._client(1, None)
    try:
        paces = set(client.run(_worker_pace).values())
    finally:
        client.close()
        cluster.close()
    assert paces == {tuple(hub._LOCAL_CLUSTER_PACE.values())}
    assert _worker_pace() == before != tuple(hub._LOCAL_CLUSTER_PACE.values())
    assert dask.config.get("distributed.admin.tick.interval") == before[0]
