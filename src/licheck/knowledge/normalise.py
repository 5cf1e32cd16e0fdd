"""License texts normalised as the SPDX matching guidelines ask, and cut into hashed word n-grams.

Case, white space, punctuation, bullets and numbering, comment markers, varietal spellings,
copyright lines, Markdown markup, http/https, words hyphenated across lines and the replaceable
holder's name are what the guidelines ignore; the line count is kept so that a difference is
reported on the user's own line numbers.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence

from licheck.knowledge.index import EXCERPT_CHARS, HASH_BITS, HASH_MASK, NGRAM
from licheck.records import Span
from licheck.regex import on_first_use

# --- normalisation (SPDX matching guidelines, section 2) -----------------------------------

# A copyright line: "Copyright (c) 2023 X", "© X", "COPYRIGHT 2001 BY X", "Copyright X". The
# word is capitalised, as a notice writes it, and not followed by a word that makes it prose
# ("copyright resulting from ...", "Copyright law") — a reflow can start a line with those.
#
# The patterns that start at a line's start begin with "\n", not "^", and are run on the text
# behind one added newline (_sub_lines): a literal first character lets the regex engine jump
# from line to line, where "^" makes it try every position (three times faster, same matches:
# no match crosses a line, so each newline is consumed by the one match of its next line).
_COPYRIGHT_START = (
    r"\n(?:[>#*_|\-/;!%]|[^\S\n])*(?:©|(?:Copyright|COPYRIGHT)(?=[^\S\n]*(?:\([cC]\)|©|:|$)"
    r"|[^\S\n]+(?!(?i:notices?|holders?|owners?|owned|laws?|and|or|the|of|to|in|is|are|for|"
    r"that|this|which|protection|infringement|statements?|act|claims?|licen[cs]es?|"
    r"interests?|rights?|policy|treaties|treaty|may|shall|will|must)\b)[A-Z0-9\[<{(]|by\b))"
)
# The whole statement when it ends (a full stop or the line's end) within 120 characters...
_COPYRIGHT = on_first_use(
    _COPYRIGHT_START + r"(?:[^\n.]|\.(?!\s)){0,120}(?:\.(?=\s)|$)", re.MULTILINE
)
# ... else, on a long line that goes on with the license, only "Copyright (c) 2001 by".
_COPYRIGHT_PREFIX = on_first_use(
    _COPYRIGHT_START + r"(?:[^\S\n]*(?:\([cC]\)|©|\d{4}(?:[-\u2013,][^\S\n]*\d{4})*,?|by\b))*",
    re.MULTILINE,
)
# A notice inside a line ("... Community License, Copyright © Meta Platforms, Inc."): the
# copyright sign makes it one wherever it stands.
_COPYRIGHT_INLINE = on_first_use(
    r"(?:Copyright|COPYRIGHT|copyright)[^\S\n]*(?:\([cC]\)|©)(?:[^\n.]|\.(?!\s)){0,80}"
)
_RIGHTS = on_first_use(r"all rights reserved\.?")
_BULLET = on_first_use(
    r"\n[>|#*_/;!% \t]*(?:[-*•·▪◦+]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,5})[.)](?:\d{1,2}[.)])*)"
    r"(?=[^\S\n])",
    re.MULTILINE,
)
# "(a)", "(iv)", "(12)", "3)" and section numbers "3." or "2.1." anywhere (reflowed text keeps
# them mid-line). Written to start with a character class so the regex engine skips ahead fast.
_INLINE_BULLET = on_first_use(
    r"[(\d](?:(?<=\()(?:\d{1,2}|[a-z]|[ivx]{1,5})\)"
    r"|(?<![\w.(]\d)\d?(?:(?:\.\d{1,2})*\.|\))(?=\s))"
)
# The same for an ASCII text, where a digit (\d: any Unicode decimal digit, asked of a table
# for every character the search passes) can only be 0-9: a quarter faster.
_INLINE_BULLET_ASCII = on_first_use(
    r"[(0-9](?:(?<=\()(?:[0-9]{1,2}|[a-z]|[ivx]{1,5})\)"
    r"|(?<![\w.(][0-9])[0-9]?(?:(?:\.[0-9]{1,2})*\.|\))(?=\s))"
)
# "b." or "iv)" inside a line: list letters a reflow moved off the start of their line: a space,
# one letter or two to four roman-numeral letters, "." or ")", white space. Found from the rare
# "." or ")" and looked back from (the same matches as r"[ \t](?:[a-z]|[ivx]{2,4})[.)](?=\s)",
# which tries every space); _drop_letters removes them.
_INLINE_LETTER = on_first_use(
    r"[.)](?:(?<=[ \t][a-z].)|(?<=[ \t][ivx]{2}.)|(?<=[ \t][ivx]{3}.)|(?<=[ \t][ivx]{4}.))(?=\s)"
)


def _sub_lines(pattern: re.Pattern[str], text: str) -> str:
    """Blank what a "\n"-led line-start pattern matches (see _COPYRIGHT_START), line 1 too."""
    return pattern.sub("\n ", "\n" + text)[1:]


def _drop_letters(text: str) -> str:
    """Each inline list letter (see _INLINE_LETTER) with the space before it becomes one space."""
    pieces: list[str] = []
    last = 0
    for match in _INLINE_LETTER.finditer(text):
        start = match.start() - 1
        while text[start - 1] not in " \t":  # the letters run back to the space
            start -= 1
        pieces.append(text[last : start - 1])
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return " ".join(pieces)


# Replaceable text (SPDX matching guidelines B.3.4): the party named in the no-endorsement,
# warranty and liability clauses of BSD- and MIT-style licenses ("Neither the name of NVIDIA
# CORPORATION nor ...", "PROVIDED BY THE COPYRIGHT OWNER "AS IS" AND ANY EXPRESS ...",
# "IN NO EVENT SHALL THE AUTHORS BE LIABLE FOR ANY CLAIM") is the licensor's own name, which
# the SPDX templates mark <<var>>. Each slot is found by the fixed words on both sides of it,
# so only these clauses are touched, and it is replaced by one placeholder on both sides of a
# comparison. The slot holds at most 160 characters: a longer stretch is no name.
_SEP = r"[\s#*/;!%>|]+"  # whitespace and comment markers between two words of a clause
# Each pattern starts with a literal word, so the regex engine skips ahead to it quickly.
_HOLDER_SLOTS = (
    (
        "neither",
        re.compile(
            r"(neither[^\S\n]+the[^\S\n]+names?[^\S\n]+of\s)(.{1,160}?)"
            rf"(\snor{_SEP}the{_SEP}names?\s)",
            re.DOTALL,
        ),
    ),
    (
        "as is",
        re.compile(
            rf"(provided{_SEP}by\s)(.{{1,160}}?)"
            r"([\s#*/;!%>|\"'`\u201c\u201d\u2018]*as[^\S\n]+is\b[\s#*/;!%>|\"'`\u201c\u201d\u2019,]*"
            rf"and{_SEP}any{_SEP}express)",
            re.DOTALL,
        ),
    ),
    (
        "liable",
        re.compile(
            rf"(no{_SEP}event{_SEP}shall\s)(.{{1,160}}?)"
            rf"(\sbe{_SEP}liable{_SEP}(?:to{_SEP}any{_SEP}party{_SEP})?for{_SEP}any{_SEP}"
            r"(?:direct|indirect|special|claim))",
            re.DOTALL,
        ),
    ),
)


def _holder(match: re.Match[str]) -> str:
    """The placeholder for a replaceable name, keeping the name's line breaks (line numbers)."""
    return f"{match[1]}the copyright holder{chr(10) * match[2].count(chr(10))}{match[3]}"


