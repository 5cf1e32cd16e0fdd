"""An SBOM's own `LicenseRef-*`, resolved through the text and the name the SBOM gives it.

SPDX 2.3 lets a document define a license that is not on the SPDX list: an id
`LicenseRef-Gemma`, its text (`extractedText`) and its name (`name`) under
hasExtractedLicensingInfos (clause 10). The id alone tells licheck nothing, so it is resolved:

- through its text, the positive evidence: the text is identified like any license file
  (knowledge/match.py), and the license it is, or its clauses when it is no license licheck
  knows, are judged with quotes from that text;
- through its name when the document gives no text (or only a pointer): the name is the
  document author's claim, a candidate and no more. A candidate that would pass (a LicenseRef
  named "MIT License") cannot be verified, because a LicenseRef is by definition not the listed
  license and its terms are not shown: it is `unknown`. A candidate that fails keeps its failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from licheck.knowledge.catalog import Catalog, Resolution
from licheck.records import Identification, LicenseResult, LicenseText, ModelRecord, replace


class _Read(Protocol):
    """What this module needs of engine.judge's ReadText (judge imports this module, so this
    one names the shape instead of importing it back)."""

    @property
    def text(self) -> LicenseText: ...
    @property
    def identification(self) -> Identification | None: ...
    @property
    def resolution(self) -> Resolution | None: ...
    @property
    def status(self) -> str | None: ...


ReadText = TypeVar("ReadText", bound=_Read)


def defining_texts(ref: str, texts: list[ReadText]) -> tuple[list[ReadText], list[ReadText]]:
    """The texts the input gives as `ref`'s own text, and those that only point elsewhere (a
    URL, a note): a pointer is no text of it, and the license it points to only a candidate."""
    given = [t for t in texts if t.text.defines == ref]
    pointers = [t for t in given if _pointer(t) is not None or t.status == "no-license"]
    return [t for t in given if t not in pointers], pointers


def _pointer(read: _Read) -> str | None:
    return read.identification.pointer if read.identification is not None else None


def candidate(
    record: ModelRecord, ref: str, pointers: Sequence[_Read], catalog: Catalog
) -> tuple[str, Resolution] | None:
    """What the document says `ref` is without giving its text, when licheck knows the license
    it says: the name it gives it (SPDX 2.3 10.3), else the license its pointer names. Returns
    how the document says it ("named 'MIT License'") and the candidate."""
    name = dict(record.license_ref_names).get(ref)
    named = catalog.resolve(name) if name is not None else None
    if name is not None and named is not None:
        return f"named '{name}'", named
    for read in pointers:
        if read.resolution is not None:
            return f"only a pointer to {_pointer(read)}", read.resolution
    return None


def judged_by_name(result: LicenseResult, ref: str, how: str) -> LicenseResult:
    """A LicenseRef judged by what its document calls it, with no text: what the candidate
    fails still fails; a pass is not verified (OSD judgments need the terms themselves)."""
    reason = (
        f"{ref} is {how} in the document, which gives no text of it: licheck cannot verify "
        f"that its terms are those of {result.name}"
    )
    note = f"judged by what the document says of {ref} ({how}); it gives no text of it"
    if result.verdict in ("osi-approved", "open"):
        return replace(
            result,
            verdict="unknown",
            osi_approved=False,
            unverified=(*result.unverified, reason),
            note=note,
        )
    return replace(result, note=note)


def unidentified_ref(
    result: LicenseResult, record: ModelRecord, ref: str, pointers: Sequence[_Read]
) -> LicenseResult:
    """A LicenseRef whose text is no license licheck knows (judged by its clauses), or whose
    document gives only a pointer and no name licheck knows: named as the document names it."""
    name = dict(record.license_ref_names).get(ref)
    targets = [p for p in map(_pointer, pointers) if p]
    note = (
        f"{ref} is no license licheck knows: its text in the document is judged by its clauses"
        if result.texts
        else f"the document gives no text of {ref}"
        + (f", only a pointer to {targets[0]}" if targets else "")
    )
    return replace(result, name=f"{name} ({ref})" if name else result.name, note=note)
