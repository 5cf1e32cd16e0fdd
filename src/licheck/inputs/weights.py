"""What weights files say about their license, and how that joins a card's or a LICENSE's.

Shared by the GGUF, safetensors, Ollama and folder readers: how split files are named, how a
license string from metadata becomes a declaration, and the agreement rule. When a card, a
LICENSE file and the weights' metadata name different licenses, all of them bind: the model's
expression becomes `(card) AND (weights)`, so it cannot pass on the most permissive one alone,
and the disagreement is reported as a warning of the subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import msgspec

from licheck.knowledge.catalog import Catalog
from licheck.records import ModelRecord, replace
from licheck.regex import on_first_use

WEIGHTS_SUFFIXES = (".gguf", ".safetensors")
_SPLIT = on_first_use(r"^(?P<stem>.+)-(?P<n>\d{5})-of-(?P<total>\d{5})(?P<ext>\.[A-Za-z]+)$")
# What an SPDX expression may hold; anything else in a metadata license is a free-text name.
_EXPRESSION = on_first_use(r"[A-Za-z0-9.+\-:() ]+")
_OPERATORS = on_first_use(r"\s+(?:AND|OR|WITH)\s+|[()]", re.IGNORECASE)
_HF_REPO = on_first_use(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/([^/\s]+/[^/\s?#]+)")
PLACEHOLDER = "LicenseRef-licheck-hf-other"


class SplitPart(msgspec.Struct, frozen=True):
    """One part of a split weights file: `stem-0000N-of-0000M.ext`."""

    stem: str
    number: int
    total: int
    ext: str

    def name(self, number: int) -> str:
        return f"{self.stem}-{number:05d}-of-{self.total:05d}{self.ext}"

    @property
    def first(self) -> str:
        return self.name(1)

    def names(self) -> list[str]:
        return [self.name(n) for n in range(1, self.total + 1)]


def split_part(name: str) -> SplitPart | None:
    """The part a file name says it is (`-00002-of-00004.gguf`), or None for a whole file."""
    match = _SPLIT.match(name)
    if match is None:
        return None
    number, total = int(match["n"]), int(match["total"])
    if not 1 <= number <= total:
        return None
    return SplitPart(match["stem"], number, total, match["ext"])


def is_later_part(name: str) -> bool:
    """A part of a split model past the first: the first part stands for the whole model."""
    part = split_part(name)
    return part is not None and part.number > 1


def base_model_id(repo_url: str | None, organization: str | None, name: str | None) -> str | None:
    """A base model as licheck looks it up: the Hub id of its repository URL, else its name."""
    if repo_url:
        match = _HF_REPO.match(repo_url)
        if match:
            return match[1].removesuffix(".git")
    if name:
        return name
    return repo_url or None


def license_from_metadata(
    value: str | None, name: str | None, catalog: Catalog | None
) -> tuple[str | None, str | None]:
    """(license expression, license name) from a metadata `license` and `license.name`.

    Exporters write an SPDX id, a Hub id (`llama3`) or a license's title ("Llama 3 Community
    License"). A title licheck knows becomes its id; an expression stays as written (the
    engine judges each name, unknown ones are `cannot verify`); any other text is declared as
    the placeholder `other` with the text as its name, so it is shown and never passes.
    """
    if value is None:
        resolution = catalog.resolve(name) if name and catalog else None
        return (resolution.id if resolution else None), name
    value = value.strip()
    expression = bool(_EXPRESSION.fullmatch(value)) and (
        " " not in value or bool(_OPERATORS.search(value))
    )
    if not expression:
        resolution = catalog.resolve(value) if catalog else None
        if resolution is not None:
            return resolution.id, name or value
        return "other", name or value
    return value, name


def license_ids(record: ModelRecord, catalog: Catalog | None) -> frozenset[str]:
    """The licenses a record's expression names, as catalog ids where licheck knows them."""
    if record.license is None:
        return frozenset()
    found: set[str] = set()
    for part in _OPERATORS.split(record.license):
        token = part.strip()
        if not token:
            continue
        resolution = catalog.resolve(token) if catalog else None
        if resolution is not None and resolution.id == PLACEHOLDER and record.license_name:
            resolution = catalog.resolve(record.license_name) if catalog else None
        found.add(resolution.id if resolution else token.lower())
    return frozenset(found)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    unique: dict[str, str] = {}
    for group in groups:
        for name in group:
            unique.setdefault(name.lower(), name)
    return tuple(unique.values())


def with_weights(
    record: ModelRecord | None, weights: list[ModelRecord], catalog: Catalog | None
) -> ModelRecord:
    """`record` (the card's, model.yaml's or LICENSE's) joined with what the weights declare.

    Every license the weights declare that the record does not binds too (AND), and each
    disagreement becomes a warning; base models are added up. Without a record, the first
    weights file that declares a license speaks first.
    """
    if not weights:
        assert record is not None
        return record
    if record is None:
        declaring = [w for w in weights if w.license is not None] or weights
        record, weights = declaring[0], [w for w in weights if w is not declaring[0]]
    license_ = record.license
    warnings = list(record.warnings)
    declared = license_ids(record, catalog)
    for weight in weights:
        warnings.extend(weight.warnings)
        if weight.license is None:
            continue
        theirs = license_ids(weight, catalog)
        if license_ is None:
            license_, declared = weight.license, theirs
            continue
        if theirs <= declared:
            continue
        shown_theirs = weight.license if not weight.license_name else weight.license_name
        warnings.append(
            f"{weight.source} declares the license '{shown_theirs}' but {record.source} "
            f"declares '{record.license}': they disagree, and all of them bind"
        )
        license_ = f"({license_}) AND ({weight.license})"
        declared = declared | theirs
    return replace(
        record,
        license=license_,
        base_models=_union([record.base_models, *(w.base_models for w in weights)]),
        publisher=record.publisher or next((w.publisher for w in weights if w.publisher), None),
        license_link=record.license_link
        or next((w.license_link for w in weights if w.license_link), None),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def weights_files(folder: Path, names: Iterable[str]) -> list[Path]:
    """The weights files of a folder that carry metadata: every GGUF file or the first part of
    a split one, and every safetensors file (each part has its own header)."""
    found: list[Path] = []
    for name in sorted(names):
        lower = name.lower()
        if not lower.endswith(WEIGHTS_SUFFIXES):
            continue
        if lower.endswith(".gguf") and is_later_part(name):
            continue
        found.append(folder / name)
    return found
