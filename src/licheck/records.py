"""The records that flow through licheck: input -> record -> engine -> report.

Every stage hands the next one of these frozen records, so no stage can reach back and change
what an earlier one produced, and the formatters can only show what the engine decided.

They are msgspec Structs, not dataclasses: Python 3.11 builds each dataclass by compiling
six generated methods, ~1 ms a class, and licheck's start-up made some sixty of them, a third
of a one-model check; a Struct is built in C, thirty times faster, and makes and compares its
instances faster too (a scan makes dozens per model). `replace` copies any record with some
fields changed (a Struct, or one of the few dataclasses left off the start-up path: mutable
accumulators of the index builder, the hub and the clause engine).
"""

from __future__ import annotations

import fnmatch
from datetime import date
from typing import Any, Literal, TypeVar, cast

import msgspec

_R = TypeVar("_R")


def replace(record: _R, /, **changes: Any) -> _R:
    """A copy of `record` with `changes`: a msgspec Struct's or a dataclass's fields."""
    if isinstance(record, msgspec.Struct):
        return msgspec.structs.replace(record, **changes)
    import dataclasses  # only for the dataclasses off the start-up path (see the docstring)

    return cast("_R", dataclasses.replace(cast("Any", record), **changes))  # noqa: TID251


# --- the ten criteria of the Open Source Definition, as data ------------------------------------
# Every finding lands on one of these ids (../shared/OSD.md maps clauses to criteria), so the
# knowledge base, the clause engine and every report agree.


class Criterion(msgspec.Struct, frozen=True):
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

# pass | fail | unknown is the whole vocabulary of a criterion result (core issue): "unknown"
# means a human must review, never a silent pass.
Status = Literal["pass", "fail", "unknown"]
# osi-approved is a fact taken from OSI's list; open/not-open is our judgment against the OSD.
Verdict = Literal["osi-approved", "open", "not-open", "unknown"]

STATUS_ORDER: dict[Status, int] = {"pass": 0, "unknown": 1, "fail": 2}

# `fail_on` (policy file) / `--fail-on`: which violations fail the run, as a threshold over
# severity levels, most severe first. `not-open`: a license judged to break the OSD, and what
# the policy itself rejects (deny, an expired exception, an enforced obligation, OSAID, an
# unreadable model); `unknown`: what licheck cannot verify (it needs review); `any`: also a
# license judged open that the requirement rejects (not on OSI's list). engine/policy.py ranks
# each violation; one below the threshold is still reported, it only no longer fails the run.
FailOn = Literal["not-open", "unknown", "any"]
FAIL_ON: tuple[FailOn, ...] = ("not-open", "unknown", "any")
# Other names users bring for a level (issue 16 lists `review`: what needs a human review is
# what licheck cannot verify).
FAIL_ON_ALIASES: dict[str, FailOn] = {"review": "unknown"}

# How a violation is shown, once the policy's `fail_on` threshold has placed it: an `error`
# fails the run; a `warning` lies below the threshold, so it is listed and counted but lets the
# run pass (SARIF `level`, GitHub's `::error` / `::warning`). engine/policy.py decides it.
Severity = Literal["error", "warning"]


def worst(statuses: list[Status]) -> Status:
    """The most severe of several statuses (fail > unknown > pass); pass when there are none."""
    return max(statuses, key=STATUS_ORDER.__getitem__, default="pass")


def verdict_for(osi_approved: bool, statuses: list[Status]) -> Verdict:
    """osi-approved is a fact from OSI's list; otherwise any fail is not-open, any doubt unknown
    (../shared/OSD.md: verdicts)."""
    if osi_approved:
        return "osi-approved"
    if "fail" in statuses:
        return "not-open"
    if "unknown" in statuses:
        return "unknown"
    return "open"


class Finding(msgspec.Struct, frozen=True):
    """One reason a criterion fails or needs review, with the words that show it.

    `source` says where the reason was found: "profile" (our knowledge base), "clause" (the clause
    engine reading a license text), or "input" (something the model's metadata declares).
    """

    criterion: str
    status: Status
    message: str
    evidence: str | None = None
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    section: str | None = None
    rule: str | None = None
    source: str = "profile"


class CriterionResult(msgspec.Struct, frozen=True):
    """The status of one OSD criterion for one license, and the findings behind it."""

    id: str
    title: str
    status: Status
    findings: tuple[Finding, ...] = ()


class Obligation(msgspec.Struct, frozen=True):
    """A duty that does not break the OSD but a user must know (attribution, naming, gating)."""

    kind: str
    text: str
    section: str | None = None


