"""The clause engine on Chinese text: each concept caught on the right criterion and line, each
non-restriction left alone, Chinese segmentation, and the spans it cannot read reported.

Every text here is a short one we wrote to show one clause form seen in Chinese model licenses;
none is a real license.
"""

# Chinese is written with fullwidth commas, semicolons and brackets: these texts test them.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from licheck.clauses.analysis import TextAnalysis, analyse
from licheck.clauses.segment import MAX_CLAUSE_CHARS, segment

# A grant first, so that the text grants rights and only the clause under test can fire.
HEAD = (
    "示例模型许可协议\n"
    "\n"
    "许可方特此授予您非排他性、全球性、不可转让、免版税的许可，您可以使用、复制、修改和分发本模型。\n"
    "\n"
)
CLAUSE_LINE = 5


def judge(clause: str) -> TextAnalysis:
    return analyse(HEAD + clause + "\n", path="LICENSE")


def rules_of(analysis: TextAnalysis) -> set[tuple[str | None, str, str]]:
    return {(f.rule, f.criterion, f.status) for f in analysis.findings}


# --- concepts that break the OSD: (clause, rule, criterion, status) --------------------------

CAUGHT = [
    ("未经许可方书面许可，您不得将本模型用于商业用途。", "zh-non-commercial", "OSD6", "fail"),
    ("如需将本模型用于商业用途，您须另行获得我们的书面授权。", "zh-non-commercial", "OSD6", "fail"),
    ("本模型仅供非商业用途使用。", "zh-non-commercial", "OSD6", "fail"),
    (
        "如果您的产品或服务的月活跃用户超过1亿，您须向我们申请许可。",
        "zh-size-threshold",
        "OSD5",
        "fail",
    ),
    (
        "若您的年收入超过100,000,000元，本协议授予的许可自动终止。",
        "zh-size-threshold",
        "OSD5",
        "fail",
    ),
    (
        "您不得使用本模型或其输出结果来改进任何其他大型语言模型。",
        "zh-no-model-improvement",
        "OSD6",
        "fail",
    ),
    ("您对本模型的使用须遵守我们的可接受使用政策。", "zh-use-policy", "OSD6", "fail"),
    ("您不得将本模型用于任何军事用途或监控活动。", "zh-use-restrictions", "OSD6", "fail"),
    (
        "本协议授予的许可不适用于欧盟境内的任何个人或实体。",
        "zh-excluded-territory",
        "OSD5",
        "fail",
    ),
    ("您的竞争对手不得使用本模型。", "zh-excluded-group", "OSD5", "fail"),
    ("您不得再分发、出售或转让本模型。", "zh-no-redistribution", "OSD1", "fail"),
    (
        "您不得修改本模型，亦不得基于本模型创建衍生作品或进行微调。",
        "zh-no-derivatives",
        "OSD3",
        "fail",
    ),
    (
        "您须在我们的网站提交申请并完成注册后，方可使用本模型。",
        "zh-further-agreement",
        "OSD7",
        "fail",
    ),
    ("我们可随时自行决定终止本协议。", "zh-termination-at-will", "OSD7", "unknown"),
    ("本模型仅限用于学术研究目的。", "zh-restricted-purpose", "OSD6", "fail"),
]


@pytest.mark.parametrize(("clause", "rule", "criterion", "status"), CAUGHT)
def test_chinese_concept_is_caught_on_its_criterion_and_line(
    clause: str, rule: str, criterion: str, status: str
) -> None:
    analysis = judge(clause)
    found = [f for f in analysis.findings if f.rule == rule and f.criterion == criterion]
    assert found, analysis.findings
    assert found[0].status == status
    assert found[0].line == CLAUSE_LINE
    assert found[0].evidence == clause


# --- clauses that only look like restrictions --------------------------------------------

NOT_RESTRICTIONS = [
    # A warranty disclaimer limits the licensor's liability, not your use.
    "本模型按“原样”提供，不提供任何明示或暗示的保证；在任何情况下，许可方均不对任何损害承担责任。",
    # Attribution: keeping notices with copies.
    "您分发本模型时，须保留本协议副本及全部版权声明。",
    # Governing law, with Hong Kong, Macao and Taiwan carved out of the law, not out of the grant.
    "本协议受中华人民共和国法律（为本协议之目的，不包括港澳台地区法律）管辖并按其解释。",
    # Commercial use allowed.
    "您可以将本模型用于商业用途，无需另行获得许可。",
    # Obeying the law is no field of endeavor.
    "您不得将本模型用于任何违反中华人民共和国法律法规的用途。",
    # A non-transferable grant is no ban on redistribution.
    "本许可不可转让、不可再许可。",
]


@pytest.mark.parametrize("clause", NOT_RESTRICTIONS)
def test_chinese_non_restriction_is_not_flagged(clause: str) -> None:
    assert judge(clause).findings == ()


def test_commercial_grant_elsewhere_defeats_the_non_commercial_tier() -> None:
    text = "本模型仅供非商业用途使用。\n经登记的用户可以免费将本模型用于商业用途。"
    assert "zh-non-commercial" not in {f.rule for f in judge(text).findings}


# --- grants ------------------------------------------------------------------------------


def test_chinese_grant_counts_as_a_grant() -> None:
    assert analyse("许可方特此授予您非排他性的许可。\n").grants_rights


def test_chinese_permission_to_use_copy_modify_counts_as_a_grant() -> None:
    assert analyse("您可以使用、复制、修改、分发本模型。\n").grants_rights


def test_chinese_reservation_without_grant_fails_osd1() -> None:
    analysis = analyse("版权所有，保留所有权利。\n")
    assert not analysis.grants_rights
    assert "fail" in {f.status for f in analysis.findings if f.criterion == "OSD1"}


