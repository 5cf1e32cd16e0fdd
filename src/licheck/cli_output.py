"""The CLI's output plumbing: colour and width (NO_COLOR, FORCE_COLOR, COLUMNS), report files
written whole, text any stream can take, the progress display, and the
loop that streams a scan's results. Split from cli.py to keep each module to one job."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click

from licheck.errors import InputError, LicheckError


def color_wanted(stream: Any, choice: bool | None) -> bool:
    """--color/--no-color, else never when NO_COLOR is set (https://no-color.org), always on
    stdout when FORCE_COLOR is (https://force-color.org; "0" or "false" forbid it, as Node's
    tools read it), else only on a terminal."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and stream is not None:
        return force.lower() not in ("0", "false")
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def report_width(stream: Any) -> int:
    """The terminal report's width: COLUMNS when it holds one (a CI log asking for wider
    lines), else the terminal's on a terminal, else 100."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        import shutil  # only on a terminal: shutil brings bz2 and lzma with it

        return shutil.get_terminal_size((100, 24)).columns
    return 100


def parse_day(value: str, option: str) -> date:
    """A day given on the command line (--today, --expires), or a usage error (exit 2)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date written YYYY-MM-DD", param_hint=option
        ) from None


def safe_text(text: str) -> str:
    """Text any stream can take: a lone surrogate (a JSON card can hold "\\ud800") becomes
    U+FFFD rather than a UnicodeEncodeError in the middle of a report."""
    from licheck.formats.sanitise import utf8_text

    return utf8_text(text)


@contextlib.contextmanager
def report_file(output: Path) -> Iterator[TextIO]:
    """A report file written whole or not at all: to a temporary file beside it, renamed at the
    end, so two runs writing one file never interleave and a reader never sees half a report.

    A target that is not a regular file (/dev/stdout, a FIFO, /dev/full) is written directly;
    any write error is a clear exit-2 error naming the file.
    """
    import io

    with _written_whole(output, what="the report") as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        yield handle
        handle.flush()
        handle.detach()  # the binary file is closed (and renamed) by _written_whole


@contextlib.contextmanager
def binary_report_file(output: Path) -> Iterator[BinaryIO]:
    """`report_file` for a binary format (Parquet)."""
    with _written_whole(output, what="the report") as handle:
        yield handle


def rewrite_file(path: Path, data: bytes) -> None:
    """Replace a file the user keeps (the policy file) with `data`, whole or not at all, keeping
    its permissions and writing through a symbolic link to the file it names."""
    import stat

    target = path.resolve()
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = None
    with _written_whole(target, what="the file", mode=mode) as handle:
        handle.write(data)


