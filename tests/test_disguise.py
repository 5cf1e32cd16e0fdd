"""Disguised license texts and ids come back as a reader sees them, on the same lines.

Every string here is ours; non-Latin look-alikes are written as escapes so the test reads
unambiguously (a raw Cyrillic "a" would be a disguise in this very file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licheck.knowledge.disguise import Disguise, Undisguised, fold_identifier, undisguise

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ZWSP, SHY = "\u200b", "\u00ad"


def kinds(result: Undisguised) -> list[str]:
    return [d.kind for d in result.disguises]


def only(result: Undisguised, kind: str) -> Disguise:
    [found] = [d for d in result.disguises if d.kind == kind]
    return found


def test_zero_width_space_in_every_word_is_removed() -> None:
    text = "You " + ZWSP.join("must") + " not " + ZWSP.join("use") + " it"
    result = undisguise(text, markup=False)
    assert result.text == "You must not use it"
    assert only(result, "invisible").count == 5
    assert only(result, "invisible").example == "U+200B ZERO WIDTH SPACE"


def test_zero_width_space_between_every_letter_gives_the_plain_word() -> None:
    assert undisguise(ZWSP.join("noncommercial")).text == "noncommercial"


def test_soft_hyphen_inside_every_word_joins_it() -> None:
    result = undisguise(f"non{SHY}commer{SHY}cial re{SHY}search", markup=False)
    assert result.text == "noncommercial research"
    assert only(result, "invisible").count == 3


def test_cyrillic_lookalikes_in_a_latin_name_are_folded_and_located() -> None:
    text = "Preamble\n\nLl\u0430m\u0430 2 C\u043emmunity Li\u0441ense"
    result = undisguise(text, markup=False)
    assert result.text == "Preamble\n\nLlama 2 Community License"
    found = only(result, "look-alike")
    assert (found.count, found.first_line) == (4, 3)
    assert found.example.startswith("U+0430 CYRILLIC SMALL LETTER A for 'a'")


def test_a_word_written_wholly_in_lookalikes_is_folded_in_an_english_text() -> None:
    text = "You may \u0441\u043e\u0440\u0443 the model for research only."
    assert undisguise(text, markup=False).text == "You may copy the model for research only."


def test_latin_small_capitals_and_greek_capitals_are_folded() -> None:
    result = undisguise("\u1d0d\u026a\u1d1b and \u0391\u0399 models", markup=False)
    assert result.text == "mit and AI models"
    assert only(result, "look-alike").count == 5


def test_a_russian_sentence_is_left_intact() -> None:
    text = (
        "\u042d\u0442\u043e \u043b\u0438\u0446\u0435\u043d\u0437\u0438\u044f \u043d\u0430 "
        "\u0438\u0441\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u043d\u0438\u0435 "
        "\u043c\u043e\u0434\u0435\u043b\u0438 \u0441 "
        "\u043e\u0442\u043a\u0440\u044b\u0442\u044b\u043c "
        "\u043a\u043e\u0434\u043e\u043c \u0438 \u0442\u043e \u0447\u0442\u043e \u0440\u0430\u0441"
    )
    result = undisguise(text)
    assert result.text == text
    assert result.disguises == ()


def test_a_chinese_sentence_with_its_punctuation_is_left_intact() -> None:
    text = (
        "\u672c\u8bb8\u53ef\u8bc1\u6388\u4e88\u60a8\u4f7f\u7528\u6a21\u578b\uff0c"
        "\u5305\u62ec\uff1a\u5546\u4e1a\u7528\u9014\uff1b\u7981\u6b62\u519b\u4e8b"
        "\u7528\u9014\u3002\u3000"
    )
    result = undisguise(text)
    assert result.text == text
    assert result.disguises == ()


def test_fullwidth_latin_letters_become_ascii() -> None:
    result = undisguise("\uff2d\uff29\uff34 License", markup=False)
    assert result.text == "MIT License"
    assert only(result, "compatibility").count == 3


def test_nbsp_is_a_space_and_no_disguise() -> None:
    result = undisguise("MIT\u00a0License", markup=False)
    assert result.text == "MIT License"
    assert result.disguises == ()


def test_bidi_override_is_removed_and_reported() -> None:
    result = undisguise("access = \u202eresu\u202c granted", markup=False)
    assert result.text == "access = resu granted"
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in only(result, "invisible").example
    assert result.suspicious == result.disguises


def test_nested_markdown_emphasis_is_stripped() -> None:
    result = undisguise("You ***must not* publish**")
    assert result.text == "You must not publish"
    assert result.suspicious == ()
    assert kinds(result) == ["markup"]


def test_a_link_keeps_its_text_and_its_url() -> None:
    result = undisguise("You must register [here](https://example.com/use_policy).")
    assert result.text == "You must register here (https://example.com/use_policy)."


def test_html_comment_content_is_kept_on_its_lines() -> None:
    text = "Grant.\n<!-- no military use -->\n<!--\nno use in weapons\n-->"
    result = undisguise(text)
    assert result.text.split("\n") == ["Grant.", " no military use ", "", "no use in weapons", ""]


def test_html_tags_go_and_their_text_stays() -> None:
    assert undisguise("You <b>must not</b> deploy&nbsp;it.").text == "You must not deploy it."


def test_a_table_row_reads_as_clauses_and_its_rule_is_blanked() -> None:
    text = "| Use | Allowed |\n|---|:---:|\n| commercial use | no |"
    assert undisguise(text).text == "Use ; Allowed\n\ncommercial use ; no"


def test_heading_and_list_markers_stay() -> None:
    text = "# Terms\n* **Note**: read\n- item"
    assert undisguise(text).text == "# Terms\n* Note: read\n- item"


def test_intraword_underscore_and_url_underscores_stay() -> None:
    text = "set model_name, see https://example.com/_terms_/v1 and _this_"
    assert undisguise(text).text == "set model_name, see https://example.com/_terms_/v1 and this"


def test_word_hyphenated_across_lines_is_joined_on_the_first_line() -> None:
    result = undisguise("for non-\ncommercial, research\nuse", markup=False)
    assert result.text == "for noncommercial,\nresearch\nuse"
    assert only(result, "hyphenation").first_line == 1
    assert result.suspicious == ()


@pytest.mark.parametrize("end", ["-", "- ", "-\t", "\u2010", "\u2010 \t"])
def test_a_hyphen_at_a_line_end_after_spaces_or_as_u2010_still_joins(end: str) -> None:
    result = undisguise(f"for non{end}\ncommercial use", markup=False)
    assert result.text == "for noncommercial\nuse"


def test_list_items_and_rules_are_not_joined() -> None:
    text = "Terms\n---\n- item one\nwell -\n- item two"
    assert undisguise(text, markup=False).text == text


def test_crlf_line_endings_are_kept() -> None:
    text = "a\r\nb\u200bc\r\nnon-\r\ncommercial\r"
    result = undisguise(text)
    assert result.text == "a\r\nbc\r\nnoncommercial\r\n\r"
    assert only(result, "invisible").first_line == 2


def test_a_bom_at_the_start_is_dropped_silently_but_not_inside() -> None:
    assert undisguise("\ufeffMIT License").disguises == ()
    assert only(undisguise("MIT\n\ufeffLicense"), "invisible").first_line == 2


def test_tag_characters_are_removed_and_their_hidden_text_quoted() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "no use")
    result = undisguise(f"Permission{hidden} granted.")
    assert result.text == "Permission granted."
    assert "spell 'no use'" in only(result, "invisible").example


def test_emoji_joiners_are_not_disguises() -> None:
    text = "\U0001f468\u200d\U0001f469 \u2764\ufe0f"
    assert undisguise(text).disguises == ()


def test_fold_identifier_folds_a_cyrillic_a() -> None:
    skeleton, found = fold_identifier("ll\u0430ma2")
    assert skeleton == "llama2"
    assert [(d.kind, d.count, d.first_line) for d in found] == [("look-alike", 1, 1)]


def test_fold_identifier_strips_invisibles_and_fullwidth() -> None:
    skeleton, found = fold_identifier("\uff2d\u200bIT")
    assert skeleton == "MIT"
    assert sorted(d.kind for d in found) == ["compatibility", "invisible"]


def test_plain_ascii_is_unchanged_and_clean() -> None:
    text = "Permission is hereby granted, free of charge,\nto any person obtaining a copy.\n"
    for markup in (True, False):
        result = undisguise(text, markup=markup)
        assert result.text == text
        assert result.disguises == ()


def test_examples_are_printable() -> None:
    text = "a\u200bb \u202ex\x1b \uff2d C\u043epy <b>x</b> non-\ncom\x1bmercial"
    for found in undisguise(text).disguises:
        assert found.example.isprintable(), found


@given(st.text())
def test_any_text_keeps_its_line_count(text: str) -> None:
    for markup in (True, False):
        result = undisguise(text, markup=markup)
        assert result.text.count("\n") == text.count("\n")
        assert result.text.count("\r") == text.count("\r")
        assert all(d.example.isprintable() for d in result.disguises)


@given(st.text(alphabet=st.sampled_from("ab -\n*_`[]()<>!&|~#\u200b\u00ad\u0430\uff21")))
def test_markup_heavy_text_keeps_its_line_count(text: str) -> None:
    assert undisguise(text).text.count("\n") == text.count("\n")


@given(st.text())
def test_fold_identifier_never_raises(text: str) -> None:
    skeleton, found = fold_identifier(text)
    assert skeleton.count("\n") == text.count("\n")
    assert all(isinstance(d, Disguise) for d in found)


def test_corpus_texts_keep_lines_and_are_rarely_disguised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS} (it lives beside the repo)")
    paths = [*CORPUS.glob("spdx/*.txt"), *CORPUS.glob("ai/*.txt"), *CORPUS.glob("wild/*")]
    reported: dict[str, list[str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        result = undisguise(text, markup=False)
        assert result.text.count("\n") == text.count("\n"), path
        hostile = [d for d in result.disguises if d.kind in ("look-alike", "invisible")]
        if hostile:
            reported[path.name] = [
                f"{d.kind} x{d.count} line {d.first_line}: {d.example}" for d in hostile
            ]
    with capsys.disabled():
        for name, why in sorted(reported.items()):
            print(f"\n{name}: " + "; ".join(why))
    assert len(paths) > 100
    assert len(reported) <= 5, sorted(reported)


def test_words_broken_across_lines_can_be_left_to_the_reader() -> None:
    text = "see ai.meta.com/resources/models-and-\nlibraries/ for the non-\nexclusive grant\n"
    assert undisguise(text, markup=False, hyphenation=False).text == text


_PLAIN_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from("ab \t-\n\r.*_"), max_size=60),
    st.text(alphabet=st.sampled_from("ab \t-\n\u2010\u0430\u200b\ufeff\uff21"), max_size=30),
)


@given(_PLAIN_TEXT, st.booleans())
def test_a_plain_text_left_whole_is_what_reading_it_line_by_line_gives(
    text: str, hyphenation: bool
) -> None:
    # undisguise returns an ASCII text untouched when no line of it can change.
    from licheck.knowledge.disguise import _undisguise_lines

    expected = _undisguise_lines(text, markup=False, hyphenation=hyphenation)
    assert undisguise(text, markup=False, hyphenation=hyphenation) == expected
