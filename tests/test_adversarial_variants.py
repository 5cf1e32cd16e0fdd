"""The variant generators of benchmarks/adversarial.py: each does what its name says.

The benchmark's figures mean something only if a disguise keeps the words and a restriction
adds its sentence; these tests check that on small texts written here.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import variants

TEXT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files, to deal in the Software\n"
    "without restriction.\n"
    "\n"
    "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND.\n"
)


def _words(text: str) -> list[str]:
    return text.split()


def test_zero_width_space_inside_every_word_of_four_letters_or_more() -> None:
    result = variants.zero_width(TEXT, 1)
    for word in re.findall(r"\S+", result):
        letters = re.sub(r"[^\w\u200b]", "", word)
        plain = letters.replace("\u200b", "")
        if len(plain) >= 4 and plain.isalpha():
            assert "\u200b" in letters[1:-1], word
        else:
            assert "\u200b" not in word, word
    assert result.replace("\u200b", "") == TEXT


def test_soft_hyphen_removed_gives_the_text_back() -> None:
    result = variants.soft_hyphen(TEXT, 1)
    assert result.count("\u00ad") == len(re.findall(r"[^\W\d_]{4,}", TEXT))
    assert result.replace("\u00ad", "") == TEXT


def test_homoglyph_changes_letters_and_mapping_back_gives_the_original() -> None:
    result = variants.homoglyph(TEXT, 1)
    assert result != TEXT
    assert any(ch in variants.LATIN_OF for ch in result)
    folded = unicodedata.normalize("NFKC", result)
    assert "".join(variants.LATIN_OF.get(ch, ch) for ch in folded) == TEXT


def test_homoglyph_touches_every_word_that_has_a_look_alike() -> None:
    result = variants.homoglyph(TEXT, 7)
    for before, after in zip(_words(TEXT), _words(result), strict=True):
        if any(ch in variants.HOMOGLYPHS for ch in before):
            assert before != after, before


def test_hyphen_breaks_wrap_near_sixty_columns_and_rejoin_to_the_same_words() -> None:
    long_text = TEXT * 4
    result = variants.hyphen_breaks(long_text, 3)
    assert "-\n" in result
    assert all(len(line) <= variants.WRAP_WIDTH + 4 for line in result.split("\n"))
    assert _words(variants.rejoin_breaks(result)) == _words(long_text)


def test_hyphen_breaks_keep_paragraphs() -> None:
    result = variants.hyphen_breaks(TEXT, 3)
    assert result.count("\n\n") == TEXT.count("\n\n")


@pytest.mark.parametrize(
    ("name", "sentences"),
    [
        ("restrict-en", variants.RESTRICTIONS_EN),
        ("restrict-de", (variants.RESTRICTION_DE,)),
        ("restrict-fr", (variants.RESTRICTION_FR,)),
        ("restrict-zh", variants.RESTRICTIONS_ZH),
        ("restrict-ja", (variants.RESTRICTION_JA,)),
        ("restrict-table", (variants.TABLE_ROW,)),
        ("restrict-footnote", (variants.FOOTNOTE,)),
        ("restrict-heading", (variants.HEADING,)),
        ("restrict-html-comment", (variants.HTML_COMMENT,)),
    ],
)
def test_each_restriction_variant_contains_its_sentence(
    name: str, sentences: tuple[str, ...]
) -> None:
    result = variants.VARIANTS[name](TEXT, 5)
    assert sum(s in result for s in sentences) == 1
    assert all(line in result for line in TEXT.splitlines() if line)


def test_english_restrictions_vary_with_the_seed() -> None:
    chosen = {variants.restrict_en(TEXT, seed).splitlines()[-1] for seed in range(50)}
    assert chosen == set(variants.RESTRICTIONS_EN)


def test_table_has_a_header_and_footnote_a_marker() -> None:
    table = variants.restrict_table(TEXT, 0)
    assert "|---|---|" in table
    footnote = variants.restrict_footnote(TEXT, 0)
    assert footnote.splitlines()[0].endswith("[^1]")


@pytest.mark.parametrize("name", sorted(variants.VARIANTS))
def test_deterministic_for_a_seed(name: str) -> None:
    make = variants.VARIANTS[name]
    assert make(TEXT, 42) == make(TEXT, 42)


@pytest.mark.parametrize("name", ["zero-width", "soft-hyphen", "homoglyph"])
def test_another_seed_gives_another_disguise(name: str) -> None:
    make = variants.VARIANTS[name]
    assert make(TEXT, 1) != make(TEXT, 2)


def test_original_is_the_text() -> None:
    assert variants.original(TEXT, 0) == TEXT
