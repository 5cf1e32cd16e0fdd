"""Obligations on the examples/ folders and the obligation fixtures: met, unmet, unknown.

Every example of examples/ is a published model's description (no license texts shipped), so
its licenses' duties are checked against what is there; the fixtures (tests/fixtures/obligations)
are the issue-19 cases. Prints a Markdown table per set and the time per model.
Run: `PYTHONPATH=src python benchmarks/obligations.py`.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from licheck.check import run_obligations

ROOT = Path(__file__).resolve().parents[1]


def _table(title: str, paths: list[Path]) -> None:
    started = time.perf_counter()
    report = run_obligations(paths, today=date(2026, 6, 1))
    elapsed = time.perf_counter() - started
    print(f"\n**{title}** ({len(report.subjects)} models, {elapsed * 1000:.0f} ms)\n")
    print("| model | licenses | met | unmet | unknown | exit |")
    print("|---|---|---:|---:|---:|---:|")
    totals: Counter[str] = Counter()
    for subject in report.subjects:
        counts = Counter(o.status for o in subject.obligations)
        totals.update(counts)
        licenses = ", ".join(
            sorted({o.license.removeprefix("LicenseRef-licheck-") for o in subject.obligations})
        )
        print(
            f"| {subject.name} | {licenses} | {counts['met']} | {counts['unmet']} | "
            f"{counts['unknown']} | {0 if subject.passed else 1} |"
        )
    print(f"| **total** | | {totals['met']} | {totals['unmet']} | {totals['unknown']} | |")


def main() -> int:
    import os

    os.chdir(ROOT)
    examples = sorted(p.relative_to(ROOT) for p in (ROOT / "examples").iterdir() if p.is_dir())
    _table("examples/", examples)
    fixtures = sorted(
        p.relative_to(ROOT) for p in (ROOT / "tests/fixtures/obligations").iterdir() if p.is_dir()
    )
    _table("tests/fixtures/obligations/", fixtures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
