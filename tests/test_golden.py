"""Golden files: the JSON contract and the plain terminal report, byte for byte.

Regenerate after an intended change with `LICHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and review the diff: a changed golden file is a changed contract.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from licheck.check import run_check
from licheck.formats import RenderOptions, renderer

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
CASES = [
    ("llama-2-7b", "json"),
    ("pythia-6.9b", "json"),
    ("llama-2-7b", "terminal"),
    ("gpt-4", "terminal"),
]


@pytest.mark.parametrize(("example", "format_name"), CASES)
def test_output_matches_golden_file(
    example: str, format_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # paths in reports are relative to where licheck runs
    report = run_check([Path("examples") / example / "model.yaml"])
    output = renderer(format_name)(report, RenderOptions(color=False, width=100))
    suffix = "json" if format_name == "json" else "txt"
    golden = GOLDEN / f"{example}.{suffix}"
    if os.environ.get("LICHECK_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_json_has_the_contract_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(ROOT)
    data = json.loads((GOLDEN / "llama-2-7b.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["passed"] is False
    (subject,) = data["subjects"]
    assert subject["source"] == "examples/llama-2-7b/model.yaml"
    assert subject["format"] == "folder" and subject["name"] == "Llama-2-7b"
    (lic,) = subject["licenses"]
    assert lic["id"] == "LicenseRef-licheck-llama-2" and lic["declared"] == "llama2"
    assert lic["osi_approved"] is False and lic["verdict"] == "not-open"
    assert len(lic["criteria"]) == 10
    osd5 = lic["criteria"][4]
    assert osd5["id"] == "OSD5" and osd5["status"] == "fail"
    assert {"message", "evidence", "file", "line"} <= set(osd5["findings"][0])
    assert subject["violations"][0]["rule"] and subject["violations"][0]["message"]
