"""Card dumps at scale (issue 18): rows/s and peak RSS of the local engine and of Dask on a
2-worker LocalCluster, beside the one-process read+YAML floor of the same rows.

Generated dumps with a license mix drawn like the Hub's: many fine-tunes of open bases, chains
of depth 1-5 over Llama, Gemma, Qwen and FLUX re-declared as MIT or Apache-2.0, `other`
licenses, no license, broken cards. Each measurement runs in a fresh process, so that its peak
RSS (its own and its largest child's) is its own, and so are its CPU seconds (its own and its
children's: the pool's or the LocalCluster's workers). The machine's 1-minute load average is
printed beside each figure: on a shared machine a figure means little without it, and the CPU
seconds, which the load inflates far less than the wall time, show where an engine spends.

    python benchmarks/hub.py [ROWS ...]      # default: 10000 100000
    python benchmarks/hub.py --engines floor,local 1000000   # some of the three only
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOTS = [
    "meta-llama/Llama-2-7b-hf",
    "google/gemma-7b",
    "Qwen/Qwen-72B",
    "black-forest-labs/FLUX.1-dev",
]
OPEN = ["EleutherAI/pythia-6.9b", "allenai/OLMo-7B", "bert-base-uncased", "openai/whisper-small"]
LICENSES = ["mit", "apache-2.0", "mit", "apache-2.0", "cc-by-nc-4.0", "openrail", "other", None]


def card(rng: random.Random, index: int, previous: list[str]) -> str:
    """One card: its license, maybe a base (an open base, a known root, or a row before)."""
    kind = rng.random()
    lines = ["---"]
    license_ = rng.choice(LICENSES)
    if license_:
        lines.append(f"license: {license_}")
    if license_ == "other":
        lines.append("license_name: custom-research-license")
    if kind < 0.35:
        lines.append(f"base_model: {rng.choice(OPEN)}")
    elif kind < 0.55:
        lines.append(f"base_model: {rng.choice(ROOTS)}")
    elif kind < 0.75 and previous:  # a chain through the dump (depth grows as rows build on rows)
        lines.append("tags:")
        lines.append(f"- base_model:finetune:{rng.choice(previous[-5000:])}")
    elif kind < 0.77:
        return "---\nlicense: [broken\n---\n"
    lines.append("---")
    lines.append(f"# model {index}\n\nA fine-tune. " + "Lorem ipsum dolor sit amet. " * 40)
    return "\n".join(lines) + "\n"


def generate(rows: int, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(rows)
    writer = None
    previous: list[str] = []
    for start in range(0, rows, 10_000):
        ids, cards = [], []
        for index in range(start, min(rows, start + 10_000)):
            repo = f"user{index % 997}/model-{index}"
            cards.append(card(rng, index, previous))
            ids.append(repo)
            previous.append(repo)
        table = pa.table({"modelId": ids, "card": cards, "downloads": list(range(len(ids)))})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def _measure(mode: str, path: str) -> dict[str, float]:
    """Runs in a child process: one engine (or the floor) over the dump."""
    sys.path.insert(0, str(SRC))
    from datetime import date

    started = time.perf_counter()
    rows = 0
    collect = 0.0
    if mode == "floor":
        import yaml

        from licheck.inputs.card_dump import dump_rows

        for batch in dump_rows(Path(path)):
            for row in batch:
                rows += 1
                text = row.card or ""
                if text.startswith("---"):
                    front = text.split("\n---", 1)[0][3:]
                    with contextlib.suppress(yaml.YAMLError):
                        yaml.load(front, Loader=yaml.CSafeLoader)
    else:
        from licheck import hub
        from licheck.records import Policy

        real = hub.build_graph

        def timed(*args):  # type: ignore[no-untyped-def]
            nonlocal collect
            began = time.perf_counter()
            graph = real(*args)
            collect = time.perf_counter() - began
            return graph

        hub.build_graph = timed
        spec = hub.DumpSpec(Path(path), "cards.parquet")
        for _ in hub.scan_dump(
            spec,
            policy=Policy(),
            today=date(2026, 1, 1),
            engine=mode,
            jobs=2,
            lines_kb_version="bench",
        ):
            rows += 1
    elapsed = time.perf_counter() - started
    # This process's own peak (VmHWM, reset by exec): getrusage's ru_maxrss is kept across
    # exec on Linux, so it reported the generating parent's size (201 MB at 100k for the
    # floor, the local and the Dask main process alike).
    own = _own_peak_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": rows,
        "seconds": elapsed,
        "main_mb": own,
        "child_mb": children.ru_maxrss / 1024,
        "collect": collect,
        "main_cpu": me.ru_utime + me.ru_stime,
        "child_cpu": children.ru_utime + children.ru_stime,
        "load": os.getloadavg()[0],
    }


def _own_peak_mb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = sys.argv[1:]
    modes = ["floor", "local", "dask"]
    if args[:1] == ["--engines"]:
        modes = args[1].split(",")
        args = args[2:]
    sizes = [int(a) for a in args] or [10_000, 100_000]
    print(
        "| rows | engine | rows/s | vs local | first pass (graph) share | peak RSS main / worker "
        "| CPU s main / workers | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"cards-{rows}.parquet"
            generate(rows, path)
            local_rate = None
            for mode in modes:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", mode, str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                m = json.loads(out.strip().splitlines()[-1])
                rate = m["rows"] / m["seconds"]
                if mode == "local":
                    local_rate = rate
                versus = f"{rate / local_rate:.2f}x" if local_rate and mode == "dask" else "-"
                share = f"{m['collect'] / m['seconds']:.0%}" if mode != "floor" else "-"
                name = {
                    "floor": "floor: read+YAML, 1 process",
                    "local": "local, 2 processes",
                    "dask": "dask, 2-worker LocalCluster",
                }[mode]
                print(
                    f"| {rows:,} | {name} | {rate:,.0f} | {versus} | {share} | "
                    f"{m['main_mb']:.0f} / {m['child_mb']:.0f} MB | "
                    f"{m['main_cpu']:.1f} / {m['child_cpu']:.1f} | {m['load']:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3])))
    else:
        main()
