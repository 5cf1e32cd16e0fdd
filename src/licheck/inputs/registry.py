"""The one registry of input readers: detection, `--input-format`, `load_path` and scan read it.

Each reader is a module with `read(path, context) -> list[ModelRecord]`; its entry here says
its name (what detection answers and `--input-format` accepts) and whether a file of its kind
describes a model on its own wherever it lies (a card, an SBOM: what `scan` picks up outside a
model folder). Adding a format is one module and one line here. Modules are named, not
imported: spdx-tools alone costs ~0.8 s, and `--help` must not pay it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from licheck.errors import InputError

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog


class InputOptions(msgspec.Struct, frozen=True):
    """How inputs may be read: `allow_outside` lets license paths leave the model's folder,
    `online` lets a card's license_link URL be fetched, `skip_non_models` drops files that only
    look like inputs (a README without front matter, for the pre-commit hook)."""

    allow_outside: bool = False
    online: bool = False
    input_format: str | None = None
    skip_non_models: bool = False


class Reader(msgspec.Struct, frozen=True):
    """One input format: its name, the module that reads it, and what scan makes of it."""

    name: str
    module: str
    summary: str
    # A file of this kind found anywhere in a tree is a model of its own (scan).
    loose_unit: bool = False
    # Reads a folder: its records' source may be the folder itself. Every other reader refuses
    # a folder (refuse_folder), so its records' source is a file.
    folder: bool = False


READERS: tuple[Reader, ...] = (
    Reader("model-yaml", "licheck.inputs.model_yaml", "licheck's own model description"),
    Reader("hf-card", "licheck.inputs.hf_card", "a Hugging Face model card", loose_unit=True),
    Reader("mot", "licheck.inputs.mot", "a Model Openness Tool file", loose_unit=True),
    Reader("spdx-json", "licheck.inputs.spdx2", "SPDX 2.3 JSON", loose_unit=True),
    Reader("spdx-tag-value", "licheck.inputs.spdx2", "SPDX 2.3 tag-value", loose_unit=True),
    Reader("spdx-yaml", "licheck.inputs.spdx2", "SPDX 2.3 YAML", loose_unit=True),
    Reader("spdx-xml", "licheck.inputs.spdx2", "SPDX 2.3 XML", loose_unit=True),
    Reader("spdx-rdf", "licheck.inputs.spdx2", "SPDX 2.3 RDF/XML", loose_unit=True),
    Reader("spdx3-jsonld", "licheck.inputs.spdx3", "SPDX 3.0 JSON-LD", loose_unit=True),
    Reader("cyclonedx-json", "licheck.inputs.cyclonedx", "CycloneDX ML-BOM", loose_unit=True),
    Reader("gguf", "licheck.inputs.gguf", "a GGUF weights file's metadata", loose_unit=True),
    Reader("safetensors", "licheck.inputs.safetensors", "a safetensors file's __metadata__"),
    Reader(
        "ollama",
        "licheck.inputs.ollama",
        "an Ollama store or manifest",
        loose_unit=True,
        folder=True,
    ),
    Reader("modelfile", "licheck.inputs.modelfile", "an Ollama Modelfile"),
    Reader("card-dump", "licheck.inputs.card_dump", "a table of Hub cards (Parquet, JSONL)"),
    Reader("license-text", "licheck.inputs.license_text", "a license text"),
    Reader("folder", "licheck.inputs.folder", "a model folder", folder=True),
)
READER_BY_NAME: dict[str, Reader] = {reader.name: reader for reader in READERS}
INPUT_FORMATS: tuple[str, ...] = tuple(READER_BY_NAME)
LOOSE_UNIT_FORMATS: frozenset[str] = frozenset(r.name for r in READERS if r.loose_unit)
# The formats whose records always come from a file, never from a folder.
FILE_FORMATS: frozenset[str] = frozenset(r.name for r in READERS if not r.folder)


class ReadContext(msgspec.Struct, frozen=True):
    """What every reader is handed besides the path: how the user names it, the reading
    options, the format it was detected as, and the run's catalog (for license names).

    `content` is the whole file when the caller that detected its format read all of it
    through the guarded opener (scan's look at a loose card is usually the whole card): a
    reader of small text files judges those bytes instead of opening the file again."""

    shown: str
    options: InputOptions
    kind: str
    catalog: Catalog | None = None
    content: bytes | None = None


def refuse_folder(path: Path, context: ReadContext) -> None:
    """A file reader given a folder (`--input-format` forced on one) says so, plainly. A file
    whose bytes the caller read is no folder."""
    if context.content is None and path.is_dir():
        raise InputError(f"is a folder, not a {context.kind} file", file=context.shown)
