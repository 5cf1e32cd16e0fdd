"""CycloneDX 1.5+ ML-BOM (JSON) -> one record per machine-learning-model component.

CycloneDX 1.5 added the `machine-learning-model` component type and its `modelCard`, and many
suppliers now ship an ML-BOM beside their weights. We read the raw JSON rather than through
cyclonedx-python-lib, because that library drops `modelCard` on load and with it the datasets
a model was trained on; the JSON itself is small and specified (bom-1.5/1.6 schema).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.sbom_json import json_key_lines, parse_json, read_sbom_bytes
from licheck.inputs.yamlfile import decode_text
from licheck.records import Component, LicenseText, ModelRecord

FORMAT = "cyclonedx"
MODEL_TYPE = "machine-learning-model"
MIN_VERSION = (1, 5)
MAX_DEPTH = 64
_CONTENT_TYPES = {
    MODEL_TYPE: "model",
    "data": "data",
    "library": "code",
    "framework": "code",
    "application": "code",
}
_OPERATOR = re.compile(r"\s(AND|OR|WITH)\s|[()]", re.IGNORECASE)

JsonPath = tuple[str | int, ...]


@dataclass
class _Bom:
    """What a walk over the BOM collects: model components, names by bom-ref, key lines."""

    shown: str
    lines: dict[JsonPath, int]
    models: list[tuple[dict[str, Any], JsonPath]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def fail(self, message: str, path: JsonPath, hint: str | None = None) -> InputError:
        return InputError(message, file=self.shown, line=self.line(path), hint=hint)

    def line(self, path: JsonPath) -> int | None:
        """The line of the key at `path`, or of the nearest enclosing key that has one."""
        while path:
            for candidate in (path, (*path, "type"), (*path, "name")):
                if candidate in self.lines:
                    return self.lines[candidate]
            path = path[:-1]
        return None


def _where(path: JsonPath) -> str:
    """A JSON path as a user reads it: components[2].licenses[0]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _component_name(component: dict[str, Any]) -> str:
    """`group/name` (a Hub id when the group is the publisher), else the name."""
    purl = component.get("purl")
    if isinstance(purl, str) and purl.lower().startswith("pkg:huggingface/"):
        body = purl.split("/", 1)[1].split("@", 1)[0].split("?", 1)[0]
        if body:
            return body
    name = str(component.get("name", "")).strip()
    group = component.get("group")
    if isinstance(group, str) and group.strip() and name:
        return f"{group.strip()}/{name}"
    return name


def _check_header(data: Any, bom: _Bom) -> None:
    """bomFormat and specVersion, with a hint for BOMs older than the ML-BOM (1.5)."""
    if not isinstance(data, dict):
        raise InputError(
            "a CycloneDX BOM must be a JSON object",
            file=bom.shown,
            hint="start from a CycloneDX 1.5 ML-BOM example",
        )
    if data.get("bomFormat") != "CycloneDX":
        found = data.get("bomFormat")
        raise bom.fail(
            "not a CycloneDX BOM: 'bomFormat' is "
            + ("missing" if found is None else f"{found!r}, not 'CycloneDX'"),
            ("bomFormat",),
            hint='a CycloneDX JSON BOM starts with "bomFormat": "CycloneDX"',
        )
    version = data.get("specVersion")
    match = re.fullmatch(r"(\d+)\.(\d+)", version) if isinstance(version, str) else None
    if match is None:
        raise bom.fail(
            f"'specVersion' must be a version such as \"1.6\", not {version!r}",
            ("specVersion",),
        )
    if (int(match.group(1)), int(match.group(2))) < MIN_VERSION:
        raise bom.fail(
            f"CycloneDX {version} cannot describe a model: machine-learning-model components "
            "and modelCard arrived in CycloneDX 1.5",
            ("specVersion",),
            hint="regenerate the BOM with specVersion 1.5 or later",
        )


def _walk(items: Any, path: JsonPath, bom: _Bom, depth: int = 0) -> None:
    """Visit every component (nested ones too), noting models and names by bom-ref."""
    if items is None:
        return
    if depth > MAX_DEPTH:
        raise bom.fail(f"components nest deeper than {MAX_DEPTH} levels", path)
    if not isinstance(items, list):
        raise bom.fail(f"'{_where(path)}' must be a list of components", path)
    for index, component in enumerate(items):
        here = (*path, index)
        _visit(component, here, bom, depth)


