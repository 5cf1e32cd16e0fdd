"""Chinese text for the clause engine: normalisation, sentence ends, list markers, modality.

Most licenses of Chinese model vendors are Chinese-first or bilingual, and Chinese writes no
space between words, ends sentences with 。 and fullwidth ! ? ; and numbers clauses 一、, (一),
第三条. The
English segmenter sees such a paragraph as one run-on sentence and its modal words ("may not")
never occur, so every rule stays silent and the text passes. This module gives segment.py what
it needs to read Chinese the way it reads English; it imports nothing of the engine, so that
segment.py can call it without a cycle, and it is only consulted for texts that hold Han
characters (an English text never pays for it: its patterns are compiled on first use, which
saves a process ~20 ms of compiling Unicode ranges it would not read).
"""

from __future__ import annotations

from licheck.clauses.patterns import LazyPattern, lazy_pattern

# Han ideographs (CJK Unified, Extension A, Compatibility): what makes a clause Chinese.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = lazy_pattern(f"[{HAN_CLASS}]")
# Anything the table below rewrites, or a Han character: the test for "take the CJK path".
_WIDE = lazy_pattern(f"[\u3000-\u303f\uff00-\uffef{HAN_CLASS}]")


def _table() -> dict[int, str]:
    """One-to-one replacements (offsets and line numbers stay right, as in segment._TRANSLATE).

    Fullwidth ASCII forms (punctuation, brackets, digits) become ASCII, so that patterns and
    list markers are written once; the ideographic space is a space; corner quotes are quotes. A few
    traditional characters that carry the legal concepts become their simplified forms, so that
    one rule reads both 商業授權 and 商业授权 (Taiwan, Hong Kong and Hunyuan-style texts).
    """
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for char in "\u300c\u300d\u300e\u300f":  # 「」『』
        table[ord(char)] = '"'
    traditional = (
        "業业許许權权發发轉转協协議议複复製制經经須须應应僅仅營营戶户億亿萬万與与為为於于"
        "訓训練练進进輸输區区國国書书請请註注冊册簽签終终銷销時时無无獲获證证責责擔担條条"
        "規规範范軍军損损賠赔償偿費费資资產产務务開开買买賣卖讓让傳传處处據据運运對对後后"
        "個个們们這这則则並并禁禁構构衍衍改改佈布發发允允準准獨独樣样擁拥從从將将於于歸归"
        "數数網网絡络離离啟启"
    )
    for trad, simp in zip(traditional[::2], traditional[1::2], strict=True):
        if trad != simp:
            table[ord(trad)] = simp
    return table


TABLE = _table()


def has_wide(text: str) -> bool:
    """Whether `text` holds Han characters or fullwidth forms (then TABLE applies)."""
    return _WIDE.search(text) is not None


# --- segmentation ---------------------------------------------------------------------------

# A sentence ends after 。 or, once fullwidth forms are ASCII, after ! ? ; written right after a
# Han character or a closing bracket or quote (English "a; b" keeps its space and its splitter).
_SENTENCE_END = lazy_pattern(f"(?:\u3002|(?<=[{HAN_CLASS})\"'])[!?;])[\"')\\]]*")
_NUMERAL = "一二三四五六七八九十百零〇"
# 第三条, 第一章, 一、, (一), 1、, 1., 1.1, (1), each followed by a Han character or a quote.
LIST_MARKER = lazy_pattern(
    f"[ ]*(?:第[{_NUMERAL}\\d]{{1,5}}[条章节款项部](?:分)?|[{_NUMERAL}]{{1,3}}[、.]"
    f"|\\([{_NUMERAL}\\d]{{1,3}}\\)|\\d{{1,3}}(?:\\.\\d{{1,3}}){{0,3}}[、.)]?)[ ]*"
    f'(?=[{HAN_CLASS}"])'
)
_PUNCTUATION = frozenset("\u3002;:,!?\u3001")
_HEADING_WORDS = lazy_pattern("不得|禁止|须|应当|必须|可以|是指|不可|不能")


