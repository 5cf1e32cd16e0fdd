"""Regular expressions compiled the first time a run uses them, not when their module loads.

Compiling a pattern costs ~0.5 M instructions (an IGNORECASE one or a wide Unicode class more):
the forty patterns of the modules a one-model check imports cost it 21 M, a twentieth of the
whole check, though most serve inputs that run never meets (SPDX documents, weights shards,
gated cards); the identification and clause modules' seventy cost a license text's first
reading 50 M more, though an ASCII text needs few of them (its words are cut without the token
pattern, its letters need no homoglyph table).
`on_first_use` returns a stand-in that compiles on its first attribute lookup and then keeps the
compiled pattern's methods as its own attributes, so a later `.search` is an ordinary attribute
read: a hot loop pays nothing for the laziness (issue 17).

A stand-in is not an `re.Pattern`: hand its methods, not the stand-in, to the `re` functions.

`preload_compiled` goes further for the patterns a run compiles anyway: their compiled form
(what CPython's regex compiler makes of them, `compiled_form`, stored once by `python -m
licheck.knowledge.regex_code`) is made known to `re`'s own cache when licheck is imported, and
`re.compile` builds a pattern from it the first time it is asked for it: licheck's, and those
its libraries compile at import (PyYAML's, click's). A cold check
compiled ~50 patterns for 9 ms of its 80. The file holds the compiler's output for one exact
CPython (version, `_sre.MAGIC`, code size, byte order); under any other Python it is ignored and
every pattern compiles as before, so a pattern never behaves otherwise than compiled.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any, cast

# The compiled patterns (licheck/knowledge/regex_code.py writes it); os.path, not pathlib:
# this runs before anything else licheck imports.
CODE_FILE = os.path.join(os.path.dirname(__file__), "knowledge", "data", "regex-code.marshal")
# Set to 0 to compile every pattern at run time (the builder records what a run compiles).
PRELOAD_SWITCH = "LICHECK_REGEX_PRELOAD"

# What a compiled pattern offers, copied onto the stand-in at its first use.
_PATTERN_ATTRIBUTES = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _CompiledOnFirstUse:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the instance lacks: before the first use, or a name no
        # pattern has (which getattr below refuses as re.Pattern would). A private or special
        # name is no use of the pattern: pickle asks for __setstate__ of an instance not yet
        # given its _source, which would look itself up for ever.
        if name.startswith("_"):
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _PATTERN_ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        # Sent to another process as its source, compiled there when used there.
        return (_CompiledOnFirstUse, self._source)

    def __repr__(self) -> str:
        return f"on_first_use({self._source[0]!r}, {self._source[1]!r})"


def on_first_use(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, compiled when first used."""
    return cast("re.Pattern[str]", _CompiledOnFirstUse(pattern, int(flags)))


def code_header() -> tuple[object, ...] | None:
    """What the compiled form of a pattern depends on: the interpreter and its regex engine's
    code format; None where there is no CPython regex engine to hand it to."""
    if sys.implementation.name != "cpython":
        return None
    try:
        sre = importlib.import_module("_sre")
    except ImportError:
        return None
    return (1, sys.implementation.name, sys.hexversion, sre.MAGIC, sre.CODESIZE, sys.byteorder)


def compiled_form(pattern: str, flags: int) -> tuple[Any, ...]:
    """What CPython's regex compiler hands its engine for (pattern, flags), as the store keeps
    it: the final flags, the code as 32-bit words, the group count less one, the group index
    and the index group; re._compiler.compile's own steps, up to the engine call."""
    array = importlib.import_module("array")
    compiler = importlib.import_module("re._compiler")
    parser = importlib.import_module("re._parser")
    parsed = parser.parse(pattern, flags)
    code = array.array("I", [int(word) for word in compiler._code(parsed, flags)])
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        code.tobytes(),
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


class _PreCompiledCache(dict[tuple[Any, ...], Any]):
    """`re`'s cache, which also knows the stored compiled patterns: a pattern looked up and not
    cached yet is built from its stored form (its code handed to the regex engine, as
    re._compiler.compile hands it) the first time it is used, and cached as `re` caches it.
    A pattern not stored is missing, and `re` compiles it as usual."""

    def __init__(self, cached: dict[tuple[Any, ...], Any], stored: dict[Any, Any], sre: Any):
        super().__init__(cached)
        self._stored = stored
        self._sre = sre

    def __missing__(self, key: tuple[Any, ...]) -> Any:
        entry = self._stored.pop(key[1:], None) if key[0] is str else None
        if entry is None:
            raise KeyError(key)
        final_flags, code, groups, groupindex, indexgroup = entry
        import array

        words = array.array("I")
        words.frombytes(code)
        try:
            compiled = self._sre.compile(
                key[1], final_flags, words.tolist(), groups, groupindex, indexgroup
            )
        except (RuntimeError, TypeError, ValueError):
            # The engine refused the stored code ("invalid SRE code"): compiled as usual.
            raise KeyError(key) from None
        self[key] = compiled
        return compiled


def preload_compiled(path: str = CODE_FILE) -> int:
    """Make the compiled patterns of `path` known to `re`'s cache; how many there are.

    Each is built when first compiled (looked up), not here: a run uses a few of the ~300.
    Nothing happens (0) when the file was built for another interpreter, cannot be read, or
    `re` keeps its cache otherwise than the CPython this was written for: the patterns then
    compile as usual.
    """
    if os.environ.get(PRELOAD_SWITCH) == "0":
        return 0
    import array
    import marshal

    try:
        with open(path, "rb") as file:
            header, stored = marshal.loads(file.read())
        cache = getattr(re, "_cache", None)
        if header != code_header() or type(cache) is not dict or not isinstance(stored, dict):
            return 0
        sre = importlib.import_module("_sre")
        if array.array("I").itemsize != sre.CODESIZE:
            return 0
        # re's functions find their cache by this module-level name at each call.
        re._cache = _PreCompiledCache(cache, stored, sre)  # type: ignore[attr-defined]
        return len(stored)
    except (OSError, ValueError, TypeError, EOFError, ImportError):
        # A file this interpreter cannot take: every pattern compiles at run time instead.
        return 0
