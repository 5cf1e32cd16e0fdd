"""`--format html`: one self-contained page a compliance team opens instead of reading JSON.

No CDN, no font, no request of any kind: the charts are inline SVG, the style is inline CSS,
and the search box is a few lines of inline script that filters the table's rows. Every value
that came from a card (names, license names, messages, paths) passes `sanitise.html_text`, so
a card cannot add markup, a script or a link to the page; the page itself forbids any load
from elsewhere with a Content-Security-Policy.

A whole-Hub audit has 10^5-10^6 models: a page with a row each would be hundreds of MB and
freeze the browser. The charts count every model; the table embeds at most `MAX_ROWS` of them
and the chain list `MAX_CHAINS`, the ones a reviewer must read first (laundering, then other
failures, then unreadable, then passes, each in report order), and the page says how many more
there are and where they are (the JSONL or Parquet output): nothing is left out silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from licheck.formats import RenderOptions
from licheck.formats.common import outcome
from licheck.formats.sanitise import html_text
from licheck.records import Report, SubjectReport

_COLOURS = {
    "osi-approved": "#2e7d32",
    "open": "#66bb6a",
    "not-open": "#c62828",
    "unknown": "#f9a825",
    "unreadable": "#757575",
}
_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f0f0f0}
.pass{color:#2e7d32;font-weight:bold}.fail{color:#c62828;font-weight:bold}
.warn{color:#b26a00;font-weight:bold}
.charts{display:flex;gap:3em;flex-wrap:wrap}input{font-size:1em;padding:4px;width:30em}
.more{background:#fff3e0;border-left:4px solid #f9a825;padding:6px 10px}
details{margin:0}.muted{color:#666}
"""
# Filters the table as one types; the rows' text is already escaped, nothing is injected.
_SCRIPT = """
document.getElementById('q').addEventListener('input',function(){
var q=this.value.toLowerCase(),n=0;
document.querySelectorAll('#models tbody tr').forEach(function(r){
var s=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=s?'':'none';if(s)n++;});
document.getElementById('shown').textContent=n;});
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
# About 2 KB a row: a page of ~10 MB at most, which a browser opens and searches at once.
MAX_ROWS = 5000
MAX_CHAINS = 1000
_ELSEWHERE = (
    "in the JSONL or Parquet output (-f jsonl -o results.jsonl, -f parquet -o results.parquet)"
)


def _bars(title: str, counts: list[tuple[str, int]], element_id: str) -> str:
    """A horizontal bar chart as inline SVG, one bar per (label, count)."""
    width, row = 420, 22
    top = max((n for _, n in counts), default=0) or 1
    parts = [
        f'<svg id="{element_id}" role="img" aria-label="{html_text(title)}" '
        f'width="{width + 280}" height="{row * max(len(counts), 1) + 10}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, count) in enumerate(counts):
        y = index * row + 4
        length = max(1, round(width * count / top))
        colour = _COLOURS.get(label.rsplit(" ", 1)[-1], "#5c6bc0")
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{html_text(_short(label))}</text>'
            f'<rect x="200" y="{y}" width="{length}" height="{row - 6}" fill="{colour}">'
            f"<title>{html_text(label)}: {count}</title></rect>"
            f'<text x="{205 + length}" y="{y + 14}" font-size="12">{count}</text>'
        )
    if not counts:
        parts.append('<text x="0" y="16" font-size="12">nothing to show</text>')
    parts.append("</svg>")
    return f"<figure><figcaption>{html_text(title)}</figcaption>{''.join(parts)}</figure>"


def _short(label: str) -> str:
    """A label that fits left of its bar, its last word (the verdict) kept; the whole label is
    the bar's tooltip."""
    if len(label) <= 30:
        return label
    head, _, verdict = label.rpartition(" ")
    return f"{head[: max(1, 28 - len(verdict))]}… {verdict}"


def _declared(subject: SubjectReport) -> list[tuple[str, str]]:
    """(family or id, verdict) of the licenses a subject declares (inherited ones left out)."""
    return [
        (r.family or r.id or r.declared, r.verdict)
        for r in subject.licenses
        if r.inherited_from is None and r.declared != "access conditions"
    ]


def _chains(report: Report) -> list[tuple[str, str]]:
    """Every laundering finding: a derivative whose base's terms its own license hides."""
    return [
        (s.name, v.message)
        for s in report.subjects
        for v in s.violations
        if v.rule == "inherited-license"
    ]


def _rank(subject: SubjectReport) -> int:
    """What a reviewer reads first: laundering, other failures, unreadable, passes."""
    if subject.passed:
        return 3
    if subject.format == "unreadable":
        return 2
    return 0 if any(v.rule == "inherited-license" for v in subject.violations) else 1


