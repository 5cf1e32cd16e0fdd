"""Folding a text for quote lookup keeps each word's offset and line (engine.evidence)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from licheck.engine.evidence import _WORD, _fold_text, locate


@given(st.text(alphabet="ab $%.\n\tÉß1", max_size=120))
def test_each_folded_word_starts_at_its_offset_and_stands_on_its_line(text: str) -> None:
    folded = _fold_text(text)
    words = folded.joined.split(" ") if folded.joined else []
    assert len(words) == len(folded.starts) == len(folded.lines)
    lines = text.casefold().split("\n")
    for word, start, line in zip(words, folded.starts, folded.lines, strict=True):
        assert folded.joined[start : start + len(word)] == word
        assert word in _WORD.findall(lines[line - 1])


def test_a_quote_is_found_at_its_lines() -> None:
    text = "Title\n\nYou may not use the\nModel for  military purposes.\n"
    assert locate("you may not use the model for military purposes", text) == (3, 4)
    assert locate("you may not sell the model", text) is None


def _fold_by_pattern(text: str) -> tuple[str, tuple[int, ...]]:
    """_fold_text's words and lines as _WORD finds them, line by line (its plain form)."""
    words: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.casefold().split("\n"), 1):
        found = _WORD.findall(line)
        words.extend(found)
        lines.extend([number] * len(found))
    return " ".join(words), tuple(lines)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="ab_$%.\n\t ,;()-'\u201c\u201d\u2014\u2028\x0bÉß1", max_size=120),
        st.text(max_size=60),
    )
)
def test_folding_by_translation_finds_the_word_pattern_s_words_on_their_lines(text: str) -> None:
    # The ASCII path (str.translate, split, dots joined) and the pattern agree on any text.
    folded = _fold_text(text)
    assert (folded.joined, folded.lines) == _fold_by_pattern(text)


def test_a_text_with_letters_beyond_ascii_is_folded_by_the_pattern() -> None:
    folded = _fold_text("Licence «modèle» v2.0.\nÉtat.. fin")
    assert folded.joined == "licence modèle v2.0 état fin"
    assert folded.lines == (1, 1, 1, 2, 2)
