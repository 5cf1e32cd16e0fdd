"""`--format cyclonedx`: a CycloneDX 1.6 ML-BOM (JSON) describing each model licheck judged.

Each model becomes a `machine-learning-model` component with its declared license (the input's
expression, names mapped to SPDX ids or licheck's LicenseRefs, as in the SPDX 3 output) and
licheck's verdict as properties (`licheck:*`: CycloneDX's place for tool-specific facts); its
datasets become `data` components that its `modelCard.modelParameters.datasets` refer to by
bom-ref, and its base models are `pedigree.ancestors` (CycloneDX 1.6, "pedigree": the components
this one was derived from), each with what licheck knows the base carries.

Why the JSON is written directly and not through cyclonedx-python-lib: the library (11.x) has
no model for `modelCard` (its `Component.model_card` is a commented-out stub), so it cannot
write the datasets a model was trained on. The document is small and fully specified by the
bom-1.6 schema, and the tests validate every output with the library's own
`JsonStrictValidator` for 1.6 (tests/test_cyclonedx_output.py).

A list of licenses with an expression may hold only that one expression (bom-1.6
`licenseChoice`), so the declared expression is the component's license; the concluded one
(declared plus inherited) is a property. The document is deterministic: the serial number
derives from the models' names and the timestamp is the day of the run.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from licheck.formats import RenderOptions
from licheck.formats.sanitise import json_inert
from licheck.formats.spdx3 import inherited_terms, license_ref, slug, spdx_expression
from licheck.records import Report, SubjectReport

SPEC_VERSION = "1.6"
SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"


def _properties(subject: SubjectReport) -> list[dict[str, str]]:
    """licheck's judgment of one model, as CycloneDX name/value properties."""
    props = [{"name": "licheck:policy", "value": "pass" if subject.passed else "fail"}]
    concluded = spdx_expression(subject, concluded=True)
    props.append({"name": "licheck:concluded-license", "value": concluded})
    for result in subject.licenses:
        ref = license_ref(result)
        props.append({"name": f"licheck:license:{ref}:verdict", "value": result.verdict})
        props.append({"name": f"licheck:license:{ref}:score", "value": f"{result.score}/10"})
        failing = " ".join(c.id for c in result.failing)
        if failing:
            props.append({"name": f"licheck:license:{ref}:fails", "value": failing})
        if result.inherited_from:
            props.append(
                {"name": f"licheck:license:{ref}:inherited-from", "value": result.inherited_from}
            )
    props.extend(
        {"name": f"licheck:violation:{v.rule}", "value": v.message} for v in subject.violations
    )
    props.extend(
        {"name": f"licheck:suppressed:{s.violation.rule}", "value": s.reason}
        for s in subject.suppressed
    )
    props.append({"name": "licheck:source", "value": f"{subject.source} ({subject.format})"})
    # bom-1.6 asks properties to be unique items: a repeated (name, value) is said once.
    unique = {(p["name"], p["value"]): p for p in props}
    return list(unique.values())


def _licenses(expression: str | None) -> list[dict[str, str]] | None:
    """One declared expression; None when licheck knows nothing (absence is CycloneDX's way of
    making no assertion). A model that declared no license keeps SPDX's NONE: that is terms."""
    if expression is None or expression == "NOASSERTION":
        return None
    return [{"expression": expression, "acknowledgement": "declared"}]


def render(report: Report, options: RenderOptions) -> str:
    """The report as one CycloneDX 1.6 JSON BOM."""
    names = "\n".join(f"{s.source}\t{s.name}" for s in report.subjects)
    digest = names.encode("utf-8", "surrogatepass").hex()
    serial = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:licheck:{digest}")
    components: list[dict[str, Any]] = []
    datasets: dict[str, str] = {}
    dataset_components: list[dict[str, Any]] = []
    for number, subject in enumerate(report.subjects, 1):
        ref = f"model-{number}-{slug(subject.name)}"
        component: dict[str, Any] = {
            "type": "machine-learning-model",
            "bom-ref": ref,
            "name": subject.name,
        }
        if subject.publisher:
            component["publisher"] = subject.publisher
        declared = None if subject.expression is None else spdx_expression(subject, concluded=False)
        licenses = _licenses(declared)
        if licenses:
            component["licenses"] = licenses
        refs = []
        for dataset in subject.datasets:
            if dataset not in datasets:
                datasets[dataset] = f"dataset-{len(datasets) + 1}-{slug(dataset)}"
                dataset_components.append(
                    {"type": "data", "bom-ref": datasets[dataset], "name": dataset}
                )
            refs.append({"ref": datasets[dataset]})
        if refs:
            component["modelCard"] = {"modelParameters": {"datasets": refs}}
        ancestors = []
        for i, base in enumerate(subject.base_models, 1):
            ancestor: dict[str, Any] = {
                "type": "machine-learning-model",
                "bom-ref": f"{ref}-base-{i}-{slug(base)}",
                "name": base,
            }
            # What licheck knows the base carries: the terms the model inherits through it.
            inherited = _licenses(inherited_terms(subject, base))
            if inherited:
                ancestor["licenses"] = [{**inherited[0], "acknowledgement": "concluded"}]
            ancestors.append(ancestor)
        if ancestors:
            component["pedigree"] = {"ancestors": ancestors}
        component["properties"] = _properties(subject)
        components.append(component)
    document = {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial.urn,
        "version": 1,
        "metadata": {
            "timestamp": f"{report.date or '1970-01-01'}T00:00:00Z",
            "tools": {
                "components": [
                    {
                        "type": "application",
                        "name": "licheck",
                        "version": report.licheck_version,
                    }
                ]
            },
            "properties": [
                {"name": "licheck:knowledge-base", "value": report.kb_version},
                {"name": "licheck:policy", "value": report.policy},
            ],
        },
        "components": [*components, *dataset_components],
    }
    return json_inert(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
