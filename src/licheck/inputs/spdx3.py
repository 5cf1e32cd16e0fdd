"""SPDX 3.0 JSON-LD documents (AI and Dataset profiles) -> the AI packages they describe.

Read from the JSON-LD directly: see `load_spdx3` for why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeGuard

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.sbom_json import (
    _LICENSE_REF,
    FORMAT_3,
    json_key_lines,
    parse_json,
    read_sbom_bytes,
)
from licheck.inputs.yamlfile import decode_text
from licheck.records import Component, LicenseText, ModelRecord, Release

# --- SPDX 3.0 JSON-LD ------------------------------------------------------------------------

_SPDX_LICENSE_IRI = re.compile(r"^https?://spdx\.org/licenses/([\w.\-+]+?)(?:\.html|\.json)?$")


def _local(name: Any) -> str:
    """The local part of an SPDX 3 term in any JSON-LD spelling.

    The 3.0.1 context compacts `https://spdx.org/rdf/3.0.1/terms/AI/AIPackage` to
    `ai_AIPackage`; documents written without the context use the IRI, and some tools
    write the bare `AIPackage`. All three mean the same class.
    """
    text = str(name)
    text = text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    prefix, sep, rest = text.partition("_")
    return rest if sep and prefix.islower() else text


def _get(element: dict[str, Any], name: str) -> Any:
    """A property in compact (`simplelicensing_licenseExpression`) or bare form."""
    for key, value in element.items():
        if key in (name, "@" + name) or _local(key) == name:
            return value
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ref(value: Any) -> str | None:
    """An element reference: a plain IRI string, or an embedded/`@id` object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        ident = _get(value, "spdxId") or _get(value, "id")
        return str(ident) if ident is not None else None
    return None


class _Graph:
    """The elements of an SPDX 3 JSON-LD document by spdxId, and its relationships."""

    def __init__(self, data: Any, shown: str, lines: dict[tuple[str | int, ...], int]) -> None:
        self.shown = shown
        if isinstance(data, dict) and "@graph" in data:
            raw = data["@graph"]
            base: tuple[str | int, ...] = ("@graph",)
        elif isinstance(data, list):
            raw, base = data, ()
        else:
            spdx2 = isinstance(data, dict) and "spdxVersion" in data
            raise InputError(
                "an SPDX 3 JSON-LD document must hold its elements in '@graph'",
                file=shown,
                hint="this is an SPDX 2 document: read it as SPDX 2 (`--input-format spdx`)"
                if spdx2
                else "serialise the document with the SPDX 3.0.1 JSON-LD context",
            )
        if not isinstance(raw, list):
            raise InputError("'@graph' must be a list of elements", file=shown)
        self.elements: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, int] = {}
        self.relationships: list[dict[str, Any]] = []
        self.order: list[str] = []
        for index, element in enumerate(raw):
            self._add(element, (*base, index), lines)
        self._index()

    def _add(
        self, element: Any, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]
    ) -> None:
        if not isinstance(element, dict):
            raise InputError(
                f"element {path[-1]} of '@graph' is not an object",
                file=self.shown,
                hint="each element is a JSON object with `type` and `spdxId`",
            )
        kind = _local(_get(element, "type") or "")
        ident = _ref(element)
        if kind == "Relationship" or kind.endswith("Relationship"):
            self.relationships.append(element)
        if ident is not None:
            self.elements[ident] = element
            self.order.append(ident)
            for key in ("simplelicensing_licenseExpression", "name"):
                if (*path, key) in lines:
                    self.lines.setdefault(ident, lines[(*path, key)])

    def kind(self, ident: str) -> str:
        element = self.elements.get(ident)
        return _local(_get(element, "type") or "") if element else ""

    def _index(self) -> None:
        """(from, type) -> targets and (to, type) -> sources, built once for every lookup."""
        self.forward: dict[tuple[str, str], list[str]] = {}
        self.backward: dict[tuple[str, str], list[str]] = {}
        for rel in self.relationships:
            kind = _local(_get(rel, "relationshipType") or "")
            source = _ref(_get(rel, "from"))
            if source is None:
                continue
            for target in filter(None, map(_ref, _as_list(_get(rel, "to")))):
                self.forward.setdefault((source, kind), []).append(target)
                self.backward.setdefault((target, kind), []).append(source)

    def targets(self, source: str, relation: str) -> list[str]:
        """Every `to` of the relationships of this type whose `from` is `source`."""
        return self.forward.get((source, relation), [])

    def sources(self, target: str, relation: str) -> list[str]:
        """Every `from` of the relationships of this type that point `to` the target."""
        return self.backward.get((target, relation), [])


# ExpandedLicensing individuals and license-set classes (SPDX 3.0.1, ExpandedLicensing).
_INDIVIDUALS = {"NoAssertionLicense": "NOASSERTION", "NoneLicense": "NONE"}
_SETS = {"ConjunctiveLicenseSet": "AND", "DisjunctiveLicenseSet": "OR"}


