"""The one Report builder: check, scan, `check_card` and any later engine assemble runs here.

A run's summary (counts by outcome, verdict and license, and every warning) is built from small
per-model tallies, so that a scan streaming a million models and a check of one model give the
same summary, with the same warnings, through the same code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

import msgspec

from licheck import __version__
from licheck.engine.policy import expired_exception_warnings, fails_run, used_exceptions
from licheck.inputs.tree import Note, Skip
from licheck.records import Policy, Report, SubjectReport, Summary, Violation


class Tally(msgspec.Struct, frozen=True):
    """The little a summary needs of one subject: small to send between processes."""

    unreadable: bool
    passed: bool
    licenses: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...] = ()
    exceptions_used: tuple[int, ...] = ()
    unknown_base: bool = False
    # Whether a violation reaches the policy's `fail_on` threshold (engine/policy.py decides).
    failing: bool = True


def tally(subject: SubjectReport, policy: Policy) -> Tally:
    """A subject's outcome, its verdicts per declared license (inherited and access terms are
    not counted), its warnings and the policy exceptions that speak of it."""
    return Tally(
        unreadable=subject.format == "unreadable",
        passed=subject.passed,
        licenses=tuple(
            (r.verdict, r.id or r.declared)
            for r in subject.licenses
            if r.inherited_from is None and r.declared != "access conditions"
        ),
        warnings=subject.warnings,
        exceptions_used=used_exceptions(policy, subject),
        unknown_base=bool(subject.unknown_bases),
        failing=fails_run(policy, subject),
    )


class SummaryBuilder(msgspec.Struct):
    """Counts a run's subjects one tally at a time; `summary()` closes the run (a mutable
    Struct: a dataclass would compile its methods at every start-up)."""

    policy: Policy
    kb_version: str
    subjects: int = 0
    passed: int = 0
    failed: int = 0
    unreadable: int = 0
    unknown_bases: int = 0
    # Models that failed with every violation below the policy's `fail_on` threshold.
    below_threshold: int = 0
    by_verdict: Counter[str] = msgspec.field(default_factory=Counter)
    by_license: Counter[str] = msgspec.field(default_factory=Counter)
    warnings: list[str] = msgspec.field(default_factory=list)
    exceptions_used: set[int] = msgspec.field(default_factory=set)
    skipped: Counter[str] = msgspec.field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        """Count one thing a scan left out, by its reason (shown in the summary)."""
        self.skipped[reason] += 1

    def left_out(self, found: Skip | Note) -> None:
        """What the walk said of something it did not judge as asked: a skip is counted by its
        reason; a note (a model folder --exclude matched only in part) is a warning."""
        if isinstance(found, Skip):
            self.skip(found.reason)
        else:
            self.warnings.append(found.message)

    def add(self, counted: Tally) -> None:
        """Count one judged subject."""
        self.subjects += 1
        self.unknown_bases += counted.unknown_base
        if counted.unreadable:
            self.unreadable += 1
        elif counted.passed:
            self.passed += 1
        else:
            self.failed += 1
            self.below_threshold += not counted.failing
        for verdict, license_id in counted.licenses:
            self.by_verdict[verdict] += 1
            self.by_license[license_id] += 1
        self.warnings.extend(counted.warnings)
        self.exceptions_used.update(counted.exceptions_used)

    def summary(self, today: date) -> Summary:
        """The run's summary; an expired exception that matched nothing is a warning to act on."""
        stale = expired_exception_warnings(self.policy, self.exceptions_used, today)
        return Summary(
            # The run fails on an unreadable model (bad input) or a violation that reaches the
            # `fail_on` threshold; below it, violations are reported and counted only.
            passed=self.failed == self.below_threshold and self.unreadable == 0,
            subjects=self.subjects,
            passed_subjects=self.passed,
            failed=self.failed,
            unreadable=self.unreadable,
            unknown_bases=self.unknown_bases,
            by_verdict=tuple(sorted(self.by_verdict.items())),
            by_license=tuple(sorted(self.by_license.items(), key=lambda kv: (-kv[1], kv[0]))),
            warnings=(*self.warnings, *stale),
            policy=self.policy.require,
            kb_version=self.kb_version,
            licheck_version=__version__,
            skipped=tuple(sorted(self.skipped.items())),
            policy_file=self.policy.source,
            fail_on=self.policy.fail_on,
            below_threshold=self.below_threshold,
        )


def build_report(
    subjects: Iterable[SubjectReport],
    *,
    policy: Policy,
    kb_version: str,
    today: date,
    skipped: Iterable[tuple[str, int]] = (),
    notes: Iterable[str] = (),
) -> Report:
    """A Report of judged subjects: the one place a run's result is assembled.

    `skipped` is what a scan left out, by reason, with counts; `notes` are warnings about what
    was read (a model folder an --exclude matched only in part).
    """
    gathered = tuple(subjects)
    builder = SummaryBuilder(policy, kb_version)
    builder.skipped.update(dict(skipped))
    builder.warnings.extend(notes)
    for subject in gathered:
        builder.add(tally(subject, policy))
    summary = builder.summary(today)
    return Report(
        subjects=gathered,
        policy=policy.require,
        kb_version=kb_version,
        licheck_version=__version__,
        warnings=summary.warnings,
        date=today.isoformat(),
        summary=summary,
        policy_file=policy.source,
    )


def report_of_summary(summary: Summary, *, policy: Policy, today: date) -> Report:
    """The Report of a run whose subjects were streamed out as they came (a scan writing one
    JSON document): everything but the subjects, from the summary the SummaryBuilder closed."""
    return Report(
        subjects=(),
        policy=policy.require,
        kb_version=summary.kb_version,
        licheck_version=__version__,
        warnings=summary.warnings,
        date=today.isoformat(),
        summary=summary,
        policy_file=policy.source,
    )


def unreadable(source: str, message: str, line: int | None = None) -> SubjectReport:
    """A model that could not be read or judged: a violation, since nothing unverified passes."""
    return SubjectReport(
        source=source,
        format="unreadable",
        name=source,
        expression=None,
        licenses=(),
        violations=(Violation("unreadable", message, file=source, line=line),),
    )
