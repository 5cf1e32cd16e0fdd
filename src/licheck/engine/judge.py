"""Judging licenses: one license (a name, a profile, a text) against the ten OSD criteria.

Pure: it reads nothing but what the catalog and the text readers hand it, prints nothing, knows
no clock and no policy. A profile's judgment stands for an exact copy of its text; the clause
engine reads what identification could not vouch for (a modified or unrecognised text).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import msgspec

from licheck.engine.expression import Leaf, Node, leaves
from licheck.engine.license_refs import (
    candidate,
    defining_texts,
    judged_by_name,
    unidentified_ref,
)
from licheck.knowledge.catalog import Catalog, Profile, Resolution, did_you_mean
from licheck.records import (
    CRITERIA,
    CRITERION_IDS,
    CriterionResult,
    Finding,
    LicenseResult,
    LicenseText,
    ModelRecord,
    Obligation,
    Span,
    Status,
    replace,
    verdict_for,
    worst,
)

if TYPE_CHECKING:
    from licheck.clauses.analysis import TextAnalysis
    from licheck.knowledge.disguise import Disguise
    from licheck.records import Identification


TextAnalyser = Callable[[str, str], "TextAnalysis"]
TextIdentifier = Callable[[str, str], "Identification"]
# Texts that belong to the weights' license: the license itself, LICENSE-MODEL, a use policy.
WEIGHTS_ROLES = ("license", "model", "use-policy")


class _Judgment(msgspec.Struct, frozen=True):
    """A criterion's status before it is frozen into a CriterionResult.

    `judged` is False when licheck simply has no analysis (an unknown name, an SPDX license we
    have no profile of); a license text, when given, then decides instead.
    """

    status: Status
    findings: tuple[Finding, ...]
    judged: bool


def _from_profile(profile: Profile) -> dict[str, _Judgment]:
    judgments = {}
    for cid in CRITERION_IDS:
        entry = profile.criteria[cid]
        findings = tuple(
            Finding(
                criterion=cid,
                status=entry.status,
                message=item.reasoning,
                evidence=item.evidence,
                section=item.section,
                file=f"licenses/{profile.file}",
                source="profile",
            )
            for item in entry.findings
        )
        judgments[cid] = _Judgment(entry.status, findings, judged=True)
    return judgments


def _unjudged(message: str) -> dict[str, _Judgment]:
    return {
        cid: _Judgment(
            "unknown", (Finding(cid, "unknown", message, source="profile"),), judged=False
        )
        for cid in CRITERION_IDS
    }


def _all_pass() -> dict[str, _Judgment]:
    return {cid: _Judgment("pass", (), judged=True) for cid in CRITERION_IDS}


def _merge_text(judgments: dict[str, _Judgment], analysis: TextAnalysis) -> dict[str, _Judgment]:
    """Add what the clause engine found in a license text to a license's judgments.

    A text can only add doubts or failures to our profile (a modified license is worse than
    its parent, never better); where licheck had no analysis at all, the text decides.
    """
    merged = {}
    for cid in CRITERION_IDS:
        current = judgments[cid]
        found = tuple(f for f in analysis.findings if f.criterion == cid)
        text_status = analysis.status(cid)
        if not current.judged:
            # The text alone decides: open needs a grant licheck read (positive evidence).
            missing = _missing_right(cid, analysis) if text_status == "pass" else None
            if missing is not None:
                text_status, found = "unknown", (*found, missing)
            merged[cid] = _Judgment(text_status, found, judged=True)
        else:
            merged[cid] = _Judgment(
                worst([current.status, text_status]), current.findings + found, judged=True
            )
    return merged


# The rights each criterion needs granted in so many words, for a text no profile vouches for:
# free redistribution (OSD1) and derived works (OSD3). Copying is part of redistributing.
_NEEDED_RIGHTS = {"OSD1": "distribute", "OSD3": "modify"}


def _missing_right(criterion: str, analysis: TextAnalysis) -> Finding | None:
    """A doubt when a text that only its clauses judge never grants what the criterion needs."""
    right = _NEEDED_RIGHTS.get(criterion)
    if right is None or right in analysis.rights or not analysis.grants_rights:
        return None
    return Finding(
        criterion,
        "unknown",
        f"licheck found no clause granting the right to {right}; a license is open only on "
        "positive evidence, so this needs a reader",
        source="clause",
        rule="no-grant-found",
    )


def _freeze(judgments: dict[str, _Judgment]) -> tuple[CriterionResult, ...]:
    return tuple(
        CriterionResult(c.id, c.title, judgments[c.id].status, judgments[c.id].findings)
        for c in CRITERIA
    )


class ReadText(msgspec.Struct, frozen=True):
    """One license text (or one part of a file holding several) as licheck read it: what it
    is (identification) and what its clauses say where they need reading (analysis)."""

    text: LicenseText
    identification: Identification | None = None
    resolution: Resolution | None = None
    analysis: TextAnalysis | None = None
    # The text as judged: the file's text with invisible characters removed and look-alike
    # letters folded (knowledge/disguise.py), line for line the file's own.
    body: str = ""
    # What licheck could not read or vouch for in it (a disguise, a language the rules do not
    # read, a truncated file): it keeps whatever it is part of from passing.
    unverified: tuple[str, ...] = ()

    @property
    def status(self) -> str | None:
        """exact | modified | unrecognised | no-license, or None when not identified."""
        return self.identification.status if self.identification else None


def judge_license(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    texts: tuple[ReadText, ...] = (),
) -> LicenseResult:
    """One license, criterion by criterion, from its profile, its OSI status and any texts."""
    if not texts:
        return _judge_name(declared, resolution, catalog)
    return _judge(declared, resolution, catalog, texts)


@lru_cache(maxsize=2048)
def _judge_name(declared: str, resolution: Resolution | None, catalog: Catalog) -> LicenseResult:
    """A license judged by name alone, remembered: a scan meets the same few names again and
    again. Results are frozen, so sharing them is safe."""
    return _judge(declared, resolution, catalog, ())


def _judge(
    declared: str,
    resolution: Resolution | None,
    catalog: Catalog,
    texts: tuple[ReadText, ...],
) -> LicenseResult:
    obligations: tuple[Obligation, ...] = ()
    family = url = None
    placeholder = False
    note = resolution.note if resolution else None
    suggestions: tuple[str, ...] = ()
    if resolution is None:
        suggestions = tuple(catalog.suggest(declared))
        judgments = _unjudged(
            f"licheck does not know the license '{declared}': it is no SPDX id, Hugging Face id, "
            "ScanCode key or name in licheck's knowledge base"
            + (f" ({did_you_mean(suggestions)})" if suggestions else "")
        )
    elif resolution.kind == "profile":
        profile = catalog.profile(resolution.id)
        judgments = _from_profile(profile)
        placeholder = profile.kind == "placeholder"
        if placeholder:
            # `other`, `unknown`, NOASSERTION say "look elsewhere": a text given decides.
            judgments = {cid: replace(j, judged=False) for cid, j in judgments.items()}
        obligations = tuple(Obligation(o.kind, o.text, o.section) for o in profile.obligations)
        family, url = profile.family, profile.url
    elif resolution.osi_approved:
        # OSI reviewed this license against the OSD: a fact we take over, criterion by criterion.
        judgments = _all_pass()
        note = note or "on OSI's list of approved licenses"
    else:
        judgments = _unjudged(
            f"{resolution.name} is not OSI-approved and licheck has no profile of it; give its "
            "text (license_file) to have its clauses judged"
        )
    judgments = _grounded(judgments, texts)
    for read in texts:
        if read.analysis is not None:
            judgments = _merge_text(judgments, read.analysis)
    criteria = _freeze(judgments)
    statuses = [c.status for c in criteria]
    osi = bool(resolution and resolution.osi_approved)
    paths = ", ".join(dict.fromkeys(r.text.path for r in texts))
    label = resolution.name if resolution else declared
    modified = [r for r in texts if r.status == "modified"]
    text_fails = any(f.status == "fail" for r in texts if r.analysis for f in r.analysis.findings)
    differences = tuple(
        d.message for r in modified if r.identification for d in r.identification.differences
    )
    if osi and (modified or text_fails):
        # The text shipped is not the license OSI approved (it is modified, or adds clauses that
        # break the OSD): whatever its name, it must never pass as its clean parent.
        osi = False
        why = "it is a modified version" if modified else "it adds clauses that break the OSD"
        note = f"the text shipped ({paths}) is not the OSI-approved {label}: {why}"
    elif modified:
        note = f"the text shipped ({paths}) is a modified {label}"
    name = resolution.name if resolution else None
    if modified and name:
        name = f"{name} (modified)"
    match = None
    if texts:
        match = "modified" if modified else texts[0].status
    similarity = min((r.identification.similarity for r in texts if r.identification), default=None)
    unverified = tuple(dict.fromkeys(reason for r in texts for reason in r.unverified))
    foreign = [r for r in texts if r.status == "unrecognised"] if resolution else []
    if foreign and not placeholder:
        # The file shipped as this license's text is no text licheck knows: its restrictions
        # were read, but what it grants is not the declared license's grant (a card saying MIT
        # over a LICENSE that says something else): the terms cannot be verified.
        osi = False
        unverified += tuple(
            f"{r.text.path} is shipped as the text of {label} but is not that license's text, "
            "and licheck cannot identify it: the model's terms are what it says"
            for r in foreign
        )
    verdict = verdict_for(osi, statuses)
    if unverified and verdict in ("osi-approved", "open"):
        verdict = "unknown"  # nothing unread passes
    return LicenseResult(
        declared=declared,
        id=resolution.id if resolution else None,
        name=name,
        osi_approved=osi,
        verdict=verdict,
        score=sum(1 for s in statuses if s == "pass"),
        criteria=criteria,
        known=resolution is not None,
        profile=bool(resolution and resolution.kind == "profile"),
        family=family,
        url=url,
        note=note,
        texts=tuple(dict.fromkeys(r.text.path for r in texts)),
        obligations=obligations,
        match=match,
        similarity=similarity,
        differences=differences,
        unverified=unverified,
        suggestions=suggestions,
    )


def _grounded(judgments: dict[str, _Judgment], texts: tuple[ReadText, ...]) -> dict[str, _Judgment]:
    """The profile's findings as the shipped texts bear them out (engine/evidence.py)."""
    from licheck.engine.evidence import ground

    if not texts:
        return judgments
    pairs = tuple((r.text.path, r.body or r.text.text) for r in texts)
    modified = any(r.status == "modified" for r in texts)
    grounded = {}
    for cid, judgment in judgments.items():
        status, findings = ground(judgment.findings, judgment.status, pairs, modified=modified)
        grounded[cid] = replace(judgment, status=status, findings=findings)
    return grounded