def _shown(subjects: Sequence[SubjectReport]) -> list[SubjectReport]:
    """The rows the page embeds: at most MAX_ROWS, by rank, each rank in report order."""
    if len(subjects) <= MAX_ROWS:
        return list(subjects)
    order = sorted(range(len(subjects)), key=lambda i: (_rank(subjects[i]), i))
    return [subjects[i] for i in order[:MAX_ROWS]]


def _more(count: int, what: str) -> str:
    if count <= 0:
        return ""
    return (
        f'<p class="more"><b>{count:,} more {what} are not on this page</b>; '
        f"every one is {html_text(_ELSEWHERE)}.</p>\n"
    )


def _row(subject: SubjectReport) -> str:
    verdicts = ", ".join(
        f"{r.id or r.declared}: {r.verdict}"
        + (f" (from {r.inherited_from})" if r.inherited_from else "")
        for r in subject.licenses
    )
    failing = sorted({c for r in subject.licenses for c in (x.id for x in r.failing)})
    reasons = "".join(
        f"<li>{html_text(v.rule)}"
        + (" (warning: below fail-on, does not fail the run)" if v.severity == "warning" else "")
        + f": {html_text(v.message)}</li>"
        for v in subject.violations
    )
    evidence = (
        f"<details><summary>{len(subject.violations)} finding(s)</summary><ul>{reasons}</ul>"
        "</details>"
        if reasons
        else '<span class="muted">none</span>'
    )
    shown = outcome(subject)
    css = {"PASS": "pass", "FAIL": "fail", "WARN": "warn"}[shown]
    status = f'<span class="{css}">{shown}</span>'
    return (
        f"<tr><td>{status}</td><td>{html_text(subject.name)}</td>"
        f"<td>{html_text(subject.expression or 'none declared')}</td>"
        f"<td>{html_text(verdicts or subject.format)}</td>"
        f"<td>{html_text(', '.join(failing))}</td><td>{evidence}</td>"
        f"<td>{html_text(subject.source)}</td></tr>"
    )


def render(report: Report, options: RenderOptions) -> str:
    """The whole page: summary, charts, laundering chains, the searchable table of models."""
    verdicts: Counter[str] = Counter()
    families: Counter[str] = Counter()
    for subject in report.subjects:
        for family, verdict in _declared(subject):
            verdicts[verdict] += 1
            families[f"{family} {verdict}"] += 1
        if subject.format == "unreadable":
            verdicts["unreadable"] += 1
    failed = sum(1 for s in report.subjects if s.failing)
    chains = _chains(report)
    chain_items = "".join(
        f"<li><b>{html_text(name)}</b>: {html_text(message)}</li>"
        for name, message in chains[:MAX_CHAINS]
    )
    warnings = "".join(f"<li>{html_text(w)}</li>" for w in report.warnings)
    shown = _shown(report.subjects)
    rows = "".join(_row(s) for s in shown)
    hidden = len(report.subjects) - len(shown)
    top_families = sorted(families.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
    result = "PASS" if report.passed else "FAIL"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        "<title>licheck report</title>"
        f"<style>{_STYLE}</style></head><body>\n"
        f"<h1>licheck: {result}, {len(report.subjects)} models, {failed} failing</h1>\n"
        f'<p class="muted">policy {html_text(report.policy)}'
        f"{' (' + html_text(report.policy_file) + ')' if report.policy_file else ''}; "
        f"knowledge base {html_text(report.kb_version)}; licheck "
        f"{html_text(report.licheck_version)}"
        f"{'; as of ' + html_text(report.date) if report.date else ''}</p>\n"
        + (f"<h2>Warnings</h2><ul>{warnings}</ul>\n" if warnings else "")
        + '<div class="charts">'
        + _bars("Declared licenses by verdict", sorted(verdicts.items()), "verdicts")
        + _bars("License family by verdict (top 25)", top_families, "families")
        + "</div>\n"
        f"<h2>Laundering chains ({len(chains)})</h2>\n"
        + (f'<ul id="chains">{chain_items}</ul>\n' if chains else "<p>none found</p>\n")
        + _more(len(chains) - MAX_CHAINS, "laundering chains")
        + f'<h2>Models (<span id="shown">{len(shown)}</span> shown'
        + (f" of {len(report.subjects):,}: failing and laundering first" if hidden else "")
        + ")</h2>\n"
        + _more(hidden, "models")
        + '<p><input id="q" type="search" placeholder="search models, licenses, findings" '
        'aria-label="search"></p>\n'
        '<table id="models"><thead><tr><th>outcome</th><th>model</th><th>declared</th>'
        "<th>licenses: verdicts</th><th>failing criteria</th><th>findings</th>"
        f"<th>source</th></tr></thead><tbody>\n{rows}</tbody></table>\n"
        f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )
