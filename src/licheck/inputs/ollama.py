"""An Ollama model store (`licheck scan ~/.ollama/models`): each manifest is one model.

The store keeps `manifests/HOST/NAMESPACE/MODEL/TAG` (OCI-style JSON manifests) beside
`blobs/sha256-HEX`. A manifest lists layers by media type; licheck reads
`application/vnd.ollama.image.license` (a license text, judged like a LICENSE file) and the
GGUF layers `…model`, `…adapter` and `…projector` (their metadata header only). `…template`,
`…params`, `…system` and `…messages` carry no license terms and are not read; a layer of any
other type is reported as not read, never passed over in silence. A subject is named
`library/llama3:latest` (the default registry, registry.ollama.ai, left out) or
`HOST/NAMESPACE/MODEL:TAG`.

Digests are checked against `sha256:<64 hex>` before they name a file, so a hostile manifest
cannot point outside `blobs/`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.layout import is_store
from licheck.inputs.paths import MAX_LICENSE_BYTES
from licheck.inputs.registry import ReadContext
from licheck.inputs.weights import with_weights
from licheck.inputs.yamlfile import read_text_file
from licheck.knowledge.catalog import Catalog
from licheck.records import LicenseText, ModelRecord

FORMAT = "ollama"
DEFAULT_REGISTRY = "registry.ollama.ai"
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_LAYERS = 256
MAX_MANIFESTS = 100_000
MEDIA = "application/vnd.ollama.image."
GGUF_LAYERS = frozenset({MEDIA + "model", MEDIA + "adapter", MEDIA + "projector"})
LICENSE_LAYER = MEDIA + "license"
IGNORED_LAYERS = frozenset(MEDIA + kind for kind in ("template", "params", "system", "messages"))
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")


def manifest_paths(store: Path) -> Iterator[Path]:
    """Every manifest of a store, `manifests/HOST/NAMESPACE/MODEL/TAG`, in a stable order;
    symlinked folders are not followed."""
    count = 0
    top = store / "manifests"
    for host in _subfolders(top):
        for namespace in _subfolders(host):
            for model in _subfolders(namespace):
                for tag in _listing(model):
                    if tag.is_file() and not tag.is_symlink() and count < MAX_MANIFESTS:
                        count += 1
                        yield tag


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []


def _subfolders(folder: Path) -> list[Path]:
    return [p for p in _listing(folder) if p.is_dir() and not p.is_symlink()]


def subject_name(manifest: Path) -> str:
    """`library/llama3:latest` for the default registry, `HOST/NAMESPACE/MODEL:TAG` otherwise."""
    tag, model, namespace, host = (
        manifest.name,
        manifest.parent.name,
        manifest.parents[1].name,
        manifest.parents[2].name,
    )
    name = f"{namespace}/{model}:{tag}"
    return name if host == DEFAULT_REGISTRY else f"{host}/{name}"


def _store_of(manifest: Path, shown: str) -> Path:
    parents = manifest.parents
    if len(parents) > 4 and parents[3].name == "manifests" and is_store(parents[4]):
        return parents[4]
    raise InputError(
        "an Ollama manifest outside its store: the layers it names cannot be found",
        file=shown,
        hint="give the store (e.g. ~/.ollama/models) or a manifest under its manifests/ folder",
    )


def _layers(manifest: Path, shown: str) -> list[dict[str, Any]]:
    text = read_text_file(
        manifest, what="Ollama manifest", max_bytes=MAX_MANIFEST_BYTES, shown=shown
    )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise InputError("the Ollama manifest is not valid JSON", file=shown) from None
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, list) or not all(isinstance(x, dict) for x in layers):
        raise InputError(
            "the Ollama manifest has no list of layers",
            file=shown,
            hint="a manifest is a JSON object with `layers: [{mediaType, digest, size}]`",
        )
    if len(layers) > MAX_LAYERS:
        raise InputError(f"the Ollama manifest lists {len(layers):,} layers", file=shown)
    return layers


def _blob(store: Path, layer: dict[str, Any], shown_store: str, shown: str) -> tuple[Path, str]:
    digest = layer.get("digest")
    match = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
    if match is None:
        raise InputError(
            f"a layer's digest is not sha256:<64 hex digits> ({str(digest)[:80]!r})",
            file=shown,
            hint="the manifest is damaged; pull the model again",
        )
    name = f"sha256-{match[1]}"
    path = store / "blobs" / name
    blob_shown = os.path.join(shown_store, "blobs", name)
    try:
        info = path.stat()
    except OSError:
        raise InputError(
            f"the blob {name} of a {layer.get('mediaType')} layer is missing",
            file=shown,
            hint="the store is incomplete; pull the model again (`ollama pull`)",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"the blob {name} is not a regular file", file=shown)
    return path, blob_shown


def load_manifest(manifest: Path, *, shown: str, catalog: Catalog | None = None) -> ModelRecord:
    """One model of the store: its license texts and its GGUF layers' metadata."""
    from licheck.inputs.gguf import read_header, record_from_header

    store = _store_of(manifest, shown)
    shown_store = os.path.normpath(os.path.join(shown, *([os.pardir] * 5)))
    name = subject_name(manifest)
    texts: list[LicenseText] = []
    weights: list[ModelRecord] = []
    warnings: list[str] = []
    for layer in _layers(manifest, shown):
        media = layer.get("mediaType")
        if media in IGNORED_LAYERS:
            continue
        if media == LICENSE_LAYER:
            path, blob_shown = _blob(store, layer, shown_store, shown)
            text = read_text_file(
                path, what="license layer", max_bytes=MAX_LICENSE_BYTES, shown=blob_shown
            )
            texts.append(LicenseText(path=blob_shown, text=text))
        elif media in GGUF_LAYERS:
            path, blob_shown = _blob(store, layer, shown_store, shown)
            header = read_header(path, shown=blob_shown)
            weights.append(
                record_from_header(header, shown=blob_shown, default_name=name, catalog=catalog)
            )
        else:
            warnings.append(
                f"{name}: a layer of media type {str(media)[:100]!r} was not read "
                "(licheck does not know what it holds)"
            )
    own = ModelRecord(
        source=shown,
        format=FORMAT,
        name=name,
        license=None,
        license_texts=tuple(texts),
        warnings=tuple(warnings),
    )
    merged = with_weights(own, weights, catalog)
    # The model's name is the store's (what `ollama run` takes), whatever its GGUF calls it.
    from licheck.records import replace

    return replace(merged, name=name, format=FORMAT, source=shown)


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point: a whole store (one record per manifest) or one manifest."""
    if path.is_dir():
        if not is_store(path):
            raise InputError(
                "not an Ollama store (no manifests/ and blobs/ folders)",
                file=context.shown,
                hint="give the store, e.g. ~/.ollama/models",
            )
        records = [
            load_manifest(
                m,
                shown=os.path.join(context.shown, os.path.relpath(m, path)),
                catalog=context.catalog,
            )
            for m in manifest_paths(path)
        ]
        if not records:
            raise InputError(
                "the Ollama store holds no manifests",
                file=context.shown,
                hint="`ollama pull` a model",
            )
        return records
    return [load_manifest(path, shown=context.shown, catalog=context.catalog)]
