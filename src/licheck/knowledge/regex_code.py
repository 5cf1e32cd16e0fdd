"""Build knowledge/data/regex-code.marshal: the compiled patterns licheck's runs compile.

Every run of licheck compiles the same regular expressions (its readers', its clause rules', its
identification's, and those PyYAML and click compile at import): ~50 patterns, 9 ms of an 80 ms
cold check. CPython's regex compiler is deterministic, so this maintainer's command runs
representative checks from this repository's examples and fixtures in subprocesses, records
what the compiler made of each pattern they compiled, and writes it, under the exact
interpreter it came from (licheck.regex.code_header). `licheck.regex.preload_compiled` makes
it known to `re`'s cache at import; under another interpreter the file is ignored.

A pattern missing from the file is compiled as before (only slower): tests/test_regex.py fails
when a cold check compiles one, and says to run

    python -m licheck.knowledge.regex_code
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from licheck.regex import CODE_FILE, PRELOAD_SWITCH, code_header

ROOT = Path(__file__).resolve().parents[3]

# Run in a subprocess: every pattern the run compiles (one not found in re's cache) is recorded
# as (pattern, flags) -> licheck.regex.compiled_form(pattern, flags). With the store off, that
# is every pattern the run uses; with it on, only those the store lacks.
RECORDER = """
import marshal, re, runpy, sys
import re._compiler as compiler
from licheck.regex import compiled_form
out, arguments = sys.argv[1], sys.argv[2:]
found = {}
plain_compile = compiler.compile

def recording(pattern, flags=0):
    compiled = plain_compile(pattern, flags)
    flags = int(flags)
    if isinstance(pattern, str) and not flags & (re.DEBUG | re.LOCALE):
        found[(pattern, flags)] = compiled_form(pattern, flags)
    return compiled

compiler.compile = recording
sys.argv = ["licheck", *arguments]
try:
    runpy.run_module("licheck", run_name="__main__")
except SystemExit:
    pass
finally:
    with open(out, "wb") as file:
        marshal.dump(found, file)
"""


def representative_runs(scratch: Path) -> list[list[str]]:
    """The runs whose patterns are recorded: a check in every output format, folders, license
    texts through the clause engine, identification, a scan of every fixture kind."""
    example = "examples/llama-2-7b/model.yaml"
    formats = ["terminal", "json", "sarif", "junit", "markdown", "github"]
    clauses = ROOT / "tests/fixtures/clauses"
    texts = sorted(str(p.relative_to(ROOT)) for p in clauses.glob("*.txt"))
    folders = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "tests/fixtures/folders").iterdir() if p.is_dir()
    )
    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*/model.yaml"))
    return [
        *[["--format", name, example] for name in formats],
        ["--jobs", "1", "--format", "json", *examples, *folders],
        ["--jobs", "1", "--format", "json", *texts],
        ["identify", texts[0]],
        ["scan", "--jobs", "1", "--format", "jsonl", "-o", str(scratch / "scan.jsonl"),
         "tests/fixtures"],
    ]  # fmt: skip


def record(
    arguments: list[str], scratch: Path, *, preload: bool = False
) -> dict[tuple[str, int], tuple[object, ...]]:
    """What one licheck run compiles, as the recorder above writes it: every pattern it uses,
    or with `preload` (the store in place, as a run has it) the ones the store lacks."""
    out = scratch / "found.marshal"
    environment = {k: v for k, v in os.environ.items() if k != PRELOAD_SWITCH}
    if not preload:
        environment[PRELOAD_SWITCH] = "0"
    subprocess.run(
        [sys.executable, "-c", RECORDER, str(out), *arguments],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,  # a failing check (exit 1) compiles its patterns all the same
        timeout=600,
    )
    with out.open("rb") as file:
        found: dict[tuple[str, int], tuple[object, ...]] = marshal.load(file)
    return found


def build() -> tuple[object, dict[tuple[str, int], tuple[object, ...]]]:
    """The file's content: this interpreter's header and every recorded pattern by (pattern,
    flags), in order."""
    found: dict[tuple[str, int], tuple[object, ...]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for arguments in representative_runs(scratch):
            found.update(record(arguments, scratch))
    return code_header(), {key: found[key] for key in sorted(found)}


def main() -> int:
    header, entries = build()
    if header is None:
        print("not CPython: nothing to build", file=sys.stderr)
        return 1
    content: Any = (header, entries)  # tuples, dicts, str, int and bytes: marshal's own types
    Path(CODE_FILE).write_bytes(marshal.dumps(content))
    size = Path(CODE_FILE).stat().st_size
    print(f"{len(entries)} patterns, {size:,} bytes, for {sys.version.split()[0]}: {CODE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
