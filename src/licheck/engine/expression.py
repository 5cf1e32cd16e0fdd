"""License expressions: parsing (via license-expression) and the AND/OR logic of the policy.

A model's `license:` is an SPDX license expression whose names may be SPDX ids, LicenseRefs,
Hugging Face ids or common names. license-expression parses it; we keep only the small tree the
engine needs, after bounding its size so that a hostile expression cannot exhaust the parser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import msgspec

from licheck.errors import ExpressionError
from licheck.regex import on_first_use

MAX_EXPRESSION_CHARS = 4_000
MAX_TERMS = 200
MAX_NESTING = 32
# A lone license id: no space, parenthesis or operator; the characters ids are written with.
_SINGLE_ID = on_first_use(r"[A-Za-z0-9][A-Za-z0-9.+_:\-]*")
_OPERATORS = frozenset({"and", "or", "with"})


class Leaf(msgspec.Struct, frozen=True):
    """One license in an expression, with its `WITH` exception if any."""

    key: str
    exception: str | None = None

    @property
    def text(self) -> str:
        """The leaf as written in SPDX syntax."""
        return f"{self.key} WITH {self.exception}" if self.exception else self.key


class Operation(msgspec.Struct, frozen=True):
    """`AND` (all children apply) or `OR` (the licensee may choose any child)."""

    operator: str
    children: tuple[Node, ...]


Node = Leaf | Operation


def _check_bounds(text: str, source: str | None, line: int | None) -> None:
    def too_large(what: str) -> ExpressionError:
        return ExpressionError(
            f"license expression is too large ({what})",
            file=source,
            line=line,
            hint="a model's license expression names a few licenses; check the file",
        )

    if len(text) > MAX_EXPRESSION_CHARS:
        raise too_large(f"{len(text):,} characters; the limit is {MAX_EXPRESSION_CHARS:,}")
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    if deepest > MAX_NESTING:
        raise too_large(f"{deepest} nested parentheses; the limit is {MAX_NESTING}")
    terms = len(text.replace("(", " ").replace(")", " ").split())
    if terms > MAX_TERMS * 2:
        raise too_large(f"{terms:,} words; the limit is {MAX_TERMS} licenses")


def parse(text: str, *, source: str | None = None, line: int | None = None) -> Node:
    """Parse a license expression; a malformed one is an ExpressionError located at its line."""
    try:
        return _parse(text)
    except ExpressionError as exc:
        exc.file, exc.line = source, line
        raise


@lru_cache(maxsize=4096)
def _parse(text: str) -> Node:
    """Parse without a location, remembered: a scan sees the same few expressions again and again
    (license-expression takes ~0.1 ms per parse). Trees are frozen, so sharing them is safe."""
    source = line = None
    if not text.strip():
        raise ExpressionError("license expression is empty", file=source, line=line)
    _check_bounds(text, source, line)
    single = text.strip()
    if _SINGLE_ID.fullmatch(single) and single.lower() not in _OPERATORS:
        # One license id, most declarations: license-expression gives this same leaf (a test
        # compares the two on every alias licheck knows); importing it costs more than the
        # rest of a one-model check's parsing.
        return Leaf(single)
    from license_expression import Licensing

    try:
        parsed = Licensing().parse(text)
    # license-expression and boolean.py also raise IndexError, TypeError and friends on some
    # malformed input (e.g. "()"): every parse failure is the user's to fix, never a crash.
    except Exception as exc:
        raise ExpressionError(
            f"cannot parse license expression {text!r}: {exc}",
            file=source,
            line=line,
            hint="use SPDX syntax: `apache-2.0`, `llama2`, `MIT OR Apache-2.0`, "
            "`GPL-2.0-only WITH Classpath-exception-2.0`",
        ) from exc
    if parsed is None:
        raise ExpressionError("license expression is empty", file=source, line=line)
    return _convert(parsed)


def _convert(parsed: object) -> Node:
    from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

    if isinstance(parsed, LicenseWithExceptionSymbol):
        return Leaf(str(parsed.license_symbol.key), str(parsed.exception_symbol.key))
    if isinstance(parsed, LicenseSymbol):
        return Leaf(str(parsed.key))
    if isinstance(parsed, (AND, OR)):
        operator = "AND" if isinstance(parsed, AND) else "OR"
        return Operation(operator, tuple(_convert(arg) for arg in parsed.args))
    raise ExpressionError(f"unsupported element in license expression: {parsed!r}")


def leaves(node: Node) -> Iterator[Leaf]:
    """Every license of an expression, left to right, each once."""
    seen: set[Leaf] = set()
    stack: list[Node] = [node]
    order: list[Leaf] = []
    while stack:
        current = stack.pop()
        if isinstance(current, Leaf):
            if current not in seen:
                seen.add(current)
                order.append(current)
        else:
            stack.extend(reversed(current.children))
    yield from order


def satisfied(node: Node, accept: Callable[[Leaf], bool]) -> bool:
    """Whether the licensee can comply: `A OR B` needs either, `A AND B` needs both."""
    if isinstance(node, Leaf):
        return accept(node)
    results = (satisfied(child, accept) for child in node.children)
    return any(results) if node.operator == "OR" else all(results)


def blocking(node: Node, accept: Callable[[Leaf], bool]) -> list[Leaf]:
    """The licenses that make an unsatisfied expression fail (empty when it is satisfied).

    For `A AND B` the rejected children; for `A OR B` every alternative, since all were rejected.
    """
    if satisfied(node, accept):
        return []
    if isinstance(node, Leaf):
        return [node]
    found: list[Leaf] = []
    for child in node.children:
        for leaf in blocking(child, accept):
            if leaf not in found:
                found.append(leaf)
    return found