ObligationStatus = Literal["met", "unmet", "unknown"]


class Evidence(msgspec.Struct, frozen=True):
    """Where a file shows (or fails to show) that an obligation is met: file, line, its words."""

    file: str
    line: int | None
    text: str


class ObligationResult(msgspec.Struct, frozen=True):
    """One duty of one license a model carries or inherits, checked against the files shipped.

    `status` is `met` only on positive evidence (a quote from a file at its line); `unknown`
    when the files cannot tell. `fix` says what to add when it is unmet; `file` is where the
    duty should be met (the NOTICE, LICENSE or card path), for formats that point at a file.
    """

    license: str
    kind: str
    duty: str
    status: ObligationStatus
    evidence: tuple[Evidence, ...] = ()
    fix: str | None = None
    section: str | None = None
    test: str | None = None
    inherited_from: str | None = None
    file: str | None = None


class ShippedFile(msgspec.Struct, frozen=True):
    """A file of a model folder that obligations are checked against (card, NOTICE, LICENSE).

    `role`: "card" (README.md or model.yaml), "notice" (NOTICE*), "license" (a license or use
    policy file) or "other"."""

    path: str
    text: str
    role: str


class LicenseResult(msgspec.Struct, frozen=True):
    """One license of a model's expression, judged against the ten criteria."""

    declared: str
    id: str | None
    name: str | None
    osi_approved: bool
    verdict: Verdict
    score: int
    criteria: tuple[CriterionResult, ...]
    known: bool
    profile: bool = False
    family: str | None = None
    url: str | None = None
    note: str | None = None
    texts: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    # The base model this license comes from, when a derivative inherits it.
    inherited_from: str | None = None
    # How the license text shipped matched licheck's references: exact, modified,
    # unrecognised or no-license (None when no text was read), and what differs.
    match: str | None = None
    similarity: float | None = None
    differences: tuple[str, ...] = ()
    # What licheck could not read or vouch for in this license's text or name (a language its
    # rules do not read, characters hiding words, a look-alike id, a truncated file). Any entry
    # makes a license that would pass `unknown`: nothing unread passes.
    unverified: tuple[str, ...] = ()
    # For a name licheck does not know: the known names closest to it ("did you mean ...?").
    suggestions: tuple[str, ...] = ()

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        """The criteria that fail, in criterion order."""
        return tuple(c for c in self.criteria if c.status == "fail")

    @property
    def needing_review(self) -> tuple[CriterionResult, ...]:
        """The criteria that licheck could not decide."""
        return tuple(c for c in self.criteria if c.status == "unknown")


class Violation(msgspec.Struct, frozen=True):
    """A reason the policy rejects a subject; one whose `severity` is `error` (at or above the
    policy's `fail_on` threshold) makes the run exit 1, a `warning` is reported only."""

    rule: str
    message: str
    license: str | None = None
    file: str | None = None
    line: int | None = None
    # Its `fail_on` level when the rule alone does not say it (an inherited license or a shipped
    # text is as severe as the rejection of that license): see engine/policy.py.
    level: FailOn | None = None
    # Whether it fails the run under the policy's `fail_on` (engine/policy.py grades every
    # violation it decides; one built elsewhere, an unreadable model, is an error).
    severity: Severity = "error"


class Suppression(msgspec.Struct, frozen=True):
    """A violation that an active policy exception turns into a reported, suppressed finding."""

    violation: Violation
    reason: str
    expires: str
    owner: str | None = None
    ticket: str | None = None
    policy_file: str | None = None
    policy_line: int | None = None


class Acceptance(msgspec.Struct, frozen=True):
    """A license the policy accepts only because an `allow` or `allow_families` entry names it:
    without the entry it would be rejected (`reason` says why). Reports show it, so an allow
    list never turns a non-open license green unnoticed (issue 15).

    `rule` is `allow` or `allow_families`; `entry` the policy's words (the name as written, or
    the family); `inherited_from` the base model the license comes from, when inherited.
    """

    license: str
    name: str
    verdict: str
    rule: str
    entry: str
    reason: str
    inherited_from: str | None = None
    policy_file: str | None = None
    policy_line: int | None = None


class LicenseText(msgspec.Struct, frozen=True):
    """A license text that an input supplied (a license_file), already read and decoded.

    `role` says what the text governs when a folder keeps them apart: "license" (the model's
    license, the default), "model" (LICENSE-MODEL: the weights), "code" (LICENSE-CODE), or
    "use-policy" (an acceptable-use policy, which applies to the weights license).

    `defines` is the license identifier this text is the text of, when the input says so: an
    SBOM's own definition of a `LicenseRef-*` (SPDX 2.3 clause 10, extracted licensing info).
    """

    path: str
    text: str
    declared_line: int | None = None
    role: str = "license"
    defines: str | None = None