# ... the next line may start with a comment marker ("non-\n# exclusive" in a source header).
_HYPHEN_BREAK = on_first_use(r"-[^\S\n]*\n[^\S\n]*(?:[#*/;!%>|]+[^\S\n]*)?([a-z]+)")
_HYPHEN_SPACE = on_first_use(r"-(?<=[a-z]-)[ \t]+(?=[a-z])")  # starts with "-": a fast scan
_TOKEN = on_first_use(
    r"[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+"
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_URL = on_first_use(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)

# Varietal spellings the SPDX guidelines treat as the same word (their equivalent-words list,
# the entries that occur in license texts), plus http/https which the guidelines also equate.
VARIANTS: dict[str, str] = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "licencing": "licensing",
    "licencee": "licensee",
    "licencor": "licensor",
    "sublicence": "sublicense",
    "acknowledgement": "acknowledgment",
    "acknowledgements": "acknowledgments",
    "analogue": "analog",
    "analyse": "analyze",
    "authorisation": "authorization",
    "authorise": "authorize",
    "authorised": "authorized",
    "behaviour": "behavior",
    "catalogue": "catalog",
    "centre": "center",
    "colour": "color",
    "defence": "defense",
    "favour": "favor",
    "favourable": "favorable",
    "judgement": "judgment",
    "labelled": "labeled",
    "offence": "offense",
    "organisation": "organization",
    "organisations": "organizations",
    "practise": "practice",
    "programme": "program",
    "programmes": "programs",
    "recognise": "recognize",
    "recognised": "recognized",
    "utilise": "utilize",
    "utilisation": "utilization",
    "whilst": "while",
    "https": "http",
}


