"""Which parts of a text the clause engine cannot read: spans in a language its rules do not cover.

The rules read English and Chinese. A Japanese, Korean, Russian or German license (or the
Japanese half of a bilingual one) would otherwise pass every criterion because no rule fires on
it, which is a pass without evidence (STYLE.md: what was not read is `unknown`). This module
only reports such spans; the caller decides what they mean for a verdict.

Detection is by script, which is cheap and certain: kana means Japanese (Chinese uses none),
Hangul Korean, and so on. Latin-script text is told from English by the share of common
function words of German, French, Spanish, Italian, Portuguese and Dutch; other Latin-script
languages (Polish, Czech, ...) are not told apart and count as read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol

from licheck.clauses.cjk import HAN_CLASS
from licheck.regex import on_first_use

# Below these sizes a span is a name, a quote or a title, not text that could hold a clause.
MIN_WORDS = 8
MIN_CHARS = 20

# Scripts the rules do not read, with the label reported for them. Han is absent: Chinese is
# read, and Han characters in a Japanese clause count towards it through its kana.
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"),
    ("ko", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("cyrillic", "\u0400-\u04ff"),
    ("greek", "\u0370-\u03ff"),
    ("hebrew", "\u0590-\u05ff"),
    ("arabic", "\u0600-\u06ff\u0750-\u077f"),
    ("devanagari", "\u0900-\u097f"),
    ("thai", "\u0e00-\u0e7f"),
)
_SCRIPT_PATTERNS = tuple((name, re.compile(f"[{chars}]")) for name, chars in _SCRIPTS)
_ANY_SCRIPT = on_first_use("[" + "".join(chars for _, chars in _SCRIPTS) + "]")
_HAN = on_first_use(f"[{HAN_CLASS}]")

# Function words frequent in each language and rare as English words (no "a", "die", "de" is
# kept only where English has no such word).
_STOPWORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "von",
            "den",
            "dem",
            "des",
            "ein",
            "eine",
            "einer",
            "eines",
            "oder",
            "auf",
            "für",
            "sind",
            "werden",
            "wird",
            "zu",
            "im",
            "sie",
            "es",
            "sich",
            "dieser",
            "diese",
            "dieses",
            "durch",
            "nur",
            "auch",
            "bei",
            "nach",
            "wenn",
            "kann",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "est",
            "une",
            "des",
            "du",
            "pour",
            "dans",
            "sur",
            "par",
            "pas",
            "qui",
            "que",
            "aux",
            "ce",
            "cette",
            "sont",
            "ou",
            "vous",
            "être",
            "avec",
            "leur",
            "sans",
            "tout",
            "peut",
            "ne",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "es",
            "una",
            "del",
            "para",
            "por",
            "con",
            "que",
            "se",
            "su",
            "sus",
            "en",
            "no",
            "lo",
            "al",
            "como",
            "este",
            "esta",
            "usted",
            "puede",
            "sin",
            "o",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "di",
            "che",
            "è",
            "per",
            "con",
            "una",
            "del",
            "della",
            "dei",
            "delle",
            "non",
            "sono",
            "questo",
            "questa",
            "può",
            "nel",
            "alla",
            "al",
            "o",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "os",
            "as",
            "e",
            "é",
            "um",
            "uma",
            "do",
            "da",
            "dos",
            "das",
            "para",
            "com",
            "não",
            "que",
            "em",
            "por",
            "seu",
            "sua",
            "você",
            "pode",
            "este",
            "esta",
            "ou",
            "ao",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "is",
            "van",
            "niet",
            "met",
            "voor",
            "op",
            "zijn",
            "worden",
            "wordt",
            "dat",
            "die",
            "deze",
            "dit",
            "door",
            "aan",
            "bij",
            "of",
            "te",
            "u",
            "kan",
        ]
    ),
}
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "in",
        "for",
        "or",
        "be",
        "by",
        "this",
        "that",
        "any",
        "with",
        "as",
        "are",
        "not",
        "you",
        "your",
        "may",
        "shall",
        "on",
        "such",
        "an",
        "it",
        "from",
        "all",
        "other",
        "under",
        "which",
    ]
)
# Words that a German, French, Spanish, Italian, Portuguese or Dutch text of any length holds
# and an English one almost never: counting them tells whether a clause-by-clause look is
# worth it, in one pass of an Aho-Corasick automaton (20 us on 10 KB; the regular expression
# fallback takes 90 us, str.count per word 130 us: the engine's whole budget is 2 ms).
_TELLTALES = tuple(
    f" {w} "
    for w in [
        "und",
        "der",
        "nicht",
        "ist",
        "les",
        "est",
        "une",
        "pour",
        "dans",
        "los",
        "las",
        "del",
        "para",
        "una",
        "della",
        "che",
        "sono",
        "não",
        "uma",
        "het",
        "een",
        "niet",
        "voor",
    ]
)


@cache
def _telltale_counter() -> Callable[[str], int]:
    """A function counting the telltale words in a text, built once per process."""
    try:
        import ahocorasick_rs
    except ImportError:
        # The look-ahead leaves the space for the next word: " und ist " holds two.
        pattern = re.compile(" (?:" + "|".join(w.strip() for w in _TELLTALES) + ")(?= )")
        return lambda text: sum(1 for _ in pattern.finditer(text))
    automaton = ahocorasick_rs.AhoCorasick(list(_TELLTALES))

    def count(text: str) -> int:
        try:
            return len(automaton.find_matches_as_indexes(text, overlapping=True))
        except UnicodeEncodeError:  # lone surrogates do not encode to UTF-8
            return sum(text.count(word) for word in _TELLTALES)

    return count


# A Latin clause is foreign when this share of its words are one language's function words and
# fewer of them are English ones (an English clause has 30 % or more English function words).
_MIN_SHARE = 0.2
_WORD_EDGES = "\"'()[]{}.,;:!?*_-"


def _latin_language(words: Sequence[str]) -> str | None:
    """The language of a Latin-script clause if it is one of _STOPWORDS, else None (English)."""
    if len(words) < 3:
        return None
    english = sum(1 for w in words if w in _ENGLISH)
    best, share = None, 0.0
    for language, stopwords in _STOPWORDS.items():
        hits = sum(1 for w in words if w in stopwords)
        if hits / len(words) > share:
            best, share = language, hits / len(words)
    if best is None or share < _MIN_SHARE or english / len(words) >= share:
        return None
    return best


def _script_language(text: str) -> tuple[str | None, int]:
    """The unread script of a clause (by its most frequent letters) and how many it has."""
    best, count = None, 0
    for name, pattern in _SCRIPT_PATTERNS:
        found = len(pattern.findall(text))
        if found > count:
            best, count = name, found
    if best == "ja":
        # Japanese mixes kana with kanji: the kanji are Japanese too.
        count += len(_HAN.findall(text))
    return best, count


Span = tuple[int, int, str]


class _Clause(Protocol):
    """What unread_spans reads of a clause (segment.Clause has it)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def raw(self) -> str: ...


