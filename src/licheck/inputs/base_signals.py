"""The base models a Hub repository names outside its card: a PEFT adapter's config, a merge's.

A LoRA adapter often has no `base_model` in its card at all: the Hub and PEFT read the base from
`adapter_config.json` (`base_model_name_or_path`). A mergekit merge names every model it merges in
`mergekit_config.yml` (`models: [{model: ...}]`, `base_model:`, `slices: [{sources: [...]}]`). A
derivative inherits the terms of each of them (issue 14), so they are read beside a README.

These files are metadata for other tools: what cannot be read is a warning, not an error, and
only names are taken from them (never a path outside the folder: the names are Hub ids).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ADAPTER_CONFIG = "adapter_config.json"
MERGEKIT_CONFIGS = ("mergekit_config.yml", "mergekit_config.yaml")
MAX_CONFIG_BYTES = 256 * 1024


def _read(path: Path, warnings: list[str]) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        warnings.append(f"{path}: cannot be read ({exc.strerror or 'an error'}); its base ignored")
        return None


def _name(value: Any) -> str | None:
    if isinstance(value, str) and value.strip() and "\x00" not in value:
        return value.strip()
    return None


def adapter_base(folder: Path, warnings: list[str]) -> tuple[str, ...]:
    """`base_model_name_or_path` of a PEFT adapter's config beside the card, if any."""
    text = _read(folder / ADAPTER_CONFIG, warnings)
    if text is None:
        return ()
    try:
        data = json.loads(text)
    except ValueError:
        warnings.append(f"{folder / ADAPTER_CONFIG}: not valid JSON; its base model is ignored")
        return ()
    name = _name(data.get("base_model_name_or_path")) if isinstance(data, dict) else None
    return (name,) if name else ()


def _merge_models(data: Any, found: list[str]) -> None:
    """Every `model:` and `base_model:` value in a mergekit config, in order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("model", "base_model"):
                name = _name(value)
                if name is None and isinstance(value, dict):
                    name = _name(value.get("model"))  # `model: {model: ORG/NAME}` form
                if name is not None and name not in found:
                    found.append(name)
            else:
                _merge_models(value, found)
    elif isinstance(data, list):
        for item in data:
            _merge_models(item, found)


def merge_bases(folder: Path, warnings: list[str]) -> tuple[str, ...]:
    """The models a mergekit config beside the card merges."""
    from licheck.errors import InputError
    from licheck.inputs.yamlfile import load_yaml

    for name in MERGEKIT_CONFIGS:
        text = _read(folder / name, warnings)
        if text is None:
            continue
        try:
            data = load_yaml(text, source=str(folder / name))
        except InputError as exc:
            warnings.append(f"{folder / name}: {exc.message}; its models are ignored")
            return ()
        found: list[str] = []
        _merge_models(data, found)
        return tuple(found)
    return ()


def bases_beside(folder: Path, warnings: list[str]) -> tuple[str, ...]:
    """Every base an adapter or merge config beside a card names."""
    return (*adapter_base(folder, warnings), *merge_bases(folder, warnings))