def read_texts(
    record: ModelRecord,
    catalog: Catalog,
    analyse_text: TextAnalyser | None,
    identify_text: TextIdentifier | None,
) -> list[ReadText]:
    """Identify each license text (each part of a file holding several) and read the clauses
    that need reading: none of an exact copy (its profile holds the judgment, grounded in the
    text), all of a modified or unrecognised one (what it says is derived from it alone).

    Each text is first undisguised (invisible characters out, look-alike letters folded:
    knowledge/disguise.py): a disguise is itself reported, and keeps the text from passing.
    """
    if not record.license_texts:
        return []  # a card or model.yaml alone: the disguise reader is not even imported
    from licheck.knowledge.disguise import undisguise

    found: list[ReadText] = []
    for text in record.license_texts:
        # Identification keeps a hyphen that ends a line (it may be a URL's own, as in
        # models-and-\nlibraries) and joins words itself; the clause engine reads prose, where
        # "com-\nmercial" is one word: it gets the words joined (line for line, all the same).
        clean = undisguise(text.text, markup=False, hyphenation=False)
        body = clean.text
        prose: str | None = None
        hidden = tuple(_disguise_note(text.path, d) for d in clean.suspicious)
        identification = identify_text(body, text.path) if identify_text else None
        several = bool(identification and identification.parts)
        parts = identification.parts if identification and several else (identification,)
        for part in parts:
            resolution = None
            if part is not None and part.license_id and part.status in ("exact", "modified"):
                resolution = catalog.resolve(part.license_id)
            analysis = None
            if analyse_text is not None and (
                part is None or part.status in ("modified", "unrecognised")
            ):
                if prose is None:
                    prose = undisguise(text.text, markup=False).text
                analysis = _analyse_part(prose, part if several else None, text.path, analyse_text)
            unverified = hidden + _unread_notes(text.path, analysis)
            found.append(ReadText(text, part, resolution, analysis, prose or body, unverified))
    return found


