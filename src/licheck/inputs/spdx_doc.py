"""SPDX documents (2.3 in every serialisation, 3.0 JSON-LD) -> the models they describe.

Companies exchange SBOMs, not model cards: an SPDX document is how a supplier states the license
of what it ships, so licheck must judge the license the document declares, and point at the
line that declares it where the serialisation lets us (SARIF and GitHub annotations need it).

SPDX 2.3 is read with spdx-tools, the SPDX project's own parser (imported lazily: ~0.8 s), so
that every serialisation it knows (tag-value, JSON, YAML, XML, RDF/XML) is read the same way.
SPDX 3.0 is read from the JSON-LD directly: see `load_spdx3` for why.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.yamlfile import LocatedDict, decode_text, load_yaml
from licheck.records import Component, LicenseText, ModelRecord

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
        return path.read_bytes()
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


# --- SPDX 2.3 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lines:
    """Lines of each package's declared and concluded license, by SPDXID (where known)."""

    declared: dict[str, int]
    concluded: dict[str, int]


def _sniff_format(path: Path, text: str) -> str:
    """The serialisation: by file name as spdx-tools does, else by the first characters."""
    name = path.name.lower()
    if name.endswith((".rdf", ".rdf.xml")):
        return "rdf"
    if name.endswith((".spdx", ".tag")):
        return "tag-value"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".xml"):
        return "xml"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    head = text.lstrip()[:2000]
    if head.startswith("{"):
        return "json"
    if head.startswith("<"):
        return "rdf" if "rdf:RDF" in head or "rdf-syntax-ns" in head else "xml"
    if re.search(r"^SPDXVersion:", head, re.MULTILINE):
        return "tag-value"
    return "yaml"


def _tag_value_lines(text: str) -> _Lines:
    """Lines of PackageLicenseDeclared/Concluded per package SPDXID in a tag-value document.

    Tag-value is line-oriented: a `PackageName:` opens a package whose `SPDXID:` follows, and a
    `FileName:`, `SnippetSPDXID:` or `LicenseID:` closes it. Multi-line <text> values are skipped
    so that a tag quoted inside a comment is not taken for a field.
    """
    declared: dict[str, int] = {}
    concluded: dict[str, int] = {}
    in_package = False
    package_id: str | None = None
    pending: dict[str, int] = {}
    in_text = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_text:
            if "</text>" in raw:
                in_text = False
            continue
        tag, _, value = raw.partition(":")
        tag = tag.strip()
        if "<text>" in value and "</text>" not in value:
            in_text = True
        if tag == "PackageName":
            in_package, package_id, pending = True, None, {}
        elif tag in ("FileName", "SnippetSPDXID", "LicenseID"):
            in_package = False
        elif in_package and tag == "SPDXID" and package_id is None:
            package_id = value.strip()
            for key, line in pending.items():
                (declared if key == "PackageLicenseDeclared" else concluded)[package_id] = line
        elif in_package and tag in ("PackageLicenseDeclared", "PackageLicenseConcluded"):
            if package_id is None:
                pending[tag] = number
            else:
                target = declared if tag == "PackageLicenseDeclared" else concluded
                target[package_id] = number
    return _Lines(declared, concluded)


def _dict_lines(data: Any, json_text: str | None) -> _Lines:
    """Lines of licenseDeclared/Concluded per SPDXID in a JSON or (located) YAML document."""
    declared: dict[str, int] = {}
    concluded: dict[str, int] = {}
    packages = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(packages, list):
        return _Lines(declared, concluded)
    located = (
        json_key_lines(json_text, ("licenseDeclared", "licenseConcluded")) if json_text else {}
    )
    for index, package in enumerate(packages):
        if not isinstance(package, dict) or not isinstance(package.get("SPDXID"), str):
            continue
        spdx_id = package["SPDXID"]
        for key, target in (("licenseDeclared", declared), ("licenseConcluded", concluded)):
            if key not in package:
                continue
            if isinstance(package, LocatedDict):
                target[spdx_id] = package.line_of(key)
            elif ("packages", index, key) in located:
                target[spdx_id] = located[("packages", index, key)]
    return _Lines(declared, concluded)


