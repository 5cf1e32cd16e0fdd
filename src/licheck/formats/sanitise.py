"""The one sanitiser: untrusted text (card fields, model and file names, quoted license text,
policy entries, error messages) made inert for each kind of output.

Model cards and license files come from strangers. What they hold must never act on the reader:
no terminal control sequence (CSI colours and clear-screen, OSC window titles — an unterminated
one swallows the rest of the output — C0 and C1 controls), no bidi override that reorders what
a reviewer sees, no line that a GitHub runner takes as a workflow command (`::add-mask::`,
`::stop-commands::`, `::error`, the older `##[...]` form), no HTML or link in a Markdown
summary, no character XML cannot carry, no lone surrogate that breaks UTF-8 output.

Each output calls the function for its medium, on every untrusted value:

- `display(text)`: one line for a human (terminal, annotations, SARIF and JUnit messages,
  error messages): line breaks become spaces, other control and format characters are shown
  as visible escapes (`\\x1b`, `\\u202e`).
- `guard_lines(text)`: the last step of a text stream a runner reads (stdout, stderr): no line
  can begin a workflow command, however a value was wrapped.
- `markdown(text)` / `markdown_code(text)` / `html_text(text)`: inline Markdown text, a code
  span, text inside raw HTML (a `<summary>`).
- `xml_text(text)`: a value for an XML attribute or text node (escaping is ElementTree's job).
- `json_inert(dumped)`: a JSON document whose strings keep their exact values but whose bytes
  hold no raw control, format or surrogate character (machine formats keep the data exact).
"""

from __future__ import annotations

import re
from functools import cache

# The patterns below are compiled on first use (_compiled): their character classes span the
# astral planes and cost ~3 ms to compile, which a run that writes JSON of plain ASCII, or no
# error message, never needs.


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Line breaks of every kind (CR, LF, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR): a value never starts
# a new output line.
_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Format characters (Unicode category Cf: bidi embeddings, overrides and isolates, zero-width
# characters, the BOM, tags), written out so the import costs nothing.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# C0 (but tab), DEL, C1, format characters, surrogates, the XML-forbidden non-characters.
_UNSAFE = f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{_FORMAT}\ud800-\udfff\ufffe\uffff]"
_ANY = f"[\t{_BREAKS}]|{_UNSAFE}"
# Workflow commands: `::name ...::` (and the older `##[name ...]`), which the GitHub runner
# reads at the start of a line of stdout or stderr (leading blanks and colour codes aside).
_COMMAND_LINE = r"(?m)^((?:\s|\x1b\[[0-9;]*m)*)(::|##\[)"
# Link schemes that run code when clicked (data: only with a MIME type, as in data:text/html).
_SCHEMES = r"(?i)\b(javascript|vbscript|livescript|data(?=:\s*[a-z]+/))\s*:"
# Emphasis, links and images, table cells, strike-through; a value never starts a line, so the
# line-start markers (#, +, -, >) need nothing. Backticks become quotes (as `cell` always did).
_MARKDOWN_SPECIAL = r"([\\*_\[\]|~])"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\t" or char in _BREAKS:
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display(text: str) -> str:
    """One line of untrusted text, inert for a human reader: line breaks and tabs become
    spaces, every other control or format character a visible escape (`\\x1b`, `\\u202e`)."""
    if _compiled(_ANY).search(text) is None:
        return text
    return _compiled(_ANY).sub(_escape, text)


def guard_lines(text: str) -> str:
    """Text whose lines cannot start a GitHub workflow command: a line beginning with `::` or
    `##[` (after blanks and colour codes) gets a visible backslash before it. The runner reads
    commands from any line of stdout or stderr, so this is the last step of what licheck
    writes there, after wrapping: a wrapped table cell can start a line too."""
    return _compiled(_COMMAND_LINE).sub(r"\1\\\2", text)


def markdown(text: str) -> str:
    """Untrusted text as inline Markdown: one line, HTML escaped (no `<script>`, no raw tag,
    no entity that decodes to one), Markdown punctuation escaped (no link, image, emphasis,
    heading or table cell break), code-running link schemes broken."""
    line = (
        display(text)
        .replace("`", "'")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    line = _compiled(_MARKDOWN_SPECIAL).sub(r"\\\1", line)
    return _compiled(_SCHEMES).sub(lambda m: f"{m.group(1)}&#58;", line)


def html_text(text: str) -> str:
    """Untrusted text inside raw HTML (a `<summary>`), where Markdown is not interpreted but
    entities are: one inert line, `& < > " '` escaped."""
    import html

    return html.escape(display(text), quote=True)


def markdown_code(text: str) -> str:
    """Untrusted text for a Markdown code span (`` `…` ``), where nothing is interpreted but a
    backtick (which would end it) and, in a table, a pipe."""
    return display(text).replace("`", "'").replace("|", "\\|")


# XML 1.0 cannot carry C0 controls (but tab, LF, CR), surrogates, U+FFFE and U+FFFF at all.
_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def xml_safe(text: str) -> str:
    """Text an XML 1.0 document can hold, structure kept (for text licheck composed from
    sanitised values: its own line breaks stay)."""
    return _compiled(_XML_INVALID).sub("\ufffd", text)


def xml_text(text: str) -> str:
    """One untrusted value for XML: `display` makes it one inert line, which XML can hold."""
    return xml_safe(display(text))


# Characters json.dumps(ensure_ascii=False) leaves raw inside strings but that act on a terminal
# or a reader: C1 controls, format characters, line separators, DEL, and lone surrogates (which
# cannot even be encoded as UTF-8).
_JSON_RAW = f"[\x7f-\x9f\u2028\u2029{_FORMAT}\ud800-\udfff]"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_inert(dumped: str) -> str:
    """A JSON document (from json.dumps with ensure_ascii=False) with the characters that act on
    a reader written as `\\uXXXX` escapes: every string keeps its exact value (json.loads gives
    it back), the bytes are inert and valid UTF-8. Such characters can only occur inside
    strings, so escaping them never changes the document's structure (RFC 8259, section 7)."""
    # The common document, all ASCII: only DEL can act there (str.isascii is a flag check,
    # the search below reads every character: a scan writes megabytes of JSON lines).
    if dumped.isascii() and "\x7f" not in dumped:
        return dumped
    if "\x7f" not in dumped and _compiled(_JSON_RAW).search(_non_ascii(dumped)) is None:
        return dumped
    return _compiled(_JSON_RAW).sub(_json_escape, dumped)


_ASCII_BYTES = bytes(range(0x80))


def _non_ascii(text: str) -> str:
    """The characters of `text` beyond ASCII, in order. In UTF-8 every byte of a character beyond
    ASCII is >= 0x80, so deleting the ASCII bytes leaves whole characters: C does in
    milliseconds what a pattern search over a many-megabyte report does in a tenth of a second
    (the 840-text report: 150 -> 15 ms). Lone surrogates survive (surrogatepass) to be found."""
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return data.decode("utf-8", "surrogatepass")


def utf8_text(text: str) -> str:
    """Text a UTF-8 store can hold (a Parquet string, a stream): a lone surrogate (a JSON card
    can hold "\\ud800") becomes U+FFFD; everything else stays exactly as it was."""
    return text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
