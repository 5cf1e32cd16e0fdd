"""Every example gives its documented exit code through the installed `licheck` script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    "llama-2-7b": 1,
    "pythia-6.9b": 0,
    "falcon-40b": 0,
    "falcon-180b": 1,
    "stable-diffusion-v1-5": 1,
    "gpt-4": 1,
    "olmo-7b": 0,
}


def test_every_example_folder_has_an_expectation() -> None:
    folders = {p.name for p in (ROOT / "examples").iterdir() if (p / "model.yaml").is_file()}
    assert folders == set(EXPECTED)


@pytest.mark.parametrize(("example", "exit_code"), sorted(EXPECTED.items()))
def test_installed_script_gives_the_expected_exit_code(example: str, exit_code: int) -> None:
    script = shutil.which("licheck")
    if script is None:
        pytest.skip("the licheck console script is not installed (pip install -e .)")
    done = subprocess.run(
        [script, "--format", "json", f"examples/{example}/model.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == exit_code, done.stderr
    assert done.stderr == ""
