"""What licheck knows, rendered: `licheck explain NAME` and `licheck licenses`, terminal or JSON.

Formats only show what the core looked up (licheck.explain); they decide nothing. The name a
user typed and the profile's text (a knowledge base can be extended with one's own profiles)
are untrusted like any card: one inert line each in the terminal, inert bytes in JSON.
"""

from __future__ import annotations

import io
import json
from typing import Any

from licheck.formats.sanitise import display, guard_lines, json_inert
from licheck.records import CRITERIA, Explanation


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explanation as JSON data: the license as in a check report, plus the profile's facts."""
    from licheck.formats.json_format import SCHEMA_VERSION, license_to_dict

    return {
        "schema_version": SCHEMA_VERSION,
        "kb_version": explanation.kb_version,
        "license": license_to_dict(explanation.result),
        "summary": explanation.summary,
        "version": explanation.version,
        "date": explanation.date,
        "kind": explanation.kind,
        "aliases": list(explanation.aliases),
        "parameters": explanation.parameters,
        "profile_file": explanation.profile_file,
    }


def render_explanation(explanation: Explanation, format_name: str, *, color: bool) -> str:
    """The explanation as terminal text or JSON."""
    if format_name == "json":
        data = explanation_to_dict(explanation)
        dumped = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        return json_inert(dumped) + "\n"
    from rich.table import Table
    from rich.text import Text

    from licheck.formats import RenderOptions
    from licheck.formats.terminal import STATUS_STYLE, VERDICT_STYLE, make_console, print_evidence

    console = make_console(RenderOptions(color=color))
    result = explanation.result
    title = Text(display(result.name or result.declared), style="bold")
    title.append(f"  ({display(result.id or '')})")
    console.print(title)
    facts = [
        ("verdict", Text(result.verdict, style=VERDICT_STYLE[result.verdict])),
        ("OSI-approved", Text("yes" if result.osi_approved else "no")),
        ("score", Text(f"{result.score}/10 criteria pass")),
    ]
    optional: tuple[tuple[str, str | None], ...] = (
        ("version", explanation.version),
        ("date", explanation.date),
        ("family", result.family),
        ("url", result.url),
        ("note", result.note),
        ("profile", explanation.profile_file),
    )
    facts.extend((label, Text(display(value))) for label, value in optional if value)
    for label, fact in facts:
        line = Text(f"  {label + ':':<14}")
        line.append_text(fact)
        console.print(line)
    if explanation.summary:
        console.print()
        console.print(Text(display(explanation.summary)))
    console.print()
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("Criterion", no_wrap=True)
    table.add_column("Title")
    table.add_column("Status", no_wrap=True)
    for criterion in result.criteria:
        table.add_row(
            criterion.id,
            criterion.title,
            Text(criterion.status, style=STATUS_STYLE[criterion.status]),
        )
    console.print(table)
    console.print()
    print_evidence(console, result)
    if explanation.aliases:
        console.print(Text("  aliases: " + display(", ".join(explanation.aliases))))
    if explanation.parameters:
        params = ", ".join(f"{k}={v}" for k, v in sorted(explanation.parameters.items()))
        console.print(Text(f"  parameters: {display(params)}"))
    console.print(Text(f"  knowledge base {display(explanation.kb_version)}"))
    output = console.file
    assert isinstance(output, io.StringIO)
    return guard_lines("".join(line.rstrip() + "\n" for line in output.getvalue().splitlines()))


def render_license_list(
    rows: list[dict[str, Any]], format_name: str, *, matrix: bool, color: bool, kb_version: str
) -> str:
    """The list as a table, a licenses x criteria grid, or JSON."""
    if format_name == "json":
        data = {
            "schema_version": 1,
            "licenses": [{k: v for k, v in r.items() if k != "file"} for r in rows],
        }
        return json_inert(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"
    from rich.table import Table
    from rich.text import Text

    from licheck.formats import RenderOptions
    from licheck.formats.terminal import STATUS_STYLE, VERDICT_STYLE, make_console

    console = make_console(RenderOptions(color=color, width=200 if matrix else 120))
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("License", overflow="fold")
    if matrix:
        symbols = {"pass": ".", "fail": "X", "unknown": "?"}
        for criterion in CRITERIA:
            table.add_column(criterion.id.replace("OSD", ""), justify="center", no_wrap=True)
        table.add_column("Verdict", no_wrap=True)
        for row in rows:
            cells = [
                Text(symbols[row["criteria"][c.id]], style=STATUS_STYLE[row["criteria"][c.id]])
                for c in CRITERIA
            ]
            table.add_row(
                display(row["id"]),
                *cells,
                Text(row["verdict"], style=VERDICT_STYLE[row["verdict"]]),
            )
    else:
        table.add_column("Name", overflow="fold")
        table.add_column("Family", no_wrap=True)
        table.add_column("Verdict", no_wrap=True)
        table.add_column("Fails", overflow="fold")
        for row in rows:
            fails = " ".join(c.id for c in CRITERIA if row["criteria"][c.id] == "fail")
            table.add_row(
                display(row["id"]),
                display(row["name"]),
                display(row.get("family") or "-"),
                Text(row["verdict"], style=VERDICT_STYLE[row["verdict"]]),
                fails or "-",
            )
    console.print(table)
    legend = "columns are OSD1..OSD10: . pass, X fail, ? needs review; " if matrix else ""
    kb = rows[0]["kb_version"] if rows else kb_version
    console.print(Text(f"{len(rows)} licenses; {legend}knowledge base {display(kb)}"))
    output = console.file
    assert isinstance(output, io.StringIO)
    return guard_lines("".join(line.rstrip() + "\n" for line in output.getvalue().splitlines()))