def normalise(text: str) -> str:
    """The text as licenses are compared: same line count, markup and noise blanked out.

    Keeping the line count lets a difference be reported on the user's own line numbers.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "Copyright" in text or "COPYRIGHT" in text or "©" in text:  # what _COPYRIGHT_START needs
        text = _sub_lines(_COPYRIGHT_PREFIX, _sub_lines(_COPYRIGHT, text))
    if "(c)" in text or "(C)" in text or "©" in text:
        text = _COPYRIGHT_INLINE.sub(" ", text)
    # casefold, not lower: "STRASSE" and "Straße" are the same word in a German license.
    text = text.lower() if text.isascii() else text.casefold()  # the same on ASCII, faster
    # Markdown emphasis around a number or a heading ("**9.**", "**EXHIBIT A.**") would hide
    # the numbering from the rules below.
    if "**" in text:
        text = text.replace("**", "  ")
    if "__" in text:
        text = text.replace("__", "  ")
    if "rights reserved" in text:
        text = _RIGHTS.sub(" ", text)
    for word, slot in _HOLDER_SLOTS:
        if word in text:
            text = slot.sub(_holder, text)
    text = _sub_lines(_BULLET, text)
    text = (_INLINE_BULLET_ASCII if text.isascii() else _INLINE_BULLET).sub(" ", text)
    text = _drop_letters(text)
    if "-\n" in text or "- \n" in text:
        # A compound broken across lines ("non-\n exclusive") is one word again; the newline
        # moves after it so every other word keeps its line.
        text = _HYPHEN_BREAK.sub(r"-\1\n", text)
    if "- " in text:
        # ... and so is one whose line break a reflow turned into a space ("non- exclusive").
        text = _HYPHEN_SPACE.sub("-", text)
    # "non-commercial" and "noncommercial", "Licensor's" and "Licensors" are the same words;
    # plain replacements are enough because both sides of a comparison go through them.
    for old, new in _JOINS:
        text = text.replace(old, new)
    return text


_JOINS = (("'", ""), ("\u2019", ""), ("non-", "non"), ("sub-", "sub"), ("e-mail", "email"))


# An ASCII text's tokens are its runs of [a-z0-9]: every other ASCII character turned into a
# space by str.translate (its ASCII fast path) and the result split, twice as fast as _TOKEN.
_ASCII_WORDS = str.maketrans(
    {chr(c): chr(c) if chr(c).isdigit() or "a" <= chr(c) <= "z" else " " for c in range(128)}
)


def tokens(normalised: str) -> list[str]:
    """The words of a normalised text (CJK: one per character)."""
    if normalised.isascii():
        return normalised.translate(_ASCII_WORDS).split()
    return _TOKEN.findall(normalised)


def token_spans(normalised: str) -> list[tuple[int, int]]:
    """Where each token of a normalised text stands in it (start, end), in token order."""
    return [m.span() for m in _TOKEN.finditer(normalised)]


_NOT_NUMBER_TEXT = on_first_use(r"[^\w.,:/\-]+")
_MONTH_WORD = on_first_use(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b"
)


def number_surface(normalised: str, places: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """Tokens start..end-1 as the text writes them: "2.0, January 2004", not "2 0 january 2004".

    Comment markers and line breaks inside the phrase become single spaces.
    """
    raw = normalised[places[start][0] : places[end - 1][1]]
    shown = " ".join(_NOT_NUMBER_TEXT.sub(" ", raw).split())
    return _MONTH_WORD.sub(lambda m: m[0].capitalize(), shown)


# Each token's three terms of an n-gram hash, kept per process: a run meets the same few
# thousand words again and again. An n-gram's hash is bits 5..24 of K1*a + K2*b + c (a, b, c the
# CRC-32 of its three words), and those bits depend only on each term's low 25 bits: keeping
# the terms cut to 25 bits gives the same hashes with small-int arithmetic (no 64-bit products
# added per n-gram), and one tuple per token is one lookup instead of three.
_SHIFT = 5
_LOW = (1 << (HASH_BITS + _SHIFT)) - 1
_PARTS: dict[str, tuple[int, int, int]] = {}
_CACHED_TOKENS = 100_000  # a flood of new words is hashed without being kept
_K1, _K2 = 0x9E3779B1, 0x85EBCA77  # distinct odd multipliers: "a b c" and "c b a" differ


def _crc(token: str) -> int:
    """A token's stable hash, its varietal spelling folded ("licence" hashes as "license")."""
    return zlib.crc32(VARIANTS.get(token, token).encode("utf-8"))


