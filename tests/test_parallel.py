"""A check run judged on several processes gives the report a one-process run gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from licheck.check import check_records, read_records
from licheck.errors import LicheckError
from licheck.parallel import SECONDS_PER_PROCESS, estimated_seconds, jobs_for
from licheck.pool import usable_cores
from licheck.records import LicenseText, ModelRecord

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[1] / "examples"
TODAY = date(2026, 1, 1)


def _records() -> list[ModelRecord]:
    """Every example model and every clause fixture text: bases, texts and cards together."""
    paths = sorted(EXAMPLES.glob("*/model.yaml")) + sorted((FIXTURES / "clauses").glob("*.txt"))
    return read_records(paths)


def test_a_pool_judges_as_one_process_does() -> None:
    records = _records()
    assert len(records) > 20
    alone = check_records(records, today=TODAY, jobs=1)
    pooled = check_records(records, today=TODAY, jobs=2)
    assert pooled == alone
    assert [s.source for s in pooled.subjects] == [r.source for r in records]


def test_a_base_in_another_part_of_the_run_is_still_known(tmp_path: Path) -> None:
    # The base and its MIT fine-tune land in different parts: the fine-tune still inherits
    # the base's Llama 2 terms, because every part is judged against the whole run's index.
    base = tmp_path / "base"
    base.mkdir()
    (base / "README.md").write_text("---\nlicense: llama2\n---\n# base\n", encoding="utf-8")
    paths = [base]
    for n in range(7):
        tune = tmp_path / f"tune{n}"
        tune.mkdir()
        card = f"---\nlicense: mit\nbase_model: {base}\n---\n# tune {n}\n"
        (tune / "README.md").write_text(card, encoding="utf-8")
        paths.append(tune)
    records = read_records(paths)
    alone = check_records(records, today=TODAY, jobs=1)
    pooled = check_records(records, today=TODAY, jobs=4)
    assert pooled == alone
    for tune in pooled.subjects[1:]:
        assert [r.inherited_from for r in tune.licenses] == [None, str(base)]
        assert "inherited-license" in [v.rule for v in tune.violations]


def test_an_expression_error_names_its_record_as_in_one_process() -> None:
    good = ModelRecord(name="good", source="good.yaml", format="model-yaml", license="mit")
    bad = ModelRecord(name="bad", source="bad.yaml", format="model-yaml", license="mit AND (")
    records = [good] * 5 + [bad] + [good] * 5
    with pytest.raises(LicheckError) as alone:
        check_records(records, today=TODAY, jobs=1)
    with pytest.raises(LicheckError) as pooled:
        check_records(records, today=TODAY, jobs=3)
    assert type(pooled.value) is type(alone.value)
    assert str(pooled.value) == str(alone.value)
    assert pooled.value.file == "bad.yaml"


def test_a_small_run_stays_in_one_process() -> None:
    cards = [ModelRecord(name=f"m{n}", source=f"m{n}", format="hf-card", license="mit")
             for n in range(200)]  # fmt: skip
    assert jobs_for(cards, None) == 1
    assert jobs_for(cards[:3], 8) == 3  # never more processes than records
    text = LicenseText(path="LICENSE", text="word " * 200_000)
    heavy = [
        ModelRecord(
            name="t", source="t", format="license-text", license=None, license_texts=(text,)
        )
    ] * 4
    assert estimated_seconds(heavy) > 4 * SECONDS_PER_PROCESS
    # Enough reading for four processes: as many as the machine has cores, up to the four records.
    assert jobs_for(heavy, None) == min(usable_cores(), 4)


def test_a_run_is_cut_into_many_small_parts_in_order() -> None:
    """Texts of one size differ tenfold in cost: many small parts per process keep the last
    one short, so no process idles long while another finishes (parallel.PARTS_PER_PROCESS)."""
    from licheck.parallel import PARTS_PER_PROCESS, parts_of

    records = [ModelRecord(name=f"m{n}", source=f"m{n}", format="hf-card", license="mit")
               for n in range(840)]  # fmt: skip
    parts = parts_of(records, 2)
    assert [r for part in parts for r in part] == records
    assert len(parts) == 2 * PARTS_PER_PROCESS >= 16
    assert max(len(part) for part in parts) <= 840 // 16
    assert parts_of(records[:5], 2) == [[r] for r in records[:5]]