def _disguise_note(path: str, disguise: Disguise) -> str:
    """A disguise in words: what hid, how often, from which line (escaped by the disguise)."""
    what = {
        "invisible": "invisible characters",
        "look-alike": "letters of another script that look like Latin ones",
        "compatibility": "compatibility forms of letters (fullwidth, mathematical)",
    }.get(disguise.kind, disguise.kind)
    return (
        f"{path} hides its words with {what} ({disguise.count}, from line "
        f"{disguise.first_line}: {disguise.example}); read without them, but a license "
        "written to slip past a reader needs a human one"
    )


_LANGUAGES = {
    "ja": "Japanese", "ko": "Korean", "cyrillic": "Cyrillic script", "greek": "Greek",
    "hebrew": "Hebrew", "arabic": "Arabic", "devanagari": "Devanagari script", "thai": "Thai",
    "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch",
}  # fmt: skip


def _unread_notes(path: str, analysis: TextAnalysis | None) -> tuple[str, ...]:
    """What the clause engine could not read in a text: other languages, a truncated file."""
    if analysis is None:
        return ()
    notes = [
        f"{path}, {f'lines {line}-{end}' if end != line else f'line {line}'}, is in "
        f"{_LANGUAGES.get(language, language)}, which licheck's rules do not read (they read "
        "English and Chinese)"
        for line, end, language in analysis.unread
    ]
    if analysis.truncated:
        notes.append(f"{path} is longer than licheck reads; the rest was not read")
    return tuple(notes)


