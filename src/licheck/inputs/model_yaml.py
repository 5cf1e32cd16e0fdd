"""model.yaml v1: licheck's own model description, validated with file:line errors.

The schema is documented in README.md ("model.yaml reference"). Every mistake a user can make
(unknown key, wrong type, duplicate key, unreadable license file) stops the run with exit 2 and
says where and what to do: a compliance gate must never guess what a file meant.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.paths import read_license_file
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.yamlfile import (
    MAX_YAML_BYTES,
    LocatedDict,
    LocatedList,
    load_yaml,
    read_text_file,
)
from licheck.records import Component, LicenseText, ModelRecord, Release
from licheck.regex import on_first_use

FORMAT = "model-yaml"
SCHEMA_VERSION = 1
TOP_LEVEL_KEYS = (
    "schema_version",
    "name",
    "publisher",
    "version",
    "release_date",
    "download_location",
    "license",
    "license_file",
    "base_model",
    "components",
)
COMPONENT_KEYS = ("name", "license", "license_file")


def _unknown_key(
    key: str, allowed: tuple[str, ...], mapping: LocatedDict, source: str
) -> InputError:
    import difflib  # only for a key that is not known: most files have none

    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
    pos = mapping.key_positions[key]
    return InputError(
        f"unknown key '{key}'", file=source, line=pos.line, column=pos.column, hint=hint
    )


def _text(mapping: LocatedDict, key: str, source: str, *, required: bool = False) -> str | None:
    """A text field: present and non-empty if required; numbers are refused, not coerced."""
    if key not in mapping or mapping[key] is None:
        if required:
            raise InputError(
                f"missing required key '{key}'",
                file=source,
                line=mapping.position.line,
                hint=_REQUIRED_HINTS.get(key),
            )
        return None
    value = mapping[key]
    if not isinstance(value, str):
        kind = (
            "a list"
            if isinstance(value, list)
            else "a mapping"
            if isinstance(value, dict)
            else type(value).__name__
        )
        raise _at_value(
            mapping,
            key,
            source,
            f"'{key}' must be text, not {kind}",
            hint=f'quote the value: {key}: "{value}"'
            if not isinstance(value, (list, dict))
            else None,
        )
    if not value.strip():
        raise _at_value(mapping, key, source, f"'{key}' is empty")
    return value.strip()


def _at_value(
    mapping: LocatedDict, key: str, source: str, message: str, hint: str | None = None
) -> InputError:
    """An error pointing at the value of `key` (its line and column in the file)."""
    pos = mapping.value_positions[key]
    return InputError(message, file=source, line=pos.line, column=pos.column, hint=hint)


_REQUIRED_HINTS = {
    "name": "add the model's name, e.g. `name: Llama-2-7b`",
    "license": (
        "add the license expression, e.g. `license: apache-2.0`; write `license: NONE` for a model "
        "whose weights are not released and `license: NOASSERTION` if you do not know"
    ),
}


def parse_model_yaml(
    text: str, *, source: str, folder: Path, allow_outside: bool = False
) -> ModelRecord:
    """Validate a model.yaml text and read the license files it names (relative to `folder`)."""
    data = load_yaml(text, source=source)
    if not isinstance(data, LocatedDict):
        found = (
            "an empty file"
            if data is None
            else "a list"
            if isinstance(data, list)
            else "a single value"
        )
        raise InputError(
            f"a model.yaml must be a mapping of keys, found {found}",
            file=source,
            line=getattr(getattr(data, "position", None), "line", None),
            hint="start from the example in the README's model.yaml reference",
        )
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise _unknown_key(key, TOP_LEVEL_KEYS, data, source)
    if "schema_version" in data:
        version = data["schema_version"]
        if version != SCHEMA_VERSION or isinstance(version, bool):
            raise _at_value(
                data,
                "schema_version",
                source,
                f"schema_version {version!r} is not supported "
                f"(this licheck reads version {SCHEMA_VERSION})",
                hint="upgrade licheck, or write schema_version: 1",
            )
    name = _text(data, "name", source, required=True)
    license_expression = _text(data, "license", source, required=True)
    texts: list[LicenseText] = []
    license_file = _text(data, "license_file", source)
    if license_file is not None:
        line = data.value_positions["license_file"].line
        texts.append(read_license_file(license_file, folder, source, line, allow_outside))
    components = _components(data, source)
    return ModelRecord(
        source=source,
        format=FORMAT,
        name=str(name),
        license=license_expression,
        license_line=data.line_of("license"),
        publisher=_text(data, "publisher", source),
        base_models=_base_models(data, source),
        license_texts=tuple(texts),
        components=components,
        release=_release(data, source),
    )


_URI = on_first_use(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _release(data: LocatedDict, source: str) -> Release:
    """`version`, `release_date` (an ISO date or date-time; YAML may have read it as a date)
    and `download_location` (a URL): what an SBOM of the model states about its release."""
    released: str | None = None
    if isinstance(data.get("release_date"), (date, datetime)):
        released = data["release_date"].isoformat()
    else:
        released = _text(data, "release_date", source)
        if released is not None:
            try:
                datetime.fromisoformat(released.replace("Z", "+00:00"))
            except ValueError:
                raise _at_value(
                    data,
                    "release_date",
                    source,
                    f"release_date {released!r} is not a date",
                    hint="write an ISO date, e.g. release_date: 2024-07-23",
                ) from None
    location = _text(data, "download_location", source)
    if location is not None and not _URI.fullmatch(location):
        raise _at_value(
            data,
            "download_location",
            source,
            f"download_location {location!r} is not a URL",
            hint="write where the weights are downloaded from, e.g. https://huggingface.co/ORG/NAME",
        )
    # `version: 1.10` would be read as the number 1.1: _text refuses numbers with a hint to quote.
    return Release(
        version=_text(data, "version", source), date=released, download_location=location
    )


def _base_models(data: LocatedDict, source: str) -> tuple[str, ...]:
    """`base_model` is one name or a list of names (a merge has several bases)."""
    raw = data.get("base_model")
    if isinstance(raw, LocatedList):
        names = []
        for item, pos in zip(raw, raw.item_positions, strict=True):
            if not isinstance(item, str) or not item.strip():
                raise InputError(
                    "each base_model must be a model name",
                    file=source,
                    line=pos.line,
                    column=pos.column,
                )
            names.append(item.strip())
        return tuple(names)
    single = _text(data, "base_model", source)
    return (single,) if single else ()


def _components(data: LocatedDict, source: str) -> tuple[Component, ...]:
    raw = data.get("components")
    if raw is None:
        return ()
    if not isinstance(raw, LocatedList):
        pos = data.value_positions["components"]
        raise InputError(
            "'components' must be a list",
            file=source,
            line=pos.line,
            hint="write each component as `- {name: ..., license: ...}`",
        )
    components = []
    for item, pos in zip(raw, raw.item_positions, strict=True):
        if not isinstance(item, LocatedDict):
            raise InputError(
                "each component must be a mapping with name and license",
                file=source,
                line=pos.line,
                column=pos.column,
            )
        for key in item:
            if key not in COMPONENT_KEYS:
                raise _unknown_key(key, COMPONENT_KEYS, item, source)
        components.append(
            Component(
                name=str(_text(item, "name", source, required=True)),
                license=_text(item, "license", source),
                license_file=_text(item, "license_file", source),
                line=pos.line,
            )
        )
    return tuple(components)


def load_model_yaml(path: Path, *, shown: str, allow_outside: bool = False) -> ModelRecord:
    """Read and validate a model.yaml file."""
    text = read_text_file(path, what="model file", max_bytes=MAX_YAML_BYTES, shown=shown)
    return parse_model_yaml(text, source=shown, folder=path.parent, allow_outside=allow_outside)


def looks_like_model_yaml(data: Any) -> bool:
    """True for a mapping that declares a model the way model.yaml does."""
    return isinstance(data, dict) and "license" in data and "name" in data


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_model_yaml(path, shown=context.shown, allow_outside=context.options.allow_outside)]
