"""Identification: the right license and version, what differs, and never a confident wrong name.

Real license texts come only from ../shared/corpus (the `corpus` fixture) and are changed in
memory the way real files change them; the fixtures under tests/fixtures/identify are small
texts we wrote (pointers, notes, a README, a made-up corpus for the fingerprint builder).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from licheck.errors import KnowledgeBaseError
from licheck.knowledge import build_index as fingerprints
from licheck.knowledge.index import DATA_DIR, DATA_NAME, FingerprintIndex, load_index
from licheck.knowledge.match import identify, identify_with
from licheck.knowledge.normalise import gram_hashes, normalise, number_surface, token_spans, tokens
from licheck.records import Identification

FIXTURES = Path(__file__).parent / "fixtures" / "identify"


def _read(corpus: Path, relative: str) -> str:
    return (corpus / relative).read_text(encoding="utf-8")


def _reflow(text: str, width: int = 50) -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width) for p in paragraphs if p)


def _grams(text: str) -> list[int]:
    return gram_hashes(tokens(normalise(text)))


# --- normalisation -------------------------------------------------------------------------


def test_normalise_keeps_the_line_count_so_differences_point_at_the_users_lines() -> None:
    text = "Title\n\nCopyright (c) 2024 Someone\n  1. First item\n  (a) sub item\n\nEnd\n"
    assert normalise(text).count("\n") == text.count("\n")


def test_case_punctuation_and_varietal_spellings_do_not_matter() -> None:
    assert _grams("The LICENCE is granted; Licensor's rights are authorised.") == _grams(
        "the license is granted, licensors rights are authorized"
    )


def test_copyright_lines_are_ignored() -> None:
    assert _grams("Copyright (c) 2024 Acme Corp.\nYou may copy it.") == _grams("You may copy it.")


def test_a_sentence_that_starts_with_copyright_is_kept() -> None:
    assert "notice" in tokens(normalise("copyright notice and this permission notice"))


def test_bullets_and_section_numbers_are_ignored() -> None:
    assert _grams("1. Grant.\n  (a) You may copy.\n  b) You may share.") == _grams(
        "Grant. You may copy. You may share."
    )


# --- the reference corpus -----------------------------------------------------------------------


def test_a_clean_license_is_exact(corpus: Path) -> None:
    result = identify(_read(corpus, "spdx/MIT.txt"))
    assert (result.status, result.license_id, result.differences) == ("exact", "MIT", ())


def test_messy_copies_of_a_license_are_still_exact(corpus: Path) -> None:
    original = _read(corpus, "spdx/Apache-2.0.txt")
    messy = "# LICENSE\n\nCopyright 2024 Example Authors\n\n" + _reflow(original).upper()
    result = identify(messy)
    assert (result.status, result.license_id) == ("exact", "Apache-2.0")


def test_a_license_without_its_optional_appendix_is_exact(corpus: Path) -> None:
    original = _read(corpus, "spdx/Apache-2.0.txt")
    cut = original.index("APPENDIX")
    result = identify(original[:cut])
    assert (result.status, result.license_id) == ("exact", "Apache-2.0")


def test_a_changed_user_threshold_is_reported_as_a_parameter(corpus: Path) -> None:
    text = _read(corpus, "ai/llama-2-license-2023.txt").replace("700 million", "100 million")
    result = identify(text)
    assert result.status == "modified"
    assert result.license_id == identify(_read(corpus, "ai/llama-2-license-2023.txt")).license_id
    parameters = [d for d in result.differences if d.kind == "parameter"]
    assert len(parameters) == 1
    assert "100 million" in parameters[0].message
    assert "the original says 700 million" in parameters[0].message
    assert parameters[0].line is not None
    assert "100 million" in text.splitlines()[parameters[0].line - 1]


def test_a_changed_threshold_is_named_after_the_profile_parameter(corpus: Path) -> None:
    text = _read(corpus, "ai/llama-2-license-2023.txt").replace("700 million", "100 million")
    messages = [d.message for d in identify(text).differences if d.kind == "parameter"]
    assert messages == ["the user threshold is 100 million (the original says 700 million)"]


def test_a_changed_date_is_reported_as_a_date(corpus: Path) -> None:
    original = _read(corpus, "ai/chameleon-research-2024.txt")
    assert "June 18, 2024" in original
    result = identify(original.replace("June 18, 2024", "July 2, 2024"))
    assert result.status == "modified"
    assert [d.message for d in result.differences] == [
        "the date is July 2, 2024 (the original says June 18, 2024)"
    ]


def test_an_appended_clause_makes_the_license_modified_and_is_located(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt").rstrip("\n")
    clause = "The Software must not be used by any company with more than 1000 employees."
    text = f"{mit}\n\n{clause}\n"
    result = identify(text)
    assert (result.status, result.license_id) == ("modified", "MIT")
    added = [d for d in result.differences if d.kind == "added"]
    clause_line = text.splitlines().index(clause) + 1
    assert [(d.line, d.end_line) for d in added] == [(clause_line, clause_line)]
    assert result.similarity < 1.0


def test_added_text_is_handed_to_the_clause_engine(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt")
    clause = "You may not use the Software for military purposes."
    spans = identify(mit + "\n" + clause + "\n").review_spans()
    assert [s.text for s in spans] == [clause]


def test_a_changed_phrase_inside_the_license_is_reported_as_changed(corpus: Path) -> None:
    text = _read(corpus, "spdx/MIT.txt").replace(
        "without restriction", "for non-commercial purposes only"
    )
    result = identify(text)
    assert result.status == "modified"
    changed = [d for d in result.differences if d.kind == "changed"]
    assert len(changed) == 1
    assert changed[0].excerpt is not None
    assert "non-commercial purposes only" in changed[0].excerpt


def test_a_removed_sentence_is_reported(corpus: Path) -> None:
    original = _read(corpus, "spdx/Apache-2.0.txt")
    sentence = next(line for line in original.splitlines() if "carry prominent notices" in line)
    result = identify(original.replace(sentence, ""))
    assert (result.status, result.license_id) == ("modified", "Apache-2.0")
    assert any(d.kind == "removed" for d in result.differences)


def test_a_license_without_one_clause_is_the_license_that_has_none(corpus: Path) -> None:
    original = _read(corpus, "spdx/BSD-3-Clause.txt")
    clause = next(line for line in original.splitlines() if "Neither the name" in line)
    assert identify(original.replace(clause, "")).license_id == "BSD-2-Clause"


def test_a_modified_permissive_license_is_not_its_clean_parent(corpus: Path) -> None:
    kimi = identify(_read(corpus, "wild/MoonshotAI__Kimi-K2__LICENSE.txt"))
    falcon = identify(_read(corpus, "ai/falcon-2-11b-1.0.txt"))
    assert kimi.license_id not in (None, "MIT")
    assert falcon.license_id not in (None, "Apache-2.0")


def test_versions_of_one_family_are_told_apart(corpus: Path) -> None:
    ids = {
        identify(_read(corpus, f"ai/{key}.txt")).license_id
        for key in ("llama-3.1-license-2024", "llama-3.2-license-2024", "llama-3.3-license-2024")
    }
    ids.add(identify(_read(corpus, "wild/meta-llama__llama3__LICENSE.txt")).license_id)
    assert len(ids) == 4
    assert None not in ids


def test_the_rail_licenses_are_told_apart(corpus: Path) -> None:
    keys = (
        "stable-diffusion-2022-08-22",
        "bigscience-open-rail-m",
        "bigscience-open-rail-m2",
        "bigscience-rail-1.0",
        "bigcode-open-rail-m-v1",
    )
    results = [identify(_reflow(_read(corpus, f"ai/{key}.txt"))) for key in keys]
    assert len({r.license_id for r in results}) == len(keys)
    assert all(r.status == "exact" for r in results)


def test_an_exact_match_reports_full_similarity_and_a_runner_up(corpus: Path) -> None:
    result = identify(_read(corpus, "ai/llama-3.2-license-2024.txt"))
    assert result.similarity == 1.0
    assert result.runner_up is not None
    assert result.runner_up[0] != result.license_id
    assert 0.0 < result.runner_up[1] < 1.0


def test_a_near_duplicate_with_the_opposite_meaning_is_told_apart(corpus: Path) -> None:
    commercial = identify(_read(corpus, "ai/tongyi-qianwen-2023.txt"))
    research = identify(
        _reflow(_read(corpus, "wild/QwenLM__Qwen__Tongyi_Qianwen_RESEARCH_LICENSE_AGREEMENT.txt"))
    )
    assert commercial.license_id != research.license_id
    assert research.runner_up is not None


def test_a_chinese_text_is_identified_after_reflow(corpus: Path) -> None:
    original = _read(corpus, "wild/THUDM__ChatGLM2-6B__MODEL_LICENSE.txt")
    expected = identify(original).license_id
    result = identify(original.replace("\n", ""))
    assert expected is not None
    assert result.license_id == expected


def test_one_language_of_a_bilingual_license_is_that_license_with_a_part_missing(
    corpus: Path,
) -> None:
    bilingual = _read(corpus, "wild/01-ai__Yi__MODEL_LICENSE_AGREEMENT.txt@90fe567.txt")
    english = "\n".join(line for line in bilingual.splitlines() if line.isascii())
    assert len(english) < 0.8 * len(bilingual)
    result = identify(english)
    assert (result.status, result.license_id) == ("modified", identify(bilingual).license_id)
    assert any(d.kind == "removed" for d in result.differences)


def test_two_licenses_in_one_file_are_two_parts(corpus: Path) -> None:
    text = _read(corpus, "spdx/MIT.txt") + "\n\n-----\n\n" + _read(corpus, "spdx/Apache-2.0.txt")
    result = identify(text)
    assert [p.license_id for p in result.parts] == ["MIT", "Apache-2.0"]
    assert result.license_id == "MIT AND Apache-2.0"
    mit, apache = result.parts
    assert mit.end_line is not None and apache.line is not None
    assert mit.end_line < apache.line


def test_a_license_followed_by_its_use_policy_is_two_parts(corpus: Path) -> None:
    license_text = _read(corpus, "ai/llama-4-cla-2025.txt")
    policy = _read(corpus, "ai/llama-4-license-2025.txt")
    result = identify(license_text + "\n\n" + policy)
    assert [p.license_id for p in result.parts] == [
        identify(license_text).license_id,
        identify(policy).license_id,
    ]


def test_identical_texts_form_one_class_reported_under_one_id(corpus: Path) -> None:
    result = identify(_read(corpus, "spdx/GPL-2.0-or-later.txt"))
    assert result.license_id == "GPL-2.0-only"
    assert "GPL-2.0-or-later" in result.equivalent


# --- what the SPDX matching guidelines ignore: still exact ---------------------------------------


def _exact(result: Identification, license_id: str) -> bool:
    return (result.status, result.license_id, result.differences) == ("exact", license_id, ())


def test_comment_markers_at_line_starts_do_not_matter(corpus: Path) -> None:
    bsd = _read(corpus, "spdx/BSD-3-Clause.txt")
    hashed = "\n".join(f"# {line}" for line in _reflow(bsd, 70).splitlines())
    starred = "/*\n" + "\n".join(f" * {line}" for line in _reflow(bsd, 70).splitlines()) + "\n */"
    assert _exact(identify(hashed), "BSD-3-Clause")
    assert _exact(identify(starred), "BSD-3-Clause")


def test_the_holder_named_in_bsd_clauses_is_replaceable_text(corpus: Path) -> None:
    bsd = _read(corpus, "spdx/BSD-3-Clause.txt")
    renamed = (
        bsd.replace("Neither the name of the copyright holder", "Neither the name of NVIDIA CORP")
        .replace("COPYRIGHT HOLDERS AND CONTRIBUTORS", "REGENTS OF THE UNIVERSITY")
        .replace("THE COPYRIGHT HOLDER OR CONTRIBUTORS", "THE COPYRIGHT OWNER")
    )
    assert renamed.count("NVIDIA") == 1 and "REGENTS" in renamed and "OWNER" in renamed
    assert _exact(identify(renamed), "BSD-3-Clause")


def test_the_holder_named_in_the_mit_liability_clause_is_replaceable_text(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt")
    renamed = mit.replace("THE AUTHORS OR COPYRIGHT HOLDERS", "EXAMPLE LABS")
    assert renamed != mit
    assert _exact(identify(renamed), "MIT")


def test_a_changed_copyright_year_does_not_matter(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt").replace("<year> <copyright holders>", "2019 Example Labs")
    assert _exact(identify(mit.replace("2019", "2024-2025")), "MIT")


def test_a_section_header_before_the_license_is_not_a_modification(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt")
    assert _exact(identify("------ LICENSE FOR the tokenizer code ------\n\n" + mit), "MIT")


def test_a_preamble_beside_a_license_is_read_not_dropped(corpus: Path) -> None:
    # Only what is positively no terms (a title, a heading, a name, a link) may be ignored: a
    # sentence of any wording may restrict, so it is an addition the clause engine reads.
    preamble = (
        "This repository also holds code from other projects. Their files keep their\n"
        "notices at the top of each file. Below is the license used for those files.\n\n"
    )
    result = identify(preamble + _read(corpus, "spdx/MIT.txt"))
    assert result.status == "modified" and result.license_id == "MIT"
    assert [(s.line, s.end_line) for s in result.review_spans()] == [(1, 2)]


def test_a_sentence_with_no_keyword_beside_a_license_is_read(corpus: Path) -> None:
    for added in (
        "This license is void for entities with more than 100 employees.",
        "Use is subject to the Acceptable Use Policy at https://example.com/aup.",
        "Die kommerzielle Nutzung ist untersagt.",
        "本许可证不允许商业用途。",
    ):
        result = identify(_read(corpus, "spdx/MIT.txt") + "\n\n" + added + "\n")
        assert result.status == "modified", added


def test_headings_names_and_links_beside_a_license_are_not_terms(corpus: Path) -> None:
    header = (
        "# pythia-tiny\n\nSPDX-License-Identifier: MIT\n\n"
        "This model is licensed under the MIT License.\n"
        "See https://opensource.org/licenses/MIT\n\n---\n\n"
    )
    assert _exact(identify(header + _read(corpus, "spdx/MIT.txt")), "MIT")


def test_a_note_after_the_license_is_not_a_modification(corpus: Path) -> None:
    text = _read(corpus, "spdx/BSD-2-Clause.txt") + "\n\n*** end of the cnmem license ***\n"
    assert _exact(identify(text), "BSD-2-Clause")


def test_the_version_and_date_line_of_an_spdx_license_is_omitable(corpus: Path) -> None:
    apache = _read(corpus, "spdx/Apache-2.0.txt")
    redated = apache.replace("January 2004", "January 2024")
    untitled = apache[apache.index("TERMS AND CONDITIONS") :]
    assert redated != apache
    assert _exact(identify(redated), "Apache-2.0")
    assert _exact(identify(untitled), "Apache-2.0")


def test_a_real_file_of_three_licenses_with_notes_between_them(corpus: Path) -> None:
    # Holder names, "# " comment markers, a redated Apache header and section headings are
    # what the SPDX guidelines ignore; the provenance note before the NVIDIA code's license is
    # text beside it, read by the clause engine (it restricts nothing, but only a reader knows).
    result = identify(_read(corpus, "wild/EleutherAI__gpt-neox__LICENSE.txt"))
    assert [(p.status, p.license_id) for p in result.parts] == [
        ("exact", "Apache-2.0"),
        ("modified", "BSD-3-Clause"),
        ("exact", "Apache-2.0"),
        ("exact", "MIT"),
    ]
    (added,) = result.parts[1].review_spans()
    assert added.text.startswith("This repository also contains code from Hugging Face")


# --- substantive differences: still modified -----------------------------------------------------


def test_a_restriction_before_the_license_is_a_modification(corpus: Path) -> None:
    text = "You may not use this software for commercial purposes.\n\n" + _read(
        corpus, "spdx/MIT.txt"
    )
    result = identify(text)
    assert (result.status, result.license_id) == ("modified", "MIT")
    assert [(d.kind, d.line) for d in result.differences] == [("added", 1)]


def test_a_disclaimer_after_the_license_is_a_modification(corpus: Path) -> None:
    note = "\nThe authors disclaim any liability for the use of the model weights.\n"
    result = identify(_read(corpus, "spdx/BSD-2-Clause.txt") + note)
    assert (result.status, result.license_id) == ("modified", "BSD-2-Clause")


def test_a_heading_inside_the_license_span_is_a_modification(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt")
    cut = mit.index("The above copyright notice")
    text = mit[:cut] + "Section two of the notes for the tokenizer code\n\n" + mit[cut:]
    result = identify(text)
    assert (result.status, result.license_id) == ("modified", "MIT")
    assert [d.kind for d in result.differences] == ["added"]


def test_only_the_name_in_a_holder_clause_is_replaceable(corpus: Path) -> None:
    bsd = _read(corpus, "spdx/BSD-3-Clause.txt")
    text = bsd.replace("to endorse or promote products", "for any purpose, including products")
    assert text != bsd
    assert identify(text).status == "modified"


def test_a_clause_added_to_mit_keeps_it_modified(corpus: Path) -> None:
    # A use restriction (OSD 6) inside MIT's span: never the clean parent.
    mit = _read(corpus, "spdx/MIT.txt")
    cut = mit.index("THE SOFTWARE IS PROVIDED")
    clause = "The Software shall not be used by any military organisation.\n\n"
    result = identify(mit[:cut] + clause + mit[cut:])
    assert (result.status, result.license_id) == ("modified", "MIT")


def test_the_release_date_in_an_ai_license_header_stays_a_term(corpus: Path) -> None:
    llama = _read(corpus, "ai/llama-2-license-2023.txt")
    assert "Release Date: July 18, 2023" in llama
    result = identify(llama.replace("July 18, 2023", "July 18, 2025"))
    assert result.status == "modified"
    assert [d.message for d in result.differences if d.kind == "parameter"] == [
        "the date is July 18, 2025 (the original says July 18, 2023)"
    ]


def test_a_version_number_is_shown_as_written() -> None:
    assert number_surface(
        "version 2.0, january 2004", token_spans("version 2.0, january 2004"), 1, 5
    ) == ("2.0, January 2004")


# --- texts that are not licenses ----------------------------------------------------------------


def test_a_pointer_names_no_license() -> None:
    result = identify((FIXTURES / "pointer.txt").read_text(encoding="utf-8"))
    assert (result.status, result.license_id) == ("no-license", None)
    assert result.pointer == "https://example.org/models/acme/terms"


def test_a_pointer_to_a_known_license_address_names_that_license(corpus: Path) -> None:
    result = identify((FIXTURES / "pointer-known.txt").read_text(encoding="utf-8"))
    assert result.license_id == identify(_read(corpus, "ai/llama-2-license-2023.txt")).license_id
    assert result.pointer == "https://github.com/facebookresearch/llama/blob/main/LICENSE"


def test_a_pointer_with_a_restriction_beside_it_is_modified(corpus: Path) -> None:
    pointer = (FIXTURES / "pointer-known.txt").read_text(encoding="utf-8")
    result = identify(pointer + "You may not use the weights for any commercial purpose.\n")
    assert result.license_id == identify(_read(corpus, "ai/llama-2-license-2023.txt")).license_id
    assert result.status == "modified"
    assert result.review_spans()


def test_a_usage_note_names_no_license() -> None:
    result = identify((FIXTURES / "usage-note.txt").read_text(encoding="utf-8"))
    assert (result.status, result.license_id) == ("no-license", None)


def test_a_short_text_with_terms_goes_to_the_clause_engine() -> None:
    result = identify("You may use this model for anything except selling it.")
    assert (result.status, result.license_id) == ("unrecognised", None)


def test_prose_that_is_no_license_is_unrecognised_without_a_name() -> None:
    result = identify((FIXTURES / "readme.txt").read_text(encoding="utf-8"))
    assert (result.status, result.license_id) == ("unrecognised", None)
    assert result.review_spans()


def test_an_empty_file_holds_no_license() -> None:
    assert identify("\n\n   \n").status == "no-license"


def test_an_identification_cannot_be_changed() -> None:
    result = identify("MIT")
    with pytest.raises(AttributeError):  # a frozen record, whatever builds it
        result.status = "exact"  # type: ignore[misc]


# --- the fingerprint builder ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory: pytest.TempPathFactory) -> FingerprintIndex:
    out = tmp_path_factory.mktemp("fingerprints")
    meta, blob, facts = fingerprints.build(FIXTURES / "corpus")
    fingerprints.write(meta, blob, facts, out)
    return load_index(out)


def test_identical_fixture_texts_become_one_reference_with_both_ids(
    fixture_index: FingerprintIndex,
) -> None:
    result = identify_with(
        fixture_index, (FIXTURES / "corpus" / "spdx" / "Fixture-Permissive.txt").read_text()
    )
    assert result.license_id == "Fixture-Permissive"
    assert result.equivalent == ("Fixture-Permissive-or-later",)


def test_a_labelled_real_file_without_other_reference_becomes_a_reference(
    fixture_index: FingerprintIndex,
) -> None:
    text = (FIXTURES / "corpus" / "wild" / "acme__model__LICENSE.txt").read_text()
    assert identify_with(fixture_index, text).license_id == "LicenseRef-licheck-acme-community"


def test_builder_records_numbers_for_parameter_differences(
    fixture_index: FingerprintIndex,
) -> None:
    text = (FIXTURES / "corpus" / "ai" / "fixture-model-1.0.txt").read_text()
    result = identify_with(fixture_index, text.replace("5 million", "50 million"))
    assert [d.message for d in result.differences if d.kind == "parameter"] == [
        "the number is 50 million (the original says 5 million)"
    ]


def test_builder_records_its_provenance(fixture_index: FingerprintIndex) -> None:
    provenance = fixture_index.meta["provenance"]
    assert provenance["files"] == 5
    assert len(provenance["sha256"]) == 64
    assert provenance["built"]


def test_builder_maps_license_addresses_for_pointer_files(
    fixture_index: FingerprintIndex,
) -> None:
    result = identify_with(fixture_index, "See https://example.org/fixture-model/LICENSE")
    assert result.license_id == "LicenseRef-scancode-fixture-model-1.0"


def test_missing_fingerprint_data_is_a_knowledge_base_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_index(tmp_path)
    assert "python -m licheck.knowledge.build_index" in (caught.value.hint or "")


def test_fingerprint_data_without_the_slot_table_is_refused(tmp_path: Path) -> None:
    meta, blob, facts = fingerprints.build(FIXTURES / "corpus")
    del meta["inverted_slots"]  # data laid out before postings were found by slot
    fingerprints.write(meta, blob, facts, tmp_path)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_index(tmp_path)
    assert "python -m licheck.knowledge.build_index" in (caught.value.hint or "")


def test_each_sampled_ngram_finds_exactly_its_postings_by_slot(
    fixture_index: FingerprintIndex,
) -> None:
    starts, refs = fixture_index.inv_starts, fixture_index.inv_refs
    assert starts[0] == 0 and starts[len(starts) - 1] == len(refs)
    holders: dict[int, set[int]] = {}  # sampled n-gram -> the references that hold it
    for number in range(len(fixture_index)):
        required, _ = fixture_index.grams(fixture_index.reference(number))
        for g in required:
            if g % 4 == 0:  # SAMPLE_EVERY: the sampled n-grams are in the inverted index
                holders.setdefault(g, set()).add(number)
    assert holders
    for g, numbers in holders.items():  # (no fixture n-gram is in more than MAX_POSTINGS)
        assert set(refs[starts[g // 4] : starts[g // 4 + 1]]) == numbers


def test_a_reference_s_shared_ngrams_are_counted_alike_with_and_without_its_sets(
    fixture_index: FingerprintIndex,
) -> None:
    # FingerprintIndex.shared counts off the stored arrays until a reference's sets are kept.
    text = (FIXTURES / "corpus" / "ai" / "fixture-model-1.0.txt").read_text()
    region = set(gram_hashes(tokens(normalise(text))))
    region |= {1, 2, 3}  # n-grams no reference holds
    for number in range(len(fixture_index)):
        ref = fixture_index.reference(number)
        fixture_index._sets.pop(number, None)
        counted = fixture_index.shared(ref, region)
        required, optional = fixture_index.grams(ref)  # kept from here on
        assert counted == (len(region & required), len(region & optional))
        assert fixture_index.shared(ref, region) == counted
        assert len(required) == ref.count and len(optional) == ref.optional


def test_an_exact_copy_is_identified_without_building_any_reference_s_sets(
    fixture_index: FingerprintIndex,
) -> None:
    # Scoring counts off the arrays, and the whole region's numbers are best's own: the sets
    # of a thousand n-grams are built only where a span or a part needs them.
    fixture_index._sets.clear()
    text = (FIXTURES / "corpus" / "ai" / "fixture-model-1.0.txt").read_text()
    result = identify_with(fixture_index, text)
    assert result.status == "exact" and result.similarity == 1.0
    assert fixture_index._sets == {}
    changed = identify_with(fixture_index, text.replace("5 million", "50 million"))
    assert changed.status == "modified"


def test_the_sampling_rate_is_a_power_of_two() -> None:
    # candidates() picks a text's sampled n-grams by their low bits (g % stride, faster).
    from licheck.knowledge.index import SAMPLE_EVERY

    assert SAMPLE_EVERY > 0 and SAMPLE_EVERY & (SAMPLE_EVERY - 1) == 0


def test_shipped_data_holds_no_line_of_the_texts(corpus: Path) -> None:
    shipped = b"".join(p.read_bytes() for p in DATA_DIR.iterdir() if p.is_file())
    lines = [
        line.strip()
        for line in _read(corpus, "ai/llama-2-license-2023.txt").splitlines()
        if len(line.split()) >= 6
    ]
    assert lines
    assert not [line for line in lines if line.encode("utf-8") in shipped]


def test_shipped_data_is_what_the_builder_makes_from_the_corpus(corpus: Path) -> None:
    """Stale data (a changed normaliser or corpus without a rebuild) would match nothing well."""
    meta = json.loads((DATA_DIR / f"{DATA_NAME}.json").read_text(encoding="utf-8"))
    rebuilt, blob, _ = fingerprints.build(corpus)
    stale = "src/licheck/knowledge/data is stale: run `python -m licheck.knowledge.build_index`"
    assert meta["provenance"]["sha256"] == rebuilt["provenance"]["sha256"], stale
    assert (DATA_DIR / f"{DATA_NAME}.bin").read_bytes() == blob, stale


def test_a_text_mostly_not_a_license_names_no_license(corpus: Path) -> None:
    mit = _read(corpus, "spdx/MIT.txt").splitlines()
    mixed = "\n".join(
        line if n % 3 == 0 else f"The weather in town {n} was mild and the river ran high."
        for n, line in enumerate(mit)
    )
    result = identify(mixed)
    assert result.status == "unrecognised" and result.license_id is None