def _analyse_part(
    body: str, part: Identification | None, path: str, analyse_text: TextAnalyser
) -> TextAnalysis:
    """The clause engine over a whole text, or over the lines of one part of a file holding
    several licenses (its own lines and the text added beside it), at the file's lines."""
    if part is None or part.line is None:
        return analyse_text(body, path)
    spans = part.review_spans()
    first = min([part.line, *(s.line for s in spans)])
    last = max([part.end_line or part.line, *(s.end_line for s in spans)])
    lines = body.split("\n")
    return _analyse_spans(
        (Span(first, last, "\n".join(lines[first - 1 : last])),), path, analyse_text
    )


def _analyse_spans(spans: tuple[Span, ...], path: str, analyse_text: TextAnalyser) -> TextAnalysis:
    """The clause engine over some spans of a file, its findings at the file's own lines."""
    from licheck.clauses.analysis import TextAnalysis
    from licheck.clauses.rules import load_rules

    # Rules scoped to a whole text ("grants no rights at all") say nothing about a fragment.
    whole_text = {rule.id for rule in load_rules() if rule.scope == "text"}
    findings: list[Finding] = []
    grants = False
    truncated = False
    rights: set[str] = set()
    unread: list[tuple[int, int, str]] = []
    for span in spans:
        analysis = analyse_text(span.text, path)
        grants = grants or analysis.grants_rights
        truncated = truncated or analysis.truncated
        rights.update(analysis.rights)
        shift = span.line - 1
        unread.extend((a + shift, b + shift, lang) for a, b, lang in analysis.unread)
        for finding in analysis.findings:
            if finding.rule in whole_text:
                continue
            findings.append(
                replace(
                    finding,
                    line=finding.line + shift if finding.line else span.line,
                    end_line=finding.end_line + shift if finding.end_line else None,
                )
            )
    return TextAnalysis(
        findings=tuple(findings),
        grants_rights=grants,
        truncated=truncated,
        unread=tuple(unread),
        rights=frozenset(rights),
    )


