"""Open Source AI beyond the license: the MOF class and the OSAID 1.0 verdict of a model.

An OSI-approved license on the weights is not enough (issue 7): OSI's 2024 validation of the
Open Source AI Definition failed Grok, Phi-2 and Mixtral, all under OSI-approved licenses, because
their training code or data information was missing. So licheck also checks *what is released*.

Two views are computed from a record's component inventory (`ModelRecord.components`):

* the **Model Openness Framework class** exactly as the Model Openness Tool (MOT,
  lfai/model_openness_tool, MIT License) computes it: its 17 components, its cumulative classes
  (III open model within II open tooling within I open science), its license checks (exact,
  case-sensitive SPDX ids), its gated progress percentages. `mot_classify` reproduces MOT's 27-file
  test oracle 27/27. Where licheck thinks MOT is wrong, `mof_class_licheck` computes licheck's
  corrected view and `mot_divergences` says what differs and why — never a silent divergence;
* the **OSAID 1.0 verdict**: pass or fail, with one line per missing requirement in three groups
  (data information, code, parameters).

Everything here is pure: license judgments come in as a mapping or callable (the engine's
verdicts), so this module reads no file and prints nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from licheck.knowledge.mof import (
    _BY_ID,
    COMPONENT_BY_NAME,
    MOF_COMPONENTS,
    MOT_TYPE_LICENSES,
    RESEARCH_PAPER,
    TECHNICAL_REPORT,
    ContentType,
    MofComponent,
    find_component,
    license_state,
    mot_is_open,
)
from licheck.records import (
    Component,
    Divergence,
    ModelRecord,
    MofResult,
    Openness,
    OsaidMiss,
    OsaidResult,
)
from licheck.regex import on_first_use

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

OPEN_VERDICTS = frozenset({"osi-approved", "open"})


# fmt: on

# fmt: on


def _required(mof_class: int) -> list[int]:
    return [c.cid for c in MOF_COMPONENTS if c.mof_class == mof_class and c.required]


def _optional(mof_class: int) -> list[int]:
    return [c.cid for c in MOF_COMPONENTS if c.mof_class == mof_class and not c.required]


_Buckets = dict[str, list[int]]


def _status(buckets: _Buckets, cid: int) -> str | None:
    for status in ("included", "invalid", "unlicensed"):
        if cid in buckets[status]:
            return status
    return None


def mot_classify(components: Iterable[tuple[str, str | None]]) -> MofResult:
    """MOF class and progress exactly as MOT's ModelEvaluator computes them.

    `components` are (MOF component name, effective license name) pairs: the license a component
    declares, else the release's global license for its type, else the distribution license
    (the MOT reader resolves that), None or "" when there is none. Names MOT does not know are
    ignored; a repeated name keeps its last license, as MOT's loader does.
    """
    licenses: dict[int, str] = {}
    for name, license_name in components:
        spec = COMPONENT_BY_NAME.get(name)
        if spec is not None:
            # MOT's evaluator turns a missing or empty license into 'unlicensed'.
            licenses[spec.cid] = license_name or "unlicensed"
    evaluation: dict[int, _Buckets] = {}
    required: list[int] = []
    optional: list[int] = []
    for mof_class in (3, 2, 1):
        buckets: _Buckets = {
            k: [] for k in ("missing", "included", "invalid", "unlicensed", "optional")
        }
        # Cumulative: class II requires class III's components too, class I all of them.
        required = required + _required(mof_class)
        optional = optional + _optional(mof_class)
        for status, cids in (("included", required), ("optional", optional)):
            for cid in cids:
                if cid not in licenses:
                    if status == "included":
                        buckets["missing"].append(cid)
                    continue
                license_name = licenses[cid]
                if mot_is_open(license_name):
                    buckets[status].append(cid)
                elif license_name == "unlicensed":
                    buckets["unlicensed"].append(cid)
                else:
                    buckets["invalid"].append(cid)
        evaluation[mof_class] = buckets
    # MOT: the technical report may be omitted when a research paper is provided; the paper
    # then stands in for it in classes II and III with whatever status it has.
    if _status(evaluation[3], TECHNICAL_REPORT) != "included":
        paper = _status(evaluation[1], RESEARCH_PAPER)
        if paper is not None:
            for mof_class in (1, 2, 3):
                missing = evaluation[mof_class]["missing"]
                if TECHNICAL_REPORT in missing:
                    missing.remove(TECHNICAL_REPORT)
            for mof_class in (2, 3):
                evaluation[mof_class][paper].append(RESEARCH_PAPER)
    progress = {k: _mot_progress(evaluation, k) for k in (1, 2, 3)}
    final = 0
    for mof_class in (3, 2, 1):
        if progress[mof_class] == 100.0:
            final = mof_class
    not_appropriate = [
        cid
        for cid in evaluation[1]["included"] + evaluation[1]["optional"]
        if not _type_appropriate(licenses[cid], _BY_ID[cid].content_types)
    ]
    return MofResult(
        mof_class=final,
        progress=progress,
        included=_names(evaluation[1]["included"]),
        missing=_names(evaluation[1]["missing"]),
        invalid=_names(evaluation[1]["invalid"]),
        unlicensed=_names(evaluation[1]["unlicensed"]),
        not_type_appropriate=_names(not_appropriate),
        method="mot",
    )


def _names(cids: Iterable[int]) -> tuple[str, ...]:
    return tuple(_BY_ID[cid].name for cid in cids)


def _type_appropriate(license_name: str, types: tuple[ContentType, ...]) -> bool:
    return any(t in MOT_TYPE_LICENSES.get(license_name, ()) for t in types)


def _mot_progress(evaluation: dict[int, _Buckets], mof_class: int) -> float:
    """MOT's ModelEvaluator::getProgress, gate and all.

    A class's progress is 0 until every higher class is complete; class I counts one component
    fewer when the research paper stands in for the technical report; capped at 100.
    """
    total = 0
    included = 0
    current = 3
    while current >= mof_class:
        total += len(_required(current))
        included = len(evaluation[current]["included"])
        if included < total:
            break
        current -= 1
    if current > mof_class:
        return 0.0
    if (
        mof_class == 1
        and _status(evaluation[1], TECHNICAL_REPORT) != "included"
        and _status(evaluation[1], RESEARCH_PAPER) == "included"
    ):
        total -= 1
    return min(included / total * 100, 100.0)


def mof_class(record: ModelRecord) -> MofResult:
    """The record's MOF class exactly as MOT computes it, from its component inventory."""
    return mot_classify((c.name, c.license) for c in record.components)


