"""Adversarial variants of a license text, for benchmarks/adversarial.py.

Each variant is a pure function `(text, seed) -> text`, deterministic for a seed. Two kinds:

- disguises (zero-width, soft-hyphen, homoglyph, hyphen-breaks) keep the terms and change how
  the text looks to a machine: a disguised non-open text is still not open, and a licheck that
  "passes only on positive evidence" must never pass one;
- restrictions add one restrictive term (OSD 5 or 6) to an open text, in a language or a
  Markdown structure licheck may not read: the result is not open, so it must not pass either.

Kept apart from the benchmark so the tests can import the generators without licheck.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

Variant = Callable[[str, int], str]

ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"

# Latin letters and the Cyrillic letters that look the same in most fonts (Unicode's
# confusables.txt lists each pair).
HOMOGLYPHS: dict[str, str] = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "p": "\u0440",
    "c": "\u0441",
    "x": "\u0445",
    "y": "\u0443",
    "i": "\u0456",
    "A": "\u0410",
    "B": "\u0412",
    "E": "\u0415",
    "H": "\u041d",
    "K": "\u041a",
    "M": "\u041c",
    "O": "\u041e",
    "P": "\u0420",
    "C": "\u0421",
    "T": "\u0422",
    "X": "\u0425",
}
LATIN_OF: dict[str, str] = {cyrillic: latin for latin, cyrillic in HOMOGLYPHS.items()}

_WORD = re.compile(r"[^\W\d_]+")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
WRAP_WIDTH = 60


def _insert_inside(text: str, seed: int, mark: str) -> str:
    """`mark` at a random inner position of every word of four letters or more."""
    rng = random.Random(seed)

    def insert(match: re.Match[str]) -> str:
        word = match.group()
        at = rng.randint(1, len(word) - 1)
        return word[:at] + mark + word[at:]

    return _LONG_WORD.sub(insert, text)


def zero_width(text: str, seed: int) -> str:
    """A zero-width space (U+200B, invisible when rendered) inside every word of 4+ letters."""
    return _insert_inside(text, seed, ZERO_WIDTH_SPACE)


def soft_hyphen(text: str, seed: int) -> str:
    """A soft hyphen (U+00AD, shown only at a line break) inside every word of 4+ letters."""
    return _insert_inside(text, seed, SOFT_HYPHEN)


def homoglyph(text: str, seed: int) -> str:
    """Cyrillic look-alikes in every word that has a letter with one: at least one letter per
    word, each further one with even odds, so words mix scripts as spoofed text does."""
    rng = random.Random(seed)

    def swap(match: re.Match[str]) -> str:
        letters = list(match.group())
        spots = [i for i, ch in enumerate(letters) if ch in HOMOGLYPHS]
        if not spots:
            return match.group()
        first = rng.choice(spots)
        for i in spots:
            if i == first or rng.random() < 0.5:
                letters[i] = HOMOGLYPHS[letters[i]]
        return "".join(letters)

    return _WORD.sub(swap, text)


def _break_line(words: list[str], width: int) -> list[str]:
    """Greedy fill to `width`; a word of 5+ letters that would cross the edge is split there
    with a hyphen, as a typesetter's hyphenation leaves it in a copied PDF."""
    lines: list[str] = []
    line = ""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        gap = 1 if line else 0
        if len(line) + gap + len(word) <= width:
            line += " " * gap + word
            continue
        room = width - len(line) - gap - 1  # letters that fit before the added hyphen
        if word.isalpha() and len(word) >= 5 and room >= 2:
            cut = min(room, len(word) - 2)
            lines.append(line + " " * gap + word[:cut] + "-")
            line = ""
            queue.insert(0, word[cut:])
            continue
        if line:
            lines.append(line)
            line = ""
            queue.insert(0, word)
        else:  # one word longer than the line: it stands alone
            lines.append(word)
    if line:
        lines.append(line)
    return lines


def hyphen_breaks(text: str, seed: int) -> str:
    """Each paragraph re-wrapped at ~60 columns with words broken across lines by "-\\n".

    The width varies a little with the seed so break points differ between runs. Blank lines
    between paragraphs stay, so headings and sections keep their place.
    """
    width = WRAP_WIDTH + random.Random(seed).randint(-4, 4)
    paragraphs = re.split(r"\n[ \t]*\n", text)
    out = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if words:
            out.append("\n".join(_break_line(words, width)))
    return "\n\n".join(out) + "\n"


