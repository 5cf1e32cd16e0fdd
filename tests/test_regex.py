"""licheck.regex: a pattern compiled on first use behaves as the compiled pattern, and a
pattern found compiled in the store is what this Python's compiler makes of it."""

from __future__ import annotations

import marshal
import os
import re
from pathlib import Path
from typing import Any

import pytest

from licheck.regex import (
    CODE_FILE,
    PRELOAD_SWITCH,
    code_header,
    compiled_form,
    on_first_use,
    preload_compiled,
)

ROOT = Path(__file__).resolve().parents[1]
REBUILD = "python -m licheck.knowledge.regex_code"


def _store() -> dict[tuple[str, int], Any]:
    """The shipped store's patterns, or a skip when it was built for another interpreter."""
    with open(CODE_FILE, "rb") as file:
        header, stored = marshal.load(file)
    if header != code_header():
        pytest.skip(f"the regex store was built for {header}, not this Python: it is ignored here")
    if os.environ.get(PRELOAD_SWITCH) == "0":
        pytest.skip(f"{PRELOAD_SWITCH}=0 turns the regex store off for this run")
    return stored  # type: ignore[no-any-return]


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


def test_every_stored_pattern_is_what_this_python_compiles() -> None:
    """The store holds the compiler's own output for each (pattern, flags): a pattern built
    from it is the pattern re.compile would give, never a stale or foreign compilation."""
    stored = _store()
    assert len(stored) > 100
    for (pattern, flags), entry in stored.items():
        assert entry == compiled_form(pattern, flags), f"{pattern!r}: rebuild with {REBUILD}"


def test_a_pattern_built_from_the_store_matches_as_the_compiled_one() -> None:
    """Taken through re's cache, as every caller takes it: same attributes, same matches."""
    import re._compiler as compiler

    stored = _store()
    clauses = sorted((ROOT / "tests/fixtures/clauses").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in clauses]
    cache = re._cache  # type: ignore[attr-defined]
    assert type(cache).__name__ == "_PreCompiledCache"  # importing licheck put it in place
    for pattern, flags in list(stored)[:60]:
        from_store = re.compile(pattern, flags)
        compiled = compiler.compile(pattern, flags)  # past the cache: compiled here and now
        assert (from_store.pattern, from_store.flags, from_store.groups) == (
            compiled.pattern,
            compiled.flags,
            compiled.groups,
        )
        assert from_store.groupindex == compiled.groupindex
        for text in texts[:10]:
            found = [m.span() for m in from_store.finditer(text)]
            assert found == [m.span() for m in compiled.finditer(text)]


def test_a_store_for_another_python_or_unreadable_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(re, "_cache", {})
    foreign = tmp_path / "foreign.marshal"
    foreign.write_bytes(marshal.dumps(((1, "cpython", 0, 0, 4, "little"), {("x", 0): None})))
    assert preload_compiled(str(foreign)) == 0
    broken = tmp_path / "broken.marshal"
    broken.write_bytes(b"\x00not marshal")
    assert preload_compiled(str(broken)) == 0
    assert preload_compiled(str(tmp_path / "missing.marshal")) == 0
    assert type(re._cache) is dict  # type: ignore[attr-defined]
    monkeypatch.setenv(PRELOAD_SWITCH, "0")
    assert preload_compiled() == 0 and type(re._cache) is dict  # type: ignore[attr-defined]


def test_a_pattern_not_in_the_store_compiles_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(re, "_cache", {})
    if preload_compiled() == 0:
        pytest.skip("the regex store is ignored under this Python")
    fresh = re.compile(r"licheck-test-only-\d+ (?P<word>\w+)")
    assert fresh.search("licheck-test-only-42 words").group("word") == "words"


@pytest.mark.parametrize(
    "arguments",
    [
        ["--format", "json", "examples/llama-2-7b/model.yaml"],
        ["--format", "json", "tests/fixtures/folders/license-only"],
        ["identify", "tests/fixtures/clauses/copyleft.txt"],
    ],
)
def test_a_cold_run_finds_every_pattern_it_compiles_in_the_store(
    arguments: list[str], tmp_path: Path
) -> None:
    """The store is current: a pattern added or changed without rebuilding it fails here (it
    would only be compiled at run time, a cold check's start-up paying for it again)."""
    from licheck.knowledge.regex_code import record

    _store()
    missed = sorted(record(arguments, tmp_path, preload=True))
    assert missed == [], f"compiled at run time, not in the store (rebuild: {REBUILD})"


def test_a_stored_code_the_engine_refuses_is_compiled_as_usual(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from licheck.regex import _PreCompiledCache

    sre = __import__("_sre")
    pattern = r"licheck-refused-(\d+)"
    broken = {(pattern, 0): (32, b"\x00\x00\x00\x00", 1, {}, (None, None))}
    monkeypatch.setattr(re, "_cache", _PreCompiledCache({}, broken, sre))
    assert re.compile(pattern).match("licheck-refused-7").group(1) == "7"
