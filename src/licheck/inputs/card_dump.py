"""Card dumps: a table of Hugging Face model cards, one row per repo (Parquet, JSONL, JSONL.gz).

The public Hub-wide dumps publish every model's README as a column beside its repo id
(`modelId` or `id`, and `card`: the whole README with its front matter). A dump of two million
rows does not fit a folder walk, so it is read here in batches of rows, never whole: Parquet
with pyarrow's record batches (the `hub` extra), JSONL line by line with the standard library
(a bad line is one bad row, not a failed file; pyarrow's JSON reader would fail the block).

A row that cannot be used (no card, a card that is not text, a line that is not JSON) is kept
as a DumpRow with its `problem`: the run reports it as `unreadable` and goes on. What stops the
run (exit 2) is only what makes the whole file unusable: no such file, a missing column, a
Parquet file without pyarrow installed.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec

from licheck.errors import InputError
from licheck.inputs.detect import DUMP_SUFFIXES

if TYPE_CHECKING:
    from licheck.inputs.registry import ReadContext
    from licheck.records import ModelRecord

ID_COLUMNS = ("modelId", "id")
CARD_COLUMN = "card"
BATCH_ROWS = 512
HUB_EXTRA = 'pip install ".[hub]" (from a licheck checkout: no release is published yet)'
# One card is a README: far beyond this it is not a card (and would stall a worker).
MAX_CARD_CHARS = 4 * 1024 * 1024


class DumpRow(msgspec.Struct, frozen=True):
    """One row of a dump: its 1-based number, its repo id, its card text or what is wrong."""

    number: int
    repo_id: str | None
    card: str | None
    problem: str | None = None


def is_card_dump(path: Path) -> bool:
    """A card dump is told by its name (a Parquet file or JSON lines), as the dumps are named."""
    return path.name.lower().endswith(DUMP_SUFFIXES) and not path.is_dir()


def row_source(shown: str, number: int) -> str:
    """How a row is named in reports: the dump's path and the row (`cards.parquet#row=12`)."""
    return f"{shown}#row={number}"


def count_rows(path: Path) -> int | None:
    """The rows of a Parquet dump from its footer (for a progress bar); None for JSON lines."""
    if not path.name.lower().endswith(".parquet"):
        return None
    pq = _pyarrow_parquet(path)
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:
        return None


class RowBatch(msgspec.Struct, frozen=True):
    """A batch of a dump's rows as the file holds them, as bytes: what crosses to a worker.

    Rows sent as Python objects are pickled by the main process, unpickled and pickled again by
    an in-process Dask scheduler, and unpickled by the worker; bytes cross as one copy each
    time, and the worker makes the rows (`rows()`). `kind` is "arrow" (an Arrow IPC stream of
    the id and card columns) or "jsonl" (the batch's non-blank lines, joined by newlines);
    `start` is the number of rows before the batch, `size` its number of rows.
    """

    kind: str
    data: bytes
    start: int
    size: int
    columns: tuple[str, str]

    def __len__(self) -> int:
        return self.size

    def rows(self) -> list[DumpRow]:
        """The batch's rows, numbered from `start + 1`."""
        if self.kind == "arrow":
            import pyarrow as pa

            with pa.ipc.open_stream(self.data) as reader:
                table = reader.read_all()
            ids = table.column(0).to_pylist()
            cards = table.column(1).to_pylist()
            return [
                _row(self.start + index, repo_id, card)
                for index, (repo_id, card) in enumerate(zip(ids, cards, strict=True), 1)
            ]
        id_column, card_column = self.columns
        return [
            _json_row(self.start + index, raw, id_column, card_column)
            for index, raw in enumerate(self.data.split(b"\n"), 1)
        ]