def _parsing_failure(exc: Exception, shown: str) -> InputError:
    """spdx-tools' complaint about a document, as one error the user can act on."""
    from spdx_tools.spdx.parser.error import SPDXParsingError

    if isinstance(exc, SPDXParsingError):
        messages = [_plain(str(m)) for m in exc.messages]
        shown_messages = "; ".join(messages[:5])
        more = f" (and {len(messages) - 5} more)" if len(messages) > 5 else ""
        # The tag-value parser names lines ("Line: 7"); point at the first one it names.
        lines = [int(n) for n in re.findall(r"\bLine:? (\d+)", " ".join(messages))]
        return InputError(
            f"not a valid SPDX 2 document: {shown_messages}{more}",
            file=shown,
            line=min(lines) if lines else None,
            hint="fix the fields named above; `pyspdxtools -i FILE` lists every problem",
        )
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(
        f"not a valid SPDX 2 document: {detail}",
        file=shown,
        hint="check that the file is an SPDX 2.3 document in the serialisation its name says",
    )


_TYPE_COMPLAINT = re.compile(
    r"SetterError (\w+): Method \S+ parameter (\w+)=\"([^\"]*)\" violates type hint "
    r"<class \\?'([\w.]+)\\?'>[^;\]]*"
)


def _plain(message: str) -> str:
    """spdx-tools' type-checker wording ("SetterError ... violates type hint") in plain words."""

    def say(match: re.Match[str]) -> str:
        owner, field, value, kind = match.groups()
        kind = kind.rsplit(".", 1)[-1]
        if value == "None":
            return f"{owner} field '{field}' is missing"
        return f"{owner} field '{field}' must be {kind}, not {value!r}"

    plain = _TYPE_COMPLAINT.sub(say, message)
    # Nested messages arrive as the repr of a list: "Package: ['...']".
    return re.sub(r"\[\\?'|\\?'?\]|\\?', \\?'", lambda m: "; " if "," in m.group() else "", plain)


def _parse_spdx2(path: Path, text: str, shown: str) -> tuple[Any, _Lines]:
    """The spdx-tools Document, and the license lines the serialisation lets us find."""
    kind = _sniff_format(path, text)
    lines = _Lines({}, {})
    data: Any = None
    if kind == "json":
        data = parse_json(text, shown=shown, what="SPDX document")
        lines = _dict_lines(data, text)
    elif kind == "yaml":
        data = load_yaml(text, source=shown)
        lines = _dict_lines(data, None)
    elif kind == "tag-value":
        lines = _tag_value_lines(text)
    if kind in ("json", "yaml"):
        if not isinstance(data, dict):
            raise InputError(
                "an SPDX document must be a mapping of fields",
                file=shown,
                hint="start from an SPDX 2.3 example document",
            )
        _refuse_spdx3(data, shown)
    try:
        document = _run_spdx_tools(kind, path, text, data)
    # spdx-tools raises SPDXParsingError for invalid fields, but malformed XML, RDF or
    # tag-value syntax surfaces as whatever its underlying parser raises (expat, rdflib, ply,
    # KeyError, TypeError...). A user's broken file must never show a traceback, so every
    # failure of the parse itself becomes an InputError naming the file.
    except Exception as exc:
        raise _parsing_failure(exc, shown) from exc
    return document, lines


