"""Scale: `licheck scan` over 1k, 10k and 100k generated model cards; speed and peak memory.

The cards are realistic: a mix of Hugging Face license ids in the proportions the Hub shows
(Apache-2.0 and MIT first, then Llama, RAIL, Gemma, Creative Commons), `license: other` with a
LICENSE file beside the card (texts taken from ../shared/corpus/ai when present), base models,
gated cards, and cards with no license. Most are loose `<name>.md` files in one folder (a
folder of cards); one in ten is a model folder with README.md and LICENSE.

Run: `python benchmarks/scale.py [--sizes 1000 10000 100000] [--jobs N] [--json-size 20000]`.
Prints a Markdown table; asserts nothing. Target: >= 2000 cards/s on 2 cores, peak RSS flat in N
(issue 17: at most 1.2x from the smallest size to the largest, printed under the table). The
peak is the largest licheck process's (getrusage); beside it, each process's own peak (VmHWM,
sampled from /proc every 0.1 s where there is one) says whether the main process or a worker
grows. A second table gives the peak RSS of a `--format json` scan of `--json-size` cards
(20,000 by default, 0 to skip): a non-streaming report, which issue 15 bounds to 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
LICENSES = [
    ("apache-2.0", 30), ("mit", 14), ("llama2", 6), ("llama3", 4), ("llama3.1", 5), ("llama3.2", 2),
    ("creativeml-openrail-m", 5), ("openrail++", 2), ("openrail", 3), ("bigscience-openrail-m", 1),
    ("gemma", 3), ("cc-by-nc-4.0", 4), ("cc-by-4.0", 3), ("cc-by-sa-4.0", 1), ("gpl-3.0", 1),
    ("bsd-3-clause", 1), ("afl-3.0", 1), ("other", 8), (None, 6),
]  # fmt: skip
BASES = [
    "meta-llama/Llama-2-7b-hf", "meta-llama/Meta-Llama-3-8B", "meta-llama/Llama-3.1-8B",
    "mistralai/Mistral-7B-v0.1", "google/gemma-2b", "Qwen/Qwen2.5-7B", "EleutherAI/pythia-1b",
    "stabilityai/stable-diffusion-xl-base-1.0", "someone/unknown-base",
]  # fmt: skip


def license_texts() -> list[str]:
    folder = CORPUS / "ai"
    if not folder.is_dir():
        return [
            "You may use, copy and modify the model for non-commercial research purposes only.\n"
        ]
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]


def card_text(rng: random.Random, index: int) -> tuple[str, bool]:
    """One card's README text, and whether it wants a LICENSE file beside it."""
    license_id = rng.choices([lic for lic, _w in LICENSES], [w for _l, w in LICENSES])[0]
    lines = ["---"]
    needs_text = license_id == "other"
    if license_id is not None:
        lines.append(f"license: {license_id}")
    if needs_text:
        lines += [f"license_name: custom-{index % 50}", "license_link: LICENSE"]
    if rng.random() < 0.4:
        lines.append(f"base_model: {rng.choice(BASES)}")
    if rng.random() < 0.3:
        lines += ["datasets:", "- allenai/c4", "- HuggingFaceFW/fineweb"]
    if rng.random() < 0.05:
        lines += ["extra_gated_prompt: You agree to share your contact information.", "gated: true"]
    lines += [
        "library_name: transformers",
        "tags: [text-generation]",
        "---",
        f"# model-{index}",
        "",
    ]
    lines += ["A model card with a few paragraphs of description.", ""] * 5
    return "\n".join(lines), needs_text


