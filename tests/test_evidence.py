"""Folding a text for quote lookup keeps each word's offset and line (engine.evidence)."""

from __future__ import annotations

from hypothesis import given
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
