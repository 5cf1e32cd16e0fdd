"""Undo the ways a license text or id is disguised so that it slips past a gate, and say what.

A gate that matches "non-commercial" is beaten by a zero-width space inside it, by a Cyrillic
"o" (U+043E) in "commercial", by fullwidth letters or by a restriction hidden in an HTML
comment. This module gives every reader one cleaned text and a list of what was undone, so the
engine judges what a human reads and the report can say that a text was disguised. It never
adds or removes a line break (CR, LF and CRLF are left as they are): evidence is quoted by the
user's own line numbers.

Kinds, in report order; the first three are `suspicious`, the last two are normal formatting:

- "invisible": Default_Ignorable_Code_Point characters (Unicode DerivedCoreProperties.txt,
  UAX #44; UTS #39 section 3.1.1 forbids them in identifiers): zero-width space/joiner/non-joiner,
  word joiner, soft hyphen, bidi controls (the "Trojan Source" ones, CVE-2021-42574),
  U+180E, tag characters (their hidden ASCII is quoted), variation selectors. Removed. A BOM at
  the very start of the text is removed silently. Kept where the script needs them: ZWJ, ZWNJ,
  ZWSP, LRM/RLM/ALM and variation selectors beside a letter of Hebrew..Mongolian (U+0590-1CFF,
  Arabic presentation forms), and variation selectors/ZWJ beside a symbol (emoji) or ideograph.
  A soft hyphen at a line's end becomes "-", as it is rendered, so hyphenation can join it.
- "look-alike": a letter of another script with a Latin twin (UTS #39 confusables), folded to
  it when its word also holds Latin letters, or when the whole word is look-alikes in a text
  that is overwhelmingly Latin (at most 5 % of its letters are neither Latin nor look-alikes;
  a single Greek letter is left alone, it is usually a symbol). Russian, Greek or Chinese
  prose is therefore left intact, and so are words like "Яндекс" with one non-twin letter.
- "compatibility": NFKC (UAX #15) changed a letter or digit into ASCII: fullwidth letters and
  digits, mathematical alphanumerics, ligatures, long s. Other NFKC changes (NBSP and other
  spaces, "…", "™", "½", superscripts, µ) are folded silently: they are ordinary typography.
  CJK stays as written (licheck reads Chinese): CJK symbols and punctuation (U+3000-303F: the
  ideographic full stop and comma, the ideographic space), fullwidth and halfwidth punctuation
  and kana (fullwidth comma, semicolon and colon U+FF0C/FF1B/FF1A keep their width although
  NFKC would make them ASCII), compatibility ideographs,
  radicals, enclosed and squared CJK and Hangul compatibility jamo are never normalised.
- "markup" (only with `markup=True`): Markdown emphasis (`*`, `_` at word edges, `~~`),
  backticks, links and images (`[text](url)` -> `text (url)`: the url may be the use policy
  that matters), `<a href>` likewise, autolinks, HTML tags (inline ones vanish, block ones
  become a space), HTML comment markers (the comment's text is kept and read, on every line of
  a multi-line comment), entities (decoded, never into a line break). A table row
  `| a | b |` becomes `a ; b` (each cell reads as its own clause); a separator row is blanked.
  Heading `#`, list and quote markers stay: they carry structure.
- "hyphenation": `non-` at a line's end followed by a lowercase word on the next line is joined
  on the first line ("noncommercial": the rules accept `non[\\s-]*commercial`, and a
  typesetter's "com-\\nmercial" must become "commercial"); the next line keeps the rest.

The look-alike table is generated from the Unicode confusables data (confusables.txt, as
shipped in confusable-homoglyphs 3.3.1's confusables.json): every single letter of the Latin
(non-ASCII), Greek, Cyrillic, Armenian, Cherokee, Coptic and Lisu scripts whose prototype is one
ASCII letter and which NFKC leaves alone, a capital whose prototype is "l" mapped to "I", plus
the LATIN LETTER SMALL CAPITAL letters (UnicodeData.txt names) to their lowercase letter.
Mathematical and fullwidth letters are not in it: NFKC handles them.

Speed (timeit, best of 5, Python 3.11 on the 2-core dev machine), 10 KB texts: ASCII with
`markup=False` 0.018 ms (two substring scans for a line-end "-"; 0.45 ms when some line does end
on "-"), ASCII with `markup=True` 0.56 ms; Cyrillic look-alikes in English 4.7 ms, Chinese
3.8 ms, Russian 4.2 ms, a zero-width space between every letter 9 ms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from licheck.regex import on_first_use

_SUSPICIOUS = ("invisible", "look-alike", "compatibility")
_KINDS = (*_SUSPICIOUS, "markup", "hyphenation")


@dataclass(frozen=True)
class Disguise:
    """One kind of disguise found, with where it starts and a printable example."""

    kind: str
    count: int
    first_line: int
    example: str


@dataclass(frozen=True)
class Undisguised:
    """The cleaned text (line i is the input's line i) and one Disguise per kind found."""

    text: str
    disguises: tuple[Disguise, ...]

    @property
    def suspicious(self) -> tuple[Disguise, ...]:
        """Only what hides text from a reader: markup and hyphenation are normal formatting."""
        return tuple(d for d in self.disguises if d.kind in _SUSPICIOUS)


# Latin twin of each look-alike letter; pairs "<letter><ASCII twin>" (see the module docstring).
_PAIRS = (
    # Latin
    "\u0131i\u0184b\u018dg\u0196I\u01a6R\u01bds\u01c0l\u0251a\u0261g\u0262g\u0263y\u0269i"
    "\u026ai\u026fw\u0274n\u0280r\u0281r\u028bu\u028fy\u0299b\u029ch\u029fl\u1d00a\u1d03b"
    "\u1d04c\u1d05d\u1d07e\u1d0aj\u1d0bk\u1d0dm\u1d0en\u1d0fo\u1d10o\u1d11o\u1d18p\u1d19r"
    "\u1d1ar\u1d1bt\u1d1cu\u1d20v\u1d21w\u1d22z\u1d83g\u1d8cy\u1e9df\u1effy\ua731s\ua798F"
    "\ua799f\ua79fu\ua7b2J\ua7b3X\ua7b4B\uab32e\uab35f\uab3do\uab47r\uab48r\uab4eu\uab52u"
    "\uab5ay"
    # Greek
    "\u037fJ\u0391A\u0392B\u0395E\u0396Z\u0397H\u0399I\u039aK\u039cM\u039dN\u039fO\u03a1P"
    "\u03a4T\u03a5Y\u03a7X\u03b1a\u03b3y\u03b9i\u03bdv\u03bfo\u03c1p\u03c3o\u03c5u\u03dcF"
    "\u03f3j\u03faM\u1d26r"
    # Cyrillic
    "\u0405S\u0406I\u0408J\u0410A\u0412B\u0415E\u041aK\u041cM\u041dH\u041eO\u0420P\u0421C"
    "\u0422T\u0423Y\u0425X\u042cb\u0430a\u0433r\u0435e\u043eo\u0440p\u0441c\u0443y\u0445x"
    "\u0455s\u0456i\u0458j\u0461w\u0474V\u0475v\u04aeY\u04afy\u04bbh\u04bde\u04c0I\u04cfi"
    "\u0501d\u050cG\u051bq\u051cW\u051dw\ua647i"
    # Armenian
    "\u054dU\u054fS\u0555O\u0561w\u0563q\u0566q\u0570h\u0578n\u057cn\u057du\u0581g\u0584f"
    "\u0585o"
    # Cherokee
    "\u13a0D\u13a1R\u13a2T\u13a5i\u13a9Y\u13aaA\u13abJ\u13acE\u13b3W\u13b7M\u13bbH\u13bdY"
    "\u13c0G\u13c2h\u13c3Z\u13cfb\u13d2R\u13d4W\u13d5S\u13d9V\u13daS\u13deL\u13dfC\u13e2P"
    "\u13e6K\u13e7d\u13f3G\u13f4B\uab75i\uab81r\uab83w\uab93z\uaba9v\uabaas\uabafc"
    # Coptic
    "\u2c85r\u2c8eH\u2c92I\u2c94K\u2c98M\u2c9aN\u2c9eO\u2c9fo\u2ca2P\u2ca3p\u2ca4C\u2ca5c"
    "\u2ca6T\u2ca8Y\u2cacX\u2cd0L"
    # Lisu
    "\ua4d0B\ua4d1P\ua4d2d\ua4d3D\ua4d4T\ua4d6G\ua4d7K\ua4d9J\ua4daC\ua4dcZ\ua4ddF\ua4dfM"
    "\ua4e0N\ua4e1L\ua4e2S\ua4e3R\ua4e6V\ua4e7H\ua4eaW\ua4ebX\ua4ecY\ua4eeA\ua4f0E\ua4f2l"
    "\ua4f3O\ua4f4U"
)
_LOOKALIKE = dict(zip(_PAIRS[::2], _PAIRS[1::2], strict=True))
_LOOKALIKE_RE = on_first_use("[" + "".join(_LOOKALIKE) + "]")
_GREEK = frozenset(c for c in _LOOKALIKE if "\u0370" <= c <= "\u03ff")

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt), less the Hangul choseong/jungseong
# fillers U+115F/1160 that spell old Korean syllables.
_IGNORABLE = on_first_use(
    "[\u00ad\u034f\u061c\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# Joiners, word-break hints, bidi marks and variation selectors that a script spells with.
_ORTHOGRAPHIC = frozenset("\u200b\u200c\u200d\u200e\u200f\u061c\u180b\u180c\u180d\u180f")
_LINE_BREAK = on_first_use(r"(\r\n|\r|\n)")
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_NON_ASCII = on_first_use(r"[^\x00-\x7f]")
_WORD = on_first_use(r"[^\W\d_]+")
# CJK ranges NFKC must not touch (see the module docstring): (first, last) code points.
_KEEP = (
    (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3131, 0x318F), (0x3200, 0x33FF), (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F), (0xFE30, 0xFE6F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40),
    (0xFF5B, 0xFFEF), (0x2F800, 0x2FA1F),
)  # fmt: skip


def _name(ch: str) -> str:
    """A printable name for one code point: "U+0430 CYRILLIC SMALL LETTER A"."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '<unnamed>')}"


def _safe(text: str, limit: int = 40) -> str:
    """Text from the input made printable: controls and invisibles become <U+XXXX>."""
    out = "".join(
        c if c.isprintable() and not _IGNORABLE.match(c) else f"<U+{ord(c):04X}>"
        for c in text[:limit]
    )
    return out + ("..." if len(text) > limit else "")


@cache
def _is_latin(ch: str) -> bool:
    """Whether a letter is Latin script (UAX #24 Script=Latin, read from the character name)."""
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


@cache
def _compat(ch: str) -> tuple[str, bool] | None:
    """NFKC of one character, and whether the change disguises a letter or digit as ASCII."""
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in _KEEP):
        return None
    folded = unicodedata.normalize("NFKC", ch)
    if folded == ch or _BREAKS.intersection(folded):
        return None
    category = unicodedata.category(ch)
    letterlike = category[0] == "L" or category == "Nd"
    return folded, letterlike and any(c.isascii() and c.isalnum() for c in folded)


def _orthographic(ch: str) -> bool:
    """Whether a neighbour's script uses joiners, bidi marks or variation selectors itself."""
    cp = ord(ch)
    in_script = 0x0590 <= cp <= 0x1CFF or 0xFB1D <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFC
    return in_script and unicodedata.category(ch)[0] in "LM"


def _symbolic(ch: str) -> bool:
    """Whether a variation selector or ZWJ beside this character picks a glyph (emoji, IVS)."""
    category = unicodedata.category(ch)
    return category[0] == "S" or (category == "Lo" and unicodedata.name(ch, "").startswith("CJK"))


class _Tally:
    """What one run found: per kind a count, the first line and the first examples."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.line: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}
        self.hidden: list[str] = []  # ASCII spelled in tag characters (UTS #51 tag sequences)

    def add(self, kind: str, line: int, example: str, n: int = 1) -> None:
        """Count n places of one kind found on a 1-based line."""
        self.count[kind] = self.count.get(kind, 0) + n
        self.line.setdefault(kind, line)
        examples = self.examples.setdefault(kind, [])
        if example not in examples:
            examples.append(example)

    def disguises(self) -> tuple[Disguise, ...]:
        """One Disguise per kind found, in report order."""
        found = []
        for kind in _KINDS:
            if kind not in self.count:
                continue
            examples = self.examples[kind]
            example = ", ".join(examples[:3])
            if len(examples) > 3:
                example += f" (+{len(examples) - 3} more)"
            if kind == "invisible" and self.hidden:
                example += f"; tag characters spell '{_safe(''.join(self.hidden))}'"
            found.append(Disguise(kind, self.count[kind], self.line[kind], example))
        return tuple(found)


def _strip_invisible(line: str, number: int, tally: _Tally, *, exempt: bool) -> str:
    """Remove ignorable characters, keeping those a script spells with when `exempt`."""
    out: list[str] = []
    last = 0
    for match in _IGNORABLE.finditer(line):
        at = match.start()
        ch = line[at]
        out.append(line[last:at])
        last = at + 1
        if exempt:
            prev = line[at - 1] if at else " "
            near = (prev, line[at + 1] if at + 1 < len(line) else " ")
            selector = "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"
            if (
                (ch in _ORTHOGRAPHIC and any(_orthographic(c) for c in near))
                or (selector and _symbolic(prev))
                or (ch == "\u200d" and any(_symbolic(c) for c in near))
            ):
                out.append(ch)
                continue
        if 0xE0020 <= ord(ch) <= 0xE007E:
            tally.hidden.append(chr(ord(ch) - 0xE0000))
        if ch == "\u00ad" and not line[at + 1 :].strip(" \t"):
            out.append("-")  # a soft hyphen ending a line is shown as "-" (Unicode 4.1, 5.8)
        tally.add("invisible", number, _name(ch))
    out.append(line[last:])
    return "".join(out)


def _fold_compat(line: str, number: int, tally: _Tally) -> str:
    """Apply NFKC character by character, outside the CJK ranges that stay as written."""

    def fold(match: re.Match[str]) -> str:
        ch = match.group()
        change = _compat(ch)
        if change is None:
            return ch
        if change[1]:
            tally.add("compatibility", number, f"{_name(ch)} for '{_safe(change[0])}'")
        return change[0]

    return _NON_ASCII.sub(fold, line)


def _fold_lookalikes(line: str, number: int, tally: _Tally, *, pure: bool) -> str:
    """Fold look-alike letters in Latin words; in `pure` mode also words made only of them."""

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        twins = [c for c in word if c in _LOOKALIKE]
        if not twins:
            return word
        latin = any(_is_latin(c) for c in word)
        whole = len(twins) == len(word) and (len(word) > 1 or word not in _GREEK)
        if not (latin or (pure and whole)):
            return word
        for c in twins:
            tally.add("look-alike", number, f"{_name(c)} for '{_LOOKALIKE[c]}'")
        return "".join(_LOOKALIKE.get(c, c) for c in word)

    return _WORD.sub(fold, line)


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"  # string's, w/o its import


def _latin_text(text: str) -> bool:
    """Whether at most 5 % of the letters are neither Latin nor look-alikes of Latin."""
    others = _NON_ASCII.findall(text)
    letters = sum(map(text.count, _ASCII_LETTERS))
    most = letters + len(others)
    foreign = 0
    for ch in others:
        if ch.isalpha():
            letters += 1
            if not (ch in _LOOKALIKE or _is_latin(ch)):
                foreign += 1
                if foreign * 20 > most:
                    return False  # a Russian or Chinese text is known after a few lines
    return foreign * 20 <= letters


_Replacement = str | Callable[[re.Match[str]], str]
_A_HREF = on_first_use(r"""<a\s[^<>\n]*?href\s*=\s*["']?([^"'\s<>]+)["']?[^<>\n]*>(.*?)</a\s*>""")
_AUTOLINK = on_first_use(r"<((?:https?|ftp|mailto):[^\s<>]+)>")
_LINK = on_first_use(r"!?\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?"
                   r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)""")  # fmt: skip
