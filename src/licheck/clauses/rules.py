"""The legal concepts the clause engine looks for, as data: `rules/*.yaml`, one file per concept.

Rules are data so that a reviewer can read what licheck looks for and why; each names the OSD
criterion it breaks and the clause modalities it reads. They are compiled once per process, and
the keywords of all rules are found in one pass over a text (an Aho-Corasick automaton).

The YAML is the source of truth. `python -m licheck.clauses.rules` also writes
`rules/compiled.json`: each file's parsed data and, for every pattern, its rewritten form and the
literals it needs (what costs the most to derive before the first text, besides compiling the
regexes, which cannot be stored). A run uses a file's entry only when the YAML's SHA-256 is the
one recorded, so stale data is never used; a test fails when the shipped file is stale.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any

from licheck.records import CRITERION_IDS, Status

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import ahocorasick_rs

# A license longer than this is not a license a human reads; the cap bounds the work on hostile
from licheck.clauses.patterns import (
    _NEEDS,
    Pattern,
    _Needs,
    _required_literals,
    fast_source,
    lazy_pattern,
)
from licheck.clauses.segment import BINDING, MODALITIES, RuleError

# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One way a concept shows: a clause of these modalities that matches all these patterns."""

    modalities: frozenset[str]
    patterns: tuple[Pattern, ...]


# A pattern and what it needs; an alternative as its anchor pattern and its checks.
_Check = tuple[Pattern, _Needs | None]
_Alternative = tuple[Pattern, tuple[_Check, ...]]


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
    ignore: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()
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


# A pattern's compiled form: its rewritten source (patterns.fast_source) and what it needs.
_Form = tuple[str, _Needs | None]


def pattern_form(pattern: str) -> _Form:
    """The rewritten source of a rule's pattern and the literals every match needs."""
    # Needs are read from the pattern as written: the rewritten one has the same matches, but
    # its first letters stand apart from the rest of their words.
    return fast_source(pattern), _required_literals(pattern)


def _compile(pattern: Any, where: str, forms: dict[str, _Form]) -> Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError("a pattern must be a non-empty text", file=where)
    compiled: Pattern
    form = forms.get(pattern)
    if form is not None:
        # Compiled from this very YAML when the data file was built (validated there): the
        # regex is compiled when a text first needs it.
        compiled, needs = lazy_pattern(form[0]), form[1]
    else:
        source, needs = pattern_form(pattern)
        try:
            compiled = re.compile(source)
        except re.error as exc:
            raise RuleError(f"bad pattern {pattern!r}: {exc}", file=where) from exc
    if needs is not None:
        _NEEDS[compiled] = needs
    return compiled


def _patterns(value: Any, where: str, forms: dict[str, _Form]) -> tuple[Pattern, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(_compile(p, where, forms) for p in items)


def _term_patterns(value: Any, where: str, forms: dict[str, _Form]) -> tuple[Pattern, ...]:
    patterns = _patterns(value, where, forms)
    for pattern in patterns:
        if "term" not in pattern.groupindex:
            raise RuleError(f"pattern {pattern.pattern!r} needs a (?P<term>...) group", file=where)
    return patterns


def parse_rule(data: Any, where: str, forms: dict[str, _Form] | None = None) -> Rule:
    """Validate one rule file's data and compile its patterns (`forms`: their compiled forms
    where rules/compiled.json has them; any other pattern's form is derived here)."""
    forms = forms if forms is not None else {}
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
        patterns = _patterns(raw.get("all"), where, forms)
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
        ignore=_patterns(data.get("ignore"), where, forms),
        unless=_patterns(data.get("unless"), where, forms),
        scope=scope,
        extra={
            "grants": _patterns(data.get("grants"), where, forms),
            "defeated_by": _patterns(data.get("defeated_by"), where, forms),
            "defeated_by_term": _term_patterns(data.get("defeated_by_term"), where, forms),
        },
    )


COMPILED_NAME = "compiled.json"
COMPILED_SCHEMA_VERSION = 1
_PATTERN_FIELDS = ("ignore", "unless", "grants", "defeated_by", "defeated_by_term")


