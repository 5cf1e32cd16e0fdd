"""The clause engine: reads any license text and finds the clauses that break the OSD.

Most model licenses are custom and new ones appear every month, so naming a license is not enough:
licheck must read the text the way a careful lawyer skims it. The engine does that in three steps:

1. split the text into clauses (sentences, list items, headings) with their line spans, keeping
   the heading each clause sits under and the lead-in of a list ("You agree not to use the
   Model:" governs every item below it);
2. classify each clause by modality (heading, definition, disclaimer, prohibition, limitation,
   condition, permission, statement), because the same words mean opposite things in "You may
   use it commercially" and "You may not use it commercially", and a definition or a warranty
   disclaimer obliges no one;
3. match the legal concepts in `rules/*.yaml` (one file per concept, each mapped to an OSD
   criterion) against clauses of the modalities each concept names.

Rules are data so that a reviewer can read what licheck looks for and why. They are compiled once
per process. The work per text is bounded (size cap, clause-length cap, no nested quantifiers in
the engine's own patterns) because a license file is untrusted input.

Speed (issue 4; `benchmarks/clause_speed.py`) comes from doing less, never from reading less: a
rule pattern is rewritten into an equivalent one that Python's regex engine runs faster
(fast_pattern) and is not run on a text lacking a literal that every match contains (_NEEDS);
the keywords of all rules are found in one pass over the text (_KeywordIndex, an Aho-Corasick
automaton) and shared by the rules; the whole-text tests of a rule run only when one of its
clauses fired. Each of these leaves every finding as it was.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from licheck.criteria import CRITERION_IDS
from licheck.errors import LicheckError
from licheck.model import Finding, Status, worst

if TYPE_CHECKING:
    import ahocorasick_rs

# A license longer than this is not a license a human reads; the cap bounds the work on hostile
# input (a 1 GB file, a binary blob) while covering the longest real texts (~40 KB) tenfold.
MAX_CHARS = 400_000
# A "clause" longer than this is a run-on without punctuation; it is cut so that no pattern ever
# scans an unbounded string.
MAX_CLAUSE_CHARS = 1_500
# Evidence quotes are trimmed to this many words (the same bound the knowledge base uses).
MAX_EVIDENCE_WORDS = 30
# Several clauses may show one concept (a RAIL attachment lists a dozen uses); a few are proof
# enough and keep reports readable.
MAX_FINDINGS_PER_RULE = 3
# A license defines a handful of terms; checking more defined terms than this for a tiered grant
# would only serve a hostile text (each check scans every clause).
MAX_TERMS = 8

MODALITIES = (
    "heading",
    "definition",
    "disclaimer",
    "prohibition",
    "limitation",
    "condition",
    "permission",
    "statement",
)
# Clauses that bind nobody: a heading names a section, a definition says what a word means, a
# disclaimer limits the licensor's liability (OSD.md: "not designed for nuclear facilities" is
# not a use restriction).
NON_BINDING = frozenset({"heading", "definition", "disclaimer"})
BINDING = frozenset(MODALITIES) - NON_BINDING


class RuleError(LicheckError):
    """A rule file under licheck/rules is invalid: a bug in licheck's data."""


