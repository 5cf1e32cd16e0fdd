"""The ten criteria of the Open Source Definition, as data.

Every finding in licheck lands on one of these ids (see ../shared/OSD.md for the mapping of
clauses to criteria), so the knowledge base, the clause engine and every report agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    """One OSD criterion: its id, its official title and what it asks in plain words."""

    id: str
    title: str
    meaning: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "OSD1",
        "Free Redistribution",
        "Anyone may give the work away or sell it, alone or in a bundle, with no fee owed.",
    ),
    Criterion(
        "OSD2",
        "Source Code",
        "The preferred form for modification is available and not obfuscated.",
    ),
    Criterion(
        "OSD3",
        "Derived Works",
        "Modification and derived works are allowed and may be shared under the same terms.",
    ),
    Criterion(
        "OSD4",
        "Integrity of The Author's Source Code",
        "The license may only ask for patch files or a new name or version for derived works.",
    ),
    Criterion(
        "OSD5",
        "No Discrimination Against Persons or Groups",
        "No person or group is excluded, whatever their size, revenue or country.",
    ),
    Criterion(
        "OSD6",
        "No Discrimination Against Fields of Endeavor",
        "Any use is allowed, commercial use included, with no use restrictions.",
    ),
    Criterion(
        "OSD7",
        "Distribution of License",
        "The rights pass to every recipient without a further agreement.",
    ),
    Criterion(
        "OSD8",
        "License Must Not Be Specific to a Product",
        "The rights do not depend on a particular product, platform or service.",
    ),
    Criterion(
        "OSD9",
        "License Must Not Restrict Other Software",
        "No conditions on other software or models distributed alongside.",
    ),
    Criterion(
        "OSD10",
        "License Must Be Technology-Neutral",
        "No provision depends on a technology, interface or way of accepting.",
    ),
)

CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)
BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