def _judge_declared(
    record: ModelRecord, tree: Node, texts: list[ReadText], catalog: Catalog
) -> tuple[dict[Leaf, LicenseResult], list[ReadText]]:
    """Judge each declared license with the texts that are its text; return the texts left.

    A text identified as a declared license belongs to it. A placeholder (`other`, `unknown`,
    NOASSERTION) takes the license a text or `license_name` names. A single declared license
    also takes the unrecognised texts of the weights (LICENSE, LICENSE-MODEL, a use policy):
    they are its text as shipped, and a restriction in them makes it fail.
    """
    leaf_list = list(leaves(tree))
    resolutions = {leaf: catalog.resolve(leaf.key) for leaf in leaf_list}
    remaining = list(texts)
    by_leaf: dict[Leaf, LicenseResult] = {}
    for leaf in leaf_list:
        resolution = resolutions[leaf]
        declared = leaf.text
        # An SBOM's own LicenseRef: its text is what it is (engine/license_refs.py).
        defining, pointers = defining_texts(leaf.key, remaining) if resolution is None else ([], [])
        remaining = [t for t in remaining if t not in pointers]  # a pointer is no text of it
        by_name = candidate(record, leaf.key, pointers, catalog) if resolution is None else None
        if defining:
            resolution, by_name = defining[0].resolution, None
        elif by_name is not None:
            resolution = by_name[1]
        placeholder = (
            resolution is not None
            and resolution.kind == "profile"
            and (catalog.summary(resolution.id).get("kind") == "placeholder")
        )
        own = [
            t
            for t in remaining
            if t.resolution is not None
            and resolution is not None
            and t.resolution.id == resolution.id
        ]
        own += [t for t in defining if t not in own]
        if placeholder:
            named = _license_name(record, resolution, catalog)
            if named is not None:
                resolution, declared = named, f"{leaf.key} (license_name: {record.license_name})"
                own = [
                    t for t in remaining if t.resolution is not None and t.resolution.id == named.id
                ]
            else:
                others = {r.id for r in resolutions.values() if r is not None}
                found = [
                    t
                    for t in remaining
                    if t.resolution is not None
                    and t.resolution.id not in others
                    and t.text.role in WEIGHTS_ROLES
                ]
                if found:
                    resolution = found[0].resolution
                    declared = f"{leaf.key} ({found[0].text.path})"
                    own = [t for t in found if t.resolution == resolution]
        if len(leaf_list) == 1:
            own += [
                t
                for t in remaining
                if t not in own
                and t.resolution is None
                and t.text.role in WEIGHTS_ROLES
                and t.status != "no-license"
            ]
        remaining = [t for t in remaining if t not in own]
        if placeholder and record.license_name and not own and resolution is resolutions[leaf]:
            # A Hub `license_name` licheck does not know, with no text to read: say so first,
            # once, with the closest names, rather than ten identical review paragraphs.
            by_leaf[leaf] = _unknown_license_name(leaf.key, record.license_name, catalog)
            continue
        result = judge_license(leaf.key, resolution, catalog, tuple(own))
        if by_name is not None and not own:
            result = judged_by_name(result, leaf.key, by_name[0])
        elif resolution is None and (pointers or defining):
            result = unidentified_ref(result, record, leaf.key, pointers)
        by_leaf[leaf] = _disguised_id(
            replace(result, declared=declared) if declared != leaf.key else result, leaf.key
        )
    return by_leaf, remaining


