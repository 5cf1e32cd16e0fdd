"""Model Openness Tool files: the Model Openness Framework YAML that MOT publishes per model.

A MOT file (`framework: {name: Model Openness Framework}`, `release: {...}`) lists the released
components of a model with their licenses, plus global licenses (distribution, code, data,
document) that apply to components declaring none. Its license names are free text: of the 72
distinct names in MOT's 273 model files only a few are valid SPDX ids ("Apache 2.0", "Llama 2
Community License", "unlicensed"), so each is normalised to a licheck name while the raw name is
kept for MOT's own, exact evaluation (licheck.openness).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.yamlfile import (
    MAX_YAML_BYTES,
    LocatedDict,
    LocatedList,
    load_yaml,
    read_text_file,
)
from licheck.knowledge.mof import COMPONENT_BY_NAME, find_component, normalise_license_name
from licheck.records import Component, ModelRecord, Release

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

FORMAT = "mot"
FRAMEWORK_NAME = "Model Openness Framework"
GLOBAL_LICENSE_KEYS = ("distribution", "code", "data", "document")
WEIGHTS = "Model parameters (Final)"
_SHAPE_HINT = "see the MOF schema: release: {name, license: {distribution: {name, path}}, ...}"


def looks_like_mot(data: Any) -> bool:
    """True for YAML that declares itself a Model Openness Framework file."""
    if not isinstance(data, dict):
        return False
    framework = data.get("framework")
    return isinstance(framework, dict) and framework.get("name") == FRAMEWORK_NAME


def _fail(message: str, where: LocatedDict | LocatedList, source: str, **kw: Any) -> InputError:
    return InputError(message, file=source, line=where.position.line, **kw)


def _mapping(
    parent: LocatedDict, key: str, source: str, *, required: bool = True
) -> LocatedDict | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise _fail(f"missing '{key}' section", parent, source, hint=_SHAPE_HINT)
        return None
    if not isinstance(value, LocatedDict):
        pos = parent.value_positions[key]
        raise InputError(
            f"'{key}' must be a mapping",
            file=source,
            line=pos.line,
            column=pos.column,
            hint=_SHAPE_HINT,
        )
    return value


def _text(mapping: LocatedDict, key: str, source: str) -> str | None:
    """A scalar as text (MOT files write versions as numbers); None when absent or empty."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, (LocatedDict, LocatedList)):
        pos = mapping.value_positions[key]
        raise InputError(
            f"'{key}' must be text, not a {'list' if isinstance(value, list) else 'mapping'}",
            file=source,
            line=pos.line,
            column=pos.column,
        )
    text = str(value).strip()
    return text or None


class _GlobalLicense(msgspec.Struct, frozen=True):
    name: str | None
    path: str | None
    line: int


def _global_licenses(release: LocatedDict, source: str) -> dict[str, _GlobalLicense]:
    raw = release.get("license")
    if raw is None or (isinstance(raw, LocatedList) and not raw):
        return {}
    if not isinstance(raw, LocatedDict):
        pos = release.value_positions["license"]
        raise InputError(
            "'license' must map distribution/code/data/document to {name, path}",
            file=source,
            line=pos.line,
            column=pos.column,
            hint="write `license: {distribution: {name: Apache-2.0, path: LICENSE}}`",
        )
    found: dict[str, _GlobalLicense] = {}
    for key, entry in raw.items():
        pos = raw.value_positions[key]
        if entry is None:
            continue
        if not isinstance(entry, LocatedDict):
            raise InputError(
                f"license '{key}' must be a mapping with name and path",
                file=source,
                line=pos.line,
                column=pos.column,
                hint=f"write `{key}: {{name: <license>, path: <url or file>}}`",
            )
        found[key] = _GlobalLicense(
            _text(entry, "name", source), _text(entry, "path", source), entry.line_of("name")
        )
    return found


def _effective_license(
    component: LocatedDict, content_type: str | None, globals_: dict[str, _GlobalLicense]
) -> tuple[str | None, _GlobalLicense | None]:
    """MOT's ModelEvaluator::resolveLicense: the component's own license if the key is there
    (even empty: that means unlicensed), else the global license of its content type, else the
    distribution license."""
    if "license" in component and component["license"] is not None:
        return str(component["license"]).strip(), None
    for key in (content_type, "distribution"):
        entry = globals_.get(key) if key else None
        if entry is not None and entry.name:
            return entry.name, entry
    return None, None


