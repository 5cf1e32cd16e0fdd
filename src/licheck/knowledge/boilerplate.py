"""What stands beside a license text and is positively no license terms: titles, copyright lines,
identifier lines, a line naming the license, a short heading or name.

The SPDX matching guidelines let a license's title be present or absent; issue 13 adds that
nothing else beside a license may be dropped: a sentence of any wording may restrict, so only
what these forms recognise is ignored, and everything else is an addition the clause engine reads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from licheck.knowledge.index import (
    Reference,
)
from licheck.knowledge.normalise import _URL, MONTHS, _Document, normalise, tokens
from licheck.regex import on_first_use

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


# Lines that are positively no license terms, by form: an identifier or a pointer to where the
# license lives, a line that only names the license it stands beside.
_IDENTIFIER_LINE = on_first_use(r"^\W*spdx\W+license\W+identifier\W")


_COPYRIGHT_LINE = on_first_use(r"^[\W_]*(?:copyright\b|\(c\)|\u00a9)", re.IGNORECASE)


_NAMING_WORDS = frozenset(
    {"this", "the", "a", "is", "are", "be", "licensed", "released", "distributed", "made",
     "available", "provided", "under", "terms", "of", "project", "model", "models", "weights",
     "code", "software", "repository", "work", "files", "file", "see", "full", "text", "at",
     "in", "here", "below", "above", "following", "copy", "license", "licenses", "agreement"}
)  # fmt: skip


MAX_HEADING_TOKENS = 8  # a line this short, with no normative word, is a heading or a name


def _outside_terms(doc: _Document, ref: Reference, start: int, end: int) -> bool:
    """Whether the words start..end-1 beside a license are positively not license terms.

    Each of their lines must be a title of the license (its name, version, date, URL), an
    SPDX-License-Identifier line, a line that only says what is licensed under it, or a short
    heading or name with no word that grants, forbids or conditions anything. Text in a script
    licheck's identification does not tokenise as English words is never dropped.
    """
    if end <= start:
        return True
    own = own_words(ref.name, ref.id, ref.key)
    first, last = doc.token_line(start), doc.token_line(end - 1)
    lines = doc.normalised_lines
    for number in range(first, last + 1):
        line = lines[number - 1]
        words = tokens(_URL.sub(" ", line))
        if not words:
            continue  # blank decoration, or a link alone
        if not all(w.isascii() for w in words):
            return False
        if title_line(line, own) or _IDENTIFIER_LINE.match(line):
            continue
        raw = doc.lines[number - 1].strip()
        if _COPYRIGHT_LINE.match(raw):
            continue  # a copyright notice: the SPDX guidelines ignore it
        if all(w in _NAMING_WORDS or w in own or w.isdigit() for w in words):
            continue
        if (
            len(words) <= MAX_HEADING_TOKENS
            and not _SENTENCE_END.search(raw)
            and not _normative(words)
            and not any(w.startswith(_FOREIGN_RESTRICTIONS) for w in words)
        ):
            continue  # a heading or a name: short, no sentence, nothing that binds
        return False
    return True


_SENTENCE_END = on_first_use(r"[.!?;:\u3002\uff01\uff1f\uff1b\uff1a]\W*$")


# A heading in another language can restrict too ("Kommerzielle Nutzung untersagt"): the
# restriction words of the languages licenses are written in keep a short line from counting
# as a mere heading (a sentence never counts as one, whatever its words).
_FOREIGN_RESTRICTIONS = (
    "untersag", "verbot", "nicht", "kein", "nur", "ausschlie", "kommerz", "gewerb", "interdi",
    "uniquement", "seulement", "commerci", "prohib", "vietat", "solo", "sólo", "proib",
    "apenas", "verbod", "niet", "alleen", "zakaz", "tylko",
)  # fmt: skip


def _normative(words: Sequence[str]) -> bool:
    """Does a stretch of text grant, forbid or condition anything?

    Words licheck cannot read (a Chinese or German note) count as terms: they may well be.
    """
    return any(w in NORMATIVE_WORDS or not w.isascii() for w in words)
