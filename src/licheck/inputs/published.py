"""The files of a model folder that its licenses' obligations are checked against.

A publisher meets a license's duties with files: a LICENSE copy, a Notice file, the card's
words. This reads them (top level of the folder only, each through the guarded opener, size
bounded) so that the engine can check them without reading anything itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from licheck.errors import InputError
from licheck.inputs.guarded import read_regular
from licheck.inputs.layout import license_role
from licheck.records import ModelRecord, ShippedFile

MAX_FILE_BYTES = 2 * 1024 * 1024
_CARDS = ("readme.md", "model.yaml")


def _role(name: str) -> str | None:
    lowered = name.lower()
    if lowered in _CARDS:
        return "card"
    if Path(lowered).stem == "notice" or lowered.startswith("notice"):
        return "notice"
    if license_role(name) is not None:
        return "license"
    return None


def model_folder(record: ModelRecord) -> Path:
    """The folder a record's files live in (a folder source is its own)."""
    path = Path(record.source)
    return path if path.is_dir() else path.parent


def published_files(record: ModelRecord) -> tuple[tuple[ShippedFile, ...], tuple[str, ...]]:
    """The card, Notice and license files of a record's folder, and the ones that could not
    be read (an unread file can show nothing, so the engine reports what it would have held
    as unknown rather than unmet)."""
    folder = model_folder(record)
    files: list[ShippedFile] = []
    unread: list[str] = []
    seen: set[str] = set()
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
        unread.append(str(folder))
    for name in names:
        role = _role(name)
        if role is None:
            continue
        path = folder / name
        shown = os.path.normpath(str(path))
        try:
            data = read_regular(path, limit=MAX_FILE_BYTES, shown=shown, what="the file")
        except InputError:
            if not path.is_dir():
                unread.append(shown)
            continue
        seen.add(os.path.realpath(path))
        files.append(ShippedFile(shown, data.decode("utf-8", errors="replace"), role))
    for text in record.license_texts:  # a license_link outside the folder's top level
        if os.path.realpath(text.path) not in seen:
            files.append(ShippedFile(text.path, text.text, "license"))
    return tuple(files), tuple(unread)
