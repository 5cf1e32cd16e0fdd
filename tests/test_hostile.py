"""Untrusted text is inert in every output format and in error messages (issue 16).

One hostile string (terminal control sequences, an unterminated OSC title, workflow commands
after line breaks, HTML and a javascript: link, XML breakers, a bidi override, a lone surrogate)
is put into every untrusted field of the canned report, and each format must stay well-formed
and inert: no raw control character, no line a GitHub runner takes as a command, no HTML in the
Markdown, parseable XML and JSON whose values come back exactly.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from licheck.cli import main
from licheck.formats import BINARY_FORMATS, FORMATS, RenderOptions, renderer
from licheck.formats.sanitise import display, guard_lines, json_inert, markdown, utf8_text
from licheck.records import (
    Evidence,
    Explanation,
    Finding,
    ObligationResult,
    Report,
    Suppression,
    Violation,
    replace,
)

HOSTILE = (
    "evil\x1b[2J\x1b[31m\x1b]0;owned\x07\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\"
    "\n::add-mask::secret\r\n::stop-commands::tok\n::error file=a.yaml::fake\n##[error]old"
    "\x9b31m\x85\u2028\u202eRTL\u2066\ud800 <script>alert(1)</script><img src=x onerror=alert(1)>"
    " [click](javascript:alert(1)) ![i](x) ]]></junit>&amp; | `code` **b** \x00\x0b\x7f"
    "\x1b]0;unterminated"
)
# Raw characters no output may hold (tab and line feed are structure; ESC only in SGR colours).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
COMMAND = re.compile(r"^\s*(::|##\[)", re.MULTILINE)


def _finding(finding: Finding) -> Finding:
    return replace(
        finding, message=HOSTILE, evidence=HOSTILE, section=HOSTILE, file=f"lic/{HOSTILE}"
    )


def _hostile(report: Report) -> Report:
    """The canned report with the hostile string in every field a model or policy supplies."""
    subjects = []
    for subject in report.subjects:
        licenses = tuple(
            replace(
                result,
                name=HOSTILE,
                declared=f"{result.declared}{HOSTILE}",
                unverified=(HOSTILE,),
                differences=(HOSTILE,),
                criteria=tuple(
                    replace(c, findings=tuple(_finding(f) for f in c.findings))
                    for c in result.criteria
                ),
            )
            for result in subject.licenses
        )
        violations = (
            *tuple(
                replace(v, message=HOSTILE, file=HOSTILE, license=f"{v.license}{HOSTILE}")
                for v in subject.violations
            ),
            Violation("not-open", HOSTILE, license=HOSTILE, file=HOSTILE, line=3),
        )
        suppressed = (
            *tuple(
                replace(s, reason=HOSTILE, violation=replace(s.violation, message=HOSTILE))
                for s in subject.suppressed
            ),
            Suppression(Violation("not-open", HOSTILE, license=HOSTILE), HOSTILE, "2027-01-01"),
        )
        subjects.append(
            replace(
                subject,
                name=HOSTILE,
                source=f"models/{HOSTILE}.yaml",
                licenses=licenses,
                violations=violations,
                suppressed=suppressed,
                warnings=(HOSTILE,),
                publisher=HOSTILE,
                datasets=(HOSTILE,),
                base_models=(HOSTILE,),
                obligations=tuple(
                    ObligationResult(
                        HOSTILE,
                        "notice",
                        HOSTILE,
                        status,
                        (Evidence(f"m/{HOSTILE}", 2, HOSTILE),),
                        fix=HOSTILE,
                        section=HOSTILE,
                        inherited_from=HOSTILE,
                        file=f"m/{HOSTILE}",
                    )
                    for status in ("met", "unmet", "unknown")
                ),
                obligation_mode="enforce",
            )
        )
    return replace(report, subjects=tuple(subjects), warnings=(HOSTILE,))


@pytest.fixture
def hostile(gate_report: Report) -> Report:
    return _hostile(gate_report)


def _inert(text: str) -> None:
    text.encode("utf-8")  # no lone surrogate
    assert RAW.search(SGR.sub("", text)) is None, RAW.search(SGR.sub("", text))


@pytest.mark.parametrize("name", sorted(set(FORMATS) - BINARY_FORMATS))
def test_every_format_is_inert_and_valid_utf8(name: str, hostile: Report) -> None:
    _inert(renderer(name)(hostile, RenderOptions()))


def test_parquet_keeps_the_data_exactly_and_only_utf8(hostile: Report, tmp_path: Path) -> None:
    """A data format, like JSON: the values come back exactly, but for a lone surrogate (which
    UTF-8 cannot carry: pyarrow would fail the whole run on it), which becomes U+FFFD."""
    pq = pytest.importorskip("pyarrow.parquet")
    from licheck.formats.parquet import tables

    out = tmp_path / "hostile.parquet"
    (table,) = tables(hostile)
    pq.write_table(table, out)
    rows = pq.read_table(out).to_pylist()
    names = [row["id"] for row in rows]
    assert names == [utf8_text(s.name) for s in hostile.subjects]
    assert any("\x1b" in name for name in names)  # exact, not escaped
    assert not any("\ud800" in name for name in names)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("compact", [False, True])
def test_terminal_lines_never_start_a_workflow_command(
    hostile: Report, color: bool, compact: bool
) -> None:
    for width in (40, 100):
        output = renderer("terminal")(
            hostile, RenderOptions(color=color, width=width, compact=compact)
        )
        _inert(output)
        assert "\x1b]" not in output  # no OSC (title, hyperlink) at all
        assert COMMAND.search(SGR.sub("", output)) is None
        assert "evil\\x1b[2J" in output  # shown visibly, not dropped


def test_github_annotations_are_the_only_commands(hostile: Report) -> None:
    output = renderer("github")(hostile, RenderOptions())
    for line in output.splitlines():
        assert re.match(r"::(error|warning|notice) [^\n]*?::", line), line
        props = line.split("::")[1]
        assert "\x1b" not in props and "," not in props.split("title=")[-1]
    assert not any(line.startswith(("::add-mask", "::stop-commands")) for line in output.split())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_markdown_renders_without_html_scripts_or_links(hostile: Report) -> None:
    from markdown_it import MarkdownIt

    source = renderer("markdown")(hostile, RenderOptions())
    # Rendered as GitHub does (CommonMark with tables, raw HTML allowed), the only tags are
    # licheck's own and no attribute comes from the card.
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
    parser = _Tags()
    parser.feed(html)
    allowed = {"h2", "h3", "p", "code", "table", "thead", "tbody", "tr", "th", "td", "details"}
    allowed |= {"summary", "b", "ul", "li", "strong"}
    assert {tag for tag, _ in parser.tags} <= allowed
    assert all(not attrs for tag, attrs in parser.tags if tag not in ("th", "td"))
    # javascript: may show as text (in a code span, as &#58;), never as a link or image.
    assert all(name == "style" for _, attrs in parser.tags for name, _value in attrs)
    assert "<a " not in html and "<img" not in html and "<script" not in html.lower()
    assert "&lt;script&gt;" in html  # shown as text
    # Every table row keeps its six cells.
    rows = [line for line in source.splitlines() if line.startswith("| :")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 7 for row in rows)


def test_markdown_obligations_keep_their_table_and_show_values_escaped(hostile: Report) -> None:
    source = renderer("markdown")(hostile, RenderOptions())
    section = source.split("### Obligations", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows)  # five cells
    assert {"✓ met", "✗ unmet", "? unknown"} <= {row.split(" | ")[2] for row in rows}
    assert "evil\\\\x1b\\[2J" in section and "&lt;script&gt;" in section  # shown as text


def test_github_annotates_hostile_obligations_inertly_at_their_file(hostile: Report) -> None:
    output = renderer("github")(hostile, RenderOptions())
    duties = [line for line in output.splitlines() if "title=licheck%3A obligation-" in line]
    with_duties = len([s for s in hostile.subjects if s.obligations])
    kinds = [line.split(" ", 1)[0] for line in duties]
    # Errors first (most severe first, as GitHub shows them), then notices, which share the
    # ten a level gets with the other notices of the report.
    assert kinds == sorted(kinds, key=["::error", "::notice"].index)
    assert kinds.count("::error") == with_duties and 1 <= kinds.count("::notice") <= with_duties
    assert all("file=m/evil\\x1b[2J" in line and "\x1b" not in line for line in duties)


@pytest.mark.parametrize("name", ["junit"])
def test_xml_is_well_formed(name: str, hostile: Report) -> None:
    root = ET.fromstring(renderer(name)(hostile, RenderOptions()))
    names = [case.get("name") or "" for case in root.iter("testcase")]
    assert names and all("\n" not in n and "evil\\x1b[2J" in n for n in names)
    assert all("." not in (case.get("classname") or "")[8:] for case in root.iter("testcase"))


@pytest.mark.parametrize("name", ["json", "jsonl", "sarif", "spdx3", "cyclonedx"])
def test_json_formats_parse_and_keep_exact_values(name: str, hostile: Report) -> None:
    output = renderer(name)(hostile, RenderOptions())
    documents = [json.loads(line) for line in output.splitlines()] if name == "jsonl" else []
    if name != "jsonl":
        documents = [json.loads(output)]
    if name in ("json", "jsonl"):  # the machine contract carries the exact value
        subjects = documents[0]["subjects"] if name == "json" else documents[:-1]
        names = [subject["name"] for subject in subjects]
        assert names and all(n == HOSTILE for n in names)


def test_sarif_messages_are_one_inert_line(hostile: Report) -> None:
    sarif = json.loads(renderer("sarif")(hostile, RenderOptions()))
    for result in sarif["runs"][0]["results"]:
        text = result["message"]["text"]
        assert "\n" not in text and RAW.search(text) is None


def test_sanitiser_units() -> None:
    assert display("a\nb\tc\x1b[2Jd\u202e") == "a b c\\x1b[2Jd\\u202e"
    assert display("plain text, 中文") == "plain text, 中文"
    assert guard_lines("ok\n  ::error::x\n##[warning]y") == "ok\n  \\::error::x\n\\##[warning]y"
    assert markdown("[a](javascript:x) <b>") == "\\[a\\](javascript&#58;x) &lt;b&gt;"
    dumped = json_inert(json.dumps({"k": "\x9b\u2028\U000e0041\ud800"}, ensure_ascii=False))
    assert RAW.search(dumped) is None and json.loads(dumped)["k"] == "\x9b\u2028\U000e0041\ud800"
    # DEL is the one ASCII character that acts: an all-ASCII document is not waved through.
    assert json_inert(json.dumps({"k": "a\x7fb"})) == '{"k": "a\\u007fb"}'
    assert json_inert('{"k": "plain"}') == '{"k": "plain"}'


# Error messages (exit 2) quote what the user gave: file names, unknown keys, policy entries.
def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _):
        code = main(args)
    return code, out.getvalue().decode(), err.getvalue().decode()


NASTY = "x\x1b]0;owned\x07\n::error::fake\x1b[2J"


def _assert_inert_stderr(err: str) -> None:
    assert "\x1b" not in err and COMMAND.search(err) is None, err
    assert "\\x1b" in err  # the value is shown, escaped


def test_error_for_a_hostile_file_name_is_inert(tmp_path: Path) -> None:
    code, _out, err = _run([str(tmp_path / NASTY)])
    assert code == 2
    _assert_inert_stderr(err)


def test_error_for_a_hostile_policy_key_is_inert(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"version: 1\n{json.dumps(NASTY)}: 1\n", encoding="utf-8")
    model = tmp_path / "model.yaml"
    model.write_text("name: m\nlicense: apache-2.0\n", encoding="utf-8")
    code, _out, err = _run(["--policy", str(policy), str(model)])
    assert code == 2 and "policy.yaml:2" in err
    _assert_inert_stderr(err)


def test_error_for_a_hostile_model_key_is_inert(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(f"name: m\nlicense: apache-2.0\n{json.dumps(NASTY)}: 1\n", encoding="utf-8")
    code, _out, err = _run([str(model)])
    assert code == 2 and "model.yaml:3" in err
    _assert_inert_stderr(err)


def test_usage_error_with_a_hostile_value_is_inert(tmp_path: Path) -> None:
    code, _out, err = _run(["check", "--format", NASTY, str(tmp_path)])
    assert code == 2
    _assert_inert_stderr(err)


def test_auto_format_on_github_actions_lets_no_value_start_a_command(tmp_path: Path) -> None:
    """What action.yml runs: annotations, then the terminal report, on one stdout."""
    model = tmp_path / "model.yaml"
    model.write_text(
        f"name: {json.dumps(HOSTILE.replace(chr(0xD800), ''))}\nlicense: llama2\n",
        encoding="utf-8",
    )
    code, out, err = _run([str(model)], env={"GITHUB_ACTIONS": "true", "NO_COLOR": "1"})
    assert code == 1, err
    commands = [line for line in out.splitlines() if COMMAND.match(line)]
    assert commands and all(re.match(r"::(error|warning|notice) ", c) for c in commands)
    assert "\x1b" not in out


def test_sarif_of_hostile_text_validates_against_the_official_schema(hostile: Report) -> None:
    import jsonschema

    schema_file = Path(__file__).resolve().parents[2] / "shared" / "schemas"
    schema_file = schema_file / "sarif-schema-2.1.0.json"
    if not schema_file.is_file():
        pytest.skip(f"SARIF schema not found at {schema_file}")
    sarif = json.loads(renderer("sarif")(hostile, RenderOptions()))
    jsonschema.validate(sarif, json.loads(schema_file.read_text(encoding="utf-8")))


# `licheck identify` quotes the user's file: its name, the text's differences, clause findings.
def _hostile_license(corpus: Path, tmp_path: Path) -> Path:
    """A modified MIT text carrying the hostile string. A text file holds no lone surrogate (it
    would not be UTF-8) nor NUL (it would be binary): the surrogate comes from an undecodable
    byte in the file's name instead."""
    mit = (corpus / "spdx" / "MIT.txt").read_text("utf-8")
    hostile = HOSTILE.replace("\ud800", "").replace("\x00", "")
    text = mit.replace("\n\n", f"\n\n{hostile}\n\n", 1)
    folder = tmp_path / "m"
    folder.mkdir()
    target = Path(os.fsdecode(bytes(folder) + b"/LIC\xff\x1b[2J\n::error::x"))
    target.write_text(text + "\nNot for commercial use.\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("env", [{}, {"GITHUB_ACTIONS": "true"}])
def test_identify_terminal_is_inert(corpus: Path, tmp_path: Path, env: dict[str, str]) -> None:
    code, out, err = _run(["identify", str(_hostile_license(corpus, tmp_path))], env=env)
    assert code == 1, err
    _inert(out)
    assert "\x1b" not in out and COMMAND.search(out) is None
    assert "\\x1b[2J" in out  # the file name and the quoted text are shown, escaped


def test_identify_json_is_inert_and_exact(corpus: Path, tmp_path: Path) -> None:
    target = _hostile_license(corpus, tmp_path)
    code, out, err = _run(["identify", "--format", "json", str(target)])
    assert code == 1, err
    _inert(out)
    item = json.loads(out)["files"][0]
    assert item["path"] == str(target)  # the exact name, surrogate included
    quoted = json.dumps(item["identification"]["differences"], ensure_ascii=False)
    assert "::add-mask::" in quoted  # the difference quotes the inserted text exactly


def _hostile_explanation() -> Explanation:
    from licheck.explain import explain_license

    explanation = explain_license("mit")
    result = replace(
        explanation.result,
        name=HOSTILE,
        declared=HOSTILE,
        id=f"MIT{HOSTILE}",
        note=HOSTILE,
        url=HOSTILE,
        differences=(HOSTILE,),
    )
    return replace(
        explanation,
        result=result,
        summary=HOSTILE,
        version=HOSTILE,
        aliases=(HOSTILE,),
        parameters={"k": HOSTILE},
        profile_file=HOSTILE,
    )


@pytest.mark.parametrize("color", [False, True])
def test_explain_terminal_is_inert(color: bool) -> None:
    from licheck.formats.explain import render_explanation

    output = render_explanation(_hostile_explanation(), "terminal", color=color)
    _inert(output)
    assert "\x1b]" not in output and COMMAND.search(SGR.sub("", output)) is None
    assert "evil\\x1b[2J" in output


def test_explain_json_is_inert_and_exact() -> None:
    from licheck.formats.explain import render_explanation

    output = render_explanation(_hostile_explanation(), "json", color=False)
    _inert(output)
    assert json.loads(output)["summary"] == HOSTILE


def test_explain_of_a_hostile_name_is_an_inert_error() -> None:
    code, out, err = _run(["explain", NASTY])
    assert code == 2 and out == ""
    _assert_inert_stderr(err)


@pytest.mark.parametrize("matrix", [False, True])
@pytest.mark.parametrize("format_name", ["terminal", "json"])
def test_license_list_is_inert(matrix: bool, format_name: str) -> None:
    from licheck.formats.explain import render_license_list
    from licheck.records import CRITERIA

    row = {
        "id": HOSTILE,
        "name": HOSTILE,
        "family": HOSTILE,
        "verdict": "open",
        "kb_version": HOSTILE,
        "criteria": {c.id: "pass" for c in CRITERIA},
    }
    output = render_license_list([row], format_name, matrix=matrix, color=True, kb_version=HOSTILE)
    _inert(output)
    assert COMMAND.search(SGR.sub("", output)) is None
    if format_name == "json":
        assert json.loads(output)["licenses"][0]["name"] == HOSTILE


def test_cyclonedx_of_hostile_text_validates_with_the_cyclonedx_validator(hostile: Report) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    output = renderer("cyclonedx")(hostile, RenderOptions())
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(output) is None
    names = [c["name"] for c in json.loads(output)["components"]]
    assert any(HOSTILE in name for name in names)


def test_lines_format_keeps_one_problem_per_line(hostile: Report) -> None:
    import json

    output = renderer("lines")(hostile, RenderOptions())
    lines = output.splitlines()
    sarif = json.loads(renderer("sarif")(hostile, RenderOptions()))
    # However many line breaks a hostile value holds: one line per SARIF result, then warnings.
    assert len(lines) == len(sarif["runs"][0]["results"]) + len(hostile.warnings)
    assert not any(line.startswith(("::", "##[")) for line in lines)
    rules = [r["ruleId"] for r in sarif["runs"][0]["results"]]
    assert all(f": {rule}: " in line for line, rule in zip(lines, rules, strict=False))


@given(
    st.text(
        alphabet=st.sampled_from(
            list('a "\x7f\x85\x9bé中\u2019\u2028\u202e\ufeff\U000e0041\U0001f600\ud800\udfff')
        ),
        max_size=40,
    )
)
def test_json_inert_finds_what_the_whole_text_search_finds(value: str) -> None:
    """The fast path (search only the characters beyond ASCII) escapes exactly what a search of
    the whole document escapes."""
    from licheck.formats.sanitise import _JSON_RAW, _compiled, _json_escape

    dumped = json.dumps({"k": value}, ensure_ascii=False)
    assert json_inert(dumped) == _compiled(_JSON_RAW).sub(_json_escape, dumped)