# --- licheck's own view --------------------------------------------------------------------

LicenseVerdicts = Mapping[str, str] | Callable[[str], str | None]


_OPERATOR = on_first_use(r"\s(AND|OR|WITH)\s")


def _verdict_of(license_verdicts: LicenseVerdicts, name: str) -> str:
    if callable(license_verdicts):
        return license_verdicts(name) or "unknown"
    return license_verdicts.get(name, "unknown")


def expression_verdict(license_verdicts: LicenseVerdicts, expression: str) -> str:
    """The verdict of a license or an expression: AND needs every part open, OR any one.

    The engine's verdicts are per license; an expression made of several is open when the
    licensee can satisfy it with open licenses only (the same AND/OR logic as the policy).
    """
    direct = _verdict_of(license_verdicts, expression)
    if direct != "unknown" or not _OPERATOR.search(expression):
        return direct
    from licheck.engine.expression import leaves, parse, satisfied
    from licheck.errors import ExpressionError

    try:
        tree = parse(expression)
    except ExpressionError:
        return "unknown"
    verdicts = {leaf: _verdict_of(license_verdicts, leaf.key) for leaf in leaves(tree)}
    if satisfied(tree, lambda leaf: verdicts[leaf] == "osi-approved"):
        return "osi-approved"
    if satisfied(tree, lambda leaf: verdicts[leaf] in OPEN_VERDICTS):
        return "open"
    if satisfied(tree, lambda leaf: verdicts[leaf] != "not-open"):
        return "unknown"
    return "not-open"


def _open_for(component: MofComponent, verdict: str) -> bool:
    """licheck's rule: code needs an OSI-approved license; data, documents and parameters need
    a license licheck judges open against the OSD (OSI-approved or open)."""
    if component.kind == "code":
        return verdict == "osi-approved"
    return verdict in OPEN_VERDICTS


def _inventory(record: ModelRecord) -> dict[int, Component]:
    """Released components by MOF id, names matched forgivingly; not-included ones dropped."""
    found: dict[int, Component] = {}
    for component in record.components:
        spec = find_component(component.name)
        if spec is None or license_state(component.license) == "not-included":
            continue
        found[spec.cid] = component
    return found