_REF_LINK = on_first_use(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_TAG = on_first_use(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>\n]*)?/?>")
_INLINE_TAGS = frozenset(
    ("a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
     "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var")
)  # fmt: skip
_COMMENT = on_first_use(r"<!--|-->")
_RULE_CELL = on_first_use(r"\s*:?-+:?\s*")
_RULE_ROW = on_first_use(r"\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*")
# A url does not end on ?!.,:*_~ (GFM spec 6.9, extended autolinks), so "**https://x**" keeps
# its url and loses its stars.
_URL = on_first_use(r"(?:https?|ftp)://[^\s<>()]*[^\s<>()*_~`.,;:!?'\"]")
_CODE = on_first_use(r"`+")
_STARS = on_first_use(r"\*+|~~+")
_UNDERSCORE = on_first_use(r"(?<![\w])_+(?=[^\W_])|(?<=[^\W_])_+(?![\w])")
_ENTITY = on_first_use(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP_CHARS = frozenset("*_`[<>&|~")


def _link(match: re.Match[str]) -> str:
    """`[text](url)` as `text (url)`: a url may be the use policy a clause points to."""
    text, url = match.group(1).strip(), match.group(2)
    if not url:
        return text
    return url if not text or text == url else f"{text} ({url})"


def _tag(match: re.Match[str]) -> str:
    """An inline tag vanishes (`<b>must</b>`); a block tag (`<br>`, `<td>`) parts words."""
    return "" if match.group(1).lower() in _INLINE_TAGS else " "


def _star(match: re.Match[str]) -> str:
    """An emphasis run vanishes; one with space on both sides (a list marker, "2 * 3") stays."""
    s, at, end = match.string, match.start(), match.end()
    before = s[at - 1] if at else " "
    after = s[end] if end < len(s) else " "
    return match.group() if before.isspace() and after.isspace() else ""


def _entity(match: re.Match[str]) -> str:
    """An HTML entity decoded, but never into a line break (that would shift every line)."""
    import html  # here: its table of entities costs a start-up 8 M instructions; few texts hold one

    decoded = html.unescape(match.group())
    return " " if _BREAKS.intersection(decoded) else decoded


_STRUCTURE: tuple[tuple[str, re.Pattern[str], _Replacement], ...] = (
    ("HTML comment", _COMMENT, ""),
    ("HTML link", _A_HREF, r"\2 (\1)"),
    ("autolink", _AUTOLINK, r"\1"),
    ("link", _LINK, _link),
    ("link", _REF_LINK, r"\1"),
    ("HTML tag", _TAG, _tag),
)
_INLINE: tuple[tuple[str, re.Pattern[str], _Replacement], ...] = (
    ("code", _CODE, ""),
    ("emphasis", _STARS, _star),
    ("emphasis", _UNDERSCORE, ""),
    ("entity", _ENTITY, _entity),
)


def _table_row(line: str) -> str | None:
    """`| a | b |` as `a ; b` (each cell a clause), a separator row as "", else None."""
    body = line.strip()
    if body.startswith("|") and body.count("|") >= 2:
        inner = body[1:-1] if body.endswith("|") else body[1:]
        cells = inner.split("|")
        if all(_RULE_CELL.fullmatch(c) for c in cells):
            return ""
        return " ; ".join(c.strip() for c in cells if c.strip())
    return "" if _RULE_ROW.fullmatch(line) else None


def _strip_markup(line: str, number: int, tally: _Tally) -> str:
    """Markdown and HTML markup removed from one line, its words and urls kept (see module)."""
    if _MARKUP_CHARS.isdisjoint(line):
        return line
    for label, pattern, replacement in _STRUCTURE:
        line, n = pattern.subn(replacement, line)
        if n:
            tally.add("markup", number, label, n)
    row = _table_row(line)
    if row is not None:
        line = row
        tally.add("markup", number, "table")
    for label, pattern, replacement in _INLINE:
        line, n = _sub_outside_urls(pattern, replacement, line)
        if n:
            tally.add("markup", number, label, n)
    return line


def _sub_outside_urls(pattern: re.Pattern[str], repl: _Replacement, line: str) -> tuple[str, int]:
    """Replace outside urls only ("_" and "*" are legal in a url); count the real changes."""
    spans = [m.span() for m in _URL.finditer(line)] if "://" in line else []
    changed = 0

    def apply(m: re.Match[str]) -> str:
        nonlocal changed
        if any(a <= m.start() < b for a, b in spans):
            return m.group()
        new = repl(m) if callable(repl) else m.expand(repl)
        changed += new != m.group()
        return new

    return pattern.sub(apply, line), changed


_HYPHEN_END = on_first_use(r"(?<=[^\W\d_])[-\u2010][ \t]*$")
_WORD_START = on_first_use(r"([ \t]*)([^\W\d_]\S*)")


def _join_hyphenated(lines: list[str], tally: _Tally) -> None:
    """Join "non-" + "commercial" on the first line; the next line keeps what follows."""
    for i in range(len(lines) - 1):
        line = lines[i]
        if not line.rstrip(" \t").endswith(("-", "\u2010")):
            continue  # the pattern needs a hyphen at the line's end; its search tries every place
        end = _HYPHEN_END.search(line)
        if end is None or not lines[i][end.start() - 1].islower():
            continue
        start = _WORD_START.match(lines[i + 1])
        if start is None or not start.group(2)[0].islower():
            continue
        fragment = start.group(2)
        head = _WORD.findall(lines[i][: end.start()])[-1]
        tally.add("hyphenation", i + 1, f"'{_safe(head)}-' + '{_safe(fragment)}'")
        lines[i] = lines[i][: end.start()] + fragment
        lines[i + 1] = start.group(1) + lines[i + 1][start.end() :].lstrip(" \t")


def undisguise(text: str, *, markup: bool = True, hyphenation: bool = True) -> Undisguised:
    """The text as a reader sees it, with what was undone; line i stays line i.

    Callers judge `.text` and report `.suspicious`; `markup=False` for plain-text licenses,
    where `*` and `_` are literal; `hyphenation=False` for readers that join words broken
    across lines themselves and must keep a hyphen that ends a line inside a URL or a compound.
    """
    if text.isascii() and not markup and not (hyphenation and _LINE_END_HYPHEN.search(text)):
        return Undisguised(text, ())  # the corpus's common case: nothing to undo
    return _undisguise_lines(text, markup=markup, hyphenation=hyphenation)


# Where _join_hyphenated may join in an ASCII text: a hyphen ending a line, spaces or tabs after
# it included (led by the literal "-", so the search skips ahead; U+2010 is no ASCII).
_LINE_END_HYPHEN = on_first_use(r"-[ \t]*[\r\n]")


def _undisguise_lines(text: str, *, markup: bool, hyphenation: bool) -> Undisguised:
    """undisguise, line by line (an ASCII line has nothing to fold: only markup and hyphens)."""
    parts = _LINE_BREAK.split(text)
    lines, breaks = parts[::2], parts[1::2]
    if lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]  # a byte order mark that starts a file is its encoding signature
    tally = _Tally()
    pure: bool | None = None
    for i, raw in enumerate(lines):
        number, line = i + 1, raw
        if markup:
            line = _strip_markup(line, number, tally)
        if not line.isascii():
            line = _strip_invisible(line, number, tally, exempt=True)
            if not unicodedata.is_normalized("NFKC", line):
                line = _fold_compat(line, number, tally)
            if _LOOKALIKE_RE.search(line):
                if pure is None:
                    pure = _latin_text(text)
                line = _fold_lookalikes(line, number, tally, pure=pure)
        lines[i] = line
    if hyphenation:
        _join_hyphenated(lines, tally)
    out = [lines[0]]
    for sep, line in zip(breaks, lines[1:], strict=True):
        out += (sep, line)
    return Undisguised("".join(out), tally.disguises())


def fold_identifier(name: str) -> tuple[str, tuple[Disguise, ...]]:
    """The skeleton of a declared license id ("ll<U+0430>ma2" -> "llama2").

    An id is ASCII by SPDX's grammar, so every invisible is removed, NFKC applies in full and
    a word made only of look-alikes is folded too; a genuinely non-Latin word keeps its letters.
    """
    tally = _Tally()
    parts = _LINE_BREAK.split(name)
    for i in range(0, len(parts), 2):
        number = i // 2 + 1
        line = _strip_invisible(parts[i], number, tally, exempt=False)
        line = unicodedata.normalize("NFKC", _fold_compat(line, number, tally))
        parts[i] = _fold_lookalikes(line, number, tally, pure=True)
    return "".join(parts), tally.disguises()
