"""The clause engine, reading a license cold, agrees with our knowledge-base profiles.

For every profile in licenses/ that names its text in the corpus, compare, criterion by
criterion, whether the profile fails it with whether the engine fails it on the text alone.
Issue 4 asks for >= 95 % agreement over all (profile, criterion) pairs; the assertion message
names every disagreement so a reviewer can tell a rule's miss from a profile's error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.clauses.analysis import analyse
from licheck.knowledge.catalog import Catalog
from licheck.records import CRITERION_IDS

TARGET = 0.95


def test_engine_agrees_with_profiles_on_failing_criteria(corpus: Path) -> None:
    catalog = Catalog()
    pairs = 0
    disagreements: list[str] = []
    for license_id in catalog.profile_ids():
        profile = catalog.profile(license_id)
        if not profile.corpus:
            continue
        path = corpus / profile.corpus
        if not path.is_file():
            continue
        analysis = analyse(path.read_text(encoding="utf-8", errors="replace"), path=profile.corpus)
        for cid in CRITERION_IDS:
            pairs += 1
            expected = profile.criteria[cid].status == "fail"
            found = analysis.status(cid) == "fail"
            if expected != found:
                side = (
                    "profile fails, engine does not"
                    if expected
                    else "engine fails, profile does not"
                )
                disagreements.append(f"{license_id} {cid} ({side})")
    if pairs == 0:
        pytest.skip("no profile in licenses/ names a corpus text")
    agreement = 1 - len(disagreements) / pairs
    assert agreement >= TARGET, (
        f"agreement {agreement:.1%} over {pairs} pairs is below {TARGET:.0%}; "
        f"disagreements: {'; '.join(disagreements)}"
    )
