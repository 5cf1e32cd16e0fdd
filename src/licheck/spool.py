"""What a scan's first pass made of each chunk, kept on disk until the run's index is complete.

A scan reads every model once and judges it at once, against no index of the run: a fine-tune
may name a base that the walk has not reached yet (issue 14: a base anywhere in the tree binds
its derivatives), so a verdict can only be released once the whole tree is read. Until then the
chunk waits here, in a file of its own, in sections the later steps read apart:

- the chunk's models as bases (their same-run keys and what they declare), from which the main
  process builds the index once every chunk is in;
- each unit's results as judged without the index, with the keys its walk looked up first: a
  unit none of whose keys is in the index keeps them as they are (most units of a tree);
- the units and the records read of them, for the few judged again against the index.

So the main process holds a file name per chunk, not a unit or a model: its memory stays flat
in the size of the tree. The disk used is bounded. The results are most of it (a JSON line is
~5 KB), so past a share of the budget a chunk is kept light, without them: its models as bases
and its units, ~100 bytes a unit, judged in the second pass from a fresh read. Past the whole
budget (or when the disk refuses), a chunk waits in memory as its units, as before the spool.

Only files this run wrote are loaded (pickle), from a folder only this user can open
(tempfile.mkdtemp makes it 0700).
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
from pathlib import Path
from typing import Any

import msgspec

# Disk a run may use for its chunks, shared out between its processes: about what the JSON lines
# of 200,000 models take. The last eighth is kept for light chunks (no results).
SPOOL_BYTES = 1024 * 1024 * 1024
LIGHT_SHARE = 8

# A chunk file starts with the byte length of each of its sections (little-endian, 8 bytes).
_LENGTH = struct.Struct("<Q")


class SpooledChunk(msgspec.Struct, frozen=True):
    """A chunk kept in the spool, as the main process holds it: its file, how many units it
    holds (a pool's wait for the chunk is bounded by that count) and whether it is light (kept
    without results: its units are judged in the second pass)."""

    path: str
    units: int
    light: bool = False

    def __len__(self) -> int:
        return self.units


class SpoolWriter:
    """Writes one process's chunks to the run's spool folder, within its budget."""

    def __init__(self, folder: str, budget: int) -> None:
        self.folder = folder
        self.budget = budget
        self.written = 0

    @property
    def full(self) -> bool:
        """Whether the share of the budget for whole chunks is spent (only light ones now)."""
        return self.written >= self._limit(light=False)

    def _limit(self, *, light: bool) -> int:
        return self.budget if light else self.budget - self.budget // LIGHT_SHARE

    def write(self, sections: list[Any], *, light: bool = False) -> str | None:
        """Keep a chunk's sections in one file; its path, or None when its share of the budget
        is spent or the disk refuses (the caller then keeps the chunk lighter, or in memory).
        A `light` chunk may use the whole budget, a whole one all but the last share."""
        limit = self._limit(light=light)
        if self.written >= limit:
            return None
        data = [pickle.dumps(section, protocol=pickle.HIGHEST_PROTOCOL) for section in sections]
        size = _LENGTH.size * (len(data) + 1) + sum(len(part) for part in data)
        if self.written + size > limit:
            self.written = max(self.written, limit) if not light else self.budget
            return None
        try:
            # A name no other process of the run (nor a later one with a reused pid) can have.
            handle, path = tempfile.mkstemp(suffix=".chunk", dir=self.folder)
            with os.fdopen(handle, "wb") as file:
                file.write(_LENGTH.pack(len(data)))
                file.writelines(_LENGTH.pack(len(part)) for part in data)
                file.writelines(data)
        except OSError:
            self.written = self.budget  # a full disk: stop spooling, keep chunks in memory
            return None
        self.written += size
        return path


class SpoolError(Exception):
    """A chunk file that cannot be read back (removed, cut short, not one this run wrote)."""


class SpoolReader:
    """Reads chunks' sections back; keeps the last file read (its sections are read in turn)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._data = b""
        self._offsets: list[tuple[int, int]] = []

    def section(self, path: str, index: int) -> Any:
        """Section `index` of the chunk at `path`; SpoolError when it cannot be read."""
        if path != self._path:
            self._load(path)
        if not 0 <= index < len(self._offsets):
            raise SpoolError(f"{path} has no section {index}")
        start, end = self._offsets[index]
        try:
            return pickle.loads(memoryview(self._data)[start:end])
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise SpoolError(f"{path} cannot be read back ({exc})") from exc

    def _load(self, path: str) -> None:
        self._path, self._data, self._offsets = None, b"", []
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SpoolError(f"{path} cannot be read back ({exc.strerror or exc})") from exc
        try:
            (count,) = _LENGTH.unpack_from(data, 0)
            lengths = [_LENGTH.unpack_from(data, _LENGTH.size * (1 + i))[0] for i in range(count)]
        except struct.error as exc:
            raise SpoolError(f"{path} is cut short") from exc
        offsets, start = [], _LENGTH.size * (1 + count)
        for length in lengths:
            offsets.append((start, start + length))
            start += length
        if start != len(data):
            raise SpoolError(f"{path} is cut short or has trailing bytes")
        self._path, self._data, self._offsets = path, data, offsets
