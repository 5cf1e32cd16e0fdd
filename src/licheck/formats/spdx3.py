"""`--format spdx3`: an SPDX 3.0.1 JSON-LD document describing each model as an AI package.

Each model becomes an `ai_AIPackage` with its declared license (as the input stated it, names
mapped to SPDX ids or licheck's LicenseRefs) and licheck's concluded license (the declared
licenses and the base models' inherited ones), its datasets as `dataset_DatasetPackage`
elements linked by `trainedOn`, its base models linked by `descendantOf`, and licheck's verdict
as a review `Annotation`.

Why not spdx-tools' SPDX 3 writer: spdx-tools 0.8 implements a pre-release draft of SPDX 3 (its
JSON-LD context uses namespaces such as https://spdx.org/rdf/Core/ that the final 3.0.1
specification replaced with https://spdx.org/rdf/3.0.1/terms/...), so its output is not valid
SPDX 3.0.1. The elements licheck writes are few and fully specified, so we write them directly
and check them by reading them back (tests/test_spdx3_output.py).

What the SPDX 3.0.1 AI profile requires (its "Profile conformance"): every ai_AIPackage has
exactly one `hasDeclaredLicense` and one `hasConcludedLicense` relationship. licheck gives them to
the models, to their base models (what licheck knows the base carries: the licenses the model
inherits from it, else NOASSERTION) and, though the Dataset profile does not ask it, to the
datasets (NOASSERTION: licheck does not judge dataset licenses). Every LicenseRef in an
expression is defined: the expression maps it (`simplelicensing_customIdToUri`) to an
`expandedlicensing_CustomLicense` with the license's name and URL. licheck ships no license
texts, and the text is a required property, so it holds SPDX's NOASSERTION and the comment
says so; licheck's reader treats that as no text.

The AI profile's AIPackage also restricts properties it inherits to minCount 1 (spdx-3-model
model/AI/Classes/AIPackage.md, "External properties restrictions": suppliedBy, downloadLocation,
packageVersion, primaryPurpose, releaseTime). The 3.0.1 SHACL, and so spdx-python-model, do not
encode those restrictions, but the specification states them, so licheck writes each one the
input stated: `suppliedBy` from the publisher (a card dump's repo id names its organisation),
`software_packageVersion`, `releaseTime` and `software_downloadLocation` from the input's
release facts (model.yaml `version`, `release_date`, `download_location`; a MOT release; an SPDX
or a Hub repo's page). SPDX 3 has no NOASSERTION value for an Agent, a string version, a
DateTime or a URI (absence is how it makes no assertion), so what the input did not state is
left out, never made up, and the package's comment names what is missing; a date that is not an
ISO date is left out the same way. A date without a time is written at 00:00:00Z (the DateTime
type needs a time; the day is what was stated). Base models and datasets carry none of these:
licheck's records know only their names.

The document is deterministic: element ids derive from the models' names and its creation time
is the day of the run (SPDX requires one), so the same input on the same day gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.sanitise import json_inert
from licheck.records import LicenseResult, Release, Report, SubjectReport

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CREATION = "_:creationinfo"


def slug(text: str) -> str:
    """A name made safe for an element id (shared with formats/cyclonedx.py)."""
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", text).strip("-") or "x"


def license_ref(result: LicenseResult) -> str:
    """The SPDX 3 identifier of a judged license: its SPDX id or LicenseRef, else one we make.

    Every id licheck resolves to is already one of these (an SPDX id, `LicenseRef-licheck-*`,
    `LicenseRef-scancode-*`, or SPDX's NONE / NOASSERTION); an unknown name becomes a LicenseRef.
    """
    return result.id or f"LicenseRef-{slug(result.declared)}"


def inherited_terms(subject: SubjectReport, base: str) -> str:
    """What licheck knows a base model carries: the licenses the model inherits from it (all of
    them through its only base: one that base inherits in turn is named by its own origin)."""
    single = len(subject.base_models) == 1
    refs = sorted(
        {
            license_ref(r)
            for r in subject.licenses
            if r.inherited_from is not None and (single or r.inherited_from == base)
        }
    )
    return " AND ".join(refs) if refs else "NOASSERTION"


_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")


def spdx_expression(subject: SubjectReport, *, concluded: bool) -> str:
    """The declared expression with each name replaced by its id; concluded adds inherited ones."""
    from licheck.engine.expression import Leaf, Node, parse

    own = [r for r in subject.licenses if r.inherited_from is None]
    by_key = {r.declared.split(" WITH ")[0]: r for r in own}
    if subject.expression is None:
        return "NOASSERTION" if concluded else "NONE"

    def render(node: Node, top: bool) -> str:
        if isinstance(node, Leaf):
            result = by_key.get(node.key)
            name = license_ref(result) if result is not None else f"LicenseRef-{slug(node.key)}"
            return f"{name} WITH {node.exception}" if node.exception else name
        text = f" {node.operator} ".join(render(child, False) for child in node.children)
        return text if top else f"({text})"

    expression = render(parse(subject.expression), True)
    if concluded:
        if any(not r.known for r in own):
            return "NOASSERTION"
        inherited = sorted({license_ref(r) for r in subject.licenses if r.inherited_from})
        if inherited:
            expression = " AND ".join([f"({expression})", *inherited])
    return expression


class _Graph:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.elements: list[dict[str, Any]] = []
        self.counter = 0
        # LicenseRef id -> the CustomLicense element defining it, and what licheck knows of it.
        self.custom: dict[str, str] = {}
        self.known: dict[str, LicenseResult] = {}

    def license(self, source: str, relation: str, local: str, expression: str) -> None:
        """`source` --relation--> a license expression whose LicenseRefs are all defined."""
        refs = list(dict.fromkeys(_LICENSE_REF.findall(expression)))
        for ref in refs:
            if ref not in self.custom:
                result = self.known.get(ref)
                self.custom[ref] = self.add(
                    "expandedlicensing_CustomLicense",
                    f"license/{ref}",
                    name=(result.name or result.declared) if result else ref[len("LicenseRef-") :],
                    expandedlicensing_seeAlso=[result.url] if result and result.url else None,
                    simplelicensing_licenseText="NOASSERTION",
                    comment="licheck identifies this license by name; it ships no license texts",
                )
        lic = self.add(
            "simplelicensing_LicenseExpression",
            local,
            simplelicensing_licenseExpression=expression,
            simplelicensing_customIdToUri=[
                {"type": "DictionaryEntry", "key": ref, "value": self.custom[ref]} for ref in refs
            ]
            or None,
        )
        self.relate(source, relation, [lic])

    def add(self, kind: str, local: str, **properties: Any) -> str:
        spdx_id = f"{self.namespace}/{local}"
        element: dict[str, Any] = {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION}
        element.update({k: v for k, v in properties.items() if v is not None})
        self.elements.append(element)
        return spdx_id

    def relate(self, source: str, relation: str, targets: list[str]) -> None:
        self.counter += 1
        self.add(
            "Relationship",
            f"relationship/{self.counter}",
            relationshipType=relation,
            to=targets,
            **{"from": source},
        )


def release_time(stated: str | None) -> str | None:
    """An SPDX 3 DateTime (`YYYY-MM-DDThh:mm:ssZ`, UTC) for a stated date, or None when the date
    is not an ISO date, or a time with no zone (converting it would guess the zone)."""
    from datetime import UTC, datetime

    if stated is None:
        return None
    text = stated.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:  # a date alone: the day is what was stated
        return when.strftime("%Y-%m-%dT00:00:00Z")
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _release_properties(subject: SubjectReport) -> tuple[dict[str, str], list[str]]:
    """The AIPackage's release properties licheck knows, and the required ones it does not."""
    release: Release = subject.release
    released = release_time(release.date)
    known = {
        "software_packageVersion": release.version,
        "releaseTime": released,
        "software_downloadLocation": release.download_location,
    }
    missing = [
        "suppliedBy (no publisher)" if not subject.publisher else "",
        "packageVersion (no version)" if release.version is None else "",
        "releaseTime (no release date)"
        if release.date is None
        else f"releaseTime (the date {release.date!r} is not an ISO date with a time zone)"
        if released is None
        else "",
        "downloadLocation (no download location)" if release.download_location is None else "",
    ]
    return {k: v for k, v in known.items() if v is not None}, [m for m in missing if m]


def _verdict_statement(subject: SubjectReport) -> str:
    parts = []
    for result in subject.licenses:
        failing = ", ".join(c.id for c in result.failing)
        line = f"{result.name or result.declared}: {result.verdict} ({result.score}/10"
        line += f"; fails {failing})" if failing else ")"
        parts.append(line)
    head = "passes" if subject.passed else "fails"
    return f"licheck: {subject.name} {head} the policy. " + "; ".join(parts)


def render(report: Report, options: RenderOptions) -> str:
    """The report as one SPDX 3.0.1 JSON-LD document."""
    names = "\n".join(f"{s.source}\t{s.name}" for s in report.subjects)
    digest = hashlib.sha256(names.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    graph = _Graph(f"urn:licheck:{digest}")
    agent = graph.add("SoftwareAgent", "agent/licheck", name=f"licheck {report.licheck_version}")
    tool = graph.add("Tool", "tool/licheck", name="licheck")
    roots: list[str] = []
    datasets: dict[str, str] = {}
    graph.known = {
        license_ref(r): r for s in report.subjects for r in s.licenses if r.id or r.declared
    }
    for number, subject in enumerate(report.subjects, 1):
        local = f"model/{number}-{slug(subject.name)}"
        supplier = None
        if subject.publisher:
            supplier = graph.add("Organization", f"{local}/supplier", name=subject.publisher)
        released, missing = _release_properties(subject)
        comment = f"described from {subject.source} ({subject.format})"
        if missing:
            comment += "; the input does not state " + ", ".join(missing)
        model = graph.add(
            "ai_AIPackage",
            local,
            name=subject.name,
            suppliedBy=supplier,
            software_primaryPurpose="model",
            comment=comment,
            **released,
        )
        roots.append(model)
        for kind, concluded in (("hasDeclaredLicense", False), ("hasConcludedLicense", True)):
            graph.license(
                model,
                kind,
                f"{local}/{'concluded' if concluded else 'declared'}-license",
                spdx_expression(subject, concluded=concluded),
            )
        targets = []
        for dataset in subject.datasets:
            if dataset not in datasets:
                datasets[dataset] = graph.add(
                    "dataset_DatasetPackage",
                    f"dataset/{len(datasets) + 1}-{slug(dataset)}",
                    name=dataset,
                    software_primaryPurpose="data",
                    dataset_datasetType=["noAssertion"],
                )
                for kind, which in (
                    ("hasDeclaredLicense", "declared"),
                    ("hasConcludedLicense", "concluded"),
                ):
                    graph.license(
                        datasets[dataset],
                        kind,
                        f"dataset/{len(datasets)}-{slug(dataset)}/{which}-license",
                        "NOASSERTION",
                    )
            targets.append(datasets[dataset])
        if targets:
            graph.relate(model, "trainedOn", targets)
        bases = []
        for i, base in enumerate(subject.base_models, 1):
            base_local = f"{local}/base/{i}-{slug(base)}"
            bases.append(
                graph.add("ai_AIPackage", base_local, name=base, software_primaryPurpose="model")
            )
            # The 3.0.1 AI profile: exactly one declared and one concluded license per AIPackage.
            for kind, which in (
                ("hasDeclaredLicense", "declared"),
                ("hasConcludedLicense", "concluded"),
            ):
                graph.license(
                    bases[-1], kind, f"{base_local}/{which}-license", inherited_terms(subject, base)
                )
        if bases:
            graph.relate(model, "descendantOf", bases)
        graph.add(
            "Annotation",
            f"{local}/licheck-verdict",
            annotationType="review",
            subject=model,
            statement=_verdict_statement(subject),
        )
    creation = {
        "type": "CreationInfo",
        "@id": CREATION,
        "specVersion": "3.0.1",
        "created": f"{report.date or '1970-01-01'}T00:00:00Z",
        "createdBy": [agent],
        "createdUsing": [tool],
        "comment": f"licheck knowledge base {report.kb_version}; policy {report.policy}",
    }
    document = {
        "type": "SpdxDocument",
        "spdxId": f"{graph.namespace}/document",
        "creationInfo": CREATION,
        "name": "licheck report",
        "profileConformance": [
            "core",
            "software",
            "simpleLicensing",
            "expandedLicensing",
            "ai",
            "dataset",
        ],
        "rootElement": roots,
        "element": [e["spdxId"] for e in graph.elements],
    }
    data = {"@context": CONTEXT, "@graph": [creation, document, *graph.elements]}
    return json_inert(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