# --- patterns -------------------------------------------------------------------------------


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Walk a regular expression's structural characters: (index, char, group depth after it).

    Escaped characters and everything inside a character class are skipped, so only the `(`,
    `)` and `|` that shape the pattern are seen (a `]` right after `[` belongs to the class).
    """
    depth = 0
    in_class = False
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _top_level_branches(pattern: str) -> list[str]:
    """Split a regular expression on the `|` that are not inside a group or a class."""
    branches: list[str] = []
    start = 0
    for i, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    return branches


def _group_end(pattern: str, start: int) -> int:
    """The index of the `)` closing the group opened at `start`, or -1 if it is not closed."""
    for i, char, depth in _structure(pattern, start):
        if char == ")" and depth == 0:
            return i
    return -1


def _split_leading_group(branch: str) -> tuple[list[str], str, bool] | None:
    """A branch `(?:A|B)R` or `(?:A|B)?R` taken apart: the group's alternatives, the rest R and
    whether the group is optional; None when the branch does not open with such a group, or
    when unfolding it would change how it matches (a quantified or capturing rest)."""
    if not branch.startswith("(?:"):
        return None
    close = _group_end(branch, 0)
    if close < 0:
        return None
    rest = branch[close + 1 :]
    optional = rest[:1] == "?"
    if optional:
        rest = rest[1:]
    if rest[:1] in _QUANTIFIERS or _CAPTURES.search(rest):
        return None
    return _top_level_branches(branch[3:close]), rest, optional


# Past this many branches, or this many characters copied into them, unfolding the leading
# groups of a pattern costs more (in compiling and in trying branches) than it saves (measured).
_MAX_BRANCHES = 64
_MAX_COPIED = 500
_QUANTIFIERS = frozenset("?*+{")
_CAPTURES = re.compile(r"\((?!\?)|\(\?P[<=]|\\\d")


def _literal_first(branch: str) -> list[str] | None:
    """`branch` as branches that each start with a literal word character, or None.

    A leading non-capturing group is unfolded into the rest of the branch:
    `(?:a|b)R` is tried exactly as `aR|bR`, and `(?:a)?R` (greedy) exactly as `aR|R`, in the
    same order and with the same backtracking. Anything else (a class, an escape, a lazy or
    repeated group, a capture that would be copied) is left alone: None.
    """
    head = branch[:1]
    if head.isalnum() or head == "_":
        return None if branch[1:2] in _QUANTIFIERS else [branch]
    group = _split_leading_group(branch)
    if group is None:
        return None
    alternatives, rest, optional = group
    inner = [b + rest for b in alternatives]
    if len(rest) * (len(inner) - (0 if optional else 1)) > _MAX_COPIED:
        return None
    if optional:
        inner.append(rest)
    unfolded: list[str] = []
    for item in inner:
        expanded = _literal_first(item)
        if expanded is None:
            return None
        unfolded.extend(expanded)
        if len(unfolded) > _MAX_BRANCHES:
            return None
    return unfolded


def _boundary_branches(pattern: str) -> list[str] | None:
    """The branches of `\\bA|\\bB|...`, without their `\\b`, each starting with a literal letter.

    None when the pattern is not of that shape (then it is compiled as written).
    """
    branches: list[str] = []
    for branch in _top_level_branches(pattern):
        if not branch.startswith("\\b"):
            return None
        unfolded = _literal_first(branch[2:])
        if unfolded is None:
            return None
        branches.extend(unfolded)
        if len(branches) > _MAX_BRANCHES:
            return None
    return branches


# Up to this many different first letters, letting the engine skip to a possible first letter
# beats testing the word boundary at every position (measured on the corpus: 2 to 10 times
# faster with one to three letters, still faster with eight, slower beyond).
_MAX_SKIP_LETTERS = 8


def _by_first_letter(branches: list[str]) -> tuple[str, list[int]]:
    """`\\b(?:branches)` rewritten so that Python's engine runs it faster, with the same matches.

    Python's engine tries every branch of an alternation at every position of the text. Here
    the branches that start with the same letter share one branch, `c(?:rest1|rest2)`, in their
    own order; branches with different first letters can never match at the same position, so
    this changes no match. With few first letters, the word boundary then moves after the
    letter: `\\bc` (c a word character) holds exactly when no word character precedes c, which
    `c(?<!\\w.)` tests once c is read, and a pattern whose every branch starts with a literal
    lets the engine skip the positions where no branch can start. Returns the pattern text and
    the original index of each branch in its new order.
    """
    groups: dict[str, list[int]] = {}
    for index, branch in enumerate(branches):
        groups.setdefault(branch[0], []).append(index)
    skip = len(groups) <= _MAX_SKIP_LETTERS
    guard = "(?<!\\w.)" if skip else ""
    parts = [
        f"{letter}{guard}(?:{'|'.join(branches[i][1:] for i in indices)})"
        for letter, indices in groups.items()
    ]
    text = "(?:" + "|".join(parts) + ")"
    return (text if skip else "\\b" + text), [i for indices in groups.values() for i in indices]


def _leading_group(pattern: str) -> str | None:
    """`\\b(?:A|B)R` as `(?:A'|B')R`, the branches rewritten by _by_first_letter, or None.

    For a pattern whose rest R is too long to copy into every branch: the word boundary moves
    into the branches of the leading group, where it holds at the same position, and the engine
    can skip to the group's first letters. Only when those letters are few (else None).
    """
    if not pattern.startswith("\\b(?:") or len(_top_level_branches(pattern)) != 1:
        return None
    close = _group_end(pattern, 2)
    if close < 0 or pattern[close + 1 : close + 2] in _QUANTIFIERS:
        return None
    branches: list[str] = []
    for inner in _top_level_branches(pattern[5:close]):
        unfolded = _literal_first(inner)
        if unfolded is None:
            return None
        branches.extend(unfolded)
    if len(branches) > _MAX_BRANCHES or len({b[0] for b in branches}) > _MAX_SKIP_LETTERS:
        return None
    return _by_first_letter(branches)[0] + pattern[close + 1 :]


def _letter_groups(branch: str) -> dict[str, list[str]] | None:
    """`branch` as, for each letter it can start with, what may follow that letter; or None.

    `(?:not|never|no)R` is `n(?:(?:ot|ever|o)R)`: the alternatives of a leading group are
    grouped by their first letter, in their own order, and the rest R is copied once per letter
    rather than once per alternative (_literal_first's way, which a long R rules out). Branches
    with different first letters never match at the same position, so the engine tries, at any
    position, the same alternatives in the same order. A greedy `(?:G)?R` is `(?:G)R|R`, in that
    order. Anything else (a class, an escape, a repeated or lazy group) is left alone: None.
    """
    head = branch[:1]
    if head.isalnum() or head == "_":
        return None if branch[1:2] in _QUANTIFIERS else {head: [branch[1:]]}
    group = _split_leading_group(branch)
    if group is None:
        return None
    alternatives, rest, optional = group
    inner: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups = _letter_groups(alternative)
        if groups is None:
            return None
        for letter, tails in groups.items():
            inner.setdefault(letter, []).extend(tails)
    merged = {letter: [f"(?:{'|'.join(tails)}){rest}"] for letter, tails in inner.items()}
    if optional:
        groups = _letter_groups(rest)
        if groups is None:
            return None
        for letter, tails in groups.items():
            merged.setdefault(letter, []).extend(tails)
    return merged


# A factored pattern may copy a group's rest once per first letter; past this many times the
# pattern's own length, compiling and trying the copies would cost more than skipping saves.
_MAX_GROWTH = 4


def _factored(pattern: str) -> str | None:
    """`\\bA|\\bB|...` with each branch split by first letter (_letter_groups), or None.

    For the patterns _boundary_branches and _leading_group leave alone because unfolding would
    copy too much (a long rest after a leading group, several such branches). As in
    _by_first_letter, the word boundary moves after the letter, so that the engine skips to the
    next possible first letter; only when those letters are few.
    """
    merged: dict[str, list[str]] = {}
    for branch in _top_level_branches(pattern):
        if not branch.startswith("\\b"):
            return None
        groups = _letter_groups(branch[2:])
        if groups is None:
            return None
        for letter, tails in groups.items():
            merged.setdefault(letter, []).extend(tails)
    if len(merged) > _MAX_SKIP_LETTERS:
        return None
    parts = [f"{letter}(?<!\\w.)(?:{'|'.join(tails)})" for letter, tails in merged.items()]
    text = "(?:" + "|".join(parts) + ")"
    return text if len(text) <= _MAX_GROWTH * len(pattern) else None


def fast_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule's pattern into an equivalent one that Python's engine runs faster.

    A pattern made of `\\b`-led words is rewritten by _by_first_letter (or, when that would
    copy too much, by _leading_group or _factored). Otherwise
    `\\bA|\\bB|...` is compiled as `\\b(?:A|B|...)`: with the boundary factored out, most
    positions fail at once. Either way each branch keeps its place among the branches that can
    match at a position, so the matches are the same.
    """
    # A pattern with groups of its own keeps its text: reordering branches would renumber them.
    if not _CAPTURES.search(pattern):
        branches = _boundary_branches(pattern)
        if branches is not None:
            return re.compile(_by_first_letter(branches)[0])
        leading = _leading_group(pattern) or _factored(pattern)
        if leading is not None:
            return re.compile(leading)
    branches = _top_level_branches(pattern)
    if len(branches) > 1 and all(b.startswith("\\b") for b in branches):
        pattern = "\\b(?:" + "|".join(b[2:] for b in branches) + ")"
    return re.compile(pattern)


# What a match of a pattern needs, as literal texts: any of some terms, each a list of sets of
# which every set must have a member in the text. A text that does not hold any term cannot
# match, so the pattern is not run on it. Regular expression engines do this themselves; Python's
# does not. Filled when rules are compiled.
_Needs = tuple[tuple[tuple[str, ...], ...], ...]
_NEEDS: dict[re.Pattern[str], _Needs] = {}
# A term keeps its few most telling sets: each more costs a test and rules out less.
_MAX_SETS = 3


def _required_literals(pattern: str) -> _Needs | None:
    """What every match of `pattern` needs (see _NEEDS), or None when nothing can be told.

    Read from the pattern's parse tree (Python's own parser): a run of literal characters must
    appear; a group must match; of a branch, one of the alternatives; a repeat at least once
    when its minimum is one. Anything else (classes, assertions, optional parts) is skipped,
    which can only make the test weaker, never wrong. Case-insensitive parts are skipped too.
    A pattern that is a list of alternatives gets one term per alternative.
    """
    import importlib

    # re._parser is CPython's own (private) parser; on a Python where it is missing or different,
    # the shortcut is simply not taken and the results stay the same.
    try:
        parser: Any = importlib.import_module("re._parser")
        c: Any = importlib.import_module("re._constants")
        tree = parser.parse(pattern, 0)
        if tree.state.flags & re.IGNORECASE:
            # A global (?i): literals would match in any case.
            return None
    except Exception:
        return None

    def rank(options: frozenset[str]) -> tuple[int, int]:
        # The set whose shortest text is longest rules out the most texts.
        return (min(map(len, options)), -len(options))

    def conjunction(items: Any) -> list[frozenset[str]]:
        """Sets of which a match of this sequence holds a member of each."""
        sets: list[frozenset[str]] = []
        run: list[str] = []
        for op, av in [*items, (None, None)]:
            if op is c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                sets.append(frozenset({"".join(run)}))
                run = []
            if op is c.SUBPATTERN:
                _group, add_flags, _del_flags, sub = av
                if not add_flags & re.IGNORECASE:
                    sets.extend(conjunction(sub))
            elif op is c.BRANCH:
                # One alternative matches: the union of each one's best set holds.
                bests = [max(conjunction(alt), key=rank, default=None) for alt in av[1]]
                if all(best is not None for best in bests):
                    sets.append(frozenset().union(*bests))  # type: ignore[arg-type]
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                low, _high, sub = av
                if low >= 1:
                    sets.extend(conjunction(sub))
            elif op is c.ATOMIC_GROUP:
                sets.extend(conjunction(av))
        return sets

    def term(sets: list[frozenset[str]]) -> tuple[tuple[str, ...], ...]:
        # A text holding "means" holds "mean": testing the shorter is enough.
        kept = sorted(set(sets), key=rank, reverse=True)[:_MAX_SETS]
        return tuple(
            tuple(sorted(n for n in options if not any(m != n and m in n for m in options)))
            for options in kept
        )

    try:
        items = list(tree)
        while items and items[0][0] is c.AT:
            items.pop(0)  # a leading \b or ^ reads no text
        if len(items) == 1 and items[0][0] is c.BRANCH:
            terms = [conjunction(alt) for alt in items[0][1][1]]
        else:
            terms = [conjunction(items)]
    except Exception:
        return None
    if not all(terms) or any("" in options for sets in terms for options in sets):
        return None
    return tuple(term(sets) for sets in terms)


def _holds(needs: _Needs, text: str) -> bool:
    """Whether `text` holds what a pattern needs (see _NEEDS): False means it cannot match."""
    for sets in needs:
        for options in sets:
            for literal in options:
                if literal in text:
                    break
            else:
                break  # no member of this set: this term fails
        else:
            return True
    return False


def _search(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches in `text`; not run when the text lacks what it needs."""
    needs = _NEEDS.get(pattern)
    if needs is not None and not _holds(needs, text):
        return False
    return pattern.search(text) is not None


def _may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False when `pattern` cannot match anywhere in `text` (the text lacks what it needs)."""
    needs = _NEEDS.get(pattern)
    return needs is None or _holds(needs, text)


# --- text normalisation ---------------------------------------------------------------------

# One-to-one replacements, so that offsets in the normalised text are offsets in the original and
# line numbers come out right. Typographic quotes, dashes and spaces become their ASCII forms.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\r": " ",
        "\x0c": "\n",
        "\x00": " ",
    }
)
# The same table as pairs: no replacement is itself replaced, so applying them one by one gives
# what translate() gives.
_REPLACEMENTS = tuple((chr(code), str(value)) for code, value in _TRANSLATE.items())


