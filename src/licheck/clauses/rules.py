"""The legal concepts the clause engine looks for, as data: `rules/*.yaml`, one file per concept.

Rules are data so that a reviewer can read what licheck looks for and why; each names the OSD
criterion it breaks and the clause modalities it reads. They are compiled once per process, and
the keywords of all rules are found in one pass over a text (an Aho-Corasick automaton).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any

from licheck.records import CRITERION_IDS, Status

if TYPE_CHECKING:
    import ahocorasick_rs

# A license longer than this is not a license a human reads; the cap bounds the work on hostile
from licheck.clauses.patterns import _NEEDS, _Needs, _required_literals, fast_pattern
from licheck.clauses.segment import BINDING, MODALITIES, RuleError

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
    folder = resources.files("licheck.clauses") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        where = f"licheck/clauses/rules/{entry.name}"
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