def mof_class_licheck(record: ModelRecord, license_verdicts: LicenseVerdicts) -> MofResult:
    """licheck's corrected MOF class: the same cumulative classes, with its own license checks.

    Differences from MOT (each reported by `mot_divergences`): license names are judged by the
    engine's verdicts (so "Apache 2.0" is Apache-2.0); code needs an OSI-approved license and
    other components an open one (MOT accepts any FSF-libre, OSI or open-data id for anything);
    component names are matched forgivingly; "Component not included" means not released.
    Progress is not gated: each class shows how much of its own requirements is met.
    """
    inventory = _inventory(record)
    status: dict[int, str] = {}
    for cid, component in inventory.items():
        if license_state(component.license) == "none":
            status[cid] = "unlicensed"
            continue
        verdict = expression_verdict(license_verdicts, str(component.license))
        status[cid] = "included" if _open_for(_BY_ID[cid], verdict) else "invalid"

    def met(cid: int) -> bool:
        if cid == TECHNICAL_REPORT:
            # MOF: a research paper may replace the technical report.
            return "included" in (status.get(TECHNICAL_REPORT), status.get(RESEARCH_PAPER))
        return status.get(cid) == "included"

    progress: dict[int, float] = {}
    for mof_class_ in (1, 2, 3):
        needed = [cid for k in range(mof_class_, 4) for cid in _required(k)]
        progress[mof_class_] = sum(met(cid) for cid in needed) / len(needed) * 100
    final = next((k for k in (1, 2, 3) if progress[k] == 100.0), 0)
    every = [cid for k in (1, 2, 3) for cid in _required(k)]
    return MofResult(
        mof_class=final,
        progress=progress,
        included=_names(
            c
            for c in [*every, *_optional(1), *_optional(2), *_optional(3)]
            if status.get(c) == "included"
        ),
        missing=_names(
            c for c in every if c not in inventory and not (c == TECHNICAL_REPORT and met(c))
        ),
        invalid=_names(c for c in every if status.get(c) == "invalid"),
        unlicensed=_names(c for c in every if status.get(c) == "unlicensed"),
        method="licheck",
    )


def mot_divergences(
    record: ModelRecord, license_verdicts: LicenseVerdicts
) -> tuple[Divergence, ...]:
    """Where MOT's evaluation of this record differs from licheck's, one reason each."""
    found: list[Divergence] = []
    seen: dict[str, int] = {}
    for component in record.components:
        spec_exact = COMPONENT_BY_NAME.get(component.name)
        spec = spec_exact or find_component(component.name)
        raw = component.license
        if spec is None:
            found.append(
                Divergence(
                    component.name,
                    raw,
                    f"'{component.name}' is no MOF component: MOT's loader would file it under "
                    "another component (PHP array_search returns false, read as index 0)",
                )
            )
            continue
        if spec_exact is None:
            found.append(
                Divergence(
                    component.name,
                    raw,
                    f"MOT matches component names exactly: '{component.name}' is "
                    f"'{spec.name}' for licheck, unknown to MOT",
                )
            )
        seen[spec.name] = seen.get(spec.name, 0) + 1
        if seen[spec.name] == 2:
            found.append(
                Divergence(spec.name, raw, "component listed twice: MOT keeps only the last")
            )
        state = license_state(raw)
        if state == "not-included":
            found.append(
                Divergence(
                    spec.name,
                    raw,
                    "the license says the component is not released: MOT counts it as released "
                    "with an invalid license, licheck as missing",
                )
            )
            continue
        if state == "none" or raw is None:
            continue
        mot_open = mot_is_open(raw)
        verdict = expression_verdict(license_verdicts, raw)
        ours = _open_for(spec, verdict)
        if not mot_open and ours:
            if raw in MOT_TYPE_LICENSES:
                why = f"MOT's own accepted list names {raw}, yet its evaluator does not count it"
            else:
                why = (
                    f"MOT matches license ids exactly and case-sensitively: '{raw}' is an open "
                    f"license ({verdict}) it does not recognise"
                )
            found.append(Divergence(spec.name, raw, why))
        elif mot_open and not ours:
            if spec.kind == "code" and verdict in OPEN_VERDICTS:
                why = (
                    f"MOT accepts {raw} for code because it is FSF-libre or an open-data license; "
                    "code needs an OSI-approved license"
                )
            else:
                why = (
                    f"MOT counts {raw} as open (FSF-libre, OSI or open-data list); licheck's "
                    f"verdict is {verdict}"
                )
            found.append(Divergence(spec.name, raw, why))
    return tuple(found)


# --- OSAID 1.0 --------------------------------------------------------------------------------

DATA_DESCRIPTIONS = ("Data card", "Technical report", "Research paper")
OSAID_CODE = ("Data preprocessing code", "Training code", "Inference code")


