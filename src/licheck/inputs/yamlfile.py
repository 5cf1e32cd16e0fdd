"""Safe, located YAML: every mapping remembers the line of each key, duplicates are refused.

A compliance file must not be ambiguous, and an error must say where it is. PyYAML's own loaders
silently keep the last of two duplicate keys and forget positions, so we compose the node graph
with the safe loader (no tags that construct objects) and build the values ourselves, bounding
depth and node count so that an alias bomb ("billion laughs") is refused instead of expanded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from licheck.errors import InputError

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
# A card's evaluation results (`model-index`) may be large; they get their own budget.
MAX_BULK_NODES = 2_000_000
MAX_DEPTH = 64
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_STR_TAG = "tag:yaml.org,2002:str"


class Position(NamedTuple):
    """1-based line and column of a value in its file.

    A named tuple, not a dataclass: a card makes three for each of its values, and a tuple is
    made several times faster (a scan reads every card of a tree).
    """

    line: int
    column: int


class LocatedDict(dict[str, Any]):
    """A mapping read from YAML that knows where it and each of its keys stand."""

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position
        self.key_positions: dict[str, Position] = {}
        self.value_positions: dict[str, Position] = {}

    def line_of(self, key: str) -> int:
        """The line of a key, or of the mapping itself when the key is absent."""
        return self.key_positions.get(key, self.position).line


class LocatedList(list[Any]):
    """A sequence read from YAML that knows where each of its items stands."""

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position
        self.item_positions: list[Position] = []


def read_text_file(
    path: Path, *, what: str, max_bytes: int, shown: str | None = None, content: bytes | None = None
) -> str:
    """Read a small UTF-8 text file, refusing what is not one with an error the user can act on.

    `shown` is how the path appears in messages (as the user typed it). `content` is the whole
    file as a caller already read it through the guarded opener (scan's look at a loose file's
    head, when the head was all of it): it is judged as the file would be, not read again.
    """
    shown = shown or str(path)
    if content is None:
        content = read_file_bytes(path, what=what, max_bytes=max_bytes, shown=shown)
    elif len(content) > max_bytes:
        raise InputError(
            f"{what} is too large ({len(content):,} bytes; the limit is {max_bytes:,})",
            file=shown,
            hint="licheck reads model metadata and license texts, not data files",
        )
    return decode_text(content, shown, what)


def read_file_bytes(path: Path, *, what: str, max_bytes: int, shown: str) -> bytes:
    """The bytes of a small regular file, or an error the user can act on (missing, not a file,
    too large, unreadable): for a caller that must write the file back as it was encoded.

    The guarded opener checks all of it on the open descriptor (guarded.py), with no `stat()`
    of the path before: that would cost three system calls a file and check another file than
    the one read, if the path were swapped in between."""
    from licheck.inputs.guarded import read_regular

    return read_regular(
        path, limit=max_bytes, shown=shown, what=what, not_regular_hint="give a file path"
    )


# The byte-order marks decode_text reads, with the codec that writes the text after them.
BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def text_encoding(data: bytes) -> tuple[bytes, str]:
    """(byte-order mark, codec) of a text file decode_text accepted: what writes it back in the
    encoding it came in (a UTF-8 BOM some Windows editors add stays; UTF-16 stays UTF-16)."""
    return next(
        ((bom, codec) for bom, codec in BYTE_ORDER_MARKS if data.startswith(bom)), (b"", "utf-8")
    )


def decode_text(data: bytes, shown: str, what: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; NUL bytes mean binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{what} is not valid UTF-16 text", file=shown) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{what} is not UTF-8 text (invalid byte at offset {exc.start})",
                file=shown,
                line=line,
                hint="save the file as UTF-8",
            ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{what} holds NUL bytes: it looks binary", file=shown, line=line)
    return text


def load_yaml(
    text: str,
    *,
    source: str,
    first_line: int = 1,
    tolerated: Callable[[str], bool] | None = None,
    bulk_keys: frozenset[str] = frozenset(),
    warnings: list[str] | None = None,
) -> Any:
    """Parse one YAML document into plain values with positions (LocatedDict / LocatedList).

    `first_line` shifts reported lines, for YAML that starts inside another file (front matter).
    A duplicate top-level key whose name `tolerated` accepts and whose value repeats the first
    is a warning appended to `warnings` instead of an error (real model cards repeat
    `pipeline_tag`; the keys that decide a license stay strict). The values under a top-level
    key of `bulk_keys` (a card's `model-index` results) have their own, larger node budget,
    so that metadata licheck does not read is not held to the limits meant for hostile input.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"not valid YAML: {exc.problem or exc.context}",
            file=source,
            line=mark.line + first_line if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check the indentation and quoting on that line",
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=source) from exc
    if node is None:
        return None
    builder = _Builder(source, first_line)
    builder.tolerated = tolerated
    builder.bulk_keys = bulk_keys
    value = builder.build(node, 0)
    if warnings is not None:
        warnings.extend(builder.warnings)
    return value