def split_spans(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans of a paragraph, each cut again after a Chinese sentence end."""
    result: list[tuple[int, int]] = []
    for start, end in spans:
        cursor = start
        for match in _SENTENCE_END.finditer(norm, start, end):
            cut = match.end()
            while cut < end and norm[cut] == " ":
                cut += 1
            if cut >= end:
                break
            result.append((cursor, cut))
            cursor = cut
        result.append((cursor, end))
    return result


def is_heading_line(stripped: str) -> bool:
    """A short Chinese line that names a section: "第三条 使用限制", "三、限制", "免责声明"."""
    if not HAN.search(stripped) or len(stripped) > 40:
        return False
    marker = LIST_MARKER.match(stripped)
    rest = stripped[marker.end() :] if marker else stripped
    rest = rest.strip()
    if not rest or len(rest) > (20 if marker else 8):
        return False
    return not any(char in _PUNCTUATION for char in rest) and not _HEADING_WORDS.search(rest)


_SPACE_IN_HAN = lazy_pattern(f"(?<=[{HAN_CLASS}\u3001\u3002,;:]) (?=[{HAN_CLASS}])")


def join_wrapped(text: str) -> str:
    """A clause without the spaces that hard-wrapped lines put between Chinese characters."""
    return _SPACE_IN_HAN.sub("", text)


# --- modality -------------------------------------------------------------------------------

# What a clause is, read from Chinese modal words. The order of MARKERS is the order of
# precedence (as in segment._modality): a disclaimer ("不承担责任") before a prohibition, a
# prohibition ("不得") before a limitation ("仅"), a condition ("须") before a permission ("可以").
# 不可 before 转让/撤销/再许可 is an adjective of the grant ("non-transferable"), not a ban.
_DEFINITION = lazy_pattern(
    f'^[^{HAN_CLASS}"]{{0,12}}(?:本(?:协议|许可|许可证)中[,]?)?'
    f'(?:"[^"]{{1,40}}"(?:\\s*\\([^)]{{0,60}}\\))?(?:\\s*(?:或|和|、)\\s*"[^"]{{1,40}}")*'
    f"\\s*(?:[,:]\\s*)?(?:是指|系指|意指|指的是|指|意为|包括)"
    f"|[{HAN_CLASS}]{{1,12}}(?:是指|系指|意指))"
)
MARKERS: tuple[tuple[str, LazyPattern], ...] = (
    (
        "disclaimer",
        lazy_pattern(
            '原样|"?按"?现状|不(?:作|做|提供)(?:出)?任何[^\u3002;]{0,16}(?:保证|担保|承诺)'
            "|(?:不|无)(?:承担|负)[^\u3002;]{0,20}责任|不对[^\u3002;]{0,60}(?:负责|承担|担保)"
            "|免责|适销性|特定用途的适用性|不保证"
        ),
    ),
    (
        "prohibition",
        lazy_pattern(
            "不得|禁止|不允许|不准|严禁|不能|不应|切勿|请勿|无权|不被授权|未被授予|不授予"
            "|(?:同意|承诺|保证)(?:不|绝不)|不(?:会)?将|不用于"
            "|不可(?!转让|再许可|分许可|撤销|撤回|分割|抗力)|未经[^\u3002;]{0,30}(?:同意|许可|授权|批准)"
        ),
    ),
    ("limitation", lazy_pattern("仅|只能|只可|只限|唯一|(?<!不)限于|专供")),
    (
        "condition",
        lazy_pattern(
            "应当|应该|必须|(?<!必)须|需要|需(?!求)|务必|如果|如您|若|倘若|一旦|前提是|前提下"
            "|条件是|除非|只要|方可|才能|才可|(?<=您|你)应|(?<=方)应"
        ),
    ),
    (
        "permission",
        lazy_pattern(
            "授予|特此许可|可以|有权|(?<!不)允许|准许|获准|免费使用"
            "|(?<![不许])可(?:免费)?(?:使用|复制|修改|分发|再分发|商用|用于|将)"
        ),
    ),
)


def is_definition(text: str) -> bool:
    """Whether a Chinese clause defines a term ('"许可方"是指…', '本协议中, "材料"指…')."""
    return _DEFINITION.match(text) is not None


def markers(text: str) -> set[str]:
    """The modalities whose Chinese markers occur in `text` (see MARKERS)."""
    return {name for name, pattern in MARKERS if pattern.search(text)}


# --- evidence -------------------------------------------------------------------------------

# A Chinese sentence is one "word" to str.split(); a quote is cut by characters instead.
MAX_QUOTE_CHARS = 120


def trim_quote(quote: str, anchor: int | None) -> str:
    """`quote` cut to MAX_QUOTE_CHARS around `anchor` (an approximate offset into it)."""
    if len(quote) <= MAX_QUOTE_CHARS:
        return quote
    first = 0 if anchor is None else max(0, min(anchor - 30, len(quote) - MAX_QUOTE_CHARS))
    head = "\u2026 " if first > 0 else ""
    tail = " \u2026" if first + MAX_QUOTE_CHARS < len(quote) else ""
    return f"{head}{quote[first : first + MAX_QUOTE_CHARS]}{tail}"
