"""Segmentation: a license text split into clauses with their lines, headings and modality.

The same words mean opposite things in "You may use it commercially" and "You may not use it
commercially", and a definition or a warranty disclaimer obliges no one, so every clause is
classified (heading, definition, disclaimer, prohibition, limitation, condition, permission,
statement) before any legal concept is matched. A list's lead-in ("You agree not to use the
Model:") governs every item below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

# A license longer than this is not a license a human reads; the cap bounds the work on hostile
from licheck.clauses import cjk
from licheck.clauses.patterns import (
    _boundary_branches,
    _by_first_letter,
    _holds,
    _required_literals,
    fast_pattern,
)
from licheck.errors import LicheckError
from licheck.regex import on_first_use

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
# A Chinese or fullwidth text also gets cjk.TABLE (fullwidth punctuation and digits as ASCII).
_WIDE_TRANSLATE = {**_TRANSLATE, **cjk.TABLE}


def _normalise(text: str) -> str:
    """Lower-case, ASCII-quoted copy of `text` with exactly the same length and offsets."""
    if text.isascii():
        # str.translate has a fast path for ASCII text only; elsewhere it looks up every
        # character in a dict, ten times slower than replacing the few characters present.
        out = text.translate(_TRANSLATE)
    elif cjk.has_wide(text):
        out = text.translate(_WIDE_TRANSLATE)
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


# Markdown and HTML markup inside a clause ("You ***must not* publish**", "register
# [here](https://...)", "<!-- ... -->") would stand between the words a rule reads. Each mark
# becomes spaces of its own length, so offsets and lines stay those of the file; a link keeps
# its text and its address: "[here](url)" reads " here (url)". Underscores inside a word
# (snake_case, URLs) and a list bullet ("* item") are not emphasis and stay.
_MARKUP = on_first_use(r"\[(?=[^\[\]\n]{1,200}\]\()|\](?=\()|`+|<!--|-->|[*_]+")


def _blank(match: re.Match[str]) -> str:
    mark = match.group()
    if mark[0] in "*_":
        text, start, end = match.string, match.start(), match.end()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if before.isspace() and after.isspace():
            # A list bullet or a lone star ("* item", "2 * 3"), not emphasis.
            return mark
        if "_" in mark and before.isalnum() and after.isalnum():
            # snake_case, a URL path: an underscore inside a word.
            return mark
    return " " * len(mark)


def unmark(text: str) -> str:
    """`text` without Markdown emphasis, code marks, link brackets and HTML comment marks.

    The same length as `text`, so an offset in one is the same offset in the other: the engine
    reads and quotes this text (a quote is then text a reader finds in the file once its marks
    are ignored).
    """
    if "*" in text or "_" in text or "`" in text or "](" in text or "<!--" in text:
        return _MARKUP.sub(_blank, text)
    return text


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
    if "no" in spaced:
        spaced = _negate_verb(spaced)
    if not spaced.isascii() and cjk.HAN.search(spaced):
        # A Chinese sentence wrapped over lines: the line break is no word boundary.
        spaced = cjk.join_wrapped(spaced)
    return spaced.strip()


# A negated subject ("No part of the Model may be redistributed", "None of the outputs may be
# used to train ...") forbids as "may not" does; the verb takes the negation so that every rule
# reading "may not ..." reads these too. Only subjects that name a share of the work or a person
# are read so: "no later than 30 days you must" keeps its meaning.
_NEGATED_SUBJECT = fast_pattern(
    r"\b(?:no\s+(?:part|parts|portion|portions|component|components|element|piece|copy|copies"
    r"|one|person|persons|entity|entities|party|parties|user|users|licensee|licensees|third\s+party)"
    r"|none)\b(?:\s+of\s+(?:[\w'-]+\s+){1,5}?|\s+)(?:may|shall|can|could|will|must)(?=\s+(?!not\b))"
)


def _negate_verb(text: str) -> str:
    """`text` with "not" after the modal verb of a negated subject (see _NEGATED_SUBJECT)."""
    if "none" not in text and "no " not in text:
        return text
    return _NEGATED_SUBJECT.sub(r"\g<0> not", text)


# --- segmentation ---------------------------------------------------------------------------

_LIST_MARKER = on_first_use(
    r"[ ]*(?:[-*\u2022\u25cf\u25aa>]+|\(?(?:\d{1,3}(?:\.\d{1,3}){0,3}|[a-z]|[ivxl]{1,5})[.)]"
    r"|(?:section|article|clause|part)[ ]+[\dIVXivx]{1,5}[.:)]?)[ ]+"
)
_HEADING_WORD = on_first_use(
    r"(?:#{1,6}[ ]*)?(?:section|article|part|attachment|exhibit|appendix|schedule|annex|chapter)\b",
    re.IGNORECASE,
)
# `[.;!?]["')\]]*\s+|:[ \t]*(?=<list marker>)`, written to start with one character class so that
# the engine skips straight to the next punctuation mark instead of trying every position.
_SENTENCE_END = on_first_use(
    r"[.;!?:](?:(?<=[.;!?])[\"')\]]*\s+|(?<=:)[ \t]*(?=\(?(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)][ ]))"
)
# fast_pattern: the engine skips to the next "1" or "2" instead of testing \b everywhere.
_YEAR = fast_pattern(r"\b(?:19|20)\d\d\b")
_VERBISH_WORDS = r"\b(?:may|shall|must|will|can|is|are|be|you|grants?|means|agree|not)\b"
_VERBISH = on_first_use(_VERBISH_WORDS, re.IGNORECASE)
# On lower-case ASCII text, case-insensitive matching finds exactly what plain matching finds,
# at more than twice the cost (the engine folds the case of every character it reads).
_VERBISH_LOWER = on_first_use(_VERBISH_WORDS)


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
        """The words a rule reads: the list's lead-in, then the item itself (see _join_item)."""
        return _join_item(self.lead, self.text) if self.lead else self.text

    @_Lazy
    def modality(self) -> str:
        """The clause's modality; a bare list item takes its lead-in's ("You agree not to: ...")."""
        if self.kind is not None:
            return self.kind
        own = _modality(self.text)
        if self.lead is not None and own in {"statement", "permission", "limitation"}:
            return _modality(self.lead)
        return own


