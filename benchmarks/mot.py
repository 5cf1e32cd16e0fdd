"""The MOT reader and the openness checks over every Model Openness Tool file we have.

Measures, on ../shared/corpus: the time to read and classify MOT's 273 model files; their MOF
class counts as MOT computes them and as licheck corrects them; how many pass OSAID 1.0 (with the
engine's license verdicts); the divergences from MOT by kind; the oracle score on MOT's 27 test
files (target 27/27); and how many of the distinct license names licheck can name.

Run: `python benchmarks/mot.py` (prints Markdown).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from licheck.engine.judge import judge_license
from licheck.engine.openness import license_names, mof_class, openness
from licheck.inputs.mot import load_mot
from licheck.knowledge.catalog import Catalog
from licheck.knowledge.mof import normalise_license_name
from licheck.records import CLASS_LABELS, ModelRecord

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def verdicts(record: ModelRecord, catalog: Catalog) -> dict[str, str]:
    """The engine's verdict on every license name the record's openness checks ask about."""
    out: dict[str, str] = {}
    for raw, license_id in license_names(record, catalog).items():
        if license_id is None:
            out[raw] = "unknown"
            continue
        resolution = catalog.resolve(license_id)
        out[raw] = judge_license(license_id, resolution, catalog).verdict
    return out


def oracle_score(catalog: Catalog) -> tuple[int, int, list[str]]:
    """MOT's test files whose class and progress licheck reproduces exactly."""
    text = (CORPUS / "mot-testdata" / "expected_results.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
    expected = {m["release"]["name"]: m["classification"] for m in data["models"]}
    good, misses = 0, []
    for path in sorted((CORPUS / "mot-testdata").glob("*.yml")):
        record = load_mot(path, shown=path.name, catalog=catalog)
        result = mof_class(record)
        want = expected[record.name]
        progress = {str(k): v for k, v in result.progress.items()}
        if result.mof_class == want["class"] and progress == want["progress"]:
            good += 1
        else:
            misses.append(path.name)
    return good, len(expected), misses


def main() -> int:
    """Print the Markdown tables; exit 2 without the corpus."""
    if not (CORPUS / "mot").is_dir():
        sys.stderr.write(f"corpus not found at {CORPUS}\n")
        return 2
    catalog = Catalog()
    catalog.resolve("MIT")  # load the index outside the timing
    files = sorted((CORPUS / "mot").glob("*.yml"))

    start = time.perf_counter()
    records = [load_mot(path, shown=path.name, catalog=catalog) for path in files]
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    mot_classes = Counter(mof_class(r).mof_class for r in records)
    classify_seconds = time.perf_counter() - start

    start = time.perf_counter()
    results = [openness(r, verdicts(r, catalog)) for r in records]
    openness_seconds = time.perf_counter() - start
    licheck_classes = Counter(o.mof_licheck.mof_class for o in results)
    changed = sum(o.mof.mof_class != o.mof_licheck.mof_class for o in results)
    osaid_pass = sorted(r.name for r, o in zip(records, results, strict=True) if o.osaid.passed)
    kinds = Counter(d.message.split(":")[0] for o in results for d in o.divergences)

    raw_names = {c.license for r in records for c in r.components if c.license}
    name_kinds = Counter(normalise_license_name(n, catalog).kind for n in raw_names)
    good, total, misses = oracle_score(catalog)

    n = len(files)
    print(f"## MOT files ({n} models, lfai/model_openness_tool@8b5d30e)\n")
    print("| measure | value |\n|---|---|")
    print(
        f"| read {n} files | {read_seconds * 1000:.0f} ms ({read_seconds / n * 1000:.2f} ms/file) |"
    )
    print(f"| MOT-exact MOF class, all files | {classify_seconds * 1000:.1f} ms |")
    print(f"| openness (OSAID + both classes + divergences + verdicts) | "
          f"{openness_seconds * 1000:.0f} ms |")  # fmt: skip
    print(f"| oracle: MOT's test files reproduced exactly | {good}/{total} |")
    if misses:
        print(f"| oracle misses | {', '.join(misses)} |")
    print(f"| OSAID 1.0 pass | {len(osaid_pass)}/{n}: {', '.join(osaid_pass)} |")
    print(f"| class differs, MOT vs licheck | {changed} |")
    print(f"| distinct license names | {len(raw_names)}: " + ", ".join(
        f"{k} {v}" for k, v in sorted(name_kinds.items())) + " |")  # fmt: skip
    print("\n| MOF class | MOT | licheck |\n|---|---|---|")
    for k in (1, 2, 3, 0):
        print(f"| {CLASS_LABELS[k]} | {mot_classes[k]} | {licheck_classes[k]} |")
    print("\n| where licheck thinks MOT is wrong | components |\n|---|---|")
    for kind, count in kinds.most_common():
        print(f"| {kind} | {count} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
