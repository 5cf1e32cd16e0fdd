"""Reading the files an input points at, without leaving the model's folder.

A model card from a stranger may name `../../etc/passwd` or a symlink out of the repository as
its license file; licheck runs inside CI runners that hold secrets, so such paths are refused
unless the user asks for them (`--allow-outside`). FIFOs and devices are never read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from licheck.errors import InputError
from licheck.inputs.yamlfile import decode_text
from licheck.records import LicenseText

MAX_LICENSE_BYTES = 2 * 1024 * 1024


def read_license_file(
    name: str, folder: Path, source: str, line: int | None, allow_outside: bool
) -> LicenseText:
    """Read the license text `name` (relative to `folder`) that `source` declares on `line`."""
    if "\x00" in name:
        raise InputError(
            "license_file holds a NUL character", file=source, line=line, hint="fix the file name"
        )
    if "://" in name:
        raise InputError(
            f"license_file '{name}' is a URL; licheck does not fetch URLs",
            file=source,
            line=line,
            hint="download the license text next to the model file and name it here",
        )
    candidate = Path(name)
    path = candidate if candidate.is_absolute() else folder / candidate
    shown = os.path.relpath(path) if not candidate.is_absolute() else name
    if not allow_outside:
        try:
            resolved = path.resolve(strict=False)
            inside = resolved.is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
            inside = False
        if candidate.is_absolute() or not inside:
            raise InputError(
                f"license_file '{name}' points outside the model's folder",
                file=source,
                line=line,
                hint="keep license files beside the model file, or pass --allow-outside",
            )
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(
            f"license_file '{name}' not found",
            file=source,
            line=line,
            hint=f"looked for {shown}; paths are relative to the model file",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read license_file '{name}': {exc.strerror or exc}", file=source, line=line
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"license_file '{name}' is not a regular file", file=source, line=line)
    if info.st_size > MAX_LICENSE_BYTES:
        raise InputError(
            f"license_file '{name}' is too large ({info.st_size:,} bytes; the limit is "
            f"{MAX_LICENSE_BYTES:,})",
            file=source,
            line=line,
            hint="a license text is a few hundred KB at most; check that the right file is named",
        )
    from licheck.inputs.guarded import read_regular

    try:
        data = read_regular(path, limit=MAX_LICENSE_BYTES, shown=source, what=f"'{name}'")
    except InputError as exc:
        raise InputError(
            f"license_file {exc.message}", file=source, line=line, hint=exc.hint
        ) from exc
    return LicenseText(
        path=shown, text=decode_text(data, shown, "license file"), declared_line=line
    )