def _normalise(text: str) -> str:
    """Lower-case, ASCII-quoted copy of `text` with exactly the same length and offsets."""
    if text.isascii():
        # str.translate has a fast path for ASCII text only; elsewhere it looks up every
        # character in a dict, ten times slower than replacing the few characters present.
        out = text.translate(_TRANSLATE)
    else:
        out = text
        for char, replacement in _REPLACEMENTS:
            if char in out:
                out = out.replace(char, replacement)
    lowered = out.lower()
    if len(lowered) == len(out):
        return lowered
    # A few characters (e.g. "İ") lower-case to two; keep those as they are so offsets hold.
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in out)


# Phrases that look like restrictions but say the opposite ("including without limitation").
_NEUTRAL = fast_pattern(
    r"\b(?:including,?\s+)?(?:but\s+)?(?:not|without)\s+limit(?:ed|ation)(?:\s+to)?\b"
    r"|\bnot\s+only\b|\bif\s+and\s+only\s+if\b"
)


def _clean(fragment: str) -> str:
    """The text patterns see: one space between words, neutral phrases blanked out."""
    # split() and the regex \s agree on what white space is; split/join is five times faster
    # than re.sub(r"\s+", " ") and only drops the outer spaces that strip() drops anyway.
    spaced = " ".join(fragment.split())
    if "limit" in spaced or "only" in spaced:
        spaced = _NEUTRAL.sub(" ", spaced)
    return spaced.strip()


# --- segmentation ---------------------------------------------------------------------------

_LIST_MARKER = re.compile(
    r"[ ]*(?:[-*\u2022\u25cf\u25aa>]+|\(?(?:\d{1,3}(?:\.\d{1,3}){0,3}|[a-z]|[ivxl]{1,5})[.)]"
    r"|(?:section|article|clause|part)[ ]+[\dIVXivx]{1,5}[.:)]?)[ ]+"
)
_HEADING_WORD = re.compile(
    r"(?:#{1,6}[ ]*)?(?:section|article|part|attachment|exhibit|appendix|schedule|annex|chapter)\b",
    re.IGNORECASE,
)
# `[.;!?]["')\]]*\s+|:[ \t]*(?=<list marker>)`, written to start with one character class so that
# the engine skips straight to the next punctuation mark instead of trying every position.
_SENTENCE_END = re.compile(
    r"[.;!?:](?:(?<=[.;!?])[\"')\]]*\s+|(?<=:)[ \t]*(?=\(?(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)][ ]))"
)
# fast_pattern: the engine skips to the next "1" or "2" instead of testing \b everywhere.
_YEAR = fast_pattern(r"\b(?:19|20)\d\d\b")
_VERBISH_WORDS = r"\b(?:may|shall|must|will|can|is|are|be|you|grants?|means|agree|not)\b"
_VERBISH = re.compile(_VERBISH_WORDS, re.IGNORECASE)
# On lower-case ASCII text, case-insensitive matching finds exactly what plain matching finds,
# at more than twice the cost (the engine folds the case of every character it reads).
_VERBISH_LOWER = re.compile(_VERBISH_WORDS)


def _verbish(text: str) -> bool:
    """Whether `text` holds a word that makes it a statement (a verb, "you", "not").

    The answer of `_VERBISH.search(text)`: for ASCII text, str.lower() folds case exactly as the
    case-insensitive engine does, and a plain search of the lowered text costs under half.
    """
    if text.isascii():
        return _VERBISH_LOWER.search(text.lower()) is not None
    return _VERBISH.search(text) is not None


