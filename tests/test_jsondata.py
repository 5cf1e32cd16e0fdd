"""licheck.knowledge.jsondata: the knowledge base's JSON files read as json.loads reads them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from licheck.knowledge import jsondata
from licheck.knowledge.profile_store import _dates

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [
    ROOT / "licenses" / "index.json",
    *sorted((ROOT / "src" / "licheck" / "knowledge" / "data").glob("*.json")),
]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_file_reads_as_json_loads_reads_it(path: Path) -> None:
    assert jsondata.read(path) == json.loads(path.read_text(encoding="utf-8"))


def test_every_compiled_profile_reads_as_with_json_loads_and_its_date_hook() -> None:
    """The profile store's lines: the same values, dates included, as json.loads with the
    object_hook the store used to decode them with."""

    def hook(item: dict[str, object]) -> object:
        if len(item) == 1 and "$date" in item:
            return date.fromisoformat(str(item["$date"]))
        return item

    lines = (ROOT / "licenses" / "profiles.jsonl").read_bytes().splitlines()
    assert len(lines) > 100
    for line in lines[1:]:  # the first line is the store's header
        assert _dates(jsondata.decode(line)) == json.loads(line, object_hook=hook)


def test_not_json_is_a_value_error_as_with_json_loads(tmp_path: Path) -> None:
    broken = tmp_path / "index.json"
    broken.write_text('{"a": [1, 2', encoding="utf-8")
    with pytest.raises(ValueError):
        jsondata.read(broken)
    with pytest.raises(OSError):
        jsondata.read(tmp_path / "missing.json")
    nested = jsondata.decode(b'{"d": {"$date": "2024-02-29"}, "l": [{"$date": "2023-01-01"}]}')
    assert _dates(nested) == {"d": date(2024, 2, 29), "l": [date(2023, 1, 1)]}
