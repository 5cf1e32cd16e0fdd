"""The clause engine's judgment of one text: the rules matched against its clauses, as findings.

The work per text is bounded (size cap, clause-length cap, no nested quantifiers in the
engine's own patterns) because a license file is untrusted input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A license longer than this is not a license a human reads; the cap bounds the work on hostile
from licheck.clauses import cjk
from licheck.clauses.language import unread_spans
from licheck.clauses.patterns import Pattern, _holds, _may_match, _search
from licheck.clauses.rules import Rule, _keyword_index, load_rules
from licheck.clauses.segment import (
    BINDING,
    MAX_CHARS,
    MAX_EVIDENCE_WORDS,
    MAX_FINDINGS_PER_RULE,
    MAX_TERMS,
    NON_BINDING,
    Clause,
    _normalise,
    _segment,
    unmark,
)
from licheck.records import CRITERION_IDS, Finding, Status, worst
from licheck.regex import on_first_use

# --- analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextAnalysis:
    """What the clause engine found in one text: findings per criterion, and whether it grants.

    `unread` lists the (line, end_line, language) spans of substantial text in a language the
    rules do not read (see clauses/language.py): "ja", "ko", "cyrillic", "greek", "hebrew",
    "arabic", "devanagari", "thai", or "de", "fr", "es", "it", "pt", "nl" for Latin script.
    The engine judges nothing from them; a caller must not pass a criterion on such a text
    without reading those lines (a rule may still have fired on one: the few German and French
    patterns of non-commercial.yaml do).
    """

    findings: tuple[Finding, ...]
    grants_rights: bool
    truncated: bool = False
    unread: tuple[tuple[int, int, str], ...] = ()
    # The rights a permission clause grants (RIGHTS: use, copy, modify, distribute): an open
    # judgment of a text nobody has catalogued needs all four (positive evidence, OSD1, OSD3).
    rights: frozenset[str] = frozenset()

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
        quote = " ".join(words)
        # Chinese has no spaces between words: a long sentence is cut by characters.
        return cjk.trim_quote(quote, anchor) if len(quote) > cjk.MAX_QUOTE_CHARS else quote
    first = 0
    if anchor is not None:
        before = len(original[clause.start : clause.start + anchor].split())
        first = max(0, min(before - 8, len(words) - MAX_EVIDENCE_WORDS))
    chosen = words[first : first + MAX_EVIDENCE_WORDS]
    head = "\u2026 " if first > 0 else ""
    tail = " \u2026" if first + MAX_EVIDENCE_WORDS < len(words) else ""
    return f"{head}{' '.join(chosen)}{tail}"


def _anchor(clause: Clause, pattern: Pattern | None) -> int | None:
    """Roughly where in the clause the concept shows, to centre the quote on it."""
    if pattern is None:
        return None
    found = pattern.search(clause.text)
    if found is None:
        return None
    # clause.text has collapsed white space, so the offset is approximate; close enough to centre
    # a 30-word quote on the words that matter.
    return found.start()


def _rule_hits(rule: Rule, clause: Clause) -> Pattern | None:
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
    anchor: Pattern | None = None


_NEGATED_GRANT = on_first_use(r"\b(?:no|not|nor|never|neither)\b(?:\s+\w+){0,4}\s*$")


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
        self._matches: dict[tuple[Pattern, ...], Clause | None] = {}

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

    def any_clause_matches(self, patterns: tuple[Pattern, ...]) -> Clause | None:
        """A binding clause where one of the patterns matches, not negated just before it.

        The answer depends only on the text and the patterns, so it is kept for the next rule
        that asks with the same patterns (each scan reads the whole text).
        """
        if patterns in self._matches:
            return self._matches[patterns]
        result = self._first_binding_match(patterns)
        self._matches[patterns] = result
        return result

    def _first_binding_match(self, patterns: tuple[Pattern, ...]) -> Clause | None:
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

    def grants_defined_term(self, definitions: tuple[Pattern, ...]) -> bool:
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
    # The engine reads, and quotes, the text without its Markdown or HTML marks (see unmark).
    original = unmark(text[:MAX_CHARS])
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
        hits: list[tuple[Clause, Pattern]] = []
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
        defeaters: tuple[Pattern, ...] = rule.extra.get("defeated_by", ())
        terms: tuple[Pattern, ...] = rule.extra.get("defeated_by_term", ())
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
    unread = unread_spans(clauses, doc.flat, ctx.lines.line)
    return TextAnalysis(
        tuple(findings),
        grants_rights,
        truncated=len(text) > MAX_CHARS,
        unread=unread,
        rights=granted_rights(clauses),
    )


# The four rights of an open license, as the words of a grant say them (English, Chinese).
# A grant names them together ("to use, copy, modify, merge, publish, distribute"; "permission
# to use, copy, modify, and distribute"; "授予您……使用、复制、修改、分发"), so a right counts
# only in a clause that grants and in no negated phrase.
RIGHTS: dict[str, re.Pattern[str]] = {
    "use": re.compile(r"\b(?:use|run|exercise|utili[sz]e|deploy)\b|使用|运行"),
    "copy": re.compile(r"\b(?:cop(?:y|ies|ying)|reproduce|reproduction|duplicate)\b|复制|拷贝"),
    "modify": re.compile(
        r"\b(?:modify|modifications?|adapt|adaptations?|alter|derivative|translate|merge"
        r"|fine[\s-]?tune|improve)\b|修改|改编|衍生|演绎"
    ),
    "distribute": re.compile(
        r"\b(?:distribute|redistribute|redistribution|distribution|sublicense|share"
        r"|publish|convey|propagate|sell|make\s+available)\b|分发|发行|传播|再许可"
    ),
}
_NEGATED_RIGHT = on_first_use(r"\b(?:not|no|never|nor)\b[^.;:]{0,40}$|不得|禁止|不可|不允许")
_GRANTING = frozenset({"permission", "condition", "statement", "limitation"})
_GRANT_WORDS = on_first_use(
    r"\b(?:grants?|granted|hereby|permission|permitted|may|licen[cs]e[sd]?\s+to|right\s+to"
    r"|free\s+to|allowed\s+to)\b|授予|许可|可以|有权"
)


def granted_rights(clauses: tuple[Clause, ...]) -> frozenset[str]:
    """Which of the four rights some clause grants: a permission ("is hereby granted", "you
    may", "授予") naming the right, not under a negation ("you may not distribute")."""
    found: set[str] = set()
    for clause in clauses:
        if len(found) == len(RIGHTS):
            break
        if clause.kind == "heading":
            continue
        text = clause.match_text
        if clause.modality not in _GRANTING or not _GRANT_WORDS.search(text):
            continue
        for right, pattern in RIGHTS.items():
            if right in found:
                continue
            for match in pattern.finditer(text):
                if not _NEGATED_RIGHT.search(text[max(0, match.start() - 60) : match.start()]):
                    found.add(right)
                    break
    return frozenset(found)