class Component(msgspec.Struct, frozen=True):
    """A released part of a model (Model Openness Framework component names) and its license."""

    name: str
    license: str | None = None
    license_file: str | None = None
    line: int | None = None
    # MOF content type of the component (code, data, document, model), when the input says it.
    content_type: str | None = None
    location: str | None = None


class Release(msgspec.Struct, frozen=True):
    """What an input states about a model's release, for formats that describe the model (an
    SPDX 3 AI package's packageVersion, releaseTime and downloadLocation). Each is None unless
    the input stated it: an SBOM must not carry a value licheck made up.

    `date` is as the input wrote it (an ISO date or date-time, checked where it is written);
    `download_location` a URL the input named, or the Hub page of a repo id the input gave.
    """

    version: str | None = None
    date: str | None = None
    download_location: str | None = None


class ModelRecord(msgspec.Struct, frozen=True):
    """What an input says about one model, in one shape whatever the input format was.

    `license` is an SPDX license expression as declared (None when the input declares none);
    `license_line` is the line of that declaration, so reports (SARIF, GitHub annotations) can
    point at it. `base_models` are the models this one derives from (Hugging Face ids or names),
    whose license terms it inherits.
    """

    source: str
    format: str
    name: str
    license: str | None
    license_line: int | None = None
    publisher: str | None = None
    base_models: tuple[str, ...] = ()
    base_model_relation: str | None = None
    license_texts: tuple[LicenseText, ...] = ()
    components: tuple[Component, ...] = ()
    datasets: tuple[str, ...] = ()
    license_name: str | None = None
    license_link: str | None = None
    # Conditions on getting the model that the input itself declares (a click-through gate on
    # the Hub, a region excluded from access): judged like clauses, with source="input".
    access: tuple[Finding, ...] = ()
    release: Release = msgspec.field(default_factory=Release)
    # The names an SBOM gives its own `LicenseRef-*` ids (SPDX 2.3 10.3 LicenseName), by id:
    # a candidate for what the ref is, weaker than its text (engine/judge.py).
    license_ref_names: tuple[tuple[str, str], ...] = ()
    # What the reader noticed that the report must say: licenses that the card, a LICENSE and
    # the weights' metadata disagree on (all of them bind), parts of a split model missing, and
    # what it tolerated but a user should know (an empty list item, a repeated key).
    warnings: tuple[str, ...] = ()


class SubjectReport(msgspec.Struct, frozen=True):
    """The judgment on one model: each license, and the policy's verdict."""

    source: str
    format: str
    name: str
    expression: str | None
    licenses: tuple[LicenseResult, ...]
    violations: tuple[Violation, ...]
    license_line: int | None = None
    suppressed: tuple[Suppression, ...] = ()
    warnings: tuple[str, ...] = ()
    # Open Source AI beyond the license: OSAID 1.0 verdict and MOF class (see openness.py).
    openness: Openness | None = None
    components: int = 0
    # What the input said beyond licenses, for formats that describe the model (SPDX 3).
    publisher: str | None = None
    datasets: tuple[str, ...] = ()
    base_models: tuple[str, ...] = ()
    release: Release = msgspec.field(default_factory=Release)
    # What the model's licenses demand of whoever publishes it, checked against its files
    # (issue 19); `obligation_mode` is the policy's word ("warn" or "enforce"), None when the
    # obligations were not checked.
    obligations: tuple[ObligationResult, ...] = ()
    obligation_mode: str | None = None
    # Licenses accepted only by an `allow` / `allow_families` entry (engine/policy.py decides).
    accepted: tuple[Acceptance, ...] = ()

    # Bases whose terms licheck could not know (not in the run or the table, a loop, a chain
    # too deep), whether the policy made them violations or warnings.
    unknown_bases: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """A subject passes when the policy found nothing to reject."""
        return not self.violations

    @property
    def failing(self) -> bool:
        """Whether the subject fails the run: one of its violations is an `error` (the rest lie
        below the policy's `fail_on` threshold, reported as warnings)."""
        return any(v.severity == "error" for v in self.violations)


