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
"""

from __future__ import annotations

import re
from typing import Any, cast

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