def _visit(component: Any, here: JsonPath, bom: _Bom, depth: int) -> None:
    if not isinstance(component, dict):
        raise bom.fail(f"'{_where(here)}' must be a component object", here)
    kind = component.get("type")
    if not isinstance(kind, str):
        raise bom.fail(
            f"'{_where(here)}' has no 'type'",
            here,
            hint=f'a model is a component with "type": "{MODEL_TYPE}"',
        )
    name = component.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bom.fail(f"'{_where(here)}' has no 'name'", here, hint="every component needs a name")
    ref = component.get("bom-ref")
    if isinstance(ref, str):
        bom.names[ref] = _component_name(component)
    for index, entry in enumerate(component.get("data") or ()):
        # Component data (1.5): a "data" component lists its datasets, each with a bom-ref.
        if isinstance(entry, dict) and isinstance(entry.get("bom-ref"), str):
            label = entry.get("name") or f"{_component_name(component)} data {index}"
            bom.names[entry["bom-ref"]] = str(label)
    if kind == MODEL_TYPE:
        bom.models.append((component, here))
    _walk(component.get("components"), (*here, "components"), bom, depth + 1)


def _license_key(name: str) -> str:
    """A free-text license name as one expression term.

    licheck's catalog compares names with spaces, underscores and case folded to hyphens, so
    "Llama 2 Community License" and "llama-2-community-license" resolve alike; characters the
    expression grammar reserves (parentheses, commas) are dropped.
    """
    key = re.sub(r"[\s_]+", "-", name.strip())
    key = re.sub(r"[^\w.+\-:]", "", key)
    return re.sub(r"-{2,}", "-", key).strip("-")


def _licenses(
    component: dict[str, Any], path: JsonPath, bom: _Bom
) -> tuple[str | None, str | None, list[LicenseText]]:
    """(expression, the single license's free-text name, license texts) of one component.

    A list of several licenses has no stated meaning in CycloneDX (CycloneDX/specification
    issue 349 asks for one); a compliance gate must not let a user pick the friendliest of
    them, so they are read as all applying: joined with AND. CycloneDX 1.6 `acknowledgement`
    tells declared from concluded licenses: declared ones are judged when there are any, as
    with SPDX's licenseDeclared.
    """
    raw = component.get("licenses")
    where = (*path, "licenses")
    if raw is None:
        return None, None, []
    if not isinstance(raw, list):
        raise bom.fail(f"'{_where(where)}' must be a list", where)
    terms: list[tuple[str, str]] = []  # (acknowledgement, term)
    names: list[str] = []
    texts: list[LicenseText] = []
    for index, entry in enumerate(raw):
        here = (*where, index)
        if not isinstance(entry, dict):
            raise bom.fail(f"'{_where(here)}' must be an object", here)
        acknowledgement = str(entry.get("acknowledgement", "declared"))
        if "expression" in entry:
            expression = entry["expression"]
            if not isinstance(expression, str) or not expression.strip():
                raise bom.fail(f"'{_where(here)}.expression' must be a license expression", here)
            terms.append((acknowledgement, expression.strip()))
            continue
        license_ = entry.get("license")
        if not isinstance(license_, dict):
            raise bom.fail(
                f"'{_where(here)}' needs a 'license' object or an 'expression'",
                here,
                hint='write {"license": {"id": "Apache-2.0"}} or {"expression": "MIT"}',
            )
        acknowledgement = str(license_.get("acknowledgement", acknowledgement))
        ident, name = license_.get("id"), license_.get("name")
        if isinstance(ident, str) and ident.strip():
            term = ident.strip()
        elif isinstance(name, str) and name.strip():
            term = _license_key(name)
            names.append(name.strip())
        else:
            raise bom.fail(
                f"'{_where(here)}.license' has neither 'id' nor 'name'",
                here,
                hint="name the license by its SPDX id, or by its name when it has none",
            )
        terms.append((acknowledgement, term))
        text = _text(license_.get("text"), here, bom)
        if text is not None:
            label = component.get("bom-ref") or _component_name(component)
            texts.append(
                LicenseText(
                    path=f"{bom.shown}#{label}/licenses[{index}]",
                    text=text,
                    declared_line=bom.line(where),
                )
            )
    declared = [t for a, t in terms if a != "concluded"]
    chosen = declared or [t for _, t in terms]
    if not chosen:
        return None, None, texts
    if len(chosen) == 1:
        expression = chosen[0]
    else:
        expression = " AND ".join(f"({t})" if _OPERATOR.search(t) else t for t in chosen)
    return expression, names[0] if len(names) == 1 and len(chosen) == 1 else None, texts


