"""`licheck identify FILE...` rendered: what each license text is, and what follows from it.

The core (licheck.check.identify_files) reads the files, identifies each text and judges what
it names with the knowledge base, so the answer to "which license is this?" comes with the
verdict and, for a modified text, what differs and what the clause engine found in the changes.
"""

from __future__ import annotations

from typing import Any

from licheck.formats.jsonout import dumps
from licheck.formats.sanitise import display, guard_lines, json_inert
from licheck.records import Identification, IdentifiedFile


def _identification_dict(identification: Identification) -> dict[str, Any]:
    return {
        "status": identification.status,
        "license_id": identification.license_id,
        "name": identification.name,
        "similarity": round(identification.similarity, 4),
        "runner_up": (
            {
                "license_id": identification.runner_up[0],
                "similarity": round(identification.runner_up[1], 4),
            }
            if identification.runner_up
            else None
        ),
        "equivalent": list(identification.equivalent),
        "pointer": identification.pointer,
        "line": identification.line,
        "end_line": identification.end_line,
        "differences": [
            {
                "kind": d.kind,
                "message": d.message,
                "line": d.line,
                "end_line": d.end_line,
                "excerpt": d.excerpt,
            }
            for d in identification.differences
        ],
        "parts": [_identification_dict(part) for part in identification.parts],
    }


def render_identifications(found: list[IdentifiedFile], format_name: str) -> str:
    """The identifications as JSON or as plain text, one block per file."""
    if format_name == "json":
        from licheck.formats.json_format import SCHEMA_VERSION, license_to_dict

        data = {
            "schema_version": SCHEMA_VERSION,
            "files": [
                {
                    "path": item.path,
                    "identification": _identification_dict(item.identification),
                    "licenses": [license_to_dict(r) for r in item.licenses],
                }
                for item in found
            ],
        }
        # The machine contract keeps exact values; json_inert only escapes the bytes.
        return json_inert(dumps(data)) + "\n"
    lines: list[str] = []
    for item in found:
        lines += _text_block(item)
    # A file name, a matched name or a quoted difference comes from the user's files: each is
    # one inert line (`display`), and no line of the whole may start a workflow command.
    return guard_lines("\n".join(lines) + "\n")


def _text_block(item: IdentifiedFile) -> list[str]:
    ident = item.identification
    name, license_id = display(ident.name or ""), display(ident.license_id or "")
    head = {
        "exact": f"{name} ({license_id})",
        "modified": f"{name} ({license_id}): not the same text",
        "unrecognised": "unrecognised: no known license is close enough; judged by its clauses",
        "no-license": "no license terms (a pointer or a note)",
    }[ident.status]
    lines = [f"{display(item.path)}: {head}"]
    if ident.status in ("exact", "modified"):
        lines.append(f"  similarity {ident.similarity:.1%}")
    if ident.runner_up:
        lines.append(f"  runner-up {display(ident.runner_up[0])} ({ident.runner_up[1]:.1%})")
    if ident.pointer:
        lines.append(f"  points to {display(ident.pointer)}")
    if ident.equivalent:
        lines.append(f"  same text as {display(', '.join(ident.equivalent))}")
    for part in ident.parts:
        where = f" (lines {part.line}-{part.end_line})" if part.line else ""
        lines.append(f"  part{where}: {part.status} {display(part.name or '')}".rstrip())
    for difference in ident.differences:
        where = f" (line {difference.line})" if difference.line else ""
        lines.append(f"  - {display(difference.message)}{where}")
    for result in item.licenses:
        failing = ", ".join(c.id for c in result.failing)
        review = ", ".join(c.id for c in result.needing_review)
        subject = f" ({display(result.id or '')})" if len(item.licenses) > 1 and result.id else ""
        verdict = f"  verdict{subject}: {result.verdict} ({result.score}/10"
        verdict += f"; fails {failing}" if failing else ""
        verdict += f"; needs review {review}" if review else ""
        lines.append(verdict + ")")
        for criterion in result.failing:
            for finding in criterion.findings:
                if finding.source == "clause" and finding.line:
                    lines.append(
                        f"    {criterion.id} line {finding.line}: {display(finding.message)}"
                    )
    return lines
