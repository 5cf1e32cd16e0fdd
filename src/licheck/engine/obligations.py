"""Obligations: does a model about to be published do what its licenses demand? (issue 19)

Every license a model carries or inherits (engine.judgment) lists its duties in the knowledge
base, each with a machine-checkable test where files can show it. This checks each against the
files shipped in the model's folder (read by inputs.published) and says `met` (with the file,
line and words that show it), `unmet` (with what to add) or `unknown` (the files cannot tell).
Pass only on positive evidence: a duty no test covers, or a file that could not be read, is
`unknown`, never `met`. Nothing here decides a policy: engine.policy does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import msgspec

from licheck.engine.judge import TextIdentifier
from licheck.engine.judgment import ModelJudgment, SameRunModel, base_key, model_folder
from licheck.knowledge.catalog import Catalog, ObligationCheck, ProfileObligation
from licheck.records import (
    Evidence,
    Identification,
    LicenseResult,
    ObligationResult,
    ObligationStatus,
    ShippedFile,
)

# What a folder holds, for its model and for any same-run base: (files, paths not read).
Published = tuple[tuple[ShippedFile, ...], tuple[str, ...]]
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_EXCERPT = 120


class _Subject(msgspec.Struct, frozen=True):
    """What every test of one model needs: its judgment, files, readers and the run's bases."""

    judgment: ModelJudgment
    files: tuple[ShippedFile, ...]
    unread: tuple[str, ...]
    folder: str
    identify: TextIdentifier
    published: Mapping[str, Published]
    bases: Mapping[str, SameRunModel]

    def role(self, *roles: str) -> list[ShippedFile]:
        return [f for f in self.files if f.role in roles]


def check_obligations(
    judgment: ModelJudgment,
    *,
    catalog: Catalog,
    identify: TextIdentifier,
    published: Mapping[str, Published],
    bases: Mapping[str, SameRunModel] | None = None,
) -> tuple[ObligationResult, ...]:
    """Every obligation of every license binding a judged model, checked against its files."""
    folder = str(model_folder(judgment.record.source, judgment.record.format))
    files, unread = published.get(folder, ((), ()))
    subject = _Subject(judgment, files, unread, folder, identify, published, bases or {})
    found: list[ObligationResult] = []
    seen: set[str] = set()
    for result in judgment.results:
        if result.declared == "access conditions":
            continue
        key = result.id or result.declared
        if key in seen:
            continue  # declared and inherited: one set of duties
        seen.add(key)
        duties = catalog.obligations(result.id) if result.id and result.known else None
        if duties is None:
            found.append(_unknown_license(result, subject))
            continue
        found.extend(_check(result, duty, subject) for duty in duties)
    return tuple(found)


def _label(result: LicenseResult) -> str:
    return result.id or result.declared


def _unknown_license(result: LicenseResult, subject: _Subject) -> ObligationResult:
    return ObligationResult(
        license=_label(result),
        kind="other",
        duty=f"the obligations of {result.name or result.declared}",
        status="unknown",
        fix=None,
        test=None,
        inherited_from=result.inherited_from,
        file=subject.judgment.record.source,
        evidence=(),
        section=None,
    )


_Outcome = tuple[ObligationStatus, tuple[Evidence, ...], str | None, str | None]
_Test = Callable[[LicenseResult, ObligationCheck, "_Subject"], _Outcome]


def _check(result: LicenseResult, duty: ProfileObligation, subject: _Subject) -> ObligationResult:
    status: ObligationStatus = "unknown"
    evidence: tuple[Evidence, ...] = ()
    fix: str | None = None
    where: str | None = subject.judgment.record.source
    if duty.check is not None:
        status, evidence, fix, where = _TESTS[duty.check.test](result, duty.check, subject)
        if status == "unmet" and subject.unread and duty.check.test != "name-prefix":
            # A file licheck could not read may hold what is missing: not unmet, unknown.
            # (The name prefix is checked against the model's name, which no file changes.)
            status, fix = "unknown", f"licheck could not read {', '.join(subject.unread)}"
    return ObligationResult(
        license=_label(result),
        kind=duty.kind,
        duty=duty.text,
        status=status,
        evidence=evidence,
        fix=fix,
        section=duty.section,
        test=duty.check.test if duty.check else None,
        inherited_from=result.inherited_from,
        file=where,
    )


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _EXCERPT else line[: _EXCERPT - 1] + "…"


def find(text: str, phrase: str) -> tuple[int, str] | None:
    """(line, that line) where `phrase` occurs in `text`, white space, case and typographic
    quotes folded (a phrase may run over a line break); None when it does not occur."""
    wanted = " ".join(phrase.translate(_QUOTES).lower().split())
    if not wanted:
        return None
    chars: list[str] = []
    lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        words = " ".join(raw.translate(_QUOTES).lower().split())
        if not words:
            continue
        if chars:
            chars.append(" ")
            lines.append(number)
        chars.extend(words)
        lines.extend([number] * len(words))
    at = "".join(chars).find(wanted)
    if at < 0:
        return None
    number = lines[at]
    return number, _excerpt(text.splitlines()[number - 1])


def _ids(identification: Identification) -> set[str]:
    ids = {identification.license_id or "", *identification.equivalent}
    for part in identification.parts:
        ids |= _ids(part)
    if identification.license_id and " AND " in identification.license_id:
        ids |= set(identification.license_id.split(" AND "))
    return ids - {""}


def _copies(subject: _Subject, license_ids: set[str]) -> tuple[list[Evidence], list[str]]:
    """Shipped files identified exactly as one of `license_ids`, and notes on near copies."""
    exact: list[Evidence] = []
    modified: list[str] = []
    for file in subject.role("license", "notice"):
        identification = subject.identify(file.text, file.path)
        if not _ids(identification) & license_ids:
            continue
        line = identification.line or 1
        lines = file.text.splitlines()
        quote = _excerpt(lines[line - 1]) if 0 < line <= len(lines) else ""
        if identification.status == "exact" or (
            identification.parts and any(p.status == "exact" for p in identification.parts)
        ):
            exact.append(Evidence(file.path, line, quote))
        else:
            modified.append(f"{file.path} is a modified copy ({identification.status})")
    return exact, modified


def _license_copy(result: LicenseResult, check: ObligationCheck, subject: _Subject) -> _Outcome:
    name = result.name or _label(result)
    where = str(Path(subject.folder) / "LICENSE")
    exact, modified = _copies(subject, {result.id or ""})
    if exact:
        return "met", tuple(exact), None, exact[0].file
    if modified:
        return "unknown", (), "; ".join(modified) + f": ship the {name} text unmodified", where
    return "unmet", (), f"add a LICENSE file holding the full text of the {name}", where


def _notice_file(result: LicenseResult, check: ObligationCheck, subject: _Subject) -> _Outcome:
    wanted = check.text or ""
    named = (check.file or "Notice").lower()
    notices = [f for f in subject.role("notice") if Path(f.path).stem.lower() == named]
    where = notices[0].path if notices else str(Path(subject.folder) / (check.file or "Notice"))
    for file in notices:
        hit = find(file.text, wanted)
        if hit is not None:
            return "met", (Evidence(file.path, hit[0], hit[1]),), None, file.path
    if notices:
        return "unmet", (), f'add the line "{wanted}" to {where}', where
    return "unmet", (), f'add a text file {where} holding the line "{wanted}"', where


def _name_prefix(result: LicenseResult, check: ObligationCheck, subject: _Subject) -> _Outcome:
    record = subject.judgment.record
    name = record.name.strip("/").rsplit("/", 1)[-1]
    prefix = check.prefix or ""

    def fold(text: str) -> str:
        return re.sub(r"[\s_.\-]+", "", text.lower())

    if fold(name).startswith(fold(prefix)):
        return "met", (Evidence(record.source, None, f"model name: {name}"),), None, record.source
    fix = f'rename the model so that its name begins with "{prefix}" (e.g. "{prefix}-{name}")'
    return "unmet", (Evidence(record.source, None, f"model name: {name}"),), fix, record.source