def unread_spans(
    clauses: Sequence[_Clause], flat: str, line_of: Callable[[int], int]
) -> tuple[Span, ...]:
    """(line, end_line, language) of every run of clauses in a language the rules do not read.

    `clauses` are the text's clauses (offsets and normalised text); `flat` the whole normalised text
    (a quick look tells whether any clause needs a closer one); `line_of` maps an offset to its
    line. Consecutive clauses of one language form one run, reported when it holds at least
    MIN_WORDS words or MIN_CHARS letters of its script (Latin script: MIN_WORDS words).
    """
    scripts = not flat.isascii() and _ANY_SCRIPT.search(flat) is not None
    latin = _telltale_counter()(flat) >= 2
    if not scripts and not latin:
        # The common case, an English or Chinese text: two C-speed looks and done.
        return ()
    # Each run: start, end, language ("" for read text), letters of its script, words.
    runs: list[tuple[int, int, str, int, int]] = []
    for clause in clauses:
        start, end, text = clause.start, clause.end, clause.raw
        language: str | None = None
        letters = 0
        words = text.split()
        if scripts and _ANY_SCRIPT.search(text):
            language, letters = _script_language(text)
        if language is None and latin:
            words = [w.strip(_WORD_EDGES) for w in words]
            language = _latin_language(words)
        if language is None:
            runs.append((start, end, "", 0, 0))
            continue
        if runs and runs[-1][2] == language:
            first, _end, _language, had_letters, had_words = runs[-1]
            runs[-1] = (first, end, language, had_letters + letters, had_words + len(words))
        else:
            runs.append((start, end, language, letters, len(words)))
    return tuple(
        (line_of(start), line_of(max(start, end - 1)), language)
        for start, end, language, letters, words in runs
        if language and (words >= MIN_WORDS or letters >= MIN_CHARS)
    )