class _Licenses:
    """Turns SPDX 3 license elements into one SPDX expression, collecting texts on the way."""

    def __init__(self, graph: _Graph, shown: str) -> None:
        self.graph = graph
        self.shown = shown
        self.texts: dict[str, str] = {}

    def expression(self, ident: str, depth: int = 0) -> str:
        if depth > 32:
            raise InputError(
                "license elements nest deeper than 32 levels", file=self.shown, hint=ident
            )
        local = _local(ident)
        if local in _INDIVIDUALS:
            return _INDIVIDUALS[local]
        element = self.graph.elements.get(ident)
        if element is None:
            match = _SPDX_LICENSE_IRI.match(ident)
            if match:
                # A listed license may be referenced by its IRI without an element.
                return match.group(1)
            raise InputError(
                f"the license element '{ident}' is not in the document",
                file=self.shown,
                hint="include the license element, or use a simplelicensing_LicenseExpression",
            )
        kind = _local(_get(element, "type") or "")
        if kind == "LicenseExpression":
            return self._simple(element, ident)
        if kind in _SETS:
            members = [
                self.expression(str(m), depth + 1)
                for m in map(_ref, _as_list(_get(element, "member")))
                if m
            ]
            if not members:
                raise InputError(f"the license set '{ident}' has no member", file=self.shown)
            joined = f" {_SETS[kind]} ".join(_wrap(m) for m in members)
            return joined if len(members) == 1 else f"({joined})"
        if kind == "OrLaterOperator":
            subject = _ref(_get(element, "subjectLicense"))
            return f"{self._required(subject, ident)}+"
        if kind == "WithAdditionOperator":
            subject = self._required(_ref(_get(element, "subjectLicense")), ident)
            addition = _ref(_get(element, "subjectAddition"))
            return f"{subject} WITH {self._addition(addition, ident)}"
        if kind in ("ListedLicense", "CustomLicense"):
            return self._license(element, ident, kind)
        raise InputError(
            f"'{ident}' is a {kind or 'typeless element'}, not a license",
            file=self.shown,
            hint="hasDeclaredLicense must point at a license or license expression element",
        )

    def _required(self, ident: str | None, owner: str) -> str:
        if ident is None:
            raise InputError(f"the license operator '{owner}' names no license", file=self.shown)
        return _wrap(self.expression(ident, 1))

    def _addition(self, ident: str | None, owner: str) -> str:
        if ident is None:
            raise InputError(f"'{owner}' names no license addition", file=self.shown)
        element = self.graph.elements.get(ident)
        if element is None:
            return _local(ident)
        return _license_id(element, ident)

    def _simple(self, element: dict[str, Any], ident: str) -> str:
        text = _get(element, "licenseExpression")
        if not isinstance(text, str) or not text.strip():
            raise InputError(
                f"the license expression '{ident}' has no simplelicensing_licenseExpression",
                file=self.shown,
                line=self.graph.lines.get(ident),
            )
        # customIdToUri maps a LicenseRef in the expression to the element holding its text.
        for entry in _as_list(_get(element, "customIdToUri")):
            if not isinstance(entry, dict):
                continue
            key, target = _get(entry, "key"), _ref(_get(entry, "value"))
            holder = self.graph.elements.get(target or "")
            body = _get(holder, "licenseText") if holder else None
            if isinstance(key, str) and _is_text(body):
                self.texts[key] = body
        return text.strip()

    def _license(self, element: dict[str, Any], ident: str, kind: str) -> str:
        license_id = _license_id(element, ident)
        body = _get(element, "licenseText")
        if kind == "CustomLicense" and _is_text(body):
            self.texts[license_id] = body
        return license_id


def _is_text(body: Any) -> TypeGuard[str]:
    """A license text to judge: not empty and not SPDX's NOASSERTION (the text is a required
    property, so a writer that has none, licheck included, says NOASSERTION)."""
    return isinstance(body, str) and body.strip() not in ("", "NOASSERTION")


def _license_id(element: dict[str, Any], ident: str) -> str:
    """The short id of a license element: the SPDX id of a listed one, a LicenseRef otherwise."""
    match = _SPDX_LICENSE_IRI.match(ident)
    if match:
        return match.group(1)
    tail = re.split(r"[/#]", ident)[-1]
    if tail.startswith(("LicenseRef-", "AdditionRef-")):
        return tail
    name = _get(element, "name")
    base = name if isinstance(name, str) and name.strip() else tail
    return "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.\-]+", "-", base).strip("-") or "custom")


def _wrap(expression: str) -> str:
    """Parenthesise an AND/OR expression before combining it with another operator.

    WITH binds tighter than AND and OR (SPDX annex B), so `X WITH Y` needs no parentheses.
    """
    compound = " AND " in expression or " OR " in expression
    if compound and _strip_parens(expression) == expression:
        return f"({expression})"
    return expression


def _strip_parens(expression: str) -> str:
    if expression.startswith("(") and expression.endswith(")"):
        depth = 0
        for index, char in enumerate(expression):
            depth += char == "("
            depth -= char == ")"
            if depth == 0 and index < len(expression) - 1:
                return expression
        return expression[1:-1]
    return expression


