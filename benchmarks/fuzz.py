"""A long fuzz run of licheck's parsers: any input gives a result or a LicheckError, never a crash.

The same properties as tests/test_robustness.py, with many more cases (target: 100,000, 0
crashes). Each target gets an equal share. Run: `python benchmarks/fuzz.py [--cases N]`.
Prints a Markdown table; a crash is printed with the input that caused it.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from licheck.errors import LicheckError

Target = Callable[[str], object]

SEEDS = [
    "name: m\nlicense: llama2\n",
    "name: m\nlicense: mit OR (apache-2.0 AND cc-by-4.0)\n"
    "components:\n  - {name: Training code, license: mit}\n",
    "---\nlicense: other\nlicense_name: llama3\nbase_model: [a/b]\ngated: true\n---\n# card\n",
    "mit AND (gpl-2.0-only WITH classpath-exception-2.0 OR llama2)",
    "You may not use the Model for commercial purposes. Licensee shall not distribute.\n",
    "a: &x [1, 2]\nb: [*x, *x]\n",
    "framework:\n  name: Model Openness Framework\n  version: '1.0'\nrelease:\n  name: m\n"
    "  license:\n    distribution: {name: Apache-2.0}\n  components:\n"
    "    - {name: Training code, license: MIT}\n    - {name: Model parameters (Final)}\n",
]
ALPHABET = "abcdeilmnoprstuyAORNDW ():-_.+[]{}&*!|>'\"#,?\n\t0123456789%@`\\\u00e9\u4e2d\x00"


def mutate(rng: random.Random, text: str) -> str:
    """A random edit: insert, delete, duplicate or replace a span; sometimes join two seeds."""
    choice = rng.random()
    if choice < 0.1:
        return text + rng.choice(SEEDS)
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        position = rng.randint(0, len(chars))
        operation = rng.random()
        if operation < 0.4:
            chars.insert(position, rng.choice(ALPHABET))
        elif operation < 0.6 and chars:
            del chars[min(position, len(chars) - 1)]
        elif operation < 0.8:
            span = chars[position : position + rng.randint(1, 20)]
            chars[position:position] = span * rng.randint(1, 50)
        elif chars:
            chars[min(position, len(chars) - 1)] = rng.choice(ALPHABET)
    return "".join(chars)


def targets() -> dict[str, Target]:
    """Each parser licheck exposes to untrusted text, with what exists in this build."""
    from licheck.engine.expression import parse
    from licheck.inputs.model_yaml import parse_model_yaml

    found: dict[str, Target] = {
        "model.yaml": lambda text: parse_model_yaml(
            text, source="fuzz.yaml", folder=Path("/nonexistent")
        ),
        "expression": parse,
    }
    optional = {
        "clause engine": ("licheck.clauses", "analyse"),
        "identify": ("licheck.identify", "identify"),
        "model card": ("licheck.inputs.hf_card", "parse_card"),
        "MOT file": ("licheck.inputs.mot", "parse_mot"),
    }
    for label, (module_name, function) in optional.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        func = getattr(module, function)
        if label == "model card":
            found[label] = lambda text, f=func: f(text, source="README.md", folder=None)
        elif label == "MOT file":
            found[label] = lambda text, f=func: f(text, source="mot.yml")
        else:
            found[label] = func
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    found = targets()
    share = max(1, args.cases // len(found))
    print("| target | cases | clean errors | crashes | seconds |")
    print("|---|---:|---:|---:|---:|")
    total_crashes = 0
    for label, target in found.items():
        crashes = errors = 0
        start = time.perf_counter()
        corpus = list(SEEDS)
        for _ in range(share):
            text = mutate(rng, rng.choice(corpus))
            if len(text) > 20_000:
                text = text[:20_000]
            try:
                target(text)
                if len(corpus) < 500 and rng.random() < 0.05:
                    corpus.append(text)
            except LicheckError:
                errors += 1
            except Exception as exc:  # a crash: exactly what the fuzz run is looking for
                crashes += 1
                if crashes <= 3:
                    print(
                        f"CRASH in {label}: {type(exc).__name__}: {exc}\n  input: {text[:300]!r}",
                        file=sys.stderr,
                    )
        total_crashes += crashes
        print(
            f"| {label} | {share:,} | {errors:,} | {crashes} | {time.perf_counter() - start:.1f} |"
        )
    print(f"\n{share * len(found):,} cases, {total_crashes} crashes (seed {args.seed})")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
