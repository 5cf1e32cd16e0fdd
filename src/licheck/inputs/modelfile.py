"""An Ollama Modelfile (`licheck Modelfile`): its `LICENSE` texts and what it is built `FROM`.

`LICENSE` takes one line or a `\"\"\"`-quoted block, and there may be several; each is a license
text of the model, at its line. `FROM` names a GGUF file beside the Modelfile (its header is
read, inside the folder only) or a model (`llama3:8b`, `hf.co/org/repo`): a base model whose
terms the built model inherits.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from licheck.errors import InputError
from licheck.inputs.layout import guard_inside
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.weights import with_weights
from licheck.inputs.yamlfile import read_text_file
from licheck.records import LicenseText, ModelRecord

FORMAT = "modelfile"
MAX_BYTES = 2 * 1024 * 1024
_INSTRUCTION = re.compile(r"^\s*(FROM|LICENSE)\s+(.*)$", re.IGNORECASE)


def is_modelfile(name: str) -> bool:
    """Ollama's names for it: `Modelfile`, or `NAME.modelfile`."""
    lower = name.lower()
    return lower == "modelfile" or lower.endswith(".modelfile")


def load_modelfile(path: Path, context: ReadContext) -> ModelRecord:
    """The model a Modelfile builds: its license texts, its GGUF's header or its base."""
    from licheck.inputs.gguf import load_gguf

    shown = context.shown
    text = read_text_file(path, what="Modelfile", max_bytes=MAX_BYTES, shown=shown)
    lines = text.splitlines()
    texts: list[LicenseText] = []
    weights: list[ModelRecord] = []
    bases: list[str] = []
    index = 0
    while index < len(lines):
        match = _INSTRUCTION.match(lines[index])
        start = index + 1
        index += 1
        if match is None:
            continue
        keyword, value = match[1].upper(), match[2].strip()
        if keyword == "LICENSE":
            if value.startswith('"""'):
                body = [value[3:]]
                while '"""' not in body[-1] and index < len(lines):
                    body.append(lines[index])
                    index += 1
                if '"""' not in body[-1]:
                    raise InputError(
                        'LICENSE """ is never closed',
                        file=shown,
                        line=start,
                        hint='end it with """',
                    )
                body[-1] = body[-1].split('"""', 1)[0]
                value = "\n".join(body).strip()
            texts.append(LicenseText(path=shown, text=value, declared_line=start))
            continue
        target = path.parent / value
        if value.lower().endswith(".gguf") or target.is_file():
            guard_inside(path.parent, target, shown, context.options.allow_outside)
            weights.append(
                load_gguf(
                    target,
                    shown=os.path.join(os.path.dirname(shown), value),
                    catalog=context.catalog,
                )
            )
        elif value:
            bases.append(value)
    own = ModelRecord(
        source=shown,
        format=FORMAT,
        name=path.parent.resolve().name if path.name.lower() == "modelfile" else path.stem,
        license=None,
        base_models=tuple(bases),
        license_texts=tuple(texts),
    )
    merged = with_weights(own, weights, context.catalog)
    from licheck.records import replace

    return replace(merged, format=FORMAT, source=shown, name=own.name)


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point (inputs/registry.py)."""
    refuse_folder(path, context)
    return [load_modelfile(path, context)]
