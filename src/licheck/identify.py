"""Which license is this text, which version, and how does it differ from the original?

A model's LICENSE file is rarely a clean copy: it carries Markdown, reflowed lines, a copyright
header, a version note, a use policy after the license, or two licenses at once. Tools that only
say "MIT" hide the one added clause that makes a model license fail the OSD, so licheck names the
closest known license *and* says what differs, and never gives a confident wrong name.

How it works (no license text ships with licheck, only data derived from it):

- the text is normalised as the SPDX matching guidelines ask (case, whitespace, punctuation,
  bullets and numbering, comment markers, varietal spellings, copyright lines, Markdown markup,
  http/https, words hyphenated across lines, and the replaceable holder's name in BSD- and
  MIT-style clauses), keeping its line count so differences keep their lines;
- its words become hashed word n-grams (`NGRAM` words, `HASH_BITS`-bit hashes);
- a sampled inverted index (built by `python -m licheck.fingerprints` from the reference corpus)
  proposes candidates; each is scored on its full n-gram set (what the license explains minus
  what it misses; an optional appendix such as "How to apply these terms" is never missed);
- the best license explains a span of the text; big unexplained blocks beside it are
  identified on their own (a second license, a use policy). Text beside the span that grants,
  forbids, conditions or disclaims nothing (a heading, a preamble, a note between two licenses)
  is not part of the license and is ignored, as is an SPDX license's omitable title block
  ("Apache License, Version 2.0, January 2004", even redated). The rest are differences: added
  or changed text, removed text, and numbers that differ in the same context (a user
  threshold, an AI license's release date, a version) named after the profile parameter they
  change and quoted as written ("2.0", "July 18, 2023").

Statuses say how far to trust the name: "exact" only when nothing but what the guidelines
ignore differs; "modified" names the closest license and what differs, and the text is not
that license; below `MATCH_DICE` the text is "unrecognised" and no license is named.

The data cannot give the texts back: only sorted sets of hashes are stored, cut to
`HASH_BITS` bits so that every guessed next word matches many stored hashes, without order.
"""

from __future__ import annotations

import array
import bisect
import heapq
import json
import mmap
import re
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, Literal, cast

NGRAM = 3
HASH_BITS = 20
HASH_MASK = (1 << HASH_BITS) - 1
# One n-gram in SAMPLE_EVERY goes into the inverted index: enough to propose candidates, four
# times smaller than indexing every n-gram. The full sets are scored afterwards.
SAMPLE_EVERY = 4
MAX_POSTINGS = 48  # n-grams in more licenses than this stay out of the index (fingerprints.py)
RESCUE_GRAMS = 8  # a license left with fewer postings is proposed by its rarest n-grams instead
DATA_DIR = Path(__file__).parent / "data"
DATA_NAME = "fingerprints"

# Thresholds, chosen on the reference corpus and its perturbed copies (benchmarks/identify.py).
MATCH_DICE = 0.80  # a span this close to a license is that license, exact or modified
MIN_PART_GRAMS = 40  # an unexplained block this long is identified on its own
PART_OF = 0.9  # share of a text's n-grams a license must hold for the text to be a part of it
MIN_PART_OF = 200  # ... counted only for texts this long (a paragraph is too common to tell)
SPORADIC = 4  # matched runs shorter than this inside an unexplained block are chance hits
SHORT_TEXT_TOKENS = 80  # below this, an unmatched text is a pointer or a note, not a license
CANDIDATES = 6
LOOKUPS = 160  # sampled n-grams looked up per text, at most (about)
SPAN_CLUSTER_GAP = 12  # unmatched n-grams that still keep two matched runs in one cluster
EXCERPT_CHARS = 160  # how much of a changed line a difference quotes
MAX_DEPTH = 4  # parts within parts: a file of more licenses reports the rest as added text

Status = Literal["exact", "modified", "unrecognised", "no-license"]
DifferenceKind = Literal["added", "removed", "changed", "parameter"]


@dataclass(frozen=True)
class Difference:
    """One way a text differs from the license it derives from, in words a user understands."""

    kind: DifferenceKind
    message: str
    line: int | None = None
    end_line: int | None = None
    excerpt: str | None = None


@dataclass(frozen=True)
class Span:
    """Lines of the input that the clause engine must read: text added or changed, or unknown."""

    line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Identification:
    """What a license text is.

    `status`: "exact" (the text is the license, up to what the SPDX guidelines ignore),
    "modified" (close to `license_id` but not the same: `license_id` names the license it derives
    from and the text is NOT that license; `differences` says what changed), "unrecognised" (no
    known license is close enough: the clause engine must judge it), "no-license" (a pointer or a
    usage note with no license terms; no license is named).

    For a file holding several licenses, `parts` has one Identification each, in file order, and
    `license_id` joins their ids with AND. `equivalent` lists ids whose reference texts are
    identical to `license_id`'s (GPL-2.0-only and GPL-2.0-or-later share one text). `pointer`
    is the URL a pointer file refers to. `spans` hold the added, changed or unrecognised text.
    """

    status: Status
    license_id: str | None
    name: str | None
    similarity: float
    runner_up: tuple[str, float] | None = None
    differences: tuple[Difference, ...] = ()
    parts: tuple[Identification, ...] = ()
    equivalent: tuple[str, ...] = ()
    pointer: str | None = None
    line: int | None = None
    end_line: int | None = None
    spans: tuple[Span, ...] = ()

    def review_spans(self) -> tuple[Span, ...]:
        """The text the clause engine must judge: added and changed spans, unrecognised parts.

        An exact match needs no clause reading (its profile holds the judgment); a modification
        may add a restriction that breaks the OSD, so its new words are handed back to be read.
        """
        found: list[Span] = list(self.spans)
        for part in self.parts:
            found.extend(part.review_spans())
        unique = {(s.line, s.end_line): s for s in found}
        return tuple(unique[key] for key in sorted(unique))