def judge_unmatched_texts(
    record: ModelRecord, texts: list[ReadText], catalog: Catalog
) -> list[tuple[ReadText, LicenseResult]]:
    """Judge the license texts that no declared license explains, each on its own.

    An undeclared text still binds whoever takes the model (a LICENSE beside a card that says
    MIT is part of the terms); whether it is a violation is the policy's decision.
    """
    judged: list[tuple[ReadText, LicenseResult]] = []
    for read in texts:
        path = read.text.path
        if read.status == "no-license":
            result = judge_license(path, None, catalog)
            result = replace(
                result,
                name=f"{path} (no license terms: a pointer or a note)",
                note=f"points to {read.identification.pointer}"
                if read.identification and read.identification.pointer
                else None,
                match="no-license",
                texts=(path,),
            )
            judged.append((read, result))
            continue
        result = judge_license(path, read.resolution, catalog, (read,))
        if read.resolution is None:
            result = replace(
                result, known=True, name=f"license text {path}", note="judged from its text alone"
            )
        judged.append((read, result))
    return judged


def _disguised_id(result: LicenseResult, declared: str) -> LicenseResult:
    """A declared id written with look-alike or invisible characters is judged as the license
    it imitates (so a deny rule holds) and is reported: it cannot pass as written."""
    if declared.isascii():
        return result
    from licheck.knowledge.disguise import fold_identifier

    folded, disguises = fold_identifier(declared)
    if not disguises:
        return result
    shown = declared.encode("ascii", "backslashreplace").decode("ascii")
    reason = (
        f"the declared license id '{shown}' is written with "
        + ", ".join(f"{d.kind} characters ({d.example})" for d in disguises)
        + f"; read as '{folded}', but an id disguised this way needs a human reader"
    )
    verdict = "unknown" if result.verdict in ("osi-approved", "open") else result.verdict
    return replace(result, unverified=(*result.unverified, reason), verdict=verdict)


def _unknown_license_name(declared: str, license_name: str, catalog: Catalog) -> LicenseResult:
    """A `license: other` whose `license_name` licheck does not know and no text explains."""
    close = catalog.suggest(license_name)
    headline = f"license_name '{license_name}' is not known to licheck" + (
        f" ({did_you_mean(close)})" if close else ""
    )
    result = judge_license(license_name, None, catalog)
    return replace(
        result, declared=f"{declared} (license_name: {license_name})", name=headline, known=False
    )


def _license_name(
    record: ModelRecord, resolution: Resolution | None, catalog: Catalog
) -> Resolution | None:
    """The license a card's `license_name` names, when its `license:` is a placeholder (`other`).

    Hugging Face cards declare custom licenses as `license: other` + `license_name: llama3`;
    the name is the declaration that counts when licheck knows it.
    """
    if record.license_name is None or resolution is None or resolution.kind != "profile":
        return None
    if catalog.summary(resolution.id).get("kind") != "placeholder":
        return None
    named = catalog.resolve(record.license_name)
    if named is None or named.id == resolution.id:
        return None
    return named


def _access(record: ModelRecord) -> LicenseResult:
    """What the input says about getting the model (a Hub gate, an excluded region), judged as
    one more set of terms: a click-through agreement with the licensor is not in the license,
    yet every recipient must accept it (OSD7, OSD10)."""
    judgments = {
        cid: _Judgment(
            worst([f.status for f in record.access if f.criterion == cid]),
            tuple(f for f in record.access if f.criterion == cid),
            judged=True,
        )
        for cid in CRITERION_IDS
    }
    criteria = _freeze(judgments)
    statuses = [c.status for c in criteria]
    return LicenseResult(
        declared="access conditions",
        id=None,
        name=f"Access conditions declared in {record.source}",
        osi_approved=False,
        verdict=verdict_for(False, statuses),
        score=sum(1 for s in statuses if s == "pass"),
        criteria=criteria,
        known=True,
        note="conditions on getting the model, beside its license",
    )
