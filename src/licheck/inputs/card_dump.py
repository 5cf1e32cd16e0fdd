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


def dump_rows(
    path: Path,
    *,
    shown: str | None = None,
    id_column: str | None = None,
    card_column: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[list[DumpRow]]:
    """The dump's rows in batches of at most `batch_rows`, in file order (memory stays flat).

    `id_column` defaults to the first of `modelId`, `id` the file has; `card_column` to
    `card`. Other columns are never read (Parquet reads only the two columns it needs).
    """
    shown = shown or str(path)
    if not path.is_file():
        raise InputError("file not found", file=shown, hint="check the path of the card dump")
    if path.name.lower().endswith(".parquet"):
        yield from _parquet_rows(path, shown, id_column, card_column or CARD_COLUMN, batch_rows)
    else:
        yield from _jsonl_rows(path, shown, id_column, card_column or CARD_COLUMN, batch_rows)


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


def _parquet_rows(
    path: Path, shown: str, id_column: str | None, card_column: str, batch_rows: int
) -> Iterator[list[DumpRow]]:
    pq = _pyarrow_parquet(path)
    try:
        table = pq.ParquetFile(path)
        names = list(table.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for a file not Parquet
        raise InputError(
            f"not a readable Parquet file ({exc})",
            file=shown,
            hint="a card dump is a Parquet file or JSON lines (.jsonl, .jsonl.gz)",
        ) from None
    id_column, card_column = _columns(names, shown, id_column, card_column)
    number = 0
    try:
        for batch in table.iter_batches(batch_size=batch_rows, columns=[id_column, card_column]):
            ids = batch.column(0).to_pylist()
            cards = batch.column(1).to_pylist()
            rows = []
            for repo_id, card in zip(ids, cards, strict=True):
                number += 1
                rows.append(_row(number, repo_id, card))
            yield rows
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


def _jsonl_rows(
    path: Path, shown: str, id_column: str | None, card_column: str, batch_rows: int
) -> Iterator[list[DumpRow]]:
    rows: list[DumpRow] = []
    chosen: tuple[str, str] | None = None
    number = 0
    try:
        with _open_lines(path) as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                number += 1
                try:
                    data = json.loads(raw)
                except ValueError as exc:
                    rows.append(DumpRow(number, None, None, f"line {number} is not JSON ({exc})"))
                    continue
                if not isinstance(data, dict):
                    rows.append(DumpRow(number, None, None, f"line {number} is not a JSON object"))
                    continue
                if chosen is None:  # the first object names the columns, as a header would
                    chosen = _columns(list(data), shown, id_column, card_column)
                rows.append(_row(number, data.get(chosen[0]), data.get(chosen[1])))
                if len(rows) >= batch_rows:
                    yield rows
                    rows = []
    except (OSError, EOFError) as exc:  # a truncated gzip stream, an unreadable file
        raise InputError(
            f"the card dump cannot be read past row {number} ({exc})",
            file=shown,
            hint="the file may be truncated; the rows before were judged",
        ) from None
    if rows:
        yield rows


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