class Summary(msgspec.Struct, frozen=True):
    """A run's totals, one shape for check and scan (the JSONL `summary` line, schema 1).

    `passed` says whether the run passes; `subjects` counts the models judged, of which
    `passed_subjects` passed, `failed` were rejected and `unreadable` could not be read.
    `by_verdict` and `by_license` count the declared licenses (not inherited or access terms).
    """

    passed: bool
    subjects: int
    passed_subjects: int
    failed: int
    unreadable: int
    by_verdict: tuple[tuple[str, int], ...]
    by_license: tuple[tuple[str, int], ...]
    warnings: tuple[str, ...]
    policy: str
    kb_version: str
    licheck_version: str
    # What a scan left out, by reason (default exclusions, --exclude, dataset repos), and the
    # policy file in force (None: the built-in default): nothing is left out silently.
    skipped: tuple[tuple[str, int], ...] = ()
    policy_file: str | None = None
    # Models with a base whose terms licheck could not know (issue 14: always visible).
    unknown_bases: int = 0
    # The policy's `fail_on` threshold, and the models whose violations all lie below it
    # (reported, but not failing the run).
    fail_on: FailOn = "any"
    below_threshold: int = 0


class Report(msgspec.Struct, frozen=True):
    """Everything one licheck run decided; what every output format renders."""

    subjects: tuple[SubjectReport, ...]
    policy: str
    kb_version: str
    licheck_version: str
    warnings: tuple[str, ...] = msgspec.field(default=())
    # The day the policy was applied (exceptions expire), YYYY-MM-DD.
    date: str | None = None
    summary: Summary | None = None
    # The policy file in force (None: the built-in default).
    policy_file: str | None = None

    @property
    def passed(self) -> bool:
        """Whether the run passes: the summary says so when the policy's `fail_on` threshold
        left some violations below it; without a summary, only when every subject passes."""
        if self.summary is not None:
            return self.summary.passed
        return all(s.passed for s in self.subjects)


# --- identification: which known license a text is -------------------------------------------

MatchStatus = Literal["exact", "modified", "unrecognised", "no-license"]
DifferenceKind = Literal["added", "removed", "changed", "parameter"]


class Difference(msgspec.Struct, frozen=True):
    """One way a text differs from the license it derives from, in words a user understands."""

    kind: DifferenceKind
    message: str
    line: int | None = None
    end_line: int | None = None
    excerpt: str | None = None


class Span(msgspec.Struct, frozen=True):
    """Lines of the input that the clause engine must read: text added or changed, or unknown."""

    line: int
    end_line: int
    text: str


class Identification(msgspec.Struct, frozen=True):
    """What a license text is.

    `status`: "exact" (the text is the license, up to what the SPDX guidelines ignore),
    "modified" (close to `license_id` but not the same: `license_id` names the license it derives
    from and the text is NOT that license; `differences` says what changed), "unrecognised" (no
    known license is close enough: the clause engine must judge it), "no-license" (a pointer or a
    usage note with no license terms; no license is named).

    For a file holding several licenses, `parts` has one Identification each, in file order, and
    `license_id` joins their ids with AND. `equivalent` lists ids whose reference texts are
    identical to `license_id`'s (GPL-2.0-only and GPL-2.0-or-later share one text). `pointer`
    is the URL a pointer file refers to. `spans` hold the added, changed or unrecognised text.
    """

    status: MatchStatus
    license_id: str | None
    name: str | None
    similarity: float
    runner_up: tuple[str, float] | None = None
    differences: tuple[Difference, ...] = ()
    parts: tuple[Identification, ...] = ()
    equivalent: tuple[str, ...] = ()
    pointer: str | None = None
    line: int | None = None
    end_line: int | None = None
    spans: tuple[Span, ...] = ()

    def review_spans(self) -> tuple[Span, ...]:
        """The text the clause engine must judge: added and changed spans, unrecognised parts.

        An exact match needs no clause reading (its profile holds the judgment); a modification
        may add a restriction that breaks the OSD, so its new words are handed back to be read.
        """
        found: list[Span] = list(self.spans)
        for part in self.parts:
            found.extend(part.review_spans())
        unique = {(s.line, s.end_line): s for s in found}
        return tuple(unique[key] for key in sorted(unique))


CLASS_LABELS = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}


class MofResult(msgspec.Struct, frozen=True):
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


class Divergence(msgspec.Struct, frozen=True):
    """One place where licheck believes MOT's result is wrong, and why."""

    component: str | None
    license: str | None
    message: str


OsaidGroup = Literal["data information", "code", "parameters"]


class OsaidMiss(msgspec.Struct, frozen=True):
    """One OSAID 1.0 requirement the model does not meet, explained in one line."""

    group: OsaidGroup
    message: str
    component: str | None = None

    def __str__(self) -> str:
        return f"{self.group}: {self.message}"


