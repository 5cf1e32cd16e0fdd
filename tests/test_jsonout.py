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
