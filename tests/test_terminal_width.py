"""The terminal report honours COLUMNS and FORCE_COLOR, and never folds an id mid-token
(issue 16, item 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.formats import RenderOptions, renderer
from licheck.records import Report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BLOOM = EXAMPLES / "bloom" / "model.yaml"


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    with CliRunner().isolation(env=env) as (out, _err, _):
        code = main([str(a) for a in args])
        return code, out.getvalue().decode()


def _longest_line(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_columns_sets_the_width_of_a_piped_report() -> None:
    wide = run(BLOOM, env={"COLUMNS": "160", "NO_COLOR": None, "FORCE_COLOR": None})[1]
    narrow = run(BLOOM, env={"COLUMNS": "72", "NO_COLOR": None, "FORCE_COLOR": None})[1]
    assert 100 < _longest_line(wide) <= 160
    prose = [line for line in narrow.splitlines() if not line.startswith(("License", "---"))]
    # Prose wraps at 72; only a table row or a single long token may pass it.
    assert all(len(line) <= 72 or " " not in line.strip() for line in prose if "  " not in line)


@pytest.mark.parametrize("width", [30, 40, 50, 60, 80])
def test_no_license_id_or_path_is_folded_at_any_width(gate_report: Report, width: int) -> None:
    text = renderer("terminal")(gate_report, RenderOptions(width=width))
    ids = {"LicenseRef-licheck-llama-2", "LicenseRef-licheck-cc-by-nc-4.0", "llama.yaml:2"}
    for token in ids & set(re.findall(r"\S+", renderer("terminal")(gate_report, RenderOptions()))):
        assert token in text, (width, token)
    # No criterion id broken across lines ("OSD1" then "0").
    assert not re.search(r"OSD1\n\s*0", text)


def test_a_narrow_table_is_drawn_whole_rather_than_cropped() -> None:
    out = run(BLOOM, env={"COLUMNS": "40", "NO_COLOR": None, "FORCE_COLOR": None})[1]
    assert "Verdict" in out and "not-open" in out and "Review" in out
    assert "LicenseRef-licheck-bigscience-bloom-rail-1.0" in out


@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "0"}, False),
        ({"FORCE_COLOR": ""}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins, as rich has it
    ],
)
def test_force_color_forces_colour_on_a_pipe(env: dict[str, str | None], coloured: bool) -> None:
    full: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None, **env}
    assert ("\x1b[" in run(BLOOM, env=full)[1]) is coloured


def test_no_color_flag_beats_force_color() -> None:
    assert "\x1b[" not in run("--no-color", BLOOM, env={"FORCE_COLOR": "1"})[1]


def test_force_color_never_colours_a_report_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    run("-o", target, BLOOM, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[" not in target.read_text(encoding="utf-8")
