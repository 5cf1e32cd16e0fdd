"""Hostile and broken input: any text or bytes gives a result or a LicheckError, never a crash.

Property-based (hypothesis) over the loaders and the expression parser; a longer run of the same
properties lives in benchmarks/fuzz.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licheck.engine.expression import parse
from licheck.errors import LicheckError
from licheck.inputs.model_yaml import load_model_yaml, parse_model_yaml
from licheck.inputs.yamlfile import decode_text

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_ALPHABET = st.sampled_from(list("abcdeflmnsy :-[]{}&*!|>'\"#,?\n\t0123456789%@`\\\x00\u00e9"))
YAML_TEXT = st.one_of(st.text(), st.text(alphabet=YAML_ALPHABET, max_size=200))
KEYS = st.sampled_from(["name", "license", "license_file", "publisher", "base_model", "components",
                        "schema_version", "licence", "x"])  # fmt: skip
VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)
    ),
    max_leaves=12,
)


@FAST
@given(YAML_TEXT)
def test_model_yaml_text_never_crashes(text: str) -> None:
    with contextlib.suppress(LicheckError):
        parse_model_yaml(text, source="fuzz.yaml", folder=Path("/nonexistent"))


@FAST
@given(st.dictionaries(KEYS, VALUES, max_size=7))
def test_model_yaml_structures_never_crash(data: dict[str, object]) -> None:
    import yaml

    text = yaml.safe_dump(data)
    with contextlib.suppress(LicheckError):
        parse_model_yaml(text, source="fuzz.yaml", folder=Path("/nonexistent"))


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_fail_cleanly(data: bytes) -> None:
    with contextlib.suppress(LicheckError):
        decode_text(data, "fuzz.bin", "model file")


EXPRESSION_ALPHABET = st.sampled_from(
    [*"()+ ANDORWITHandorwith-.:_mitapchegl2370", " AND ", " OR ", " WITH "]
)


@FAST
@given(st.one_of(st.text(max_size=200), st.lists(EXPRESSION_ALPHABET, max_size=60).map("".join)))
def test_expressions_parse_or_fail_cleanly(text: str) -> None:
    with contextlib.suppress(LicheckError):
        parse(text)


def test_huge_license_file_is_refused_from_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "LICENSE"
    with big.open("wb") as handle:  # a sparse 120 MB file: nothing is really written
        handle.truncate(120 * 1024 * 1024)
    (tmp_path / "model.yaml").write_text(
        "name: m\nlicense: mit\nlicense_file: LICENSE\n", encoding="utf-8"
    )
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path.name != "LICENSE", "the huge file must be refused before it is read"
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(LicheckError, match="too large"):
        load_model_yaml(tmp_path / "model.yaml", shown="model.yaml")


def test_fifo_is_refused_not_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "LICENSE")
    (tmp_path / "model.yaml").write_text(
        "name: m\nlicense: mit\nlicense_file: LICENSE\n", encoding="utf-8"
    )
    with pytest.raises(LicheckError, match="not a regular file"):
        load_model_yaml(tmp_path / "model.yaml", shown="model.yaml")


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "model.yaml").write_text(
        "name: m\nlicense: mit\nlicense_file: a\n", encoding="utf-8"
    )
    with pytest.raises(LicheckError):
        load_model_yaml(tmp_path / "model.yaml", shown="model.yaml")


def test_a_head_read_is_the_whole_file_or_its_first_bytes(tmp_path: Path) -> None:
    """What the guarded opener gives as a file's head: all of a small file, the first bytes of
    a large one, and a procfs file's text although its size says 0."""
    from licheck.inputs.guarded import read_regular

    small = tmp_path / "small.md"
    small.write_bytes(b"---\nlicense: mit\n---\n")
    assert read_regular(small, limit=64, shown="small.md", head=True) == small.read_bytes()
    large = tmp_path / "large.md"
    large.write_bytes(b"x" * 100)
    assert read_regular(large, limit=64, shown="large.md", head=True) == b"x" * 64
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert read_regular(empty, limit=64, shown="empty.md", head=True) == b""
    status = Path("/proc/self/status")
    if status.is_file() and status.stat().st_size == 0:
        assert b"Name:" in read_regular(status, limit=4096, shown="status", head=True)