def _rule_files(folder: Traversable) -> list[Traversable]:
    return sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def _read_yaml(text: str, where: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise RuleError(f"cannot read rule: {exc}", file=where) from exc


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_compiled(folder: Traversable) -> dict[str, Any]:
    """The entries of rules/compiled.json by file name; none when it is missing or unreadable
    (every rule is then compiled from its YAML, with the same result)."""
    try:
        data = json.loads((folder / COMPILED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema_version") != COMPILED_SCHEMA_VERSION:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def rules_from(folder: Traversable) -> tuple[Rule, ...]:
    """Every rule of a rules folder, in file-name order, from its compiled entry where that
    entry was compiled from the YAML as it is now, else from the YAML."""
    compiled = _read_compiled(folder)
    rules: list[Rule] = []
    seen: set[str] = set()
    for entry in _rule_files(folder):
        where = f"licheck/clauses/rules/{entry.name}"
        text = entry.read_text(encoding="utf-8")
        known = compiled.get(entry.name)
        if isinstance(known, dict) and known.get("sha256") == _digest(text):
            forms = {p: (f[0], _needs(f[1])) for p, f in known["forms"].items()}
            rule = parse_rule(known["data"], where, forms)
        else:
            rule = parse_rule(_read_yaml(text, where), where)
        if rule.id in seen:
            raise RuleError(f"rule id {rule.id} is used twice", file=where)
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _needs(value: Any) -> _Needs | None:
    """Needs as stored in JSON (lists) back as the tuples _NEEDS holds."""
    if value is None:
        return None
    return tuple(tuple(tuple(options) for options in sets) for sets in value)


@cache
def load_rules() -> tuple[Rule, ...]:
    """Every rule shipped in licheck/rules, compiled once per process, in file-name order."""
    return rules_from(resources.files("licheck.clauses") / "rules")


def _plain(value: Any, where: str) -> None:
    """Refuse YAML values JSON would change (dates, non-text keys): the data must round-trip."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise RuleError(f"key {key!r} must be text", file=where)
            _plain(item, where)
    elif isinstance(value, list):
        for item in value:
            _plain(item, where)
    elif not isinstance(value, (str, int, float, bool, type(None))):
        raise RuleError(f"value {value!r} must be text, a number or a list", file=where)


def _rule_patterns(data: dict[str, Any]) -> list[str]:
    """Every pattern text of a rule's data, where parse_rule finds them."""
    found: list[Any] = []
    for raw in data.get("match") or ():
        found.append(raw.get("all"))
    found.extend(data.get(key) for key in _PATTERN_FIELDS)
    texts: list[str] = []
    for value in found:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                texts.append(item)
    return texts


def build_compiled(folder: Traversable) -> dict[str, Any]:
    """The content of rules/compiled.json for a rules folder; every rule is validated first."""
    files: dict[str, Any] = {}
    for entry in _rule_files(folder):
        where = f"licheck/clauses/rules/{entry.name}"
        text = entry.read_text(encoding="utf-8")
        data = _read_yaml(text, where)
        parse_rule(data, where)  # a rule that does not compile is refused here, not shipped
        _plain(data, where)
        forms = {p: pattern_form(p) for p in _rule_patterns(data)}
        files[entry.name] = {"sha256": _digest(text), "data": data, "forms": forms}
    return {
        "schema_version": COMPILED_SCHEMA_VERSION,
        "builder": "python -m licheck.clauses.rules",
        "files": files,
    }


def render_compiled(compiled: dict[str, Any]) -> str:
    """compiled.json as written to disk: sorted and stable, so a diff shows what changed."""
    return json.dumps(compiled, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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
    automaton: ahocorasick_rs.AhoCorasick | None

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """(keyword's index, start, end) of every occurrence; a keyword's own in text order."""
        if self.automaton is not None:
            try:
                return self.automaton.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:
                pass
        pattern, prefixes = self._fallback
        keywords = self.keywords
        return [
            (index, match.start(), match.start() + len(keywords[index]))
            for match in pattern.finditer(text)
            for index in prefixes[match.group(1)]
        ]

    @cached_property
    def _fallback(self) -> tuple[re.Pattern[str], dict[str, tuple[int, ...]]]:
        """The pure-Python search: the trie expression and, for each keyword, the keywords it
        starts with. Built on first use only: compiling the expression of ~650 keywords was a
        third of the clause engine's start-up in every process (~70 ms), and with the library
        installed a run never needs it."""
        keywords = self.keywords
        # A zero-width look-ahead, so that a keyword starting inside another one is found too;
        # with no keyword at all, a pattern that never matches.
        trie = _trie_pattern(list(keywords))
        pattern = re.compile(f"(?=({trie}))" if trie else "(?!)")
        prefixes = {
            k: tuple(i for i, other in enumerate(keywords) if k.startswith(other)) for k in keywords
        }
        return pattern, prefixes


@cache
def _keyword_index() -> _KeywordIndex:
    """The keyword index of the loaded rules, built once per process."""
    keywords = tuple(sorted({k for rule in load_rules() for k in rule.scan_keywords}))
    automaton: ahocorasick_rs.AhoCorasick | None = None
    try:
        import ahocorasick_rs
    except ImportError:
        # A declared dependency; should it be missing, the regular expression finds the same.
        pass
    else:
        if keywords:
            automaton = ahocorasick_rs.AhoCorasick(keywords)
    return _KeywordIndex(keywords, frozenset(keywords), automaton)


def main() -> int:
    """Rewrite rules/compiled.json from the rule YAMLs (a maintainer's command)."""
    folder = resources.files("licheck.clauses") / "rules"
    try:
        compiled = build_compiled(folder)
    except RuleError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    target = folder / COMPILED_NAME
    with resources.as_file(target) as path:
        path.write_text(render_compiled(compiled), encoding="utf-8")
    sys.stderr.write(f"wrote {target}: {len(compiled['files'])} rules\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
