"""The Hugging Face model card reader: front matter, license keys, gating, located errors."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licheck.errors import InputError, LicheckError
from licheck.inputs.hf_card import (
    license_expression,
    load_card,
    parse_card,
    split_front_matter,
)
from licheck.records import ModelRecord

CARDS = Path(__file__).parent / "fixtures" / "cards"


def card(name: str, **kwargs: bool) -> ModelRecord:
    """Load a card fixture; its folder is its own directory, as for a card in a repository."""
    return load_card(CARDS / name, shown=name, **kwargs)


def error_of(name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        card(name)
    return caught.value


def test_basic_card_fields() -> None:
    record = card("basic.md")
    assert (record.format, record.name, record.license) == ("hf-card", "acme-tiny-7b", "apache-2.0")
    assert record.license_line == 4
    assert record.base_models == ("acme/tiny-base",)
    assert record.base_model_relation == "finetune"
    assert record.datasets == ("acme/corpus-one", "acme/corpus-two")
    assert record.access == ()


def test_license_list_is_an_and_of_its_items() -> None:
    assert card("list-of-licenses.md").license == "mit AND cc-by-nc-4.0"


def test_license_list_item_with_operators_is_parenthesised() -> None:
    assert card("list-with-expression.md").license == "(mit OR apache-2.0) AND cc-by-4.0"


def test_license_expression_drops_nothing_and_keeps_one_item_bare() -> None:
    assert license_expression(("llama3.1",)) == "llama3.1"
    assert license_expression(()) is None


def test_other_without_text_keeps_other_and_the_raw_name() -> None:
    record = card("other-no-text.md")
    assert (record.license, record.license_name) == ("other", "acme-research-license-1.0")
    assert record.license_texts == ()


def test_unknown_is_kept_as_declared() -> None:
    record = card("unknown.md")
    assert (record.license, record.license_line) == ("unknown", 2)


def test_card_without_front_matter_declares_no_license() -> None:
    record = card("no-front-matter.md")
    assert (record.license, record.license_line, record.access) == (None, None, ())


def test_front_matter_without_license_key_declares_none() -> None:
    assert card("no-license.md").license is None


def test_empty_front_matter_declares_none() -> None:
    assert card("empty-front-matter.md").license is None


def test_blank_lines_before_front_matter_are_allowed_and_lines_stay_true() -> None:
    record = card("leading-blank.md")
    assert (record.license, record.license_line) == ("mit", 4)


def test_unclosed_front_matter_is_an_error_at_its_opening_line() -> None:
    error = error_of("unclosed.md")
    assert (error.file, error.line) == ("unclosed.md", 1)
    assert "never closed" in error.message


def test_front_matter_that_is_a_list_is_refused() -> None:
    error = error_of("list-top.md")
    assert "must be a mapping" in error.message
    assert error.line == 2


def test_front_matter_that_is_a_single_value_is_refused_at_its_line() -> None:
    with pytest.raises(InputError, match="found a single value") as caught:
        parse_card("\n---\njust words\n---\n", source="README.md", folder=None)
    assert caught.value.line == 3


def test_duplicate_key_is_located_on_the_readme_line() -> None:
    error = error_of("duplicate.md")
    assert "duplicate key 'license'" in error.message
    assert error.line == 5


def test_wrong_type_is_located_on_the_value() -> None:
    error = error_of("wrong-type.md")
    assert "'base_model' must be text or a list of text" in error.message
    assert error.line == 4


def test_invalid_yaml_reports_the_readme_line() -> None:
    error = error_of("bad-yaml.md")
    assert error.file == "bad-yaml.md"
    assert error.line is not None and error.line >= 3


@pytest.mark.parametrize(
    ("yaml_line", "message"),
    [
        ("license: 3", "'license' must be text or a list of text, not a number"),
        ("license: [mit, 2]", "each item of 'license' must be a name"),
        ("license_name: [a, b]", "'license_name' must be text, not a list"),
        ("license_link: {path: LICENSE}", "'license_link' must be text, not a mapping"),
        ("extra_gated_eu_disallowed: maybe", "must be true or false"),
        ("extra_gated_fields: accept", "'extra_gated_fields' must be a mapping"),
    ],
)
def test_wrong_types_are_errors(yaml_line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_card(f"---\n{yaml_line}\n---\n", source="README.md", folder=None)
    assert message in caught.value.message
    assert caught.value.line == 2


def test_null_license_is_no_license() -> None:
    record = parse_card("---\nlicense:\n---\n", source="README.md", folder=None)
    assert record.license is None


def test_python_tag_is_refused_not_run() -> None:
    text = "---\nlicense: !!python/object/apply:os.system ['true']\n---\n"
    with pytest.raises(InputError, match="unsupported YAML"):
        parse_card(text, source="README.md", folder=None)


def test_name_from_model_index() -> None:
    assert card("model-index.md").name == "acme-indexed"


def test_name_falls_back_to_the_folder() -> None:
    assert card("other-link/README.md").name == "other-link"


def test_card_not_named_readme_is_named_by_its_file() -> None:
    assert card("no-license.md").name == "no-license.md"


def test_name_falls_back_to_the_file_without_folder() -> None:
    record = parse_card("---\nlicense: mit\n---\n", source="cards/x/README.md", folder=None)
    assert record.name == "README.md"


def test_relative_license_link_is_read_beside_the_card() -> None:
    record = card("other-link/README.md")
    assert len(record.license_texts) == 1
    text = record.license_texts[0]
    assert text.path.endswith("LICENSE.txt")
    assert text.declared_line == 4
    assert "ACME OPEN WEIGHTS" in text.text


def test_missing_license_link_file_leaves_no_text_and_keeps_the_link() -> None:
    record = card("missing-link/README.md")
    assert record.license_texts == ()
    assert record.license_link == "LICENSE"


def test_license_link_outside_the_folder_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        card("outside-link/inner/README.md")
    assert "outside the model's folder" in caught.value.message
    assert caught.value.line == 3


def test_license_link_outside_is_read_with_allow_outside() -> None:
    record = card("outside-link/inner/README.md", allow_outside=True)
    assert "outside the card folder" in record.license_texts[0].text


def test_absolute_license_link_is_refused_even_when_missing(tmp_path: Path) -> None:
    text = f"---\nlicense: other\nlicense_link: {tmp_path / 'nowhere'}\n---\n"
    with pytest.raises(InputError, match="outside the model's folder"):
        parse_card(text, source="README.md", folder=tmp_path)


def test_license_link_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.write_text("secret\n")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "LICENSE").symlink_to(outside)
    text = "---\nlicense: other\nlicense_link: LICENSE\n---\n"
    with pytest.raises(InputError, match="outside the model's folder"):
        parse_card(text, source="README.md", folder=folder)


def test_license_link_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "LICENSE")
    text = "---\nlicense: other\nlicense_link: LICENSE\n---\n"
    with pytest.raises(InputError, match="not a regular file"):
        parse_card(text, source="README.md", folder=tmp_path)


@pytest.mark.parametrize("link", ["LICENSE\\0", "../x\\0"])
def test_license_link_with_nul_is_an_input_error(link: str, tmp_path: Path) -> None:
    text = f'---\nlicense: other\nlicense_link: "{link}"\n---\n'
    with pytest.raises(InputError, match="NUL"):
        parse_card(text, source="README.md", folder=tmp_path)


def test_url_license_link_is_not_fetched_offline() -> None:
    record = card("url-link.md")
    assert record.license_texts == ()
    assert record.license_link == "https://example.com/acme/LICENSE.txt"


def test_license_file_beside_the_card_is_read_without_a_link(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("made-up terms\n")
    record = parse_card("---\nlicense: mit\n---\n", source="README.md", folder=tmp_path)
    assert [(t.text, t.role) for t in record.license_texts] == [("made-up terms\n", "license")]


def test_files_beside_a_card_not_named_readme_are_not_its_own(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("made-up terms\n")
    record = parse_card("---\nlicense: mit\n---\n", source="acme-7b.md", folder=tmp_path)
    assert record.license_texts == ()


def test_gate_with_a_prompt_fails_osd7_and_osd10_on_the_card() -> None:
    record = card("gated-terms.md")
    by_criterion = {f.criterion: f for f in record.access}
    assert set(by_criterion) == {"OSD7", "OSD10"}
    assert all(f.status == "fail" and f.source == "input" for f in record.access)
    assert by_criterion["OSD7"].line == 5  # the extra_gated_prompt key
    assert by_criterion["OSD7"].file == "gated-terms.md"
    assert "acme community terms" in (by_criterion["OSD7"].evidence or "")


def test_gate_with_a_checkbox_is_a_click_through() -> None:
    statuses = {(f.criterion, f.status) for f in card("gated-checkbox.md").access}
    assert statuses == {("OSD7", "fail"), ("OSD10", "fail")}


def test_gate_without_terms_needs_review_on_osd7_only() -> None:
    (finding,) = card("gated-manual.md").access
    assert (finding.criterion, finding.status, finding.line) == ("OSD7", "unknown", 3)
    assert "manual approval" in finding.message


def test_explicit_gated_false_means_no_gate() -> None:
    assert card("gated-false.md").access == ()


def test_gated_value_outside_the_hub_vocabulary_is_an_error() -> None:
    error = error_of("gated-bad.md")
    assert "'gated' must be true, false, auto or manual" in error.message
    assert error.line == 3


def test_eu_disallowed_fails_osd5_on_its_line() -> None:
    findings = [f for f in card("eu-disallowed.md").access if f.criterion == "OSD5"]
    assert [(f.status, f.line, f.rule) for f in findings] == [("fail", 4, "hf-eu-disallowed")]


def test_split_front_matter_returns_yaml_and_first_line() -> None:
    assert split_front_matter("---\na: 1\n---\nbody\n", source="x") == ("a: 1", 2)


def test_a_markdown_rule_later_in_the_card_is_not_front_matter() -> None:
    assert split_front_matter("# Title\n---\nlicense: mit\n---\n", source="x") is None


def _repo_rows(corpus: Path, name: str) -> list[tuple[str, str, str]]:
    """(model id, suggested license_name, suggested license_link) for each row of a Hub list."""
    with (corpus / "hf" / name).open(newline="", encoding="utf-8") as handle:
        return [
            (
                re.sub(r"^\[([^\]]+)\].*$", r"\1", row["model_id"]),
                row["suggested_license_name"].strip(),
                row["suggested_license_link"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def test_other_cards_built_from_real_hub_rows_parse(corpus: Path, tmp_path: Path) -> None:
    """Each `license: other` repo, with the license_name and license_link the Hub suggested."""
    rows = _repo_rows(corpus, "model_license_other.csv")
    assert len(rows) > 300
    for model_id, name, link in rows:
        lines = ["---", "license: other"]
        lines += [f"license_name: {name}"] if name else []
        lines += [f"license_link: {link}"] if link else []
        text = "\n".join([*lines, "---", f"# {model_id}", ""])
        record = parse_card(text, source=f"{model_id}/README.md", folder=tmp_path)
        assert (record.license, record.license_name) == ("other", name or None)
        assert record.license_link == (link or None)
        assert record.license_texts == ()  # a URL is not fetched offline; no file is there


def test_no_license_cards_built_from_real_hub_rows_declare_none(
    corpus: Path, tmp_path: Path
) -> None:
    """Each repo without a license key: its card (tags only) declares no license."""
    rows = _repo_rows(corpus, "model_no_license.csv")
    assert len(rows) > 250
    for model_id, _name, _link in rows:
        text = f"---\ntags:\n  - text-generation\n---\n# {model_id}\n"
        record = parse_card(text, source=f"{model_id}/README.md", folder=tmp_path)
        assert (record.license, record.license_line, record.name) == (None, None, tmp_path.name)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_record_or_an_input_error(text: str) -> None:
    try:
        record = parse_card(text, source="README.md", folder=None)
    except LicheckError:
        return
    assert record.format == "hf-card"


_YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}!&*#|>'\" \n\t\r0123")), max_size=200)
_KEYS = st.sampled_from(
    [
        "license",
        "license_name",
        "license_link",
        "base_model",
        "datasets",
        "gated",
        "model_name",
        "model-index",
        "extra_gated_prompt",
        "extra_gated_fields",
        "extra_gated_eu_disallowed",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, _YAMLISH), max_size=5))
def test_any_front_matter_gives_a_record_or_an_input_error(
    pairs: list[tuple[str, str]],
) -> None:
    body = "\n".join(f"{key}: {value}" for key, value in pairs)
    try:
        parse_card(f"---\n{body}\n---\n", source="README.md", folder=None)
    except LicheckError:
        return
