"""A model folder (`licheck path/to/model/`): every description and license file, as one model.

A real model repository spreads its licensing over several files: a card that says
`license: other`, a LICENSE-MODEL for the weights, a LICENSE-CODE for the code, a USE_POLICY.md
that the weights license incorporates, sometimes a model.yaml or a Model Openness Tool file.
Judging any one of them alone misses terms, so this reader gathers them into one ModelRecord.

Precedence when several files describe the model: model.yaml > README.md (Hugging Face card) >
MOT file. model.yaml is the description a user writes for licheck on purpose, often to correct
a card; a card is the publisher's metadata on the Hub; a MOT file is usually written by a third
party. The first of them that declares a license gives the license (and its file and line);
each other field comes from the first that has it. What no file overrides is added up: every
license text (kept apart by role: "model" for the weights, "code", "use-policy" for an
acceptable-use policy that applies to the weights license, "license" otherwise) and every
access condition the card declares. A `model.yaml` that uses none of licheck's keys belongs to
another tool (an architecture config) and is passed over.

Safety: only regular files inside the folder are read. A symlink that leaves the folder is
refused (unless --allow-outside), except into the `blobs/` store of a Hugging Face cache, where
snapshot folders hold nothing but such symlinks. FIFOs and devices are never opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from licheck.errors import InputError
from licheck.inputs.layout import (
    beside_license_texts,
    folder_entries,
    folder_model_name,
    guard_inside,
    real_path,
)
from licheck.inputs.registry import ReadContext
from licheck.inputs.yamlfile import MAX_YAML_BYTES, load_yaml, read_text_file
from licheck.knowledge.catalog import Catalog
from licheck.records import Finding, LicenseText, ModelRecord, replace

FORMAT = "folder"
MODEL_YAML = "model.yaml"
CARD = "readme.md"
NO_DESCRIPTION = "no model description or license file in this folder"


def _find_mot(folder: Path, entries: list[Path], shown: str, allow_outside: bool) -> Path | None:
    """The Model Openness Tool file among the folder's YAML files, by its content."""
    from licheck.inputs.detect import is_mot, read_head

    found: list[Path] = []
    for path in entries:
        if path.suffix.lower() not in (".yml", ".yaml") or path.name.lower() == MODEL_YAML:
            continue
        file_shown = os.path.join(shown, path.name)
        guard_inside(folder, path, file_shown, allow_outside)
        if is_mot(read_head(path, shown=file_shown).decode("utf-8", errors="replace")):
            found.append(path)
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(
            f"several Model Openness Tool files in one folder ({names})",
            file=shown,
            hint="a folder describes one model: keep one MOT file, or point licheck at it",
        )
    return found[0] if found else None


def _load_mot(path: Path, shown: str, catalog: Catalog | None) -> ModelRecord | None:
    """The MOT record, or None while licheck is built without its MOT reader."""
    import importlib

    try:
        module = importlib.import_module("licheck.inputs.mot")
    except ModuleNotFoundError as exc:
        if exc.name != "licheck.inputs.mot":
            raise
        return None
    record: ModelRecord = module.load_mot(path, shown=shown, catalog=catalog)
    return record


def _first(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value), None)


def merge(
    records: list[ModelRecord], texts: list[LicenseText], *, shown: str, folder_name: str
) -> ModelRecord:
    """One record from the folder's descriptions, `records` in precedence order (see above)."""
    declaring = next((r for r in records if r.license is not None), None)
    all_texts: list[LicenseText] = []
    seen: set[str] = set()
    for text in [t for r in records for t in r.license_texts] + texts:
        key = real_path(text.path)
        if key not in seen:
            seen.add(key)
            all_texts.append(text)
    access: list[Finding] = []
    for record in records:
        access.extend(f for f in record.access if f not in access)
    # A card without model_name is named after the folder: a MOT release name says more.
    named = [r.name for r in records if r.format != "hf-card" or r.name != folder_name]
    return ModelRecord(
        source=declaring.source if declaring else shown,
        format=FORMAT,
        name=_first(named) or folder_name,
        license=declaring.license if declaring else None,
        license_line=declaring.license_line if declaring else None,
        publisher=_first(r.publisher for r in records),
        base_models=next((r.base_models for r in records if r.base_models), ()),
        base_model_relation=_first(r.base_model_relation for r in records),
        license_texts=tuple(all_texts),
        components=next((r.components for r in records if r.components), ()),
        datasets=next((r.datasets for r in records if r.datasets), ()),
        license_name=_first(r.license_name for r in records),
        license_link=_first(r.license_link for r in records),
        access=tuple(access),
    )