def _parts(token: str) -> tuple[int, int, int]:
    """A token's terms as the first, second and third word of an n-gram (cut to 25 bits)."""
    value = _crc(token)
    parts = (value * _K1 & _LOW, value * _K2 & _LOW, value & _LOW)
    if len(_PARTS) < _CACHED_TOKENS:
        _PARTS[token] = parts
    return parts


def gram_hashes(words: Sequence[str]) -> list[int]:
    """The hashed word n-grams of a token list, in text order (stable across runs and hosts)."""
    if len(words) < NGRAM:
        # NGRAM == 3: a text of one or two words is one "n-gram" of its first word and length.
        return [((_crc(words[0]) * 1_000_003) ^ len(words)) & HASH_MASK] if words else []
    try:
        parts = list(map(_PARTS.__getitem__, words))
    except KeyError:
        # New words: hash each once, then look the text up again at C speed.
        for word in set(words).difference(_PARTS):
            _parts(word)
        try:
            parts = list(map(_PARTS.__getitem__, words))
        except KeyError:  # the cache is full: the words it could not keep are hashed again
            get = _PARTS.get
            parts = [get(w) or _parts(w) for w in words]
    # Word i counts with multiplier K1, word i+1 with K2, word i+2 as it is.
    return [
        (x[0] + y[1] + z[2]) >> _SHIFT & HASH_MASK
        for x, y, z in zip(parts, parts[1:], parts[2:], strict=False)
    ]


def context_hash(words: Sequence[str]) -> int:
    """The hash of a few context words around a number (where a parameter lives)."""
    return zlib.crc32(" ".join(words).encode("utf-8")) & HASH_MASK


UNITS = frozenset(
    {"million", "billion", "thousand", "trillion", "hundred", "percent", "days", "day", "months",
     "month", "years", "year", "mau", "dau"}
)  # fmt: skip


