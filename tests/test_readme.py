"""The README's install and integration snippets name only what exists (issue 16): no release
exists, so nothing is installed from PyPI by name and every pin is the user's reviewed commit."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_nothing_is_installed_from_the_registry_by_name() -> None:
    # `pip install licheck-ai` or `"licheck-ai[hub]"` would fetch an unrelated or missing package.
    assert re.search(r"pip install \"?licheck-ai(\[[a-z,]+\])?\"?(\s|$)(?! *@)", README) is None
    assert "pip install . && licheck examples/llama-2-7b/model.yaml" in README
    assert 'pip install -e ".[test]" && pytest' in README


def test_every_git_install_and_pin_is_a_reviewed_commit() -> None:
    assert re.search(r"licheck/licheck@v\d|rev: v\d", README) is None
    assert "uses: licheck/licheck@<commit-sha>" in README
    assert "rev: <commit-sha>" in README
    urls = re.findall(r'git\+https://[^\s"`]+', README)
    assert urls
    for url in urls:
        assert url.split("@")[-1] in ("<commit-sha>", "${LICHECK_COMMIT}")
