"""The clause engine: each concept caught on the right criterion and lines, each listed
non-restriction left alone, and any str input answered without an exception.

Every fixture under tests/fixtures/clauses is a short text we wrote to show one concept (or one
clause that only looks like a restriction); none is a real license.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licheck.clauses.analysis import TextAnalysis, analyse
from licheck.clauses.patterns import _NEEDS, LazyPattern, lazy_pattern
from licheck.clauses.rules import (
    COMPILED_NAME,
    build_compiled,
    load_rules,
    render_compiled,
    rules_from,
)
from licheck.clauses.segment import MAX_EVIDENCE_WORDS, segment
from licheck.records import CRITERION_IDS

FIXTURES = Path(__file__).parent / "fixtures" / "clauses"


def run(name: str) -> TextAnalysis:
    return analyse((FIXTURES / name).read_text(encoding="utf-8"), path=name)


def finding_for(analysis: TextAnalysis, rule: str, criterion: str) -> tuple[int | None, int | None]:
    matches = [f for f in analysis.findings if f.rule == rule and f.criterion == criterion]
    assert matches, f"no {rule} finding on {criterion}: {analysis.findings}"
    return matches[0].line, matches[0].end_line


# --- concepts that break the OSD: (fixture, rule, criterion, first line, last line) ----------

CAUGHT = [
    ("user_threshold.txt", "size-threshold", "OSD5", 5, 7),
    ("user_threshold.txt", "further-agreement", "OSD7", 5, 7),
    ("revenue_threshold.txt", "size-threshold", "OSD5", 4, 4),
    ("territory.txt", "excluded-territory", "OSD5", 4, 4),
    ("excluded_group.txt", "excluded-group", "OSD5", 4, 4),
    ("non_commercial.txt", "non-commercial", "OSD6", 3, 3),
    ("non_commercial.txt", "non-commercial-distribution", "OSD1", 3, 3),
    ("research_only.txt", "restricted-purpose", "OSD6", 4, 4),
    ("non_production.txt", "restricted-purpose", "OSD6", 4, 4),
    ("time_limited.txt", "time-limited", "OSD6", 4, 4),
    ("use_policy.txt", "use-policy", "OSD6", 4, 5),
    ("use_restriction.txt", "use-restrictions", "OSD6", 4, 4),
    ("use_restriction_list.txt", "use-restrictions", "OSD6", 6, 6),
    ("no_model_improvement.txt", "no-model-improvement", "OSD6", 4, 4),
    ("no_derivatives.txt", "no-derivatives", "OSD3", 4, 4),
    ("fees.txt", "fees", "OSD1", 4, 4),
    ("no_redistribution.txt", "no-redistribution", "OSD1", 4, 4),
    ("product_specific.txt", "product-specific", "OSD8", 3, 4),
    ("other_software.txt", "other-software", "OSD9", 4, 4),
    ("registration.txt", "further-agreement", "OSD7", 4, 4),
    ("click_acceptance.txt", "click-acceptance", "OSD10", 3, 3),
    ("commercial_forbidden.txt", "non-commercial", "OSD6", 2, 2),
    # The same concepts, worded differently: rules follow the concept, not one wording.
    ("territory_residents.txt", "excluded-territory", "OSD5", 4, 4),
    ("headcount_threshold.txt", "size-threshold", "OSD5", 4, 4),
    ("only_non_profits.txt", "excluded-group", "OSD5", 4, 4),
    ("registration_form.txt", "further-agreement", "OSD7", 4, 4),
    ("no_derivatives_passive.txt", "no-derivatives", "OSD3", 4, 4),
    ("fee_payable.txt", "fees", "OSD1", 4, 4),
    ("download_acceptance.txt", "click-acceptance", "OSD10", 3, 3),
]


@pytest.mark.parametrize(("fixture", "rule", "criterion", "line", "end_line"), CAUGHT)
def test_concept_is_caught_on_its_criterion_and_lines(
    fixture: str, rule: str, criterion: str, line: int, end_line: int
) -> None:
    analysis = run(fixture)
    assert analysis.status(criterion) == "fail"
    assert finding_for(analysis, rule, criterion) == (line, end_line)


# --- clauses that only look like restrictions ---------------------------------------------

NOT_RESTRICTIONS = [
    "any_purpose.txt",  # "for any purpose, commercial or non-commercial"
    "gratis_or_fee.txt",  # GPL: "gratis or for a fee"
    "nuclear_disclaimer.txt",  # a warranty disclaimer, not a field-of-use ban
    "export_laws.txt",  # "comply with applicable export laws"
    "patent_termination.txt",  # Apache-style patent termination on litigation
    "copyleft.txt",  # share-alike on the work itself
    "cite_request.txt",  # a request to cite a paper, not a condition
    "trademark.txt",  # a trademark clause
    "no_restriction_negated.txt",  # negation: "no restrictions on commercial use"
    "commercial_allowed.txt",  # scope: "You may use ... for commercial purposes"
    "definition_only.txt",  # a definition obliges no one
    "heading_only.txt",  # a heading is not a clause
]


@pytest.mark.parametrize("fixture", NOT_RESTRICTIONS)
def test_non_restriction_fails_no_criterion(fixture: str) -> None:
    analysis = run(fixture)
    assert analysis.failing == (), [f for f in analysis.findings if f.status == "fail"]


@pytest.mark.parametrize("fixture", NOT_RESTRICTIONS)
def test_non_restriction_text_grants_rights(fixture: str) -> None:
    assert run(fixture).grants_rights


def test_a_tier_limited_to_research_is_no_limit_when_a_defined_term_grants_the_rest() -> None:
    assert run("tiered_defined_term.txt").status("OSD6") == "pass"


def test_a_tier_limited_to_research_stays_a_limit_when_the_rest_is_forbidden() -> None:
    assert run("tiered_limit_kept.txt").status("OSD6") == "fail"


def test_a_non_commercial_tier_is_no_limit_when_a_commercial_tier_is_granted() -> None:
    assert run("second_tier_commercial.txt").failing == ()


def test_scope_may_versus_may_not_decides() -> None:
    allowed = run("commercial_allowed.txt")
    forbidden = run("commercial_forbidden.txt")
    assert allowed.status("OSD6") == "pass"
    assert forbidden.status("OSD6") == "fail"


# --- no grant, review items, statuses ------------------------------------------------------


def test_all_rights_reserved_fails_redistribution_and_derived_works() -> None:
    analysis = run("all_rights_reserved.txt")
    assert not analysis.grants_rights
    assert analysis.failing == ("OSD1", "OSD3")


def test_text_with_neither_grant_nor_reservation_needs_review() -> None:
    analysis = run("pointer.txt")
    assert not analysis.grants_rights
    assert analysis.failing == ()
    assert analysis.status("OSD1") == analysis.status("OSD3") == "unknown"


def test_termination_at_will_needs_review_not_fail() -> None:
    analysis = run("termination_at_will.txt")
    assert analysis.failing == ()
    assert finding_for(analysis, "termination-at-will", "OSD7") == (4, 4)
    assert analysis.status("OSD7") == "unknown"


def test_status_is_pass_without_findings() -> None:
    analysis = run("any_purpose.txt")
    assert all(analysis.status(c) == "pass" for c in CRITERION_IDS)


# --- what a finding carries ----------------------------------------------------------------


def test_finding_names_file_rule_source_and_message() -> None:
    (finding,) = [f for f in run("fees.txt").findings if f.rule == "fees"]
    assert finding.file == "fees.txt"
    assert finding.source == "clause"
    assert finding.message
    assert finding.evidence is not None and "royalty" in finding.evidence


def test_finding_records_the_heading_it_sits_under() -> None:
    (finding,) = run("use_restriction_list.txt").findings
    assert finding.section == "Restrictions"


def test_list_lead_in_is_reported_once_for_its_items() -> None:
    findings = [f for f in run("use_restriction_list.txt").findings if f.rule == "use-restrictions"]
    assert len(findings) == 1
    assert finding_for(run("use_restriction_list.txt"), "use-restrictions", "OSD6") == (6, 6)


def test_evidence_is_trimmed_to_thirty_words() -> None:
    long_clause = "You may not use the Model for commercial purposes " + "and so on " * 60 + "."
    analysis = analyse(f"You may use, copy and modify the Model.\n{long_clause}\n")
    evidence = [f.evidence for f in analysis.findings if f.evidence]
    assert evidence
    assert all(len(e.replace("\u2026", "").split()) <= MAX_EVIDENCE_WORDS for e in evidence)


def test_line_numbers_count_in_the_original_text_with_crlf() -> None:
    text = (FIXTURES / "fees.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    assert finding_for(analyse(text), "fees", "OSD1") == (4, 4)


# --- segmentation and modality -------------------------------------------------------------


def test_definition_clause_is_classified_as_definition() -> None:
    text = (FIXTURES / "definition_only.txt").read_text(encoding="utf-8")
    kinds = {c.text[:20]: c.modality for c in segment(text)}
    assert kinds['"non-commercial purp'] == "definition"


def test_disclaimer_clause_is_classified_as_disclaimer() -> None:
    text = (FIXTURES / "nuclear_disclaimer.txt").read_text(encoding="utf-8")
    assert "disclaimer" in {c.modality for c in segment(text)}


def test_list_item_takes_the_modality_of_its_lead_in() -> None:
    text = (FIXTURES / "use_restriction_list.txt").read_text(encoding="utf-8")
    item = next(c for c in segment(text) if c.text.startswith("(a)"))
    assert item.lead is not None and item.modality == "prohibition"


# --- rules as data -------------------------------------------------------------------------


def test_every_rule_names_a_criterion_and_explains_itself() -> None:
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert set(rule.criteria) <= set(CRITERION_IDS), rule.id
        assert rule.title and rule.description and rule.message, rule.id


def test_rules_are_compiled_once() -> None:
    assert load_rules() is load_rules()


RULES_DIR = Path(__file__).parents[1] / "src" / "licheck" / "clauses" / "rules"


def test_compiled_rules_are_current() -> None:
    on_disk = (RULES_DIR / COMPILED_NAME).read_text(encoding="utf-8")
    assert on_disk == render_compiled(build_compiled(RULES_DIR)), (
        "rules/compiled.json is stale: run `python -m licheck.clauses.rules`"
    )


def _copy_rules(target: Path, *, compiled: bool) -> Path:
    target.mkdir()
    for path in RULES_DIR.iterdir():
        if path.name.endswith(".yaml") or (compiled and path.name == COMPILED_NAME):
            (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def _shape(rule: object) -> object:
    """A rule as comparable data: every field, each pattern as its source and its needs."""

    def plain(value: object) -> object:
        if isinstance(value, (re.Pattern, LazyPattern)):
            return (value.pattern, _NEEDS.get(value))
        if isinstance(value, (tuple, list, frozenset)):
            return [plain(v) for v in (sorted(value) if isinstance(value, frozenset) else value)]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return value

    return plain(rule)


def test_compiled_rules_are_the_rules_the_yaml_gives(tmp_path: Path) -> None:
    from_yaml = rules_from(_copy_rules(tmp_path / "yaml", compiled=False))
    assert [_shape(r) for r in load_rules()] == [_shape(r) for r in from_yaml]


def test_a_rule_edited_after_compiling_is_read_from_its_yaml(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path / "rules", compiled=True)
    edited = folder / "fees.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    fees = next(r for r in rules_from(folder) if r.id == "fees")
    assert fees.title.startswith("Edited ")


def test_a_broken_compiled_file_falls_back_to_the_yaml(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path / "rules", compiled=False)
    (folder / COMPILED_NAME).write_text("{not json", encoding="utf-8")
    assert [r.id for r in rules_from(folder)] == [r.id for r in load_rules()]


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02" * 10_000,
        "a" * 2_000_000,
        "You may not " * 100_000,
        "(a) " * 50_000,
        "\ufffd\u202e\U0001f600 \u0130\u0130" * 20_000,
        "\n" * 100_000,
        '"x" means ' * 40_000,
        '"Ship" means use other than for your internal research.\n' * 20_000,
    ],
    ids=[
        "empty",
        "binary",
        "huge-no-newline",
        "repeated-clause",
        "markers",
        "unicode",
        "newlines",
        "defs",
        "tier-defs",
    ],
)
def test_hostile_input_returns_a_result(text: str) -> None:
    analysis = analyse(text)
    assert isinstance(analysis, TextAnalysis)


def test_huge_input_is_marked_truncated() -> None:
    assert analyse("a" * 2_000_000).truncated


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3_000))
def test_any_text_returns_findings_with_lines_inside_it(text: str) -> None:
    analysis = analyse(text)
    lines = text.count("\n") + 2
    for finding in analysis.findings:
        assert finding.line is None or 1 <= finding.line <= (finding.end_line or lines) <= lines


def test_keyword_search_fallback_finds_exactly_what_the_automaton_finds() -> None:
    """The pure-Python search (used without ahocorasick-rs, or for texts it cannot take) and
    the automaton must agree on every occurrence, overlapping keywords included."""
    from pathlib import Path

    from licheck.clauses.rules import _keyword_index
    from licheck.records import replace

    index = _keyword_index()
    fallback = replace(index, automaton=None)
    fixtures = sorted((Path(__file__).parent / "fixtures" / "clauses").glob("*"))
    texts = [p.read_text(encoding="utf-8").lower() for p in fixtures if p.is_file()]
    texts.append("non-commercial noncommercial research-only evaluation purposes only")
    assert texts
    for text in texts:
        assert sorted(fallback.occurrences(text)) == sorted(index.occurrences(text))


def test_the_keyword_fallback_is_built_only_for_a_search_that_needs_it() -> None:
    """Compiling the trie expression was a third of the engine's start-up: with the automaton, a
    text it can take never pays for it; one it cannot take (a lone surrogate) gets it."""
    from licheck.clauses.rules import _keyword_index
    from licheck.records import replace

    index = replace(_keyword_index())  # a fresh copy: nothing built on it yet
    assert index.automaton is not None
    assert index.occurrences("you may not use it for commercial purposes")
    assert "_fallback" not in index.__dict__
    lone = "commercial \ud800 purposes"  # no UTF-8 form: the automaton cannot take it
    found = index.occurrences(lone)
    assert "_fallback" in index.__dict__
    assert found == replace(index, automaton=None).occurrences(lone)
    assert found  # "commercial" and "purposes" are keywords


def test_a_lazy_pattern_compiles_on_first_use_and_then_answers_as_the_compiled_one() -> None:
    source = r"\b(?:no|not)\s+(?P<term>commercial)\b"
    lazy = LazyPattern(source)
    assert "search" not in lazy.__dict__  # nothing compiled yet
    compiled = re.compile(source)
    text = "not commercial; no commercial use, not  Commercial"
    found, expected = lazy.search(text), compiled.search(text)
    assert found is not None and expected is not None and found.span() == expected.span()
    assert lazy.__dict__["search"] == compiled.search  # the compiled method from now on
    assert lazy.sub("_", text) == compiled.sub("_", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert LazyPattern(source).match(text) is not None
    assert LazyPattern(source).groupindex == {"term": 1}


def test_one_lazy_pattern_per_source() -> None:
    assert lazy_pattern(r"\bfee\b") is lazy_pattern(r"\bfee\b")
    assert lazy_pattern(r"\bfee\b") is not lazy_pattern(r"\bfees\b")


def test_rules_from_the_compiled_file_compile_their_patterns_lazily() -> None:
    patterns = [p for rule in load_rules() for a in rule.alternatives for p in a.patterns]
    assert patterns and all(isinstance(p, LazyPattern) for p in patterns)
