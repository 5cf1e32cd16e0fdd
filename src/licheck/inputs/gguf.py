"""A GGUF weights file (`licheck model.gguf`): the license its metadata header declares.

llama.cpp, LM Studio and Ollama deploy models as GGUF files, often with no card beside them;
the converter writes the card's licensing into the header (`general.license`, an SPDX
expression, `general.license.name`/`.link`, `general.base_model.N.*`, `general.source.*`).

Only the header is read, never the tensors, and every length in it is bounded: a file from a
stranger may claim a 2^60-byte string or 10^12 array entries. The file is memory-mapped, so a
100 GB model costs what its header costs (benchmarks/weights.py). We do not use gguf-py's
`GGUFReader`: it maps and decodes the whole file, every tensor info and every tokenizer entry
with no bound (3.2 s for a 128k-token vocabulary, measured), where this reader skips what is
not `general.*` or `split.*` in milliseconds. The value types are the GGUF spec's (v2, v3), the
ones gguf-py's `GGUFValueType` names; a test checks that the two agree.

Split models (`name-00001-of-00003.gguf`) are one model: the first part holds the metadata.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.weights import base_model_id, license_from_metadata, split_part
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord

FORMAT = "gguf"
MAGIC = b"GGUF"
VERSIONS = (2, 3)
# The metadata (key/value) section must end within this many bytes of the file's start: real
# headers, tokenizer included, are a few MB (a 256k-token vocabulary is ~6 MB).
MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_KV_COUNT = 65_536
# Values licheck keeps (general.*): longer strings are not licenses or names.
MAX_KEPT_STRING = 64 * 1024
MAX_KEPT_ARRAY = 1_024
MAX_ARRAY_DEPTH = 4
KEPT_PREFIXES = ("general.", "split.")

# GGUF value types (spec; gguf-py GGUFValueType): id -> struct code, or None for string/array.
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL = range(8)
STRING, ARRAY, UINT64, INT64, FLOAT64 = range(8, 13)
SCALARS: dict[int, str] = {
    UINT8: "B",
    INT8: "b",
    UINT16: "H",
    INT16: "h",
    UINT32: "I",
    INT32: "i",
    FLOAT32: "f",
    BOOL: "?",
    UINT64: "Q",
    INT64: "q",
    FLOAT64: "d",
}


@dataclass
class GGUFHeader:
    """What the header holds that licheck needs: version, tensor count, `general.*` values."""

    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)


class _Cursor:
    """Reads little- or big-endian values from a mapped file, never past `limit`."""

    def __init__(self, data: mmap.mmap | bytes, size: int, shown: str, order: str) -> None:
        self.data = data
        self.size = size
        self.limit = min(size, MAX_HEADER_BYTES)
        self.shown = shown
        self.order = order
        self.pos = 0

    def need(self, count: int) -> None:
        if count < 0 or self.pos + count > self.limit:
            if self.pos + count > self.size:
                raise InputError(
                    "the GGUF header is truncated or its lengths are wrong",
                    file=self.shown,
                    hint="the file is damaged or not a GGUF file; download it again",
                )
            raise InputError(
                f"the GGUF metadata header is larger than {MAX_HEADER_BYTES // 2**20} MiB",
                file=self.shown,
                hint="real headers are a few MB; this file's lengths cannot be trusted",
            )

    def scalar(self, code: str) -> Any:
        width = struct.calcsize(code)
        self.need(width)
        (value,) = struct.unpack_from(self.order + code, self.data, self.pos)
        self.pos += width
        return value

    def string(self, keep: bool) -> str | None:
        length = self.scalar("Q")
        self.need(length)
        start, self.pos = self.pos, self.pos + length
        if not keep or length > MAX_KEPT_STRING:
            return None
        return bytes(self.data[start : self.pos]).decode("utf-8", errors="replace")

    def value(self, kind: int, keep: bool, depth: int = 0) -> Any:
        if kind in SCALARS:
            return self.scalar(SCALARS[kind])
        if kind == STRING:
            return self.string(keep)
        if kind != ARRAY or depth >= MAX_ARRAY_DEPTH:
            raise InputError(
                f"the GGUF header holds an unknown value type ({kind})",
                file=self.shown,
                hint="licheck reads GGUF versions 2 and 3; the file may be damaged",
            )
        item = self.scalar("I")
        count = self.scalar("Q")
        # Every entry takes at least one byte: a count beyond what is left is a lie.
        self.need(count)
        if item in SCALARS:
            width = struct.calcsize(SCALARS[item])
            self.need(count * width)
            start, self.pos = self.pos, self.pos + count * width
            if keep and count <= MAX_KEPT_ARRAY:
                code = f"{self.order}{count}{SCALARS[item]}"
                return list(struct.unpack_from(code, self.data, start))
            return None
        if item == STRING:
            self.need(count * 8)  # each string is at least its 8-byte length
        keep_items = keep and count <= MAX_KEPT_ARRAY
        if item == STRING and not keep_items:
            self._skip_strings(count)
            return None
        if not keep_items:
            for _ in range(count):
                self.value(item, False, depth + 1)
            return None
        return [self.value(item, True, depth + 1) for _ in range(count)]

    def _skip_strings(self, count: int) -> None:
        """Skip `count` strings (a tokenizer's vocabulary) without decoding any: the hot loop
        of a real header, kept tight; every length is checked against the limit."""
        unpack = struct.Struct(self.order + "Q").unpack_from
        data, pos, limit = self.data, self.pos, self.limit - 8
        for _ in range(count):
            if pos > limit:
                break
            pos += 8 + unpack(data, pos)[0]
        else:
            if pos <= self.limit:
                self.pos = pos
                return
        self.pos = pos
        self.need(8)  # past the limit: says whether the file is truncated or too large


def _byte_order(head: bytes, shown: str) -> str:
    if len(head) < 24 or head[:4] != MAGIC:
        raise InputError(
            "not a GGUF file (no GGUF magic bytes)",
            file=shown,
            hint="give a .gguf file, or --input-format for another reader",
        )
    (little,) = struct.unpack_from("<I", head, 4)
    if little in VERSIONS:
        return "<"
    (big,) = struct.unpack_from(">I", head, 4)
    if big in VERSIONS:
        return ">"
    version = little if little < 2**16 else big
    raise InputError(
        f"GGUF version {version} is not supported",
        file=shown,
        hint="licheck reads GGUF versions 2 and 3 (version 1 predates general.license); "
        "convert the model again with a current llama.cpp",
    )


def read_header(path: Path, *, shown: str) -> GGUFHeader:
    """The `general.*` and `split.*` metadata of a GGUF file, read within MAX_HEADER_BYTES."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(24)
            order = _byte_order(head, shown)
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _parse(_Cursor(data, size, shown, order))
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=shown) from exc


