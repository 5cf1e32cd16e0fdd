"""Inputs: each module turns one kind of file users have into ModelRecords.

`load_path` picks the reader from the file's content (inputs/detect.py), or the one the user
forces with `--input-format`, so `licheck FILE` works on whatever the user points it at: a
model.yaml, a Hugging Face model card, a model folder, a Model Openness Tool file, an SPDX 2.3
or 3.0 document, a CycloneDX ML-BOM or a bare license text. Readers are imported only when
chosen (spdx-tools alone costs ~0.8 s).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from licheck.errors import InputError
from licheck.inputs.registry import InputOptions as InputOptions

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog
    from licheck.records import ModelRecord


def shown_path(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when given so."""
    return str(path) if path.is_absolute() else os.path.relpath(path)


def load_path(
    path: Path,
    options: InputOptions | None = None,
    catalog: Catalog | None = None,
    *,
    kind: str | None = None,
    content: bytes | None = None,
) -> list[ModelRecord]:
    """The models described by one path, read with the reader its content calls for.

    `catalog` is the run's (MOT files name licenses in free text, resolved with it). `kind` is
    the format a caller already detected from this file's head (scan's look at a loose file),
    so that the head is not read and judged twice; `--input-format` still comes first.
    `content` is the whole file when that caller's read of the head met its end (ReadContext).
    """
    import importlib

    from licheck.inputs.detect import sniff
    from licheck.inputs.registry import INPUT_FORMATS, READER_BY_NAME, ReadContext

    options = options or InputOptions()
    shown = shown_path(path)
    if content is None and not path.exists() and not path.is_symlink():
        raise InputError("file not found", file=shown, hint="check the path")
    if options.input_format is not None and options.input_format not in READER_BY_NAME:
        raise InputError(
            f"unknown input format '{options.input_format}'",
            hint=f"choose one of {', '.join(INPUT_FORMATS)}",
        )
    kind = options.input_format or kind or sniff(path, shown=shown)
    reader = importlib.import_module(READER_BY_NAME[kind].module)
    context = ReadContext(shown, options, kind, catalog, content)
    records: list[ModelRecord] = reader.read(path, context)
    return records