_T = TypeVar("_T")


class _Lazy(Generic[_T]):
    """functools.cached_property without its lock.

    On Python 3.11 cached_property takes one lock, shared by all instances, on every first read,
    which costs more than most clause values; a text is analysed by one thread, and two threads
    racing on a clause would compute the same value.
    """

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> _Lazy[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> _T: ...
    def __get__(self, instance: object | None, owner: type[Any]) -> _T | _Lazy[_T]:
        if instance is None:
            return self
        value = self.func(instance)
        # The instance's own attribute now hides this descriptor: later reads cost nothing.
        instance.__dict__[self.name] = value
        return value


@dataclass(frozen=True)
class Clause:
    """One sentence, list item or heading of the text, with what the engine learnt about it.

    `kind` is "heading" for headings; other clauses get their modality on first use (most
    clauses never meet a rule, so classifying them all would waste the time budget).
    `lead` is the lead-in of the list the clause is an item of, `lead_index` its position.
    """

    start: int
    end: int
    raw: str
    section: str | None
    lead: str | None = None
    lead_index: int | None = None
    kind: str | None = None

    @_Lazy
    def text(self) -> str:
        """The normalised words of the clause (cleaned on first use: most are never read)."""
        return _clean(self.raw)

    @_Lazy
    def match_text(self) -> str:
        """The words a rule reads: the list's lead-in, then the item itself."""
        return f"{self.lead} {self.text}" if self.lead else self.text

    @_Lazy
    def modality(self) -> str:
        """The clause's modality; a bare list item takes its lead-in's ("You agree not to: ...")."""
        if self.kind is not None:
            return self.kind
        own = _modality(self.text)
        if self.lead is not None and own in {"statement", "permission", "limitation"}:
            return _modality(self.lead)
        return own


def _is_heading_line(line: str) -> bool:
    """A short line that names a section rather than saying something (numbered, caps, '#')."""
    stripped = line.strip().strip("#*_ ").strip()
    if not stripped or len(stripped) > 90 or stripped[0].islower():
        # Most lines continue a sentence; a heading starts with a capital, a digit or a mark.
        return False
    words = stripped.split()
    if len(words) > 12 or stripped[-1] in ",;":
        return False
    if line.lstrip().startswith("#") or _HEADING_WORD.match(stripped):
        return True
    if _YEAR.search(stripped):
        # "Dated: November 21, 2023", "Version 2.0, January 2004": a date line names no section.
        return False
    if stripped.isupper() and len(words) <= 10 and sum(c.isalpha() for c in stripped) >= 4:
        return True
    if stripped[-1] == ":" or _verbish(stripped.lower()):
        return False
    marker = _LIST_MARKER.match(stripped)
    rest = stripped[marker.end() :] if marker else stripped
    rest_words = [w for w in rest.split() if w[:1].isalpha()]
    if not rest_words or len(rest_words) > 8:
        return False
    titled = sum(1 for w in rest_words if w[0].isupper() or len(w) <= 3)
    return titled == len(rest_words) and (marker is not None or not stripped.endswith("."))


def _is_inline_heading(cleaned: str, written: str) -> bool:
    """A short sentence of capitalised words ending in a full stop: "b. Use Restrictions."."""
    # The list marker is taken off first; what is left is not empty (`cleaned` is stripped and a
    # marker ends in a space), so it ends in "." exactly when `cleaned` does: test that first.
    if not cleaned.endswith("."):
        return False
    marker = _LIST_MARKER.match(cleaned)
    body = cleaned[marker.end() :] if marker else cleaned
    words = body.split()
    return (
        len(words) <= 6
        and not _verbish(body)
        and all(w[:1].isupper() or len(w) <= 3 for w in written.split()[-len(words) :])
    )


def _sentences(norm: str, original: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph: cut after . ; ! ? when a new sentence begins."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(norm, start, end):
        cut = match.end()
        if cut >= end:
            break
        dot = match.start()
        if norm[dot] == ".":
            nxt = original[cut]
            if not (nxt.isupper() or nxt.isdigit() or norm[cut] in "\"'(["):
                continue
            if _is_abbreviation(norm, dot):
                continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    if end - start <= MAX_CLAUSE_CHARS:
        return spans
    result: list[tuple[int, int]] = []
    for span_start, e in spans:
        # A run-on "sentence" is cut into bounded pieces so that no pattern scans without end.
        s = span_start
        while e - s > MAX_CLAUSE_CHARS:
            cut = norm.rfind(" ", s + MAX_CLAUSE_CHARS // 2, s + MAX_CLAUSE_CHARS)
            cut = cut if cut > s else s + MAX_CLAUSE_CHARS
            result.append((s, cut))
            s = cut
        result.append((s, e))
    return result


_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "inc", "ltd", "co", "no", "vs", "u.s", "sec", "art", "para", "corp"}
)


_MARKER_WORD = re.compile(r"[a-z]|[ivx]{1,4}|\d{1,3}(?:\.\d{1,3})*")


def _is_abbreviation(norm: str, dot: int) -> bool:
    """Whether the full stop at `dot` ends an abbreviation (e.g., Inc., U.S.) or a list marker."""
    begin = dot
    while begin > 0 and (norm[begin - 1].isalnum() or norm[begin - 1] == "."):
        begin -= 1
    word = norm[begin:dot]
    if word in _ABBREVIATIONS:
        return True
    # "1." "a." "iv." "2.1." at the start of a fragment are list markers, not sentence ends.
    return bool(_MARKER_WORD.fullmatch(word)) and (begin == 0 or norm[begin - 1] in " \n(")


_DEFINITION = re.compile(
    r"^\W*(?:\(?(?:[a-z]|[ivx]{1,4}|\d{1,3}(?:\.\d{1,3}){0,3})[.)]?\s+)*(?:the\s+(?:term|word)s?\s+)?"
    # A quoted term may be defined by "means", "refers to" or "includes" ...
    r"(?:(?:\"[^\"]{1,80}\"|'[^']{1,80}')(?:\s*\([^)]{0,80}\))?(?:\s*(?:,|or|and)\s*\"[^\"]{1,60}\")*,?\s+"
    r"(?:means?|shall\s+mean|refers?\s+to|shall\s+refer\s+to|is\s+defined\s+as|has\s+the\s+meaning"
    r"|shall\s+have\s+the\s+meaning|includes?|shall\s+include)\b"
    # ... an unquoted one only by "means" or "refers to" ("the above rights include" is not one).
    r"|[a-z][\w\- ]{0,40}?(?:\s*\([^)]{0,80}\))?,?\s+"
    r"(?:means|shall\s+mean|refers\s+to|is\s+defined\s+as)\b)"
)
_DISCLAIMER = (
    r"\bas\s+is\b|\bwarrant|\bliab(?:le|ility)\b|\bdamages\b|\bmerchantab|\bfitness\s+for\s+a"
    r"|\bnot\s+(?:designed|intended)\b|\bfail[\s-]*safe\b|\bindemnif|\bhold\s+harmless\b"
)
_NOT_LICENSED = r"\bnot\b[\w ,]{0,40}\blicensed\b"
_PROHIBITION = (
    r"\b(?:may|shall|must|will|can|could|would)\s+not\b|\b(?:cannot|can't|won't|mustn't"
    r"|shan't)\b|\bagrees?\s+(?:not|never)\s+to\b|\bnot\s+(?:be\s+)?(?:permitted|allowed"
    r"|authori[sz]ed|licensed|granted)\b|\bprohibit|\bforbid|\bno\s+(?:rights?|licenses?|licences?|"
    r"permission)\b|\bdo\s+not\b|\bnor\b|\bneither\b|\brefrain\b|\bnot\s+to\s+\w+"
    r"|\bwithout\s+(?:the\s+)?(?:prior|express|explicit|written)\b[\w ]{0,20}\b"
    r"(?:permission|consent|approval|authori[sz]ation|license)"
)
_LIMITATION = (
    r"\b(?:solely|only|exclusively)\b|\blimited\s+to\b|\brestricted\s+to\b|\bother\s+than\b"
)
_CONDITION = (
    r"\b(?:must|shall|required|requires?|have\s+to|has\s+to|needs?\s+to|provided\s+that|providing"
    r"|on\s+condition|conditioned|subject\s+to|if|unless|in\s+order\s+to|as\s+long\s+as|will)\b"
)
_PERMISSION = (
    r"\b(?:may|can|grants?|granted|permission|permitted|free\s+to|allowed|right\s+to|licen[cs]e\s+to"
    r"|licensed)\b"
)


def _modal_scan() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One pattern that finds every modal marker of a clause, and the modality of each branch.

    The markers' branches are tried in this order at each position, so "may not" is a
    prohibition before "may" can be a permission. Each branch ends in an empty group of its
    own, so a match's `lastindex` names its modality while the branches can still be grouped by
    their first letter (see _by_first_letter), which the engine runs faster than named groups.
    """
    branches: list[str] = []
    names: list[str] = []
    for name, source in (
        ("not_licensed", _NOT_LICENSED),
        ("disclaimer", _DISCLAIMER),
        ("prohibition", _PROHIBITION),
        ("limitation", _LIMITATION),
        ("condition", _CONDITION),
        ("permission", _PERMISSION),
    ):
        unfolded = _boundary_branches(source)
        if unfolded is None:
            raise RuleError(f"modal marker {name} must be a list of \\b-led words")
        for branch in unfolded:
            branches.append(f"{branch}()")
            names.append(name)
    text, order = _by_first_letter(branches)
    # Group i + 1 closes the i-th branch in the rewritten order.
    return re.compile(text), ("", *(names[i] for i in order))


_MODAL_SCAN, _MODAL_NAMES = _modal_scan()


# The definition pattern is slow to fail; these texts are what any definition says ("means").
_DEFINITION_NEEDS = _required_literals(_DEFINITION.pattern) or (((),),)


@lru_cache(maxsize=4096)
def _modality(text: str) -> str:
    """What kind of statement a clause is; rules only read clauses of the kinds they name."""
    if _holds(_DEFINITION_NEEDS, text) and _DEFINITION.match(text):
        return "definition"
    names = _MODAL_NAMES
    found = {names[m.lastindex or 0] for m in _MODAL_SCAN.finditer(text)}
    if "not_licensed" in found:
        # "not designed, licensed or intended for use in ...": a restriction, not a disclaimer.
        return "prohibition"
    for modality in ("disclaimer", "prohibition", "limitation", "condition", "permission"):
        if modality in found:
            return modality
    return "statement"


def _section_label(original: str, start: int, end: int) -> str:
    label = " ".join(original[start:end].split()).strip("#*_ ").strip()
    return label.rstrip(":. ")[:80]


def segment(text: str) -> tuple[Clause, ...]:
    """Split a license into clauses with offsets, section and modality (see the module doc)."""
    original = text[:MAX_CHARS]
    return _segment(original, _normalise(original))


def _segment(original: str, norm: str) -> tuple[Clause, ...]:
    """segment() on a text already normalised (analyse() normalises once for all steps)."""
    clauses: list[Clause] = []
    section: str | None = None
    lead: str | None = None
    lead_index: int | None = None
    pos = 0
    length = len(norm)
    paragraph: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal lead, lead_index, section
        if not paragraph:
            return
        p_start, p_end = paragraph[0][0], paragraph[-1][1]
        paragraph.clear()
        starts_item = bool(_LIST_MARKER.match(norm, p_start))
        if lead is not None and not starts_item:
            lead = None
        spans = _sentences(norm, original, p_start, p_end)
        pending = -1  # start of a tiny fragment ("b.") to glue onto the next sentence
        for span_start, e in spans:
            s = span_start
            if pending >= 0:
                s, pending = pending, -1
            raw = norm[s:e]
            stripped = raw.strip()
            if not stripped:
                continue
            if len(stripped) <= 6 and not stripped.endswith(":"):
                pending = s
                continue
            cleaned = None
            if len(stripped) < 100:
                cleaned = _clean(raw)
                if _is_inline_heading(cleaned, original[s:e]):
                    # An inline heading: "b. Use Restrictions. Your use of ..." names its section.
                    section = _section_label(original, s, e)
                    clauses.append(Clause(s, e, raw, section, kind="heading"))
                    continue
            # A list item ("(b) for military purposes;") says what its lead-in governs.
            clause = Clause(s, e, raw, section, lead, lead_index)
            if cleaned is not None:
                # Clause.text is this very value: keep it rather than clean the clause twice.
                clause.__dict__["text"] = cleaned
            if clause.lead is not None and clause.lead == clause.text:
                clause = Clause(s, e, raw, section)
            clauses.append(clause)
            if stripped.endswith(":") and not _DEFINITION.match(clause.text):
                lead = clause.text
                lead_index = len(clauses) - 1
        if pending >= 0 and norm[pending:p_end].strip():
            clauses.append(Clause(pending, p_end, norm[pending:p_end], section, kind="statement"))

    while pos < length:
        nl = norm.find("\n", pos)
        line_end = length if nl < 0 else nl
        line = original[pos:line_end]
        stripped = line.strip()
        if not stripped:
            # A blank line ends a paragraph but not a list: the next paragraph decides whether
            # it is another item under the same lead-in (see flush()).
            flush()
        elif not stripped[0].islower() and _is_heading_line(line) and len(stripped) > 1:
            # (A line that starts in lower case continues a sentence: _is_heading_line says no.)
            flush()
            lead = None
            section = _section_label(original, pos, line_end)
            clauses.append(Clause(pos, line_end, norm[pos:line_end], section, kind="heading"))
        else:
            if paragraph and _LIST_MARKER.match(norm, pos):
                flush()
            paragraph.append((pos, line_end))
        pos = line_end + 1
    flush()
    return tuple(clauses)


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One way a concept shows: a clause of these modalities that matches all these patterns."""

    modalities: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]


