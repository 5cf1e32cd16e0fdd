"""Inputs: each module turns one kind of file users have into ModelRecords.

`load_path` picks the reader from the file's content and name, so `licheck FILE` works on
whatever the user points it at.
"""

from __future__ import annotations

import os
from pathlib import Path

from licheck.errors import InputError
from licheck.model import ModelRecord


def load_path(path: Path, *, allow_outside: bool = False) -> list[ModelRecord]:
    """The models described by one path: a model.yaml file or a license text."""
    shown = os.path.relpath(path) if not path.is_absolute() else str(path)
    if path.is_dir():
        candidate = path / "model.yaml"
        if candidate.is_file():
            return load_path(candidate, allow_outside=allow_outside)
        raise InputError(
            "no model.yaml in this folder",
            file=shown,
            hint="point licheck at a model.yaml file or a license text",
        )
    if not path.exists():
        raise InputError("file not found", file=shown, hint="check the path")
    if path.suffix.lower() in (".yaml", ".yml"):
        from licheck.inputs.model_yaml import load_model_yaml

        return [load_model_yaml(path, shown=shown, allow_outside=allow_outside)]
    from licheck.inputs.license_text import load_license_text

    return [load_license_text(path, shown=shown)]