def generate(target: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    texts = license_texts()
    loose = target / "cards"
    loose.mkdir(parents=True)
    for index in range(count):
        text, needs_text = card_text(rng, index)
        if needs_text or index % 10 == 0:
            folder = target / "repos" / f"org-{index % 97}" / f"model-{index}"
            folder.mkdir(parents=True)
            (folder / "README.md").write_text(text, encoding="utf-8")
            if needs_text:
                (folder / "LICENSE").write_text(rng.choice(texts), encoding="utf-8")
        else:
            (loose / f"model-{index}.md").write_text(text, encoding="utf-8")


# Runs the scan, samples each of its processes' own peak (VmHWM) from /proc, and prints the
# largest process's peak (getrusage), the main process's and the largest worker's, in KB.
WRAPPER = """
import os, resource, subprocess, sys, time
def hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0
def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listed:
            return [int(c) for c in listed.read().split()]
    except OSError:
        return []
scan = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
main = worker = 0
while scan.poll() is None:
    main = max(main, hwm(scan.pid))
    worker = max([worker, *(hwm(c) for c in children(scan.pid))])
    time.sleep(0.1)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, main, worker)
"""


def measure(target: Path, jobs: int | None, fmt: str = "jsonl") -> tuple[float, int, int]:
    """(seconds, peak RSS in KB of the largest licheck process, models checked)."""
    seconds, peaks, checked = measure_peaks(target, jobs, fmt)
    return seconds, peaks[0], checked


def measure_peaks(
    target: Path, jobs: int | None, fmt: str = "jsonl"
) -> tuple[float, tuple[int, int, int], int]:
    """(seconds, (the largest process's, the main process's, the largest worker's peak RSS in
    KB), models checked). The sampled peaks are 0 where /proc is missing."""
    output = target / f"out.{fmt}"
    command = [sys.executable, "-m", "licheck", "scan", "--format", fmt, "-o", str(output)]
    if jobs:
        command += ["--jobs", str(jobs)]
    wrapper = WRAPPER
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command, str(target / "cards"), str(target / "repos")],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    text = output.read_text(encoding="utf-8")
    checked = len(json.loads(text)["subjects"]) if fmt == "json" else len(text.splitlines()) - 1
    largest, main, worker = (int(kb) for kb in done.stdout.split())
    return elapsed, (largest, main, worker), checked


def json_table(size: int, jobs: int | None) -> None:
    """Peak RSS of a `--format json` scan: the whole report is built before it is written."""
    print()
    print("| format | cards | scan (s) | peak RSS (MB) | floor (MB) | checked |")
    print("|---|---:|---:|---:|---:|---:|")
    target = Path(tempfile.mkdtemp(prefix=f"licheck-scale-json-{size}-"))
    try:
        generate(target, size)
        os.sync()
        elapsed, peak_kb, checked = measure(target, jobs, "json")
        print(
            f"| json | {size:,} | {elapsed:.1f} | {peak_kb / 1024:.0f} | 200 | {checked:,} |",
            flush=True,
        )
    finally:
        shutil.rmtree(target, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--json-size", type=int, default=20_000)
    args = parser.parse_args()
    print(
        "| cards | generate (s) | scan (s) | cards/s | peak RSS (MB) | main / worker (MB) "
        "| checked |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    peaks: list[int] = []
    for size in args.sizes:
        target = Path(tempfile.mkdtemp(prefix=f"licheck-scale-{size}-"))
        try:
            start = time.perf_counter()
            generate(target, size)
            os.sync()  # flush the new files first: the scan, not the disk's write-back, is timed
            generated = time.perf_counter() - start
            elapsed, (peak_kb, main_kb, worker_kb), checked = measure_peaks(target, args.jobs)
            peaks.append(peak_kb)
            print(
                f"| {size:,} | {generated:.1f} | {elapsed:.1f} | {checked / elapsed:,.0f} "
                f"| {peak_kb / 1024:.0f} | {main_kb / 1024:.0f} / {worker_kb / 1024:.0f} "
                f"| {checked:,} |",
                flush=True,
            )
        finally:
            shutil.rmtree(target, ignore_errors=True)
    if len(peaks) > 1:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"\npeak RSS at {args.sizes[-1]:,} / at {args.sizes[0]:,}: "
            f"{peaks[-1] / peaks[0]:.2f}x (target <= 1.2x); load average {load:.1f} at the end"
        )
    if args.json_size:
        json_table(args.json_size, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