# A pattern and what it needs; an alternative as its anchor pattern and its checks.
_Check = tuple[re.Pattern[str], _Needs | None]
_Alternative = tuple[re.Pattern[str], tuple[_Check, ...]]


@dataclass(frozen=True)
class Rule:
    """A legal concept that breaks (or clouds) one OSD criterion, compiled from its YAML file."""

    id: str
    criteria: tuple[str, ...]
    status: Status
    title: str
    description: str
    message: str
    keywords: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    ignore: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    scope: str = "clause"
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def plan(self) -> dict[str, tuple[_Alternative, ...]]:
        """For each modality, the alternatives that read such a clause, in the rule's order: the
        pattern that anchors the quote, then each pattern with the texts it needs (see _NEEDS)."""
        return {
            m: tuple(
                (a.patterns[0], tuple((p, _NEEDS.get(p)) for p in a.patterns))
                for a in self.alternatives
                if m in a.modalities
            )
            for m in MODALITIES
        }

    @cached_property
    def ignore_plan(self) -> tuple[_Check, ...]:
        """The `ignore` patterns, each with the texts it needs (see _NEEDS)."""
        return tuple((p, _NEEDS.get(p)) for p in self.ignore)

    @cached_property
    def scan_keywords(self) -> tuple[str, ...]:
        """The keywords worth looking for.

        A keyword that starts with another of the rule's keywords ("used" after "use") starts
        where that one does, so it can add no clause and is not looked for.
        """
        return tuple(
            k
            for k in dict.fromkeys(self.keywords)
            if not any(k != other and k.startswith(other) for other in self.keywords)
        )


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError("a pattern must be a non-empty text", file=where)
    try:
        compiled = fast_pattern(pattern)
    except re.error as exc:
        raise RuleError(f"bad pattern {pattern!r}: {exc}", file=where) from exc
    # Read from the pattern as written: the rewritten one has the same matches, but its first
    # letters stand apart from the rest of their words.
    needs = _required_literals(pattern)
    if needs is not None:
        _NEEDS[compiled] = needs
    return compiled