def rejoin_breaks(text: str) -> str:
    """Undo `hyphen_breaks`'s word breaks (not its re-wrapping): for tests and comparisons."""
    return re.sub(r"-\n", "", text)


# Restrictions: each breaks the OSD (5: no discrimination against persons or groups; 6: none
# against fields of endeavor). Several legal concepts in English, so a rule for one of them
# does not pass the whole variant.
RESTRICTIONS_EN = (
    "This license does not permit use for commercial purposes.",
    "This license is void for any entity with more than 100 employees.",
    "Your use is subject to the Acceptable Use Policy at https://example.com/aup.",
    "This license terminates automatically upon any for-profit use of the Software.",
    "You may not use the outputs of the Software to improve any other model.",
)
RESTRICTION_DE = "Die kommerzielle Nutzung ist untersagt."
RESTRICTION_FR = "Toute utilisation commerciale est interdite."
RESTRICTIONS_ZH = (
    "本许可证不允许商业用途。",
    "月活跃用户超过一亿的，须另行申请许可。",  # noqa: RUF001 (Chinese punctuation is the point)
)
RESTRICTION_JA = "商用利用は禁止されています。"
TABLE_ROW = "| Use | Commercial use is prohibited |"
FOOTNOTE = "[^1]: Commercial use is not permitted."
HEADING = "## Non-commercial use only"
HTML_COMMENT = "<!-- Commercial use is prohibited. -->"


def _append(text: str, block: str) -> str:
    return text.rstrip() + "\n\n" + block + "\n"


def restrict_en(text: str, seed: int) -> str:
    """One English restriction appended, chosen by the seed among five legal concepts."""
    return _append(text, random.Random(seed).choice(RESTRICTIONS_EN))


def restrict_de(text: str, seed: int) -> str:
    """A German ban on commercial use appended."""
    return _append(text, RESTRICTION_DE)


def restrict_fr(text: str, seed: int) -> str:
    """A French ban on commercial use appended."""
    return _append(text, RESTRICTION_FR)


def restrict_zh(text: str, seed: int) -> str:
    """A Chinese restriction appended: no commercial use, or a monthly-active-user cap."""
    return _append(text, random.Random(seed).choice(RESTRICTIONS_ZH))


def restrict_ja(text: str, seed: int) -> str:
    """A Japanese ban on commercial use appended."""
    return _append(text, RESTRICTION_JA)


def restrict_table(text: str, seed: int) -> str:
    """The restriction as a row of a Markdown table (with its header) after the text."""
    return _append(text, "| Term | Condition |\n|---|---|\n" + TABLE_ROW)


def restrict_footnote(text: str, seed: int) -> str:
    """A footnote marker after the first line with text, the restriction as its footnote."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            lines[i] = line.rstrip() + "[^1]"
            break
    return _append("\n".join(lines), FOOTNOTE)


def restrict_heading(text: str, seed: int) -> str:
    """The restriction as a Markdown heading above the text, where a title would stand."""
    return HEADING + "\n\n" + text


def restrict_html_comment(text: str, seed: int) -> str:
    """The restriction in an HTML comment after the text (hidden when Markdown is rendered,
    still part of the file)."""
    return _append(text, HTML_COMMENT)


def original(text: str, seed: int) -> str:
    """The text itself: the control."""
    return text


DISGUISES: dict[str, Variant] = {
    "original": original,
    "zero-width": zero_width,
    "soft-hyphen": soft_hyphen,
    "homoglyph": homoglyph,
    "hyphen-breaks": hyphen_breaks,
}
RESTRICTIONS: dict[str, Variant] = {
    "restrict-en": restrict_en,
    "restrict-de": restrict_de,
    "restrict-fr": restrict_fr,
    "restrict-zh": restrict_zh,
    "restrict-ja": restrict_ja,
    "restrict-table": restrict_table,
    "restrict-footnote": restrict_footnote,
    "restrict-heading": restrict_heading,
    "restrict-html-comment": restrict_html_comment,
}
VARIANTS: dict[str, Variant] = {**DISGUISES, **RESTRICTIONS}
