"""License laundering through base models: generated chains and the real Hub ids of the corpus.

Generated (in a temporary tree, one folder per model, `org/name/README.md`):
- chains of depth 1-5 over every non-open base of the built-in table (by its example ids),
  each derivative declaring `mit` or `apache-2.0`; and the same roots named as re-uploads
  (`TheBloke/<name>-GGUF`, `unsloth/<name>`, `NousResearch/<name>`);
- cycles of two and three models; decoys (a folder named like the last part of a real id,
  with an MIT card, beside a fine-tune of that id);
- fine-tunes of every open base of the table (false alarms).
Each set is judged by `check` (all cards at once) and by `scan --jobs 2`, and the two must
agree. Real ids: every `model_id` of ../shared/corpus/hf/*.csv as the base of an MIT fine-tune
(caught, unknown base, passed), and every `suggested_license_name` (resolved or not).

Targets: 100 % of laundering caught on generated chains, 0 decoy passes, scan == check.
Run: `python benchmarks/inheritance.py` (prints Markdown). It uses only public entry points, so
it also runs against an older checkout (PYTHONPATH=<old>/src) for the before figures.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from licheck.check import check_records, read_records
from licheck.engine.judge import judge_license
from licheck.knowledge.base_models import all_facts
from licheck.knowledge.catalog import Catalog
from licheck.records import Policy, SubjectReport
from licheck.scan import scan

ROOT = Path(__file__).resolve().parents[1]
HF = ROOT.parent / "shared" / "corpus" / "hf"
TODAY = date(2026, 11, 29)
PERMISSIVE = ("mit", "apache-2.0")


def _write(root: Path, model_id: str, front: str) -> Path:
    folder = root / model_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(f"---\n{front}\n---\n", encoding="utf-8")
    return folder / "README.md"


def _bases(catalog: Catalog) -> tuple[list[str], list[str]]:
    """Example Hub ids of the table's non-open and open bases (osi-approved or open)."""
    closed, open_ = [], []
    for fact, examples in all_facts():
        ids = [e for e in examples if "/" in e][:1]
        if fact.license is None or not ids:
            continue
        verdicts = {
            judge_license(k, catalog.resolve(k), catalog).verdict
            for k in re.split(r"\s+(?:AND|OR)\s+", fact.license)
        }
        (open_ if verdicts <= {"osi-approved"} else closed).extend(ids)
    return closed, open_


def _judge(paths: list[Path], root: Path) -> tuple[dict[str, SubjectReport], dict[str, bool]]:
    report = check_records(read_records(paths), policy=Policy(), today=TODAY)
    checked = {str(Path(s.source).resolve()): s for s in report.subjects}
    scanned = {
        str(Path(s.source).resolve()): s.passed
        for s in scan([root], policy=Policy(), today=TODAY, jobs=2)
        if isinstance(s, SubjectReport)
    }
    return checked, scanned


def generated(catalog: Catalog) -> list[tuple[str, int, int, int, int]]:
    """(set, derivatives, caught or passed as expected, scan disagreements, unknown-base) rows."""
    closed, open_ = _bases(catalog)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sets: dict[str, list[tuple[Path, bool]]] = {}  # path, expected to pass
        for n, base in enumerate(closed):
            for depth in range(1, 6):
                parent = base
                for level in range(depth):
                    model_id = f"chain{n}d{depth}/m{level}"
                    declared = PERMISSIVE[level % 2]
                    path = _write(root, model_id, f"license: {declared}\nbase_model: {parent}")
                    sets.setdefault(f"chains depth {depth}", []).append((path, False))
                    parent = model_id
            name = base.split("/", 1)[1]
            for k, mirror in enumerate(
                (f"TheBloke/{name}-GGUF", f"unsloth/{name}", f"NousResearch/{name}")
            ):
                path = _write(root, f"reup{n}/ft{k}", f"license: mit\nbase_model: {mirror}")
                sets.setdefault("re-upload names", []).append((path, False))
            decoy = _write(root, f"decoys{n}/{name}", "license: mit")
            ft = _write(root, f"decoyft{n}/ft", f"license: mit\nbase_model: {base}")
            sets.setdefault("decoys (fine-tune of the real id)", []).append((ft, False))
            sets.setdefault("decoy cards themselves (MIT, no base)", []).append((decoy, True))
        for size in (2, 3):
            for n in range(5):
                for level in range(size):
                    nxt = f"loop{size}x{n}/m{(level + 1) % size}"
                    path = _write(
                        root, f"loop{size}x{n}/m{level}", f"license: mit\nbase_model: {nxt}"
                    )
                    sets.setdefault(f"cycles of {size}", []).append((path, False))
        for n, base in enumerate(open_):
            path = _write(root, f"open{n}/ft", f"license: mit\nbase_model: {base}")
            sets.setdefault("fine-tunes of open bases (false alarms)", []).append((path, True))
        paths = [p for members in sets.values() for p, _ in members]
        checked, scanned = _judge(paths, root)
        for label, members in sets.items():
            right = disagree = unknown = 0
            for path, should_pass in members:
                subject = checked[str(path.resolve())]
                right += subject.passed == should_pass
                disagree += scanned.get(str(path.resolve())) != subject.passed
                unknown += any(v.rule == "unknown-base" for v in subject.violations) or any(
                    "base model" in w and "unknown" in w for w in subject.warnings
                )
            rows.append((label, len(members), right, disagree, unknown))
    return rows


