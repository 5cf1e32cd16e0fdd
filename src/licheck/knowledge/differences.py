"""What differs between a text and the license it derives from, in words a user understands.

Added, removed and changed text with its lines, and numbers that differ in the same context (a
user threshold, a release date, a version), named after the profile parameter they change and
quoted as written ("the user threshold is 100 million (the original says 700 million)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from licheck.knowledge.index import NGRAM, FingerprintIndex, Reference, resolve_reference
from licheck.knowledge.normalise import (
    MONTHS,
    VERSION_WORDS,
    _Document,
    gram_hashes,
    number_contexts,
    number_phrases,
    tokens,
)
from licheck.records import Difference, DifferenceKind, Identification, MatchStatus, Span


@dataclass
class _Match:
    """A reference scored against a region; its n-gram sets are fetched only when asked for
    (most candidates are scored and dropped: FingerprintIndex.shared counts without them)."""

    index: FingerprintIndex
    ref: Reference
    inter: int
    score: int
    dice: float

    @cached_property
    def required(self) -> frozenset[int]:
        return self.index.grams(self.ref)[0]

    @cached_property
    def optional(self) -> frozenset[int]:
        return self.index.grams(self.ref)[1]

    def contains(self, gram: int) -> bool:
        return gram in self.required or gram in self.optional

    @cached_property
    def full(self) -> frozenset[int]:
        """Every n-gram of the license, its optional appendix included."""
        return self.required | self.optional if self.optional else self.required


def _describe(
    doc: _Document,
    best: _Match,
    missing: int,
    span_lo: int,
    span_hi: int,
    added: list[tuple[int, int]],
    runner_up: tuple[str, float] | None,
    dice: float,
) -> Identification:
    """The identification of a license's span (n-grams span_lo..span_hi-1) of a document:
    `missing` of the license's required n-grams are not in the span, `added` blocks are text
    the license does not hold."""
    license_id, name = resolve_reference(best.index, best.ref)
    first_line, last_line = doc.gram_lines(span_lo, span_hi)
    differences: list[Difference] = []
    spans: list[Span] = []
    described = [
        d for start, end in added for d in _difference(doc, best, start, end, span_lo, span_hi)
    ]
    for diff, span in described:
        if span is not None:
            spans.append(span)
        last = differences[-1] if differences else None
        if (
            diff.kind == "removed"
            and last is not None
            and last.kind == "removed"
            and last.end_line is not None
            and diff.line is not None
            and diff.line <= last.end_line + 1
        ):
            # Words dropped on consecutive lines are one removal for a reader.
            where = f"lines {last.line}-{diff.line}"
            differences[-1] = Difference(
                "removed", f"text of the original is missing at {where}", last.line, diff.line
            )
            continue
        differences.append(diff)
    # Words of the original that the text lacks. A changed number accounts for the few
    # sequences around it; anything beyond that is worth a line of its own.
    explained = sum(2 * NGRAM for d in differences if d.kind == "parameter")
    if missing > max(NGRAM, explained):
        share = missing / max(best.ref.count, 1)
        amount = f"about {share:.0%} of" if share >= 0.01 else "a few words of"
        replaced = any(d.kind in ("changed", "parameter") for d in differences)
        message = (
            f"the changes replace {amount} the original text"
            if replaced
            else f"{amount} the original text is missing"
        )
        differences.append(Difference("removed", message))
    status: MatchStatus = "exact" if not differences else "modified"
    shown = name if status == "exact" else f"{name} (modified)"
    return Identification(
        status,
        license_id,
        shown,
        round(dice, 4),
        runner_up,
        tuple(differences),
        equivalent=best.ref.members,
        line=first_line,
        end_line=last_line,
        spans=tuple(spans),
    )


def _parameters(index: FingerprintIndex, ref: Reference) -> dict[str, Any]:
    """The profile parameters of a reference (user thresholds, dates), where a profile exists."""
    if ref.source == "spdx" or index.catalog is None:
        return {}
    from licheck.errors import LicheckError

    license_id, _ = resolve_reference(index, ref)
    try:
        profile = index.catalog.profile(license_id)
    except (KeyError, LicheckError):
        return {}  # no profile yet: numbers are still compared with the reference text
    return dict(profile.parameters)


def _number_value(text: str) -> float | None:
    words = text.split()
    scale = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
    digits = "".join(w for w in words if w.isdigit())
    if not digits:
        return None
    value = float(digits)
    for w in words:
        value *= scale.get(w, 1.0)
    return value


def _kind_of_number(words: Sequence[str], start: int, end: int) -> str:
    """What a number is, for the message: a date, a version, or just a number."""
    phrase = words[start:end]
    if any(w in MONTHS for w in phrase) or any(
        len(w) == 4 and w.isdigit() and w[:2] in ("19", "20") for w in phrase
    ):
        return "date"
    if start and words[start - 1] in VERSION_WORDS:
        return "version"
    return "number"


def _parameter_name(params: dict[str, Any], original: str) -> str | None:
    value = _number_value(original)
    if value is None:
        return None
    for key, wanted in params.items():
        if isinstance(wanted, (int, float)) and not isinstance(wanted, bool) and wanted == value:
            return key.replace("_", " ")
        if isinstance(wanted, str) and wanted.replace(",", "") == original.replace(" ", ""):
            return key.replace("_", " ")
    return None


def _difference(
    doc: _Document,
    best: _Match,
    start: int,
    end: int,
    span_lo: int,
    span_hi: int,
) -> list[tuple[Difference, Span | None]]:
    """Describe one block of n-grams (start..end-1) that the license does not contain.

    Usually one difference; two when a changed number comes with other new words.
    """
    words = doc.words
    # The words no matched n-gram covers: the new text. Before the span nothing precedes it;
    # after the span nothing follows it; inside, matched n-grams overlap both ends.
    if end <= span_lo or start >= span_hi:
        new_lo, new_hi = start, min(end + NGRAM - 1, len(words))
    else:
        new_lo, new_hi = start + NGRAM - 1, end
    if new_hi <= new_lo:
        # No new word: words of the original were dropped at this point.
        line = doc.token_line(start)
        message = f"text of the original is missing at line {line}"
        return [(Difference("removed", message, line, line), None)]
    parameter = _parameter_change(doc, best, new_lo, new_hi)
    beside = end <= span_lo or start >= span_hi
    if parameter is not None and parameter[2] >= new_hi - new_lo - 2 * NGRAM and not beside:
        # The number is the whole change. Beside the license, though, other words around a
        # number are text of their own ("## Non-commercial use only" above a redated title).
        return [parameter[:2]]
    found = [parameter[:2]] if parameter is not None else []
    # Inserted (the original reads on across the block) or replacing words of the original?
    before = words[max(0, new_lo - (NGRAM - 1)) : new_lo]
    after = words[new_hi : new_hi + NGRAM - 1]
    seam = gram_hashes([*before, *after]) if len(before) + len(after) >= NGRAM else []
    inserted = end <= span_lo or start >= span_hi or bool(seam and all(map(best.contains, seam)))
    line, end_line = doc.token_line(new_lo), doc.token_line(new_hi - 1)
    excerpt = doc.excerpt(line, end_line)
    where = f"line {line}" if line == end_line else f"lines {line}-{end_line}"
    if end <= span_lo:
        message = f"text before the license on {where}: {excerpt}"
    elif start >= span_hi:
        message = f"text added after the license on {where}: {excerpt}"
    elif inserted:
        message = f"text added on {where}: {excerpt}"
    else:
        message = f"text changed on {where}: {excerpt}"
    kind: DifferenceKind = "added" if inserted else "changed"
    return [*found, (Difference(kind, message, line, end_line, excerpt), doc.span(line, end_line))]


def _parameter_change(
    doc: _Document, best: _Match, new_lo: int, new_hi: int
) -> tuple[Difference, Span, int] | None:
    """A number standing where the original has another one: a threshold, a date, a version.

    Returns the difference, its span and how many words the number takes.
    """
    words = doc.words
    lo = max(0, new_lo - 1)
    facts = best.index.facts(best.ref)
    for n_lo, n_hi in number_phrases(words[lo : new_hi + 1]):
        a, b = lo + n_lo, lo + n_hi
        if a and words[a - 1] in MONTHS:
            a -= 1  # "July 18, 2023": the month before the cut belongs to the date
        value = " ".join(words[a:b])
        shown = None
        for ctx in number_contexts(words, a, b):
            if ctx is not None and str(ctx) in facts:
                shown = facts[str(ctx)]  # as the original writes it (fingerprints.py)
                break
        if shown is None:
            continue
        original = " ".join(tokens(shown.casefold()))
        if original == value:
            continue
        label = _parameter_name(_parameters(best.index, best.ref), original) or _kind_of_number(
            words, a, b
        )
        line, end_line = doc.token_line(a), doc.token_line(b - 1)
        return (
            Difference(
                "parameter",
                f"the {label} is {doc.number(a, b)} (the original says {shown})",
                line,
                end_line,
                doc.excerpt(line, end_line),
            ),
            doc.span(line, end_line),
            b - a,
        )
    return None