def _patterns(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(_compile(p, where) for p in items)


def _term_patterns(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    patterns = _patterns(value, where)
    for pattern in patterns:
        if "term" not in pattern.groupindex:
            raise RuleError(f"pattern {pattern.pattern!r} needs a (?P<term>...) group", file=where)
    return patterns


def parse_rule(data: Any, where: str) -> Rule:
    """Validate one rule file's data and compile its patterns."""
    if not isinstance(data, dict):
        raise RuleError("a rule must be a mapping", file=where)
    for key in ("id", "title", "description", "message", "status"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RuleError(f"missing text field '{key}'", file=where)
    raw_criteria = data.get("criterion")
    criteria = tuple(raw_criteria) if isinstance(raw_criteria, list) else (raw_criteria,)
    if not criteria or any(c not in CRITERION_IDS for c in criteria):
        raise RuleError(f"criterion must be among {', '.join(CRITERION_IDS)}", file=where)
    status = data["status"]
    if status not in ("fail", "unknown"):
        raise RuleError("status must be fail or unknown", file=where)
    alternatives = []
    for raw in data.get("match") or ():
        if not isinstance(raw, dict):
            raise RuleError("each match alternative must be a mapping", file=where)
        mods = raw.get("modality", sorted(BINDING))
        mods = [mods] if isinstance(mods, str) else mods
        if not isinstance(mods, list) or any(m not in MODALITIES for m in mods):
            raise RuleError(f"modality must be among {', '.join(MODALITIES)}", file=where)
        patterns = _patterns(raw.get("all"), where)
        if not patterns:
            raise RuleError(
                "each match alternative needs at least one pattern in 'all'", file=where
            )
        alternatives.append(Alternative(frozenset(mods), patterns))
    if not alternatives:
        raise RuleError("a rule needs at least one match alternative", file=where)
    keywords = data.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        raise RuleError("keywords must be a list of texts", file=where)
    scope = data.get("scope", "clause")
    if scope not in ("clause", "text"):
        raise RuleError("scope must be clause or text", file=where)
    known = {
        "id", "criterion", "status", "title", "description", "message", "keywords", "match",
        "ignore", "unless", "scope", "grants", "defeated_by", "defeated_by_term",
    }  # fmt: skip
    extra = sorted(set(data) - known)
    if extra:
        raise RuleError(f"unknown field(s) {', '.join(extra)}", file=where)
    return Rule(
        id=data["id"],
        criteria=criteria,
        status=status,
        title=" ".join(data["title"].split()),
        description=" ".join(data["description"].split()),
        message=" ".join(data["message"].split()),
        keywords=tuple(k.lower() for k in keywords),
        alternatives=tuple(alternatives),
        ignore=_patterns(data.get("ignore"), where),
        unless=_patterns(data.get("unless"), where),
        scope=scope,
        extra={
            "grants": _patterns(data.get("grants"), where),
            "defeated_by": _patterns(data.get("defeated_by"), where),
            "defeated_by_term": _term_patterns(data.get("defeated_by_term"), where),
        },
    )


@cache
def load_rules() -> tuple[Rule, ...]:
    """Every rule shipped in licheck/rules, compiled once per process, in file-name order."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules: list[Rule] = []
    seen: set[str] = set()
    folder = resources.files("licheck") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        where = f"licheck/rules/{entry.name}"
        try:
            data = yaml.load(entry.read_text(encoding="utf-8"), Loader=loader)
        except yaml.YAMLError as exc:
            raise RuleError(f"cannot read rule: {exc}", file=where) from exc
        rule = parse_rule(data, where)
        if rule.id in seen:
            raise RuleError(f"rule id {rule.id} is used twice", file=where)
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


# --- keywords -------------------------------------------------------------------------------


def _trie_pattern(words: list[str]) -> str:
    """A regular expression that matches the longest of `words` starting where it is tried.

    The words are laid out as a trie, one branch per next character, so that the engine reads
    each character of the text once per position instead of once per word; where a word ends
    inside a longer one, the rest is an optional group, which is greedy: the longer word is
    tried first and the shorter one is what is left when it fails.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@dataclass(frozen=True)
class _KeywordIndex:
    """Every keyword of the loaded rules, found in one pass over a text.

    Looking each of the ~180 keywords up in the whole text was the largest cost of choosing the
    clauses a rule reads (issue 4's speed target). An Aho-Corasick automaton (ahocorasick_rs,
    compiled code) finds every occurrence of every keyword in one pass, overlapping ones too,
    eight times faster than the pure-Python way below; both find exactly the same occurrences.

    Without the library (or for a text it cannot take: lone surrogates do not encode to UTF-8),
    one regular expression finds, at each position, the longest keyword starting there; every
    other keyword starting there is a prefix of that one, known when the rules are compiled.
    """

    keywords: tuple[str, ...]
    known: frozenset[str]
    pattern: re.Pattern[str]
    prefixes: dict[str, tuple[int, ...]]
    automaton: ahocorasick_rs.AhoCorasick | None

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """(keyword's index, start, end) of every occurrence; a keyword's own in text order."""
        if self.automaton is not None:
            try:
                return self.automaton.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:
                pass
        prefixes, keywords = self.prefixes, self.keywords
        return [
            (index, match.start(), match.start() + len(keywords[index]))
            for match in self.pattern.finditer(text)
            for index in prefixes[match.group(1)]
        ]


@cache
def _keyword_index() -> _KeywordIndex:
    """The keyword index of the loaded rules, built once per process."""
    keywords = tuple(sorted({k for rule in load_rules() for k in rule.scan_keywords}))
    # A zero-width look-ahead, so that a keyword starting inside another one is found too; with
    # no keyword at all, a pattern that never matches.
    trie = _trie_pattern(list(keywords))
    pattern = re.compile(f"(?=({trie}))" if trie else "(?!)")
    prefixes = {
        k: tuple(i for i, other in enumerate(keywords) if k.startswith(other)) for k in keywords
    }
    automaton: ahocorasick_rs.AhoCorasick | None = None
    try:
        import ahocorasick_rs
    except ImportError:
        # A declared dependency; should it be missing, the regular expression finds the same.
        pass
    else:
        if keywords:
            automaton = ahocorasick_rs.AhoCorasick(keywords)
    return _KeywordIndex(keywords, frozenset(keywords), pattern, prefixes, automaton)


# --- analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextAnalysis:
    """What the clause engine found in one text: findings per criterion, and whether it grants."""

    findings: tuple[Finding, ...]
    grants_rights: bool
    truncated: bool = False

    def status(self, criterion_id: str) -> Status:
        """fail if any finding fails the criterion, unknown if any needs review, else pass."""
        return worst([f.status for f in self.findings if f.criterion == criterion_id])

    @property
    def failing(self) -> tuple[str, ...]:
        """The criteria with a failing finding, in criterion order."""
        return tuple(c for c in CRITERION_IDS if self.status(c) == "fail")


def _evidence(original: str, clause: Clause, anchor: int | None) -> str:
    """The clause as written, trimmed to MAX_EVIDENCE_WORDS around where the concept shows."""
    words = original[clause.start : clause.end].split()
    if len(words) <= MAX_EVIDENCE_WORDS:
        return " ".join(words)
    first = 0
    if anchor is not None:
        before = len(original[clause.start : clause.start + anchor].split())
        first = max(0, min(before - 8, len(words) - MAX_EVIDENCE_WORDS))
    chosen = words[first : first + MAX_EVIDENCE_WORDS]
    head = "\u2026 " if first > 0 else ""
    tail = " \u2026" if first + MAX_EVIDENCE_WORDS < len(words) else ""
    return f"{head}{' '.join(chosen)}{tail}"


def _anchor(clause: Clause, pattern: re.Pattern[str] | None) -> int | None:
    """Roughly where in the clause the concept shows, to centre the quote on it."""
    if pattern is None:
        return None
    found = pattern.search(clause.text)
    if found is None:
        return None
    # clause.text has collapsed white space, so the offset is approximate; close enough to centre
    # a 30-word quote on the words that matter.
    return found.start()


def _rule_hits(rule: Rule, clause: Clause) -> re.Pattern[str] | None:
    """The first pattern of the alternative that matched, or None when the rule does not apply.

    Cheapest tests first: the modality (cached per clause), then the concept's patterns, and the
    exceptions (`unless`) only for a clause that shows the concept.
    """
    plan = rule.plan.get(clause.modality)
    if not plan:
        return None
    text = clause.match_text
    for pattern, needs in rule.ignore_plan:
        if needs is None or _holds(needs, text):
            text = pattern.sub(" ", text)
    for anchor, checks in plan:
        for pattern, needs in checks:
            # _search(), inlined: this loop is the engine's innermost.
            if needs is not None and not _holds(needs, text):
                break
            if pattern.search(text) is None:
                break
        else:
            for pattern in rule.unless:
                if _search(pattern, text):
                    return None
            return anchor
    return None


class _Lines:
    """Maps an offset in the text to a 1-based line number."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def _span(original: str, clause: Clause, lines: _Lines) -> tuple[int, int]:
    s, e = clause.start, clause.end
    while s < e and original[s].isspace():
        s += 1
    while e > s and original[e - 1].isspace():
        e -= 1
    return lines.line(s), lines.line(max(s, e - 1))


def _finding(
    rule: Rule, criterion: str, status: Status, clause: Clause | None, ctx: _Context
) -> Finding:
    if clause is None:
        return Finding(
            criterion=criterion,
            status=status,
            message=rule.message,
            file=ctx.path,
            rule=rule.id,
            source="clause",
        )
    line, end_line = _span(ctx.original, clause, ctx.lines)
    return Finding(
        criterion=criterion,
        status=status,
        message=rule.message,
        evidence=_evidence(ctx.original, clause, _anchor(clause, ctx.anchor)),
        file=ctx.path,
        line=line,
        end_line=end_line,
        section=clause.section,
        rule=rule.id,
        source="clause",
    )


@dataclass
class _Context:
    original: str
    lines: _Lines
    path: str | None
    anchor: re.Pattern[str] | None = None


_NEGATED_GRANT = re.compile(r"\b(?:no|not|nor|never|neither)\b(?:\s+\w+){0,4}\s*$")


class _Text:
    """One text being analysed: its clauses and fast ways to find the ones a rule may concern.

    Several rules share keywords and whole-text patterns (both commercial-use rules carry the same
    second-tier grant), so what is found for one keyword or one pattern set is kept for the
    other rules reading the same text. Nothing is kept across texts.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        norm = _normalise(original)
        self.clauses = _segment(original, norm)
        # Keywords and whole-text patterns scan this copy, where a line break is a space.
        self.flat = norm.replace("\n", " ")
        self.starts = [c.start for c in self.clauses]
        self.ends = [c.end for c in self.clauses]
        self.items: dict[int, list[int]] = {}
        for index, clause in enumerate(self.clauses):
            if clause.lead_index is not None:
                self.items.setdefault(clause.lead_index, []).append(index)
        self._keyword_hits: dict[str, list[int]] | None = None
        self._matches: dict[tuple[re.Pattern[str], ...], Clause | None] = {}

    def clause_at(self, offset: int) -> int | None:
        """The index of the clause holding `offset`, if any."""
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.clauses[index].end:
            return index
        return None

    def _keyword_clauses(self, keyword: str) -> list[int]:
        """The clauses in which `keyword` starts, for a keyword outside the shared index."""
        found: list[int] = []
        find = self.flat.find
        starts, ends = self.starts, self.ends
        pos = find(keyword)
        while pos >= 0:
            index = bisect_right(starts, pos) - 1
            if index >= 0 and pos < ends[index]:
                found.append(index)
                # One hit per clause is enough: jump to the end of this clause.
                pos = find(keyword, ends[index])
            else:
                pos = find(keyword, pos + 1)
        return found

    @property
    def keyword_hits(self) -> dict[str, list[int]]:
        """For each indexed keyword present, the clauses in which it starts (found on first use).

        One pass over the text finds every keyword of every rule (see _KeywordIndex); a
        keyword starting outside any clause (in the white space between two) counts for none.
        """
        if self._keyword_hits is None:
            index = _keyword_index()
            hits: dict[int, list[int]] = {}
            starts, ends = self.starts, self.ends
            # The clause [low, high) of the last occurrence: the next ones are mostly in it too.
            low = high = clause = 0
            for keyword, pos, _end in index.occurrences(self.flat):
                if not low <= pos < high:
                    clause = bisect_right(starts, pos) - 1
                    if clause < 0 or pos >= ends[clause]:
                        continue
                    low, high = starts[clause], ends[clause]
                found = hits.get(keyword)
                if found is None:
                    hits[keyword] = [clause]
                elif found[-1] != clause:
                    # A keyword's occurrences come in text order: a clause is listed once.
                    found.append(clause)
            self._keyword_hits = {index.keywords[k]: found for k, found in hits.items()}
        return self._keyword_hits

    def candidates(self, rule: Rule) -> list[int]:
        """Clauses holding one of the rule's keywords, and the list items under such a lead-in.

        The keywords of all rules are found together, in one pass (see keyword_hits); a rule
        that is not among the loaded ones (a test's own) has its keywords scanned one by one.
        """
        if not rule.keywords:
            return list(range(len(self.clauses)))
        hits = self.keyword_hits
        keywords = rule.scan_keywords
        found: set[int] = set()
        # Only the keywords present in the text are visited: most of a rule's are absent.
        for keyword in hits.keys() & keywords:
            found.update(hits[keyword])
        known = _keyword_index().known
        if not known.issuperset(keywords):
            for keyword in keywords:
                if keyword not in known:
                    found.update(self._keyword_clauses(keyword))
        items = self.items
        if items and found:
            for index in list(found):
                found.update(items.get(index, ()))
        return sorted(found)

    def any_clause_matches(self, patterns: tuple[re.Pattern[str], ...]) -> Clause | None:
        """A binding clause where one of the patterns matches, not negated just before it.

        The answer depends only on the text and the patterns, so it is kept for the next rule
        that asks with the same patterns (each scan reads the whole text).
        """
        if patterns in self._matches:
            return self._matches[patterns]
        result = self._first_binding_match(patterns)
        self._matches[patterns] = result
        return result

    def _first_binding_match(self, patterns: tuple[re.Pattern[str], ...]) -> Clause | None:
        for pattern in patterns:
            if not _may_match(pattern, self.flat):
                continue
            for hit in pattern.finditer(self.flat):
                index = self.clause_at(hit.start())
                if index is None:
                    continue
                clause = self.clauses[index]
                if clause.modality in NON_BINDING:
                    continue
                if not _NEGATED_GRANT.search(self.flat[max(0, hit.start() - 40) : hit.start()]):
                    return clause
        return None

    def grants_defined_term(self, definitions: tuple[re.Pattern[str], ...]) -> bool:
        """Whether a term defined as "the uses beyond the limited tier" is itself granted.

        A tiered license says "you may use it solely for internal research" and then defines
        "Deploy" as "use other than for internal research" and grants "you may ... Deploy": the
        first limit is then no limit. The term is read from the definition, not assumed.
        """
        tried = 0
        for clause in self.clauses:
            if clause.modality != "definition" or tried >= MAX_TERMS:
                continue
            for pattern in definitions:
                found = pattern.search(clause.text)
                if found is None:
                    continue
                tried += 1
                term = re.escape(found.group("term").strip())
                grant = re.compile(
                    rf"\b(?:may|grants?|permitted\s+to|right\s+to)\b(?:(?!\bnot\b)[^.;]){{0,120}}"
                    rf"\b{term}\b"
                )
                for other in self.clauses:
                    if other.modality in BINDING - {"prohibition"} and grant.search(other.text):
                        return True
        return False


def analyse(text: str, *, path: str | None = None) -> TextAnalysis:
    """Read a license text and return the clauses that break or cloud each OSD criterion.

    Never raises on a str: hostile input (huge, binary, no newlines) is cut to MAX_CHARS and
    segmented into bounded clauses.
    """
    if not isinstance(text, str):
        text = str(text)
    original = text[:MAX_CHARS]
    doc = _Text(original)
    clauses = doc.clauses
    ctx = _Context(original, _Lines(original), path)
    findings: list[Finding] = []
    grants_rights = True
    for rule in load_rules():
        if rule.scope == "text":
            grants_rights = doc.any_clause_matches(rule.extra.get("grants", ())) is not None
            if grants_rights:
                continue
            ctx.anchor = rule.alternatives[0].patterns[0]
            reservation = next((c for c in clauses if _rule_hits(rule, c) is not None), None)
            # An explicit reservation ("all rights reserved", "for viewing only") with no grant
            # anywhere fails OSD1 and OSD3; a text with neither (a pointer, a policy) is unknown.
            status: Status = "fail" if reservation is not None else "unknown"
            for criterion in rule.criteria:
                findings.append(_finding(rule, criterion, status, reservation, ctx))
            continue
        candidates = doc.candidates(rule)
        if not candidates:
            continue
        hits: list[tuple[Clause, re.Pattern[str]]] = []
        fired_leads: set[int] = set()
        for index in candidates:
            clause = clauses[index]
            if clause.lead_index is not None and clause.lead_index in fired_leads:
                # The lead-in of a list already shows the concept; its items add nothing.
                continue
            pattern = _rule_hits(rule, clause)
            if pattern is None:
                continue
            fired_leads.add(index)
            if clause.lead_index is not None:
                fired_leads.add(clause.lead_index)
            hits.append((clause, pattern))
            if len(hits) >= MAX_FINDINGS_PER_RULE:
                break
        if not hits:
            continue
        # The second-tier test reads the whole text, so it runs only for a rule that fired.
        defeaters: tuple[re.Pattern[str], ...] = rule.extra.get("defeated_by", ())
        terms: tuple[re.Pattern[str], ...] = rule.extra.get("defeated_by_term", ())
        if (defeaters and doc.any_clause_matches(defeaters) is not None) or (
            terms and doc.grants_defined_term(terms)
        ):
            # Another clause grants what this rule would call restricted (a second tier):
            # "research or non-commercial" is no limit when a later section grants commercial use.
            continue
        for clause, pattern in hits:
            ctx.anchor = pattern
            for criterion in rule.criteria:
                findings.append(_finding(rule, criterion, rule.status, clause, ctx))
    return TextAnalysis(tuple(findings), grants_rights, truncated=len(text) > MAX_CHARS)
