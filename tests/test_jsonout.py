"""The fast indented JSON writer gives json.dumps's exact bytes (goldens, hostile strings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licheck.formats.jsonout import dumps

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("golden", sorted(GOLDEN.rglob("*.json")), ids=lambda p: p.name)
def test_the_same_bytes_as_json_dumps_on_every_golden_report(golden: Path) -> None:
    data = json.loads(golden.read_text(encoding="utf-8"))
    assert dumps(data) == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {"b": [1, 2.5, None, True], "a": {}},
        [],
        {"x": "\u2028\x1b\u00e9\U0001f600"},
        {"s": "\ud800"},
    ],
)
def test_the_same_bytes_on_awkward_values(value: object) -> None:
    assert dumps(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _golden_lines() -> list[tuple[str, object]]:
    """Every subject of the golden JSON reports and every line of the golden JSONL files."""
    found: list[tuple[str, object]] = []
    for golden in sorted(GOLDEN.rglob("*.json")):
        data = json.loads(golden.read_text(encoding="utf-8"))
        for n, subject in enumerate(data.get("subjects", []) if isinstance(data, dict) else []):
            found.append((f"{golden.name}#{n}", subject))
    for golden in sorted(GOLDEN.rglob("*.jsonl")):
        for n, text in enumerate(golden.read_text(encoding="utf-8").splitlines()):
            found.append((f"{golden.name}:{n + 1}", json.loads(text)))
    return found


@pytest.mark.parametrize("name_value", _golden_lines(), ids=lambda nv: nv[0])
def test_a_json_line_has_the_bytes_of_compact_json_dumps(name_value: tuple[str, object]) -> None:
    from licheck.formats.jsonout import line

    _, value = name_value
    compact = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert line(value) == compact


@pytest.mark.parametrize(
    "value",
    [{"b": [1, 2.5, None, True], "a": {}}, {"x": "\u2028\x1b\u00e9\U0001f600"}, {"s": "\ud800"}],
)
def test_a_json_line_of_awkward_values(value: object) -> None:
    from licheck.formats.jsonout import line

    assert line(value) == json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
