"""Every quote is from the file judged, with its line: grounding profile evidence in a text.

licheck's profile of a license quotes the license as published. When a model ships a text, a
quote is shown only if that text holds it (case, white space and punctuation folded), at the
line where it stands there; a modified text keeps no finding of its parent's that it does not
carry itself (a $1M revenue cap quoted for a version that has none is a made-up reason), and
whatever the profile knew of such a criterion becomes a doubt for a reader, not a verdict.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from operator import add

import msgspec

from licheck.records import Finding, Status, replace
from licheck.regex import on_first_use

_WORD = on_first_use(r"[\w%$]+(?:\.[\w%$]+)*")
_ELLIPSIS = on_first_use(r"\s*(?:\.\.\.|…)\s*")


class _Folded(msgspec.Struct, frozen=True):
    """A text's words joined by single spaces, with the line each word starts on."""

    joined: str
    starts: tuple[int, ...]
    lines: tuple[int, ...]


@lru_cache(maxsize=64)
def _fold_text(text: str) -> _Folded:
    # Line by line, so the work is one pass over the text (a 40 KB license in about a
    # millisecond), not a search for the line of every word. A text _ascii_words can take is
    # cut by str.split (a fifth faster than _WORD, the same words); any other by _WORD.
    casefolded = text.casefold()
    spaced = _ascii_words(casefolded)
    cut: Callable[[str], list[str]] = str.split if spaced is not None else _WORD.findall
    words: list[str] = []
    lines: list[int] = []
    for number, line in enumerate((casefolded if spaced is None else spaced).split("\n"), 1):
        found = cut(line)
        if found:
            words.extend(found)
            lines.extend([number] * len(found))
    # Word i starts after the i words before it and their i separating spaces.
    starts = map(add, accumulate(map(len, words), initial=0), range(len(words)))
    return _Folded(" ".join(words), tuple(starts), tuple(lines))


# What _WORD reads of an ASCII text: letters, digits, "_", "%", "$" and the "." that may join
# two of them; every other character (line breaks aside) is a space between words.
_ASCII_NON_WORD = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "_%$.\n")}
)
# Once they are spaces, a dot joins two words only between two word characters ("2.0",
# "e.g"); one after a space, a dot or the start, or before one or the end, is a space too.
_LOOSE_DOT = on_first_use(r"\.(?:(?<![^\s.]\.)|(?![^\s.]))")


def _ascii_words(folded: str) -> str | None:
    """A case-folded text with every character _WORD does not read turned into a space, line
    breaks kept: what str.split() then cuts into _WORD's words, at C speed. None when the text
    has a letter or digit beyond ASCII (_WORD reads it there).

    A license that is English but for its typography (curly quotes, dashes) is the common
    case: its few other characters separate words as spaces do, and are replaced by them."""
    if not folded.isascii():
        others = {c for c in set(folded) if not c.isascii()}
        if any(c.isalnum() for c in others):  # \w: what str.isalnum() says, and "_"
            return None
        for c in others:
            folded = folded.replace(c, " ")
        # Stored as ASCII again (a replacement keeps the wide form), for translate's fast path.
        folded = folded.encode("ascii").decode("ascii")
    folded = folded.translate(_ASCII_NON_WORD)
    return _LOOSE_DOT.sub(" ", folded) if "." in folded else folded


def fold(text: str) -> str:
    """A quote as it is compared: its words, case-folded, joined by single spaces."""
    return " ".join(_WORD.findall(text.casefold()))


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """The (line, end_line) where `quote` stands in `text`, or None when the text lacks it.

    A quote cut with an ellipsis ("You will not ... use the outputs") must hold each of its
    pieces, in order.
    """
    pieces = [fold(piece) for piece in _ELLIPSIS.split(quote)]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return None
    folded = _fold_text(text)
    position = 0
    first = end = -1
    for piece in pieces:
        found = folded.joined.find(piece, position)
        # A piece must start and end on word boundaries of the folded text.
        while found != -1 and not _bounded(folded.joined, found, len(piece)):
            found = folded.joined.find(piece, found + 1)
        if found == -1:
            return None
        first = found if first == -1 else first
        end = found + len(piece) - 1
        position = found + len(piece)
    word_first = bisect_right(folded.starts, first) - 1
    word_last = bisect_right(folded.starts, end) - 1
    return folded.lines[word_first], folded.lines[word_last]


def _bounded(joined: str, start: int, length: int) -> bool:
    before = start == 0 or joined[start - 1] == " "
    after = start + length == len(joined) or joined[start + length] == " "
    return before and after


def ground(
    findings: tuple[Finding, ...],
    status: Status,
    texts: tuple[tuple[str, str], ...],
    *,
    modified: bool,
) -> tuple[Status, tuple[Finding, ...]]:
    """A criterion's profile findings as the shipped texts ((path, text) pairs) bear them out.

    A quote found in a text is re-pointed at its file and line. In an exact copy a quote the
    file lacks (the profile paraphrases) loses its quote, not its reason. In a modified text
    only what the text carries stands: a failing or doubtful criterion none of whose quotes is
    in the text becomes `unknown`, with the profile's reason given as a reason to read it.
    """
    kept: list[Finding] = []
    dropped: list[Finding] = []
    for finding in findings:
        if finding.source != "profile" or not finding.evidence:
            kept.append(finding)
            continue
        for path, text in texts:
            where = locate(finding.evidence, text)
            if where is not None:
                kept.append(replace(finding, file=path, line=where[0], end_line=where[1]))
                break
        else:
            if modified:
                dropped.append(finding)
            else:
                kept.append(
                    replace(
                        finding,
                        evidence=None,
                        message=f"{finding.message} (licheck's profile of this license says "
                        "so; its wording is not quoted because this file words it otherwise)",
                    )
                )
    if not modified or not dropped:
        return status, tuple(kept)
    if any(f.status == status and f.source == "profile" for f in kept) or status == "pass":
        return status, tuple(kept)
    paths = ", ".join(path for path, _ in texts)
    reasons = "; ".join(dict.fromkeys(f.message for f in dropped))
    doubt = Finding(
        criterion=dropped[0].criterion,
        status="unknown",
        message=f"the published license {'fails' if status == 'fail' else 'clouds'} this "
        f"criterion ({reasons}), but the clause it relies on is not in {paths}: read the text "
        "to see what it says instead",
        source="clause",
        file=texts[0][0] if texts else None,
    )
    return "unknown", (*kept, doubt)
