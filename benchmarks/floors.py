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
A command and its floor run in alternation, so both meet the same drift of the machine's speed.
A second table gives the instructions of one run of each cold row and its floor (callgrind,
when valgrind is installed): a count no load changes.

Run: `python benchmarks/floors.py [--runs N] [--cards N] [--corpus PATH] [--no-instructions]`.
"""

from __future__ import annotations

import argparse
import os
import re
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


def measure_pair(command: list[str], floor: list[str], runs: int) -> tuple[Measured, Measured]:
    """A command and its floor, each run `runs` times in alternation (after one warm-up run of
    each, which also writes the bytecode): the medians of wall and CPU seconds, and the peak RSS
    of one more run. Alternating puts both under the same drift of a shared machine's speed,
    which over the minutes of a whole benchmark moved one command's median by 15 %."""
    _run(command)
    _run(floor)
    samples: list[tuple[float, float]] = []
    floor_samples: list[tuple[float, float]] = []
    for _ in range(runs):
        samples.append(_run(command))
        floor_samples.append(_run(floor))
    return _summary(command, samples), _summary(floor, floor_samples)


def _summary(command: list[str], samples: list[tuple[float, float]]) -> Measured:
    wall = statistics.median(w for w, _ in samples)
    cpu = statistics.median(c for _, c in samples)
    return wall, cpu, _peak(command)


def instructions(command: list[str]) -> int | None:
    """The instructions one run executes (valgrind's callgrind; None without valgrind): a count
    the machine's load does not change, for the cold rows, where wall times of ~0.1 s are noisy."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}/cg.out", *command],
            cwd=out,  # not ROOT: no stray module of the checkout on the path
            capture_output=True,
            text=True,
            check=False,
            env=ENV,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def _card(license_id: str, n: int) -> str:
    return f"---\nlicense: {license_id}\nbase_model: org/base-{n % 7}\ntags: [text]\n---\n# m{n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--no-instructions", action="store_true", help="skip the callgrind counts (slow)"
    )
    args = parser.parse_args()
    script = shutil.which("licheck")
    licheck = [script] if script else [sys.executable, "-m", "licheck"]
    python = sys.executable
    rows: list[tuple[str, Measured, str, Measured, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = ROOT / "examples" / "llama-2-7b" / "model.yaml"
        yaml_floor = [python, "-c", FLOOR_YAML, str(model)]
        json_command = [*licheck, "--format", "json", str(model)]
        json_check, floor = measure_pair(json_command, yaml_floor, args.runs)
        rows.append(("cold json check", json_check, "click+yaml floor", floor, "<= 1.3x"))
        counted = [("cold json check", json_command, yaml_floor)]
        llama = args.corpus / "ai" / "llama-2-license-2023.txt"
        if llama.is_file():
            bare, folder = work / "bare", work / "folder"
            for where in (bare, folder):
                where.mkdir()
                (where / "README.md").write_text("---\nlicense: llama2\n---\n# m\n", "utf-8")
            shutil.copy(llama, folder / "LICENSE")
            folder_command = [*licheck, "--format", "json", str(folder)]
            bare_command = [*licheck, "--format", "json", str(bare)]
            with_text, card = measure_pair(folder_command, bare_command, args.runs)
            rows.append(
                ("cold check, folder with a LICENSE", with_text, "the bare card", card, "<= 1.1x")
            )
            counted.append(("cold check, folder with a LICENSE", folder_command, bare_command))
        apache = args.corpus / "spdx" / "Apache-2.0.txt"
        if apache.is_file():
            identify_command = [*licheck, "identify", str(apache)]
            identify, identify_floor = measure_pair(identify_command, yaml_floor, args.runs)
            rows.append(
                ("cold licheck identify FILE", identify, "click+yaml floor", identify_floor,
                 "<= 1.5x")
            )  # fmt: skip
            counted.append(("cold licheck identify FILE", identify_command, yaml_floor))
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
            many, text_floor = measure_pair(
                [*licheck, "--format", "json", *texts],
                [python, "-c", FLOOR_TEXTS, *texts],
                max(1, args.runs // 3),
            )
            rows.append((f"{len(texts)} texts in one licheck call", many,
                         "read + lower + bigrams, one core", text_floor, "<= 1.5x"))  # fmt: skip
        cards = work / "cards"
        cards.mkdir()
        ids = ("mit", "apache-2.0", "llama2", "openrail", "cc-by-nc-4.0", "gemma", "other")
        for n in range(args.cards):
            (cards / f"m{n:06d}.md").write_text(_card(ids[n % len(ids)], n), "utf-8")
        scan, card_floor = measure_pair(
            [*licheck, "scan", "--format", "jsonl", "-o", str(work / "out.jsonl"), str(cards)],
            [python, "-c", FLOOR_CARDS, str(cards)],
            max(1, args.runs // 3),
        )
        floor_label = "read + YAML-parse every card, one process"
        rows.append((f"licheck scan of {args.cards:,} cards, 2 cores", scan, floor_label,
                     card_floor, "<= 1.0x"))  # fmt: skip
        counts = [] if args.no_instructions else [
            (label, instructions(command), instructions(floor_command))
            for label, command, floor_command in counted
        ]  # fmt: skip
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
    if counts:
        print("\n| measure (one run, callgrind) | licheck | floor | ratio |\n|---|---:|---:|---:|")
    for label, mine, theirs in counts:
        if mine is None or theirs is None:
            print(f"| {label} | - | - | no valgrind |")
        else:
            print(f"| {label} | {mine / 1e6:.0f} M | {theirs / 1e6:.0f} M | {mine / theirs:.2f}x |")
    large = max(1, args.runs // 3)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nmedians of {args.runs} runs (large rows: {large}); Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