def real_ids() -> tuple[Counter[str], list[str], Counter[str], list[str]]:
    """MIT fine-tunes of every corpus model id: outcomes; and the corpus license names."""
    ids: list[str] = []
    names: Counter[str] = Counter()
    for path in sorted(HF.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                match = re.match(r"\[([^\]]+)\]", row["model_id"])
                if match:
                    ids.append(match.group(1))
                if row.get("suggested_license_name"):
                    names[row["suggested_license_name"]] += 1
    outcomes: Counter[str] = Counter({"ids": len(ids)})
    passed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = [
            _write(root, f"ft{n}/m", f"license: mit\nbase_model: {base}")
            for n, base in enumerate(ids)
        ]
        report = check_records(read_records(paths), policy=Policy(), today=TODAY)
        for base, subject in zip(ids, report.subjects, strict=True):
            rules = {v.rule for v in subject.violations}
            if "inherited-license" in rules:
                outcomes["caught (inherits a non-open license)"] += 1
            elif "unknown-base" in rules or any("unknown" in w for w in subject.warnings):
                outcomes["unknown base"] += 1
            if subject.passed:
                outcomes["passed"] += 1
                passed.append(base)
    catalog = Catalog()
    unknown_names = [n for n in names if catalog.resolve(n) is None]
    return outcomes, passed, names, unknown_names


def main() -> int:
    catalog = Catalog()
    rows = generated(catalog)
    print("| generated set | models | judged as expected | scan ≠ check | unknown-base |")
    print("|---|---:|---:|---:|---:|")
    for label, total, right, disagree, unknown in rows:
        print(
            f"| {label} | {total} | {right} ({100 * right / total:.1f} %) "
            f"| {disagree} | {unknown} |"
        )
    laundering = [r for r in rows if r[0].startswith(("chains", "re-upload", "decoys (", "cycles"))]
    caught = sum(r[2] for r in laundering)
    total = sum(r[1] for r in laundering)
    decoy_passes = sum(r[1] - r[2] for r in rows if r[0].startswith("decoys ("))
    disagreements = sum(r[3] for r in rows)
    print()
    print("| measure | result | target | met |")
    print("|---|---|---|---|")
    print(
        "| laundering caught on generated chains "
        f"| {caught}/{total} ({100 * caught / total:.1f} %) "
        f"| 100 % | {'yes' if caught == total else 'NO'} |"
    )
    print(f"| decoy passes | {decoy_passes} | 0 | {'yes' if decoy_passes == 0 else 'NO'} |")
    print(
        f"| scan and check disagree | {disagreements} | 0 | "
        f"{'yes' if disagreements == 0 else 'NO'} |"
    )
    if HF.is_dir():
        outcomes, passed, names, unknown_names = real_ids()
        total_ids = (
            sum(1 for _ in passed)
            + outcomes["caught (inherits a non-open license)"]
            + (outcomes["unknown base"])
        )
        print()
        print(
            f"Real Hub ids of ../shared/corpus/hf/*.csv as the base of an MIT fine-tune "
            f"({total_ids} ids; all are labelled there with a non-open or missing license):"
        )
        print()
        print("| outcome | fine-tunes |")
        print("|---|---:|")
        for label in ("caught (inherits a non-open license)", "unknown base", "passed"):
            print(f"| {label} | {outcomes[label]} |")
        print()
        print(
            f"license names used by the corpus: {len(names)} distinct, "
            f"{len(unknown_names)} unknown to licheck: {', '.join(sorted(unknown_names)) or '-'}"
        )
        if passed:
            print(f"\n**passed** ({len(passed)}): {', '.join(passed[:20])}")
    return 0 if caught == total and decoy_passes == 0 and disagreements == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
