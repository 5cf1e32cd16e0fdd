"""The fast forms of normalisation give what their plain forms give, on any text.

knowledge.normalise runs its line-start patterns from a literal newline, finds inline list
letters from the "." or ")" after them, and hashes n-grams from 25-bit terms (all for speed,
issue 17). Each test below writes the plain form out (the "^" pattern, the space-led pattern,
the full-width arithmetic) and checks the shipped form against it on generated texts, so a
change to one of the shipped patterns that breaks the equivalence fails here.
"""

from __future__ import annotations

import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licheck.knowledge import normalise as n
from licheck.knowledge.index import HASH_MASK

# The characters these patterns turn on, plus a few that are not (a text mostly of these makes
# line starts, bullets, list letters and copyright notices common).
_ALPHABET = " \t\n.)(abcivxz19©-*#>|;:,'CopyrightCOPYRIGHTby2024"
_TEXTS = st.text(alphabet=_ALPHABET, max_size=200)
_PROSE = st.lists(
    st.sampled_from(
        ["\n", " ", "\t", "a.", "iv)", "ii.", "viii.", "xiv)", "x", "(c)", "©", "Copyright",
         "COPYRIGHT", "by", "2001", "-", "*", "#", "> ", "1.", "2.1.", "(a)", "Meta", "the",
         "law", ".", " \n"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


def _plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The "^" form of a "\\n"-led line-start pattern."""
    assert pattern.pattern.startswith("\\n")
    return re.compile("^" + pattern.pattern[2:], pattern.flags)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXTS, _PROSE))
def test_line_start_patterns_match_as_their_caret_forms(text: str) -> None:
    for pattern in (n._COPYRIGHT, n._COPYRIGHT_PREFIX, n._BULLET):
        assert n._sub_lines(pattern, text) == _plain(pattern).sub(" ", text)


def test_line_start_patterns_blank_the_first_line_and_keep_the_line_count() -> None:
    text = "Copyright (c) 2024 Meta.\n- one\n  2. two\nCopyright law applies.\n"
    blanked = n._sub_lines(n._BULLET, n._sub_lines(n._COPYRIGHT, text))
    assert blanked == " \n  one\n  two\nCopyright law applies.\n"


_PLAIN_LETTER = re.compile(r"[ \t](?:[a-z]|[ivx]{2,4})[.)](?=\s)")


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXTS, _PROSE))
def test_inline_letters_are_dropped_as_the_space_led_pattern_drops_them(text: str) -> None:
    assert n._drop_letters(text) == _PLAIN_LETTER.sub(" ", text)


def test_inline_letters_dropped_in_a_reflowed_list() -> None:
    text = "you may: a. copy it; iv) share it; viii) keep it; xiv. sell; abc. no\n"
    assert n._drop_letters(text) == "you may:  copy it;  share it;  keep it;  sell; abc. no\n"


_WORDS = st.lists(st.sampled_from(["licence", "license", "the", "a", "x", "ß", "名", "2"]))


@given(_WORDS)
def test_gram_hashes_are_the_full_width_formula(words: list[str]) -> None:
    def crc(word: str) -> int:
        return zlib.crc32(n.VARIANTS.get(word, word).encode("utf-8"))

    if len(words) < 3:
        expected = [((crc(words[0]) * 1_000_003) ^ len(words)) & HASH_MASK] if words else []
    else:
        expected = [
            (crc(a) * 0x9E3779B1 + crc(b) * 0x85EBCA77 + crc(c)) >> 5 & HASH_MASK
            for a, b, c in zip(words, words[1:], words[2:], strict=False)
        ]
    assert n.gram_hashes(words) == expected


def test_gram_hashes_are_the_same_when_the_token_cache_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = ["a", "new", "word", "flood", "of", "unseen", "words", "a", "new"]
    expected = n.gram_hashes(words)
    monkeypatch.setattr(n, "_PARTS", {})
    monkeypatch.setattr(n, "_CACHED_TOKENS", 0)  # nothing can be kept
    assert n.gram_hashes(words) == expected
    assert n._PARTS == {}


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_tokens_are_the_token_pattern_s_words(text: str) -> None:
    # Any ASCII, upper case and control characters included: they separate words, as in _TOKEN.
    assert n.tokens(text) == n._TOKEN.findall(text)


def test_tokens_of_a_text_beyond_ascii_keep_its_letters_and_cut_cjk_per_character() -> None:
    assert n.tokens("la licence «modèle» 許可 v2.0") == [
        "la", "licence", "modèle", "許", "可", "v2", "0"
    ]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXTS, _PROSE, _PROSE.map(str.lower)))
def test_a_text_without_a_copyright_word_has_no_copyright_line_to_blank(text: str) -> None:
    # normalise skips both copyright patterns unless "Copyright", "COPYRIGHT" or "©" is there.
    if not ("Copyright" in text or "COPYRIGHT" in text or "©" in text):
        for pattern in (n._COPYRIGHT, n._COPYRIGHT_PREFIX):
            assert n._sub_lines(pattern, text) == text


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXTS, _PROSE, st.text(alphabet="(0123456789.) \tivxab\n", max_size=60)))
def test_inline_bullets_of_an_ascii_text_are_the_unicode_pattern_s(text: str) -> None:
    # 0-9 for \d: the same on ASCII, where no other decimal digit can stand.
    if text.isascii():
        assert n._INLINE_BULLET_ASCII.sub(" ", text) == n._INLINE_BULLET.sub(" ", text)
