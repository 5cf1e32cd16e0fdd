"""Well-known base models and their licenses: what a derivative inherits.

A fine-tune of Llama 2 declared `apache-2.0` still carries the Llama 2 terms (issue 6): the
license of the weights it was trained from follows them. When the base is not in the same scan,
licheck needs to know that base's license from somewhere it can trust offline, so this module
keeps a small table of facts (base_models.yaml), each with the URL of the publisher's model
card or license that states it.

The original publisher's Hub ids and plain family names match as facts. A re-upload under
another organisation whose model part plainly names a release (`TheBloke/Llama-2-7B-GGUF`,
`unsloth/llama-3-8b-bnb-4bit`) matches by name once quantisation suffixes are taken off, and
says so (`reupload`): from a known mirror or quantiser it is "trusted", from anyone else it is a
"resemblance" that the policy may use to fail a derivative but never to pass one (issue 14).
Version numbers are spelled out in every pattern, so Llama 3 never answers for Llama 3.1.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

DATA_FILE = Path(__file__).with_name("base_models.yaml")
UNKNOWN = "unknown"
_HUB_PREFIX = re.compile(r"^(https?://)?(www\.)?(huggingface\.co|hf\.co)/", re.IGNORECASE)


class BaseModelFact(msgspec.Struct, frozen=True):
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
    # None for the original publisher's id or a family name; "trusted" for a re-upload by a
    # known mirror or quantiser, "resemblance" for a name match under any other organisation.
    reupload: str | None = None


class _Entry(msgspec.Struct, frozen=True):
    family: str
    license: str | None
    source: str
    note: str | None
    orgs: frozenset[str]
    models: tuple[re.Pattern[str], ...]
    names: frozenset[str]
    examples: tuple[str, ...]

    def fact(self, pattern: str, reupload: str | None = None) -> BaseModelFact:
        return BaseModelFact(pattern, self.family, self.license, self.source, self.note, reupload)


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
def _data() -> tuple[tuple[_Entry, ...], frozenset[str]]:
    """The table and the re-uploaders' organisations, read once per process, when first needed."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(DATA_FILE.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, list):
        raise ValueError(f"{DATA_FILE.name}: expected a list of entries")
    reuploaders: set[str] = set()
    entries = []
    for index, raw in enumerate(data):
        if isinstance(raw, dict) and set(raw) == {"reuploaders"}:
            reuploaders.update(str(org).lower() for org in raw["reuploaders"])
        else:
            entries.append(_entry(raw, index))
    return tuple(entries), frozenset(reuploaders)


def _table() -> tuple[_Entry, ...]:
    return _data()[0]


# What quantisers and converters append to a model's name (TheBloke/Llama-2-7B-Chat-GGUF,
# unsloth/mistral-7b-v0.3-bnb-4bit, mlx-community/Mistral-7B-Instruct-v0.3-4bit).
_REUPLOAD_SUFFIX = re.compile(
    r"[-_.](gguf|ggml|gptq|awq|exl2|mlx|onnx|fp16|bf16|fp8|int4|int8|q[2-8](_k(_[msl])?|_0)?|"
    r"[248]bit|bnb|hf|unsloth|imatrix|i1|safetensors)$"
)


def _strip_reupload(model: str) -> list[str]:
    """The model part, and the same with each quantisation suffix taken off in turn."""
    names = [model]
    while True:
        stripped = _REUPLOAD_SUFFIX.sub("", names[-1])
        if stripped == names[-1] or not stripped:
            return names
        names.append(stripped)


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


def normalise_id(name: str) -> str:
    """A Hub id or URL in the compared form (`org/model`, lower case, no revision)."""
    return _normalise(name)


@lru_cache(maxsize=8192)
def lookup_base_model(name: str) -> BaseModelFact | None:
    """The built-in fact about a base model named by a Hub id or family name, or None.

    Remembered per process: a scan of a Hub dump names the same few bases thousands of times
    (every Llama fine-tune names meta-llama/...), and a lookup tries every family's patterns.

    `meta-llama/Llama-2-7b-hf`, `Llama-2-7b-hf` and `llama 2` all find the Llama 2 fact;
    `TheBloke/Llama-2-7B-GPTQ` finds it as a trusted re-upload (see the module docstring).
    """
    normalised = _normalise(name)
    if not normalised:
        return None
    entries, reuploaders = _data()
    for entry in entries:
        pattern = _matches(entry, normalised)
        if pattern is not None:
            return entry.fact(pattern)
    org, slash, model = normalised.partition("/")
    if not slash or any(org in entry.orgs for entry in entries if _named(entry, model)):
        return None  # an original publisher's own id that no pattern knows is not a re-upload
    kind = "trusted" if org in reuploaders else "resemblance"
    for candidate in _strip_reupload(model):
        for entry in entries:
            for model_pattern in entry.models:
                if model_pattern.fullmatch(candidate):
                    return entry.fact(f"{org}/{model_pattern.pattern} (re-upload)", kind)
    return None


def _named(entry: _Entry, model: str) -> bool:
    return any(p.fullmatch(c) for p in entry.models for c in _strip_reupload(model))


def all_facts() -> list[tuple[BaseModelFact, tuple[str, ...]]]:
    """Every entry with its example ids: for `licheck explain`-style listings and for tests."""
    return [(entry.fact(entry.family), entry.examples) for entry in _table()]


def matching_families(name: str) -> list[str]:
    """Every family whose patterns match `name`; more than one would be a bug in the table."""
    normalised = _normalise(name)
    return [entry.family for entry in _table() if _matches(entry, normalised) is not None]