def _text(value: Any, path: JsonPath, bom: _Bom) -> str | None:
    """An attached license text (`license.text`), base64-decoded when it says so."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("content"), str):
        raise bom.fail(f"'{_where(path)}.license.text' must have a 'content' string", path)
    content: str = value["content"]
    if value.get("encoding") == "base64":
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bom.fail(f"'{_where(path)}.license.text' is not valid base64", path) from exc
        return decode_text(data, bom.shown, "license text")
    return content if content.strip() else None


def _datasets(component: dict[str, Any], path: JsonPath, bom: _Bom) -> tuple[str, ...]:
    """modelCard.modelParameters.datasets: inline component data, or refs to data by bom-ref."""
    card = component.get("modelCard")
    if card is None:
        return ()
    where = (*path, "modelCard")
    if not isinstance(card, dict):
        raise bom.fail(f"'{_where(where)}' must be an object", where)
    parameters = card.get("modelParameters") or {}
    if not isinstance(parameters, dict):
        raise bom.fail(f"'{_where(where)}.modelParameters' must be an object", where)
    raw = parameters.get("datasets") or []
    if not isinstance(raw, list):
        raise bom.fail(f"'{_where(where)}.modelParameters.datasets' must be a list", where)
    names = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        ref = entry.get("ref")
        if isinstance(ref, str):
            names.append(bom.names.get(ref, ref))
        elif isinstance(entry.get("name"), str) and entry["name"].strip():
            names.append(entry["name"].strip())
    return tuple(dict.fromkeys(names))


def _ancestors(component: dict[str, Any]) -> tuple[str, ...]:
    """pedigree.ancestors: the models this one was derived from (its base models)."""
    pedigree = component.get("pedigree")
    if not isinstance(pedigree, dict) or not isinstance(pedigree.get("ancestors"), list):
        return ()
    names = [
        _component_name(a)
        for a in pedigree["ancestors"]
        if isinstance(a, dict) and _component_name(a)
    ]
    return tuple(dict.fromkeys(names))


def _publisher(component: dict[str, Any]) -> str | None:
    for key in ("publisher", "author"):
        value = component.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for key in ("supplier", "manufacturer"):
        value = component.get(key)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return str(value["name"]).strip() or None
    return None


def _parts(component: dict[str, Any], path: JsonPath, bom: _Bom) -> tuple[Component, ...]:
    """The model's own sub-components, each with its license, as record components."""
    parts = []
    children = component.get("components") or []
    for index, child in enumerate(children):
        here = (*path, "components", index)
        expression, _, _ = _licenses(child, here, bom)
        parts.append(
            Component(
                name=_component_name(child),
                license=expression,
                line=bom.line((*here, "licenses")),
                content_type=_CONTENT_TYPES.get(str(child.get("type"))),
            )
        )
    return tuple(parts)


def load_cyclonedx(path: Path, *, shown: str) -> list[ModelRecord]:
    """The machine-learning-model components of a CycloneDX 1.5+ JSON BOM, one record each.

    The BOM's subject (metadata.component) counts when it is a model, and so do models nested
    inside other components. A model's license is its `licenses` (see `_licenses` for how a
    list is read), its datasets come from its modelCard, its base models from
    pedigree.ancestors. A BOM with no model is an error, not an empty pass.
    """
    data = read_sbom_bytes(path, shown=shown, what="CycloneDX BOM")
    text = decode_text(data, shown, "CycloneDX BOM")
    parsed = parse_json(text, shown=shown, what="CycloneDX BOM")
    bom = _Bom(
        shown, json_key_lines(text, ("licenses", "bomFormat", "specVersion", "type", "name"))
    )
    _check_header(parsed, bom)
    metadata = parsed.get("metadata")
    if isinstance(metadata, dict) and metadata.get("component") is not None:
        _visit(metadata["component"], ("metadata", "component"), bom, 0)
    _walk(parsed.get("components"), ("components",), bom)
    if not bom.models:
        raise InputError(
            f"the BOM has no component of type '{MODEL_TYPE}'",
            file=shown,
            hint=f'describe the model as a component with "type": "{MODEL_TYPE}" (CycloneDX 1.5+)',
        )
    records = []
    for component, where in bom.models:
        expression, license_name, texts = _licenses(component, where, bom)
        records.append(
            ModelRecord(
                source=shown,
                format=FORMAT,
                name=_component_name(component),
                license=expression,
                license_line=bom.line((*where, "licenses")) if expression else None,
                publisher=_publisher(component),
                base_models=_ancestors(component),
                license_texts=tuple(texts),
                components=_parts(component, where, bom),
                datasets=_datasets(component, where, bom),
                license_name=license_name,
            )
        )
    return records


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return load_cyclonedx(path, shown=context.shown)
