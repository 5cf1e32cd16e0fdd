"""The clause engine reads the form of a clause, not one wording: list items under a negated
lead-in, Markdown marks inside a sentence, negated subjects, and a few other shapes that real
model licenses use. Every text here is a short one we wrote.
"""

from __future__ import annotations

import pytest

from licheck.clauses.analysis import TextAnalysis, analyse
from licheck.clauses.segment import unmark
from licheck.records import Finding

GRANT = "Acme grants you a worldwide, royalty-free license to use, copy and modify the Model.\n\n"
# The grant sits on lines 1-2, so the first line of a text appended to it is line 3.
FIRST = 3


def finding(analysis: TextAnalysis, rule: str, criterion: str) -> Finding:
    found = [f for f in analysis.findings if f.rule == rule and f.criterion == criterion]
    assert found, f"no {rule} finding on {criterion}: {analysis.findings}"
    return found[0]


def assert_quoted(text: str, found: Finding, line: int) -> None:
    """The quote is text of the file (its Markdown marks ignored) and sits on `line`."""
    assert found.evidence is not None
    assert found.evidence.replace("\u2026", "").strip() in " ".join(unmark(text).split())
    assert found.line == line


# --- 1. a prohibition list under one lead-in -----------------------------------------------

CONSENT_LISTS = {
    "roman-lines": "(i) resell the Model;\n(ii) modify the Model.",
    "roman-dots": "i. resell the Model;\nii. modify the Model.",
    "letters": "a) resell the Model;\nb) modify the Model.",
}


@pytest.mark.parametrize("items", CONSENT_LISTS.values(), ids=CONSENT_LISTS.keys())
def test_items_inherit_a_lead_in_negation_set_off_by_an_aside(items: str) -> None:
    text = GRANT + "You shall not, without Acme's prior written consent:\n" + items + "\n"
    analysis = analyse(text)
    redistribution = finding(analysis, "no-redistribution", "OSD1")
    derivatives = finding(analysis, "no-derivatives", "OSD3")
    assert redistribution.status == derivatives.status == "fail"
    assert_quoted(text, redistribution, FIRST + 1)
    assert_quoted(text, derivatives, FIRST + 2)


def test_items_inline_in_one_paragraph_inherit_the_lead_in() -> None:
    text = GRANT + (
        "You shall not, without Acme's prior written consent: (i) resell the Model; "
        "(ii) publish benchmarks; (iii) modify the Model.\n"
    )
    found = finding(analyse(text), "no-derivatives", "OSD3")
    assert found.status == "fail"
    assert_quoted(text, found, FIRST)
    assert found.evidence is not None and "modify" in found.evidence


# --- 2. Markdown marks inside a clause ------------------------------------------------------


def test_emphasis_inside_a_prohibition_is_read_through() -> None:
    text = GRANT + "You ***must not* publish** the weights.\n"
    found = finding(analyse(text), "no-redistribution", "OSD1")
    assert found.status == "fail"
    assert_quoted(text, found, FIRST)
    assert found.evidence == "You must not publish the weights."


def test_unmark_keeps_offsets_and_link_text() -> None:
    text = "Register [here](https://example.com/my_form) and `run` **it**; * item"
    plain = unmark(text)
    assert len(plain) == len(text)
    assert (
        " ".join(plain.split()) == "Register here (https://example.com/my_form) and run it ; * item"
    )


def test_an_html_comment_is_read_as_text() -> None:
    text = GRANT + "<!-- Commercial use is prohibited. -->\n"
    found = finding(analyse(text), "non-commercial", "OSD6")
    assert found.status == "fail"
    assert_quoted(text, found, FIRST)
    assert found.evidence == "Commercial use is prohibited."


# --- 3. a negated subject -------------------------------------------------------------------

NEGATED_SUBJECTS = [
    ("No portion of the Software may be used for commercial purposes.", "non-commercial", "OSD6"),
    ("No part of the Model may be redistributed.", "no-redistribution", "OSD1"),
    ("None of the outputs may be used to train any other model.", "no-model-improvement", "OSD6"),
]


@pytest.mark.parametrize(("sentence", "rule", "criterion"), NEGATED_SUBJECTS)
def test_a_negated_subject_forbids_like_may_not(sentence: str, rule: str, criterion: str) -> None:
    text = GRANT + sentence + "\n"
    found = finding(analyse(text), rule, criterion)
    assert found.status == "fail"
    assert_quoted(text, found, FIRST)


def test_no_later_than_is_not_a_negated_subject() -> None:
    text = GRANT + "No later than 30 days after release, you must publish the weights.\n"
    assert analyse(text).failing == ()