class _Builder:
    """Turns a composed YAML node graph into located values, within the node and depth limits."""

    def __init__(self, source: str, first_line: int) -> None:
        import yaml

        self.source = source
        self.offset = first_line
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()
        self.yaml = yaml
        self.tolerated: Callable[[str], bool] | None = None
        self.bulk_keys: frozenset[str] = frozenset()
        self.warnings: list[str] = []
        self.limit = MAX_NODES

    def position(self, node: Any) -> Position:
        return Position(node.start_mark.line + self.offset, node.start_mark.column + 1)

    def fail(self, message: str, node: Any, hint: str | None = None) -> InputError:
        pos = self.position(node)
        return InputError(message, file=self.source, line=pos.line, column=pos.column, hint=hint)

    def build(self, node: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limit:
            raise self.fail(
                f"the document is too large "
                f"(more than {self.limit:,} values after expanding aliases)",
                node,
                hint="a model description is small; remove repeated aliases",
            )
        if depth > MAX_DEPTH:
            raise self.fail(f"the document nests deeper than {MAX_DEPTH} levels", node)
        yaml = self.yaml
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # A tag such as !!python/object/apply on a collection: refuse it, never build it.
            raise self.fail(
                f"unsupported YAML tag {node.tag!r}",
                node,
                hint="model files hold plain text, numbers, lists and mappings only",
            )
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            items = LocatedList(self.position(node))
            for child in node.value:
                items.append(self.build(child, depth + 1))
                items.item_positions.append(self.position(child))
            return items
        if node.tag == _STR_TAG:
            return node.value  # what SafeConstructor makes of a string, without its dispatch
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError as exc:
            # A value that looks like a date but is none (2024-02-30): PyYAML raises a bare
            # ValueError; it is the user's typo, located, not a bug.
            raise self.fail(
                f"{node.value!r} is not a valid date or time ({exc})",
                node,
                hint="write a real date as YYYY-MM-DD, or quote the value if it is text",
            ) from exc
        except yaml.YAMLError as exc:
            # Unknown tags such as !!python/object/apply land here: the safe constructor
            # refuses them, and so do we (nothing in a model file may construct an object).
            raise self.fail(
                f"unsupported YAML value or tag {node.tag!r}",
                node,
                hint="model files hold plain text, numbers, lists and mappings only",
            ) from exc

    def build_mapping(self, node: Any, depth: int) -> LocatedDict:
        mapping = LocatedDict(self.position(node))
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail("YAML merge keys (<<) are not supported", key_node)
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str):
                kind = "a number" if isinstance(key, (int, float)) else "a list, mapping or date"
                raise self.fail(f"keys must be text, not {kind}", key_node, hint="quote the key")
            if depth == 0 and key in self.bulk_keys:
                counted, self.nodes, self.limit = self.nodes, 0, MAX_BULK_NODES
                value = self.build(value_node, depth + 1)
                self.nodes, self.limit = counted, MAX_NODES  # its own budget: see load_yaml
                mapping[key] = value
                mapping.key_positions[key] = self.position(key_node)
                mapping.value_positions[key] = self.position(value_node)
                continue
            if key in mapping:
                first = mapping.key_positions[key].line
                if (
                    depth == 0
                    and self.tolerated is not None
                    and self.tolerated(key)
                    and self.build(value_node, depth + 1) == mapping[key]
                ):
                    pos = self.position(key_node)
                    self.warnings.append(
                        f"{self.source}:{pos.line}: duplicate key '{key}' (first on line "
                        f"{first}) repeats the same value; the second is ignored"
                    )
                    continue
                raise self.fail(
                    f"duplicate key '{key}' (first defined on line {first})",
                    key_node,
                    hint="a compliance file must not be ambiguous: keep one of them",
                )
            mapping[key] = self.build(value_node, depth + 1)
            mapping.key_positions[key] = self.position(key_node)
            mapping.value_positions[key] = self.position(value_node)
        return mapping
