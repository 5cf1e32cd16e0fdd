"""`--format parquet`: the results as a Parquet table, one row per model, for a whole-Hub audit.

Two million JSON lines are a poor thing to query; a Parquet file opens in DuckDB, pandas or
Spark as it is. Each row is made from the subject's JSON contract (`subject_to_dict`, what a
JSON line holds), so the two outputs cannot disagree: the model's id and source, its outcome,
what it declares, every license that applies to it (inherited ones included, with the base
they come from), the failing OSD criteria, the laundering chain, the openness verdicts and the
findings. The run's summary line rides in the file's key-value metadata (`licheck.summary`),
so a partial file (Ctrl-C) says that it is one.

A binary format has no text rendering: `render` refuses, and the CLI refuses stdout before a
run starts. Rows are handed back in batches (`ParquetRows`) for the caller to write as they
come, so memory stays flat however many models there are. pyarrow is imported only here
(the `hub` extra).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.json_format import SCHEMA_VERSION, subject_to_dict
from licheck.formats.sanitise import utf8_text
from licheck.records import Report

BATCH_ROWS = 2048
SUMMARY_KEY = b"licheck.summary"
EXTRA = 'pip install ".[hub]" (pyarrow)'


def schema() -> Any:
    """The table's columns (schema_version 1 of the Parquet output)."""
    import pyarrow as pa

    text_list = pa.list_(pa.string())
    return pa.schema(
        [
            ("schema_version", pa.int32()),
            ("id", pa.string()),
            ("source", pa.string()),
            ("outcome", pa.string()),
            ("passed", pa.bool_()),
            ("declared", pa.string()),
            ("declared_licenses", text_list),
            ("effective_licenses", text_list),
            (
                "licenses",
                pa.list_(
                    pa.struct(
                        [
                            ("license", pa.string()),
                            ("verdict", pa.string()),
                            ("inherited_from", pa.string()),
                        ]
                    )
                ),
            ),
            ("failing_criteria", text_list),
            ("laundering_chain", pa.string()),
            ("osaid", pa.string()),
            ("mof_class", pa.string()),
            ("findings", text_list),
        ]
    )


def row_of(subject: dict[str, Any]) -> dict[str, Any]:
    """One model's row, from its JSON contract (a `subject_to_dict` dict or a JSON line).

    The values are the data, exactly (as JSON's are); only a lone surrogate, which UTF-8 cannot
    carry, becomes U+FFFD (`sanitise.utf8_text`): a reader escapes for its own output.
    """
    row: dict[str, Any] = _clean(_row(subject))
    return row


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return utf8_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _row(subject: dict[str, Any]) -> dict[str, Any]:
    licenses = subject.get("licenses") or []
    violations = subject.get("violations") or []
    openness = subject.get("openness") or {}
    unreadable = subject.get("format") == "unreadable"
    chains = [v["message"] for v in violations if v.get("rule") == "inherited-license"]
    mof = openness.get("mof_class")
    return {
        "schema_version": SCHEMA_VERSION,
        "id": subject.get("name"),
        "source": subject.get("source"),
        "outcome": "unreadable" if unreadable else "pass" if subject.get("passed") else "fail",
        "passed": bool(subject.get("passed")),
        "declared": subject.get("expression"),
        "declared_licenses": [_license(r) for r in licenses if r.get("inherited_from") is None],
        "effective_licenses": _unique(_license(r) for r in licenses),
        "licenses": [
            {
                "license": _license(r),
                "verdict": r.get("verdict"),
                "inherited_from": r.get("inherited_from"),
            }
            for r in licenses
        ],
        "failing_criteria": sorted({c for r in licenses for c in r.get("failing") or ()}),
        "laundering_chain": "; ".join(chains) if chains else None,
        "osaid": openness.get("osaid"),
        "mof_class": None if mof is None else str(mof),
        "findings": [f"{v.get('rule')}: {v.get('message')}" for v in violations],
    }


def _license(result: dict[str, Any]) -> str:
    return str(result.get("id") or result.get("declared") or "")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class ParquetRows:
    """Rows gathered into tables of `BATCH_ROWS`, for a writer to append as they fill."""

    def __init__(self, batch_rows: int | None = None) -> None:
        self.batch_rows = batch_rows or BATCH_ROWS
        self._rows: list[dict[str, Any]] = []
        self.schema = schema()

    def add(self, subject: dict[str, Any]) -> Any | None:
        """Add one model; a full batch comes back as a pyarrow Table to write."""
        self._rows.append(row_of(subject))
        if len(self._rows) >= self.batch_rows:
            return self.flush()
        return None

    def add_line(self, line: str) -> Any | None:
        """Add one model from its JSON line (what a scan's workers send)."""
        return self.add(json.loads(line))

    def flush(self) -> Any | None:
        """The rows not yet handed back, as a Table (None when there are none)."""
        if not self._rows:
            return None
        import pyarrow as pa

        table = pa.Table.from_pylist(self._rows, schema=self.schema)
        self._rows = []
        return table


def tables(report: Report, batch_rows: int | None = None) -> Iterable[Any]:
    """A whole report's rows as Tables (for `licheck check` and a folder scan)."""
    rows = ParquetRows(batch_rows)
    for subject in report.subjects:
        table = rows.add(subject_to_dict(subject))
        if table is not None:
            yield table
    last = rows.flush()
    if last is not None:
        yield last


def render(report: Report, options: RenderOptions) -> str:
    """A binary format has no text form: the CLI writes it to a file (`-o FILE`)."""
    raise ValueError("the parquet format is binary: write it with -o FILE")
