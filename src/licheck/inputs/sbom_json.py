"""What every SBOM reader shares: bounded reading, JSON with the line of each key, model purls.

A report points at the line that declares a license (SARIF and GitHub annotations need it), and
the standard JSON parser keeps no positions, so the SBOM readers find each key's line here.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from licheck.errors import InputError

FORMAT = "spdx"
FORMAT_3 = "spdx3"
# SBOMs of whole products run to megabytes; past this they are not a model's metadata.
MAX_SBOM_BYTES = 64 * 1024 * 1024

# Package URL types that name a machine-learning model (purl-spec: huggingface, mlflow).
_MODEL_PURL = re.compile(r"^pkg:(huggingface|mlflow)/", re.IGNORECASE)
_HF_MODEL_URL = re.compile(r"^https?://(www\.)?huggingface\.co/(?!datasets/|spaces/)", re.I)
_LICENSE_REF = re.compile(r"(?:DocumentRef-[\w.\-]+:)?LicenseRef-[\w.\-]+")


def read_sbom_bytes(path: Path, *, shown: str, what: str) -> bytes:
    """The raw bytes of an SBOM, refusing what is missing, not a file or too large."""
    try:
        if not path.is_file():
            raise InputError(
                f"{what} not found" if not path.exists() else f"{what} is not a regular file",
                file=shown,
                hint="check the path",
            )
        size = path.stat().st_size
        if size > MAX_SBOM_BYTES:
            raise InputError(
                f"{what} is too large ({size:,} bytes; the limit is {MAX_SBOM_BYTES:,})",
                file=shown,
                hint="split the SBOM, or give licheck the part that describes the model",
            )
        from licheck.inputs.guarded import read_regular

        return read_regular(path, limit=MAX_SBOM_BYTES, shown=shown, what=what)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", file=shown) from exc


# --- JSON with lines -------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def json_key_lines(text: str, wanted: Iterable[str]) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every key named in `wanted`, by its path in the document.

    Python's json module forgets positions, and a report must point at the line that declares
    a license. This second pass over already-validated JSON walks the tokens and records, for
    example, `("packages", 3, "licenseDeclared") -> 41`. Only wanted keys are kept, so the
    table stays small on large SBOMs.
    """
    keys = set(wanted)
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[tuple[str | int, ...], int] = {}
    # Each frame: [is_object, key or index, expecting a key]
    stack: list[list[Any]] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        top = stack[-1] if stack else None
        if first == "{":
            stack.append([True, None, True])
        elif first == "[":
            stack.append([False, 0, False])
        elif first in "}]":
            if stack:
                stack.pop()
        elif first == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                else:
                    top[1] += 1
        elif first == ":":
            if top is not None:
                top[2] = False
        elif first == '"' and top is not None and top[0] and top[2]:
            key = json.loads(token) if "\\" in token else token[1:-1]
            top[1] = key
            if key in keys:
                path = tuple(frame[1] for frame in stack)
                lines[path] = bisect.bisect_right(newlines, match.start()) + 1
    return lines


def parse_json(text: str, *, shown: str, what: str) -> Any:
    """json.loads with the error located at the line and column JSON says."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} is not valid JSON: {exc.msg}",
            file=shown,
            line=exc.lineno,
            column=exc.colno,
            hint="check the brackets and commas around that position",
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{what} nests too deeply to be read", file=shown) from exc
