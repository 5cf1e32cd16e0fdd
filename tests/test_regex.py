"""licheck.regex: a pattern compiled on first use behaves as the compiled pattern."""

from __future__ import annotations

import re

import pytest

from licheck.regex import on_first_use


def test_a_pattern_is_compiled_only_when_first_used_then_acts_as_compiled() -> None:
    lazy = on_first_use(r"licen[cs]e", re.IGNORECASE)
    assert "search" not in vars(lazy)  # nothing compiled at definition
    compiled = re.compile(r"licen[cs]e", re.IGNORECASE)
    for text in ("LICENSE", "a Licence here", "none"):
        assert bool(lazy.search(text)) == bool(compiled.search(text))
    assert "search" in vars(lazy)  # later uses are plain attribute reads
    assert lazy.sub("x", "License, licence") == compiled.sub("x", "License, licence")
    assert lazy.pattern == compiled.pattern and lazy.flags == compiled.flags


def test_an_invalid_pattern_fails_at_first_use_and_unknown_attributes_are_refused() -> None:
    with pytest.raises(re.error):
        on_first_use(r"(unclosed").search("x")
    with pytest.raises(AttributeError):
        _ = on_first_use(r"x").no_such_method  # type: ignore[attr-defined]


def test_a_pattern_crosses_to_another_process_before_and_after_its_first_use() -> None:
    """Workers get patterns by pickle (a pool's or Dask's): as their source, compiled there."""
    import copy
    import pickle

    fresh = on_first_use(r"a+", re.IGNORECASE)
    used = on_first_use(r"a+", re.IGNORECASE)
    assert used.search("xA") is not None
    for pattern in (fresh, used):
        for copied in (pickle.loads(pickle.dumps(pattern)), copy.deepcopy(pattern)):
            match = copied.search("cAa")
            assert match is not None and match.group() == "Aa"
            assert "search" in vars(copied)