# --- normalisation (SPDX matching guidelines, section 2) -----------------------------------

# A copyright line: "Copyright (c) 2023 X", "© X", "COPYRIGHT 2001 BY X", "Copyright X". The
# word is capitalised, as a notice writes it, and not followed by a word that makes it prose
# ("copyright resulting from ...", "Copyright law") — a reflow can start a line with those.
_COPYRIGHT_START = (
    r"^(?:[>#*_|\-/;!%]|[^\S\n])*(?:©|(?:Copyright|COPYRIGHT)(?=[^\S\n]*(?:\([cC]\)|©|:|$)"
    r"|[^\S\n]+(?!(?i:notices?|holders?|owners?|owned|laws?|and|or|the|of|to|in|is|are|for|"
    r"that|this|which|protection|infringement|statements?|act|claims?|licen[cs]es?|"
    r"interests?|rights?|policy|treaties|treaty|may|shall|will|must)\b)[A-Z0-9\[<{(]|by\b))"
)
# The whole statement when it ends (a full stop or the line's end) within 120 characters...
_COPYRIGHT = re.compile(
    _COPYRIGHT_START + r"(?:[^\n.]|\.(?!\s)){0,120}(?:\.(?=\s)|$)", re.MULTILINE
)
# ... else, on a long line that goes on with the license, only "Copyright (c) 2001 by".
_COPYRIGHT_PREFIX = re.compile(
    _COPYRIGHT_START + r"(?:[^\S\n]*(?:\([cC]\)|©|\d{4}(?:[-\u2013,][^\S\n]*\d{4})*,?|by\b))*",
    re.MULTILINE,
)
# A notice inside a line ("... Community License, Copyright © Meta Platforms, Inc."): the
# copyright sign makes it one wherever it stands.
_COPYRIGHT_INLINE = re.compile(
    r"(?:Copyright|COPYRIGHT|copyright)[^\S\n]*(?:\([cC]\)|©)(?:[^\n.]|\.(?!\s)){0,80}"
)
_RIGHTS = re.compile(r"all rights reserved\.?")
_BULLET = re.compile(
    r"^[>|#*_/;!% \t]*(?:[-*•·▪◦+]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,5})[.)](?:\d{1,2}[.)])*)"
    r"(?=[^\S\n])",
    re.MULTILINE,
)
# "(a)", "(iv)", "(12)", "3)" and section numbers "3." or "2.1." anywhere (reflowed text keeps
# them mid-line). Written to start with a character class so the regex engine skips ahead fast.
_INLINE_BULLET = re.compile(
    r"[(\d](?:(?<=\()(?:\d{1,2}|[a-z]|[ivx]{1,5})\)"
    r"|(?<![\w.(]\d)\d?(?:(?:\.\d{1,2})*\.|\))(?=\s))"
)
# "b." or "iv)" inside a line: list letters a reflow moved off the start of their line.
_INLINE_LETTER = re.compile(r"[ \t](?:[a-z]|[ivx]{2,4})[.)](?=\s)")
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
_HYPHEN_BREAK = re.compile(r"-[^\S\n]*\n[^\S\n]*(?:[#*/;!%>|]+[^\S\n]*)?([a-z]+)")
_HYPHEN_SPACE = re.compile(r"-(?<=[a-z]-)[ \t]+(?=[a-z])")  # starts with "-": a fast scan
_TOKEN = re.compile(
    r"[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+"
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)

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
    text = _COPYRIGHT_PREFIX.sub(" ", _COPYRIGHT.sub(" ", text))
    if "(c)" in text or "(C)" in text or "©" in text:
        text = _COPYRIGHT_INLINE.sub(" ", text)
    # casefold, not lower: "STRASSE" and "Straße" are the same word in a German license.
    text = text.casefold()
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
    text = _BULLET.sub(" ", text)
    text = _INLINE_BULLET.sub(" ", text)
    text = _INLINE_LETTER.sub(" ", text)
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


def tokens(normalised: str) -> list[str]:
    """The words of a normalised text (CJK: one per character)."""
    return _TOKEN.findall(normalised)


def token_spans(normalised: str) -> list[tuple[int, int]]:
    """Where each token of a normalised text stands in it (start, end), in token order."""
    return [m.span() for m in _TOKEN.finditer(normalised)]


