"""SPDX 2.3 documents, in every serialisation, -> the models they describe.

Companies exchange SBOMs, not model cards: an SPDX document is how a supplier states the license
of what it ships, so licheck judges the license the document declares. SPDX 2.3 is read with
spdx-tools, the SPDX project's own parser (imported lazily: ~0.8 s), so that every
serialisation it knows (tag-value, JSON, YAML, XML, RDF/XML) is read the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from licheck.errors import InputError
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.sbom_json import (
    _HF_MODEL_URL,
    _LICENSE_REF,
    _MODEL_PURL,
    FORMAT,
    json_key_lines,
    parse_json,
    read_sbom_bytes,
)
from licheck.inputs.yamlfile import LocatedDict, decode_text, load_yaml
from licheck.records import Component, LicenseText, ModelRecord, Release

# --- SPDX 2.3 --------------------------------------------------------------------------------


class _Lines(msgspec.Struct, frozen=True):
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
        if info.license_id and isinstance(info.extracted_text, str) and info.extracted_text.strip()
    }
    names = {
        str(info.license_id): info.license_name.strip()
        for info in document.extracted_licensing_info
        if info.license_id and isinstance(info.license_name, str) and info.license_name.strip()
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
        refs = tuple(dict.fromkeys(_LICENSE_REF.findall(expression or "")))
        texts = tuple(
            LicenseText(
                path=f"{shown}#{ref}",
                text=_at_its_lines(extracted[ref], text),
                declared_line=line_table.get(package.spdx_id),
                defines=ref,
            )
            for ref in refs
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
                release=_release(package),
                license_ref_names=tuple((ref, names[ref]) for ref in refs if ref in names),
            )
        )
    return records


def _at_its_lines(extracted: str, document: str) -> str:
    """The extracted text placed at the lines it has in the document, so that a quote from it
    is located at the SPDX file's own line (blank lines stand for the rest of the file).

    Only where the text stands in the file verbatim and once: tag-value's `<text>` blocks, a
    one-line JSON or YAML string. A JSON string spanning lines is written with `\\n` escapes
    and a YAML block is indented, so there the lines are the extracted text's own.
    """
    at = document.find(extracted)
    if at < 0 or document.find(extracted, at + 1) >= 0:
        return extracted
    return "\n" * document.count("\n", 0, at) + extracted


def _release(package: Any) -> Release:
    """versionInfo, releaseDate and downloadLocation as the package states them (SPDX 2.3
    7.3, 7.7, 7.23); NOASSERTION and NONE are no value (spdx-tools gives them as objects)."""
    location = package.download_location
    released = package.release_date
    return Release(
        version=str(package.version) if isinstance(package.version, str) else None,
        date=released.isoformat() if released is not None else None,
        download_location=location if isinstance(location, str) and location else None,
    )


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return load_spdx(path, shown=context.shown)
