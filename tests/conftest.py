"""Shared fixtures: where the reference corpus is, a frozen `today`, and the project's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus, or a skip that says why (tests read license texts only from there)."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"reference corpus not found at {CORPUS} (it lives beside the repo as ../shared)"
        )
    return CORPUS