_NOT_NUMBER_TEXT = re.compile(r"[^\w.,:/\-]+")
_MONTH_WORD = re.compile(
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


# Token hashes, and the same times each position's multiplier, kept per process: a run meets
# the same few thousand words again and again.
_TOKEN_HASH: dict[str, int] = {}
_FIRST: dict[str, int] = {}
_SECOND: dict[str, int] = {}
_K1, _K2 = 0x9E3779B1, 0x85EBCA77  # distinct odd multipliers: "a b c" and "c b a" differ


def _token_hash(token: str) -> int:
    """A token's stable hash, its varietal spelling folded ("licence" hashes as "license")."""
    value = zlib.crc32(VARIANTS.get(token, token).encode("utf-8"))
    if len(_TOKEN_HASH) < 100_000:
        _TOKEN_HASH[token] = value
        _FIRST[token] = value * _K1
        _SECOND[token] = value * _K2
    return value


def gram_hashes(words: Sequence[str]) -> list[int]:
    """The hashed word n-grams of a token list, in text order (stable across runs and hosts)."""
    found = list(map(_TOKEN_HASH.get, words))
    if None in found:
        ids = [_TOKEN_HASH.get(w) or _token_hash(w) for w in words]
        if len(_TOKEN_HASH) >= 100_000:  # a flood of new words: no cache, plain arithmetic
            return _gram_hashes_uncached(ids)
    else:
        ids = cast("list[int]", found)
    if len(ids) < NGRAM:
        first = ids[0] if ids else None
        return [((first * 1_000_003) ^ len(ids)) & HASH_MASK] if first is not None else []
    firsts = list(map(_FIRST.__getitem__, words))
    seconds = list(map(_SECOND.__getitem__, words))
    # NGRAM == 3: word i counts with multiplier K1, word i+1 with K2, word i+2 as it is.
    return [
        (a + b + c) >> 5 & HASH_MASK for a, b, c in zip(firsts, seconds[1:], ids[2:], strict=False)
    ]


def _gram_hashes_uncached(ids: list[int]) -> list[int]:
    if len(ids) < NGRAM:
        return [((ids[0] * 1_000_003) ^ len(ids)) & HASH_MASK] if ids else []
    return [
        (a * _K1 + b * _K2 + c) >> 5 & HASH_MASK
        for a, b, c in zip(ids, ids[1:], ids[2:], strict=False)
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


# --- the shipped data -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One known license text as the fingerprint data describes it.

    `count` n-grams are required; `optional` more (an appendix such as "How to apply these
    terms") may be absent from a file that is still the license.
    """

    index: int
    key: str
    id: str
    name: str
    source: str
    offset: int
    count: int
    optional: int
    sampled: int
    members: tuple[str, ...]


SET_CACHE = 96  # n-gram sets kept per process: the licenses a run keeps meeting


class FingerprintIndex:
    """The shipped n-gram data: per-license sorted hash arrays plus a sampled inverted index.

    Loading maps the binary file into memory (no parsing, no copy on little-endian hosts) and
    reads a small JSON table, so a cold `licheck identify` stays within its start-up budget.
    """

    def __init__(
        self, meta: dict[str, Any], blob: bytes | mmap.mmap, data_dir: Path = DATA_DIR
    ) -> None:
        self.meta = meta
        self.data_dir = data_dir
        total = meta["total_hashes"]
        inverted = meta["inverted_entries"]
        self.hashes = _ints("I", blob, 0, total)
        self.inv_keys = _ints("I", blob, 4 * total, inverted)
        self.inv_refs = _ints("H", blob, 4 * (total + inverted), inverted)
        self._entries: list[dict[str, Any]] = meta["references"]
        self._references: dict[int, Reference] = {}
        self.sampled = [e["sampled"] for e in self._entries]
        self.urls: dict[str, int] = meta.get("urls", {})
        self._sets: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
        self._facts: list[dict[str, str]] | None = None
        # Licenses made only of common phrases, proposed by their rarest n-grams (fingerprints.py).
        self.rescue: dict[int, list[int]] = {}
        for number, grams in meta.get("rescue", {}).items():
            for g in grams:
                self.rescue.setdefault(g, []).append(int(number))
        self.rescue_keys = frozenset(self.rescue)
        self.rescue_size = {int(n): len(g) for n, g in meta.get("rescue", {}).items()}

    def __len__(self) -> int:
        return len(self._entries)

    def reference(self, number: int) -> Reference:
        """The reference at a position of the table, built on first use."""
        found = self._references.get(number)
        if found is None:
            e = self._entries[number]
            found = Reference(
                index=number,
                key=e["key"],
                id=e["id"],
                name=e["name"],
                source=e["source"],
                offset=e["offset"],
                count=e["count"],
                optional=e.get("optional", 0),
                sampled=e["sampled"],
                members=tuple(e.get("members", ())),
            )
            self._references[number] = found
        return found

    def facts(self, ref: Reference) -> dict[str, str]:
        """Numbers of a reference by the hash of their context: where parameters live."""
        if self._facts is None:
            path = self.data_dir / f"{DATA_NAME}-facts.json"
            self._facts = json.loads(path.read_text(encoding="utf-8"))
        return self._facts[ref.index]

    def grams(self, ref: Reference) -> tuple[frozenset[int], frozenset[int]]:
        """(required, optional) n-gram sets of a reference, kept for the next texts."""
        found = self._sets.pop(ref.index, None)
        if found is None:
            middle = ref.offset + ref.count
            found = (
                frozenset(self.hashes[ref.offset : middle]),
                frozenset(self.hashes[middle : middle + ref.optional]),
            )
            if len(self._sets) >= SET_CACHE:
                del self._sets[next(iter(self._sets))]
        self._sets[ref.index] = found
        return found

    def candidates(
        self, grams: Collection[int], limit: int = CANDIDATES
    ) -> tuple[list[Reference], list[Reference]]:
        """References sharing the most sampled n-grams with the text, best first, and the few
        whose sampled n-grams are most completely present (short licenses).

        A long text is sampled more sparsely (every 8th, 16th... n-gram) so a lookup costs about
        the same for a GPL as for an MIT text; scores are scaled back to the index's rate.
        """
        stride = SAMPLE_EVERY
        while len(grams) // stride > LOOKUPS:
            stride *= 2
        scale = stride // SAMPLE_EVERY
        keys = self.inv_keys
        refs = self.inv_refs
        left, right = bisect.bisect_left, bisect.bisect_right
        size = len(keys)
        postings = []
        for g in grams:
            if g % stride == 0:
                i = left(keys, g)
                postings.append(refs[i : right(keys, g, i, min(i + MAX_POSTINGS, size))])
        hits = Counter(chain.from_iterable(postings))
        sampled = self.sampled
        double = 2 * scale
        ranked = [(double * h - sampled[r], r) for r, h in hits.items()]
        top = [r for _, r in heapq.nlargest(limit, ranked)]
        # A short license (MIT, 0BSD) is fully present in a text far more often than it wins
        # on raw counts: add the best by coverage too.
        cover = [(h / (sampled[r] or 1), r) for r, h in hits.items()]
        extra = [r for _, r in heapq.nlargest(limit // 2, cover) if r not in top]
        # A long license only partly present (one language of a bilingual text) shares the
        # most n-grams yet loses on both scores above.
        for r, _ in hits.most_common(2):
            if r not in top and r not in extra:
                extra.append(r)
        # A license made of phrases common to many others (BSD-2-Clause) has next to no
        # postings: it is proposed when most of its rarest n-grams are in the text.
        present = self.rescue_keys.intersection(grams)
        if present:
            rescued = Counter(chain.from_iterable(self.rescue[g] for g in present))
            for r, h in rescued.items():
                if 2 * h >= self.rescue_size[r] and r not in top and r not in extra:
                    extra.append(r)
        return [self.reference(r) for r in top], [self.reference(r) for r in extra]


def _ints(
    code: Literal["I", "H"], blob: bytes | mmap.mmap, start: int, count: int
) -> Sequence[int]:
    """A typed view of part of the blob: zero-copy on little-endian hosts, a copy elsewhere."""
    values = array.array(code)
    view = memoryview(blob)[start : start + count * values.itemsize]
    if sys.byteorder == "little" and values.itemsize == {"I": 4, "H": 2}[code]:
        typed: memoryview[int] = view.cast(code)
        return typed
    values.frombytes(view)
    if sys.byteorder != "little":
        values.byteswap()
    return values


@cache
def load_index(data_dir: Path = DATA_DIR) -> FingerprintIndex:
    """The shipped fingerprint data, loaded once per process.

    Missing or mismatched data is a packaging fault, reported as a knowledge-base error with
    the command that rebuilds it.
    """
    from licheck.errors import KnowledgeBaseError

    hint = "reinstall licheck; in a checkout, run `python -m licheck.fingerprints`"
    where = data_dir / f"{DATA_NAME}.json"
    try:
        meta = json.loads(where.read_text(encoding="utf-8"))
        with (data_dir / f"{DATA_NAME}.bin").open("rb") as handle:
            blob = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        raise KnowledgeBaseError(
            f"the license fingerprints cannot be read: {exc}", file=str(where), hint=hint
        ) from exc
    if meta.get("ngram") != NGRAM or meta.get("hash_bits") != HASH_BITS:
        raise KnowledgeBaseError(
            "the license fingerprints were built with other settings", file=str(where), hint=hint
        )
    return FingerprintIndex(meta, blob, data_dir)


@cache
def _catalog() -> Any:
    from licheck.catalog import Catalog

    return Catalog()


@cache
def _resolved(key: str, fallback_id: str, fallback_name: str) -> tuple[str, str]:
    """The licheck id and name of a reference key: its profile where one exists."""
    from licheck.catalog import normalise_alias
    from licheck.errors import LicheckError

    try:
        index = _catalog().index
    except LicheckError:
        return fallback_id, fallback_name  # no knowledge base: the reference's own id
    aliases = index["aliases"]
    owner = aliases.get(normalise_alias(key)) or aliases.get(normalise_alias(fallback_id))
    if owner is not None and owner in index["profiles"]:
        return owner, str(index["profiles"][owner]["name"])
    return fallback_id, fallback_name


def resolve_reference(ref: Reference) -> tuple[str, str]:
    """A reference's licheck id and name (profile id for AI licenses, SPDX id otherwise)."""
    return _resolved(ref.key, ref.id, ref.name)


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
            # The whole text, the common case: two searches instead of indexing every word.
            text = self.normalised
            first = _TOKEN.search(text)
            tail = [m.start() for m in _TOKEN.finditer(text, max(0, len(text.rstrip()) - 400))]
            if first is not None and tail:
                return text.count("\n", 0, first.start()) + 1, text.count("\n", 0, tail[-1]) + 1
        return self.token_line(start), self.token_line(last)

    def excerpt(self, line: int, end_line: int, limit: int = EXCERPT_CHARS) -> str:
        text = " ".join(" ".join(self.lines[line - 1 : end_line]).split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def span(self, line: int, end_line: int) -> Span:
        return Span(line, end_line, "\n".join(self.lines[line - 1 : end_line]))


# --- matching ---------------------------------------------------------------------------------


@dataclass
class _Match:
    index: FingerprintIndex
    ref: Reference
    required: frozenset[int]
    optional: frozenset[int]
    inter: int
    score: int
    dice: float

    def contains(self, gram: int) -> bool:
        return gram in self.required or gram in self.optional

    @property
    def full(self) -> frozenset[int]:
        """Every n-gram of the license, its optional appendix included."""
        return self.required | self.optional if self.optional else self.required


def _measure(
    required: frozenset[int], optional: frozenset[int], region: set[int]
) -> tuple[int, int, float]:
    """(shared n-grams, score, Dice) of a region against a reference.

    The score rewards what the license explains and charges what it misses; optional grams
    (an appendix) are never charged. Dice counts the optional grams only when present.
    """
    inter_req = len(region & required)
    inter_opt = len(region & optional) if optional else 0
    inter = inter_req + inter_opt
    missing = len(required) - inter_req
    dice = 2 * inter / (len(region) + len(required) + inter_opt) if region else 0.0
    return inter, inter - missing, dice


def _score_all(index: FingerprintIndex, region: set[int]) -> list[_Match]:
    """Every candidate scored on its full n-gram set, best first.

    The three best estimates and the best by coverage are scored first; the other estimates
    only when none of those is close, since the full sets are most of the cost of a match.
    """
    ranked, extra = index.candidates(region)
    scored: list[_Match] = []
    for group in (ranked[:3] + extra, ranked[3:]):
        if scored and max(m.dice for m in scored) >= CLOSE_ENOUGH:
            break
        for ref in group:
            required, optional = index.grams(ref)
            inter, score, dice = _measure(required, optional, region)
            if inter:
                scored.append(_Match(index, ref, required, optional, inter, score, dice))
            if len(scored) >= 2 and any(m.dice == 1.0 for m in scored):
                # The text is exactly one candidate: nothing can score higher (a longer
                # license would miss n-grams, a shorter one leave some unexplained); another
                # one scored is kept as the runner-up.
                break
    scored.sort(key=lambda m: (m.score, m.dice), reverse=True)
    return scored


CLOSE_ENOUGH = 0.97


NEAR_EXACT = 0.02  # share of a license's n-grams that may be missing for it to count as whole


def _best(index: FingerprintIndex, region: set[int]) -> tuple[_Match | None, _Match | None]:
    """The license that best explains a region, and the runner-up.

    The best single explanation can be wrong for a file holding two texts: a longer license
    that resembles both (Llama 3's file holds its license and its use policy) beats Llama 4's
    license followed by Llama 4's policy. So when the winner is not whole, a license that is
    whole in the text is tried as the first of two parts, and the cheaper cover wins (cost:
    n-grams missing from the licenses plus n-grams no license explains).
    """
    scored = _score_all(index, region)
    if not scored:
        return None, None
    best = scored[0]
    missing = best.inter - best.score
    if missing > NEAR_EXACT * len(best.required):
        cost = len(region) - best.score
        for alt in scored[1:]:
            alt_missing = alt.inter - alt.score
            if alt_missing > NEAR_EXACT * len(alt.required) or alt.inter < MIN_PART_GRAMS:
                continue
            rest = region - alt.full
            alt_cost = alt_missing + len(rest)
            if len(rest) >= MIN_PART_GRAMS:
                others = _score_all(index, rest)
                if others and others[0].score > 0:
                    alt_cost = alt_missing + len(rest) - others[0].score
            if alt_cost < cost:
                best, cost = alt, alt_cost
    if best.dice < MATCH_DICE:
        # No license is close to the whole text, but the text may be a large piece of one.
        pieces = [m for m in scored if m.inter >= max(MIN_PART_OF, PART_OF * len(region))]
        if pieces:
            best = max(pieces, key=lambda m: m.inter)
    runner = next((m for m in scored if m.ref.id != best.ref.id), None)
    return best, runner


def _clusters(flags: Sequence[bool], gap: int) -> list[tuple[int, int, int]]:
    """(start, end, matched count) of runs of matched grams separated by at most `gap` misses."""
    found: list[tuple[int, int, int]] = []
    start = last = -1
    count = 0
    for i, hit in enumerate(flags):
        if not hit:
            continue
        if start < 0 or i - last > gap:
            if start >= 0:
                found.append((start, last + 1, count))
            start, count = i, 0
        last = i
        count += 1
    if start >= 0:
        found.append((start, last + 1, count))
    return found


def _span(grams: Sequence[int], flags: Sequence[bool], size: int) -> tuple[int, int]:
    """The stretch of a region one copy of the license covers (indices into the region).

    Clusters of matched n-grams too small to matter are chance hits ("fitness for a particular
    purpose" is in many licenses) and are ignored. From the largest cluster, a neighbouring one
    is taken in only while it brings n-grams of the license not seen yet: an insertion splits a
    license into clusters that complete each other, whereas a second license (or a second
    copy) sharing some phrases brings little that is new.
    """
    if False not in flags:
        return 0, len(flags)  # the whole region is the license: the common case
    significant = max(4, int(0.02 * size))
    clusters = [c for c in _clusters(flags, SPAN_CLUSTER_GAP) if c[2] >= significant]
    if not clusters:
        clusters = [max(_clusters(flags, SPAN_CLUSTER_GAP), key=lambda c: c[2])]
    core = max(range(len(clusters)), key=lambda i: clusters[i][2])
    first = last = core
    seen = {grams[i] for i in range(clusters[core][0], clusters[core][1]) if flags[i]}
    while True:
        grown = False
        for side in (first - 1, last + 1):
            if side < 0 or side >= len(clusters):
                continue
            start, end, _ = clusters[side]
            new = {grams[i] for i in range(start, end) if flags[i]} - seen
            if len(new) >= max(3, 0.3 * clusters[side][2]):
                seen |= new
                first, last = min(first, side), max(last, side)
                grown = True
        if not grown:
            return _trim(flags, clusters[first][0], clusters[last][1])


def _trim(flags: Sequence[bool], start: int, end: int, window: int = 8) -> tuple[int, int]:
    """Shrink a span until each edge sits in a stretch where most n-grams match.

    A cluster can begin with chance hits in a neighbouring text ("or business interruption"
    is in many licenses); the license proper starts where matches become dense.
    """
    # A few chance matches just past the end (a heading of the next text that echoes this
    # license) are not the license: runs shorter than SPORADIC after a gap are dropped.
    while True:
        run = 0
        while run < end - start and flags[end - 1 - run]:
            run += 1
        if run >= SPORADIC or run == end - start:
            break
        end -= run
        while end > start and not flags[end - 1]:
            end -= 1
    while True:
        run = 0
        while run < end - start and flags[start + run]:
            run += 1
        if run >= SPORADIC or run == end - start:
            break
        start += run
        while start < end and not flags[start]:
            start += 1
    dense = 3 * window  # three matches in four
    while end - start > window and sum(flags[start : start + window]) * 4 < dense:
        start += 1
        while start < end and not flags[start]:
            start += 1
    while end - start > window and sum(flags[end - window : end]) * 4 < dense:
        end -= 1
        while end > start and not flags[end - 1]:
            end -= 1
    return start, end


def _unexplained(flags: Sequence[bool], lo: int) -> list[tuple[int, int]]:
    """Runs of unmatched grams, merged across chance hits shorter than SPORADIC grams."""
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(flags)
    while i < n:
        if flags[i]:
            i += 1
            continue
        j = i
        while j < n and not flags[j]:
            j += 1
        runs.append((i, j))
        i = j
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < SPORADIC and end - start >= 2:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(lo + s, lo + e) for s, e in merged]


def identify(text: str, *, path: str | None = None) -> Identification:
    """Identify a license text: known license, version, similarity, and what differs.

    `path` is accepted for the caller's convenience; the answer depends on the text alone.
    """
    del path
    return identify_with(load_index(), text)


# Words that make a short text a license term (a grant or a restriction) rather than a pointer
# or a note: such a text goes to the clause engine as "unrecognised", never "no-license".
TERMS_WORDS = frozenset(
    {"permission", "permitted", "permit", "permits", "grant", "granted", "grants", "licensed",
     "licensee", "licensor", "may", "must", "shall", "prohibited", "forbidden", "redistribute",
     "redistribution", "distribute", "distribution", "modify", "modification", "sublicense",
     "commercial", "noncommercial", "royalty", "warranty"}
)  # fmt: skip


def identify_with(index: FingerprintIndex, text: str) -> Identification:
    """`identify` against a given fingerprint index (tests build one from fixture texts)."""
    doc = _Document(text)
    if not doc.grams:
        return Identification("no-license", None, None, 0.0)
    short = len(doc.words) < SHORT_TEXT_TOKENS
    if short:
        pointer = _pointer(index, doc)
        if pointer is not None:
            return pointer
    result = _identify_region(index, doc, 0, len(doc.grams), depth=0)
    if result.status == "unrecognised" and short and not TERMS_WORDS.intersection(doc.words):
        # A few words that match nothing and grant or forbid nothing: a pointer ("see LICENSE
        # at ...") or a usage note. Naming a license here would be a confident wrong name.
        urls = _URL.findall(text)
        return Identification(
            "no-license",
            None,
            None,
            result.similarity,
            result.runner_up,
            pointer=urls[0].rstrip(".,;:)>]") if urls else None,
            line=result.line,
            end_line=result.end_line,
            spans=result.spans,
        )
    return result


def _pointer(index: FingerprintIndex, doc: _Document) -> Identification | None:
    """A short file that only points to a known license URL names that license.

    The result carries `pointer`: the file holds no text of its own, it refers to the license
    published at that address (the LICENSE of Code Llama points to Llama 2's, for example).
    """
    for url in _URL.findall(doc.text):
        ref_index = index.urls.get(normalise_url(url))
        if ref_index is None:
            continue
        ref = index.reference(ref_index)
        license_id, name = resolve_reference(ref)
        last = len(doc.lines)
        if _normative(tokens(normalise(_URL.sub(" ", doc.text)))):
            # "See LICENSE at ...; you may not use it commercially": the words beside the
            # address may add a restriction (OSD 6), so the file is not the license as published.
            excerpt = doc.excerpt(1, last)
            return Identification(
                "modified",
                license_id,
                f"{name} (modified)",
                1.0,
                differences=(
                    Difference("added", f"text beside the pointer: {excerpt}", 1, last, excerpt),
                ),
                equivalent=ref.members,
                pointer=url.rstrip(".,;:)>]"),
                line=1,
                end_line=last,
                spans=(doc.span(1, last),),
            )
        return Identification(
            "exact",
            license_id,
            name,
            1.0,
            equivalent=ref.members,
            pointer=url.rstrip(".,;:)>]"),
            line=1,
            end_line=last,
        )
    return None


TITLE_WORDS = frozenset(
    {"license", "licenses", "agreement", "terms", "conditions", "of", "use", "version", "the",
     "and", "for", "model", "models", "community", "software", "source", "code", "open",
     "copyright", "notice", "v"}
)  # fmt: skip
MAX_TITLE_TOKENS = 40  # a title block longer than this is license text, not a heading


def own_words(*names: str) -> frozenset[str]:
    """The words of a license's own names and ids ("Apache License 2.0", "Apache-2.0")."""
    return frozenset(tokens(normalise(" ".join(names)).replace("-", " ")))


def title_line(line: str, own: Collection[str]) -> bool:
    """Is a normalised line a title line: the license's name, its version and date, its URL?

    The SPDX templates mark a license's title and its version/date line omitable (guidelines
    B.3.5: "Apache License / Version 2.0, January 2004 / http://www.apache.org/licenses/"):
    they name the license and grant or forbid nothing.
    """
    words = tokens(_URL.sub(" ", line))
    return bool(words) and all(
        w in TITLE_WORDS or w in own or w in MONTHS or w.isdigit() for w in words
    )


def title_end(normalised: str, own: Collection[str]) -> int:
    """How many leading tokens of a normalised text are its title block (0 when none)."""
    count = 0
    for line in normalised.split("\n"):
        words = tokens(_URL.sub(" ", line))
        if not words:
            continue
        if not title_line(line, own) or count + len(words) > MAX_TITLE_TOKENS:
            break
        count += len(words)
    return count


def _is_title(doc: _Document, ref: Reference, start: int, end: int) -> bool:
    """A few words beside the license that only name it ("MIT License", "LICENSE AGREEMENT").

    The SPDX guidelines let a license's title be present or absent; only a title made of the
    license's own name words, generic words and numbers is ignored: anything else is reported.
    """
    words = doc.words[start:end]
    if len(words) > 12:
        return False
    own = own_words(ref.name, ref.id, ref.key)
    return all(w in TITLE_WORDS or w in own or w.isdigit() for w in words)


def _in_title_block(doc: _Document, ref: Reference, first: int, last: int) -> bool:
    """Are the lines `first`..`last` (blank lines aside) title lines of an SPDX license?

    Only SPDX references: their templates make the title omitable. An AI license's header
    carries its release date, which says which version of the terms applies (the date of a
    Llama or Gemma license is a term), so there a changed header stays a difference.
    """
    if ref.source != "spdx":
        return False
    own = own_words(ref.name, ref.id, ref.key)
    lines = doc.normalised_lines[first - 1 : last]
    return any(tokens(line) for line in lines) and all(
        title_line(line, own) for line in lines if tokens(_URL.sub(" ", line))
    )


# Words that grant, forbid, condition or disclaim something. Text beside a license (before or
# after its span) without any of them is a heading, a preamble or a note ("Below are the
# licenses of the files from Facebook"): not a change to the license. With one, it may add a
# restriction (OSD 5, OSD 6) or a disclaimer, and stays a difference for the clause engine.
NORMATIVE_WORDS = frozenset(
    {"may", "must", "shall", "not", "cannot", "except", "unless", "only", "prohibited",
     "prohibit", "prohibits", "forbidden", "forbid", "forbids", "restricted", "restrict",
     "restricts", "restriction", "restrictions", "permission", "permitted", "permit", "permits",
     "grant", "granted", "grants", "allowed", "allow", "allows", "required", "require",
     "requires", "agree", "agrees", "commercial", "noncommercial", "commercially", "royalty",
     "royalties", "fee", "fees", "sublicense", "redistribute", "redistribution", "modify",
     "terminate", "terminated", "revoke", "revoked", "prior", "written", "consent", "approval",
     "no", "none", "nor", "never", "without", "warranty", "warranties", "liable", "liability",
     "disclaim", "disclaims", "disclaimed", "disclaimer", "damages", "indemnify", "claims"}
)  # fmt: skip


def _normative(words: Sequence[str]) -> bool:
    """Does a stretch of text grant, forbid or condition anything?

    Words licheck cannot read (a Chinese or German note) count as terms: they may well be.
    """
    return any(w in NORMATIVE_WORDS or not w.isascii() for w in words)


def _identify_region(
    index: FingerprintIndex, doc: _Document, lo: int, hi: int, depth: int
) -> Identification:
    """Identify the n-grams lo..hi-1 of a document: one license, or several parts."""
    grams = doc.grams[lo:hi]
    region = set(grams)
    best, runner = _best(index, region)
    first_line, last_line = doc.gram_lines(lo, hi)
    if best is None:
        return Identification(
            "unrecognised",
            None,
            None,
            0.0,
            line=first_line,
            end_line=last_line,
            spans=(doc.span(first_line, last_line),),
        )
    if best.inter == len(region):
        flags = [True] * len(grams)  # every n-gram is the license's: no need to look them up
    else:
        full = best.full
        flags = [g in full for g in grams]
    s_lo, s_hi = _span(grams, flags, best.ref.count)
    whole = s_lo == 0 and s_hi == len(grams)
    span_set = region if whole else set(grams[s_lo:s_hi])
    _, _, dice = _measure(best.required, best.optional, span_set)
    if dice < best.dice:
        # The license is the whole region (one whose sections repeat the same phrases, such
        # as Net-SNMP's, splits into clusters that each look like a copy).
        s_lo, s_hi, dice, span_set = 0, len(grams), best.dice, region
    runner_up = None
    if runner is not None:
        runner_up = (resolve_reference(runner.ref)[0], round(runner.dice, 4))
    if dice < MATCH_DICE and not _part_of(best, span_set):
        return Identification(
            "unrecognised",
            None,
            None,
            round(max(dice, best.dice), 4),
            (resolve_reference(best.ref)[0], round(max(dice, best.dice), 4)),
            line=first_line,
            end_line=last_line,
            spans=(doc.span(first_line, last_line),),
        )
    span_lo, span_hi = lo + s_lo, lo + s_hi
    # Text beside the license (before or after its span): another license, a use policy, a
    # header or a note. Big blocks are identified on their own; small ones are differences.
    parts: list[tuple[int, Identification]] = []
    added: list[tuple[int, int]] = []
    # The n-grams beside the span share no word with it (an n-gram overlaps NGRAM-1 words).
    for start, end in ((lo, span_lo - NGRAM + 1), (span_hi + NGRAM - 1, hi)):
        words_end = min(end + NGRAM - 1, len(doc.words))
        if end <= start or _is_title(doc, best.ref, start, words_end):
            continue
        words = doc.words[start:words_end]
        if end - start >= MIN_PART_GRAMS and depth < MAX_DEPTH:
            sub = _identify_region(index, doc, start, end, depth + 1)
            if sub.license_id is not None:
                parts.append((start, sub))
                continue
            if end - start >= 2 * MIN_PART_GRAMS:
                # A long unknown text beside the license (a use policy licheck does not know):
                # a part of its own for the clause engine, not a change to this license...
                if _normative(words):
                    parts.append((start, sub))
                # ... unless it grants and forbids nothing (a copyright model, a
                # declaration of where the code comes from): no license at all.
                continue
        if start < span_lo and _in_title_block(
            doc, best.ref, doc.token_line(start), doc.token_line(words_end - 1)
        ):
            continue  # the license's own title, its version line changed: omitable
        if _normative(words) or _parameter_change(doc, best, start, words_end) is not None:
            added.append((start, end))
        # Otherwise a heading, a preamble or a note outside the license: the SPDX guidelines
        # match the license's own text, and this text is not part of it.
    # Text inside the span that the license does not contain: changes and insertions, except
    # in an SPDX license's title block (omitable: a changed date there changes no term).
    inside = flags[s_lo:s_hi]
    if False in inside:
        title_top = doc.token_line(span_lo)
        for start, end in _unexplained(inside, span_lo):
            last = doc.token_line(min(end + NGRAM - 2, len(doc.words) - 1))
            if not _in_title_block(doc, best.ref, title_top, last):
                added.append((start, end))
    # The similarity shown is that of the license's own text, added words included.
    own = set(span_set)
    for start, end in added:
        own.update(doc.grams[start:end])
    _, _, similarity = _measure(best.required, best.optional, own) if added else (0, 0, dice)
    main = _describe(doc, best, span_set, span_lo, span_hi, _merge(added), runner_up, similarity)
    if not parts:
        return main
    ordered = sorted([(span_lo, main), *parts], key=lambda p: p[0])
    flat: list[Identification] = []
    for _, item in ordered:
        flat.extend(item.parts or (item,))
    return _combine(flat)


def _part_of(best: _Match, region: set[int]) -> bool:
    """Is the region a large piece of the license (one language of a bilingual text)?

    Dice is low for half of a license, yet every n-gram of it comes from that license: it is
    the license with a part missing, which `_describe` reports.
    """
    inter = len(region & best.full)
    return inter >= MIN_PART_OF and inter >= PART_OF * len(region)


def _combine(parts: list[Identification]) -> Identification:
    """One Identification for a file of several parts: ids joined with AND, worst status."""
    known = [p for p in parts if p.license_id]
    ids: list[str] = []
    names: list[str] = []
    for p in known:
        if p.license_id and p.license_id not in ids:
            ids.append(p.license_id)
            names.append(p.name or p.license_id)
    statuses = {p.status for p in parts}
    status: Status = "exact" if statuses == {"exact"} else "modified"
    differences = tuple(
        Difference(
            "added",
            f"lines {p.line}-{p.end_line} hold text that is not a license licheck knows",
            p.line,
            p.end_line,
        )
        for p in parts
        if p.license_id is None
    )
    similarity = min(p.similarity for p in known) if known else 0.0
    return Identification(
        status,
        " AND ".join(ids) if ids else None,
        " AND ".join(names) or None,
        similarity,
        None,
        differences,
        tuple(parts),
        line=min(p.line or 1 for p in parts),
        end_line=max(p.end_line or 1 for p in parts),
    )


def _merge(blocks: list[tuple[int, int]], gap: int = 6) -> list[tuple[int, int]]:
    """Blocks a few matching n-grams apart are one change for a reader ("changed on line 3")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(blocks):
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _describe(
    doc: _Document,
    best: _Match,
    span_set: set[int],
    span_lo: int,
    span_hi: int,
    added: list[tuple[int, int]],
    runner_up: tuple[str, float] | None,
    dice: float,
) -> Identification:
    license_id, name = resolve_reference(best.ref)
    first_line, last_line = doc.gram_lines(span_lo, span_hi)
    missing = len(best.required - span_set)
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
    status: Status = "exact" if not differences else "modified"
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


def _parameters(ref: Reference) -> dict[str, Any]:
    """The profile parameters of a reference (user thresholds, dates), where a profile exists."""
    if ref.source == "spdx":
        return {}
    from licheck.errors import LicheckError

    license_id, _ = resolve_reference(ref)
    try:
        profile = _catalog().profile(license_id)
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
    if parameter is not None and parameter[2] >= new_hi - new_lo - 2 * NGRAM:
        return [parameter[:2]]  # the number is the whole change
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
        label = _parameter_name(_parameters(best.ref), original) or _kind_of_number(words, a, b)
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
