"""A bare license text (`licheck LICENSE`): a record whose only evidence is the text itself."""

from __future__ import annotations

from pathlib import Path

from licheck.inputs.paths import MAX_LICENSE_BYTES
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.yamlfile import read_text_file
from licheck.records import LicenseText, ModelRecord

FORMAT = "license-text"


def load_license_text(path: Path, *, shown: str) -> ModelRecord:
    """Read a license file; the engine identifies and judges its text."""
    text = read_text_file(path, what="license file", max_bytes=MAX_LICENSE_BYTES, shown=shown)
    return ModelRecord(
        source=shown,
        format=FORMAT,
        name=path.name,
        license=None,
        license_texts=(LicenseText(path=shown, text=text),),
    )


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_license_text(path, shown=context.shown)]
