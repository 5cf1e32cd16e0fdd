"""Start-up cost: median wall time of a `licheck` check against `python -c pass`, as a ratio.

licheck runs in every CI build, so its start-up is a feature (target: <= 5x a bare interpreter).
Run: `python benchmarks/startup.py [--runs N]`. Prints a Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Without PYTHONDONTWRITEBYTECODE (some shells and CI images set it): the warm-up run writes
# licheck's bytecode, as `pip install` compiles it (see floors.py).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_wall(command: list[str], runs: int) -> float:
    """Median seconds of `runs` executions (after one warm-up run that fills the OS caches)."""
    subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=ENV)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=ENV)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    script = shutil.which("licheck")
    licheck = [script] if script else [sys.executable, "-m", "licheck"]
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "licheck --format json examples/llama-2-7b/model.yaml": [
            *licheck, "--format", "json", "examples/llama-2-7b/model.yaml",
        ],
        "licheck examples/llama-2-7b/model.yaml (terminal)": [
            *licheck, "examples/llama-2-7b/model.yaml",
        ],
    }  # fmt: skip
    apache = ROOT.parent / "shared" / "corpus" / "spdx" / "Apache-2.0.txt"
    if apache.is_file():  # identification loads the fingerprint index: its cold start counts
        cases["licheck identify spdx/Apache-2.0.txt"] = [*licheck, "identify", str(apache)]
    baseline = None
    print(f"| command | median ({args.runs} runs) | ratio to `python -c pass` |")
    print("|---|---:|---:|")
    for label, command in cases.items():
        wall = median_wall(command, args.runs)
        baseline = baseline or wall
        print(f"| `{label}` | {wall * 1000:.0f} ms | {wall / baseline:.2f}x |")
    print("\ntargets: the json check <= 5.00x; a cold `licheck identify FILE` <= 5.00x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