def _run_spdx_tools(kind: str, path: Path, text: str, data: Any) -> Any:
    """Parse with the spdx-tools reader of this serialisation (imported only now: ~0.8 s).

    spdx-tools' parser classes are unannotated, so they are reached through importlib as Any.
    """
    import importlib

    if kind in ("json", "yaml"):
        module: Any = importlib.import_module(
            "spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser"
        )
        return module.JsonLikeDictParser().parse(data)
    if kind == "tag-value":
        yacc: Any = importlib.import_module("ply.yacc")
        module = importlib.import_module("spdx_tools.spdx.parser.tagvalue.parser")
        # ply would print "Generating LALR tables" and write a parsetab file: the core never
        # prints, and a CI runner's site-packages may be read-only.
        parser = module.Parser(write_tables=False, debug=False, errorlog=yacc.NullLogger())
        return parser.parse(text)
    name = "xml.xml_parser" if kind == "xml" else "rdf.rdf_parser"
    module = importlib.import_module(f"spdx_tools.spdx.parser.{name}")
    return module.parse_from_file(str(path))


def _refuse_spdx3(data: dict[str, Any], shown: str) -> None:
    context = data.get("@context")
    if context is not None and "spdx.org/rdf/3" in json.dumps(context):
        raise InputError(
            "this is an SPDX 3 JSON-LD document, not SPDX 2",
            file=shown,
            hint="read it as SPDX 3 (`--input-format spdx3`)",
        )


