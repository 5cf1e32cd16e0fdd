"""What a scan's first pass read, kept on disk for its second: each card is parsed once.

A scan reads every model twice: first for the run's index of bases (issue 14: a fine-tune
inherits from a base anywhere in the tree), then to judge it. Parsing a card is most of what
a scan does per model, so the first pass writes the records it parsed to a private temporary
folder, a file per chunk, and the second pass judges those records instead of parsing the
file again: the same bytes, read once. Memory stays flat (the records wait on disk, not in the
main process), and the disk used is bounded: past the budget, a unit is read again as before.

Only files this run wrote are loaded (pickle), from a folder only this user can open
(tempfile.mkdtemp makes it 0700).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from licheck.records import ModelRecord

if TYPE_CHECKING:
    from licheck.engine.judgment import RunPlace

# A unit's models as the first pass read them, each with where it stands in the run.
Spooled = list[tuple[ModelRecord, "RunPlace"]]

# Disk a run may use for its records, shared out between its processes.
SPOOL_BYTES = 512 * 1024 * 1024


class SpoolWriter:
    """Writes one process's chunks of records to the run's spool folder, within its budget."""

    def __init__(self, folder: str, budget: int) -> None:
        self.folder = folder
        self.budget = budget
        self.written = 0

    def write(self, chunk: list[Spooled]) -> str | None:
        """Keep a chunk's records (a list per unit); the file's path, or None when the budget
        is spent or the disk refuses (the second pass then reads those units again)."""
        if self.written >= self.budget:
            return None
        data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        if self.written + len(data) > self.budget:
            self.written = self.budget
            return None
        try:
            # A name no other process of the run (nor a later one with a reused pid) can have.
            handle, path = tempfile.mkstemp(suffix=".pickle", dir=self.folder)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        except OSError:
            self.written = self.budget  # a full disk: stop spooling, read again instead
            return None
        self.written += len(data)
        return path


class SpoolReader:
    """Reads spooled records back; keeps the last file read (a second-pass chunk mostly falls
    in one or two first-pass chunks, in the same order)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._chunk: list[Spooled] = []

    def records(self, path: str, position: int) -> Spooled | None:
        """The records of the unit at `position` of the chunk at `path`; None when the file
        cannot be read (the caller reads the unit again)."""
        if path != self._path:
            try:
                chunk = pickle.loads(Path(path).read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError):
                return None
            self._path, self._chunk = path, chunk
        if not 0 <= position < len(self._chunk):
            return None
        return list(self._chunk[position])
