"""The one guarded opener: every file licheck reads from a tree goes through `read_regular`.

A path from a stranger's repository may be swapped for a FIFO or a device after it was listed
(a FIFO blocks `open()` until a writer comes; a device may never end). Checking with `stat()`
first and opening after leaves that window open, so the file is opened non-blocking, checked
with `fstat()` on the open descriptor (the very file that will be read), and read with a size
bound. What is not a regular file is refused with an error the user can act on.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from licheck.errors import InputError

# O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking forever;
# O_NOCTTY: a terminal device never becomes our controlling terminal.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_regular(
    path: Path,
    *,
    limit: int,
    shown: str,
    what: str = "the file",
    head: bool = False,
    not_regular_hint: str = "give a file or a folder path",
) -> bytes:
    """The bytes of a regular file (at most `limit`; with `head`, its first `limit` bytes).

    Without `head`, a file larger than `limit` is refused rather than cut, so that no text is
    judged on a part of it. With `head`, fewer than `limit` bytes means the whole file was read
    (the read met its end, or had every byte fstat counted): a caller may hand them on instead
    of reading the file again.
    """
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=shown, hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", file=shown) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{what} is not a regular file", file=shown, hint=not_regular_hint)
        if not head and info.st_size > limit:
            raise InputError(
                f"{what} is too large ({info.st_size:,} bytes; the limit is {limit:,})",
                file=shown,
                hint="licheck reads model metadata and license texts, not data files",
            )
        # A regular file never blocks; clear O_NONBLOCK anyway so reads behave normally.
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        remaining = limit if head else limit + 1
        # A head read stops once the bytes fstat counted are in: the read that would only find
        # the end is skipped (scan's look at a card is one read, not two). A size of 0 proves
        # nothing (procfs files say 0 and hold text): those are read to their end. A whole
        # read goes on to the end, so that a file grown past the limit since is refused.
        expected = info.st_size if head else -1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            expected -= len(chunk)
            if expected == 0:
                break
        data = b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", file=shown) from exc
    finally:
        os.close(fd)
    if not head and len(data) > limit:  # it grew after fstat
        raise InputError(
            f"{what} is too large (the limit is {limit:,} bytes)",
            file=shown,
            hint="licheck reads model metadata and license texts, not data files",
        )
    return data