def _license_text(value: Any) -> str | None:
    """An SPDX 2 license field as an expression string; NOASSERTION and NONE kept as such."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _purl(package: Any) -> str | None:
    for ref in package.external_references or ():
        if str(ref.reference_type).lower() == "purl":
            return str(ref.locator)
    return None


def _hub_id(package: Any) -> str:
    """The name licheck compares with base-model facts: a Hub id from a purl, else the name."""
    purl = _purl(package)
    if purl and purl.lower().startswith("pkg:huggingface/"):
        body = purl.split("/", 1)[1].split("@", 1)[0].split("?", 1)[0]
        if body:
            return body
    return str(package.name)


def _is_model(package: Any) -> bool:
    """SPDX 2.3 has no "model" purpose, so a model is recognised by what names it.

    A purl of type huggingface or mlflow, or a download location on the Hugging Face Hub
    (outside its datasets and spaces), is a model; a package merely named "...-model" is not.
    """
    purl = _purl(package)
    if purl and _MODEL_PURL.match(purl):
        return True
    location = str(package.download_location or "")
    return bool(_HF_MODEL_URL.match(location))


def _describes(document: Any) -> list[str]:
    from spdx_tools.spdx.model.relationship import RelationshipType

    doc_id = document.creation_info.spdx_id
    roots = []
    for rel in document.relationships:
        if rel.relationship_type == RelationshipType.DESCRIBES and rel.spdx_element_id == doc_id:
            roots.append(str(rel.related_spdx_element_id))
        elif (
            rel.relationship_type == RelationshipType.DESCRIBED_BY
            and str(rel.related_spdx_element_id) == doc_id
        ):
            roots.append(rel.spdx_element_id)
    return roots


def _chosen_packages(document: Any) -> list[Any]:
    """The packages to judge: the models; else what the document describes; else all.

    A document that names no model is still someone's statement about what they ship: when a
    user points licheck at it, judging its subject (the packages it DESCRIBES) is what they
    asked; a document without DESCRIBES has no declared subject, so every package is judged.
    """
    packages = list(document.packages)
    models = [p for p in packages if _is_model(p)]
    if models:
        return models
    roots = set(_describes(document))
    described = [p for p in packages if p.spdx_id in roots]
    return described or packages


def _related(document: Any, spdx_id: str) -> Iterator[tuple[str, str]]:
    """(kind, other SPDXID) for the relationships that matter to a model, in both directions.

    DESCENDANT_OF / ANCESTOR_OF give the base models (SPDX 2.3 section 11.1: "A is a
    descendant of B"); CONTAINS / CONTAINED_BY give the released parts.
    """
    from spdx_tools.spdx.model.relationship import RelationshipType

    for rel in document.relationships:
        kind = rel.relationship_type
        source, target = rel.spdx_element_id, str(rel.related_spdx_element_id)
        if kind == RelationshipType.DESCENDANT_OF and source == spdx_id:
            yield "base", target
        elif kind == RelationshipType.ANCESTOR_OF and target == spdx_id:
            yield "base", source
        elif kind == RelationshipType.CONTAINS and source == spdx_id:
            yield "part", target
        elif kind == RelationshipType.CONTAINED_BY and target == spdx_id:
            yield "part", source


def _actor_name(actor: Any) -> str | None:
    name = getattr(actor, "name", None)
    return str(name) if name else None


def load_spdx(path: Path, *, shown: str) -> list[ModelRecord]:
    """The models an SPDX 2.3 document describes, one record per model package.

    The license is the package's licenseDeclared (what the supplier states), else its
    licenseConcluded; NOASSERTION and NONE are kept as written so the engine reports them. A
    LicenseRef with extracted text in the document travels with the record as its license text
    (path `<file>#LicenseRef-x`) so the clause engine can read it. Lines are given for
    tag-value, JSON and YAML; XML and RDF/XML leave them None (their parsers keep none).
    """
    data = read_sbom_bytes(path, shown=shown, what="SPDX document")
    text = decode_text(data, shown, "SPDX document")
    document, lines = _parse_spdx2(path, text, shown)
    by_id = {p.spdx_id: p for p in document.packages}
    files = {f.spdx_id: f for f in document.files}
    extracted = {
        str(info.license_id): str(info.extracted_text)
        for info in document.extracted_licensing_info
        if info.license_id and isinstance(info.extracted_text, str) and info.extracted_text
    }
    chosen = _chosen_packages(document)
    if not chosen:
        raise InputError(
            "the SPDX document describes no package",
            file=shown,
            hint="add the model as a package with its licenseDeclared",
        )
    records = []
    for package in chosen:
        declared = _license_text(package.license_declared)
        concluded = _license_text(package.license_concluded)
        expression = declared if declared is not None else concluded
        line_table = lines.declared if declared is not None else lines.concluded
        texts = tuple(
            LicenseText(
                path=f"{shown}#{ref}",
                text=extracted[ref],
                declared_line=line_table.get(package.spdx_id),
            )
            for ref in dict.fromkeys(_LICENSE_REF.findall(expression or ""))
            if ref in extracted
        )
        bases: list[str] = []
        parts: list[Component] = []
        for kind, other in _related(document, package.spdx_id):
            if kind == "base" and other in by_id:
                bases.append(_hub_id(by_id[other]))
            elif kind == "part" and other in by_id:
                part = by_id[other]
                parts.append(
                    Component(
                        name=str(part.name),
                        license=_license_text(part.license_declared)
                        or _license_text(part.license_concluded),
                        line=lines.declared.get(other),
                    )
                )
            elif kind == "part" and other in files:
                file = files[other]
                parts.append(
                    Component(name=str(file.name), license=_license_text(file.license_concluded))
                )
        records.append(
            ModelRecord(
                source=shown,
                format=FORMAT,
                name=str(package.name),
                license=expression,
                license_line=line_table.get(package.spdx_id),
                publisher=_actor_name(package.supplier) or _actor_name(package.originator),
                base_models=tuple(dict.fromkeys(bases)),
                license_texts=texts,
                components=tuple(parts),
            )
        )
    return records


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
            if isinstance(key, str) and isinstance(body, str) and body.strip():
                self.texts[key] = body
        return text.strip()

    def _license(self, element: dict[str, Any], ident: str, kind: str) -> str:
        license_id = _license_id(element, ident)
        body = _get(element, "licenseText")
        if kind == "CustomLicense" and isinstance(body, str) and body.strip():
            self.texts[license_id] = body
        return license_id


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


def _supplier(graph: _Graph, element: dict[str, Any]) -> str | None:
    """The name of the Agent in `suppliedBy` (the model's publisher), when it has one."""
    agent = graph.elements.get(_ref(_get(element, "suppliedBy")) or "")
    name = _get(agent, "name") if agent else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _content_type(kind: str) -> str | None:
    """MOF content types for the SPDX 3 classes a model contains."""
    return {"AIPackage": "model", "DatasetPackage": "data"}.get(kind)
