"""Header-read time of a GGUF file does not grow with the file's size.

Writes one GGUF file with gguf-py's writer (a Llama-3-sized tokenizer of 128,256 tokens, so the
header is realistic), then grows it into sparse files of 4 MiB to 64 GiB (only the header holds
data) and times `read_header` on each; beside it, gguf-py's own `GGUFReader` on the 4 MiB file,
which is why licheck does not use it. Also times a safetensors header. Prints a table.

Run: PYTHONPATH=src python benchmarks/weights.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

import gguf
import numpy as np

from licheck.inputs.gguf import read_header
from licheck.inputs.safetensors import read_metadata

RUNS = 21
SIZES = (4 * 2**20, 2**30, 16 * 2**30, 64 * 2**30)
TOKENS = 128_256
# Target: the largest file's median within 2x the smallest's (no growth with size).
MAX_RATIO = 2.0


def _write(path: Path) -> None:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("bench")
    writer.add_string("general.license", "llama3")
    writer.add_token_list([f"token{i}" for i in range(TOKENS)])
    writer.add_tensor("weight", np.zeros((16,), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _median_ms(action: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _size(n: int) -> str:
    return f"{n // 2**30} GiB" if n >= 2**30 else f"{n // 2**20} MiB"


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="licheck-weights-"))
    try:
        seed = folder / "seed.gguf"
        _write(seed)
        header_bytes = seed.stat().st_size
        rows = []
        for size in SIZES:
            path = folder / f"model-{size}.gguf"
            shutil.copyfile(seed, path)
            with path.open("r+b") as handle:
                handle.truncate(size)  # sparse: nothing past the header is on disk
            ms = _median_ms(lambda p=path: read_header(p, shown=str(p)))
            rows.append((size, ms))
            if size != SIZES[0]:
                path.unlink()
        small = folder / f"model-{SIZES[0]}.gguf"
        reader_ms = _median_ms(lambda: gguf.GGUFReader(small), runs=3)
        tensors = folder / "model.safetensors"
        raw = json.dumps(
            {"__metadata__": {"license": "mit"}}
            | {f"t{i}": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]} for i in range(2000)}
        ).encode()
        tensors.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(4))
        with tensors.open("r+b") as handle:
            handle.truncate(16 * 2**30)
        st_ms = _median_ms(lambda: read_metadata(tensors, shown="model.safetensors"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"GGUF header: {header_bytes / 2**20:.1f} MiB ({TOKENS:,}-token vocabulary), "
        f"median of {RUNS} reads"
    )
    print()
    print("| file size (sparse) | licheck read_header (ms) |")
    print("|---:|---:|")
    for size, ms in rows:
        print(f"| {_size(size)} | {ms:.1f} |")
    ratio = rows[-1][1] / rows[0][1]
    met = ratio <= MAX_RATIO
    print()
    print("| measure | result | target | met |")
    print("|---|---|---|---|")
    print(
        f"| {_size(SIZES[-1])} vs {_size(SIZES[0])} header read | {ratio:.2f}x | "
        f"<= {MAX_RATIO:.1f}x | {'yes' if met else 'NO'} |"
    )
    print(f"| gguf-py GGUFReader, same header (median of 3) | {reader_ms:.0f} ms | — | — |")
    print(f"| safetensors header, 2,000 tensors, 16 GiB sparse file | {st_ms:.2f} ms | — | — |")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