# --- segmentation ------------------------------------------------------------------------


def test_chinese_sentences_are_split_at_full_stops_with_their_lines() -> None:
    text = "第一句话在这里。第二句话也在这里！\n第三句话在下一行；第四句。\n"
    clauses = [c for c in segment(text) if c.kind != "heading"]
    assert [c.text for c in clauses] == [
        "第一句话在这里。",
        "第二句话也在这里!",
        "第三句话在下一行;",
        "第四句。",
    ]
    finding = analyse("许可方授予您许可。\n\n第一句话。您不得再分发本模型。\n").findings[0]
    assert finding.line == 3


def test_numbered_chinese_heading_names_its_section() -> None:
    text = "第三条 使用限制\n您不得再分发本模型。\n"
    heading, clause = segment(text)
    assert heading.kind == "heading"
    assert clause.section == "第三条 使用限制"


def test_chinese_list_items_are_clauses_of_their_own() -> None:
    text = "（一）您可以使用本模型；（二）您不得分发本模型。\n"
    assert [c.modality for c in segment(text)] == ["permission", "prohibition"]


def test_chinese_list_items_take_their_lead_in() -> None:
    text = "您同意不将本模型用于以下用途：\n（一）军事用途；\n（二）大规模监控。\n"
    items = [c for c in segment(text) if c.lead is not None]
    assert len(items) == 2 and all(c.modality == "prohibition" for c in items)


def test_line_broken_chinese_sentence_is_one_clause() -> None:
    text = "您不得将本模型用于商\n业用途。\n"
    (clause,) = segment(text)
    assert clause.text == "您不得将本模型用于商业用途。"


@pytest.mark.parametrize(
    ("clause", "modality"),
    [
        ("“许可方”是指发布本模型的团队。", "definition"),
        ("本模型按“原样”提供。", "disclaimer"),
        ("您不得分发本模型。", "prohibition"),
        ("本模型仅可用于研究。", "limitation"),
        ("您应当保留版权声明。", "condition"),
        ("您可以复制本模型。", "permission"),
    ],
)
def test_chinese_modality(clause: str, modality: str) -> None:
    (only,) = segment(clause)
    assert only.modality == modality


def test_traditional_characters_are_read_as_simplified() -> None:
    analysis = judge("您不得將本模型用於商業用途。")
    assert "zh-non-commercial" in {f.rule for f in analysis.findings}


# --- what the engine cannot read -----------------------------------------------------------

ENGLISH = "You may use, copy, modify and distribute the Model for any purpose.\n"


def test_japanese_paragraph_is_unread() -> None:
    text = (
        ENGLISH
        + "\n本ソフトウェアは研究目的に限り使用することができます。商用利用は禁止されています。\n"
    )
    assert analyse(text).unread == ((3, 3, "ja"),)


def test_german_paragraph_is_unread() -> None:
    text = (
        ENGLISH + "\nDie Software darf nur für private Zwecke genutzt werden und ist "
        "nicht für den Verkauf bestimmt.\n"
    )
    assert analyse(text).unread == ((3, 3, "de"),)


def test_german_non_commercial_clause_is_unread_and_still_caught() -> None:
    # The caller sees both: a rule fired on the German lines, and the rest of them is unread.
    text = ENGLISH + "\nDie Nutzung der Software ist nur für nicht-kommerzielle Zwecke gestattet.\n"
    analysis = analyse(text)
    assert analysis.unread == ((3, 3, "de"),)
    assert "non-commercial" in {f.rule for f in analysis.findings}


def test_korean_paragraph_is_unread() -> None:
    text = (
        ENGLISH + "\n이 소프트웨어는 연구 목적으로만 사용할 수 있으며 상업적 사용은 금지됩니다.\n"
    )
    assert analyse(text).unread == ((3, 3, "ko"),)


def test_english_text_has_nothing_unread() -> None:
    text = ENGLISH + "\nThe Model is provided as is, without warranty of any kind.\n"
    assert analyse(text).unread == ()


def test_chinese_text_has_nothing_unread() -> None:
    assert judge("您不得再分发本模型。").unread == ()


def test_short_foreign_phrase_is_not_unread() -> None:
    assert analyse(ENGLISH + "\nDanke schön.\n").unread == ()


# --- bilingual texts -----------------------------------------------------------------------


def test_bilingual_text_is_judged_in_both_languages() -> None:
    text = (
        "许可方特此授予您非排他性的许可。\n"
        "您不得使用本模型的输出改进其他模型。\n"
        "\n"
        "The Licensor hereby grants you a non-exclusive license.\n"
        "You may not use the Model for commercial purposes.\n"
    )
    analysis = analyse(text)
    rules = {(f.rule, f.line) for f in analysis.findings}
    assert ("zh-no-model-improvement", 2) in rules
    assert ("non-commercial", 5) in rules
    assert analysis.unread == ()


def test_run_on_chinese_text_is_cut_into_bounded_clauses() -> None:
    # No sentence end for 200,000 characters: no pattern may scan an unbounded clause.
    clauses = segment("不得" * 100_000 + "。" + "须申请" * 50_000)
    assert max(c.end - c.start for c in clauses) <= MAX_CLAUSE_CHARS


def test_license_the_noun_is_no_grant_of_commercial_use() -> None:
    # 许可证 ("license") holds 可 ("may"): "本许可证不允许商业用途" forbids, it grants nothing.
    analysis = analyse("本许可证不允许商业用途。\n")
    found = [(f.criterion, f.status, f.line) for f in analysis.findings if f.rule != "no-grant"]
    assert found == [("OSD6", "fail", 1)]