def _in_files(files: list[ShippedFile], phrases: tuple[str, ...]) -> list[Evidence]:
    found = []
    for file in files:
        for phrase in phrases:
            hit = find(file.text, phrase)
            if hit is not None:
                found.append(Evidence(file.path, hit[0], hit[1]))
                break
    return found


def _card_path(subject: _Subject) -> str:
    cards = subject.role("card")
    readme = [f.path for f in cards if Path(f.path).name.lower() == "readme.md"]
    return (readme or [f.path for f in cards] or [str(Path(subject.folder) / "README.md")])[0]


def _card_statement(result: LicenseResult, check: ObligationCheck, subject: _Subject) -> _Outcome:
    found = _in_files(subject.role("card"), check.phrases)
    card = _card_path(subject)
    if found:
        return "met", (found[0],), None, found[0].file
    return "unmet", (), f'add "{check.phrases[0]}" to the model card ({card})', card


def _use_restrictions(result: LicenseResult, check: ObligationCheck, subject: _Subject) -> _Outcome:
    # The license text itself includes (RAIL: paragraph 5 and Attachment A) or incorporates by
    # reference (Llama 1.b.iv, Gemma 3.2) the restrictions; so does a copy of the policy, or a
    # license or card that names them.
    exact, _ = _copies(subject, {result.id or "", *check.policies})
    found = exact or _in_files(subject.role("license", "card"), check.phrases)
    card = _card_path(subject)
    if found:
        return "met", (found[0],), None, found[0].file
    name = result.name or _label(result)
    fix = (
        f"ship the {name} text (it carries the use restrictions) or state in the license or "
        f'card ({card}) that the use restrictions apply (e.g. "{check.phrases[0]}")'
    )
    return "unmet", (), fix, card


def _modification_notice(
    result: LicenseResult, check: ObligationCheck, subject: _Subject
) -> _Outcome:
    card = _card_path(subject)
    if not subject.judgment.record.base_models:
        # No base named: licheck cannot tell whether these files modify someone's work.
        return "unknown", (), None, card
    found = _in_files(subject.role("card"), check.phrases)
    if found:
        return "met", (found[0],), None, found[0].file
    base = subject.judgment.record.base_models[0]
    return "unmet", (), f"say in the card ({card}) what you changed in {base}", card


def _notice_propagation(
    result: LicenseResult, check: ObligationCheck, subject: _Subject
) -> _Outcome:
    own = [f for f in subject.role("notice") if Path(f.path).stem.lower() == "notice"]
    where = own[0].path if own else str(Path(subject.folder) / "NOTICE")
    record = subject.judgment.record
    evidence: list[Evidence] = []
    for base in record.base_models:
        same = subject.bases.get(base_key(base, subject.folder))
        if same is None or same.folder is None or same.folder not in subject.published:
            return "unknown", (), f"licheck cannot see the files of base model {base}", where
        files, _ = subject.published[same.folder]
        notices = [f for f in files if Path(f.path).stem.lower() == "notice"]
        if not notices:
            evidence.append(Evidence(same.folder, None, f"base model {base} has no NOTICE file"))
            continue
        for line in (ln for n in notices for ln in n.text.splitlines() if ln.strip()):
            hit = next((h for f in own if (h := find(f.text, line)) is not None), None)
            if hit is None:
                fix = f'add "{_excerpt(line)}" (from {notices[0].path}) to {where}'
                return "unmet", (), fix, where
            evidence.append(Evidence(where, hit[0], hit[1]))
    if evidence:
        return "met", tuple(evidence), None, where
    if own:
        # Not a derivative of a model licheck can see: its own NOTICE is there to be kept.
        first = next((i for i, ln in enumerate(own[0].text.splitlines(), 1) if ln.strip()), 1)
        lines = own[0].text.splitlines()
        quote = _excerpt(lines[first - 1]) if lines else ""
        return "met", (Evidence(own[0].path, first, quote),), None, where
    return "unknown", (), None, where


_TESTS: dict[str, _Test] = {
    "license-copy": _license_copy,
    "notice-file": _notice_file,
    "name-prefix": _name_prefix,
    "card-statement": _card_statement,
    "use-restrictions": _use_restrictions,
    "modification-notice": _modification_notice,
    "notice-propagation": _notice_propagation,
}