def _parse(cursor: _Cursor) -> GGUFHeader:
    cursor.pos = 4
    version = cursor.scalar("I")
    tensor_count = cursor.scalar("Q")
    kv_count = cursor.scalar("Q")
    if kv_count > MAX_KV_COUNT:
        raise InputError(
            f"the GGUF header claims {kv_count:,} metadata entries",
            file=cursor.shown,
            hint=f"real files hold a few dozen (licheck reads at most {MAX_KV_COUNT:,})",
        )
    header = GGUFHeader(version, tensor_count)
    for _ in range(kv_count):
        key = cursor.string(keep=True) or ""
        kind = cursor.scalar("I")
        keep = key.startswith(KEPT_PREFIXES)
        value = cursor.value(kind, keep)
        if keep and value is not None:
            header.metadata[key] = value
    return header


def _text(metadata: dict[str, Any], key: str) -> str | None:
    value = metadata.get(key)
    return value.strip() or None if isinstance(value, str) else None


def base_models(metadata: dict[str, Any]) -> tuple[str, ...]:
    """The models this GGUF derives from: `general.base_model.N.*` and the source it was
    converted from (`general.source.*`): a conversion carries its source's terms."""
    found: list[str] = []
    count = metadata.get("general.base_model.count")
    indexes = range(min(count, 64)) if isinstance(count, int) and count > 0 else range(0)
    for index in indexes:
        prefix = f"general.base_model.{index}."
        named = base_model_id(
            _text(metadata, prefix + "repo_url"),
            _text(metadata, prefix + "organization"),
            _text(metadata, prefix + "name"),
        )
        if named:
            found.append(named)
    source = base_model_id(
        _text(metadata, "general.source.repo_url")
        or _text(metadata, "general.source.url")
        or _text(metadata, "general.source.huggingface.repository"),
        None,
        None,
    )
    if source:
        found.append(source)
    unique: dict[str, str] = {}
    for name in found:
        unique.setdefault(name.lower(), name)
    return tuple(unique.values())


def record_from_header(
    header: GGUFHeader, *, shown: str, default_name: str, catalog: Catalog | None
) -> ModelRecord:
    """The ModelRecord a GGUF header describes (no license key: license None, never a pass)."""
    metadata = header.metadata
    license_, license_name = license_from_metadata(
        _text(metadata, "general.license"), _text(metadata, "general.license.name"), catalog
    )
    return ModelRecord(
        source=shown,
        format=FORMAT,
        name=_text(metadata, "general.name") or default_name,
        license=license_,
        publisher=_text(metadata, "general.organization"),
        base_models=base_models(metadata),
        license_name=license_name,
        license_link=_text(metadata, "general.license.link"),
    )


def load_gguf(path: Path, *, shown: str, catalog: Catalog | None = None) -> ModelRecord:
    """One GGUF model; a later part of a split model is read through its first part."""
    part = split_part(path.name)
    warnings: list[str] = []
    if part is not None and part.number != 1:
        first = path.with_name(part.first)
        if not first.is_file():
            raise InputError(
                f"part {part.number} of a {part.total}-part GGUF model: its first part "
                f"{part.first}, which holds the metadata, is missing",
                file=shown,
                hint="keep every part of the model together",
            )
        path = first
        shown = os.path.join(os.path.dirname(shown), part.first)
    if part is not None:
        missing = [name for name in part.names() if not path.with_name(name).is_file()]
        if missing:
            warnings.append(
                f"{shown}: {len(missing)} of the {part.total} parts of this model are missing "
                f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
            )
    header = read_header(path, shown=shown)
    name = part.stem if part is not None else re.sub(r"\.gguf$", "", path.name, flags=re.I)
    record = record_from_header(header, shown=shown, default_name=name, catalog=catalog)
    if warnings:
        from licheck.records import replace

        record = replace(record, warnings=tuple(warnings))
    return record


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_gguf(path, shown=context.shown, catalog=context.catalog)]
