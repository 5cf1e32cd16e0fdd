"""A card dump's first pass, kept on disk until its second: the main process's memory stays flat.

Until a dump's last row is read any row may be another's base, so what the first pass learnt
(each row's model as a base, and the bases each batch's rows name) must wait for the end. Held
in the main process it grew with the dump (~270 MB a million rows, see hub.build_graph); here
each batch is appended, as msgpack, to an anonymous temporary file (gone when it is closed or
the process ends), and read back twice: once to keep only the models some row names (the
graph), and once, batch by batch in step with the second pass, for each batch's named bases
(the part of the graph it reaches). The main process keeps the set of named bases and the
graph: they grow with the bases a dump names, not with its rows.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from types import TracebackType

import msgspec

from licheck.errors import InputError

# A row's model as a base, as small as it can travel and wait: its same-run key, its name
# (None when the key is the name), what it declares, and its own bases.
Fact = tuple[str, str | None, str | None, tuple[str, ...]]
# One batch's collected models, and the bases its rows name (as written).
Collected = tuple[list[Fact], list[str]]

_SIZE = 4  # bytes of a record's length, before it


class FirstPassSpill:
    """The first pass's batches, in order, on disk: `add` each, then iterate (as often as
    needed, each iteration from the start)."""

    def __init__(self) -> None:
        # Open for the spill's life, closed by `close` (its owner's `with` or finally).
        self._file = tempfile.TemporaryFile(prefix="licheck-dump-")  # noqa: SIM115
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(Collected)
        self.batches = 0

    def add(self, batch: Collected) -> None:
        """Append one batch (a full disk is exit 2, naming where the file was)."""
        data = self._encoder.encode(batch)
        try:
            self._file.write(len(data).to_bytes(_SIZE, "little"))
            self._file.write(data)
        except OSError as exc:
            raise InputError(
                f"cannot write the dump's first pass to a temporary file ({exc.strerror})",
                file=tempfile.gettempdir(),
                hint="free some space there, or set TMPDIR to a folder with room "
                "(about 100 bytes a row)",
            ) from None
        self.batches += 1

    def __iter__(self) -> Iterator[Collected]:
        self._file.flush()
        descriptor, offset = self._file.fileno(), 0
        while True:
            head = os.pread(descriptor, _SIZE, offset)
            if len(head) < _SIZE:
                return
            size = int.from_bytes(head, "little")
            yield self._decoder.decode(os.pread(descriptor, size, offset + _SIZE))
            offset += _SIZE + size

    def close(self) -> None:
        """Remove the file (closing an anonymous temporary file deletes it)."""
        self._file.close()

    def __enter__(self) -> FirstPassSpill:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
