"""How close licheck is to the floor of what any tool must spend on the same inputs (issue 17).

Each row runs licheck and a floor in the same run on the same machine, so the ratio holds on any
machine: the floor is what reading the same inputs costs with nothing else done (start Python,
import click and PyYAML, parse the file; or read, lower-case and cut every text into word
bigrams; or read and YAML-parse every card in one process). Peak memory is the largest resident
set of any licheck process of the row. Prints Markdown tables; asserts nothing.

Every command runs without PYTHONDONTWRITEBYTECODE (some shells and CI images set it), after a
warm-up run that writes licheck's bytecode: `pip install` compiles it, the floor's libraries
come compiled from their wheels, and a ratio that charged licheck alone for compiling its
sources would measure the environment, not licheck. Beside the wall times (the targets) the
table gives CPU seconds (user + system of the process and its children): on a machine that
other work shares, CPU time says what the run cost where wall time also says what it waited.

Run: `python benchmarks/floors.py [--runs N] [--cards N] [--corpus PATH]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

FLOOR_YAML = "import click, yaml, sys; yaml.safe_load(open(sys.argv[1], encoding='utf-8'))"
FLOOR_TEXTS = """
import sys
from pathlib import Path
count = 0
for name in sys.argv[1:]:
    words = Path(name).read_text(encoding="utf-8", errors="replace").lower().split()
    count += len(set(zip(words, words[1:])))
print(count)
"""
FLOOR_CARDS = """
import sys, yaml
from pathlib import Path
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    text = path.read_text(encoding="utf-8")
    yaml.load(text.split("---", 2)[1], Loader=loader)
"""


_WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, children included) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _peak(command: list[str]) -> float:
    """The peak RSS (MB) of the largest process the command starts, measured in a fresh wrapper
    process (so that its children's peak is this command's alone)."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    lines = done.stdout.strip().splitlines()
    return int(lines[-1]) / 1024 if lines else 0.0


# Median wall seconds, median CPU seconds and peak RSS (MB) of a command.
Measured = tuple[float, float, float]


def measure(command: list[str], runs: int) -> Measured:
    """Median wall seconds and median CPU seconds over `runs` (after one warm-up run, which
    also writes the bytecode) and the peak RSS of one more run."""
    _run(command)
    samples = [_run(command) for _ in range(runs)]
    wall = statistics.median(w for w, _ in samples)
    cpu = statistics.median(c for _, c in samples)
    return wall, cpu, _peak(command)


def _card(license_id: str, n: int) -> str:
    return f"---\nlicense: {license_id}\nbase_model: org/base-{n % 7}\ntags: [text]\n---\n# m{n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    script = shutil.which("licheck")
    licheck = [script] if script else [sys.executable, "-m", "licheck"]
    python = sys.executable
    rows: list[tuple[str, Measured, str, Measured, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = ROOT / "examples" / "llama-2-7b" / "model.yaml"
        json_check = measure([*licheck, "--format", "json", str(model)], args.runs)
        floor = measure([python, "-c", FLOOR_YAML, str(model)], args.runs)
        rows.append(("cold json check", json_check, "click+yaml floor", floor, "<= 1.3x"))
        llama = args.corpus / "ai" / "llama-2-license-2023.txt"
        if llama.is_file():
            bare, folder = work / "bare", work / "folder"
            for where in (bare, folder):
                where.mkdir()
                (where / "README.md").write_text("---\nlicense: llama2\n---\n# m\n", "utf-8")
            shutil.copy(llama, folder / "LICENSE")
            with_text = measure([*licheck, "--format", "json", str(folder)], args.runs)
            card = measure([*licheck, "--format", "json", str(bare)], args.runs)
            rows.append(
                ("cold check, folder with a LICENSE", with_text, "the bare card", card, "<= 1.1x")
            )
        apache = args.corpus / "spdx" / "Apache-2.0.txt"
        if apache.is_file():
            identify = measure([*licheck, "identify", str(apache)], args.runs)
            rows.append(
                ("cold licheck identify FILE", identify, "click+yaml floor", floor, "<= 1.5x")
            )
        texts = sorted(
            str(p)
            for folder_name in ("spdx", "ai", "wild")
            for p in (args.corpus / folder_name).glob("*")
            if p.is_file()
            and p.name != "labels.json"
            and not p.name.endswith(".json")
            and p.name != "not-open.txt"
        )
        if texts:
            many = measure([*licheck, "--format", "json", *texts], max(1, args.runs // 3))
            text_floor = measure([python, "-c", FLOOR_TEXTS, *texts], max(1, args.runs // 3))
            rows.append((f"{len(texts)} texts in one licheck call", many,
                         "read + lower + bigrams, one core", text_floor, "<= 1.5x"))  # fmt: skip
        cards = work / "cards"
        cards.mkdir()
        ids = ("mit", "apache-2.0", "llama2", "openrail", "cc-by-nc-4.0", "gemma", "other")
        for n in range(args.cards):
            (cards / f"m{n:06d}.md").write_text(_card(ids[n % len(ids)], n), "utf-8")
        scan = measure([*licheck, "scan", "--format", "jsonl", "-o", str(work / "out.jsonl"),
                        str(cards)], max(1, args.runs // 3))  # fmt: skip
        card_floor = measure([python, "-c", FLOOR_CARDS, str(cards)], max(1, args.runs // 3))
        floor_label = "read + YAML-parse every card, one process"
        rows.append((f"licheck scan of {args.cards:,} cards, 2 cores", scan, floor_label,
                     card_floor, "<= 1.0x"))  # fmt: skip
    print(
        "| measure | licheck | floor | floor (s) | ratio (wall) | target | "
        "CPU licheck / floor | ratio (CPU) | peak RSS |"
    )
    print("|---|---:|---|---:|---:|---|---:|---:|---:|")
    for label, (wall, cpu, peak), floor_label, (floor_wall, floor_cpu, _), target in rows:
        print(
            f"| {label} | {wall:.3f} s | {floor_label} | {floor_wall:.3f} s | "
            f"{wall / floor_wall:.2f}x | {target} | {cpu:.3f} / {floor_cpu:.3f} s | "
            f"{cpu / floor_cpu:.2f}x | {peak:.0f} MB |"
        )
    large = max(1, args.runs // 3)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nmedians of {args.runs} runs (large rows: {large}); Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
