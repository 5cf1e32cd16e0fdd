"""A safetensors weights file: the license its header's `__metadata__` declares.

A safetensors file opens with an 8-byte little-endian length N and N bytes of JSON: one entry
per tensor and an optional `__metadata__` object of strings, where exporters write `license`,
`base_model` and the like (Stability's ModelSpec: `modelspec.license`, `modelspec.title`,
`modelspec.author`). Only that header is read, never the tensors; N is bounded before anything
is read (the format itself caps headers at 100 MB; licheck at 16 MiB, far above real ones).
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.weights import base_model_id, license_from_metadata, split_part
from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord

FORMAT = "safetensors"
MAX_HEADER_BYTES = 16 * 1024 * 1024
LICENSE_KEYS = ("license", "modelspec.license", "license_id", "spdx_license")
LICENSE_NAME_KEYS = ("license_name", "modelspec.license_name")
LICENSE_LINK_KEYS = ("license_link", "license_url", "modelspec.license_url")
NAME_KEYS = ("name", "model_name", "modelspec.title", "title")
PUBLISHER_KEYS = ("author", "organization", "modelspec.author")
BASE_KEYS = ("base_model", "base_models", "modelspec.base_model")


def looks_like_safetensors(head: bytes) -> bool:
    """The header's shape: a small little-endian length, then a JSON object."""
    if len(head) < 10 or head[8:9] != b"{":
        return False
    length: int = struct.unpack_from("<Q", head, 0)[0]
    return 2 <= length <= MAX_HEADER_BYTES


def read_metadata(path: Path, *, shown: str) -> dict[str, str]:
    """The `__metadata__` strings of a safetensors header ({} when it has none)."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise _bad(shown, "the file is shorter than a safetensors header")
            (length,) = struct.unpack("<Q", prefix)
            if length > MAX_HEADER_BYTES:
                raise _bad(
                    shown,
                    f"the header claims {length:,} bytes; licheck reads at most "
                    f"{MAX_HEADER_BYTES:,}",
                )
            if length + 8 > size:
                raise _bad(shown, "the header is truncated (its length runs past the file)")
            raw = handle.read(length)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=shown) from exc
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad(shown, "the header is not valid JSON") from None
    if not isinstance(header, dict):
        raise _bad(shown, "the header is not a JSON object")
    metadata = header.get("__metadata__", {})
    if not isinstance(metadata, dict):
        raise _bad(shown, "__metadata__ is not an object of strings")
    return {str(k): v for k, v in metadata.items() if isinstance(v, str)}


def _bad(shown: str, why: str) -> InputError:
    return InputError(
        f"not a readable safetensors file: {why}",
        file=shown,
        hint="the file is damaged or not safetensors; download it again",
    )


def _first(metadata: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((metadata[k].strip() for k in keys if metadata.get(k, "").strip()), None)


def _base_models(metadata: dict[str, str]) -> tuple[str, ...]:
    value = _first(metadata, BASE_KEYS)
    if value is None:
        return ()
    names: list[Any] = [value]
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            names = parsed
    else:
        names = re.split(r"\s*,\s*", value)
    found = (base_model_id(n, None, n) for n in names if isinstance(n, str) and n.strip())
    return tuple(dict.fromkeys(n for n in found if n))


def load_safetensors(path: Path, *, shown: str, catalog: Catalog | None = None) -> ModelRecord:
    """The ModelRecord a safetensors header describes (no license key: license None)."""
    metadata = read_metadata(path, shown=shown)
    license_, license_name = license_from_metadata(
        _first(metadata, LICENSE_KEYS), _first(metadata, LICENSE_NAME_KEYS), catalog
    )
    part = split_part(path.name)
    default = part.stem if part else re.sub(r"\.safetensors$", "", path.name, flags=re.I)
    return ModelRecord(
        source=shown,
        format=FORMAT,
        name=_first(metadata, NAME_KEYS) or default,
        license=license_,
        publisher=_first(metadata, PUBLISHER_KEYS),
        base_models=_base_models(metadata),
        license_name=license_name,
        license_link=_first(metadata, LICENSE_LINK_KEYS),
    )


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_safetensors(path, shown=context.shown, catalog=context.catalog)]
