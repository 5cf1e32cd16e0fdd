"""Well-known base models and their licenses: what a derivative inherits.

A fine-tune of Llama 2 declared `apache-2.0` still carries the Llama 2 terms (issue 6): the
license of the weights it was trained from follows them. When the base is not in the same scan,
licheck needs to know that base's license from somewhere it can trust offline, so this module
keeps a small table of facts (base_models.yaml), each with the URL of the publisher's model
card or license that states it.

Only the original publisher's Hub ids and plain family names match: a quantisation or re-upload
by someone else (TheBloke/..., NousResearch/...) is not a fact about the base and must be read
from its own card. Version numbers are spelled out in every pattern, so Llama 3 never answers
for Llama 3.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("base_models.yaml")
UNKNOWN = "unknown"
_HUB_PREFIX = re.compile(r"^(https?://)?(www\.)?(huggingface\.co|hf\.co)/", re.IGNORECASE)


@dataclass(frozen=True)
class BaseModelFact:
    """What licheck knows about one base model family.

    `license` is a licheck license name or SPDX expression, or None where the table says
    `unknown` (we would rather say we do not know than guess). `pattern` is what matched:
    `org/<regex>` for a Hub id, or the plain family name.
    """

    pattern: str
    family: str
    license: str | None
    source: str
    note: str | None = None


@dataclass(frozen=True)
class _Entry:
    family: str
    license: str | None
    source: str
    note: str | None
    orgs: frozenset[str]
    models: tuple[re.Pattern[str], ...]
    names: frozenset[str]
    examples: tuple[str, ...]

    def fact(self, pattern: str) -> BaseModelFact:
        return BaseModelFact(pattern, self.family, self.license, self.source, self.note)


def _plain(name: str) -> str:
    """A family name in compared form: "Llama 2", "llama_2" and "LLAMA-2" are one name."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _entry(raw: Any, index: int) -> _Entry:
    """One YAML entry, checked: a broken table is a licheck bug, and says which entry."""
    where = f"{DATA_FILE.name} entry {index + 1}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: not a mapping")
    missing = [k for k in ("family", "license", "source", "orgs", "models") if not raw.get(k)]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    license_ = str(raw["license"])
    try:
        models = tuple(re.compile(p, re.IGNORECASE) for p in raw["models"])
    except re.error as exc:
        raise ValueError(f"{where}: bad model pattern: {exc}") from exc
    return _Entry(
        family=str(raw["family"]),
        license=None if license_ == UNKNOWN else license_,
        source=str(raw["source"]),
        note=str(raw["note"]).strip() if raw.get("note") else None,
        orgs=frozenset(str(o).lower() for o in raw["orgs"]),
        models=models,
        names=frozenset(_plain(str(n)) for n in raw.get("names") or ()),
        examples=tuple(str(e) for e in raw.get("examples") or ()),
    )


@lru_cache(maxsize=1)
def _table() -> tuple[_Entry, ...]:
    """The table, read once per process and only when a base model is first looked up."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(DATA_FILE.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, list):
        raise ValueError(f"{DATA_FILE.name}: expected a list of entries")
    return tuple(_entry(raw, index) for index, raw in enumerate(data))


def _matches(entry: _Entry, name: str) -> str | None:
    """The pattern of `entry` that `name` (already normalised) matches, if any."""
    org, slash, model = name.partition("/")
    if slash:
        if org not in entry.orgs:
            return None
        for pattern in entry.models:
            if pattern.fullmatch(model):
                return f"{org}/{pattern.pattern}"
        return None
    for pattern in entry.models:
        if pattern.fullmatch(name):
            return pattern.pattern
    plain = _plain(name)
    return plain if plain in entry.names else None


def _normalise(name: str) -> str:
    """A Hub id or URL as `org/model` in lower case, without revision or trailing slash."""
    text = _HUB_PREFIX.sub("", name.strip()).strip("/").lower()
    text = text.split("@", 1)[0]
    parts = text.split("/")
    # A Hub URL may continue with /tree/main or /blob/...: the id is its first two parts.
    return "/".join(parts[:2]) if len(parts) > 2 else text


def lookup_base_model(name: str) -> BaseModelFact | None:
    """The built-in fact about a base model named by a Hub id or family name, or None.

    `meta-llama/Llama-2-7b-hf`, `Llama-2-7b-hf` and `llama 2` all find the Llama 2 fact;
    `TheBloke/Llama-2-7B-GPTQ` finds nothing, on purpose (see the module docstring).
    """
    normalised = _normalise(name)
    if not normalised:
        return None
    for entry in _table():
        pattern = _matches(entry, normalised)
        if pattern is not None:
            return entry.fact(pattern)
    return None


def all_facts() -> list[tuple[BaseModelFact, tuple[str, ...]]]:
    """Every entry with its example ids: for `licheck explain`-style listings and for tests."""
    return [(entry.fact(entry.family), entry.examples) for entry in _table()]


def matching_families(name: str) -> list[str]:
    """Every family whose patterns match `name`; more than one would be a bug in the table."""
    normalised = _normalise(name)
    return [entry.family for entry in _table() if _matches(entry, normalised) is not None]
