"""Inputs: each module turns one kind of file users have into ModelRecords.

`load_path` picks the reader from the file's content (inputs/detect.py), or the one the user
forces with `--input-format`, so `licheck FILE` works on whatever the user points it at: a
model.yaml, a Hugging Face model card, a model folder, a Model Openness Tool file, an SPDX 2.3
or 3.0 document, a CycloneDX ML-BOM or a bare license text. Readers are imported only when
chosen (spdx-tools alone costs ~0.8 s).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from licheck.errors import InputError
from licheck.records import ModelRecord

SPDX2_FORMATS = ("spdx-json", "spdx-tag-value", "spdx-yaml", "spdx-xml", "spdx-rdf")


@dataclass(frozen=True)
class InputOptions:
    """How inputs may be read: `allow_outside` lets license paths leave the model's folder,
    `online` lets a card's license_link URL be fetched, `skip_non_models` drops files that only
    look like inputs (a README without front matter, for the pre-commit hook)."""

    allow_outside: bool = False
    online: bool = False
    input_format: str | None = None
    skip_non_models: bool = False


def shown_path(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when given so."""
    return str(path) if path.is_absolute() else os.path.relpath(path)


def load_path(path: Path, options: InputOptions | None = None) -> list[ModelRecord]:
    """The models described by one path, read with the reader its content calls for."""
    from licheck.inputs.detect import FORMATS, has_front_matter, read_head, sniff

    options = options or InputOptions()
    shown = shown_path(path)
    if not path.exists() and not path.is_symlink():
        raise InputError("file not found", file=shown, hint="check the path")
    if options.input_format is not None and options.input_format not in FORMATS:
        raise InputError(
            f"unknown input format '{options.input_format}'",
            hint=f"choose one of {', '.join(FORMATS)}",
        )
    kind = options.input_format or sniff(path, shown=shown)
    if kind == "folder":
        if not path.is_dir():
            raise InputError("not a folder", file=shown, hint="drop --input-format folder")
        from licheck.inputs.folder import load_folder

        return load_folder(path, allow_outside=options.allow_outside, online=options.online)
    if path.is_dir():
        raise InputError(f"is a folder, not a {kind} file", file=shown)
    if kind == "model-yaml":
        from licheck.inputs.model_yaml import load_model_yaml

        return [load_model_yaml(path, shown=shown, allow_outside=options.allow_outside)]
    if kind == "hf-card":
        if options.skip_non_models and not has_front_matter(
            read_head(path, shown=shown).decode("utf-8", errors="replace")
        ):
            return []  # a README that is no model card: nothing to check
        from licheck.inputs.hf_card import load_card

        return [
            load_card(path, shown=shown, allow_outside=options.allow_outside, online=options.online)
        ]
    if kind == "mot":
        from licheck.inputs.mot import load_mot

        return [load_mot(path, shown=shown)]
    if kind in SPDX2_FORMATS:
        from licheck.inputs.spdx2 import load_spdx

        return load_spdx(path, shown=shown)
    if kind == "spdx3-jsonld":
        from licheck.inputs.spdx3 import load_spdx3

        return load_spdx3(path, shown=shown)
    if kind == "cyclonedx-json":
        from licheck.inputs.cyclonedx import load_cyclonedx

        return load_cyclonedx(path, shown=shown)
    from licheck.inputs.license_text import load_license_text

    return [load_license_text(path, shown=shown)]
