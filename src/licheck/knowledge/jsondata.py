"""The knowledge base's own JSON files, decoded by msgspec's C decoder.

Every run reads some of them (the alias index, the profile store, the fingerprints' metadata)
before its first verdict. msgspec is already loaded for the records; decoding with it is 2-3x
faster than `json.loads` and spares a cold start the `json` package's import (issue 17). The
values are the same plain dicts, lists, strings and numbers `json.loads` gives (a test compares
both on every shipped file). A file that is no JSON raises ValueError, as `json.loads` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec


def decode(data: bytes | str) -> Any:
    """A JSON document's value; ValueError (naming where it breaks) when it is not JSON."""
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise ValueError(str(exc)) from exc


def read(path: Path) -> Any:
    """The value of a JSON file (OSError when it cannot be read)."""
    return decode(path.read_bytes())
