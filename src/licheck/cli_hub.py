"""`licheck scan cards.parquet`: drive a card-dump run for the CLI (progress, output, Ctrl-C).

Split from cli.py (which only parses options): a dump of two million rows streams JSON lines
(or Parquet rows, in batches) as they are judged, shows a progress bar with the rate on a
terminal, and on Ctrl-C still leaves a valid output: the rows judged so far and a closing
summary that says the run did not finish (never a pass), renamed into place like a finished
one.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from licheck.cli_output import report_file, safe_text
from licheck.errors import InputError
from licheck.records import replace
from licheck.scan import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from licheck.records import Policy, SubjectReport


@dataclass(frozen=True)
class DumpOptions:
    """How a dump run goes: the engine, its scheduler, the dump's columns, worker count, and
    whether bases unknown offline are resolved from the Hub (`--online`), and the seconds one
    row may take (0: no bound)."""

    engine: str = "local"
    scheduler: str | None = None
    id_column: str | None = None
    card_column: str | None = None
    jobs: int | None = None
    online: bool = False
    timeout: float = DEFAULT_TIMEOUT


def interrupted_note(subjects: int) -> str:
    """The warning a partial output carries: how far the run got, and that it is no pass."""
    return f"interrupted after {subjects} models; the scan did not finish (not a pass)"


def run_dump(
    roots: list[Path],
    outputs: Any,
    policy: Policy,
    today: date,
    options: DumpOptions,
    kb_version: str,
) -> bool:
    """Judge one card dump; stream JSON lines or gather one report (html, json, ...)."""
    from licheck.cli_output import ParquetSink, binary_report_file
    from licheck.engine.report import SummaryBuilder, build_report, tally
    from licheck.formats.jsonl_format import summary_line
    from licheck.hub import DumpSpec, scan_dump
    from licheck.inputs import shown_path
    from licheck.inputs.card_dump import count_rows, is_card_dump
    from licheck.scan import ScanLine

    if len(roots) != 1:
        raise InputError(
            "scan reads one card dump at a time",
            file=", ".join(shown_path(r) for r in roots),
            hint="run one scan per dump, and scan folders in a run of their own",
        )
    if not is_card_dump(roots[0]):
        raise InputError(
            "the dask engine reads card dumps (.parquet, .jsonl, .jsonl.gz); this is not one",
            file=shown_path(roots[0]),
            hint="scan a folder with the local engine (leave out --engine)",
        )
    spec = DumpSpec(roots[0], shown_path(roots[0]), options.id_column, options.card_column)
    counts = SummaryBuilder(policy, kb_version)
    # JSON lines and Parquet rows are written as they come (memory flat); other formats
    # gather one report.
    parquet = outputs.format_name == "parquet"
    stream_lines = outputs.format_name == "jsonl" or parquet
    subjects: list[SubjectReport] = []
    stop: KeyboardInterrupt | None = None
    with contextlib.ExitStack() as stack:
        target = None
        sink = None
        if parquet:
            sink = ParquetSink(stack.enter_context(binary_report_file(outputs.output)))
        elif stream_lines and outputs.output is not None:
            target = stack.enter_context(report_file(outputs.output))
        bar = _progress(stack, count_rows(spec.path), outputs.progress)

        def write(text: str) -> None:
            if sink is not None:
                sink.add_line(text)
            elif target is not None:
                target.write(text)
            else:
                click.echo(text, nl=False)

        results = scan_dump(
            spec,
            policy=policy,
            today=today,
            engine=options.engine,
            jobs=options.jobs,
            scheduler=options.scheduler,
            timeout=options.timeout,
            lines_kb_version=kb_version if stream_lines else None,
            online=options.online,
        )
        try:
            for result in results:
                if isinstance(result, ScanLine):
                    counts.add(result.tally)
                    write(safe_text(result.line))
                else:
                    counts.add(tally(result, policy))
                    subjects.append(result)
                if bar is not None:
                    bar(counts.subjects, counts.failed)
        except KeyboardInterrupt as exc:
            # A valid partial output: the lines so far and a summary that says so.
            stop = exc
            counts.warnings.append(interrupted_note(counts.subjects))
        summary = counts.summary(today)
        if stop is not None:
            summary = replace(summary, passed=False)
        if sink is not None:
            sink.close(summary_line(summary))
        elif stream_lines:
            write(safe_text(summary_line(summary)))
    if not stream_lines:
        report = build_report(subjects, policy=policy, kb_version=kb_version, today=today)
        if stop is not None:
            report = replace(report, warnings=summary.warnings, summary=summary)
        outputs.write(report, compact=True)
    _closing_line(summary, outputs.quiet)
    if stop is not None:
        raise stop
    return summary.passed


def _progress(stack: contextlib.ExitStack, total: int | None, choice: bool | None) -> Any:
    """A progress bar on stderr (on an interactive terminal unless --progress/--no-progress
    says otherwise): rows done / total, rate."""
    from licheck.cli_output import progress_console, progress_wanted

    if not progress_wanted(choice):
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = stack.enter_context(
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            console=progress_console(choice),
            transient=True,
        )
    )
    task = progress.add_task("cards", total=total, rate="")
    started = time.monotonic()

    def update(done: int, failed: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        progress.update(
            task, completed=done, description=f"cards ({failed} failed)", rate=f"{rate:,.0f}/s"
        )

    return update


def _closing_line(summary: Any, quiet: bool) -> None:
    from licheck.cli_output import echo_scan_summary

    echo_scan_summary(summary, tree=False, quiet=quiet)