def dump_batches(
    path: Path,
    *,
    shown: str | None = None,
    id_column: str | None = None,
    card_column: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The dump's rows in batches of at most `batch_rows`, in file order (memory stays flat).

    `id_column` defaults to the first of `modelId`, `id` the file has; `card_column` to
    `card`. Other columns are never read (Parquet reads only the two columns it needs).
    """
    shown = shown or str(path)
    if not path.is_file():
        raise InputError("file not found", file=shown, hint="check the path of the card dump")
    if path.name.lower().endswith(".parquet"):
        yield from _parquet_batches(path, shown, id_column, card_column or CARD_COLUMN, batch_rows)
    else:
        yield from _jsonl_batches(path, shown, id_column, card_column or CARD_COLUMN, batch_rows)


def dump_rows(
    path: Path,
    *,
    shown: str | None = None,
    id_column: str | None = None,
    card_column: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[list[DumpRow]]:
    """The dump's rows, a batch at a time, made in this process (see `dump_batches`)."""
    for batch in dump_batches(
        path, shown=shown, id_column=id_column, card_column=card_column, batch_rows=batch_rows
    ):
        yield batch.rows()


def _pyarrow_parquet(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "reading a Parquet card dump needs pyarrow, which is not installed",
            file=str(path),
            hint=f"install the hub extra: {HUB_EXTRA}",
        ) from None
    return pq


def _columns(
    names: list[str], shown: str, id_column: str | None, card_column: str
) -> tuple[str, str]:
    """The id and card columns of a dump; a missing one is an error naming the columns there."""
    have = ", ".join(names[:20]) or "none"
    if id_column is None:
        id_column = next((c for c in ID_COLUMNS if c in names), None)
        if id_column is None:
            raise InputError(
                f"the card dump has no repo-id column (modelId or id); its columns: {have}",
                file=shown,
                hint="name it with --id-column",
            )
    elif id_column not in names:
        raise InputError(
            f"the card dump has no column '{id_column}'; its columns: {have}",
            file=shown,
            hint="check --id-column",
        )
    if card_column not in names:
        raise InputError(
            f"the card dump has no card column '{card_column}'; its columns: {have}",
            file=shown,
            hint="name the column holding each README with --card-column",
        )
    return id_column, card_column


def _row(number: int, repo_id: Any, card: Any) -> DumpRow:
    """A row checked: the id must be text, the card text of a sane size."""
    rid = repo_id if isinstance(repo_id, str) and repo_id.strip() else None
    if isinstance(card, bytes):
        card = card.decode("utf-8", errors="replace")
    if rid is None:
        return DumpRow(number, None, None, "the row has no repo id")
    if card is None:
        return DumpRow(number, rid, None, "the row has no card (the card column is empty)")
    if not isinstance(card, str):
        return DumpRow(number, rid, None, "the row's card is not text")
    if len(card) > MAX_CARD_CHARS:
        return DumpRow(number, rid, None, f"the card is longer than {MAX_CARD_CHARS:,} characters")
    return DumpRow(number, rid, card)


def _parquet_batches(
    path: Path, shown: str, id_column: str | None, card_column: str, batch_rows: int
) -> Iterator[RowBatch]:
    pq = _pyarrow_parquet(path)
    import pyarrow as pa

    # Memory flat however big the file: without pre-buffering (which keeps the column chunks it
    # read ahead) and with the system allocator (pyarrow's default, mimalloc, kept what each
    # batch freed: the reader's process grew by ~0.3 GB per million rows; flat with these).
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield from _parquet_read(pq, pa, path, shown, id_column, card_column, batch_rows)
    finally:
        pa.set_memory_pool(previous)


def _parquet_read(
    pq: Any,
    pa: Any,
    path: Path,
    shown: str,
    id_column: str | None,
    card_column: str,
    batch_rows: int,
) -> Iterator[RowBatch]:
    try:
        table = pq.ParquetFile(path, pre_buffer=False)
        names = list(table.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for a file not Parquet
        raise InputError(
            f"not a readable Parquet file ({exc})",
            file=shown,
            hint="a card dump is a Parquet file or JSON lines (.jsonl, .jsonl.gz)",
        ) from None
    columns = _columns(names, shown, id_column, card_column)
    number = 0
    try:
        for batch in table.iter_batches(batch_size=batch_rows, columns=list(columns)):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            yield RowBatch("arrow", sink.getvalue().to_pybytes(), number, batch.num_rows, columns)
            number += batch.num_rows
    except (OSError, ValueError) as exc:  # a truncated or corrupt row group
        raise InputError(
            f"the Parquet file cannot be read past row {number} ({exc})",
            file=shown,
            hint="the file may be truncated; the rows before were judged",
        ) from None


def _open_lines(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        handle: IO[bytes] = gzip.open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
        return handle
    return path.open("rb")


def _json_row(number: int, raw: bytes, id_column: str, card_column: str) -> DumpRow:
    """One JSON line as a row; a line that is not a JSON object is a row with its problem."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return DumpRow(number, None, None, f"line {number} is not JSON ({exc})")
    if not isinstance(data, dict):
        return DumpRow(number, None, None, f"line {number} is not a JSON object")
    return _row(number, data.get(id_column), data.get(card_column))


def _jsonl_batches(
    path: Path, shown: str, id_column: str | None, card_column: str, batch_rows: int
) -> Iterator[RowBatch]:
    """Batches of non-blank lines; only the lines up to the first JSON object are parsed here
    (it names the columns, as a header would), the rest where the batch is judged."""
    lines: list[bytes] = []
    chosen: tuple[str, str] | None = None
    number = 0
    try:
        with _open_lines(path) as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                lines.append(raw.rstrip(b"\r\n"))
                if chosen is None:
                    data = None
                    with contextlib.suppress(ValueError):
                        data = json.loads(raw)
                    if isinstance(data, dict):
                        chosen = _columns(list(data), shown, id_column, card_column)
                if chosen is not None and len(lines) >= batch_rows:
                    yield RowBatch("jsonl", b"\n".join(lines), number, len(lines), chosen)
                    number += len(lines)
                    lines = []
    except (OSError, EOFError) as exc:  # a truncated gzip stream, an unreadable file
        raise InputError(
            f"the card dump cannot be read past row {number + len(lines)} ({exc})",
            file=shown,
            hint="the file may be truncated; the rows before were judged",
        ) from None
    if lines:
        # No JSON object at all: every line is reported as not one (the names do not matter).
        columns = chosen or (id_column or ID_COLUMNS[0], card_column)
        yield RowBatch("jsonl", b"\n".join(lines), number, len(lines), columns)


HUB = "https://huggingface.co"


def hub_card_record(card: str, repo_id: str, *, source: str) -> ModelRecord:
    """A dump row's card read as the Hub repo's: named by its repo id, downloaded from the repo's
    page and, unless the card names a publisher, supplied by the organisation the id names
    (`ORG/NAME`). What the Hub id states is stated; nothing else is filled in."""
    from licheck.inputs.hf_card import parse_card
    from licheck.inputs.hub_fetch import is_repo_id
    from licheck.records import replace

    record = parse_card(card, source=source, folder=None)
    if not is_repo_id(repo_id):
        # A legacy id without an organisation, or something that is no repo id: its name only.
        return replace(record, name=repo_id)
    release = record.release
    if release.download_location is None:
        release = replace(release, download_location=f"{HUB}/{repo_id}")
    organisation = repo_id.split("/", 1)[0]
    return replace(
        record, name=repo_id, publisher=record.publisher or organisation, release=release
    )


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """Every card of a (small) dump as records, for `licheck check cards.jsonl`; a bad row is an
    error naming it. `licheck scan` reads a dump batch by batch instead (see licheck/hub.py)."""
    records = []
    for batch in dump_rows(path, shown=context.shown):
        for row in batch:
            source = row_source(context.shown, row.number)
            if row.problem is not None or row.card is None or row.repo_id is None:
                raise InputError(row.problem or "the row has no card", file=source)
            records.append(hub_card_record(row.card, row.repo_id, source=source))
    return records
