"""Output formats: one module each, one registry, loaded only when chosen.

A new format is one module with `render(report: Report, options: RenderOptions) -> str` and one
entry here. Formats never decide anything: they show the Report the engine produced.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from licheck.records import Report


class RenderOptions(msgspec.Struct, frozen=True):
    """How a human-facing format should look (machine formats ignore it)."""

    color: bool = False
    width: int = 100
    # One line per model instead of the full evidence (a scan of thousands of models).
    compact: bool = False
    # Only the problems (`-q`): the models that fail and the summary, nothing on a pass.
    quiet: bool = False


Renderer = Callable[["Report", RenderOptions], str]

FORMATS: dict[str, str] = {
    "terminal": "licheck.formats.terminal",
    "json": "licheck.formats.json_format",
    "jsonl": "licheck.formats.jsonl_format",
    "markdown": "licheck.formats.markdown",
    "sarif": "licheck.formats.sarif",
    "junit": "licheck.formats.junit",
    "github": "licheck.formats.github",
    "spdx3": "licheck.formats.spdx3",
    "cyclonedx": "licheck.formats.cyclonedx",
    "html": "licheck.formats.html",
    "lines": "licheck.formats.lines",
    "parquet": "licheck.formats.parquet",
}
# Formats that are no text: written to a file (`-o FILE`) by the CLI, never to the terminal.
BINARY_FORMATS = frozenset({"parquet"})


def renderer(name: str) -> Renderer:
    """The render function of a registered format (imported on first use: rich is heavy)."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