def osaid(record: ModelRecord, license_verdicts: LicenseVerdicts) -> OsaidResult:
    """Judge a record against the Open Source AI Definition 1.0 (OSI, October 2024).

    Data information: a sufficiently detailed description of the training data (a data card,
    technical report or research paper, not under terms licheck judges not open) and the list
    of public and third-party data (a Datasets component or declared datasets; OSAID does not
    require the data itself to be open, so the datasets' own license is not judged). Code: data
    processing, training and inference code under OSI-approved licenses. Parameters: the final
    weights (or the model's declared license when no parameters component is listed) under
    OSI-approved or OSD-conformant terms. `license_verdicts` maps each license name as the
    record declares it (component licenses, record.license) to the engine's verdict.
    """
    inventory = {_BY_ID[cid].name: c for cid, c in _inventory(record).items()}
    misses: list[OsaidMiss] = []

    def licensed(name: str) -> tuple[str | None, str]:
        component = inventory[name]
        if license_state(component.license) == "none":
            return None, "unknown"
        raw = str(component.license)
        return raw, expression_verdict(license_verdicts, raw)

    descriptions = [n for n in DATA_DESCRIPTIONS if n in inventory]
    if not descriptions:
        misses.append(
            OsaidMiss(
                "data information",
                "no description of the training data: release a data card, technical report "
                "or research paper",
            )
        )
    elif all(licensed(n)[1] == "not-open" for n in descriptions):
        names = ", ".join(f"{n} ({licensed(n)[0]})" for n in descriptions)
        misses.append(
            OsaidMiss("data information", f"the data description is not openly licensed: {names}")
        )
    if "Datasets" not in inventory and not record.datasets:
        misses.append(
            OsaidMiss(
                "data information",
                "no list of the public and third-party training data: declare the Datasets",
                "Datasets",
            )
        )
    for name in OSAID_CODE:
        if name not in inventory:
            misses.append(OsaidMiss("code", f"{name.lower()} is not released", name))
            continue
        raw, verdict = licensed(name)
        if raw is None:
            misses.append(OsaidMiss("code", f"{name.lower()} states no license", name))
        elif verdict != "osi-approved":
            misses.append(
                OsaidMiss(
                    "code", f"{name.lower()} is under {raw}, not an OSI-approved license", name
                )
            )
    weights = inventory.get("Model parameters (Final)")
    if weights is not None:
        raw, verdict = licensed("Model parameters (Final)")
    elif record.license is not None and record.license not in ("NONE", "NOASSERTION"):
        raw, verdict = record.license, expression_verdict(license_verdicts, record.license)
    else:
        raw, verdict = None, "unknown"
    if weights is None and raw is None:
        reason = (
            "the weights are not released"
            if record.license == "NONE"
            else "the final model parameters are not released or state no license"
        )
        misses.append(OsaidMiss("parameters", reason, "Model parameters (Final)"))
    elif raw is None:
        misses.append(
            OsaidMiss(
                "parameters",
                "the final model parameters state no license",
                "Model parameters (Final)",
            )
        )
    elif verdict not in OPEN_VERDICTS:
        shown = "not open" if verdict == "not-open" else "not verified as open"
        misses.append(
            OsaidMiss(
                "parameters",
                f"the weights are under {raw}: {shown} (OSAID needs OSI-approved or "
                "OSD-conformant terms)",
                "Model parameters (Final)",
            )
        )
    return OsaidResult(tuple(misses))


# --- the bundle the engine and the formats use -----------------------------------------------


def openness(record: ModelRecord, license_verdicts: LicenseVerdicts) -> Openness:
    """OSAID verdict, MOT's MOF class, licheck's corrected class and the differences, at once."""
    if not record.components:
        # Most cards list no component: both classes are "Unclassified" and nothing diverges,
        # whatever the license (a scan of a Hub dump meets this a million times).
        mof, mof_licheck = _unclassified()
        return Openness(osaid(record, license_verdicts), mof, mof_licheck, ())
    return Openness(
        osaid=osaid(record, license_verdicts),
        mof=mof_class(record),
        mof_licheck=mof_class_licheck(record, license_verdicts),
        divergences=mot_divergences(record, license_verdicts),
    )


@cache
def _unclassified() -> tuple[MofResult, MofResult]:
    """MOT's and licheck's classes of a model with no component inventory (computed once)."""
    empty = ModelRecord(source="", format="", name="", license=None)
    return mof_class(empty), mof_class_licheck(empty, {})


def license_names(record: ModelRecord, catalog: Catalog) -> dict[str, str | None]:
    """Every license name the openness checks will ask a verdict for, with its licheck id.

    The engine should judge each id (None: licheck cannot name it) and hand back a mapping from
    the *declared* name to the verdict: that is the `license_verdicts` argument above.
    """
    from licheck.knowledge.mof import normalise_license_name

    names: dict[str, str | None] = {}
    for component in record.components:
        if component.license is None or license_state(component.license) != "license":
            continue
        for name in _expression_parts(component.license):
            names[name] = normalise_license_name(name, catalog).id
    if record.license is not None:
        for name in _expression_parts(record.license):
            names.setdefault(name, name)
    return names


def _expression_parts(text: str) -> list[str]:
    """The licenses an expression names (a free-text name is one part, whatever it holds)."""
    if not _OPERATOR.search(text):
        return [text]
    from licheck.engine.expression import leaves, parse
    from licheck.errors import ExpressionError

    try:
        return [leaf.key for leaf in leaves(parse(text))]
    except ExpressionError:
        return [text]