@contextlib.contextmanager
def _written_whole(output: Path, *, what: str, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that replaces `output` when the block ends without an error (see
    report_file); `mode` is the permissions it gets (default: a new file's, under the umask)."""
    import tempfile

    def fail(exc: OSError) -> LicheckError:
        return LicheckError(
            f"cannot write {what}: {exc.strerror or exc}",
            file=str(output),
            hint="check the path, its permissions and the free space",
        )

    try:
        special = output.exists() and not output.is_file()
        if special:
            handle: BinaryIO = output.open("wb")
            tmp = None
        else:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{output.name}.", suffix=".tmp", dir=output.parent or Path(".")
            )
            handle = os.fdopen(fd, "wb")
    except OSError as exc:
        raise fail(exc) from exc
    try:
        with handle:
            yield handle
        if tmp is not None:
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
            os.replace(tmp, output)
            tmp = None
    except OSError as exc:
        raise fail(exc) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class ParquetSink:
    """Writes a run's Parquet rows to an open file as their batches fill (memory flat).

    `close(summary)` writes the last rows and the run's summary line into the file's metadata;
    after Ctrl-C it is called with the partial summary, so the file is valid and says so.
    """

    def __init__(self, handle: BinaryIO) -> None:
        from licheck.formats.parquet import EXTRA, ParquetRows

        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InputError(
                "--format parquet needs pyarrow, which is not installed",
                hint=f"install the hub extra: {EXTRA}",
            ) from None
        self.rows = ParquetRows()
        self._writer = pq.ParquetWriter(handle, self.rows.schema)

    def add_line(self, line: str) -> None:
        """One model, from its JSON line."""
        self._write(self.rows.add_line(line))

    def write(self, table: Any) -> None:
        """A batch of rows already made (`formats.parquet.tables`)."""
        self._write(table)

    def _write(self, table: Any | None) -> None:
        if table is not None:
            self._writer.write_table(table)

    def close(self, summary: str | None) -> None:
        from licheck.formats.parquet import SUMMARY_KEY

        self._write(self.rows.flush())
        if summary is not None:
            self._writer.add_key_value_metadata({SUMMARY_KEY: summary.strip().encode()})
        self._writer.close()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def consume(
    results: Iterator[Any],
    counts: Any,
    subjects: Any,
    target: TextIO | None,
    progress: Any,
) -> None:
    """Count each result, then stream it (a JSON line) or hand it to `subjects` (a list, or a
    StreamedSubjects that sets its JSON aside); update the progress line."""
    from licheck.engine.report import tally
    from licheck.scan import ScanLine

    for result in results:
        if isinstance(result, ScanLine):
            counts.add(result.tally)
            line = safe_text(result.line)
            if target is not None:
                target.write(line)
            else:
                click.echo(line, nl=False)
        else:
            counts.add(tally(result, counts.policy))
            subjects.append(result)
        if progress is not None:
            progress.update(
                progress.task_ids[0],
                description=f"{counts.subjects} models: {counts.failed} failed",
            )


class StreamedSubjects:
    """Where a scan writing one JSON document puts each judged model as it comes: its JSON,
    in a temporary file, so that memory does not grow with the tree (a 20k-model `--format
    json` scan held every record: 944 MB). `write` then gives the document `--format json`
    writes for the whole report, byte for byte."""

    def __init__(self) -> None:
        import tempfile

        # Open as long as the scan runs: closed by close(), which the driver calls in finally.
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._count = 0

    def append(self, subject: Any) -> None:
        from licheck.formats.json_format import subject_chunk

        if self._count:
            self._file.write("\0")
        self._file.write(subject_chunk(subject))
        self._count += 1

    def chunks(self) -> Iterator[str]:
        """The subjects' JSON, in order, one at a time."""
        if not self._count:
            return
        self._file.seek(0)
        buffer = ""
        while block := self._file.read(1 << 20):
            buffer += block
            *done, buffer = buffer.split("\0")
            yield from done
        yield buffer

    def close(self) -> None:
        self._file.close()


def progress_wanted(choice: bool | None) -> bool:
    """`--progress/--no-progress`, else a progress display only on an interactive terminal
    outside CI (a CI log would keep every frame of it)."""
    if choice is not None:
        return choice
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress_console(choice: bool | None) -> Any:
    """The stderr console a progress display draws on (a terminal when --progress forced it)."""
    from rich.console import Console

    return Console(stderr=True, force_terminal=True if choice else None)


def echo_scan_summary(summary: Any, *, tree: bool, quiet: bool = False) -> None:
    """A scan's closing line on stderr: counts by outcome, verdict and license; for a tree,
    also what was left out and the policy file in force. The license names come from the
    cards, so the line is shown inert, as in every format. `-q`: nothing on a clean pass (one
    with models below the fail-on threshold still says so)."""
    from licheck.formats.sanitise import display, guard_lines

    if quiet and summary.passed and not summary.below_threshold:
        return

    by_verdict = ", ".join(f"{k} {v}" for k, v in summary.by_verdict) or "none"
    top = ", ".join(f"{k} {v}" for k, v in summary.by_license[:8]) or "none"
    line = (
        f"scan: {summary.subjects} models, {summary.passed_subjects} passed, "
        f"{summary.failed} failed, {summary.unreadable} unreadable, "
        f"{summary.unknown_bases} with an unknown base; licenses by "
        f"verdict: {by_verdict}; most common: {top}"
    )
    if tree:
        left = ", ".join(f"{k} {v}" for k, v in summary.skipped) or "nothing"
        line += f"; left out: {left}; policy: {summary.policy_file or 'built-in default'}"
    click.echo(guard_lines(display(line)), err=True)