def number_phrases(words: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) token ranges of numbers with their unit or month: "700 million", "2 0",
    "november 28 2023". These are the parameters that tell near-identical licenses apart."""
    found: list[tuple[int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i].isdigit():
            start = i - 1 if i and words[i - 1] in MONTHS else i
            j = i + 1
            while j < n and (words[j].isdigit() or words[j] in MONTHS) and j - i < 4:
                j += 1
            if j < n and words[j] in UNITS:
                j += 1
            found.append((start, j))
            i = j
        else:
            i += 1
    return found


MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"}
)  # fmt: skip
VERSION_WORDS = frozenset({"version", "v", "release", "revision"})


CONTEXT_WORDS = 3


def number_contexts(words: Sequence[str], start: int, end: int) -> tuple[int | None, int | None]:
    """Hashes of the words before and after a number: where the reference had its value.

    The two sides hash apart: the words after one number are often the words before the next
    ("Llama 2 Version Release Date: July 18, 2023"), and must not fetch that number's value.
    """
    before = context_hash(words[start - CONTEXT_WORDS : start]) if start >= CONTEXT_WORDS else None
    after_words = words[end : end + CONTEXT_WORDS]
    after = context_hash([*after_words, "<"]) if len(after_words) == CONTEXT_WORDS else None
    return before, after


def normalise_url(url: str) -> str:
    """A URL as pointer files are compared: no scheme, no www, no trailing slash or fragment."""
    url = url.strip().rstrip(".,;:)>]").lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    url = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    # A file in a repository is the same file on any branch or commit: drop the ref.
    url = re.sub(r"^raw\.githubusercontent\.com/([^/]+/[^/]+)/[^/]+/", r"github.com/\1/blob/", url)
    return re.sub(
        r"^((?:github\.com|huggingface\.co)/[^/]+/[^/]+)/(?:blob|raw)/[^/]+/", r"\1/blob/", url
    )


# --- the document being identified ------------------------------------------------------------


class _Document:
    """An input text with its tokens and n-grams; line numbers are computed only when needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised = normalise(text)
        self.words = tokens(self.normalised)
        self.grams = gram_hashes(self.words)
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None
        self._normalised_lines: list[str] | None = None
        self._places: list[tuple[int, int]] | None = None
        self._whole: tuple[int, int] | None = None  # gram_lines of the whole text

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self._lines

    @property
    def normalised_lines(self) -> list[str]:
        """The normalised text's lines (the same count as the input's)."""
        if self._normalised_lines is None:
            self._normalised_lines = self.normalised.split("\n")
        return self._normalised_lines

    def token_line(self, index: int) -> int:
        """The 1-based input line of a token."""
        if self._starts is None:
            self._starts = [m.start() for m in _TOKEN.finditer(self.normalised)]
        if not self._starts:
            return 1
        start = self._starts[max(0, min(index, len(self._starts) - 1))]
        return self.normalised.count("\n", 0, start) + 1

    def number(self, start: int, end: int) -> str:
        """Tokens start..end-1 (a number phrase) as the input writes them."""
        if self._places is None:
            self._places = token_spans(self.normalised)
        return number_surface(self.normalised, self._places, start, end)

    def gram_lines(self, start: int, end: int) -> tuple[int, int]:
        """Input lines covered by grams start..end-1 (end exclusive)."""
        last = min(end - 1 + NGRAM - 1, len(self.words) - 1)
        if self._starts is None and start == 0 and last == len(self.words) - 1:
            # The whole text, the common case: two searches instead of indexing every word,
            # once (the region's lines and its license span's are the same lines then).
            if self._whole is not None:
                return self._whole
            text = self.normalised
            first = _TOKEN.search(text)
            tail = [m.start() for m in _TOKEN.finditer(text, max(0, len(text.rstrip()) - 400))]
            if first is not None and tail:
                self._whole = (
                    text.count("\n", 0, first.start()) + 1,
                    text.count("\n", 0, tail[-1]) + 1,
                )
                return self._whole
        return self.token_line(start), self.token_line(last)

    def excerpt(self, line: int, end_line: int, limit: int = EXCERPT_CHARS) -> str:
        text = " ".join(" ".join(self.lines[line - 1 : end_line]).split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def span(self, line: int, end_line: int) -> Span:
        return Span(line, end_line, "\n".join(self.lines[line - 1 : end_line]))