def _own_model_yaml(
    file: Path, folder: Path, shown: str, allow_outside: bool
) -> ModelRecord | None:
    """licheck's model.yaml, or None for another tool's file that happens to have that name.

    Training frameworks also write a `model.yaml` (architecture configs). One that uses none of
    licheck's keys is not ours and is passed over; one that uses any is validated strictly, so
    a typo in a user's own file is still reported.
    """
    from licheck.inputs.model_yaml import TOP_LEVEL_KEYS, parse_model_yaml

    text = read_text_file(file, what="model file", max_bytes=MAX_YAML_BYTES, shown=shown)
    data = load_yaml(text, source=shown)
    if isinstance(data, dict) and data and not any(key in data for key in TOP_LEVEL_KEYS):
        return None
    return parse_model_yaml(text, source=shown, folder=folder, allow_outside=allow_outside)


def _read_weights(
    folder: Path, entries: list[Path], shown: str, catalog: Catalog | None, allow_outside: bool
) -> list[ModelRecord]:
    """The records of a folder's weights files (headers only), in name order; a weights file
    that links out of the folder is refused like any other file (inputs/layout.guard_inside)."""
    from licheck.inputs.weights import weights_files

    records: list[ModelRecord] = []
    files = {p.name: p for p in entries if not p.is_dir()}
    for path in weights_files(folder, files):
        file_shown = os.path.join(shown, path.name)
        guard_inside(folder, path, file_shown, allow_outside)
        # Each reader is imported when a folder has such a file (most have neither).
        if path.name.lower().endswith(".gguf"):
            from licheck.inputs.gguf import load_gguf

            records.append(load_gguf(path, shown=file_shown, catalog=catalog))
        else:
            from licheck.inputs.safetensors import load_safetensors

            records.append(load_safetensors(path, shown=file_shown, catalog=catalog))
    return records


def _is_card(readme: Path) -> bool:
    """A README is a model card when it opens a YAML front matter; a project's plain README
    (no front matter) describes no model, so a folder holding only that is no model folder."""
    from licheck.inputs.detect import has_front_matter, read_head

    try:
        head = read_head(readme, limit=4096)
    except InputError:
        return True  # let the card reader report what is wrong with it
    return has_front_matter(head.decode("utf-8", errors="replace"))


def load_folder(
    path: Path,
    *,
    allow_outside: bool = False,
    online: bool = False,
    catalog: Catalog | None = None,
) -> list[ModelRecord]:
    """The model a folder describes, judged as one (see the module docstring for precedence).

    Returns a list so that the caller treats it like any other input; a folder is one model.
    """
    from licheck.inputs.hf_card import load_card

    shown = os.path.relpath(path) if not path.is_absolute() else str(path)
    if not path.is_dir():
        raise InputError("not a folder", file=shown, hint="give the model's folder")
    folder_name = folder_model_name(path)
    entries = folder_entries(path, shown)
    by_name = {p.name.lower(): p for p in entries}
    records: list[ModelRecord] = []
    if MODEL_YAML in by_name:
        file = by_name[MODEL_YAML]
        file_shown = os.path.join(shown, file.name)
        guard_inside(path, file, file_shown, allow_outside)
        own = _own_model_yaml(file, path, file_shown, allow_outside)
        if own is not None:
            records.append(own)
    card_read = False
    if CARD in by_name and _is_card(by_name[CARD]):
        file = by_name[CARD]
        file_shown = os.path.join(shown, file.name)
        guard_inside(path, file, file_shown, allow_outside)
        records.append(
            load_card(file, shown=file_shown, allow_outside=allow_outside, online=online)
        )
        card_read = True
    mot = _find_mot(path, entries, shown, allow_outside)
    if mot is not None:
        mot_record = _load_mot(mot, os.path.join(shown, mot.name), catalog)
        if mot_record is not None:
            records.append(mot_record)
    # The card reader already read the license files beside it; without a card, read them here.
    texts = (
        [] if card_read else beside_license_texts(path, source=shown, allow_outside=allow_outside)
    )
    # Weights carry their license too (GGUF, safetensors headers): they bind beside the card.
    from licheck.inputs.weights import with_weights

    weights = _read_weights(path, entries, shown, catalog, allow_outside)
    if not records and not texts and not weights:
        subfolders = any(entry.is_dir() for entry in path.iterdir())
        raise InputError(
            NO_DESCRIPTION,
            file=shown,
            hint=(
                f"to check every model in the folders below it, run `licheck scan {shown}`"
                if subfolders
                else "licheck looks for model.yaml, README.md (a Hugging Face card), a Model "
                "Openness Tool .yml file and LICENSE*, COPYING*, USE_POLICY* files"
            ),
        )
    # A folder of weights alone is one model, named after its folder.
    described = (
        merge(records, texts, shown=shown, folder_name=folder_name) if records or texts else None
    )
    merged = with_weights(described, weights, catalog)
    if described is None:
        merged = replace(merged, name=folder_name, format=FORMAT)
    return [merged]


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    if not path.is_dir():
        raise InputError("not a folder", file=context.shown, hint="drop --input-format folder")
    options = context.options
    return load_folder(
        path, allow_outside=options.allow_outside, online=options.online, catalog=context.catalog
    )
