"""The license profiles compiled at build time, so that a run reads them without parsing YAML.

Parsing one profile's YAML costs about half a millisecond; a run over a corpus of texts meets a
hundred profiles or more, in every worker process. `python -m licheck.knowledge.catalog` writes
`licenses/profiles.jsonl` beside index.json: its first line maps each profile file to the length
and CRC-32 of its YAML text and where its data's line starts and ends after that first line;
each further line is one profile's data as JSON, a date as {"$date": "YYYY-MM-DD"} (the one YAML
type in profiles JSON lacks). A reader seeks to the one line it needs, so a run that needs one
profile pays for one line.

The YAML stays the source of truth: an entry is used only when the profile's text has the
recorded length and CRC-32 (else the caller parses the YAML, with the same result), and a test
fails when the shipped file is stale. CRC-32, not SHA-256: the check guards against an edit
made without re-running the build (which a CRC catches but for one chance in four billion),
not against an attacker, who could rewrite the store as easily as the YAML; and hashlib's
OpenSSL start-up cost a one-model check more than every profile it reads (issue 17).
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from licheck.errors import KnowledgeBaseError
from licheck.knowledge import jsondata

STORE_NAME = "profiles.jsonl"
STORE_SCHEMA_VERSION = 2  # 2: CRC-32 digests (1 held SHA-256s)
_DATE = "$date"


def digest(text: str) -> str:
    """What an entry records of its profile's YAML text: its length and CRC-32."""
    data = text.encode("utf-8")
    return f"{len(data)}:{zlib.crc32(data):08x}"


def _encode(value: Any, where: str) -> Any:
    """Profile data as JSON holds it; refuses what JSON would change (data must round-trip)."""
    if isinstance(value, dict):
        if _DATE in value:
            raise KnowledgeBaseError(f"key '{_DATE}' is reserved", file=where)
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise KnowledgeBaseError(f"key {key!r} must be text", file=where)
            encoded[key] = _encode(item, where)
        return encoded
    if isinstance(value, list):
        return [_encode(item, where) for item in value]
    if isinstance(value, datetime):
        raise KnowledgeBaseError(f"{value} must be a date without a time", file=where)
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise KnowledgeBaseError(f"value {value!r} must be text, a number or a date", file=where)


def _dates(value: Any) -> Any:
    """The data with each `{"$date": "YYYY-MM-DD"}` object back to a date, at any depth (what
    the object_hook the store was decoded with did for every object)."""
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and _DATE in value and isinstance(value[_DATE], str):
            return date.fromisoformat(value[_DATE])
        return {key: _dates(item) for key, item in value.items()}
    return value


def render_store(profiles: list[tuple[str, str, Any]]) -> bytes:
    """profiles.jsonl for (file name, YAML text, parsed YAML data) of every profile, sorted by
    file name so that a diff shows what changed."""
    import json  # build time only: a run reads these files with jsondata

    lines: list[bytes] = []
    files: dict[str, list[Any]] = {}
    offset = 0
    for name, text, data in sorted(profiles, key=lambda p: p[0]):
        line = json.dumps(_encode(data, name), sort_keys=True, ensure_ascii=False).encode()
        files[name] = [digest(text), offset, offset + len(line)]
        lines.append(line + b"\n")
        offset += len(line) + 1
    header = {"schema_version": STORE_SCHEMA_VERSION, "files": files}
    head = json.dumps(header, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    return head + b"".join(lines)


class ProfileStore:
    """The compiled profiles of one knowledge-base folder, read one line at a time."""

    def __init__(self, kb_dir: Path) -> None:
        self.path = kb_dir / STORE_NAME
        self._files: dict[str, Any] | None = None
        self._body = 0

    def _header(self) -> dict[str, Any]:
        if self._files is None:
            self._files = {}
            try:
                with self.path.open("rb") as handle:
                    head = handle.readline()
                header = jsondata.decode(head)
            except (OSError, ValueError):
                return self._files  # no store: every profile is parsed from its YAML
            if isinstance(header, dict) and header.get("schema_version") == STORE_SCHEMA_VERSION:
                self._files = header.get("files") or {}
                self._body = len(head)
        return self._files

    def data(self, name: str, text: str) -> Any | None:
        """The compiled data of a profile file, or None when the store has no entry compiled
        from this very text (a stale, missing or unreadable entry)."""
        entry = self._header().get(name)
        if not isinstance(entry, list) or len(entry) != 3 or entry[0] != digest(text):
            return None
        start, end = entry[1], entry[2]
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._body + start)
                line = handle.read(end - start)
            return _dates(jsondata.decode(line))
        except (OSError, ValueError):
            return None
