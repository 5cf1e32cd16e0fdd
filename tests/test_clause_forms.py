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


# --- 4-6. registration, kinds of licensee, the ethical-license family ------------------------

CAUGHT = [
    # 4. registration before use or download (OSD7)
    (
        "You must register [here](https://example.com/f) before downloading.",
        "registration-required",
        "OSD7",
    ),
    (
        "You must create an account and complete the form before using the Model.",
        "registration-required",
        "OSD7",
    ),
    ("Access to the weights requires an Acme Cloud account.", "registration-required", "OSD7"),
    ("The Model is available only to registered users.", "registration-required", "OSD7"),
    # 5. licensees excluded or admitted by their kind (OSD5)
    ("Only non-commercial organisations may use the Model.", "excluded-entity-kind", "OSD5"),
    ("Licensees must be individuals or academic institutions.", "excluded-entity-kind", "OSD5"),
    (
        "The license is not available to any organisation that derives a majority of its income "
        "from advertising.",
        "excluded-entity-kind",
        "OSD5",
    ),
    ("Law enforcement may not use the Model.", "excluded-group", "OSD5"),
    ("The Model may not be used by the military.", "excluded-group", "OSD5"),
    ("This license is void for entities with more than 100 employees.", "size-threshold", "OSD5"),
    (
        "Companies with annual revenue above $5 million need a separate license.",
        "size-threshold",
        "OSD5",
    ),
    # 6. ethical-license conditions on fields of conduct (OSD6)
    (
        "The rights granted are subject to the Licensee's compliance with the Human Rights Laws.",
        "ethical-conduct",
        "OSD6",
    ),
    (
        "The Licensee accepts a Duty of Care towards Supply Chain Impacted Parties.",
        "ethical-conduct",
        "OSD6",
    ),
    (
        "This license does not grant permission to use the Model for weapons.",
        "ethical-conduct",
        "OSD6",
    ),
    # appended sentences and markup
    ("This license does not permit use for commercial purposes.", "non-commercial", "OSD6"),
    ("This license terminates automatically upon any for-profit use.", "non-commercial", "OSD6"),
    (
        "Use of the Model is subject to the Acceptable Use Policy at https://example.com/aup.",
        "use-policy",
        "OSD6",
    ),
    (
        "You may not use the outputs of the Model to improve any other model.",
        "no-model-improvement",
        "OSD6",
    ),
    ("Commercial use is prohibited.", "non-commercial", "OSD6"),
    ("| Use | Commercial use is prohibited |", "non-commercial", "OSD6"),
    ("[^1]: Commercial use is not permitted.", "non-commercial", "OSD6"),
    ("Die kommerzielle Nutzung ist untersagt.", "non-commercial", "OSD6"),
    ("Toute utilisation commerciale est interdite.", "non-commercial", "OSD6"),
]


@pytest.mark.parametrize(("sentence", "rule", "criterion"), CAUGHT)
def test_an_appended_restriction_fails_its_criterion(
    sentence: str, rule: str, criterion: str
) -> None:
    text = GRANT + sentence + "\n"
    found = finding(analyse(text), rule, criterion)
    assert found.status == "fail"
    assert_quoted(text, found, FIRST)


def test_an_ethical_license_list_fails_osd5_for_kinds_and_osd6_for_conduct() -> None:
    text = GRANT + (
        "The Licensee SHALL NOT, whether directly or indirectly, through agents or assigns:\n"
        "1. Hold any person in servitude or forced labor;\n"
        "2. Be an individual or entity that engages in fossil fuel extraction.\n"
    )
    analysis = analyse(text)
    conduct = finding(analysis, "ethical-conduct", "OSD6")
    kind = finding(analysis, "excluded-entity-kind", "OSD5")
    assert conduct.status == kind.status == "fail"
    assert_quoted(text, conduct, FIRST + 1)
    assert_quoted(text, kind, FIRST + 2)


def test_a_heading_naming_a_restriction_needs_review() -> None:
    text = GRANT + "## Non-commercial use only\n\nSee the terms below.\n"
    analysis = analyse(text)
    found = finding(analysis, "restricted-heading", "OSD6")
    assert analysis.status("OSD6") == "unknown"
    assert_quoted(text, found, FIRST)


# --- 7. what only looks like an exclusion ---------------------------------------------------

NOT_EXCLUSIONS = [
    # a governing law, and a definition of a jurisdiction, with the regions it leaves out
    "This License is governed by the laws of the People's Republic of China (excluding Hong Kong, "
    "Macau and Taiwan).",
    '"Territory" means the People\'s Republic of China (excluding Hong Kong, Macau and Taiwan).',
    # a definition of an affiliate names entities but excludes none
    '"Affiliate" means any entity that controls, is controlled by, or is under common control '
    "with you.",
    "You do not need to register or create an account to use the Model.",
    "## Commercial and non-commercial use",
]


@pytest.mark.parametrize("sentence", NOT_EXCLUSIONS)
def test_a_non_exclusion_produces_no_finding(sentence: str) -> None:
    assert analyse(GRANT + sentence + "\n").findings == ()


def test_an_excluded_territory_is_still_caught_next_to_a_carve_out() -> None:
    text = GRANT + (
        "The license is not granted to residents of the European Union or of the People's "
        "Republic of China (excluding Hong Kong).\n"
    )
    found = finding(analyse(text), "excluded-territory", "OSD5")
    assert_quoted(text, found, FIRST)