def load_spdx3(path: Path, *, shown: str) -> list[ModelRecord]:
    """The AI packages of an SPDX 3.0 JSON-LD document (AI and Dataset profiles).

    Why not a library: spdx-tools reads only SPDX 2, and the one SPDX 3 binding on PyPI,
    spdx-python-model (0.0.6, generated by shacl2code), is a pre-1.0 release whose ~300 KB
    generated module would cost start-up time for the handful of classes licheck reads, and
    whose deserialiser keeps no positions for our file:line errors. The JSON-LD we need is
    small and specified (SPDX 3.0.1 model: ai_AIPackage, Relationship, the SimpleLicensing and
    ExpandedLicensing classes), so we read it with json and say where a document is wrong.

    Each ai_AIPackage becomes a record. Its license is what its `hasDeclaredLicense`
    relationship points at, else `hasConcludedLicense` (the AI profile requires both);
    several targets of one relationship are all declared, so they are joined with AND.
    `trainedOn`/`testedOn` targets are its datasets, `descendantOf` targets (and `ancestorOf`
    sources) its base models, `contains` targets its components.
    """
    data = read_sbom_bytes(path, shown=shown, what="SPDX 3 document")
    text = decode_text(data, shown, "SPDX 3 document")
    parsed = parse_json(text, shown=shown, what="SPDX 3 document")
    lines = json_key_lines(text, ("simplelicensing_licenseExpression", "name"))
    graph = _Graph(parsed, shown, lines)
    models = [i for i in graph.order if graph.kind(i) == "AIPackage"]
    if not models:
        raise InputError(
            "the SPDX 3 document has no ai_AIPackage element",
            file=shown,
            hint="describe the model as an ai_AIPackage (SPDX 3.0 AI profile)",
        )
    licenses = _Licenses(graph, shown)
    records = []
    for ident in models:
        element = graph.elements[ident]
        name = _get(element, "name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(
                f"the ai_AIPackage '{ident}' has no name",
                file=shown,
                hint="every SPDX 3 element needs a name",
            )
        expression, line = _spdx3_license(graph, licenses, ident)
        texts = tuple(
            LicenseText(path=f"{shown}#{ref}", text=body, declared_line=line)
            for ref, body in licenses.texts.items()
            if ref in set(_LICENSE_REF.findall(expression or ""))
        )
        datasets = [
            _element_name(graph, target)
            for relation in ("trainedOn", "testedOn")
            for target in graph.targets(ident, relation)
        ]
        bases = [_element_name(graph, t) for t in graph.targets(ident, "descendantOf")]
        bases += [_element_name(graph, s) for s in graph.sources(ident, "ancestorOf")]
        components = []
        for target in graph.targets(ident, "contains"):
            part_expression, part_line = _spdx3_license(graph, licenses, target)
            components.append(
                Component(
                    name=_element_name(graph, target),
                    license=part_expression,
                    line=part_line,
                    content_type=_content_type(graph.kind(target)),
                )
            )
        records.append(
            ModelRecord(
                source=shown,
                format=FORMAT_3,
                name=name.strip(),
                license=expression,
                license_line=line,
                publisher=_supplier(graph, element),
                base_models=tuple(dict.fromkeys(bases)),
                license_texts=texts,
                components=tuple(components),
                datasets=tuple(dict.fromkeys(datasets)),
                release=Release(
                    version=_string(element, "packageVersion"),
                    date=_string(element, "releaseTime"),
                    download_location=_string(element, "downloadLocation"),
                ),
            )
        )
    return records


def _spdx3_license(graph: _Graph, licenses: _Licenses, ident: str) -> tuple[str | None, int | None]:
    """The declared (else concluded) license expression of an element, and its line."""
    for relation in ("hasDeclaredLicense", "hasConcludedLicense"):
        targets = graph.targets(ident, relation)
        if targets:
            parts = [licenses.expression(t) for t in targets]
            expression = (
                _strip_parens(parts[0]) if len(parts) == 1 else " AND ".join(map(_wrap, parts))
            )
            return expression, graph.lines.get(targets[0])
    return None, None


def _element_name(graph: _Graph, ident: str) -> str:
    element = graph.elements.get(ident)
    name = _get(element, "name") if element else None
    return name.strip() if isinstance(name, str) and name.strip() else ident


def _string(element: dict[str, Any], name: str) -> str | None:
    """A text property of the element, stripped; None when absent, empty or not text."""
    value = _get(element, name)
    return (value.strip() or None) if isinstance(value, str) else None


def _supplier(graph: _Graph, element: dict[str, Any]) -> str | None:
    """The name of the Agent in `suppliedBy` (the model's publisher), when it has one."""
    agent = graph.elements.get(_ref(_get(element, "suppliedBy")) or "")
    name = _get(agent, "name") if agent else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _content_type(kind: str) -> str | None:
    """MOF content types for the SPDX 3 classes a model contains."""
    return {"AIPackage": "model", "DatasetPackage": "data"}.get(kind)


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return load_spdx3(path, shown=context.shown)