def parse_mot(text: str, *, source: str, catalog: Catalog | None = None) -> ModelRecord:
    """Validate a MOT file and describe its model: components, licenses, weights license.

    `record.license` is the weights license: that of "Model parameters (Final)" (its own or the
    one it inherits from the global licenses), else the distribution license; normalised to a
    licheck name, with the raw name in `record.license_name`. Component licenses stay raw (the
    name as MOT reads it, inherited globals included) so MOT's exact evaluation can be reproduced.
    """
    data = load_yaml(text, source=source)
    if not isinstance(data, LocatedDict):
        raise InputError(
            "a MOT file must be a mapping with 'framework' and 'release'",
            file=source,
            line=getattr(getattr(data, "position", None), "line", None),
            hint=_SHAPE_HINT,
        )
    framework = _mapping(data, "framework", source)
    assert framework is not None  # required=True
    if framework.get("name") != FRAMEWORK_NAME:
        raise InputError(
            f"framework.name must be '{FRAMEWORK_NAME}'",
            file=source,
            line=framework.line_of("name"),
            hint="this does not look like a Model Openness Tool file",
        )
    release = _mapping(data, "release", source)
    assert release is not None
    name = _text(release, "name", source)
    if name is None:
        raise _fail(
            "release.name is missing or empty", release, source, hint="give the model's name"
        )
    globals_ = _global_licenses(release, source)
    components = _components(release, source, globals_)
    weights_line = None
    weights_raw: str | None = None
    weights_link: str | None = None
    for component, line, inherited, license_path in components:
        if find_component(component.name) == COMPONENT_BY_NAME[WEIGHTS]:
            weights_raw = component.license
            weights_line = inherited.line if inherited else line
            weights_link = inherited.path if inherited else license_path
    if weights_raw is None and "distribution" in globals_ and globals_["distribution"].name:
        distribution = globals_["distribution"]
        weights_raw, weights_line, weights_link = (
            distribution.name,
            distribution.line,
            distribution.path,
        )
    license_expression = None
    if weights_raw is not None:
        # The run's catalog; a caller without one (a test, a library user) gets a fresh one.
        if catalog is None:
            from licheck.knowledge.catalog import Catalog

            catalog = Catalog()
        license_expression = normalise_license_name(weights_raw, catalog).expression
    return ModelRecord(
        source=source,
        format=FORMAT,
        name=name,
        license=license_expression,
        license_line=weights_line or release.line_of("license"),
        publisher=_text(release, "producer", source),
        components=tuple(entry[0] for entry in components),
        license_name=weights_raw,
        license_link=weights_link or None,
        release=Release(
            version=_text(release, "version", source), date=_text(release, "date", source)
        ),
    )


def _components(
    release: LocatedDict, source: str, globals_: dict[str, _GlobalLicense]
) -> list[tuple[Component, int, _GlobalLicense | None, str | None]]:
    raw = release.get("components")
    if raw is None:
        return []
    if not isinstance(raw, LocatedList):
        pos = release.value_positions["components"]
        raise InputError(
            "'components' must be a list",
            file=source,
            line=pos.line,
            column=pos.column,
            hint="write each component as `- {name: Training code, license: Apache-2.0}`",
        )
    found = []
    for item, pos in zip(raw, raw.item_positions, strict=True):
        if not isinstance(item, LocatedDict):
            raise InputError(
                "each component must be a mapping with a name",
                file=source,
                line=pos.line,
                column=pos.column,
            )
        component_name = _text(item, "name", source)
        if component_name is None:
            raise InputError(
                "a component has no name",
                file=source,
                line=pos.line,
                column=pos.column,
                hint="use a MOF component name, e.g. `name: Training code`",
            )
        if isinstance(item.get("license"), (LocatedDict, LocatedList)):
            lpos = item.value_positions["license"]
            raise InputError(
                "a component's license must be a license name",
                file=source,
                line=lpos.line,
                column=lpos.column,
            )
        spec = COMPONENT_BY_NAME.get(component_name) or find_component(component_name)
        # MOT looks up a type-specific global license only for single-typed components.
        mot_type = spec.content_types[0] if spec and len(spec.content_types) == 1 else None
        license_name, inherited = _effective_license(item, mot_type, globals_)
        line = item.line_of("license") if "license" in item else pos.line
        found.append(
            (
                Component(
                    name=component_name,
                    license=license_name,
                    line=line,
                    content_type=spec.kind if spec else None,
                    location=_text(item, "component_path", source)
                    or _text(item, "location", source),
                ),
                line,
                inherited,
                _text(item, "license_path", source),
            )
        )
    return found


def load_mot(
    path: Path, *, shown: str, catalog: Catalog | None = None, content: bytes | None = None
) -> ModelRecord:
    """Read and validate a Model Openness Tool file (`content`: its bytes as a caller already
    read them, ReadContext)."""
    text = read_text_file(
        path, what="MOT file", max_bytes=MAX_YAML_BYTES, shown=shown, content=content
    )
    return parse_mot(text, source=shown, catalog=catalog)


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_mot(path, shown=context.shown, catalog=context.catalog, content=context.content)]