class OsaidResult(msgspec.Struct, frozen=True):
    """The OSAID 1.0 verdict: pass only when nothing is missing."""

    missing: tuple[OsaidMiss, ...] = msgspec.field(default=())

    @property
    def passed(self) -> bool:
        """True when every data-information, code and parameters requirement is met."""
        return not self.missing

    @property
    def verdict(self) -> Literal["pass", "fail"]:
        """ "pass" or "fail", as the JSON report writes it."""
        return "pass" if self.passed else "fail"


class Openness(msgspec.Struct, frozen=True):
    """Everything this module says about one model, for the report."""

    osaid: OsaidResult
    mof: MofResult
    mof_licheck: MofResult
    divergences: tuple[Divergence, ...]


Requirement = Literal["osi-approved", "osd", "osaid"]


REQUIREMENTS: tuple[Requirement, ...] = ("osi-approved", "osd", "osaid")


class PolicyException(msgspec.Struct, frozen=True):
    """A time-limited permission for one model (glob) to use one license."""

    model: str
    license: str
    license_id: str | None
    reason: str
    expires: date
    owner: str | None = None
    ticket: str | None = None
    line: int | None = None

    def covers(self, subject_name: str, subject_source: str, license_key: str | None) -> bool:
        """Whether this exception speaks of this model and license."""
        if license_key is None:
            return False
        model_match = fnmatch.fnmatchcase(subject_name, self.model) or fnmatch.fnmatchcase(
            subject_source, self.model
        )
        return model_match and license_key in (self.license_id, self.license)


# Where a Policy came from, line by line: no part of what it decides, so no part of its equality
# (two policies that decide alike are equal wherever their files put the entries).
_POLICY_PROVENANCE = frozenset({"names", "allow_lines", "family_lines"})


class Policy(msgspec.Struct, frozen=True):
    """What a license must be for the policy to accept it, and the exceptions granted.

    `require`: `osi-approved` (on OSI's list), `osd` (judged open, approved or not), or `osaid`
    (as `osd` for licenses, plus the model's Open Source AI verdict must pass).
    `allow`, `deny`: resolved license ids; `allow_families`: profile families.
    Equality and hash leave out the provenance maps (_POLICY_PROVENANCE).
    """

    require: Requirement = "osi-approved"
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    allow_families: frozenset[str] = frozenset()
    exceptions: tuple[PolicyException, ...] = ()
    unknown: Literal["fail", "warn"] = "fail"
    source: str | None = None
    # Globs a scan leaves out (counted in its summary), as `--exclude` does.
    exclude: tuple[str, ...] = ()
    names: dict[str, str] = msgspec.field(default_factory=dict)
    # A base model whose terms licheck cannot know (not in the run or the table, a loop, a chain
    # too deep): a violation (`fail`, the default: nothing unverified passes) or a warning.
    unknown_base: Literal["fail", "warn"] = "fail"
    # The licenses' obligations (issue 19): not checked (`off`, the default), unmet ones
    # reported as warnings (`warn`) or as violations (`enforce`); `obligations_unknown: fail`
    # (`licheck obligations --strict`) makes an obligation licheck cannot check a violation too.
    obligations: Literal["off", "warn", "enforce"] = "off"
    obligations_unknown: Literal["warn", "fail"] = "warn"
    # The policy file's line of each `allow` entry (by resolved id) and `allow_families` entry,
    # so a report can point at the rule that accepted a license.
    allow_lines: dict[str, int] = msgspec.field(default_factory=dict)
    family_lines: dict[str, int] = msgspec.field(default_factory=dict)
    # Which violations fail the run (FAIL_ON, a threshold); the rest are reported only.
    fail_on: FailOn = "any"

    def _decides(self) -> tuple[Any, ...]:
        return tuple(
            getattr(self, name) for name in self.__struct_fields__ if name not in _POLICY_PROVENANCE
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self._decides() == other._decides()

    def __hash__(self) -> int:
        return hash(self._decides())


class IdentifiedFile(msgspec.Struct, frozen=True):
    """One file: its identification and the judgment of what it holds."""

    path: str
    identification: Identification
    licenses: tuple[LicenseResult, ...]


class Explanation(msgspec.Struct, frozen=True):
    """A judged license with what its profile says beyond the verdict."""

    result: LicenseResult
    kb_version: str
    summary: str | None = None
    version: str | None = None
    date: str | None = None
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    parameters: dict[str, Any] = msgspec.field(default_factory=dict)
    profile_file: str | None = None
