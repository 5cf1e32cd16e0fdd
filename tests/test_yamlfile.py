"""The located YAML reader refuses what a compliance file must not contain."""

from __future__ import annotations

import pytest

from licheck.errors import InputError
from licheck.inputs.yamlfile import LocatedDict, decode_text, load_yaml


def test_keys_remember_their_lines() -> None:
    data = load_yaml("name: x\n\nlicense: mit\n", source="m.yaml")
    assert isinstance(data, LocatedDict)
    assert data.line_of("license") == 3


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(InputError, match=r"duplicate key 'a' \(first defined on line 1\)") as info:
        load_yaml("a: 1\nb: 2\na: 3\n", source="m.yaml")
    assert info.value.line == 3


def test_object_constructing_tag_is_refused_on_a_scalar() -> None:
    with pytest.raises(InputError, match="unsupported YAML"):
        load_yaml("a: !!python/name:os.system ''\n", source="m.yaml")


def test_object_constructing_tag_is_refused_on_a_collection() -> None:
    with pytest.raises(InputError, match="unsupported YAML tag"):
        load_yaml('a: !!python/object/apply:os.system ["true"]\n', source="m.yaml")


def test_alias_bomb_is_refused_quickly() -> None:
    # "Billion laughs": each level refers to the previous one ten times (10**9 values).
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(InputError, match="too large"):
        load_yaml("\n".join(lines) + "\n", source="bomb.yaml")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(InputError, match="nests deeper"):
        load_yaml("a: " + "[" * 200 + "]" * 200 + "\n", source="deep.yaml")


def test_merge_keys_are_refused() -> None:
    with pytest.raises(InputError, match="merge keys"):
        load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", source="m.yaml")


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(InputError, match="not valid YAML") as info:
        load_yaml("a: [1, 2\nb: 3\n", source="m.yaml")
    assert info.value.line is not None


def test_front_matter_offset_shifts_lines() -> None:
    data = load_yaml("license: mit\n", source="README.md", first_line=2)
    assert data.line_of("license") == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name: \xff\n", "not UTF-8"),
        (b"name: x\x00\n", "NUL bytes"),
    ],
)
def test_undecodable_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_text(data, "m.yaml", "model file")


def test_bom_and_utf16_are_read() -> None:
    assert decode_text(b"\xef\xbb\xbfname: x", "m", "f") == "name: x"
    assert decode_text("name: x".encode("utf-16"), "m", "f") == "name: x"
