"""Regular-expression tools of the clause engine: faster equivalent patterns and literal pre-checks.

A rule pattern is rewritten into an equivalent one that Python's regex engine runs faster
(fast_pattern), and is not run on a text lacking a literal that every match contains. Each
rewrite leaves every match as it was (issue 4's speed target, `benchmarks/clause_speed.py`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

# A license longer than this is not a license a human reads; the cap bounds the work on hostile

# --- patterns -------------------------------------------------------------------------------


class LazyPattern:
    """A rule's regular expression (its rewritten source), compiled the first time it is used.

    Compiling the ~290 rule patterns is most of what the clause engine does before its first
    text (~70 ms a process); a text reaches only the patterns of the rules whose keywords it
    holds, so most are never compiled for a short text. On first use the compiled pattern's
    methods become this object's own attributes, so a later call costs what a call on the
    compiled pattern costs. One object per source (lazy_pattern), as re's cache shares
    compiled patterns, so equal patterns stay equal (the engine keys results by them).
    """

    def __init__(self, source: str) -> None:
        self.pattern = source

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; its methods replace this object's from now on."""
        compiled = re.compile(self.pattern)
        self.__dict__.update(
            search=compiled.search,
            match=compiled.match,
            sub=compiled.sub,
            finditer=compiled.finditer,
        )
        return compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().match(string, pos, endpos)

    def sub(self, repl: str, string: str, count: int = 0) -> str:
        return self.compiled().sub(repl, string, count)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(string, pos, endpos)

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled().groupindex


# A rule's pattern: compiled when its rule is read from YAML, lazily from rules/compiled.json.
Pattern = re.Pattern[str] | LazyPattern
_LAZY: dict[str, LazyPattern] = {}


def lazy_pattern(source: str) -> LazyPattern:
    """The one LazyPattern of a rewritten source (see LazyPattern)."""
    found = _LAZY.get(source)
    if found is None:
        found = _LAZY[source] = LazyPattern(source)
    return found


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
    """A rule's pattern compiled in the faster equivalent form of fast_source."""
    return re.compile(fast_source(pattern))


def fast_source(pattern: str) -> str:
    """A rule's pattern rewritten into an equivalent one that Python's engine runs faster.

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
            return _by_first_letter(branches)[0]
        leading = _leading_group(pattern) or _factored(pattern)
        if leading is not None:
            return leading
    branches = _top_level_branches(pattern)
    if len(branches) > 1 and all(b.startswith("\\b") for b in branches):
        pattern = "\\b(?:" + "|".join(b[2:] for b in branches) + ")"
    return pattern


# What a match of a pattern needs, as literal texts: any of some terms, each a list of sets of
# which every set must have a member in the text. A text that does not hold any term cannot
# match, so the pattern is not run on it. Regular expression engines do this themselves; Python's
# does not. Filled when rules are compiled.
_Needs = tuple[tuple[tuple[str, ...], ...], ...]
_NEEDS: dict[Pattern, _Needs] = {}
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
        # A text holding "means" holds "mean": testing the shorter is enough. Ties in rank are
        # broken by the texts themselves, so the sets kept do not depend on the process's string
        # hashing (rules/compiled.json must come out the same on every build).
        kept = sorted(set(sets), key=lambda o: (rank(o), sorted(o)), reverse=True)[:_MAX_SETS]
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


def _search(pattern: Pattern, text: str) -> bool:
    """Whether `pattern` matches in `text`; not run when the text lacks what it needs."""
    needs = _NEEDS.get(pattern)
    if needs is not None and not _holds(needs, text):
        return False
    return pattern.search(text) is not None


def _may_match(pattern: Pattern, text: str) -> bool:
    """False when `pattern` cannot match anywhere in `text` (the text lacks what it needs)."""
    needs = _NEEDS.get(pattern)
    return needs is None or _holds(needs, text)