# A lead-in's negation may be set off from the items by an aside ("You shall not, without
# Acme's prior written consent:", "shall not, directly or indirectly:"); the aside is moved
# after the item so that the negation and the item's verb meet: "you shall not resell the
# model; (without acme's prior written consent)".
_LEAD_ASIDE = on_first_use(r"\b(?:not|never)(?=\s*,)")
_ITEM_MARKER = on_first_use(
    r"(?:[-*\u2022>]+|\(?(?:\d{1,3}(?:\.\d{1,3}){0,4}|[a-z]|[ivxl]{1,5})[.)]){1,2}[ ]+"
)


@lru_cache(maxsize=256)
def _lead_parts(lead: str) -> tuple[str, str]:
    """A lead-in as the words that govern its items and an aside to put after each item."""
    core = lead.rstrip(" :")
    negation = _LEAD_ASIDE.search(core)
    if negation is None:
        return core, ""
    aside = core[negation.end() :].strip(" ,")
    return core[: negation.end()], f" ({aside})" if aside else ""


def _join_item(lead: str, item: str) -> str:
    """A list item read with its lead-in: "you shall not" + "(i) resell the model;" reads
    "you shall not resell the model;", the list marker dropped (OSD rules read the sentence
    the lead-in and the item make together)."""
    core, aside = _lead_parts(lead)
    marker = _ITEM_MARKER.match(item)
    body = item[marker.end() :] if marker else item
    return f"{core} {body}{aside}"


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


def _sentences(
    norm: str, original: str, start: int, end: int, chinese: bool = False
) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph: cut after . ; ! ? when a new sentence begins (and,
    in a text with Chinese, after 。 and fullwidth ! ? ; too)."""
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
    if chinese:
        spans = cjk.split_spans(norm, spans)
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


_MARKER_WORD = on_first_use(r"[a-z]|[ivx]{1,4}|\d{1,3}(?:\.\d{1,3})*")


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


_DEFINITION = on_first_use(
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
    r"|shan't)\b|\bagrees?\s+(?:not|never)\s+to\b|\bdoes\s+not\s+(?:permit|allow)\b"
    r"|\bdoes\s+not\s+grant\s+(?:you\s+)?(?:any\s+)?permission\s+to\s+use\b"
    r"|\bnot\s+(?:be\s+)?(?:permitted|allowed"
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
    if not text.isascii() and cjk.HAN.search(text):
        # A Chinese clause: its modal words are Chinese ones (a bilingual clause has both).
        if cjk.is_definition(text):
            return "definition"
        found |= cjk.markers(text)
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
    original = unmark(text[:MAX_CHARS])
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
    # Chinese sentence ends, list markers and headings are looked for only in a text with Han
    # characters: an English text takes exactly the English path.
    chinese = not original.isascii() and cjk.HAN.search(norm) is not None

    def starts_item(at: int) -> bool:
        if _LIST_MARKER.match(norm, at):
            return True
        return chinese and cjk.LIST_MARKER.match(norm, at) is not None

    def flush() -> None:
        nonlocal lead, lead_index, section
        if not paragraph:
            return
        p_start, p_end = paragraph[0][0], paragraph[-1][1]
        paragraph.clear()
        if lead is not None and not starts_item(p_start):
            lead = None
        spans = _sentences(norm, original, p_start, p_end, chinese)
        pending = -1  # start of a tiny fragment ("b.") to glue onto the next sentence
        for span_start, e in spans:
            s = span_start
            if pending >= 0:
                s, pending = pending, -1
            raw = norm[s:e]
            stripped = raw.strip()
            if not stripped:
                continue
            if len(stripped) <= 6 and not stripped.endswith((":", "\u3002")):
                # (A short Chinese sentence, "禁止商用。", is a sentence, not a list marker.)
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
        elif chinese and cjk.is_heading_line(norm[pos:line_end].strip()):
            # "第三条 使用限制", "四、免责声明": a Chinese heading (no capitals to tell it by).
            flush()
            lead = None
            section = _section_label(original, pos, line_end)
            clauses.append(Clause(pos, line_end, norm[pos:line_end], section, kind="heading"))
        else:
            if paragraph and starts_item(pos):
                flush()
            paragraph.append((pos, line_end))
        pos = line_end + 1
    flush()
    return tuple(clauses)
